// The emulator's garbage collector (background deletion by owner uid): deleting an owner deletes
// what it alone owned, finalizers honoured; a dependent with another live owner only loses the
// reference; an object created for an owner that no longer exists is collected at once. Owners
// and dependents of different kinds, as a ScheduledSparkDriver owns SparkDrivers.

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

const ownedBy = (...owners: Json[]): Json[] =>
  owners.map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, uid: o.metadata.uid, controller: false }));

async function configMap(name: string, metadata: Json = {}): Promise<Json> {
  return await core.createNamespacedConfigMap({ namespace, body: { metadata: { name, ...metadata }, data: { a: '1' } } });
}

const exists = async (name: string): Promise<Json | undefined> => {
  try {
    return await core.readNamespacedConfigMap({ namespace, name });
  } catch {
    return undefined;
  }
};

test('deleting the owner deletes its dependents (finalizers honoured), and only strips the reference where another owner lives', async () => {
  const owner = await configMap('owner');
  const other = await configMap('other');
  await configMap('only-mine', { ownerReferences: ownedBy(owner) });
  await configMap('shared', { ownerReferences: ownedBy(owner, other) });
  await configMap('held', { ownerReferences: ownedBy(owner), finalizers: ['example.com/hold'] });
  await configMap('unrelated');

  await core.deleteNamespacedConfigMap({ namespace, name: 'owner' });
  expect(await exists('only-mine')).toBeUndefined();
  expect((await exists('shared'))?.metadata.ownerReferences).toEqual([expect.objectContaining({ uid: other.metadata.uid })]);
  const held = await exists('held');
  expect(held?.metadata.deletionTimestamp).toBeInstanceOf(Date);
  expect(await exists('unrelated')).toBeDefined();

  // Once the finalizer goes, so does the object; deleting the last owner collects the shared one.
  await core.patchNamespacedConfigMap({ namespace, name: 'held', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
  expect(await exists('held')).toBeUndefined();
  await core.deleteNamespacedConfigMap({ namespace, name: 'other' });
  expect(await exists('shared')).toBeUndefined();
});

test('an object created for an owner that is gone is collected at once', async () => {
  const owner = await configMap('owner');
  await core.deleteNamespacedConfigMap({ namespace, name: 'owner' });
  await configMap('late', { ownerReferences: ownedBy(owner) });
  expect(await exists('late')).toBeUndefined();
  expect((await rejection(core.readNamespacedConfigMap({ namespace, name: 'late' }))).code).toBe(404);
});
