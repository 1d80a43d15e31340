// Structural pruning and defaulting of custom resources (apiextensions' pruning.Prune and
// structuraldefaulting.Default): unknown fields are dropped and reported by path so the caller
// can honour fieldValidation; `default:` values fill in missing fields.

import { child } from '../field-errors.ts';
import { clone, isObj } from '../json.ts';
import type { Obj } from '../json.ts';
import { OBJECT_META_FIELDS, preservesUnknown, propertySchema } from './schema.ts';
import type { Schema } from './schema.ts';

const RESOURCE_ROOT_KEYS = new Set(['apiVersion', 'kind', 'metadata']);

function pruneMeta(metadata: unknown, path: string, unknown: string[]): void {
  if (!isObj(metadata)) return;
  for (const key of Object.keys(metadata)) {
    if (!OBJECT_META_FIELDS.has(key)) {
      unknown.push(child(path, key));
      delete metadata[key];
    }
  }
}

function pruneNode(value: unknown, s: Schema | undefined, path: string, isResource: boolean, unknown: string[]): void {
  if (Array.isArray(value)) {
    const items = s?.items;
    value.forEach((item, i) => pruneNode(item, items, child(path, i), false, unknown));
    return;
  }
  if (!isObj(value) || !s) return;
  const embedded = isResource || s['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(value)) {
    if (embedded && RESOURCE_ROOT_KEYS.has(key)) {
      if (key === 'metadata') pruneMeta(value[key], child(path, key), unknown);
      continue;
    }
    const sub = propertySchema(s, key);
    if (sub) {
      pruneNode(value[key], sub, child(path, key), false, unknown);
    } else if (!preservesUnknown(s)) {
      unknown.push(child(path, key));
      delete value[key];
    }
  }
}

/** Prunes `obj` in place against the version's schema; returns the paths of dropped fields. */
export function prune(obj: Obj, schema: Schema): string[] {
  const unknown: string[] = [];
  pruneNode(obj, schema, '', true, unknown);
  return unknown;
}

/** The properties of each schema node that have a default (most have none), found once. */
const defaultedProperties = new WeakMap<Schema, [string, Schema][]>();

function withDefaults(s: Schema): [string, Schema][] {
  let list = defaultedProperties.get(s);
  if (list === undefined) {
    list = Object.entries(s.properties ?? {}).filter(([, prop]) => prop.default !== undefined);
    defaultedProperties.set(s, list);
  }
  return list;
}

function defaultNode(value: unknown, s: Schema | undefined): void {
  if (!s) return;
  if (Array.isArray(value)) {
    for (const item of value) defaultNode(item, s.items);
    return;
  }
  if (!isObj(value)) return;
  for (const [key, prop] of withDefaults(s)) {
    const missing = !Object.hasOwn(value, key) || (value[key] === null && prop.nullable !== true);
    if (missing) value[key] = clone(prop.default);
  }
  for (const key of Object.keys(value)) defaultNode(value[key], propertySchema(s, key));
}

/** Applies `default:` values in place, top-down, as the apiserver does on every write. */
export function applyDefaults(obj: Obj, schema: Schema): void {
  defaultNode(obj, schema);
}
