// What the operator caches of a SparkDriver: no last-applied copy of the spec; what did not
// change since the previous version is that version's value; repeated strings, and the small
// status objects of drivers that changed together, are one instance each, within a bound.
import { SharedValues, sparkDriverCacheTransform, StringTable } from '../../src/sparkdriver/cache-transform.ts';
import fc from 'fast-check';
import type { KubeObject } from '../../src/kube/kube-client.ts';

const fresh = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reaching into cached JSON
type Loose = Record<string, any>;

function driver(name: string, uid: string, status?: Loose): KubeObject {
  return fresh({
    apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver',
    metadata: { name, namespace: 'default', uid, resourceVersion: '1', labels: { team: 'etl' } },
    spec: { appResource: 'http://repo/app.jar', arguments: ['--date', '2024-01-01'], sparkProperties: { 'spark.app.name': name } },
    ...(status !== undefined && { status }),
  });
}

const queuedStatus = (id: string): Loose => ({
  phase: 'Queued', submissionId: id, message: "Waiting for an offer in queue 'default'",
  conditions: [
    { type: 'Accepted', status: 'True', reason: 'Queued', lastTransitionTime: '2026-01-01T00:00:00Z' },
    { type: 'Launched', status: 'False', reason: 'WaitingForOffers', lastTransitionTime: '2026-01-01T00:00:00Z' },
  ],
  attempts: [],
  scheduler: { phase: 'queued', attempts: 0, retries: 0 },
});

test('the last-applied annotation goes; other annotations and the spec stay', () => {
  const transform = sparkDriverCacheTransform();
  const obj = transform({
    metadata: { name: 'a', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}', keep: 'me' } },
    spec: { appResource: 'x' },
  } as never, undefined) as { metadata: { annotations: Record<string, string> }; spec: unknown };
  expect(obj.metadata.annotations).toEqual({ keep: 'me' });
  expect(obj.spec).toEqual({ appResource: 'x' });
});

test('a new version keeps the previous version\'s spec, metadata parts and unchanged status parts', () => {
  const transform = sparkDriverCacheTransform();
  const first = transform(driver('a', 'u1'), undefined) as Loose;
  const queued = { ...driver('a', 'u1', queuedStatus('a')), metadata: { ...driver('a', 'u1').metadata, resourceVersion: '2' } };
  const second = transform(queued, first) as Loose;
  expect(second.spec).toBe(first.spec);
  expect(second.metadata.labels).toBe(first.metadata.labels);
  expect(second.metadata.resourceVersion).toBe('2');
  const launchedStatus = queuedStatus('a');
  launchedStatus.phase = 'Launched';
  launchedStatus.conditions[1].status = 'True';
  const third = transform({ ...driver('a', 'u1', launchedStatus), metadata: { ...driver('a', 'u1').metadata, resourceVersion: '3' } }, second) as Loose;
  expect(third.status.conditions[0]).toBe(second.status.conditions[0]);
  expect(third.status.conditions[1]).not.toBe(second.status.conditions[1]);
  expect(third.status.conditions[1].status).toBe('True');
  expect(third.status.attempts).toBe(second.status.attempts);
  expect(third).toEqual({ ...driver('a', 'u1', launchedStatus), metadata: { ...driver('a', 'u1').metadata, resourceVersion: '3' } });
});

test('a resource created again under the same name shares nothing with the one before', () => {
  const transform = sparkDriverCacheTransform();
  const first = transform(driver('a', 'u1'), undefined) as Loose;
  const again = transform(driver('a', 'u2'), first) as Loose;
  expect(again.spec).not.toBe(first.spec);
  expect(again.spec).toEqual(first.spec);
});

test('equal status objects of different drivers are one instance from the second driver on; their unique parts are not', () => {
  const shared = new SharedValues();
  const transform = sparkDriverCacheTransform(shared);
  const a = transform(driver('a', 'u1', queuedStatus('a')), undefined) as Loose;
  const b = transform(driver('b', 'u2', queuedStatus('b')), undefined) as Loose;
  const c = transform(driver('c', 'u3', queuedStatus('c')), undefined) as Loose;
  // The first driver's strings were all new: its objects were neither looked for nor kept.
  expect(b.status.conditions).not.toBe(a.status.conditions);
  expect(b.status.conditions).toEqual(a.status.conditions);
  expect(c.status.conditions).toBe(b.status.conditions);
  expect(c.status.scheduler).toBe(b.status.scheduler);
  expect(c.status).not.toBe(b.status);
  expect(c.status.submissionId).toBe('c');
  expect(c.spec).not.toBe(b.spec);
  expect(c).toEqual(driver('c', 'u3', queuedStatus('c')));
});

test('an object holding a string seen for the first time is neither looked for nor kept; seen again, it is, with the objects around it', () => {
  const shared = new SharedValues();
  for (let i = 0; i < 100; i += 1) shared.share(fresh({ conditions: [{ message: `Running as task t${i}` }] }), undefined, true);
  expect(shared.objectCount).toBe(0);
  const first = shared.share(fresh({ conditions: [{ message: 'Running as task t7' }] }), undefined, true) as Loose;
  const second = shared.share(fresh({ conditions: [{ message: 'Running as task t7' }] }), undefined, true) as Loose;
  expect(shared.objectCount).toBe(3);
  expect(second).toBe(first);
});

test('a status part naming its own driver is never looked for among other drivers\' (its name and task ID are its own, however often it repeats them)', () => {
  const shared = new SharedValues();
  const transform = sparkDriverCacheTransform(shared);
  const launched = (id: string): Loose => ({
    ...queuedStatus(id), phase: 'Launched',
    currentAttempt: { taskId: id, agentId: 'agent-S1', mesos: { state: 'TASK_RUNNING' } },
    conditions: [{ type: 'Launched', status: 'True', reason: 'Running', message: `Running as task ${id} on agent agent-S1` }],
  });
  const drivers = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => transform(driver(id, `u${i}`, launched(id)), undefined) as Loose);
  const kept = shared.objectCount;
  for (let i = 0; i < 50; i += 1) transform(driver(`n${i}`, `v${i}`, launched(`n${i}`)), undefined);
  // The parts common to all (labels, the Mesos state, the scheduler record) were kept once; none of their own.
  expect(shared.objectCount).toBe(kept);
  expect(drivers[5]!.status.currentAttempt.mesos).toBe(drivers[4]!.status.currentAttempt.mesos);
  expect(drivers[5]!.status.currentAttempt).toEqual({ taskId: 'f', agentId: 'agent-S1', mesos: { state: 'TASK_RUNNING' } });
});

test('strings repeated within a driver and across drivers are one instance', () => {
  const table = new StringTable();
  const transform = sparkDriverCacheTransform(new SharedValues(table));
  transform(driver('a', 'u1', queuedStatus('a')), undefined);
  const before = table.size;
  transform(driver('b', 'u2', queuedStatus('b')), undefined);
  // (String identity cannot be observed in JavaScript: the table's size shows what it keeps.)
  // Only b's own strings are new: its name (also its app name and submission ID) and its UID.
  expect(table.size - before).toBe(2);
});

test('sharing the strings of a value leaves its frozen (cached) parts as they are', () => {
  const table = new StringTable();
  const cachedPart = Object.freeze({ reason: fresh('Queued') });
  const value = { cached: cachedPart, own: { reason: fresh('Queued') } };
  expect(() => table.shareAll(value)).not.toThrow();
  expect(value.cached).toBe(cachedPart);
  expect(value.own.reason).toBe(table.share('Queued'));
});

test('long strings are not kept, and the tables are bounded', () => {
  const table = new StringTable();
  expect(table.share('x'.repeat(300))).toBe('x'.repeat(300));
  expect(table.size).toBe(0);
  for (let i = 0; i < 25_000; i += 1) table.share(`s${i}`);
  expect(table.size).toBeLessThanOrEqual(20_000);
  expect(table.size).toBeGreaterThan(0);
  const shared = new SharedValues();
  for (let i = 0; i < 6_000; i += 1) shared.share(fresh({ status: { n: i } }), undefined, true);
  expect(shared.objectCount).toBeLessThanOrEqual(5_000);
  const big = fresh({ text: 'x'.repeat(250), list: Array.from({ length: 20 }, () => 'y'.repeat(200)) });
  shared.share(big, undefined, true);
  expect(shared.objectCount).toBeLessThanOrEqual(5_000);
});

test('what is cached equals what came, whatever is shared (generated statuses, each driver\'s versions in turn)', () => {
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    leaf: fc.oneof(fc.constantFrom('a', 'b', '"x"', ''), fc.integer({ min: -2, max: 2 }), fc.boolean(), fc.constant(null)),
    node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('k', 'l', 'm', '"q"'), tie('node'), { maxKeys: 3 })),
  })).node;
  const statuses = fc.array(fc.dictionary(fc.constantFrom('conditions', 'scheduler', 'attempt', 'phase'), value), { minLength: 1, maxLength: 8 });
  fc.assert(fc.property(statuses, (versions) => {
    const transform = sparkDriverCacheTransform(new SharedValues());
    const cached = new Map<string, KubeObject>();
    versions.forEach((status, i) => {
      const name = `d${i % 3}`;
      const next = transform(driver(name, `u${i % 3}`, status), cached.get(name));
      expect((next as Loose).status).toEqual(status);
      cached.set(name, next);
    });
  }), { numRuns: 300 });
});
