// Structural schema handling without a server: pruning, defaulting, OpenAPI validation messages,
// ratcheting, list types and CEL rules (transition rules, reasons, messageExpression, K8s library).

import { errorString } from '../../../src/devcluster/kube/field-errors.ts';
import { compileError, validateRules } from '../../../src/devcluster/kube/schema/cel.ts';
import { applyDefaults, prune } from '../../../src/devcluster/kube/schema/prune.ts';
import type { Schema } from '../../../src/devcluster/kube/schema/schema.ts';
import { validateValue } from '../../../src/devcluster/kube/schema/validate.ts';

const schema: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer', default: 1, minimum: 0, exclusiveMaximum: true, maximum: 5 },
        ratio: { type: 'number', multipleOf: 0.5 },
        port: { 'x-kubernetes-int-or-string': true },
        name: { type: 'string', minLength: 2, pattern: '^[a-z]+$' },
        when: { type: 'string', format: 'date-time' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        items: {
          type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['key'],
          items: { type: 'object', properties: { key: { type: 'string' }, value: { type: 'integer', default: 0 } } },
        },
        set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        nested: { type: 'object', default: {}, properties: { mode: { type: 'string', default: 'auto' } } },
      },
    },
  },
};

const messages = (value: unknown, old?: unknown): string[] =>
  validateValue(value, schema, '', old === undefined ? { present: false } : { present: true, value: old }).map(errorString);

test('pruning drops unknown fields (reporting their paths) but keeps preserved and embedded ones', () => {
  const obj = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a', bogus: 1 }, spec: { name: 'ab', colour: 'x', free: { any: { thing: 1 } }, items: [{ key: 'k', extra: true }] }, top: 1 };
  expect(prune(obj, schema)).toEqual(['metadata.bogus', 'spec.colour', 'spec.items[0].extra', 'top']);
  expect(obj).toEqual({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec: { name: 'ab', free: { any: { thing: 1 } }, items: [{ key: 'k' }] } });
});

test('defaults fill missing fields top-down, including inside list items and defaulted objects', () => {
  const obj = { spec: { items: [{ key: 'a' }, { key: 'b', value: 3 }] } };
  applyDefaults(obj, schema);
  expect(obj.spec).toEqual({ replicas: 1, items: [{ key: 'a', value: 0 }, { key: 'b', value: 3 }], nested: { mode: 'auto' } });
});

test('validation messages follow kube-openapi', () => {
  expect(messages({ spec: { replicas: 5, ratio: 0.3, port: true, name: 'A', when: 'yesterday', labels: { a: 1 } } })).toEqual([
    'spec.replicas: Invalid value: 5: spec.replicas in body should be less than 5',
    'spec.ratio: Invalid value: 0.3: spec.ratio in body should be a multiple of 0.5',
    'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
    'spec.name: Invalid value: "A": spec.name in body should be at least 2 chars long',
    'spec.name: Invalid value: "A": spec.name in body should match \'^[a-z]+$\'',
    'spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"',
    'spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"',
  ]);
  expect(messages({ spec: { replicas: -1, items: [{ key: 'a' }, { key: 'a' }], set: ['x', 'x'], name: null } })).toEqual([
    'spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
    'spec.items[1]: Duplicate value: {"key":"a"}',
    'spec.set[1]: Duplicate value: "x"',
    'spec.name: Invalid value: "null": spec.name in body must be of type string: "null"',
  ]);
  expect(messages({ spec: { port: 'http', ratio: 2, replicas: 2.0 } })).toEqual([]);
});

test('ratcheting: an unchanged invalid value passes an update, a changed one does not', () => {
  const old = { spec: { replicas: 9, name: 'ok' } };
  expect(messages({ spec: { replicas: 9, name: 'fine' } }, old)).toEqual([]);
  expect(messages({ spec: { replicas: 8, name: 'ok' } }, old)).toEqual(['spec.replicas: Invalid value: 8: spec.replicas in body should be less than 5']);
});

const celSchema = (rules: NonNullable<Schema['x-kubernetes-validations']>, extra: Partial<Schema> = {}): Schema => ({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-validations': rules,
      properties: {
        a: { type: 'integer' }, b: { type: 'integer' }, s: { type: 'string' },
        list: {
          type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' }, v: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'v is immutable' }] } } },
        },
      },
      ...extra,
    },
  },
});

const cel = (s: Schema, obj: unknown, old?: unknown): string[] =>
  validateRules(obj, s, old === undefined ? { present: false } : { present: true, value: old }).map(errorString);

test('CEL rules: messages, reasons, fieldPath, messageExpression and evaluation errors', () => {
  expect(cel(celSchema([{ rule: 'self.a <= self.b' }]), { spec: { a: 2, b: 1 } })).toEqual(['spec: Invalid value: "object": failed rule: self.a <= self.b']);
  expect(cel(celSchema([{ rule: 'self.a <= self.b', reason: 'FieldValueForbidden', fieldPath: '.a', message: 'a too big' }]), { spec: { a: 2, b: 1 } }))
    .toEqual(['spec.a: Forbidden: a too big']);
  expect(cel(celSchema([{ rule: 'self.a <= self.b', messageExpression: '"a is " + string(self.a)' }]), { spec: { a: 2, b: 1 } }))
    .toEqual(['spec: Invalid value: "object": a is 2']);
  expect(cel(celSchema([{ rule: 'self.c > 0' }]), { spec: { a: 1 } })).toEqual(['spec: Invalid value: "object": no such key: c evaluating rule: self.c > 0']);
  expect(cel(celSchema([{ rule: 'self.s.startsWith("x") && self.s.charAt(1) == "y" && [3, 1].sum() == 4 && self.s.replace("x", "z") == "zyz"' }]), { spec: { s: 'xyx' } })).toEqual([]);
  expect(compileError('self.a >')).toMatch(/^compilation failed: ERROR: <input>: /);
  expect(compileError('has(self.a) && self.a.all(x, x > 0)')).toBeUndefined();
});

test('CEL transition rules run on update only, where the old value correlates (fields and map-list keys)', () => {
  const s = celSchema([{ rule: 'self.a == oldSelf.a', message: 'a is immutable' }]);
  expect(cel(s, { spec: { a: 1 } })).toEqual([]);
  expect(cel(s, { spec: { a: 2 } }, { spec: { a: 1 } })).toEqual(['spec: Invalid value: "object": a is immutable']);
  expect(cel(s, { spec: { a: 1, b: 5 } }, { spec: { a: 1 } })).toEqual([]);
  const list = { spec: { list: [{ name: 'x', v: 'new' }, { name: 'y', v: 'any' }] } };
  expect(cel(celSchema([]), list, { spec: { list: [{ name: 'x', v: 'old' }] } })).toEqual(['spec.list[0].v: Invalid value: "string": v is immutable']);
});
