// core/v1 Namespaces: the name label, the `kubernetes` spec finalizer, phase Active/Terminating,
// and the `finalize` subresource through which the namespace controller releases a namespace.

import { asObj, clone, meta, str } from '../json.ts';
import type { Obj } from '../json.ts';
import type { ResourceDef } from '../resource.ts';
import { ageColumn, column, nameColumn, nameOf } from '../table.ts';
import { ageCell } from '../time.ts';
import { builtin } from './common.ts';

export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function stampNameLabel(obj: Obj): void {
  const m = meta(obj);
  const labels = { ...asObj(m.labels) };
  labels['kubernetes.io/metadata.name'] = nameOf(obj);
  m.labels = labels;
}

export function namespacesDef(): ResourceDef {
  return builtin({ group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'] }, {
    prepareCreate(obj) {
      stampNameLabel(obj);
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
    },
    prepareUpdate(obj, old, ctx) {
      stampNameLabel(obj);
      if (ctx.subresource === 'finalize') {
        // finalize may change only spec.finalizers.
        const finalizers = asObj(obj.spec).finalizers;
        for (const k of Object.keys(obj)) delete obj[k];
        Object.assign(obj, clone(old));
        obj.spec = { ...asObj(old.spec), finalizers: Array.isArray(finalizers) ? finalizers : [] };
      } else {
        obj.spec = clone(asObj(old.spec));
      }
    },
    validate: () => [],
    table: () => ({
      columns: [nameColumn(), column('Status', 'string', 'The status of the namespace'), ageColumn()],
      cells: (o, now) => [nameOf(o), str(asObj(o.status).phase) ?? '', ageCell(meta(o).creationTimestamp, now)],
    }),
    fieldLabels: (o) => ({ 'metadata.name': nameOf(o), 'status.phase': str(asObj(o.status).phase) ?? '' }),
  }, { statusSubresource: true, extraSubresources: ['finalize'], deleteReturnsObject: true, nameRule: 'label' });
}
