// Spark properties files: the `java.util.Properties` text format (`key=value`, `key value`,
// `key:value`, `#`/`!` comments, backslash continuations and escapes) plus Spark's trimming of
// values. Parsing is pure; `readPropertiesFile` is the thin wrapper that reads a path.
import type { ReadTextFile } from './system.ts';

export interface PropertiesFile {
  /** Every key in the file (not only `spark.*`), later lines winning, values trimmed as Spark does. */
  readonly properties: Readonly<Record<string, string>>;
  /** The line each key was (last) defined on, for messages. */
  readonly lines: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
}

export type PropertiesResult = ({ ok: true } & PropertiesFile) | { ok: false; errors: string[] };

interface LogicalLine {
  readonly text: string;
  /** 1-based number of the natural line the logical line starts on. */
  readonly line: number;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\f';

/**
 * Parses properties text. `source` (usually the path) prefixes every message as `source:line`.
 * Values are trimmed like Spark's `trimExceptCRLF`: characters up to U+0020 go from both ends,
 * except CR and LF, which can only be there through `\r`/`\n` escapes and are kept.
 */
export function parseProperties(text: string, source: string): PropertiesResult {
  const properties: Record<string, string> = {};
  const lines: Record<string, number> = {};
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const logical of logicalLines(text.replace(/^\uFEFF/, ''))) {
    const { rawKey, rawValue } = splitKeyValue(logical.text);
    const key = unescape(rawKey);
    if (!key.ok) {
      errors.push(`${source}:${logical.line}: ${key.error} in a key`);
      continue;
    }
    const value = unescape(rawValue);
    if (!value.ok) {
      // The value may be a secret: name the key, never show the value.
      errors.push(`${source}:${logical.line}: ${value.error} in the value of '${key.value}'`);
      continue;
    }
    const previous = lines[key.value];
    if (previous !== undefined) {
      warnings.push(`${source}:${logical.line}: '${key.value}' is also set on line ${previous}; the later value wins`);
    }
    properties[key.value] = trimExceptCrLf(value.value);
    lines[key.value] = logical.line;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, properties, lines, warnings };
}

/** Reads and parses a properties file; a missing file is an error naming it, as in Spark. */
export function readPropertiesFile(path: string, readFile: ReadTextFile): PropertiesResult {
  let text: string | undefined;
  try {
    text = readFile(path);
  } catch (error) {
    return { ok: false, errors: [`Properties file ${path} cannot be read: ${(error as Error).message}`] };
  }
  if (text === undefined) return { ok: false, errors: [`Properties file ${path} does not exist`] };
  return parseProperties(text, path);
}

/**
 * Joins natural lines into logical ones as `Properties.load` does: leading whitespace is dropped,
 * blank and comment lines are skipped (a comment never continues), and a line ending in an odd
 * number of backslashes continues on the next line, whose leading whitespace is dropped too.
 */
function* logicalLines(text: string): Generator<LogicalLine> {
  const natural = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < natural.length; i++) {
    const first = stripLeading(natural[i] ?? '');
    if (first === '' || first.startsWith('#') || first.startsWith('!')) continue;
    const start = i + 1;
    let joined = first;
    while (endsWithOddBackslashes(joined)) {
      joined = joined.slice(0, -1);
      // At the end of the text a trailing backslash is simply dropped.
      if (i + 1 >= natural.length) break;
      i += 1;
      joined += stripLeading(natural[i] ?? '');
    }
    yield { text: joined, line: start };
  }
}

function stripLeading(line: string): string {
  let i = 0;
  while (isBlank(line[i])) i += 1;
  return line.slice(i);
}

function endsWithOddBackslashes(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count += 1;
  return count % 2 === 1;
}

/**
 * The key ends at the first unescaped `=`, `:` or whitespace; then whitespace and at most one
 * `=` or `:` are skipped, and the rest is the value.
 */
function splitKeyValue(line: string): { rawKey: string; rawValue: string } {
  let keyEnd = 0;
  let valueStart = line.length;
  let hasSeparator = false;
  let escaped = false;
  for (; keyEnd < line.length; keyEnd++) {
    const c = line[keyEnd];
    if (!escaped && (c === '=' || c === ':')) {
      valueStart = keyEnd + 1;
      hasSeparator = true;
      break;
    }
    if (!escaped && isBlank(c)) {
      valueStart = keyEnd + 1;
      break;
    }
    escaped = c === '\\' ? !escaped : false;
  }
  for (; valueStart < line.length; valueStart++) {
    const c = line[valueStart];
    if (isBlank(c)) continue;
    if (!hasSeparator && (c === '=' || c === ':')) {
      hasSeparator = true;
      continue;
    }
    break;
  }
  return { rawKey: line.slice(0, keyEnd), rawValue: line.slice(valueStart) };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

/** `Properties.loadConvert`: `\uXXXX`, `\t \n \r \f`, and any other escaped character as itself. */
function unescape(raw: string): { ok: true; value: string } | { ok: false; error: string } {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = raw[i + 1];
    if (next === undefined) break;
    i += 1;
    if (next === 'u') {
      const hex = raw.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { ok: false, error: 'malformed \\uxxxx escape' };
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return { ok: true, value: out };
}

/** Spark's `Utils.trimExceptCRLF`. */
export function trimExceptCrLf(value: string): string {
  const keep = (c: string): boolean => c > ' ' || c === '\r' || c === '\n';
  let start = 0;
  let end = value.length;
  while (start < end && !keep(value[start] ?? '')) start += 1;
  while (end > start && !keep(value[end - 1] ?? '')) end -= 1;
  return value.slice(start, end);
}
