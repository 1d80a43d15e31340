// core/v1 ConfigMaps, served because the operator keeps its dispatcher state (the Mesos framework
// ID) in one: string `data` and base64 `binaryData`, config-key names, no key in both maps, the
// 1 MiB limit and immutability are checked as the real server does.

import { forbidden, invalid, tooLong } from '../field-errors.ts';
import type { FieldError } from '../field-errors.ts';
import { asObj, deepEqual, meta } from '../json.ts';
import type { ResourceDef } from '../resource.ts';
import { ageColumn, column, nameColumn, nameOf } from '../table.ts';
import { ageCell } from '../time.ts';
import { builtin, metadataFieldLabels } from './common.ts';

const KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const MAX_SIZE = 1024 * 1024;
const isBase64 = (v: unknown): boolean => typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0;

export function configMapsDef(): ResourceDef {
  return builtin({ group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] }, {
    decodeError(obj) {
      for (const v of Object.values(asObj(obj.data))) {
        if (typeof v !== 'string') return `ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal ${typeof v} into Go struct field ConfigMap.data of type string`;
      }
      for (const v of Object.values(asObj(obj.binaryData))) {
        if (!isBase64(v)) return 'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 0';
      }
      return undefined;
    },
    validate(obj, old) {
      const errs: FieldError[] = [];
      const data = asObj(obj.data);
      const binary = asObj(obj.binaryData);
      let size = 0;
      for (const [k, v] of Object.entries(data)) {
        if (!/^[-._a-zA-Z0-9]+$/.test(k)) errs.push(invalid(`data[${k}]`, k, KEY_MSG));
        size += k.length + (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0);
      }
      for (const [k, v] of Object.entries(binary)) {
        if (!/^[-._a-zA-Z0-9]+$/.test(k)) errs.push(invalid(`binaryData[${k}]`, k, KEY_MSG));
        if (k in data) errs.push(invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
        size += k.length + (typeof v === 'string' ? Buffer.from(v, 'base64').length : 0);
      }
      if (size > MAX_SIZE) errs.push(tooLong('', MAX_SIZE));
      if (old && old.immutable === true) {
        if (!deepEqual(old.data, obj.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
        if (!deepEqual(old.binaryData, obj.binaryData)) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
        if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
      }
      return errs;
    },
    table: () => ({
      columns: [nameColumn(), column('Data', 'string', 'The number of entries in the ConfigMap'), ageColumn()],
      cells: (o, now) => [nameOf(o), Object.keys(asObj(o.data)).length + Object.keys(asObj(o.binaryData)).length, ageCell(meta(o).creationTimestamp, now)],
    }),
    fieldLabels: metadataFieldLabels,
  });
}
