// The object store: one global, monotonically increasing resourceVersion (like etcd's revision),
// objects kept in storage form per bucket, and a bounded history of watch events so watches can
// resume from a resourceVersion until it falls out of the window (then 410 Gone). Stored objects
// are frozen and shared: reads hand them out without copying, and whoever needs to change one
// works on a copy (`view` in cluster.ts) and writes that back.

import { deepFreeze, meta } from './json.ts';
import type { Obj } from './json.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  rv: number;
  storage: string;
  object: Obj;
  /** The previous state for MODIFIED (watch filters need it to turn edits into ADDED/DELETED). */
  previous?: Obj;
}

export type StoreListener = (event: StoreEvent) => void;

export function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function keyOf(obj: Obj): string {
  const m = meta(obj);
  return objectKey(typeof m.namespace === 'string' ? m.namespace : '', typeof m.name === 'string' ? m.name : '');
}

export class Store {
  private rv: number;
  private readonly buckets = new Map<string, Map<string, Obj>>();
  private history: StoreEvent[] = [];
  /** Every event with rv > compactedRv is still in `history`. */
  private compactedRv: number;
  private readonly listeners = new Set<StoreListener>();
  private readonly historyLimit: number;

  constructor(initialRv: number, historyLimit: number) {
    this.historyLimit = historyLimit;
    this.rv = initialRv;
    this.compactedRv = initialRv;
  }

  currentRv(): number {
    return this.rv;
  }

  oldestRetainedRv(): number {
    return this.compactedRv;
  }

  private bucket(storage: string): Map<string, Obj> {
    let b = this.buckets.get(storage);
    if (!b) {
      b = new Map();
      this.buckets.set(storage, b);
    }
    return b;
  }

  /** The stored (frozen) object. */
  get(storage: string, namespace: string, name: string): Obj | undefined {
    return this.buckets.get(storage)?.get(objectKey(namespace, name));
  }

  /** Stored (frozen) objects of a bucket (one namespace, or all when undefined), sorted by key like etcd. */
  list(storage: string, namespace?: string): Obj[] {
    const b = this.buckets.get(storage);
    if (!b) return [];
    const prefix = namespace === undefined ? '' : `${namespace}/`;
    return [...b.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))
      .map(([, o]) => o);
  }

  /** Objects of a bucket (one namespace, or all) that `match` (it sees the stored object: read only). */
  filter(storage: string, namespace: string | undefined, match: (obj: Readonly<Obj>) => boolean): Obj[] {
    const prefix = namespace === undefined ? '' : `${namespace}/`;
    return [...(this.buckets.get(storage)?.entries() ?? [])].filter(([k, o]) => k.startsWith(prefix) && match(o)).map(([, o]) => o);
  }

  count(storage: string, namespace?: string): number {
    const b = this.buckets.get(storage);
    if (!b) return 0;
    if (namespace === undefined) return b.size;
    let n = 0;
    for (const k of b.keys()) if (k.startsWith(`${namespace}/`)) n += 1;
    return n;
  }

  /** Stores `obj` (the caller hands it over: it is frozen from here on) with the next resourceVersion. */
  private record(type: EventType, storage: string, obj: Obj, previous?: Obj): Obj {
    this.rv += 1;
    const stored = deepFreeze({ ...obj, metadata: { ...meta(obj), resourceVersion: String(this.rv) } });
    if (type === 'DELETED') this.bucket(storage).delete(keyOf(stored));
    else this.bucket(storage).set(keyOf(stored), stored);
    const event: StoreEvent = { type, rv: this.rv, storage, object: stored };
    if (previous) event.previous = previous;
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRv = dropped.at(-1)?.rv ?? this.compactedRv;
    }
    for (const l of [...this.listeners]) l(event);
    return stored;
  }

  create(storage: string, obj: Obj): Obj {
    return this.record('ADDED', storage, obj);
  }

  update(storage: string, obj: Obj): Obj {
    const previous = this.buckets.get(storage)?.get(keyOf(obj));
    return this.record('MODIFIED', storage, obj, previous);
  }

  /** Removes the object; the DELETED event carries its last state with the deletion's RV. */
  remove(storage: string, obj: Obj): Obj {
    return this.record('DELETED', storage, obj);
  }

  /** Events after `rv` for a bucket, or 'expired' when `rv` is outside the retained window. */
  eventsSince(rv: number, storage: string): StoreEvent[] | 'expired' {
    if (rv < this.compactedRv || rv > this.rv) return 'expired';
    return this.history.filter((e) => e.rv > rv && e.storage === storage);
  }

  /** Forgets the whole history: every RV older than the current one now answers 410. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.rv;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
