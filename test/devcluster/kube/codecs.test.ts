// The emulator's pure pieces: patch algorithms, selectors, the printer-column JSONPath subset,
// Kubernetes time formats, the protobuf envelope decoder and Status message formatting.

import { errorBody, invalid as fieldInvalid, notSupported, tooLong } from '../../../src/devcluster/kube/field-errors.ts';
import { evaluateJsonPath, goFormat, parseJsonPath } from '../../../src/devcluster/kube/jsonpath.ts';
import { applyJsonPatch } from '../../../src/devcluster/kube/patch/json-patch.ts';
import type { JsonPatchError } from '../../../src/devcluster/kube/patch/json-patch.ts';
import { mergePatch, strategicMerge } from '../../../src/devcluster/kube/patch/merge-patch.ts';
import { decodeProtobufObject } from '../../../src/devcluster/kube/protobuf.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../../src/devcluster/kube/selectors.ts';
import { invalid } from '../../../src/devcluster/kube/status.ts';
import { humanDuration, microTime, microTimeError, rfc3339 } from '../../../src/devcluster/kube/time.ts';

test('JSON merge patch (RFC 7386)', () => {
  expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3], n: null })).toEqual({ a: 1, b: { d: 3, e: 4 }, l: [3] });
});

test('JSON patch (RFC 6902) with the errors the apiserver returns', () => {
  const doc = { spec: { list: ['a', 'c'], m: { 'x/y': 1 } } };
  expect(applyJsonPatch(doc, [
    { op: 'add', path: '/spec/list/1', value: 'b' },
    { op: 'copy', from: '/spec/list/0', path: '/spec/first' },
    { op: 'move', from: '/spec/m/x~1y', path: '/spec/moved' },
    { op: 'remove', path: '/spec/list/2' },
    { op: 'test', path: '/spec/first', value: 'a' },
  ])).toEqual({ spec: { list: ['a', 'b'], m: {}, first: 'a', moved: 1 } });
  expect(doc.spec.list).toEqual(['a', 'c']);
  const fail = (ops: unknown): JsonPatchError => {
    try {
      applyJsonPatch(doc, ops);
    } catch (err) {
      return err as JsonPatchError;
    }
    throw new Error('expected a failure');
  };
  expect([fail([{ op: 'remove', path: '/spec/nope' }]).message, fail([{ op: 'remove', path: '/spec/nope' }]).code]).toEqual(['Unable to remove nonexistent key: nope: missing value', 422]);
  expect(fail([{ op: 'replace', path: '/spec/nope', value: 1 }]).message).toBe('replace operation does not apply: doc is missing key: /spec/nope: missing value');
  expect(fail([{ op: 'add', path: '/a/b/c', value: 1 }]).message).toBe('add operation does not apply: doc is missing path: "/a/b/c": missing value');
  expect(fail({ op: 'add' }).code).toBe(400);
});

test('strategic merge patch: finalizers as a set with kubectl apply directives', () => {
  const current = { metadata: { finalizers: ['a.example/one', 'b.example/two'], labels: { x: '1' } }, spec: { finalizers: ['kubernetes'] } };
  const patch = { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/one'], '$setElementOrder/finalizers': ['b.example/two', 'c.example/three'], finalizers: ['c.example/three'], labels: { y: '2' } } };
  expect(strategicMerge(current, patch)).toEqual({ metadata: { finalizers: ['b.example/two', 'c.example/three'], labels: { x: '1', y: '2' } }, spec: { finalizers: ['kubernetes'] } });
  expect(strategicMerge({ a: { b: 1, c: 2 } }, { a: { $patch: 'replace', d: 3 } })).toEqual({ a: { d: 3 } });
  expect(strategicMerge({ a: { b: 1 }, k: 1 }, { a: { $patch: 'delete' }, $retainKeys: ['a', 'k'] })).toEqual({ k: 1 });
});

test('label and field selectors', () => {
  const labels = { app: 'web', tier: 'front', n: '7' };
  const ok = (s: string): boolean => matchesLabels(parseLabelSelector(s), labels);
  expect(['app=web', 'app==web', 'app!=db', 'tier', '!missing', 'app in (web, db)', 'tier notin (back)', 'n>5', 'n<8', 'app=web,tier=front', ''].every(ok)).toBe(true);
  expect(['app=db', 'missing', '!app', 'app notin (web)', 'n>7', 'app=web,tier=back'].some(ok)).toBe(false);
  expect(() => parseLabelSelector('a b c')).toThrow(/unable to parse requirement/);
  const fields = parseFieldSelector('metadata.name=a\\,b,metadata.namespace!=x', new Set(['metadata.name', 'metadata.namespace']));
  expect(matchesFields(fields, { 'metadata.name': 'a,b', 'metadata.namespace': 'y' })).toBe(true);
  expect(() => parseFieldSelector('spec.x=1', new Set(['metadata.name']))).toThrow('field label not supported: spec.x');
});

test('printer-column JSONPath subset and Go value printing', () => {
  const obj = { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Done', status: 'False' }], list: [1, 2] }, metadata: { annotations: { 'a.b/c': 'x' } } };
  const at = (p: string): unknown[] => evaluateJsonPath(parseJsonPath(p), obj);
  expect(at('.status.conditions[?(@.type=="Done")].status')).toEqual(['False']);
  expect(at(".status.conditions[?(@.type=='Ready')].status")).toEqual(['True']);
  expect(at('.status.list[1]')).toEqual([2]);
  expect(at('.status.list[*]')).toEqual([1, 2]);
  expect(at('.metadata.annotations.a\\.b/c')).toEqual(['x']);
  expect(at(".metadata.annotations['a.b/c']")).toEqual(['x']);
  expect(at('.status.missing')).toEqual([]);
  expect(goFormat({ b: [1, 'x'], a: true })).toBe('map[a:true b:[1 x]]');
});

test('Kubernetes time formats and HumanDuration', () => {
  expect(rfc3339(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05Z');
  expect(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05.678000Z');
  expect(microTimeError('2026-01-02T03:04:05.678000Z')).toBeUndefined();
  expect(microTimeError('2026-01-02T03:04:05Z')).toMatch(/cannot parse "Z" as ".000000"$/);
  expect(microTimeError('2026-01-02T03:04:05.123456789Z')).toMatch(/cannot parse "789Z" as "Z07:00"$/);
  const s = 1000;
  expect([0, 119, 120, 330, 600, 3 * 3600, 5 * 3600 + 60 * 7, 30 * 3600, 52 * 3600, 400 * 86400, 800 * 86400, 3000 * 86400].map((n) => humanDuration(n * s)))
    .toEqual(['0s', '119s', '2m', '5m30s', '10m', '3h', '5h7m', '30h', '2d4h', '400d', '2y70d', '8y']);
});

test('the protobuf envelope of kubectl create namespace / secret decodes to JSON', () => {
  const bytes = (s: string): number[] => [...Buffer.from(s)];
  const field = (no: number, payload: number[]): number[] => [(no << 3) | 2, payload.length, ...payload];
  const entry = (k: string, v: string): number[] => [...field(1, bytes(k)), ...field(2, bytes(v))];
  const typeMeta = (kind: string): number[] => [...field(1, bytes('v1')), ...field(2, bytes(kind))];
  const metaBytes = [...field(1, bytes('team-a')), ...field(11, entry('env', 'dev'))];
  const ns = Buffer.from([0x6b, 0x38, 0x73, 0x00, ...field(1, typeMeta('Namespace')), ...field(2, field(1, metaBytes))]);
  expect(decodeProtobufObject(ns)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { env: 'dev' } } });
  const secretRaw = [...field(1, field(1, bytes('s'))), ...field(2, entry('k', 'hi')), ...field(3, bytes('Opaque'))];
  const secret = Buffer.from([0x6b, 0x38, 0x73, 0x00, ...field(1, typeMeta('Secret')), ...field(2, secretRaw)]);
  expect(decodeProtobufObject(secret)).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: Buffer.from('hi').toString('base64') }, type: 'Opaque' });
  expect(() => decodeProtobufObject(Buffer.from('{}'))).toThrow(/envelope/);
});

test('field errors and Invalid Status messages', () => {
  expect(errorBody(notSupported('spec.x', 'pink', ['red', 'blue']))).toBe('Unsupported value: "pink": supported values: "red", "blue"');
  expect(errorBody(tooLong('spec.x', 1))).toBe('Too long: may not be more than 1 byte');
  expect(errorBody(fieldInvalid('spec.x', { a: 1 }, 'bad'))).toBe('Invalid value: {"a":1}: bad');
  const err = invalid({ group: '', kind: 'Pod' }, 'p', [fieldInvalid('spec.a', 1, 'x'), fieldInvalid('spec.a', 1, 'x'), fieldInvalid('spec.b', true, 'y')]);
  expect(err.status.message).toBe('Pod "p" is invalid: [spec.a: Invalid value: 1: x, spec.b: Invalid value: true: y]');
  expect(err.status.details).toEqual(expect.objectContaining({ name: 'p', kind: 'Pod' }));
});
