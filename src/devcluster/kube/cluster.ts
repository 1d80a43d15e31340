// The emulated cluster's state shared by every operation: the store, the served resources, time
// and randomness, and the conversion between a resource version's view and its storage form.

import type { Clock, Random } from '../../runtime/clock.ts';
import { clone, meta, without } from './json.ts';
import type { Obj } from './json.ts';
import type { Registry } from './registry.ts';
import { apiVersionOf } from './resource.ts';
import type { ResourceDef } from './resource.ts';
import type { EventType, Store } from './store.ts';

export interface ClusterState {
  store: Store;
  registry: Registry;
  clock: Clock;
  random: Random;
  newUid(): string;
  /** Runs the in-process controllers (namespace and CRD lifecycle) after a stored write. */
  afterWrite(def: ResourceDef, type: EventType, stored: Obj): void;
}

/** The object as `def`'s version shows it, to read or to answer with: it shares the stored (frozen) parts. */
export function readView(def: ResourceDef, stored: Obj): Obj {
  const converted = def.strategy.fromStorage ? def.strategy.fromStorage(stored) : stored;
  return { apiVersion: apiVersionOf(def), kind: def.kind, ...without(converted, ['apiVersion', 'kind']) };
}

/** The object as `def`'s version shows it, as a copy the caller may change. */
export function view(def: ResourceDef, stored: Obj): Obj {
  return clone(readView(def, stored));
}

/** The storage form of `obj`, which the caller hands over to the store (it is not copied). */
export function toStorage(def: ResourceDef, obj: Obj): Obj {
  return def.strategy.toStorage ? def.strategy.toStorage(obj) : obj;
}

export function nameOf(obj: Obj): string {
  const n = meta(obj).name;
  return typeof n === 'string' ? n : '';
}

export function namespaceOf(obj: Obj): string {
  const n = meta(obj).namespace;
  return typeof n === 'string' ? n : '';
}

export function getStored(c: ClusterState, def: ResourceDef, namespace: string, name: string): Obj | undefined {
  return c.store.get(def.storage, def.namespaced ? namespace : '', name);
}

/** Finalizers still holding the object: metadata.finalizers, and a namespace's spec.finalizers. */
export function pendingFinalizers(def: ResourceDef, obj: Obj): string[] {
  const m = meta(obj);
  const own = Array.isArray(m.finalizers) ? m.finalizers.filter((f): f is string => typeof f === 'string') : [];
  if (def.group === '' && def.plural === 'namespaces') {
    const spec = obj.spec;
    const sf = spec && typeof spec === 'object' && 'finalizers' in spec ? (spec as Obj).finalizers : undefined;
    if (Array.isArray(sf)) return [...own, ...sf.filter((f): f is string => typeof f === 'string')];
  }
  return own;
}
