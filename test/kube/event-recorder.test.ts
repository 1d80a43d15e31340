// Kubernetes Events through the recorder, against the emulator: one Event per distinct
// object+reason+message, repeats within the window patch count and lastTimestamp, a flood of
// similar messages is combined, and a failed write is logged, never thrown.

import { EventRecorder } from '../../src/kube/event-recorder.ts';
import { CORE_EVENTS } from '../../src/kube/kube-client.ts';
import type { KubeObject } from '../../src/kube/kube-client.ts';
import { createWidget, recordingLogger, startHarness } from './kube-harness.ts';
import type { Harness, Widget } from './kube-harness.ts';

interface CoreEvent extends KubeObject {
  involvedObject: Record<string, string>;
  reason: string;
  message: string;
  type: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: Record<string, string>;
}

let h: Harness;
let driver: Widget;

beforeEach(async () => {
  h = await startHarness();
  driver = await createWidget(h, 'pi');
});

afterEach(async () => {
  await h.close();
});

const recorder = (options: Partial<ConstructorParameters<typeof EventRecorder>[0]> = {}): EventRecorder =>
  new EventRecorder({ client: h.client, component: 'sparkdriver-operator', instance: 'pod-0', clock: h.clock, ...options });

async function events(): Promise<CoreEvent[]> {
  return (await h.client.list<CoreEvent>(CORE_EVENTS, { namespace: 'default' })).items;
}

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('an event names its object; a repeat within the window bumps count and lastTimestamp with a patch', async () => {
  const r = recorder();
  const t0 = h.clock.now();
  await r.event(driver, 'Normal', 'Launched', 'task pi-1 launched on agent a1');
  const [first] = await events();
  expect(first).toEqual(expect.objectContaining({
    type: 'Normal', reason: 'Launched', message: 'task pi-1 launched on agent a1', count: 1,
    firstTimestamp: stamp(t0), lastTimestamp: stamp(t0),
    source: { component: 'sparkdriver-operator', host: 'pod-0' },
  }));
  expect(first?.involvedObject).toEqual({
    apiVersion: 'demo.example.com/v1', kind: 'Widget', name: 'pi', namespace: 'default',
    uid: driver.metadata?.uid, resourceVersion: driver.metadata?.resourceVersion,
  });

  h.clock.advance(61_000);
  await Promise.all([r.event(driver, 'Normal', 'Launched', 'task pi-1 launched on agent a1'), r.event(driver, 'Normal', 'Launched', 'task pi-1 launched on agent a1')]);
  const [again, ...others] = await events();
  expect(others).toEqual([]);
  expect([again?.metadata?.name, again?.count, again?.firstTimestamp, again?.lastTimestamp]).toEqual([first?.metadata?.name, 3, stamp(t0), stamp(t0 + 61_000)]);
  const writes = h.server.requests().filter((q) => q.resource === 'events' && q.verb !== 'list');
  expect(writes.map((q) => [q.verb, q.contentType])).toEqual([
    ['create', 'application/json'], ['patch', 'application/merge-patch+json'], ['patch', 'application/merge-patch+json'],
  ]);
});

test('different reasons, messages or types are separate Events; after the window a repeat starts a new one', async () => {
  const r = recorder({ windowMs: 60_000 });
  await r.event(driver, 'Normal', 'Queued', 'waiting for offers');
  await r.event(driver, 'Warning', 'Queued', 'waiting for offers');
  await r.event(driver, 'Normal', 'Launched', 'waiting for offers');
  await r.event(driver, 'Normal', 'Queued', 'another message');
  expect(await events()).toHaveLength(4);
  h.clock.advance(60_001);
  await r.event(driver, 'Normal', 'Queued', 'waiting for offers');
  const all = await events();
  expect(all).toHaveLength(5);
  expect(all.every((e) => e.count === 1)).toBe(true);
});

test('past maxSimilar distinct messages for one object and reason, the rest update one combined Event', async () => {
  const r = recorder({ maxSimilar: 3 });
  for (let i = 1; i <= 6; i += 1) await r.event(driver, 'Warning', 'OfferDeclined', `offer o-${i} too small`);
  const all = await events();
  expect(all.map((e) => [e.message, e.count])).toEqual([
    ['offer o-1 too small', 1], ['offer o-2 too small', 1], ['offer o-3 too small', 1],
    ['(combined from similar events): offer o-6 too small', 3],
  ]);
});

test('an Event deleted meanwhile is created anew; a failed write is logged and never thrown', async () => {
  const logger = recordingLogger();
  const r = recorder({ logger });
  await r.event(driver, 'Normal', 'Finished', 'done');
  const [first] = await events();
  await h.client.delete({ ...CORE_EVENTS, namespace: 'default', name: first?.metadata?.name as string });
  await r.event(driver, 'Normal', 'Finished', 'done');
  const [second] = await events();
  expect(second?.metadata?.name).not.toBe(first?.metadata?.name);
  expect(second?.count).toBe(1);

  h.server.faults.failNext({ resource: 'events', verb: 'patch', code: 500 });
  await expect(r.event(driver, 'Normal', 'Finished', 'done')).resolves.toBeUndefined();
  h.server.faults.failNext({ resource: 'events', verb: 'create', code: 403 });
  await expect(r.event(driver, 'Warning', 'Failed', 'x')).resolves.toBeUndefined();
  // The first failure is logged at once; the next within 10 s is summed up when they are over.
  expect(logger.lines.map((l) => [l.level, l.msg])).toEqual([['warn', 'could not write an Event']]);
  h.clock.advance(10_000);
  expect(logger.lines.map((l) => [l.level, l.msg])).toEqual([
    ['warn', 'could not write an Event'], ['warn', '1 more like it in the last 10 s; the last: could not write an Event'],
  ]);
  expect(logger.lines[1]?.fields).toMatchObject({ reason: 'Failed', repeats: 1, err: 'injected fault (Forbidden)' });
});

test('a burst of events waits its turn (a few writes at once) and every one is written, repeats still counted', async () => {
  const r = recorder({ maxInFlight: 2 });
  const others = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => createWidget(h, n)));
  await Promise.all([
    ...others.map((o) => r.event(o, 'Normal', 'Queued', 'waiting for an offer')),
    r.event(driver, 'Normal', 'Queued', 'waiting for an offer'),
    r.event(driver, 'Normal', 'Queued', 'waiting for an offer'),
  ]);
  const written = await events();
  expect(written.map((e) => e.involvedObject.name).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'pi']);
  expect(written.find((e) => e.involvedObject.name === 'pi')?.count).toBe(2);
});
