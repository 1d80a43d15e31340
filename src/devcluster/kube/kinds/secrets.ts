// core/v1 Secrets, served because helm keeps its release records in them: `stringData` folds into
// base64 `data`, `type` defaults to Opaque, keys and immutability are checked.

import { forbidden, invalid, tooLong } from '../field-errors.ts';
import type { FieldError } from '../field-errors.ts';
import { asObj, deepEqual, isObj, meta, str } from '../json.ts';
import type { Obj } from '../json.ts';
import type { ResourceDef } from '../resource.ts';
import { ageColumn, column, nameColumn, nameOf } from '../table.ts';
import { ageCell } from '../time.ts';
import { builtin, metadataFieldLabels } from './common.ts';

const KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const MAX_SIZE = 1024 * 1024;

function foldStringData(obj: Obj): void {
  if (isObj(obj.stringData)) {
    const data = { ...asObj(obj.data) };
    for (const [k, v] of Object.entries(obj.stringData)) if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
    obj.data = data;
  }
  delete obj.stringData;
  if (!str(obj.type)) obj.type = 'Opaque';
}

export function secretsDef(): ResourceDef {
  return builtin({ group: '', version: 'v1', plural: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true }, {
    decodeError(obj) {
      for (const v of Object.values(asObj(obj.data))) {
        if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) {
          return 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0';
        }
      }
      return undefined;
    },
    prepareCreate: foldStringData,
    prepareUpdate: foldStringData,
    validate(obj, old) {
      const errs: FieldError[] = [];
      let size = 0;
      for (const [k, v] of Object.entries(asObj(obj.data))) {
        if (!/^[-._a-zA-Z0-9]+$/.test(k)) errs.push(invalid(`data[${k}]`, k, KEY_MSG));
        size += typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
      }
      if (size > MAX_SIZE) errs.push(tooLong('data', MAX_SIZE));
      if (old) {
        if (old.type !== obj.type) errs.push(invalid('type', obj.type, 'field is immutable'));
        if (old.immutable === true) {
          if (!deepEqual(old.data, obj.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
          if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
        }
      }
      return errs;
    },
    table: () => ({
      columns: [nameColumn(), column('Type', 'string', 'The type of the secret'), column('Data', 'string', 'The number of entries in the secret'), ageColumn()],
      cells: (o, now) => [nameOf(o), str(o.type) ?? '', Object.keys(asObj(o.data)).length, ageCell(meta(o).creationTimestamp, now)],
    }),
    fieldLabels: (o) => ({ ...metadataFieldLabels(o), type: str(o.type) ?? '' }),
  });
}
