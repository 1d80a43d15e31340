// The in-process controllers a real control plane runs beside the apiserver, reduced to what
// clients observe: CRDs start or stop serving their resources; a deleted CRD or namespace has its
// contents deleted and is released (finalizer removed) once they are gone; the garbage collector
// deletes what a removed object owned. They run synchronously after each stored write.

import { meta, strArray } from './json.ts';
import type { Obj } from './json.ts';
import { CLEANUP_FINALIZER, defsFromCrd } from './kinds/crds.ts';
import type { ResourceDef } from './resource.ts';
import type { EventType } from './store.ts';
import { deleteObject } from './delete.ts';
import { collectDependents, collectIfOrphaned } from './garbage-collector.ts';
import { nameOf, namespaceOf, pendingFinalizers, toStorage, view } from './cluster.ts';
import type { ClusterState } from './cluster.ts';

const isCrd = (d: ResourceDef): boolean => d.group === 'apiextensions.k8s.io' && d.plural === 'customresourcedefinitions';
const isNamespace = (d: ResourceDef): boolean => d.group === '' && d.plural === 'namespaces';

/** One def per storage bucket of namespaced kinds. */
function namespacedStorages(c: ClusterState): ResourceDef[] {
  const seen = new Map<string, ResourceDef>();
  for (const d of c.registry.all()) if (d.namespaced && !seen.has(d.storage)) seen.set(d.storage, d);
  return [...seen.values()];
}

/** Writes a controller's change without admission (controllers act with full privileges). */
function controllerWrite(c: ClusterState, def: ResourceDef, obj: Obj): void {
  if (meta(obj).deletionTimestamp && pendingFinalizers(def, obj).length === 0) {
    const removed = c.store.remove(def.storage, toStorage(def, obj));
    c.afterWrite(def, 'DELETED', removed);
  } else {
    const stored = c.store.update(def.storage, toStorage(def, obj));
    c.afterWrite(def, 'MODIFIED', stored);
  }
}

function deleteAll(c: ClusterState, def: ResourceDef, objects: readonly Obj[]): void {
  for (const o of objects) {
    if (meta(o).deletionTimestamp) continue;
    try {
      deleteObject(c, def, namespaceOf(o), nameOf(o), { dryRun: false });
    } catch {
      // Already gone (a cascade removed it first): nothing to do.
    }
  }
}

function finalizeNamespace(c: ClusterState, nsDef: ResourceDef, name: string): void {
  const stored = c.store.get(nsDef.storage, '', name);
  if (!stored || !meta(stored).deletionTimestamp) return;
  if (namespacedStorages(c).some((d) => c.store.count(d.storage, name) > 0)) return;
  const ns = view(nsDef, stored);
  const spec = (ns.spec && typeof ns.spec === 'object' ? ns.spec : {}) as Obj;
  if (strArray(spec.finalizers).length === 0) return;
  ns.spec = { ...spec, finalizers: [] };
  controllerWrite(c, nsDef, ns);
}

function crdResources(c: ClusterState, crdName: string): ResourceDef | undefined {
  return c.registry.all().find((d) => d.crd === crdName);
}

function finalizeCrd(c: ClusterState, crdDef: ResourceDef, name: string): void {
  const stored = c.store.get(crdDef.storage, '', name);
  if (!stored || !meta(stored).deletionTimestamp) return;
  const res = crdResources(c, name);
  if (res && c.store.count(res.storage) > 0) return;
  const crd = view(crdDef, stored);
  const m = meta(crd);
  m.finalizers = strArray(m.finalizers).filter((f) => f !== CLEANUP_FINALIZER);
  controllerWrite(c, crdDef, crd);
}

export function runControllers(c: ClusterState, def: ResourceDef, type: EventType, stored: Obj): void {
  const deleting = Boolean(meta(stored).deletionTimestamp);
  if (isCrd(def)) {
    const name = nameOf(stored);
    if (type === 'DELETED') {
      c.registry.replaceCrd(name, []);
    } else if (!deleting) {
      c.registry.replaceCrd(name, defsFromCrd(stored));
    } else {
      const res = crdResources(c, name);
      if (res) deleteAll(c, res, c.store.list(res.storage).map((o) => view(res, o)));
      finalizeCrd(c, def, name);
    }
    return;
  }
  if (isNamespace(def)) {
    if (type === 'MODIFIED' && deleting) {
      const name = nameOf(stored);
      for (const d of namespacedStorages(c)) deleteAll(c, d, c.store.list(d.storage, name).map((o) => view(d, o)));
      finalizeNamespace(c, def, name);
    }
    return;
  }
  if (type === 'ADDED' && def.namespaced) collectIfOrphaned(c, def, stored);
  if (type !== 'DELETED') return;
  collectDependents(c, def, stored);
  // A removal may be the last thing a terminating namespace or CRD was waiting for.
  if (def.namespaced) {
    const nsDef = c.registry.find('', 'v1', 'namespaces');
    if (nsDef) finalizeNamespace(c, nsDef, namespaceOf(stored));
  }
  if (def.crd) {
    const crdDef = c.registry.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    if (crdDef) finalizeCrd(c, crdDef, def.crd);
  }
}
