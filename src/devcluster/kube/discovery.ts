// API discovery: aggregated (apidiscovery.k8s.io v2 and v2beta1, chosen by Accept and announced
// by Content-Type, which is how client-go tells the formats apart) and legacy documents, plus
// /version.

import type { Obj } from './json.ts';
import type { Registry } from './registry.ts';
import { ALL_VERBS } from './resource.ts';
import type { ResourceDef } from './resource.ts';

export const VERSION_INFO = {
  major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: 'emulator', gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z', goVersion: 'go1.24', compiler: 'gc', platform: 'linux/amd64',
};

export interface Document { body: Obj; contentType: string }

const SUBRESOURCE_VERBS: Record<string, string[]> = { status: ['get', 'patch', 'update'], finalize: ['update'] };

function subresources(def: ResourceDef): string[] {
  return [...(def.statusSubresource ? ['status'] : []), ...def.extraSubresources];
}

/** Which aggregated format the Accept header asks for, if any. */
export function aggregatedVersion(accept: string): 'v2' | 'v2beta1' | undefined {
  for (const part of accept.split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList') || !part.includes('g=apidiscovery.k8s.io')) continue;
    if (/v=v2beta1/.test(part)) return 'v2beta1';
    if (/v=v2(;|$|\s)/.test(part)) return 'v2';
  }
  return undefined;
}

function aggregatedResource(def: ResourceDef): Obj {
  const responseKind = { group: def.group, version: def.version, kind: def.kind };
  const r: Obj = {
    resource: def.plural, responseKind, scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular, verbs: ALL_VERBS,
  };
  if (def.shortNames.length > 0) r.shortNames = def.shortNames;
  if (def.categories.length > 0) r.categories = def.categories;
  const subs = subresources(def);
  if (subs.length > 0) r.subresources = subs.map((s) => ({ subresource: s, responseKind, verbs: SUBRESOURCE_VERBS[s] ?? ['get'] }));
  return r;
}

/** `/api` (core: true) or `/apis` as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(registry: Registry, core: boolean, version: 'v2' | 'v2beta1'): Document {
  const items = registry.groups().filter((g) => (g.name === '') === core).map((g) => ({
    metadata: { name: g.name, creationTimestamp: null },
    versions: g.versions.map((v) => ({ version: v, resources: registry.resourcesIn(g.name, v).map(aggregatedResource), freshness: 'Current' })),
  }));
  return {
    body: { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items },
    contentType: `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
  };
}

export function legacyCore(serverAddress: string): Obj {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(name: string, versions: string[]): Obj {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function legacyGroups(registry: Registry): Obj {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().filter((g) => g.name !== '').map((g) => apiGroup(g.name, g.versions)) };
}

export function legacyGroup(registry: Registry, group: string): Obj | undefined {
  const g = registry.groups().find((x) => x.name === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.name, g.versions) } : undefined;
}

export function resourceList(registry: Registry, group: string, version: string): Obj | undefined {
  const defs = registry.resourcesIn(group, version);
  if (defs.length === 0) return undefined;
  const resources: Obj[] = [];
  for (const d of defs) {
    const r: Obj = { name: d.plural, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: ALL_VERBS };
    if (d.shortNames.length > 0) r.shortNames = d.shortNames;
    if (d.categories.length > 0) r.categories = d.categories;
    resources.push(r);
    for (const s of subresources(d)) {
      resources.push({ name: `${d.plural}/${s}`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: SUBRESOURCE_VERBS[s] ?? ['get'] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
