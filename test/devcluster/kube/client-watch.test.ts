// client-node Watch and ListWatch (informer) against the emulator: resumption from a
// resourceVersion, bookmarks, 410 Gone for compacted versions, relists after a forced 410 and
// silent reconnects after a dropped watch.

import { CustomObjectsApi, ListWatch, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { EventLog, waitFor } from '../../support/wait.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { WIDGETS, fixture, startEmulator, widget } from './support.ts';
import type { Emulator, Json } from './support.ts';

const PATH = '/apis/demo.example.com/v1/namespaces/default/widgets';
const ns = { ...WIDGETS, namespace: 'default' };

interface Seen { type: string; name: string; rv: string; object: Json }

let emu: Emulator;
let api: CustomObjectsApi;
let clock: FakeClock;
const aborts: AbortController[] = [];

beforeEach(async () => {
  clock = new FakeClock();
  emu = await startEmulator({ clock, crds: [await fixture('widget-crd.yaml')] });
  api = emu.kc.makeApiClient(CustomObjectsApi);
});

afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await emu.close();
});

async function watch(query: Record<string, string | boolean>, log: EventLog<Seen>, onDone?: (err: unknown) => void): Promise<void> {
  const w = new Watch(emu.kc);
  aborts.push(await w.watch(PATH, query, (type, obj: Json) => {
    log.push({ type, name: (obj.metadata?.name as string | undefined) ?? '', rv: (obj.metadata?.resourceVersion as string | undefined) ?? '', object: obj });
  }, (err) => onDone?.(err)));
}

const create = async (name: string): Promise<Json> => api.createNamespacedCustomObject({ ...ns, body: widget(name) }) as Promise<Json>;

test('a watch from a resourceVersion replays later events in order, then streams live ones', async () => {
  const a = await create('a');
  await api.patchNamespacedCustomObject({ ...ns, name: 'a', body: { spec: { size: 2 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  const log = new EventLog<Seen>();
  // Resolving at all proves the headers were flushed before any event was due.
  await watch({ resourceVersion: a.metadata.resourceVersion as string }, log);
  const modified = await log.take((e) => e.type === 'MODIFIED', 'the replayed MODIFIED');
  expect([modified.name, modified.object.spec.size]).toEqual(['a', 2]);
  await create('b');
  await api.deleteNamespacedCustomObject({ ...ns, name: 'a' });
  await log.take((e) => e.type === 'DELETED', 'the DELETED event');
  expect(log.all.map((e) => [e.type, e.name])).toEqual([['MODIFIED', 'a'], ['ADDED', 'b'], ['DELETED', 'a']]);
  const rvs = log.all.map((e) => Number(e.rv));
  expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
});

test('a watch from resourceVersion 0 starts with synthetic ADDED events; field selectors filter', async () => {
  await create('a');
  await create('b');
  const log = new EventLog<Seen>();
  await watch({ resourceVersion: '0', fieldSelector: 'metadata.name=b' }, log);
  await log.take((e) => e.type === 'ADDED' && e.name === 'b', 'the initial ADDED for b');
  await api.deleteNamespacedCustomObject({ ...ns, name: 'a' });
  await api.deleteNamespacedCustomObject({ ...ns, name: 'b' });
  await log.take((e) => e.type === 'DELETED', 'the DELETED for b');
  expect(log.all.map((e) => [e.type, e.name])).toEqual([['ADDED', 'b'], ['DELETED', 'b']]);
});

test('bookmarks: only when asked for, periodically on the server clock and on demand', async () => {
  await create('a');
  const withBookmarks = new EventLog<Seen>();
  const without = new EventLog<Seen>();
  await watch({ resourceVersion: emu.server.resourceVersion(), allowWatchBookmarks: true }, withBookmarks);
  await watch({ resourceVersion: emu.server.resourceVersion() }, without);
  clock.advance(60_000);
  const periodic = await withBookmarks.take((e) => e.type === 'BOOKMARK', 'a periodic bookmark');
  expect(periodic.object).toEqual({ kind: 'Widget', apiVersion: 'demo.example.com/v1', metadata: { resourceVersion: emu.server.resourceVersion(), creationTimestamp: null } });
  await create('b');
  expect(emu.server.sendBookmarks()).toBe(1);
  const onDemand = await withBookmarks.take((e) => e.type === 'BOOKMARK', 'an on-demand bookmark');
  expect(onDemand.rv).toBe(emu.server.resourceVersion());
  await without.take((e) => e.type === 'ADDED', 'the ADDED on the plain watch');
  expect(without.all.map((e) => e.type)).toEqual(['ADDED']);
});

test('sendInitialEvents ends the initial ADDED events with an annotated bookmark', async () => {
  await create('a');
  const log = new EventLog<Seen>();
  await watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true }, log);
  const end = await log.take((e) => e.type === 'BOOKMARK', 'the initial-events-end bookmark');
  expect(end.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  expect(log.all.map((e) => [e.type, e.name])).toEqual([['ADDED', 'a'], ['BOOKMARK', '']]);
});

test('a compacted resourceVersion answers one ERROR 410 Expired event and ends the stream', async () => {
  const a = await create('a');
  await create('b');
  emu.server.compactHistory();
  const log = new EventLog<Seen>();
  let done: unknown = 'not yet';
  await watch({ resourceVersion: a.metadata.resourceVersion as string }, log, (err) => { done = err; });
  const error = await log.take((e) => e.type === 'ERROR', 'the ERROR event');
  expect(error.object).toEqual({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410,
    message: `too old resource version: ${a.metadata.resourceVersion as string} (${Number(emu.server.resourceVersion()) + 1})`,
  });
  await waitFor(() => done !== 'not yet', 'the end of the stream');
  expect(done).toBeNull();

  const exact = await fetch(`${emu.server.url}${PATH}?resourceVersion=${a.metadata.resourceVersion as string}&resourceVersionMatch=Exact`);
  expect(exact.status).toBe(410);
  expect(((await exact.json()) as Json).reason).toBe('Expired');
});

function informer(): { lw: ListWatch<KubernetesObject>; events: EventLog<[string, string]> } {
  const events = new EventLog<[string, string]>();
  const listFn = async (): Promise<{ items: KubernetesObject[]; metadata?: Json }> =>
    await api.listNamespacedCustomObject(ns) as { items: KubernetesObject[]; metadata?: Json };
  // An immediate delayFn: the client's reconnect back-off would otherwise sleep in real time.
  const lw = new ListWatch<KubernetesObject>(PATH, new Watch(emu.kc), listFn, false, undefined, undefined, { delayFn: async () => {} });
  for (const verb of ['add', 'update', 'delete'] as const) lw.on(verb, (o) => events.push([verb, o.metadata?.name ?? '']));
  return { lw, events };
}

test('an informer relists after a forced 410 and reports what changed while its watch was down', async () => {
  await create('a');
  await create('b');
  const { lw, events } = informer();
  await lw.start();
  await events.take((e) => e[1] === 'b', 'the initial add of b');
  await waitFor(() => emu.server.openWatches() === 1, 'the informer watch');

  // Park the informer's next watch on the fake clock, change things, then let it meet a 410.
  emu.server.faults.setLatency(1_000, { verb: 'watch' });
  emu.server.faults.expireNextWatch({ resource: 'widgets' });
  const listsBefore = emu.server.requests().filter((r) => r.verb === 'list').length;
  expect(emu.server.dropWatches()).toBe(1);
  await waitFor(() => clock.pending > 0, 'the parked re-watch');
  await api.deleteNamespacedCustomObject({ ...ns, name: 'b' });
  await create('c');
  emu.server.faults.setLatency(0, { verb: 'watch' });
  clock.advance(1_000);

  await events.take((e) => e[0] === 'add' && e[1] === 'c', 'the add of c after the relist');
  expect(events.all).toEqual(expect.arrayContaining([['delete', 'b']]));
  expect(emu.server.requests().filter((r) => r.verb === 'list').length).toBe(listsBefore + 1);
  expect(lw.list().map((o) => o.metadata?.name).sort()).toEqual(['a', 'c']);
  await lw.stop();
});

test('a cleanly dropped watch is resumed from the last resourceVersion without a relist', async () => {
  await create('a');
  const { lw, events } = informer();
  await lw.start();
  await events.take((e) => e[1] === 'a', 'the initial add');
  await waitFor(() => emu.server.openWatches() === 1, 'the informer watch');
  const lastRv = lw.latestResourceVersion();
  emu.server.dropWatches();
  await waitFor(() => emu.server.requests().filter((r) => r.verb === 'watch').length === 2, 'the re-watch');
  const [, rewatch] = emu.server.requests().filter((r) => r.verb === 'watch');
  expect(rewatch?.query.resourceVersion).toBe(lastRv);
  expect(emu.server.requests().filter((r) => r.verb === 'list')).toHaveLength(1);
  await create('b');
  await events.take((e) => e[0] === 'add' && e[1] === 'b', 'the add of b over the resumed watch');
  await lw.stop();
});
