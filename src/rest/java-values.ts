// The value checks Spark's CreateSubmissionRequest applies to a few properties, with the JVM
// parsers' exact acceptance rules: Scala's `toBoolean`, Java's `Double.parseDouble` and Spark's
// `Utils.memoryStringToMb`. They only say whether a value parses; sizing is the scheduler's. Pure.

/** Scala's `String.toBoolean`: "true" or "false" in any case, nothing around it. */
export function isJavaBoolean(text: string): boolean {
  return /^(true|false)$/i.test(text);
}

// Java's String.trim: strips every character up to U+0020 from both ends.
function javaTrim(text: string): string {
  // eslint-disable-next-line no-control-regex -- the JVM trims control characters too
  return text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
}

const DECIMAL = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/;
const HEX_FLOAT = /^[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+[fFdD]?$/;

/** Java's `Double.parseDouble` (what Scala's `toDouble` calls): decimal, hex, NaN, Infinity, a d/f suffix. */
export function isJavaDouble(text: string): boolean {
  const trimmed = javaTrim(text);
  return DECIMAL.test(trimmed) || HEX_FLOAT.test(trimmed);
}

const BYTES_PER_SUFFIX: Readonly<Record<string, bigint>> = {
  b: 1n, k: 1n << 10n, kb: 1n << 10n, m: 1n << 20n, mb: 1n << 20n, g: 1n << 30n, gb: 1n << 30n,
  t: 1n << 40n, tb: 1n << 40n, p: 1n << 50n, pb: 1n << 50n,
};
const LONG_MAX = (1n << 63n) - 1n;

/**
 * Spark's `Utils.memoryStringToMb` accepts the value: a whole number with an optional unit
 * (b, k, kb, m, mb, g, gb, t, tb, p, pb; any case), no fraction, and a byte count that fits a
 * Java long. A bare number is bytes there; this check does not care.
 */
export function isSparkMemoryString(text: string): boolean {
  const match = /^([0-9]+)([a-z]+)?$/.exec(javaTrim(text.toLowerCase()));
  if (!match) return false;
  const digits = match[1] ?? '';
  const multiplier = BYTES_PER_SUFFIX[match[2] ?? 'b'];
  if (multiplier === undefined) return false;
  // Long.parseLong, then ByteUnit's overflow check (value > Long.MAX_VALUE / multiplier).
  const value = BigInt(digits);
  return value <= LONG_MAX && value <= LONG_MAX / multiplier;
}
