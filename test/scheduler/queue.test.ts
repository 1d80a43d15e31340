import { compareQueueEntries, createQueue, forEachInQueueOrder, unsafeCompact, unsafeEnqueue, type QueueEntry } from '../../src/scheduler/queue.ts';
import { createScheduler, step } from '../../src/scheduler/scheduler.ts';
import type { Effect } from '../../src/scheduler/effects.ts';
import { makeConfig, makeOffer, makeSpec, offersReceived } from './fixtures.ts';

const entry = (submissionId: string, priority: number, submittedAtMs: number): QueueEntry => ({ submissionId, priority, submittedAtMs });

describe('queue order: priority, then submission time, then submission ID', () => {
  test.each<[string, QueueEntry, QueueEntry, number]>([
    ['higher priority first', entry('b', 10, 5), entry('a', 0, 1), -1],
    ['negative weight after default', entry('a', -1, 1), entry('b', 0, 5), 1],
    ['earlier submission first', entry('b', 0, 1), entry('a', 0, 2), -1],
    ['same millisecond: by submission ID (SPARK-40902 kept both)', entry('a', 0, 1), entry('b', 0, 1), -1],
    ['same millisecond, reversed', entry('b', 0, 1), entry('a', 0, 1), 1],
    ['the same driver', entry('a', 0, 1), entry('a', 0, 1), 0],
  ])('%s', (_name, a, b, sign) => {
    expect(Math.sign(compareQueueEntries(a, b))).toBe(sign);
  });

  test('the queue keeps any insertion order sorted and replaces an equal entry', () => {
    const queue = createQueue<QueueEntry>();
    const entries = [entry('c', 0, 3), entry('a', 5, 9), entry('b', 0, 3), entry('d', -2, 0), entry('e', 0, 1), entry('f', 5, 1)];
    for (const e of entries) unsafeEnqueue(queue, e);
    const replacement = entry('b', 0, 3);
    unsafeEnqueue(queue, replacement);
    const order: QueueEntry[] = [];
    forEachInQueueOrder(queue, (e) => order.push(e));
    expect(order.map((e) => e.submissionId)).toEqual(['f', 'a', 'e', 'b', 'c', 'd']);
    expect(order[3]).toBe(replacement);
    unsafeCompact(queue, (e) => e.submissionId !== 'a' && e.submissionId !== 'e');
    const after: string[] = [];
    forEachInQueueOrder(queue, (e) => after.push(e.submissionId));
    expect(after).toEqual(['f', 'b', 'c', 'd']);
  });
});

describe('queue order in a scheduling pass', () => {
  const launchOrder = (effects: Effect[]): string[] =>
    effects.flatMap((e) => (e.type === 'LaunchTasks' ? e.tasks.map((t) => t.taskId) : []));

  test('priorities (with a negative weight), equal timestamps and submission time decide who launches first', () => {
    const state = createScheduler(makeConfig({ 'spark.mesos.dispatcher.queue.urgent': '10', 'spark.mesos.dispatcher.queue.low': '-1.5' }));
    const submissions = [
      makeSpec('low-1', { queue: 'low', submittedAtMs: 1 }),
      makeSpec('default-late', { submittedAtMs: 50 }),
      makeSpec('urgent-b', { queue: 'urgent', submittedAtMs: 20 }),
      makeSpec('urgent-a', { queue: 'urgent', submittedAtMs: 20 }),
      makeSpec('default-early', { submittedAtMs: 10 }),
      makeSpec('urgent-early', { queue: 'urgent', submittedAtMs: 5 }),
    ];
    for (const spec of submissions) step(state, { type: 'DriverSubmitted', spec }, 100);
    const effects = step(state, offersReceived([makeOffer('o1', 100, 100_000)]), 200);
    expect(launchOrder(effects)).toEqual(['urgent-early', 'urgent-a', 'urgent-b', 'default-early', 'default-late', 'low-1']);
  });

  test('when the offer holds only some drivers, the first in queue order get it', () => {
    const state = createScheduler(makeConfig({ 'spark.mesos.dispatcher.queue.urgent': '1' }));
    step(state, { type: 'DriverSubmitted', spec: makeSpec('normal', { submittedAtMs: 1 }) }, 10);
    step(state, { type: 'DriverSubmitted', spec: makeSpec('urgent', { queue: 'urgent', submittedAtMs: 9 }) }, 10);
    const effects = step(state, offersReceived([makeOffer('o1', 1, 1000)]), 20);
    expect(launchOrder(effects)).toEqual(['urgent']);
  });
});
