// What the emulator knows about one served resource (one group/version/plural): its names and
// scope for discovery, and the per-kind strategy hooks the generic write path calls — the same
// split as the real apiserver's RESTStrategy.

import type { FieldError } from './field-errors.ts';
import type { Obj } from './json.ts';
import type { NameRule } from './names.ts';

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableSpec {
  columns: TableColumn[];
  /** One cell per column for `obj`; `now` renders ages. */
  cells(obj: Obj, now: number): unknown[];
}

export interface WriteContext {
  now: number;
  operation: 'create' | 'update';
  subresource: string;
  /** Values for `Warning: 299 - "…"` response headers. */
  warnings: string[];
}

export interface KindStrategy {
  /** Removes fields the schema does not know; returns their paths (for fieldValidation). */
  prune?(obj: Obj): string[];
  /** Malformed input that the real server rejects while decoding (400), e.g. bad MicroTime. */
  decodeError?(obj: Obj): string | undefined;
  prepareCreate?(obj: Obj, ctx: WriteContext): void;
  prepareUpdate?(obj: Obj, old: Obj, ctx: WriteContext): void;
  /** Applies schema defaults in place. */
  applyDefaults?(obj: Obj): void;
  /** Kind-specific validation (ObjectMeta is checked by the caller). */
  validate(obj: Obj, old: Obj | undefined, ctx: WriteContext): FieldError[];
  table(): TableSpec;
  /** Field-selector labels this kind supports, with their values for `obj`. */
  fieldLabels(obj: Obj): Record<string, string>;
  /**
   * Graceful deletion (pods): the seconds the object is kept, marked, after a DELETE asking for
   * `requested` (undefined: the object's default); 0 removes it at once. Absent: always at once.
   */
  deletionGraceSeconds?(obj: Obj, requested: number | undefined): number;
  /** Converts between this version's shape and the shared storage shape (events.k8s.io). */
  toStorage?(obj: Obj): Obj;
  fromStorage?(obj: Obj): Obj;
}

export interface ResourceDef {
  group: string;                  // '' is the core group
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** `/status` exists and splits writes: main ignores status, /status ignores the rest. */
  statusSubresource: boolean;
  /** Other subresources written like /status (the namespace `finalize`). */
  extraSubresources: string[];
  /** Storage bucket shared by every version (and by events.k8s.io with core events). */
  storage: string;
  /** metadata.generation is maintained (CRs and CRDs). */
  generation: boolean;
  allowUnconditionalUpdate: boolean;
  allowCreateOnUpdate: boolean;
  /** Built-in kinds accept strategic merge patch; custom resources answer 415. */
  strategicMerge: boolean;
  nameRule: NameRule;
  /** DELETE answers with the object rather than a Success Status (namespaces, CRDs). */
  deleteReturnsObject: boolean;
  /** Name of the CRD this resource comes from, if any. */
  crd?: string;
  strategy: KindStrategy;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function apiVersionOf(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

export function groupResource(def: Pick<ResourceDef, 'group' | 'plural'>): { group: string; resource: string } {
  return { group: def.group, resource: def.plural };
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first, then non-conforming names. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    const major = Number(m[1]);
    if (!m[2]) return [0, -major, 0, v];
    return [m[2] === 'beta' ? 1 : 2, -major, -Number(m[3]), v];
  };
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i += 1) {
    const d = (ra[i] as number) - (rb[i] as number);
    if (d !== 0) return d;
  }
  return ra[3] < rb[3] ? -1 : ra[3] > rb[3] ? 1 : 0;
}
