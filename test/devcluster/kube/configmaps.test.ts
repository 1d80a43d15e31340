// core/v1 ConfigMaps in the emulator: CRUD and optimistic concurrency through client-node's typed
// API, the validation the real server applies (keys, data/binaryData overlap, immutability), and
// `kubectl create configmap`, which sends protobuf.

import { CoreV1Api } from '@kubernetes/client-node';
import { rejection, startEmulator } from './support.ts';
import type { Emulator, Json } from './support.ts';

let emu: Emulator;
let core: CoreV1Api;
const namespace = 'default';

beforeEach(async () => {
  emu = await startEmulator();
  core = emu.kc.makeApiClient(CoreV1Api);
});

afterEach(async () => {
  await emu.close();
});

test('create, read, replace with the resourceVersion, lose a stale replace with 409, delete', async () => {
  const created = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'state', labels: { app: 'x' } }, data: { frameworkId: 'f-1' }, binaryData: { raw: 'aGk=' } } });
  expect([created.data, created.binaryData, created.metadata?.generation]).toEqual([{ frameworkId: 'f-1' }, { raw: 'aGk=' }, undefined]);
  const read = await core.readNamespacedConfigMap({ namespace, name: 'state' });
  expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);

  const replaced = await core.replaceNamespacedConfigMap({ namespace, name: 'state', body: { ...read, data: { frameworkId: 'f-2' } } });
  expect(replaced.data).toEqual({ frameworkId: 'f-2' });
  const stale = await rejection(core.replaceNamespacedConfigMap({ namespace, name: 'state', body: { ...read, data: { frameworkId: 'f-3' } } }));
  expect([stale.httpCode, stale.reason]).toEqual([409, 'Conflict']);

  const listed = await core.listNamespacedConfigMap({ namespace, labelSelector: 'app=x' });
  expect(listed.items.map((c) => c.metadata?.name)).toEqual(['state']);
  await core.deleteNamespacedConfigMap({ namespace, name: 'state' });
  expect((await rejection(core.readNamespacedConfigMap({ namespace, name: 'state' }))).code).toBe(404);
});

test('invalid keys, a key in both maps and changes to an immutable ConfigMap are 422s', async () => {
  const badKey = await rejection(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'bad' }, data: { 'a b': '1' } } }));
  expect([badKey.code, badKey.reason]).toEqual([422, 'Invalid']);
  expect(badKey.message).toContain('data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters');
  const overlap = await rejection(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'dup' }, data: { k: '1' }, binaryData: { k: 'aGk=' } } }));
  expect(overlap.message).toContain('binaryData[k]: Invalid value: "k": duplicate of key present in data');

  const frozen = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'frozen' }, data: { k: '1' }, immutable: true } });
  const changed = await rejection(core.replaceNamespacedConfigMap({ namespace, name: 'frozen', body: { ...frozen, data: { k: '2' } } }));
  expect(changed.code).toBe(422);
  expect((changed.details as Json).causes).toEqual([{ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'data' }]);
});

test('kubectl creates ConfigMaps (a protobuf body) and lists them with a Data column', async () => {
  const made = await emu.kubectl(['create', 'configmap', 'state', '--from-literal=frameworkId=f-1', '--from-literal=role=spark']);
  expect(made.stdout.trim()).toBe('configmap/state created');
  expect(emu.server.requests().find((r) => r.verb === 'create')?.contentType).toBe('application/vnd.kubernetes.protobuf');
  const got = await core.readNamespacedConfigMap({ namespace, name: 'state' });
  expect(got.data).toEqual({ frameworkId: 'f-1', role: 'spark' });
  const table = await emu.kubectl(['get', 'configmaps']);
  expect(table.stdout).toMatch(/^NAME\s+DATA\s+AGE\nstate\s+2\s+\S+\n$/);
});
