// The structural OpenAPI v3 schema of a CRD version, as a typed view over the raw JSON the CRD
// carries, with the child lookups that pruning, defaulting, validation and CEL share.

import { isObj } from '../json.ts';

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export interface Schema {
  type?: string;
  format?: string;
  nullable?: boolean;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  uniqueItems?: boolean;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  not?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: ValidationRule[];
}

/** Views raw CRD JSON as a Schema (the CRD was checked on write). */
export function asSchema(value: unknown): Schema | undefined {
  return isObj(value) ? value : undefined;
}

export function preservesUnknown(s: Schema): boolean {
  return s['x-kubernetes-preserve-unknown-fields'] === true;
}

/** The schema of property `key` of an object node; undefined when the key is unknown. */
export function propertySchema(s: Schema, key: string): Schema | undefined {
  const p = s.properties?.[key];
  if (p) return p;
  const ap = s.additionalProperties;
  if (isObj(ap)) return ap;
  if (ap === true) return { 'x-kubernetes-preserve-unknown-fields': true };
  return undefined;
}

/** The type name used in messages ("integer", "string", …); int-or-string reads "integer,string". */
export function typeName(s: Schema): string {
  if (s['x-kubernetes-int-or-string']) return 'integer,string';
  return s.type ?? '';
}

/** A list with x-kubernetes-list-type=map: the key object of `item`. */
export function mapListKey(s: Schema, item: unknown): Record<string, unknown> | undefined {
  const keys = s['x-kubernetes-list-map-keys'];
  if (s['x-kubernetes-list-type'] !== 'map' || !keys || !isObj(item)) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = item[k] ?? s.items?.properties?.[k]?.default;
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** ObjectMeta fields a CR's metadata may carry; everything else is pruned. */
export const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation',
  'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations',
  'ownerReferences', 'finalizers', 'managedFields',
]);
