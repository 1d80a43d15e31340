// Request classification as the apiserver's RequestInfoFactory does it: a path under /api or
// /apis naming a resource becomes (verb, group, version, namespace, resource, name,
// subresource); anything else is a non-resource path (discovery, OpenAPI, /version).

import type { Verb } from './faults.ts';

export interface ResourceInfo {
  kind: 'resource';
  verb: Verb;
  group: string;
  version: string;
  /** undefined: the request is not scoped to a namespace (cluster-scoped or all namespaces). */
  namespace: string | undefined;
  resource: string;
  name: string;
  subresource: string;
}

export interface NonResourceInfo { kind: 'nonresource'; path: string }

export type RequestInfo = ResourceInfo | NonResourceInfo;

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function classify(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const parts = pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return { kind: 'nonresource', path: pathname };
  }
  if (rest.length === 0) return { kind: 'nonresource', path: pathname };
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? '')) rest = rest.slice(2);
  }
  const resource = rest[0] ?? '';
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';
  if (resource === 'namespaces') namespace = undefined;
  const watchParam = query.get('watch');
  const watching = watchPath || watchParam === 'true' || watchParam === '1';
  let verb: Verb;
  switch (method) {
    case 'POST': verb = 'create'; break;
    case 'PUT': verb = 'update'; break;
    case 'PATCH': verb = 'patch'; break;
    case 'DELETE': verb = name ? 'delete' : 'deletecollection'; break;
    default: verb = name && !watching ? 'get' : watching ? 'watch' : 'list';
  }
  return { kind: 'resource', verb, group, version, namespace, resource, name, subresource };
}
