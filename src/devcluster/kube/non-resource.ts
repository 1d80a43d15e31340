// Answers for paths that name no resource: /version, discovery (/api, /apis and group
// versions), OpenAPI v3, and health endpoints.

import { asObj, isObj } from './json.ts';
import type { Obj } from './json.ts';
import type { Registry } from './registry.ts';
import type { ResourceDef } from './resource.ts';
import type { Store } from './store.ts';
import {
  aggregatedDiscovery, aggregatedVersion, legacyCore, legacyGroup, legacyGroups, resourceList, VERSION_INFO,
} from './discovery.ts';
import { groupVersionDocument, rootDocument } from './openapi.ts';
import { pathNotFound } from './status.ts';

export interface NonResourceReply { code: number; body: Obj | string; contentType: string }

const JSON_TYPE = 'application/json';

function json(body: Obj | undefined): NonResourceReply {
  if (!body) throw pathNotFound();
  return { code: 200, body, contentType: JSON_TYPE };
}

/** The openAPIV3Schema of the CRD version behind `def`, read from the stored CRD. */
export function crdSchemaLookup(store: Store): (def: ResourceDef) => unknown {
  return (def) => {
    if (!def.crd) return undefined;
    const crd = store.get('apiextensions.k8s.io/customresourcedefinitions', '', def.crd);
    const versions = asObj(crd?.spec).versions;
    const v: unknown = Array.isArray(versions) ? versions.find((x) => isObj(x) && x.name === def.version) : undefined;
    return asObj(asObj(v).schema).openAPIV3Schema;
  };
}

export function handleNonResource(registry: Registry, store: Store, method: string, pathname: string, accept: string, serverAddress: string): NonResourceReply {
  if (method !== 'GET' && method !== 'HEAD') throw pathNotFound();
  const parts = pathname.split('/').filter((p) => p !== '');
  const path = `/${parts.join('/')}`;
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return { code: 200, body: 'ok', contentType: 'text/plain; charset=utf-8' };
  if (path === '/version') return json({ ...VERSION_INFO });
  if (path === '/api' || path === '/apis') {
    const aggregated = aggregatedVersion(accept);
    if (aggregated) {
      const doc = aggregatedDiscovery(registry, path === '/api', aggregated);
      return { code: 200, body: doc.body, contentType: doc.contentType };
    }
    return json(path === '/api' ? legacyCore(serverAddress) : legacyGroups(registry));
  }
  if (parts[0] === 'api' && parts.length === 2) return json(resourceList(registry, '', parts[1] ?? ''));
  if (parts[0] === 'apis' && parts.length === 2) return json(legacyGroup(registry, parts[1] ?? ''));
  if (parts[0] === 'apis' && parts.length === 3) return json(resourceList(registry, parts[1] ?? '', parts[2] ?? ''));
  if (parts[0] === 'openapi' && parts[1] === 'v3') {
    const lookup = crdSchemaLookup(store);
    if (parts.length === 2) return json(rootDocument(registry, lookup));
    if (parts[2] === 'api' && parts.length === 4) return json(groupVersionDocument(registry, '', parts[3] ?? '', lookup));
    if (parts[2] === 'apis' && parts.length === 5) return json(groupVersionDocument(registry, parts[3] ?? '', parts[4] ?? '', lookup));
  }
  throw pathNotFound();
}
