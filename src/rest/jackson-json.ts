// JSON text exactly as Spark's REST messages are written by Jackson with INDENT_OUTPUT: the
// DefaultPrettyPrinter layout (`"key" : value`, objects indented two spaces per level, arrays
// inline as `[ "a", "b" ]`, empty containers as `{ }` and `[ ]`, "\n" line breaks, no final
// newline) and Jackson's string escapes. Keys are written in the order given. Pure.

export type JacksonValue = string | boolean | number | null | readonly JacksonValue[] | JacksonObject;
export interface JacksonObject {
  readonly [key: string]: JacksonValue | undefined;
}

// Jackson writes the usual controls in their short form and every other character below
// U+0020 as \u00XX with upper-case hex (JSON.stringify would use lower case).
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t',
};

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/g;

export function jacksonString(text: string): string {
  const escaped = text.replace(NEEDS_ESCAPE, (ch) =>
    SHORT_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
  return `"${escaped}"`;
}

/**
 * Renders a value the way Jackson's pretty printer does. Object entries whose value is
 * `undefined` are left out (Spark's messages omit null fields). Numbers are written with
 * `String(n)`, which matches Jackson for the integers Spark's messages could carry.
 */
export function jacksonJson(value: JacksonValue): string {
  return render(value, 0);
}

// `depth` counts enclosing objects only: Jackson's array indenter is inline and does not nest.
function render(value: JacksonValue, depth: number): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return jacksonString(value);
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[ ${value.map((item) => render(item, depth)).join(', ')} ]`;
  }
  const entries = Object.entries(value).filter((entry): entry is [string, JacksonValue] => entry[1] !== undefined);
  if (entries.length === 0) return '{ }';
  const inner = '\n' + '  '.repeat(depth + 1);
  const body = entries.map(([key, item]) => `${jacksonString(key)} : ${render(item, depth + 1)}`).join(',' + inner);
  return `{${inner}${body}\n${'  '.repeat(depth)}}`;
}

function isArray(value: JacksonValue): value is readonly JacksonValue[] {
  return Array.isArray(value);
}
