// The KubeClient port over client-node's KubeConfig against the emulator: CRUD of custom objects
// and ConfigMaps, pagination and selectors, merge patches with explicit content types, status
// writes with a resourceVersion precondition, and how failures surface as KubeApiError.

import { KubeApiError, isRetryable } from '../../src/kube/api-error.ts';
import { CONFIG_MAPS, collectionPath, createKubeClient } from '../../src/kube/kube-client.ts';
import type { KubeObject, WatchEvent } from '../../src/kube/kube-client.ts';
import { EventLog, waitFor } from '../support/wait.ts';
import { WIDGETS, createWidget, ref, startHarness } from './kube-harness.ts';
import type { Harness, Widget } from './kube-harness.ts';

let h: Harness;

beforeEach(async () => {
  h = await startHarness({ namespaces: ['team-a'] });
});

afterEach(async () => {
  await h.close();
});

async function failure(p: Promise<unknown>): Promise<KubeApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KubeApiError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

test('custom objects: create, get, list with a label selector and pages, replace, delete', async () => {
  for (const name of ['a', 'b', 'c', 'd', 'e']) await createWidget(h, name, { labels: { tier: name < 'c' ? 'front' : 'back' } });
  await createWidget(h, 'z', { namespace: 'team-a' });
  const a = await h.client.get<Widget>(ref('a'));
  expect([a.metadata?.name, a.spec?.size, a.metadata?.generation]).toEqual(['a', 1, 1]);

  const front = await h.client.list<Widget>(WIDGETS, { namespace: 'default', labelSelector: 'tier=front' });
  expect(front.items.map((w) => w.metadata?.name)).toEqual(['a', 'b']);
  const first = await h.client.list(WIDGETS, { limit: 4 });
  expect(first.items).toHaveLength(4);
  expect(first.continue).toEqual(expect.any(String));
  const rest = await h.client.list(WIDGETS, { limit: 4, continue: first.continue as string });
  expect([...first.items, ...rest.items].map((w) => `${w.metadata?.namespace}/${w.metadata?.name}`).sort())
    .toEqual(['default/a', 'default/b', 'default/c', 'default/d', 'default/e', 'team-a/z']);
  expect(rest.continue).toBeUndefined();
  expect(rest.resourceVersion).toBe(first.resourceVersion);

  const replaced = await h.client.replace<Widget>(ref('a'), { ...a, spec: { color: 'blue', size: 2 } });
  expect(replaced.metadata?.generation).toBe(2);
  const stale = await failure(h.client.replace<Widget>(ref('a'), { ...a, spec: { color: 'green' } }));
  expect([stale.code, stale.reason, stale.isConflict, isRetryable(stale)]).toEqual([409, 'Conflict', true, true]);

  await h.client.delete(ref('a'));
  const missing = await failure(h.client.get(ref('a')));
  expect([missing.code, missing.reason, missing.isNotFound, isRetryable(missing)]).toEqual([404, 'NotFound', true, false]);
  const dup = await failure(createWidget(h, 'b'));
  expect([dup.isAlreadyExists, dup.isConflict, isRetryable(dup)]).toEqual([true, false, false]);
});

test('patchStatus is a merge patch on /status; a stale resourceVersion makes it a 409', async () => {
  const created = await createWidget(h, 'w');
  const rv = created.metadata?.resourceVersion as string;
  const patched = await h.client.patchStatus<Widget>(ref('w'), { status: { phase: 'Running' } }, { resourceVersion: rv });
  expect(patched.status).toEqual({ phase: 'Running' });
  expect(patched.spec?.color).toBe('red');

  const stale = await failure(h.client.patchStatus(ref('w'), { status: { phase: 'Failed' } }, { resourceVersion: rv }));
  expect([stale.code, stale.reason, stale.isConflict]).toEqual([409, 'Conflict', true]);
  expect(stale.message).toContain('the object has been modified');
  expect((await h.client.get<Widget>(ref('w'))).status?.phase).toBe('Running');

  const patches = h.server.requests().filter((r) => r.verb === 'patch');
  expect(patches.map((r) => [r.subresource, r.contentType, r.code])).toEqual([
    ['status', 'application/merge-patch+json', 200], ['status', 'application/merge-patch+json', 409],
  ]);
});

test('patchMerge edits finalizers and annotations; delete honours them and preconditions', async () => {
  const created = await createWidget(h, 'w');
  const held = await h.client.patchMerge<Widget>(ref('w'), { metadata: { finalizers: ['demo.example.com/hold'], annotations: { note: 'x' } } });
  expect([held.metadata?.finalizers, held.metadata?.annotations]).toEqual([['demo.example.com/hold'], { note: 'x' }]);
  expect(h.server.requests().find((r) => r.verb === 'patch')?.contentType).toBe('application/merge-patch+json');

  const wrongUid = await failure(h.client.delete(ref('w'), { preconditions: { uid: 'not-it' } }));
  expect(wrongUid.code).toBe(409);
  await h.client.delete(ref('w'), { preconditions: { uid: created.metadata?.uid as string } });
  const terminating = await h.client.get<Widget>(ref('w'));
  expect(terminating.metadata?.deletionTimestamp).toEqual(expect.any(String));
  await h.client.patchMerge(ref('w'), { metadata: { finalizers: null } }, { resourceVersion: terminating.metadata?.resourceVersion as string });
  expect((await failure(h.client.get(ref('w')))).isNotFound).toBe(true);
});

test('ConfigMaps are served through the same verbs under /api/v1', async () => {
  const cm = { ...CONFIG_MAPS, namespace: 'team-a', name: 'state' };
  await h.client.create(CONFIG_MAPS, 'team-a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'state' }, data: { a: '1' } } as KubeObject);
  const read = await h.client.get<KubeObject & { data?: Record<string, string> }>(cm);
  expect(read.data).toEqual({ a: '1' });
  expect(h.server.requests().map((r) => r.path)).toEqual(['/api/v1/namespaces/team-a/configmaps', '/api/v1/namespaces/team-a/configmaps/state']);
  const invalid = await failure(h.client.create(CONFIG_MAPS, 'team-a', { metadata: { name: 'bad' }, data: { 'a b': '1' } } as KubeObject));
  expect([invalid.code, invalid.reason, invalid.status?.details?.causes?.[0]?.field]).toEqual([422, 'Invalid', 'data[a b]']);
});

test('Retry-After and transport failures: 503 carries its hint, a dead server is code 0, a slow one times out on the Clock', async () => {
  h.server.faults.failNext({ code: 503, verb: 'get' });
  const busy = await failure(h.client.get(ref('w')));
  expect([busy.code, busy.retryAfterMs, isRetryable(busy)]).toEqual([503, 1000, true]);

  h.server.faults.setLatency(60_000, { verb: 'list' });
  const slow = h.client.list(WIDGETS);
  await waitFor(() => h.clock.pending >= 2, 'the parked request and its timeout');
  h.clock.advance(30_000);
  const timedOut = await failure(slow);
  expect([timedOut.code, timedOut.reason, isRetryable(timedOut)]).toEqual([0, 'Timeout', true]);
  h.server.faults.clear();

  const dead = createKubeClient({ kubeConfig: h.kubeConfig, clock: h.clock });
  await h.close();
  const refused = await failure(dead.get(ref('w')));
  expect([refused.code, refused.reason, isRetryable(refused)]).toEqual([0, 'NetworkError', true]);
  h = await startHarness();
});

test('watch streams events from a resourceVersion; an ERROR 410 ends it with isGone', async () => {
  const a = await createWidget(h, 'a');
  const events = new EventLog<WatchEvent>();
  let ended: KubeApiError | undefined | 'open' = 'open';
  const abort = h.client.watch(collectionPath(WIDGETS, 'default'), { resourceVersion: a.metadata?.resourceVersion as string, allowWatchBookmarks: true }, events.push, (err) => { ended = err; });
  await waitFor(() => h.server.openWatches() === 1, 'the watch');
  await createWidget(h, 'b');
  await h.client.delete(ref('a'));
  h.server.sendBookmarks();
  await events.take((e) => e.type === 'BOOKMARK', 'the bookmark');
  expect(events.all.map((e) => [e.type, e.object.metadata?.name])).toEqual([['ADDED', 'b'], ['DELETED', 'a'], ['BOOKMARK', undefined]]);
  abort();
  await waitFor(() => h.server.openWatches() === 0, 'the aborted watch to close');
  expect(ended).toBe('open');

  h.server.compactHistory();
  const gone = await new Promise<KubeApiError | undefined>((resolve) => {
    h.client.watch(collectionPath(WIDGETS), { resourceVersion: a.metadata?.resourceVersion as string }, () => undefined, resolve);
  });
  expect([gone?.code, gone?.reason, gone?.isGone]).toEqual([410, 'Expired', true]);
});
