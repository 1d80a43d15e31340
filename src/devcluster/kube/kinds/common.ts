// Pieces shared by the built-in kinds: the metadata field selectors every kind supports and a
// builder for the ResourceDef of a built-in resource.

import type { Obj } from '../json.ts';
import { meta } from '../json.ts';
import type { KindStrategy, ResourceDef } from '../resource.ts';

export function metadataFieldLabels(obj: Obj): Record<string, string> {
  const m = meta(obj);
  return {
    'metadata.name': typeof m.name === 'string' ? m.name : '',
    'metadata.namespace': typeof m.namespace === 'string' ? m.namespace : '',
  };
}

export interface BuiltinNames {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  storage?: string;
}

/** A built-in resource: strategic merge allowed, unconditional updates allowed, no generation. */
export function builtin(names: BuiltinNames, strategy: KindStrategy, overrides: Partial<ResourceDef> = {}): ResourceDef {
  return {
    group: names.group,
    version: names.version,
    plural: names.plural,
    singular: names.singular,
    kind: names.kind,
    listKind: `${names.kind}List`,
    namespaced: names.namespaced,
    shortNames: names.shortNames ?? [],
    categories: [],
    statusSubresource: false,
    extraSubresources: [],
    storage: names.storage ?? `${names.group}/${names.plural}`,
    generation: false,
    allowUnconditionalUpdate: true,
    allowCreateOnUpdate: false,
    strategicMerge: true,
    nameRule: 'subdomain',
    deleteReturnsObject: false,
    strategy,
    ...overrides,
  };
}
