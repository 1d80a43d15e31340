// DELETE: preconditions, finalizer-aware deletion (deletionTimestamp set and the object kept while
// finalizers remain), graceful deletion of kinds that have it (a pod is kept, marked, for its
// grace period, until its kubelet removes it; a later DELETE may shorten the period, 0 removes it
// at once), immediate removal otherwise, and delete-collection.

import { asObj, isObj, meta, num, str } from './json.ts';
import type { Obj } from './json.ts';
import { groupResource } from './resource.ts';
import type { ResourceDef } from './resource.ts';
import { conflict, notFound, success } from './status.ts';
import { rfc3339 } from './time.ts';
import { getStored, nameOf, pendingFinalizers, readView, toStorage, view } from './cluster.ts';
import type { ClusterState } from './cluster.ts';

export interface DeleteOptions {
  dryRun: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** Seconds of graceful deletion asked for; undefined: the object's default. */
  gracePeriodSeconds?: number;
}

export interface DeleteResult { body: Obj; code: number; removed: boolean }

/** DeleteOptions from the request body (kubectl, client-node) merged with query parameters. */
export function parseDeleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const b = asObj(body);
  const dryRunBody = Array.isArray(b.dryRun) && b.dryRun.includes('All');
  const opts: DeleteOptions = { dryRun: dryRunBody || query.get('dryRun') === 'All' };
  const queryGrace = query.get('gracePeriodSeconds');
  const grace = num(b.gracePeriodSeconds) ?? (queryGrace !== null && /^-?\d+$/.test(queryGrace) ? Number(queryGrace) : undefined);
  // A negative grace period counts as 0: removal at once.
  if (grace !== undefined) opts.gracePeriodSeconds = Math.max(0, grace);
  const pre = asObj(b.preconditions);
  const uid = str(pre.uid);
  const rv = str(pre.resourceVersion);
  if (uid !== undefined || rv !== undefined) {
    opts.preconditions = {};
    if (uid !== undefined) opts.preconditions.uid = uid;
    if (rv !== undefined) opts.preconditions.resourceVersion = rv;
  }
  return opts;
}

/** What a real DELETE does before deciding between removal and graceful deletion. */
function markDeleting(def: ResourceDef, obj: Obj, now: number): void {
  const m = meta(obj);
  m.deletionTimestamp = rfc3339(now);
  m.deletionGracePeriodSeconds = 0;
  if (def.generation) m.generation = (typeof m.generation === 'number' ? m.generation : 0) + 1;
  if (def.group === '' && def.plural === 'namespaces') obj.status = { ...asObj(obj.status), phase: 'Terminating' };
  if (def.group === 'apiextensions.k8s.io' && def.plural === 'customresourcedefinitions') {
    const finalizers: unknown[] = Array.isArray(m.finalizers) ? m.finalizers : [];
    if (!finalizers.includes('customresourcecleanup.apiextensions.k8s.io')) m.finalizers = [...finalizers, 'customresourcecleanup.apiextensions.k8s.io'];
    const status = asObj(obj.status);
    const conditions = Array.isArray(status.conditions) ? status.conditions.filter((x) => !(isObj(x) && x.type === 'Terminating')) : [];
    conditions.push({ type: 'Terminating', status: 'True', lastTransitionTime: rfc3339(now), reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' });
    obj.status = { ...status, conditions };
  }
}

export function deleteObject(c: ClusterState, def: ResourceDef, namespace: string, name: string, opts: DeleteOptions): DeleteResult {
  const stored = getStored(c, def, namespace, name);
  if (!stored) throw notFound(groupResource(def), name);
  const current = readView(def, stored);
  const m = meta(current);
  const pre = opts.preconditions;
  if (pre?.uid !== undefined && pre.uid !== m.uid) {
    throw conflict(groupResource(def), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${str(m.uid) ?? ''}`);
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== m.resourceVersion) {
    throw conflict(groupResource(def), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${str(m.resourceVersion) ?? ''}`);
  }
  if (m.deletionTimestamp) return shortenGrace(c, def, stored, opts) ?? { body: current, code: 200, removed: false };
  const marked = view(def, stored);
  markDeleting(def, marked, c.clock.now());
  const graceSeconds = def.strategy.deletionGraceSeconds?.(marked, opts.gracePeriodSeconds) ?? 0;
  if (graceSeconds > 0) return keepForGrace(c, def, marked, graceSeconds, opts);
  if (pendingFinalizers(def, marked).length > 0) {
    if (opts.dryRun) return { body: marked, code: 200, removed: false };
    const updated = c.store.update(def.storage, toStorage(def, marked));
    c.afterWrite(def, 'MODIFIED', updated);
    return { body: readView(def, updated), code: 200, removed: false };
  }
  if (opts.dryRun) return { body: def.deleteReturnsObject ? current : success(groupResource(def), name, str(m.uid) ?? ''), code: 200, removed: false };
  const removed = c.store.remove(def.storage, stored);
  c.afterWrite(def, 'DELETED', removed);
  const body = def.deleteReturnsObject ? readView(def, removed) : success(groupResource(def), name, str(m.uid) ?? '');
  return { body, code: 200, removed: true };
}

/** Graceful deletion: the object stays, marked to go `graceSeconds` from now (its kubelet removes it sooner once its containers stopped). */
function keepForGrace(c: ClusterState, def: ResourceDef, marked: Obj, graceSeconds: number, opts: DeleteOptions): DeleteResult {
  const m = meta(marked);
  m.deletionGracePeriodSeconds = graceSeconds;
  m.deletionTimestamp = rfc3339(c.clock.now() + graceSeconds * 1000);
  if (opts.dryRun) return { body: marked, code: 200, removed: false };
  const updated = c.store.update(def.storage, toStorage(def, marked));
  c.afterWrite(def, 'MODIFIED', updated);
  return { body: readView(def, updated), code: 200, removed: false };
}

/** A DELETE of an object in graceful deletion: a shorter grace period takes over; 0 removes it (unless finalizers hold it). */
function shortenGrace(c: ClusterState, def: ResourceDef, stored: Obj, opts: DeleteOptions): DeleteResult | undefined {
  const current = num(meta(stored).deletionGracePeriodSeconds) ?? 0;
  const requested = opts.gracePeriodSeconds;
  if (def.strategy.deletionGraceSeconds === undefined || requested === undefined || requested >= current || opts.dryRun) return undefined;
  if (requested === 0 && pendingFinalizers(def, stored).length === 0) {
    const removed = c.store.remove(def.storage, stored);
    c.afterWrite(def, 'DELETED', removed);
    return { body: success(groupResource(def), nameOf(stored), str(meta(stored).uid) ?? ''), code: 200, removed: true };
  }
  const marked = view(def, stored);
  return keepForGrace(c, def, marked, requested, opts);
}

/** Deletes every listed object; answers with the list of what was deleted or marked. */
export function deleteCollection(c: ClusterState, def: ResourceDef, objects: readonly Obj[], opts: DeleteOptions): Obj[] {
  const out: Obj[] = [];
  for (const o of objects) {
    const ns = str(meta(o).namespace) ?? '';
    if (!getStored(c, def, ns, nameOf(o))) continue;
    const r = deleteObject(c, def, ns, nameOf(o), { dryRun: opts.dryRun });
    out.push(r.body.kind === 'Status' ? o : r.body);
  }
  return out;
}
