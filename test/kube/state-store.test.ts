// The dispatcher-state ConfigMap against the emulator: a round trip of a few keys, and optimistic
// concurrency when another writer gets in between the read and the write (409 on replace,
// AlreadyExists on create): the store re-reads and re-applies, without losing the other's keys.

import { KubeApiError } from '../../src/kube/api-error.ts';
import { CONFIG_MAPS } from '../../src/kube/kube-client.ts';
import type { KubeClient } from '../../src/kube/kube-client.ts';
import { StateStore } from '../../src/kube/state-store.ts';
import type { ConfigMap } from '../../src/kube/state-store.ts';
import { intercepted, startHarness } from './kube-harness.ts';
import type { Harness } from './kube-harness.ts';

let h: Harness;
const REF = { ...CONFIG_MAPS, namespace: 'default', name: 'dispatcher-state' };

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.close();
});

const store = (client: KubeClient = h.client, maxAttempts?: number): StateStore =>
  new StateStore({ client, namespace: 'default', name: 'dispatcher-state', labels: { 'app.kubernetes.io/name': 'spark-mesos-dispatcher' }, ...(maxAttempts ? { maxAttempts } : {}) });

/** A client on which another writer changes the ConfigMap just before each of our first `n` writes. */
function racing(n: number, rival: (attempt: number) => Promise<unknown>): KubeClient {
  let done = 0;
  return intercepted(h.client, async (verb) => {
    if ((verb === 'create' || verb === 'replace') && done < n) {
      done += 1;
      await rival(done);
    }
  });
}

test('a round trip: absent reads as empty, keys are set, merged and removed', async () => {
  const s = store();
  expect(await s.read()).toEqual({});
  expect(await s.get('frameworkId')).toBeUndefined();
  expect(await s.set({ frameworkId: 'fw-1' })).toEqual({ frameworkId: 'fw-1' });
  await s.set({ leaderSince: '2026-01-01T00:00:00Z' });
  expect(await store().read()).toEqual({ frameworkId: 'fw-1', leaderSince: '2026-01-01T00:00:00Z' });
  await s.set({ leaderSince: null });
  expect(await s.get('frameworkId')).toBe('fw-1');
  const cm = await h.client.get<ConfigMap>(REF);
  expect([cm.data, cm.metadata?.labels]).toEqual([{ frameworkId: 'fw-1' }, { 'app.kubernetes.io/name': 'spark-mesos-dispatcher' }]);

  const rv = cm.metadata?.resourceVersion;
  await s.set({ frameworkId: 'fw-1' });
  expect((await h.client.get(REF)).metadata?.resourceVersion).toBe(rv);
});

test('a write that lost a race (409 Conflict) is re-applied on fresh data', async () => {
  await store().set({ frameworkId: 'fw-1' });
  const rival = async (attempt: number): Promise<void> => {
    const cm = await h.client.get<ConfigMap>(REF);
    await h.client.replace<ConfigMap>(REF, { ...cm, data: { ...cm.data, rival: String(attempt) } });
  };
  const s = store(racing(2, rival));
  expect(await s.set({ frameworkId: 'fw-2' })).toEqual({ frameworkId: 'fw-2', rival: '2' });
  const conflicts = h.server.requests().filter((r) => r.verb === 'update' && r.code === 409);
  expect(conflicts).toHaveLength(2);
});

test('compare-and-set: two stores racing to create the state both end up agreeing on the first frameworkId', async () => {
  const setOnce = (id: string) => (data: Readonly<Record<string, string>>): Record<string, string> | undefined =>
    data.frameworkId === undefined ? { ...data, frameworkId: id } : undefined;
  const s = store(racing(1, () => store().update(setOnce('fw-first'))));
  expect(await s.update(setOnce('fw-second'))).toEqual({ frameworkId: 'fw-first' });
  expect(h.server.requests().filter((r) => r.verb === 'create').map((r) => r.code)).toEqual([201, 409]);
});

test('it gives up after maxAttempts conflicts, and other failures surface at once', async () => {
  await store().set({ a: '1' });
  let n = 0;
  const rival = async (): Promise<void> => {
    const cm = await h.client.get<ConfigMap>(REF);
    n += 1;
    await h.client.replace<ConfigMap>(REF, { ...cm, data: { a: String(100 + n) } });
  };
  const err = await store(racing(10, rival), 3).set({ b: '2' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KubeApiError);
  expect((err as KubeApiError).isConflict).toBe(true);
  expect(n).toBe(3);

  h.server.faults.failNext({ resource: 'configmaps', verb: 'get', code: 403 });
  const forbidden = await store().read().catch((e: unknown) => e);
  expect((forbidden as KubeApiError).code).toBe(403);
});
