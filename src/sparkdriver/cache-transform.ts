// What the operator caches of a SparkDriver (the informer's transform). Every driver is cached
// for as long as it exists (a finished one until its TTL), so the cached object is kept small:
// - no `kubectl.kubernetes.io/last-applied-configuration` annotation (a second copy of the
//   whole spec, which nothing here reads);
// - what did not change since the version cached before is that version's (frozen) value: each
//   status write brings a whole new object, and the scheduler core holds the spec it admitted by
//   reference, so one copy of a spec serves both for the driver's life;
// - repeated values are kept once: strings (the jar, the image, reasons, the framework ID), and
//   the small status objects of drivers that changed together (their conditions, the attempts);
//   an object that holds one driver's own strings (its name, its task ID) is not looked for.
import type { KubeObject } from '../kube/kube-client.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Longer strings are rarely repeated (and would make the table costly). */
const MAX_SHARED_LENGTH = 256;
/** The table is cleared when it grows past this: a bound, whatever the strings. */
const MAX_SHARED_STRINGS = 20_000;
/** Objects larger than this (as JSON) are not looked for elsewhere. */
const MAX_SHARED_OBJECT_CHARS = 2048;
/** Shared objects kept at most; the table is cleared past this. */
const MAX_SHARED_OBJECTS = 5_000;

export class StringTable {
  private readonly strings = new Map<string, string>();
  /** Kept strings seen in one driver only so far, with that driver's UID. */
  private readonly owners = new Map<string, string>();
  /** Set by share: the string it returned was seen in no other driver so far (its own name, its task ID). */
  ownOnly = false;

  /** Distinct strings kept. */
  get size(): number {
    return this.strings.size;
  }

  /** The one kept instance of `value`; `owner` is the UID of the driver it is in, when it is in one. */
  share(value: string, owner?: string): string {
    this.ownOnly = true;
    if (value.length > MAX_SHARED_LENGTH) return value;
    const kept = this.strings.get(value);
    if (kept === undefined) {
      if (this.strings.size >= MAX_SHARED_STRINGS) {
        this.strings.clear();
        this.owners.clear();
      }
      this.strings.set(value, value);
      if (owner !== undefined) this.owners.set(value, owner);
      return value;
    }
    const first = this.owners.get(kept);
    this.ownOnly = first !== undefined && first === owner;
    if (first !== undefined && first !== owner) this.owners.delete(kept);
    return kept;
  }

  /**
   * `value` with every string in it shared, rebuilt in place (objects from JSON.parse). Frozen
   * parts are left as they are: they come from the cache, whose strings are shared already.
   */
  shareAll<V>(value: V, owner?: string): V {
    if (typeof value === 'string') return this.share(value, owner) as V;
    if (Object.isFrozen(value)) return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.shareAll(value[i] as unknown, owner);
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = this.shareAll(record[key], owner);
    }
    return value;
  }
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isRecord(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One instance of each small value seen among cached drivers: strings, and small objects and
 * arrays that are equal as JSON (the values cached are frozen, so sharing them is safe).
 */
export class SharedValues {
  readonly strings: StringTable;
  /**
   * By JSON text: the Map hashes and compares it natively, which costs less than hashing it in
   * JavaScript and comparing the objects found (the JSON is built either way); the texts are
   * small and bounded in number.
   */
  private readonly objects = new Map<string, Json>();
  /** The values of `objects`, to tell a kept part of a driver's previous version from its own. */
  private keptObjects = new WeakSet<object>();
  /**
   * Set by share: the value it returned cannot equal one kept for another driver, since it holds
   * a string seen in no other driver (or a part not kept). Such an object is neither looked for
   * nor kept: a driver's own parts (its task ID, a message naming it) cost the JSON text of every
   * object around them. An object is kept once its strings are seen in a second driver.
   */
  private novel = false;

  constructor(strings = new StringTable()) {
    this.strings = strings;
  }

  /** Distinct objects kept. */
  get objectCount(): number {
    return this.objects.size;
  }

  /**
   * `next` (parsed JSON, changed in place) with every part equal to the same part of `previous`
   * replaced by that part, and the rest shared; `shareObjects` false shares strings only (for
   * parts unique to each driver, whose objects would only fill the table).
   */
  share(next: Json, previous: Json | undefined, shareObjects: boolean, owner?: string): Json {
    if (typeof next === 'string') {
      // Where objects are not shared, whether a string is the driver's own matters to no one.
      if (next === previous && !shareObjects) return previous;
      const kept = this.strings.share(next, owner);
      this.novel = this.strings.ownOnly;
      // The previous instance, even when the table no longer has it: the driver's other parts may hold it.
      return next === previous ? previous : kept;
    }
    if (typeof next !== 'object' || next === null) {
      this.novel = false;
      return next;
    }
    let same: boolean;
    let novel = false;
    if (Array.isArray(next)) {
      const before = Array.isArray(previous) ? previous : undefined;
      same = before !== undefined && before.length === next.length;
      for (let i = 0; i < next.length; i++) {
        const value = this.share(next[i] as Json, before?.[i], shareObjects, owner);
        novel ||= this.novel;
        next[i] = value;
        same &&= value === before?.[i];
      }
    } else {
      const before = isRecord(previous) ? previous : undefined;
      const keys = Object.keys(next);
      same = before !== undefined && Object.keys(before).length === keys.length;
      for (const key of keys) {
        const value = this.share(next[key] as Json, before?.[key], shareObjects, owner);
        novel ||= this.novel;
        next[key] = value;
        same &&= before !== undefined && key in before && value === before[key];
      }
    }
    if (same) {
      this.novel = !this.keptObjects.has(previous as object);
      return previous as Json;
    }
    this.novel = novel;
    if (!shareObjects || novel) return next;
    return this.sharedObject(next);
  }

  private sharedObject(value: Json[] | { [key: string]: Json }): Json {
    const text = JSON.stringify(value);
    // Not kept: an object around it is larger still.
    this.novel = text.length > MAX_SHARED_OBJECT_CHARS;
    if (this.novel) return value;
    const kept = this.objects.get(text);
    if (kept !== undefined) return kept;
    if (this.objects.size >= MAX_SHARED_OBJECTS) {
      this.objects.clear();
      this.keptObjects = new WeakSet();
    }
    this.objects.set(text, value);
    this.keptObjects.add(value);
    return value;
  }
}

/**
 * `next`'s fields shared as SharedValues.share does (objects too where `objectsIn(field)`), and
 * `previous` itself when no field changed: a top-level part (metadata, status) is unique to its
 * driver, so it is never looked for among other drivers' values.
 */
function shareFields(
  shared: SharedValues, next: Json, previous: Json | undefined, objectsIn: (field: string) => boolean, owner: string | undefined,
): Json {
  if (!isRecord(next)) return shared.share(next, previous, false, owner);
  const before = isRecord(previous) ? previous : undefined;
  const keys = Object.keys(next);
  let same = before !== undefined && Object.keys(before).length === keys.length;
  for (const key of keys) {
    const value = shared.share(next[key] as Json, before?.[key], objectsIn(key), owner);
    next[key] = value;
    same &&= before !== undefined && key in before && value === before[key];
  }
  return same ? previous as Json : next;
}

const SHARED_METADATA = new Set(['labels', 'finalizers', 'ownerReferences']);

/**
 * The informer transform for SparkDrivers. The status and the labels are shared across drivers
 * down to their objects; metadata and spec strings are shared, their objects only with the
 * driver's previous version (they hold its name, its arguments: unique to it).
 */
export function sparkDriverCacheTransform(shared = new SharedValues()): (obj: KubeObject, previous: KubeObject | undefined) => KubeObject {
  return (obj, cached) => {
    const annotations = obj.metadata?.annotations;
    if (annotations !== undefined && LAST_APPLIED in annotations) {
      const { [LAST_APPLIED]: _dropped, ...rest } = annotations;
      obj.metadata!.annotations = rest;
    }
    // Another resource under the same name (deleted and created again) shares nothing with it.
    const previous = cached?.metadata?.uid === obj.metadata?.uid ? cached as unknown as Record<string, Json> | undefined : undefined;
    const next = obj as unknown as Record<string, Json>;
    const owner = obj.metadata?.uid;
    for (const key of Object.keys(next)) {
      const before = previous?.[key];
      if (key === 'metadata') next[key] = shareFields(shared, next[key] as Json, before, (field) => SHARED_METADATA.has(field), owner);
      else if (key === 'status') next[key] = shareFields(shared, next[key] as Json, before, () => true, owner);
      else next[key] = shared.share(next[key] as Json, before, false, owner);
    }
    return obj;
  };
}
