// Create and update, the generic write path every verb ends in (POST, PUT, each PATCH type and
// server-side apply): decoding with fieldValidation, system metadata, the status-subresource
// split, generation, finalizer rules, validation, optimistic concurrency and no-op detection.

import { RawValue, forbidden, invalid } from './field-errors.ts';
import type { FieldError } from './field-errors.ts';
import { clone, deepEqual, isObj, meta, without } from './json.ts';
import type { Obj } from './json.ts';
import { generateName, validateObjectMeta } from './names.ts';
import { apiVersionOf, groupResource } from './resource.ts';
import type { ResourceDef, WriteContext } from './resource.ts';
import {
  alreadyExists, badRequest, conflict, forbidden as forbiddenError, invalid as invalidError, notFound,
} from './status.ts';
import { rfc3339 } from './time.ts';
import { getStored, nameOf, pendingFinalizers, readView, toStorage } from './cluster.ts';
import type { ClusterState } from './cluster.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  /** Values for `Warning` response headers. */
  warnings: string[];
  /** The write comes from a PATCH: strict errors are a 422 on field "patch", no RV is required. */
  viaPatch?: boolean;
}

export interface WriteResult { object: Obj; created: boolean }

const SYSTEM_FIELDS = ['selfLink', 'managedFields'];

/** Decodes a request body into an object of `def`, pruning unknown fields per fieldValidation. */
function decode(def: ResourceDef, body: unknown, opts: WriteOptions): Obj {
  if (!isObj(body)) throw badRequest(`the object provided is unrecognized (must be of type ${def.kind})`);
  const obj = clone(body);
  if (typeof obj.apiVersion === 'string' && obj.apiVersion !== apiVersionOf(def)) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(def)})`);
  }
  if (typeof obj.kind === 'string' && obj.kind !== def.kind) {
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${def.kind})`);
  }
  if (def.crd && (obj.kind === undefined || obj.apiVersion === undefined)) {
    throw badRequest(`Object '${obj.kind === undefined ? 'Kind' : 'apiVersion'}' is missing in '${JSON.stringify(body)}'`);
  }
  const out: Obj = { apiVersion: apiVersionOf(def), kind: def.kind, ...without(obj, ['apiVersion', 'kind']) };
  const decodeError = def.strategy.decodeError?.(out);
  if (decodeError) throw badRequest(decodeError);
  const unknown = def.strategy.prune?.(out) ?? [];
  if (unknown.length > 0) {
    const list = unknown.map((p) => `unknown field "${p}"`);
    if (opts.fieldValidation === 'Strict') {
      if (opts.viaPatch) {
        throw invalidError({ group: '', kind: '' }, '', [invalid('patch', JSON.stringify(body), `strict decoding error: ${list.join(', ')}`)]);
      }
      throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: strict decoding error: ${list.join(', ')}`);
    }
    if (opts.fieldValidation === 'Warn') opts.warnings.push(...list);
  }
  return out;
}

function checkNamespace(def: ResourceDef, obj: Obj, namespace: string): void {
  const m = meta(obj);
  if (def.namespaced) {
    if (typeof m.namespace === 'string' && m.namespace !== '' && m.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    m.namespace = namespace;
  } else {
    delete m.namespace;
  }
}

function ensureNamespaceAccepts(c: ClusterState, def: ResourceDef, namespace: string, name: string): void {
  if (!def.namespaced) return;
  const ns = c.store.get('/namespaces', '', namespace);
  if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
  if (meta(ns).deletionTimestamp) {
    throw forbiddenError(groupResource(def), name, `unable to create new content in namespace ${namespace} because it is being terminated`);
  }
}

function reject(def: ResourceDef, name: string, errs: FieldError[]): void {
  if (errs.length > 0) throw invalidError({ group: def.group, kind: def.kind }, name, errs);
}

function context(c: ClusterState, operation: 'create' | 'update', subresource: string, opts: WriteOptions): WriteContext {
  return { now: c.clock.now(), operation, subresource, warnings: opts.warnings };
}

export function createObject(c: ClusterState, def: ResourceDef, namespace: string, body: unknown, opts: WriteOptions): Obj {
  const obj = decode(def, body, opts);
  checkNamespace(def, obj, namespace);
  const m = meta(obj);
  if (!m.name && typeof m.generateName === 'string' && m.generateName) {
    let name = generateName(m.generateName, c.random);
    for (let i = 0; i < 8 && getStored(c, def, namespace, name); i += 1) name = generateName(m.generateName, c.random);
    m.name = name;
  }
  ensureNamespaceAccepts(c, def, namespace, nameOf(obj));
  const ctx = context(c, 'create', '', opts);
  for (const f of [...SYSTEM_FIELDS, 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds']) delete m[f];
  m.uid = c.newUid();
  m.creationTimestamp = rfc3339(ctx.now);
  if (def.generation) m.generation = 1;
  else delete m.generation;
  if (def.statusSubresource && def.crd) delete obj.status;
  def.strategy.prepareCreate?.(obj, ctx);
  def.strategy.applyDefaults?.(obj);
  reject(def, nameOf(obj), [...validateObjectMeta(m, def.namespaced, def.nameRule), ...def.strategy.validate(obj, undefined, ctx)]);
  if (getStored(c, def, namespace, nameOf(obj))) throw alreadyExists(groupResource(def), nameOf(obj));
  if (opts.dryRun) return readView(def, toStorage(def, obj));
  const stored = c.store.create(def.storage, toStorage(def, obj));
  c.afterWrite(def, 'ADDED', stored);
  return readView(def, stored);
}

/** Everything outside metadata (and status, when status is a subresource): what bumps generation. */
function specOf(def: ResourceDef, obj: Obj): Obj {
  return without(obj, def.statusSubresource ? ['metadata', 'apiVersion', 'kind', 'status'] : ['metadata', 'apiVersion', 'kind']);
}

/** Equal apart from resourceVersion and managedFields: such a write is a no-op. */
function sameObject(a: Obj, b: Obj): boolean {
  const ignored = ['resourceVersion', 'managedFields'];
  return deepEqual(without(a, ['metadata']), without(b, ['metadata']))
    && deepEqual(without(isObj(a.metadata) ? a.metadata : {}, ignored), without(isObj(b.metadata) ? b.metadata : {}, ignored));
}

function finalizerErrors(def: ResourceDef, obj: Obj, old: Obj): FieldError[] {
  if (!meta(old).deletionTimestamp) return [];
  const before = new Set(pendingFinalizers(def, old));
  const added = (Array.isArray(meta(obj).finalizers) ? meta(obj).finalizers as unknown[] : [])
    .filter((f): f is string => typeof f === 'string' && !before.has(f));
  if (added.length === 0) return [];
  return [forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`)];
}

export function updateObject(
  c: ClusterState, def: ResourceDef, namespace: string, name: string, subresource: string, body: unknown, opts: WriteOptions,
): WriteResult {
  const oldStored = getStored(c, def, namespace, name);
  if (!oldStored) {
    if (def.allowCreateOnUpdate && subresource === '' && !opts.viaPatch) {
      const m = isObj(body) ? meta(clone(body)) : {};
      if (typeof m.name === 'string' && m.name !== name) throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${name})`);
      return { object: createObject(c, def, namespace, body, opts), created: true };
    }
    throw notFound(groupResource(def), name);
  }
  const old = readView(def, oldStored);
  const incoming = decode(def, body, opts);
  const im = meta(incoming);
  if (typeof im.name === 'string' && im.name !== '' && im.name !== name) {
    throw badRequest(`the name of the object (${im.name}) does not match the name on the URL (${name})`);
  }
  checkNamespace(def, incoming, namespace);
  const om = meta(old);
  const bodyRv = typeof im.resourceVersion === 'string' ? im.resourceVersion : '';
  if (bodyRv === '' && !def.allowUnconditionalUpdate && !opts.viaPatch) {
    throw invalidError({ group: def.group, kind: def.plural }, name, [invalid('metadata.resourceVersion', new RawValue('0x0'), 'must be specified for an update')]);
  }
  if (bodyRv !== '' && bodyRv !== om.resourceVersion) throw conflict(groupResource(def), name);

  // The status subresource writes only status; the main resource never writes status.
  let obj: Obj;
  if (subresource === 'status') {
    obj = clone(old);
    if (incoming.status === undefined) delete obj.status;
    else obj.status = incoming.status;
  } else {
    obj = incoming;
    if (def.statusSubresource) {
      if (old.status === undefined) delete obj.status;
      else obj.status = clone(old.status);
    }
  }
  const m = meta(obj);
  m.name = name;
  for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'resourceVersion']) {
    if (om[f] === undefined) delete m[f];
    else m[f] = om[f];
  }
  for (const f of SYSTEM_FIELDS) delete m[f];
  const ctx = context(c, 'update', subresource, opts);
  def.strategy.prepareUpdate?.(obj, old, ctx);
  def.strategy.applyDefaults?.(obj);
  if (def.generation && !deepEqual(specOf(def, obj), specOf(def, old))) {
    m.generation = (typeof om.generation === 'number' ? om.generation : 0) + 1;
  }
  reject(def, name, [...finalizerErrors(def, obj, old), ...validateObjectMeta(m, def.namespaced, def.nameRule), ...def.strategy.validate(obj, old, ctx)]);
  if (sameObject(obj, old)) return { object: old, created: false };
  if (opts.dryRun) return { object: obj, created: false };
  if (m.deletionTimestamp && pendingFinalizers(def, obj).length === 0) {
    // The last finalizer is gone: the object is deleted.
    const removed = c.store.remove(def.storage, toStorage(def, obj));
    c.afterWrite(def, 'DELETED', removed);
    return { object: readView(def, removed), created: false };
  }
  const stored = c.store.update(def.storage, toStorage(def, obj));
  c.afterWrite(def, 'MODIFIED', stored);
  return { object: readView(def, stored), created: false };
}
