// The informer against the emulator: it sees adds, updates and deletes; after a dropped watch, a
// forced 410 or a compacted history it relists or resumes without missing anything done while it
// was not watching; the watchdog restarts a silent watch; it watches a list of namespaces.

import { Informer } from '../../src/kube/informer.ts';
import type { InformerOptions } from '../../src/kube/informer.ts';
import type { KubeClient } from '../../src/kube/kube-client.ts';
import { EventLog, waitFor } from '../support/wait.ts';
import { WIDGETS, advanceUntil, createWidget, recordingLogger, ref, startHarness, withOverrides } from './kube-harness.ts';
import type { Harness, Widget } from './kube-harness.ts';

let h: Harness;
let informer: Informer<Widget> | undefined;

beforeEach(async () => {
  h = await startHarness({ namespaces: ['team-a', 'team-b'], bookmarkIntervalMs: 0 });
});

afterEach(async () => {
  informer?.stop();
  informer = undefined;
  await h.close();
});

type Change = [key: string, color: string | undefined];

function start(options: Partial<InformerOptions> = {}): { inf: Informer<Widget>; changes: EventLog<Change> } {
  const inf = new Informer<Widget>({
    client: h.client, resource: WIDGETS, clock: h.clock, random: () => 0.5,
    backoff: { initialMs: 100, maxMs: 1_000 }, silenceTimeoutMs: 0, watchTimeoutSeconds: 3_600, ...options,
  });
  const changes = new EventLog<Change>();
  inf.onChange((key, obj) => changes.push([key, obj?.spec?.color]));
  informer = inf;
  inf.start();
  return { inf, changes };
}

const names = (inf: Informer<Widget>): string[] => inf.keys().sort();
const watchCount = (): number => h.server.requests().filter((r) => r.verb === 'watch').length;

test('lists in pages, then sees adds, updates and deletes as keys with the cached object', async () => {
  for (const n of ['a', 'b', 'c']) await createWidget(h, n);
  const { inf, changes } = start({ pageSize: 2 });
  expect(await inf.whenSynced()).toBe(true);
  expect(names(inf)).toEqual(['default/a', 'default/b', 'default/c']);
  const lists = h.server.requests().filter((r) => r.verb === 'list');
  expect(lists.map((r) => [r.query.limit, r.query.continue === undefined])).toEqual([['2', true], ['2', false]]);

  await waitFor(() => h.server.openWatches() === 1, 'the watch');
  const watch = h.server.requests().find((r) => r.verb === 'watch');
  expect(watch?.query).toEqual(expect.objectContaining({ allowWatchBookmarks: 'true', resourceVersion: expect.any(String) }));

  await createWidget(h, 'd', { color: 'green' });
  await changes.take((c) => c[0] === 'default/d', 'the add of d');
  await h.client.patchMerge(ref('a'), { spec: { color: 'blue' } });
  await changes.take((c) => c[0] === 'default/a' && c[1] === 'blue', 'the update of a');
  await h.client.delete(ref('b'));
  await changes.take((c) => c[0] === 'default/b' && c[1] === undefined, 'the delete of b');
  expect(names(inf)).toEqual(['default/a', 'default/c', 'default/d']);

  const cached = inf.get('default/a');
  expect(cached?.spec?.color).toBe('blue');
  expect(Object.isFrozen(cached) && Object.isFrozen(cached?.spec)).toBe(true);
  expect(inf.list('default')).toHaveLength(3);
  expect(inf.stats()).toEqual(expect.objectContaining({ lists: 1, relists: 0, watches: 1, cached: 3 }));
});

test('a dropped watch resumes from the last resourceVersion: changes made while it was down all arrive', async () => {
  for (const n of ['a', 'b']) await createWidget(h, n);
  const { inf, changes } = start();
  await inf.whenSynced();
  await waitFor(() => h.server.openWatches() === 1, 'the watch');

  // The re-watch fails once, so the informer is blind while we change things.
  h.server.faults.failNext({ verb: 'watch', code: 500 });
  h.server.dropWatches({ abrupt: true });
  await waitFor(() => inf.stats().watchErrors >= 1 && h.server.openWatches() === 0, 'the failed re-watch');
  await createWidget(h, 'c');
  await h.client.patchMerge(ref('a'), { spec: { color: 'green' } });
  await h.client.delete(ref('b'));

  await advanceUntil(h.clock, 200, () => names(inf).join() === 'default/a,default/c' && inf.get('default/a')?.spec?.color === 'green', 'catching up');
  expect(changes.all).toEqual(expect.arrayContaining([['default/c', 'red'], ['default/a', 'green'], ['default/b', undefined]]));
  expect(inf.stats()).toEqual(expect.objectContaining({ lists: 1, relists: 0, expired: 0 }));
  const resumed = h.server.requests().filter((r) => r.verb === 'watch').at(-1);
  expect(resumed?.code).toBe(200);
});

test('a forced 410 relists and synthesises the difference, deletions included', async () => {
  for (const n of ['a', 'b']) await createWidget(h, n);
  const { inf, changes } = start();
  await inf.whenSynced();
  await waitFor(() => h.server.openWatches() === 1, 'the watch');

  h.server.faults.failNext({ verb: 'watch', code: 503 });
  h.server.faults.expireNextWatch({ resource: 'widgets' });
  h.server.dropWatches();
  await waitFor(() => inf.stats().watchErrors >= 1 || inf.stats().expired >= 1, 'the watch to go down');
  await h.client.delete(ref('b'));
  await createWidget(h, 'c');

  await advanceUntil(h.clock, 200, () => inf.stats().relists === 1 && names(inf).join() === 'default/a,default/c', 'the relist');
  expect(inf.stats().expired).toBe(1);
  expect(changes.all).toEqual(expect.arrayContaining([['default/b', undefined], ['default/c', 'red']]));
  // The relist only reports what changed: a was untouched and is not notified again.
  expect(changes.all.filter((c) => c[0] === 'default/a')).toHaveLength(1);
  await waitFor(() => h.server.openWatches() === 1, 'the new watch');
  await createWidget(h, 'd');
  await changes.take((c) => c[0] === 'default/d', 'events after the relist');
});

test('a compacted history answers the resumed watch with 410; the informer relists and misses nothing', async () => {
  await createWidget(h, 'a');
  const { inf, changes } = start();
  await inf.whenSynced();
  await waitFor(() => h.server.openWatches() === 1, 'the watch');
  h.server.faults.failNext({ verb: 'watch', code: 500 });
  h.server.dropWatches();
  await waitFor(() => inf.stats().watchErrors >= 1, 'the failed re-watch');
  await h.client.delete(ref('a'));
  await createWidget(h, 'b', { namespace: 'team-a' });
  h.server.compactHistory();

  await advanceUntil(h.clock, 200, () => inf.stats().relists === 1, 'the relist');
  expect(names(inf)).toEqual(['team-a/b']);
  expect(changes.all).toEqual(expect.arrayContaining([['default/a', undefined], ['team-a/b', 'red']]));
});

test('the watchdog restarts a silent watch from where it was; bookmarks count as life', async () => {
  await createWidget(h, 'a');
  const { inf, changes } = start({ silenceTimeoutMs: 10_000 });
  await inf.whenSynced();
  await waitFor(() => h.server.openWatches() === 1, 'the watch');
  const firstWatch = watchCount();

  h.clock.advance(6_000);
  expect(h.server.sendBookmarks()).toBe(1);
  await waitFor(() => inf.stats().events === 1, 'the bookmark');
  h.clock.advance(6_000);
  expect(inf.stats().watchdogRestarts).toBe(0);

  h.clock.advance(4_000);
  expect(inf.stats().watchdogRestarts).toBe(1);
  await waitFor(() => watchCount() === firstWatch + 1 && h.server.openWatches() === 1, 'the restarted watch');
  // Nothing changed since the list, so the bookmark's resourceVersion is the list's: the
  // restarted watch resumes exactly where the silent one was.
  const [first, second] = h.server.requests().filter((r) => r.verb === 'watch');
  expect(second?.query.resourceVersion).toBe(first?.query.resourceVersion);
  await createWidget(h, 'b');
  await changes.take((c) => c[0] === 'default/b', 'events on the restarted watch');
  expect(inf.stats().relists).toBe(0);
});

test('a list of namespaces: one list+watch each, nothing from elsewhere; a label selector filters', async () => {
  await createWidget(h, 'x', { namespace: 'default' });
  await createWidget(h, 'a', { namespace: 'team-a', labels: { app: 'spark' } });
  await createWidget(h, 'b', { namespace: 'team-b', labels: { app: 'spark' } });
  await createWidget(h, 'other', { namespace: 'team-b' });
  const { inf, changes } = start({ namespaces: ['team-a', 'team-b'], labelSelector: 'app=spark' });
  await inf.whenSynced();
  expect(names(inf)).toEqual(['team-a/a', 'team-b/b']);
  expect(h.server.requests().filter((r) => r.verb === 'list').map((r) => [r.namespace, r.query.labelSelector]).sort())
    .toEqual([['team-a', 'app=spark'], ['team-b', 'app=spark']]);
  await waitFor(() => h.server.openWatches() === 2, 'two watches');

  await createWidget(h, 'late', { namespace: 'default', labels: { app: 'spark' } });
  await createWidget(h, 'c', { namespace: 'team-b', labels: { app: 'spark' } });
  await changes.take((c) => c[0] === 'team-b/c', 'the add in team-b');
  expect(names(inf)).toEqual(['team-a/a', 'team-b/b', 'team-b/c']);
  // Losing the label takes it out of the cache, as a delete.
  await h.client.patchMerge({ ...WIDGETS, namespace: 'team-a', name: 'a' }, { metadata: { labels: { app: null } } });
  await changes.take((c) => c[0] === 'team-a/a' && c[1] === undefined, 'a leaving the selector');
});

test('managedFields are stripped; a throwing handler is logged and does not stop the others', async () => {
  await createWidget(h, 'a');
  const withManagedFields = withOverrides(h.client, {
    list: (async (type, options) => {
      const list = await h.client.list<Widget>(type, options);
      for (const item of list.items) (item.metadata as { managedFields?: unknown[] }).managedFields = [{ manager: 'kubectl' }];
      return list;
    }) as KubeClient['list'],
  });
  const logger = recordingLogger();
  const inf = new Informer<Widget>({ client: withManagedFields, resource: WIDGETS, clock: h.clock, logger });
  informer = inf;
  const seen: string[] = [];
  inf.onChange(() => { throw new Error('handler bug'); });
  inf.onChange((key) => seen.push(key));
  inf.start();
  await inf.whenSynced();
  expect(inf.get('default/a')?.metadata?.managedFields).toBeUndefined();
  expect(seen).toEqual(['default/a']);
  await waitFor(() => h.server.openWatches() === 1, 'the watch');
  await createWidget(h, 'b');
  await waitFor(() => seen.length === 2, 'the second handler still called');
  expect(logger.lines.map((l) => [l.level, l.msg])).toEqual([['error', 'informer handler threw'], ['error', 'informer handler threw']]);
});

test('list failures are retried with backoff until the informer syncs; stop() settles whenSynced with false', async () => {
  h.server.faults.failNext({ verb: 'list', code: 500, times: 2 });
  const { inf } = start();
  const synced = inf.whenSynced();
  await advanceUntil(h.clock, 100, () => inf.hasSynced(), 'the sync');
  expect(await synced).toBe(true);
  expect(inf.stats()).toEqual(expect.objectContaining({ listErrors: 2, lists: 1 }));

  const other = new Informer<Widget>({ client: h.client, resource: WIDGETS, clock: h.clock });
  h.server.faults.failNext({ verb: 'list', code: 500 });
  other.start();
  const never = other.whenSynced();
  other.stop();
  expect(await never).toBe(false);
});

test('a resource the API server does not serve (its CRD not installed yet): said once, retried quietly, then listed', async () => {
  const logger = recordingLogger();
  const inf = new Informer<Widget>({ client: h.client, resource: WIDGETS, clock: h.clock, logger });
  h.server.faults.failNext({ verb: 'list', code: 404, reason: 'NotFound', times: 4 });
  inf.start();
  await advanceUntil(h.clock, 1000, () => inf.hasSynced(), 'the sync once the resource is served');
  expect(inf.stats().listErrors).toBe(4);
  expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
    'the API server does not serve this resource (is its CRD installed?); retrying until it does',
  ]);
  inf.stop();
});

test('the transform is given the version cached before (none for a new key), and its result is what is cached', async () => {
  await createWidget(h, 'a', { color: 'red' });
  const seen: [string, string | undefined, string | undefined][] = [];
  const { inf, changes } = start({
    transform: (obj, previous) => {
      seen.push([obj.metadata?.name ?? '', (previous as Widget | undefined)?.spec?.color, (obj as Widget).spec?.color]);
      return { ...obj, metadata: { ...obj.metadata, labels: { transformed: 'yes' } } };
    },
  });
  await inf.whenSynced();
  await waitFor(() => h.server.openWatches() === 1, 'the watch');
  await h.client.patchMerge(ref('a'), { spec: { color: 'blue' } });
  await changes.take((c) => c[0] === 'default/a' && c[1] === 'blue', 'the update of a');
  expect(seen).toEqual([['a', undefined, 'red'], ['a', 'red', 'blue']]);
  expect(inf.get('default/a')?.metadata?.labels).toEqual({ transformed: 'yes' });
});
