// The set of resources the emulator serves right now: the built-in kinds plus whatever the
// CustomResourceDefinitions in the store declare. Discovery and OpenAPI are derived from it, and
// its revision changes whenever a CRD changes what is served.

import { compareVersions } from './resource.ts';
import type { ResourceDef } from './resource.ts';

const BUILTIN_GROUP_ORDER = ['', 'apiextensions.k8s.io', 'coordination.k8s.io', 'events.k8s.io'];

export interface GroupInfo {
  name: string;
  /** Served versions, preferred first. */
  versions: string[];
}

export class Registry {
  private readonly defs = new Map<string, ResourceDef>();
  private rev = 1;

  private static key(group: string, version: string, plural: string): string {
    return `${group}/${version}/${plural}`;
  }

  add(def: ResourceDef): void {
    this.defs.set(Registry.key(def.group, def.version, def.plural), def);
    this.rev += 1;
  }

  /** Replaces every resource that came from CRD `crdName` with `defs` (none to unregister). */
  replaceCrd(crdName: string, defs: readonly ResourceDef[]): void {
    for (const [k, d] of this.defs) if (d.crd === crdName) this.defs.delete(k);
    for (const d of defs) this.defs.set(Registry.key(d.group, d.version, d.plural), d);
    this.rev += 1;
  }

  find(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.defs.get(Registry.key(group, version, plural));
  }

  /** Any served version of group/plural, preferred first (CRD cleanup, storage lookups). */
  anyVersion(group: string, plural: string): ResourceDef | undefined {
    return this.all().filter((d) => d.group === group && d.plural === plural)
      .sort((a, b) => compareVersions(a.version, b.version))[0];
  }

  all(): ResourceDef[] {
    return [...this.defs.values()];
  }

  byStorage(storage: string): ResourceDef[] {
    return this.all().filter((d) => d.storage === storage);
  }

  /** Changes whenever the served set changes (OpenAPI hashes, discovery caches). */
  revision(): number {
    return this.rev;
  }

  groups(): GroupInfo[] {
    const byGroup = new Map<string, Set<string>>();
    for (const d of this.defs.values()) {
      const set = byGroup.get(d.group) ?? new Set<string>();
      set.add(d.version);
      byGroup.set(d.group, set);
    }
    const order = (g: string): number => {
      const i = BUILTIN_GROUP_ORDER.indexOf(g);
      return i === -1 ? BUILTIN_GROUP_ORDER.length : i;
    };
    return [...byGroup.entries()]
      .sort(([a], [b]) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, versions]) => ({ name, versions: [...versions].sort(compareVersions) }));
  }

  resourcesIn(group: string, version: string): ResourceDef[] {
    return this.all().filter((d) => d.group === group && d.version === version)
      .sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
  }
}
