// Server-side printing: `meta.k8s.io/v1` Tables for `kubectl get`, built from a kind's TableSpec,
// and the TableSpec of a CRD version from its additionalPrinterColumns (apiextensions'
// tableconvertor).

import { isObj, meta } from './json.ts';
import type { Obj } from './json.ts';
import { evaluateJsonPath, goFormat, parseJsonPath } from './jsonpath.ts';
import type { TableColumn, TableSpec } from './resource.ts';
import { ageCell } from './time.ts';

export const NAME_DESCRIPTION = 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const AGE_DESCRIPTION = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function column(name: string, type: string, description = '', priority = 0, format = ''): TableColumn {
  return { name, type, format, description, priority };
}

export const nameColumn = (): TableColumn => column('Name', 'string', NAME_DESCRIPTION, 0, 'name');
export const ageColumn = (): TableColumn => column('Age', 'date', AGE_DESCRIPTION);

export function nameOf(obj: Obj): string {
  return typeof meta(obj).name === 'string' ? (meta(obj).name as string) : '';
}

export function rowObject(obj: Obj, include: IncludeObject): Obj | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta(obj) };
}

/** A Table of `objs`; `columns: false` sends null column definitions (watch events after the first). */
export function buildTable(spec: TableSpec, objs: readonly Obj[], listMeta: Obj, opts: { include: IncludeObject; now: number; columns: boolean }): Obj {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: opts.columns ? spec.columns : null,
    rows: objs.map((o) => {
      const row: Obj = { cells: spec.cells(o, opts.now) };
      const object = rowObject(o, opts.include);
      if (object) row.object = object;
      return row;
    }),
  };
}

/** cellForJSONValue of apiextensions' table convertor. */
function typedCell(type: string, value: unknown, now: number): unknown {
  switch (type) {
    case 'integer': return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number': return typeof value === 'number' ? value : null;
    case 'boolean': return typeof value === 'boolean' ? value : null;
    case 'date': return typeof value === 'string' ? ageCell(value, now) : null;
    default: return null;
  }
}

/** The TableSpec of a CRD version: Name, then the printer columns (or Age when there are none). */
export function printerColumnsSpec(printerColumns: unknown): TableSpec {
  const defs = Array.isArray(printerColumns) ? printerColumns.filter(isObj) : [];
  if (defs.length === 0) {
    return { columns: [nameColumn(), ageColumn()], cells: (o, now) => [nameOf(o), ageCell(meta(o).creationTimestamp, now)] };
  }
  const parsed = defs.map((d) => {
    const path = typeof d.jsonPath === 'string' ? d.jsonPath : '';
    let steps: ReturnType<typeof parseJsonPath> | undefined;
    try {
      steps = parseJsonPath(path);
    } catch {
      steps = undefined;
    }
    const type = typeof d.type === 'string' ? d.type : 'string';
    const description = typeof d.description === 'string' && d.description ? d.description : `Custom resource definition column (in JSONPath format): ${path}`;
    return {
      col: column(typeof d.name === 'string' ? d.name : path, type, description, typeof d.priority === 'number' ? d.priority : 0, typeof d.format === 'string' ? d.format : ''),
      steps,
    };
  });
  return {
    columns: [nameColumn(), ...parsed.map((p) => p.col)],
    cells: (o, now) => [nameOf(o), ...parsed.map((p) => {
      const results = p.steps ? evaluateJsonPath(p.steps, o) : [];
      if (results.length === 0 || results[0] === null) return null;
      return p.col.type === 'string' ? goFormat(results[0]) : typedCell(p.col.type, results[0], now);
    })],
  };
}
