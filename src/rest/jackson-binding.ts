// How Spark's Jackson mapper bound a parsed CreateSubmissionRequest to its String, String[] and
// Map[String, String] fields: scalars become their text, null means "not set", a value of the
// wrong shape is a MismatchedInputException (whose text we imitate). Pure.

/** The package of Spark's REST classes, as exception texts and reference chains name it. */
export const REST_PACKAGE = 'org.apache.spark.deploy.rest';

export interface CreateRequestFields {
  readonly message: string;
  readonly clientSparkVersion: string;
  readonly appResource: string;
  readonly mainClass: string;
  readonly appArgs: readonly string[];
  readonly sparkProperties: Readonly<Record<string, string>>;
  readonly environmentVariables: Readonly<Record<string, string>>;
}

export type Binding =
  | { readonly ok: true; readonly fields: Partial<CreateRequestFields>; readonly known: ReadonlySet<string> }
  | { readonly ok: false; readonly error: string };

class Mismatch {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
type Binder<T> = (value: unknown, path: readonly string[]) => T | undefined | Mismatch;

const JAVA_STRING = 'java.lang.String';
const JAVA_MAP = 'scala.collection.immutable.Map<java.lang.String,java.lang.String>';

const bindString: Binder<string> = (value, path) => {
  if (value === null || value === undefined) return undefined;
  return scalarText(value) ?? mismatch(JAVA_STRING, value, path);
};

// Unlike Jackson, a null inside the array or the map is refused: nothing downstream could use it.
const bindStringArray: Binder<readonly string[]> = (value, path) => {
  if (value === null || value === undefined) return undefined;
  if (!Array.isArray(value)) return mismatch(`${JAVA_STRING}[]`, value, path);
  const items: string[] = [];
  for (const [index, item] of (value as unknown[]).entries()) {
    const text = scalarText(item);
    if (text === undefined) return mismatch(JAVA_STRING, item, [...path, String(index)]);
    items.push(text);
  }
  return items;
};

const bindStringMap: Binder<Readonly<Record<string, string>>> = (value, path) => {
  if (value === null || value === undefined) return undefined;
  if (!isObject(value)) return mismatch(JAVA_MAP, value, path);
  const entries: [string, string][] = [];
  for (const [key, item] of Object.entries(value)) {
    const text = scalarText(item);
    if (text === undefined) return mismatch(JAVA_STRING, item, [...path, key]);
    entries.push([key, text]);
  }
  // fromEntries defines own properties, so a key like "__proto__" stays an ordinary key.
  return Object.fromEntries(entries);
};

const BINDERS: { readonly [K in keyof CreateRequestFields]: Binder<CreateRequestFields[K]> } = {
  message: bindString,
  clientSparkVersion: bindString,
  appResource: bindString,
  mainClass: bindString,
  appArgs: bindStringArray,
  sparkProperties: bindStringMap,
  environmentVariables: bindStringMap,
};

/** The request's fields (`action` aside), as the server knows them; anything else is unknown. */
const KNOWN: ReadonlySet<string> = new Set(['action', ...Object.keys(BINDERS)]);

/** Binds the known fields in document order, as Jackson does: the first mismatch is the error. */
export function bindCreateRequest(json: Readonly<Record<string, unknown>>): Binding {
  const fields: Partial<Record<keyof CreateRequestFields, unknown>> = {};
  for (const key of Object.keys(json)) {
    if (!isBoundField(key)) continue;
    const result = BINDERS[key](json[key], [key]);
    if (result instanceof Mismatch) return { ok: false, error: result.text };
    fields[key] = result;
  }
  return { ok: true, fields: fields as Partial<CreateRequestFields>, known: KNOWN };
}

function isBoundField(key: string): key is keyof CreateRequestFields {
  return Object.hasOwn(BINDERS, key);
}

function mismatch(javaType: string, value: unknown, path: readonly string[]): Mismatch {
  const chain = path.map((p) => `[${JSON.stringify(p)}]`).join('');
  return new Mismatch(`Cannot deserialize value of type \`${javaType}\` from ${jsonKind(value)} `
    + `(through reference chain: ${REST_PACKAGE}.CreateSubmissionRequest${chain})`);
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null value';
  if (Array.isArray(value)) return 'Array value (token `JsonToken.START_ARRAY`)';
  if (typeof value === 'object') return 'Object value (token `JsonToken.START_OBJECT`)';
  if (typeof value === 'boolean') return `Boolean value (token \`JsonToken.VALUE_${value ? 'TRUE' : 'FALSE'}\`)`;
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? 'Integer value (token `JsonToken.VALUE_NUMBER_INT`)'
      : 'Floating-point value (token `JsonToken.VALUE_NUMBER_FLOAT`)';
  }
  return 'String value (token `JsonToken.VALUE_STRING`)';
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `record[key]` if it is the record's own property (never something inherited like `constructor`). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
