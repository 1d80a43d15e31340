// Submission IDs in the original's form, `driver-<yyyyMMddHHmmss>-<NNNN>` (reference §7.6). The
// store that creates drivers owns the counter and the uniqueness across restarts and replicas;
// this file only formats and recognises IDs. Pure.

/** Recognises IDs of our form (the original's status and kill look up any string, and so do we). */
export const SUBMISSION_ID_PATTERN = /^driver-\d{14}-\d{4,}$/;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * The ID of a driver submitted at `nowMs` as the `counter`-th submission (the original counted
 * from 1). The timestamp is UTC: the original used the JVM's local zone, which is UTC in a
 * container, and a fixed zone keeps IDs from replicas in different zones comparable. The counter
 * is zero-padded to four digits and grows past 9999 without wrapping (`-10000`), as `%04d` does.
 */
export function submissionIdAt(nowMs: number, counter: number): string {
  const at = new Date(nowMs);
  const year = at.getUTCFullYear();
  // Outside years 0–9999 (or an invalid date) the stamp would not be 14 digits.
  if (!(year >= 0 && year <= 9999)) throw new RangeError(`submission time out of range: ${nowMs}`);
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new RangeError(`submission counter must be a non-negative integer, got ${counter}`);
  }
  const stamp = pad(year, 4) + pad(at.getUTCMonth() + 1, 2) + pad(at.getUTCDate(), 2)
    + pad(at.getUTCHours(), 2) + pad(at.getUTCMinutes(), 2) + pad(at.getUTCSeconds(), 2);
  return `driver-${stamp}-${pad(counter, 4)}`;
}
