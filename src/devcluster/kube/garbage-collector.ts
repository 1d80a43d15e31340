// The garbage collector, reduced to background deletion as clients observe it: when an object is
// removed, its dependents (objects whose ownerReferences name its uid) that have no other owner
// left are deleted, finalizers honoured; one that still has an owner only loses the dangling
// reference. An object created with owners of which none exists is deleted at once (a real
// collector finds it on its next pass). Not emulated: foreground deletion and orphaning
// (propagationPolicy Foreground and Orphan act as Background), blockOwnerDeletion, and the delay
// of a real collector (here it runs synchronously after the write, like the other controllers).

import { isObj, meta, str } from './json.ts';
import type { Obj } from './json.ts';
import type { ResourceDef } from './resource.ts';
import { deleteObject } from './delete.ts';
import { nameOf, namespaceOf, toStorage, view } from './cluster.ts';
import type { ClusterState } from './cluster.ts';

function ownerUids(obj: Obj): string[] {
  const refs = meta(obj).ownerReferences;
  return Array.isArray(refs) ? refs.filter(isObj).map((r) => str(r.uid) ?? '') : [];
}

/** One def per storage bucket, with the objects a dependent in `namespace` may be owned by or be. */
function storages(c: ClusterState): ResourceDef[] {
  const seen = new Map<string, ResourceDef>();
  for (const d of c.registry.all()) if (!seen.has(d.storage)) seen.set(d.storage, d);
  return [...seen.values()];
}

/** Whether an object with `uid` exists where an owner of something in `namespace` may be. */
function exists(c: ClusterState, uid: string, namespace: string): boolean {
  return storages(c).some((d) => c.store.filter(d.storage, d.namespaced ? namespace : undefined, (o) => meta(o).uid === uid).length > 0);
}

function collect(c: ClusterState, def: ResourceDef, dependent: Obj, goneUid: string): void {
  const namespace = namespaceOf(dependent);
  const remaining = ownerUids(dependent).filter((uid) => uid !== goneUid && exists(c, uid, namespace));
  if (remaining.length === 0) {
    try {
      deleteObject(c, def, namespace, nameOf(dependent), { dryRun: false });
    } catch {
      // Already gone (an earlier cascade removed it).
    }
    return;
  }
  const updated = view(def, dependent);
  const m = meta(updated);
  m.ownerReferences = (m.ownerReferences as unknown[]).filter((r) => !(isObj(r) && r.uid === goneUid));
  c.afterWrite(def, 'MODIFIED', c.store.update(def.storage, toStorage(def, updated)));
}

/** After `removed` (of `def`) left the store: collects what it owned. */
export function collectDependents(c: ClusterState, def: ResourceDef, removed: Obj): void {
  const uid = str(meta(removed).uid);
  if (uid === undefined) return;
  for (const d of storages(c)) {
    if (!d.namespaced) continue;
    const scope = def.namespaced ? namespaceOf(removed) : undefined;
    const owned = c.store.filter(d.storage, scope, (o) => ownerUids(o).includes(uid) && !meta(o).deletionTimestamp);
    for (const o of owned) collect(c, d, view(d, o), uid);
  }
}

/** After `created` was stored: deleted at once when it names owners and none of them exists. */
export function collectIfOrphaned(c: ClusterState, def: ResourceDef, created: Obj): void {
  const owners = ownerUids(created);
  if (owners.length === 0 || owners.some((uid) => exists(c, uid, namespaceOf(created)))) return;
  deleteObject(c, def, namespaceOf(created), nameOf(created), { dryRun: false });
}
