// OpenAPI v3 schema validation of custom resources with kube-openapi's messages and
// apiextensions' mapping to field errors ("spec.x in body should be greater than or equal to 1").
// On update, unchanged subtrees are skipped (CRD validation ratcheting, GA in 1.33).

import {
  child, duplicate, invalid, notSupported, required, tooLong, tooMany, typeInvalid,
} from '../field-errors.ts';
import type { FieldError } from '../field-errors.ts';
import { deepEqual, isObj, jsonType } from '../json.ts';
import { mapListKey, propertySchema, typeName } from './schema.ts';
import type { Schema } from './schema.ts';

/** Old value at the same path, when the object is being updated and the path correlates. */
export type Old = { present: true; value: unknown } | { present: false };
const NO_OLD: Old = { present: false };

function typeMatches(s: Schema, value: unknown): boolean {
  const t = jsonType(value);
  if (s['x-kubernetes-int-or-string']) return t === 'integer' || t === 'string';
  switch (s.type) {
    case undefined: case '': return true;
    case 'integer': return t === 'integer';
    case 'number': return t === 'integer' || t === 'number';
    default: return s.type === t;
  }
}

const FORMATS: Record<string, (v: string) => boolean> = {
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  uuid: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  byte: (v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0,
  ipv4: (v) => /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(v),
  hostname: (v) => v.length <= 255 && /^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/.test(v),
};

function enumText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const patterns = new Map<string, RegExp>();

/** Compiled once per pattern: every write of a resource checks the same few. */
function patternOf(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (re === undefined) {
    re = new RegExp(pattern, 'u');
    patterns.set(pattern, re);
  }
  return re;
}

function validateString(value: string, s: Schema, path: string, errs: FieldError[]): void {
  const length = [...value].length;
  if (s.maxLength !== undefined && length > s.maxLength) errs.push(tooLong(path, s.maxLength));
  if (s.minLength !== undefined && length < s.minLength) errs.push(invalid(path, value, `${path} in body should be at least ${s.minLength} chars long`));
  if (s.pattern !== undefined && !patternOf(s.pattern).test(value)) errs.push(invalid(path, value, `${path} in body should match '${s.pattern}'`));
  const check = s.format ? FORMATS[s.format] : undefined;
  if (check && !check(value)) errs.push(typeInvalid(path, value, `${path} in body must be of type ${s.format}: ${JSON.stringify(value)}`));
}

function validateNumber(value: number, s: Schema, path: string, errs: FieldError[]): void {
  if (s.multipleOf !== undefined && s.multipleOf > 0 && Math.abs(value / s.multipleOf - Math.round(value / s.multipleOf)) > 1e-9) {
    errs.push(invalid(path, value, `${path} in body should be a multiple of ${s.multipleOf}`));
  }
  if (s.maximum !== undefined && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum)) {
    errs.push(invalid(path, value, `${path} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`));
  }
  if (s.minimum !== undefined && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum)) {
    errs.push(invalid(path, value, `${path} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`));
  }
}

function validateArray(value: unknown[], s: Schema, path: string, old: Old, errs: FieldError[]): void {
  const oldList = old.present && Array.isArray(old.value) ? old.value : undefined;
  value.forEach((item, i) => {
    errs.push(...validateValue(item, s.items, child(path, i), oldItem(s, item, oldList)));
  });
  if (s.minItems !== undefined && value.length < s.minItems) errs.push(invalid(path, value.length, `${path} in body should have at least ${s.minItems} items`));
  if (s.maxItems !== undefined && value.length > s.maxItems) errs.push(tooMany(path, value.length, s.maxItems));
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') {
    value.forEach((item, i) => {
      if (value.slice(0, i).some((prev) => deepEqual(prev, item))) errs.push(duplicate(child(path, i), item));
    });
  } else if (listType === 'map') {
    const keys = value.map((item) => mapListKey(s, item));
    keys.forEach((key, i) => {
      if (key && keys.slice(0, i).some((prev) => deepEqual(prev, key))) errs.push(duplicate(child(path, i), key));
    });
  }
}

/** The old element a new list element correlates with: only map-type lists correlate by key. */
export function oldItem(s: Schema, item: unknown, oldList: unknown[] | undefined): Old {
  if (!oldList) return NO_OLD;
  const key = mapListKey(s, item);
  if (!key) return NO_OLD;
  const found = oldList.find((o) => deepEqual(mapListKey(s, o), key));
  return found === undefined ? NO_OLD : { present: true, value: found };
}

function validateObject(value: Record<string, unknown>, s: Schema, path: string, old: Old, errs: FieldError[]): void {
  for (const key of s.required ?? []) {
    if (!Object.hasOwn(value, key)) errs.push(required(child(path, key)));
  }
  const n = Object.keys(value).length;
  if (s.minProperties !== undefined && n < s.minProperties) errs.push(invalid(path, n, `${path} in body should have at least ${s.minProperties} properties`));
  if (s.maxProperties !== undefined && n > s.maxProperties) errs.push(tooMany(path, n, s.maxProperties));
  const oldObj = old.present && isObj(old.value) ? old.value : undefined;
  for (const [key, v] of Object.entries(value)) {
    const sub = propertySchema(s, key);
    if (!sub) continue;
    const o: Old = oldObj && Object.hasOwn(oldObj, key) ? { present: true, value: oldObj[key] } : NO_OLD;
    errs.push(...validateValue(v, sub, child(path, key), o));
  }
}

function validateCombinators(value: unknown, s: Schema, path: string, errs: FieldError[]): void {
  for (const sub of s.allOf ?? []) errs.push(...validateValue(value, sub, path, NO_OLD));
  if (s.anyOf && !s.anyOf.some((sub) => validateValue(value, sub, path, NO_OLD).length === 0)) {
    errs.push(invalid(path, '', `${path} in body must validate at least one schema (anyOf)`));
  }
  if (s.oneOf) {
    const passing = s.oneOf.filter((sub) => validateValue(value, sub, path, NO_OLD).length === 0).length;
    if (passing !== 1) errs.push(invalid(path, '', `${path} in body must validate one and only one schema (oneOf). Found ${passing} valid alternatives`));
  }
  if (s.not && validateValue(value, s.not, path, NO_OLD).length === 0) {
    errs.push(invalid(path, '', `${path} in body must not validate the schema (not)`));
  }
}

/** Validates `value` against `s`; `path` is the field path ('' at the root). */
export function validateValue(value: unknown, s: Schema | undefined, path: string, old: Old = NO_OLD): FieldError[] {
  if (!s) return [];
  // Ratcheting: a value left unchanged by an update is not re-validated.
  if (old.present && deepEqual(value, old.value)) return [];
  const errs: FieldError[] = [];
  if (value === null) {
    if (s.nullable || !typeName(s)) return [];
    return [typeInvalid(path, 'null', `${path} in body must be of type ${typeName(s)}: "null"`)];
  }
  if (!typeMatches(s, value)) {
    const actual = jsonType(value);
    return [typeInvalid(path, actual, `${path} in body must be of type ${typeName(s)}: ${JSON.stringify(actual)}`)];
  }
  if (s.enum && !s.enum.some((e) => deepEqual(e, value))) errs.push(notSupported(path, value, s.enum.map(enumText)));
  if (typeof value === 'string') validateString(value, s, path, errs);
  else if (typeof value === 'number') validateNumber(value, s, path, errs);
  else if (Array.isArray(value)) validateArray(value, s, path, old, errs);
  else if (isObj(value)) validateObject(value, s, path, old, errs);
  validateCombinators(value, s, path, errs);
  return errs;
}
