// Structural equality of JSON values (what JSON.parse returns): the same primitives, arrays of
// equal elements in order, objects with the same keys holding equal values (in any order).

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((k) => Object.hasOwn(right, k) && sameJson(left[k], right[k]));
}

/**
 * `copy` (a parse of `input` that may have added defaults or dropped fields) with each field
 * equal to the same field of `input` taken from `input`, or `input` itself when all of them are:
 * a parsed view of a cached object then holds the cached object's own values, not a second copy.
 */
export function withInputFields<T extends object>(copy: T, input: unknown): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return copy;
  const source = input as Record<string, unknown>;
  const out = copy as Record<string, unknown>;
  const keys = Object.keys(out);
  let all = keys.length === Object.keys(source).length;
  for (const key of keys) {
    if (Object.hasOwn(source, key) && (out[key] === source[key] || sameJson(out[key], source[key]))) out[key] = source[key];
    else all = false;
  }
  return all ? input as T : copy;
}
