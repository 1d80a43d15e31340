// OpenAPI v3 documents, just enough for kubectl: every kind gets a PATCH operation carrying
// `x-kubernetes-group-version-kind` and a `fieldValidation` parameter (so kubectl validates on the
// server), and CRD kinds also get their schema for `kubectl explain`. Hashes follow the content
// because kubectl's HTTP cache keys on the URL.

import { createHash } from 'node:crypto';
import type { Obj } from './json.ts';
import type { Registry } from './registry.ts';
import type { ResourceDef } from './resource.ts';

function gvKey(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(def: ResourceDef): string {
  const reversed = def.group.split('.').reverse().join('.');
  return `${reversed}.${def.version}.${def.kind}`;
}

function itemPath(def: ResourceDef): string {
  const base = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  return def.namespaced ? `${base}/namespaces/{namespace}/${def.plural}/{name}` : `${base}/${def.plural}/{name}`;
}

/** The OpenAPI v3 document of one group/version; undefined when nothing is served there. */
export function groupVersionDocument(registry: Registry, group: string, version: string, crdSchema: (def: ResourceDef) => unknown): Obj | undefined {
  const defs = registry.resourcesIn(group, version);
  if (defs.length === 0) return undefined;
  const paths: Obj = {};
  const schemas: Obj = {};
  for (const d of defs) {
    const gvk = { group: d.group, version: d.version, kind: d.kind };
    paths[itemPath(d)] = {
      patch: {
        'x-kubernetes-group-version-kind': gvk,
        'x-kubernetes-action': 'patch',
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } },
        ],
        responses: { 200: { description: 'OK' } },
      },
    };
    const schema = d.crd ? crdSchema(d) : undefined;
    if (schema && typeof schema === 'object') {
      schemas[schemaName(d)] = { ...(schema as Obj), 'x-kubernetes-group-version-kind': [gvk] };
    }
  }
  const doc: Obj = { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.33.0' }, paths };
  if (Object.keys(schemas).length > 0) doc.components = { schemas };
  return doc;
}

function hash(doc: Obj): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 32).toUpperCase();
}

/** GET /openapi/v3: one entry per served group/version. */
export function rootDocument(registry: Registry, crdSchema: (def: ResourceDef) => unknown): Obj {
  const paths: Obj = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const doc = groupVersionDocument(registry, g.name, v, crdSchema);
      if (!doc) continue;
      const key = gvKey(g.name, v);
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash(doc)}` };
    }
  }
  return { paths };
}
