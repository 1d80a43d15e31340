// GET and LIST: one object, or a filtered page of a resource with label and field selectors,
// limit/continue pagination (the token carries the last key and the list's resourceVersion) and
// resourceVersionMatch.

import { asObj, meta, strMap } from './json.ts';
import type { Obj } from './json.ts';
import { groupResource } from './resource.ts';
import type { ResourceDef } from './resource.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { FieldSelector, LabelSelector } from './selectors.ts';
import { badRequest, expired, notFound } from './status.ts';
import { objectKey } from './store.ts';
import { getStored, nameOf, namespaceOf, readView } from './cluster.ts';
import type { ClusterState } from './cluster.ts';

export function getObject(c: ClusterState, def: ResourceDef, namespace: string, name: string): Obj {
  const stored = getStored(c, def, namespace, name);
  if (!stored) throw notFound(groupResource(def), name);
  return readView(def, stored);
}

export interface Filter { labels: LabelSelector; fields: FieldSelector }

export function parseFilter(def: ResourceDef, query: URLSearchParams): Filter {
  const supported = new Set(Object.keys(def.strategy.fieldLabels({ metadata: {} })));
  return {
    labels: parseLabelSelector(query.get('labelSelector') ?? undefined),
    fields: parseFieldSelector(query.get('fieldSelector') ?? undefined, supported),
  };
}

export function matches(def: ResourceDef, filter: Filter, obj: Obj): boolean {
  return matchesLabels(filter.labels, strMap(meta(obj).labels)) && matchesFields(filter.fields, def.strategy.fieldLabels(obj));
}

export interface ListPage {
  items: Obj[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

interface ContinueToken { rv: number; start: string }

function decodeContinue(token: string): ContinueToken {
  try {
    const t = asObj(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    if (typeof t.rv === 'number' && typeof t.start === 'string') return { rv: t.rv, start: t.start };
  } catch {
    // Fall through to the 400 below.
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t), 'utf8').toString('base64url');
}

/** Lists `def` in `namespace` (all namespaces when undefined). */
export function listObjects(c: ClusterState, def: ResourceDef, namespace: string | undefined, query: URLSearchParams): ListPage {
  const filter = parseFilter(def, query);
  const current = c.store.currentRv();
  const rvParam = query.get('resourceVersion') ?? '';
  const rvMatch = query.get('resourceVersionMatch') ?? '';
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`invalid resource version: ${rvParam}`);
  if (rvMatch === 'Exact' && Number(rvParam) !== current) {
    throw expired(`too old resource version: ${rvParam} (${current})`);
  }
  const limitParam = Number(query.get('limit') ?? '0');
  const limit = Number.isInteger(limitParam) && limitParam > 0 ? limitParam : 0;
  let listRv = current;
  let start = '';
  const token = query.get('continue');
  if (token) {
    const t = decodeContinue(token);
    if (t.rv < c.store.oldestRetainedRv()) {
      throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    }
    listRv = t.rv;
    start = t.start;
  }
  const keyOf = (o: Obj): string => objectKey(def.namespaced ? namespaceOf(o) : '', nameOf(o));
  const all = c.store.list(def.storage, def.namespaced ? namespace : undefined)
    .map((o) => readView(def, o))
    .filter((o) => matches(def, filter, o) && keyOf(o) > start);
  const items = limit > 0 ? all.slice(0, limit) : all;
  const page: ListPage = { items, resourceVersion: String(listRv) };
  const last = items.at(-1);
  if (limit > 0 && all.length > limit && last) {
    page.continue = encodeContinue({ rv: listRv, start: keyOf(last) });
    page.remainingItemCount = all.length - limit;
  }
  return page;
}

export function listObject(def: ResourceDef, page: ListPage): Obj {
  const metadata: Obj = { resourceVersion: page.resourceVersion };
  if (page.continue) metadata.continue = page.continue;
  if (page.remainingItemCount !== undefined) metadata.remainingItemCount = page.remainingItemCount;
  const apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
  return { apiVersion, kind: def.listKind, metadata, items: page.items };
}
