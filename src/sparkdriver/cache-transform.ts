// What the operator caches of a SparkDriver (the informer's transform): the object without the
// `kubectl.kubernetes.io/last-applied-configuration` annotation (a second copy of the whole spec,
// which nothing here reads), and with its repeated strings shared. A status repeats one message
// in up to six conditions, and thousands of drivers carry the same reasons, states, queue names
// and framework ID: each distinct string is kept once.
import type { KubeObject } from '../kube/kube-client.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Longer strings are rarely repeated (and would make the table costly). */
const MAX_SHARED_LENGTH = 256;
/** The table is cleared when it grows past this: a bound, whatever the strings. */
const MAX_SHARED_STRINGS = 20_000;

export class StringTable {
  private readonly strings = new Map<string, string>();

  /** Distinct strings kept. */
  get size(): number {
    return this.strings.size;
  }

  /** The one kept instance of `value`. */
  share(value: string): string {
    if (value.length > MAX_SHARED_LENGTH) return value;
    const kept = this.strings.get(value);
    if (kept !== undefined) return kept;
    if (this.strings.size >= MAX_SHARED_STRINGS) this.strings.clear();
    this.strings.set(value, value);
    return value;
  }

  /** `value` with every string in it shared, rebuilt in place (objects from JSON.parse). */
  shareAll<V>(value: V): V {
    if (typeof value === 'string') return this.share(value) as V;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.shareAll(value[i] as unknown);
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = this.shareAll(record[key]);
    }
    return value;
  }
}

/** The informer transform for SparkDrivers. */
export function sparkDriverCacheTransform(table = new StringTable()): (obj: KubeObject) => KubeObject {
  return (obj) => {
    const annotations = obj.metadata?.annotations;
    if (annotations !== undefined && LAST_APPLIED in annotations) {
      const { [LAST_APPLIED]: _dropped, ...rest } = annotations;
      obj.metadata!.annotations = rest;
    }
    // The status is where the repeats are; the spec's strings are the user's own and mostly unique.
    const withStatus = obj as KubeObject & { status?: unknown };
    if (withStatus.status !== undefined) withStatus.status = table.shareAll(withStatus.status);
    return obj;
  };
}
