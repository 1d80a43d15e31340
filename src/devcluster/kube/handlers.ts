// Serves resource requests: resolves the ResourceDef, reads the request options (dryRun,
// fieldValidation, fieldManager, Table Accept), dispatches the verb to the operations, and shapes
// the answer (object, list, Table or Status). Watches are handed to the watch module.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isObj, meta, parseJson } from './json.ts';
import type { Obj } from './json.ts';
import type { ResourceDef } from './resource.ts';
import { ApiError, badRequest, methodNotSupported, notAcceptable, pathNotFound, unsupportedMediaType } from './status.ts';
import { groupResource } from './resource.ts';
import { buildTable } from './table.ts';
import type { IncludeObject } from './table.ts';
import type { ClusterState } from './cluster.ts';
import { deleteCollection, deleteObject, parseDeleteOptions } from './delete.ts';
import { patchObject, patchTypeOf } from './patch.ts';
import { decodeProtobufObject } from './protobuf.ts';
import { getObject, listObject, listObjects, parseFilter } from './read.ts';
import type { ResourceInfo } from './router.ts';
import { startWatch } from './watch.ts';
import type { OpenWatch } from './watch.ts';
import { createObject, updateObject } from './write.ts';
import type { FieldValidation, WriteOptions } from './write.ts';

export interface Reply {
  code: number;
  body: Obj;
  contentType?: string;
  warnings?: string[];
}

export interface HandlerEnv {
  cluster: ClusterState;
  bookmarkIntervalMs: number;
  watchOpened(w: OpenWatch): void;
  watchClosed(w: OpenWatch): void;
  takeWatchExpiry(info: ResourceInfo): boolean;
}

const TABLE_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

function wantsTable(accept: string): boolean {
  return accept.split(',').some((p) => p.includes('as=Table') && p.includes('g=meta.k8s.io'));
}

const PARTIAL_TYPE = 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io';

/**
 * `as=PartialObjectMetadata` (v1 or v1beta1): a single object is answered with its metadata
 * only, whatever the verb that returns it (get, create, update, patch), as the API server's
 * transformResponseObject does; a list asked for that way is refused.
 */
function wantsPartialMetadata(accept: string): boolean {
  return accept.split(',').some((p) => {
    const params = p.split(';').map((x) => x.trim());
    return params.includes('as=PartialObjectMetadata') && params.includes('g=meta.k8s.io') && (params.includes('v=v1') || params.includes('v=v1beta1'));
  });
}

function partialMetadata(obj: Obj): Obj {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta(obj) };
}

function checkAccept(accept: string): void {
  if (!accept) return;
  const ok = accept.split(',').some((p) => {
    const media = p.split(';')[0]?.trim() ?? '';
    return media === '*/*' || media === 'application/*' || media === 'application/json' || media === 'application/yaml';
  });
  if (!ok) throw notAcceptable('only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
}

function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function writeOptions(query: URLSearchParams): WriteOptions {
  const dryRun = query.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All' && d !== '')) throw badRequest(`Invalid dry run value: ${dryRun.join(',')}`);
  const fv = query.get('fieldValidation') ?? 'Warn';
  if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
    throw badRequest(`fieldValidation parameter unsupported: ${fv}. Supported values: Ignore, Warn, Strict`);
  }
  return { dryRun: dryRun.includes('All'), fieldValidation: fv satisfies FieldValidation, warnings: [] };
}

function parseBody(def: ResourceDef, req: IncomingMessage, body: Buffer): unknown {
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim() ?? '';
  if (type === 'application/vnd.kubernetes.protobuf') {
    try {
      return decodeProtobufObject(body);
    } catch (err) {
      throw unsupportedMediaType(err instanceof Error ? err.message : String(err));
    }
  }
  if (type !== 'application/json' && type !== '' && !type.endsWith('+json')) {
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  }
  const parsed = parseJson(body.toString('utf8'));
  if (!parsed.ok) throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): couldn't get version/kind; json parse error: ${parsed.error}`);
  return parsed.value;
}

/** DeleteOptions from a DELETE body: JSON, protobuf (typed clients such as helm's), or none. */
function deleteBody(def: ResourceDef, req: IncomingMessage, body: Buffer): unknown {
  if (body.length === 0) return {};
  const parsed = parseBody(def, req, body);
  if (!isObj(parsed)) throw badRequest('the body of the request was in an unknown format - accepted media types include: application/json');
  return parsed;
}

function resolve(env: HandlerEnv, info: ResourceInfo): ResourceDef {
  const def = env.cluster.registry.find(info.group, info.version, info.resource);
  if (!def) throw pathNotFound();
  const sub = info.subresource;
  if (sub && !(sub === 'status' && def.statusSubresource) && !def.extraSubresources.includes(sub)) throw pathNotFound();
  if (sub && (info.verb === 'list' || info.verb === 'watch' || info.verb === 'create' || info.verb === 'delete' || info.verb === 'deletecollection')) {
    throw methodNotSupported(groupResource(def), info.verb);
  }
  if (def.namespaced && info.namespace === undefined && info.verb !== 'list' && info.verb !== 'watch' && info.verb !== 'deletecollection') {
    throw pathNotFound();
  }
  return def;
}

/** Handles one resource request; returns the reply, or undefined when a watch took over `res`. */
export function handleResource(env: HandlerEnv, info: ResourceInfo, req: IncomingMessage, res: ServerResponse, body: Buffer, query: URLSearchParams): Reply | undefined {
  const c = env.cluster;
  const def = resolve(env, info);
  const accept = req.headers.accept ?? '';
  checkAccept(accept);
  const table = wantsTable(accept) && (info.verb === 'get' || info.verb === 'list' || info.verb === 'watch');
  const partial = !table && wantsPartialMetadata(accept);
  if (partial && info.verb === 'list') {
    throw notAcceptable(`you requested PartialObjectMetadata, but the requested object is a list (${def.listKind})`);
  }
  const answer = (code: number, obj: Obj, warnings?: string[]): Reply => ({
    code, ...(partial ? { body: partialMetadata(obj), contentType: PARTIAL_TYPE } : { body: obj }), ...(warnings !== undefined && { warnings }),
  });
  const ns = def.namespaced ? info.namespace ?? '' : '';
  const now = c.clock.now();
  switch (info.verb) {
    case 'get': {
      const obj = getObject(c, def, ns, info.name);
      if (!table) return answer(200, obj);
      const rv = typeof (obj.metadata as Obj).resourceVersion === 'string' ? (obj.metadata as Obj).resourceVersion : '';
      return { code: 200, body: buildTable(def.strategy.table(), [obj], { resourceVersion: rv }, { include: includeObject(query), now, columns: true }), contentType: TABLE_TYPE };
    }
    case 'list': {
      const page = listObjects(c, def, info.namespace, query);
      if (!table) return { code: 200, body: listObject(def, page) };
      const metadata: Obj = { resourceVersion: page.resourceVersion };
      if (page.continue) metadata.continue = page.continue;
      if (page.remainingItemCount !== undefined) metadata.remainingItemCount = page.remainingItemCount;
      return { code: 200, body: buildTable(def.strategy.table(), page.items, metadata, { include: includeObject(query), now, columns: true }), contentType: TABLE_TYPE };
    }
    case 'watch': {
      if (info.name) query.set('fieldSelector', [query.get('fieldSelector'), `metadata.name=${info.name}`].filter(Boolean).join(','));
      const filter = parseFilter(def, query);
      const rv = query.get('resourceVersion') ?? '';
      if (rv !== '' && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
      const timeout = Number(query.get('timeoutSeconds') ?? '');
      const w = startWatch(c, {
        def, namespace: def.namespaced ? info.namespace : undefined, filter, resourceVersion: rv,
        allowBookmarks: query.get('allowWatchBookmarks') === 'true',
        sendInitialEvents: query.get('sendInitialEvents') === 'true',
        ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutSeconds: timeout } : {}),
        ...(table ? { table: { include: includeObject(query) } } : {}),
        bookmarkIntervalMs: env.bookmarkIntervalMs,
      }, res, (closed) => env.watchClosed(closed), env.takeWatchExpiry(info));
      if (w) env.watchOpened(w);
      return undefined;
    }
    case 'create': {
      const opts = writeOptions(query);
      const obj = createObject(c, def, ns, parseBody(def, req, body), opts);
      return answer(201, obj, opts.warnings);
    }
    case 'update': {
      const opts = writeOptions(query);
      const r = updateObject(c, def, ns, info.name, info.subresource, parseBody(def, req, body), opts);
      return answer(r.created ? 201 : 200, r.object, opts.warnings);
    }
    case 'patch': {
      const opts = writeOptions(query);
      const type = patchTypeOf(def, req.headers['content-type'] ?? '');
      const r = patchObject(c, def, {
        namespace: ns, name: info.name, subresource: info.subresource, type, body: body.toString('utf8'),
        fieldManager: query.get('fieldManager') ?? undefined,
      }, opts);
      return answer(r.created ? 201 : 200, r.object, opts.warnings);
    }
    case 'delete': {
      const r = deleteObject(c, def, ns, info.name, parseDeleteOptions(deleteBody(def, req, body), query));
      return { code: r.code, body: r.body };
    }
    case 'deletecollection': {
      const page = listObjects(c, def, info.namespace, query);
      const deleted = deleteCollection(c, def, page.items, parseDeleteOptions(deleteBody(def, req, body), query));
      return { code: 200, body: listObject(def, { items: deleted, resourceVersion: String(c.store.currentRv()) }) };
    }
  }
  throw new ApiError({ code: 500 });
}
