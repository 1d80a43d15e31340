// JSON merge patches (RFC 7386) that REPLACE an object rather than merge into it: every key the
// server may still hold but the desired value lacks is sent as null. A status written this way
// leaves no stale nested field behind, whichever of the known previous values the server has.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The merge patch that turns any of `known` (values the server may currently hold) into
 * `desired`. Arrays and scalars are sent whole; objects recurse.
 */
export function replacingMergePatch(known: readonly unknown[], desired: Record<string, unknown>): Record<string, Json> {
  const patch: Record<string, Json> = {};
  const previous = known.filter(isObject);
  const keys = new Set<string>(Object.keys(desired));
  for (const p of previous) for (const k of Object.keys(p)) keys.add(k);
  for (const key of keys) {
    const want = desired[key];
    if (want === undefined) {
      patch[key] = null;
    } else if (isObject(want)) {
      patch[key] = replacingMergePatch(previous.map((p) => p[key]), want);
    } else {
      patch[key] = want as Json;
    }
  }
  return patch;
}

/** The newer of two resourceVersions: numerically when both are numbers (etcd revisions), else `fresh`. */
export function newerResourceVersion(fresh: string | undefined, other: string | undefined): string | undefined {
  if (fresh === undefined) return other;
  if (other === undefined) return fresh;
  if (/^\d+$/.test(fresh) && /^\d+$/.test(other)) return BigInt(fresh) >= BigInt(other) ? fresh : other;
  return fresh;
}
