// Parsers for the value syntaxes Spark uses in its properties: numbers, booleans, memory sizes
// ("2g", "512m") and durations ("120s", "10min"), plus comma lists. Each returns a tagged result
// instead of throwing, so a bad value becomes a precise message, never an exception.

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

// Decimal notation only: Java's parseDouble also takes "NaN", "Infinity" and "1d", which no
// sane configuration means.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite decimal number, surrounding whitespace allowed. */
export function parseNumber(key: string, raw: string): Parsed<number> {
  const text = raw.trim();
  return DECIMAL.test(text) ? ok(Number(text)) : fail(`${key}: '${raw}' is not a number`);
}

/** A whole number within [min, max]. */
export function parseInteger(key: string, raw: string, min = Number.MIN_SAFE_INTEGER): Parsed<number> {
  const text = raw.trim();
  if (!/^[+-]?\d+$/.test(text)) return fail(`${key}: '${raw}' is not a whole number`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return fail(`${key}: '${raw}' is too large`);
  if (value < min) return fail(`${key}: '${raw}' must be at least ${min}`);
  return ok(value);
}

/** Scala's `toBoolean`: "true" or "false", in any case. */
export function parseBoolean(key: string, raw: string): Parsed<boolean> {
  const text = raw.trim().toLowerCase();
  if (text === 'true') return ok(true);
  if (text === 'false') return ok(false);
  return fail(`${key}: '${raw}' is not true or false`);
}

const MIB_PER_UNIT: Readonly<Record<string, number>> = {
  b: 1 / (1024 * 1024), k: 1 / 1024, kb: 1 / 1024, m: 1, mb: 1,
  g: 1024, gb: 1024, t: 1024 ** 2, tb: 1024 ** 2, p: 1024 ** 3, pb: 1024 ** 3,
};

/**
 * A Spark memory string in whole MiB (truncating, as `byteStringAsMb` does). A bare number is
 * MiB, as for Spark's own `spark.driver.memory` (the original REST server read it as bytes).
 */
export function parseMemoryMiB(key: string, raw: string): Parsed<number> {
  const match = /^(\d+)([a-z]*)$/.exec(raw.trim().toLowerCase());
  const factor = match ? MIB_PER_UNIT[match[2] || 'm'] : undefined;
  if (!match || factor === undefined) {
    return fail(`${key}: '${raw}' is not a memory size (use a whole number with an optional unit, e.g. 2048m or 2g)`);
  }
  return ok(Math.floor(Number(match[1]) * factor));
}

const MS_PER_UNIT: Readonly<Record<string, number>> = {
  us: 0.001, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000,
};

/** A Spark time string in ms; a bare number is in `bareUnit` (Spark's `timeConf` default unit). */
export function parseDurationMs(key: string, raw: string, bareUnit: 's' | 'ms'): Parsed<number> {
  const match = /^(\d+)([a-z]*)$/.exec(raw.trim().toLowerCase());
  const factor = match ? MS_PER_UNIT[match[2] || bareUnit] : undefined;
  if (!match || factor === undefined) {
    return fail(`${key}: '${raw}' is not a duration (use a whole number with a unit: ms, s, m, min, h or d)`);
  }
  return ok(Number(match[1]) * factor);
}

/**
 * What counts as blank, as regular-expression class text shared with the CRD's CEL rules (RE2):
 * JavaScript's trim() and \s, and RE2's \s, each know other characters (\v, NBSP, U+2028), and a
 * value one check calls blank must be blank to the other.
 */
export const BLANK_CHARS = ' \\t\\n\\r';
const NOT_BLANK = new RegExp(`[^${BLANK_CHARS}]`);
const BLANK_ENDS = new RegExp(`^[${BLANK_CHARS}]+|[${BLANK_CHARS}]+$`, 'g');

export const isBlank = (text: string): boolean => !NOT_BLANK.test(text);
export const trimBlank = (text: string): string => text.replace(BLANK_ENDS, '');

/** Comma list as Spark's `toSequence` reads it: entries trimmed, blank entries dropped. */
export function splitCommaList(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw.split(',').map(trimBlank).filter((s) => s !== '');
}

/** Java's `Double.toString` for the values Spark prints (`1.0`, `1.5`, `0.25`). */
export function javaDoubleString(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e7 ? value.toFixed(1) : String(value);
}
