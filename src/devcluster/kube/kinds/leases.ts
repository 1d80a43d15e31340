// coordination.k8s.io/v1 Leases for leader election: MicroTime fields must carry exactly six
// fractional digits (a 400 otherwise, like the real decoder), duration and transitions are checked.

import { forbidden, invalid } from '../field-errors.ts';
import type { FieldError } from '../field-errors.ts';
import { asObj, meta, str } from '../json.ts';
import type { ResourceDef } from '../resource.ts';
import { ageColumn, column, nameColumn, nameOf } from '../table.ts';
import { ageCell, microTimeError } from '../time.ts';
import { builtin, metadataFieldLabels } from './common.ts';

/** Go types of the LeaseSpec fields: a JSON value of another type fails decoding (400). */
const SPEC_TYPES: Record<string, 'string' | 'int32'> = {
  holderIdentity: 'string', leaseDurationSeconds: 'int32', leaseTransitions: 'int32', strategy: 'string', preferredHolder: 'string',
};

export function leasesDef(): ResourceDef {
  return builtin({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases', singular: 'lease', kind: 'Lease', namespaced: true }, {
    decodeError(obj) {
      const spec = asObj(obj.spec);
      for (const [f, type] of Object.entries(SPEC_TYPES)) {
        const v = spec[f];
        if (v === undefined || v === null) continue;
        const actual = typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : typeof v === 'string' ? 'string' : Array.isArray(v) ? 'array' : 'object';
        const ok = type === 'string' ? actual === 'string' : actual === 'number' && Number.isInteger(v);
        if (!ok) return `Lease in version "v1" cannot be handled as a Lease: json: cannot unmarshal ${actual} into Go struct field LeaseSpec.spec.${f} of type ${type}`;
      }
      for (const f of ['acquireTime', 'renewTime']) {
        const v = spec[f];
        if (v === undefined || v === null) continue;
        const err = typeof v === 'string' ? microTimeError(v) : `json: cannot unmarshal ${typeof v} into Go struct field LeaseSpec.spec.${f} of type v1.MicroTime`;
        if (err) return `Lease in version "v1" cannot be handled as a Lease: ${err}`;
      }
      return undefined;
    },
    validate(obj) {
      const spec = asObj(obj.spec);
      const errs: FieldError[] = [];
      const d = spec.leaseDurationSeconds;
      if (typeof d === 'number' && d <= 0) errs.push(invalid('spec.leaseDurationSeconds', d, 'must be greater than 0'));
      const t = spec.leaseTransitions;
      if (typeof t === 'number' && t < 0) errs.push(invalid('spec.leaseTransitions', t, 'must be greater than or equal to 0'));
      if (spec.preferredHolder !== undefined && spec.strategy === undefined) {
        errs.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
      }
      return errs;
    },
    table: () => ({
      columns: [nameColumn(), column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'), ageColumn()],
      cells: (o, now) => [nameOf(o), str(asObj(o.spec).holderIdentity) ?? '', ageCell(meta(o).creationTimestamp, now)],
    }),
    fieldLabels: metadataFieldLabels,
  }, { allowCreateOnUpdate: true });
}
