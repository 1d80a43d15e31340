import type { Effect } from '../../src/scheduler/effects.ts';
import type { DriverRecord, DriverStatus } from '../../src/scheduler/driver.ts';
import { restoreScheduler } from '../../src/scheduler/recovery.ts';
import { driverCounts, driverView, step, type SchedulerState } from '../../src/scheduler/scheduler.ts';
import { launchedIds, makeConfig, makeOffer, makeSpec, offersReceived, statusReceived, type taskStatus } from './fixtures.ts';

const types = (effects: Effect[]) => effects.map((e) => e.type);
const statusOf = (state: SchedulerState, id: string) => driverView(state, id)?.status;

const queued: DriverStatus = { phase: 'queued', attempts: 0, retries: 0 };
const launched = (taskId: string, confirmed: boolean): DriverStatus => ({
  phase: 'launched', attempts: 1, retries: 0, killRequested: false,
  attempt: { taskId, agentId: 'agent-1', launchedAtMs: 50, ...(confirmed && { lastStatus: { taskId, state: 'running' as const }, runningSinceMs: 60 }) },
});
const retrying = (nextRetryAtMs: number, failedAtMs = nextRetryAtMs - 1000): DriverStatus => ({
  phase: 'retrying', attempts: 1, retries: 1, waitSeconds: 1, failedAtMs, nextRetryAtMs, lastFailure: { taskId: 'x', state: 'failed' },
});
const finished = (finishedAtMs: number): DriverStatus => ({
  phase: 'finished', attempts: 1, retries: 0, outcome: 'succeeded', reason: 'TaskFinished', message: 'done', finishedAtMs,
});
const record = (id: string, status: DriverStatus | undefined, spec: Parameters<typeof makeSpec>[1] = {}): DriverRecord =>
  (status === undefined ? { spec: makeSpec(id, spec) } : { spec: makeSpec(id, spec), status });
/** The master's answer for a task its registered agent does not have (or its latest state). */
const reconciled = (taskId: string, state: Parameters<typeof taskStatus>[1]) =>
  statusReceived(taskId, state, { reason: 'REASON_RECONCILIATION', message: 'Reconciliation: Task is unknown to the agent' });

describe('restoreScheduler', () => {
  test('places every driver as recorded, emitting nothing until subscribed', () => {
    const { state, effects } = restoreScheduler(makeConfig(), [
      record('q', queued), record('l', launched('l', true)), record('r', retrying(5_000)), record('f', finished(10)),
    ], 1_000);
    expect(effects).toEqual([]);
    expect(driverCounts(state)).toEqual({ queued: 1, launched: 1, retrying: 1, finished: 1 });
  });

  test('on Subscribed: reconcile launched tasks, revive for the queue, wake for the retry', () => {
    const { state } = restoreScheduler(makeConfig(), [
      record('q', queued), record('l1', launched('l1', true)), record('l2', launched('l2-retry-3', false), { supervise: true }), record('r', retrying(5_000)),
    ], 1_000);
    expect(step(state, { type: 'Subscribed', frameworkId: 'fw' }, 1_000)).toEqual([
      { type: 'ReconcileTasks', tasks: [{ taskId: 'l1', agentId: 'agent-1' }, { taskId: 'l2-retry-3', agentId: 'agent-1' }] },
      { type: 'ReconcileTasks', tasks: [] },
      { type: 'ReviveOffers' },
      { type: 'ScheduleWake', atMs: 5_000 },
    ]);
  });

  test('offers arriving before the answers launch only waiting drivers, never a launched one again', () => {
    const { state } = restoreScheduler(makeConfig(), [record('l', launched('l', false)), record('q', queued)], 1_000);
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 1_000);
    expect(launchedIds(step(state, offersReceived([makeOffer('o1', 8, 8000)]), 1_001))).toEqual(['q']);
  });

  test.each<[string, boolean, boolean, Parameters<typeof taskStatus>[1], Partial<DriverStatus> & { phase: DriverStatus['phase'] }]>([
    ['running task: stays launched, status recorded', true, false, 'TASK_RUNNING', { phase: 'launched' }],
    ['about-to-launch task that did start: stays launched', false, false, 'TASK_RUNNING', { phase: 'launched' }],
    ['running task lost, supervised: retried', true, true, 'TASK_LOST', { phase: 'retrying', retries: 1 }],
    ['running task lost, not supervised: finished lost', true, false, 'TASK_LOST', { phase: 'finished', outcome: 'lost' }],
    ['about-to-launch task unknown to Mesos: queued again, not failed', false, false, 'TASK_LOST', { phase: 'queued', attempts: 1, retries: 0 }],
    ['about-to-launch task gone from its registered agent (partition-aware answer): queued again', false, true, 'TASK_GONE', { phase: 'queued', retries: 0 }],
    ['about-to-launch task on an agent the master no longer knows: it may have run, so lost', false, true, 'TASK_UNKNOWN', { phase: 'finished', outcome: 'lost' }],
    ['finished while we were away', true, false, 'TASK_FINISHED', { phase: 'finished', outcome: 'succeeded' }],
  ])('reconciliation answer: %s', (_name, confirmed, supervise, answer, expected) => {
    const { state } = restoreScheduler(makeConfig(), [record('d', launched('d', confirmed), { supervise })], 1_000);
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 1_000);
    step(state, reconciled('d', answer), 1_100);
    expect(statusOf(state, 'd')).toMatchObject(expected);
  });

  test('a requeued about-to-launch driver is revived and relaunched under a new task ID', () => {
    const { state } = restoreScheduler(makeConfig(), [record('d', launched('d', false))], 1_000);
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 1_000);
    const answer = step(state, reconciled('d', 'TASK_LOST'), 1_100);
    expect(types(answer)).toEqual(['PersistDriver', 'ReviveOffers', 'ScheduleWake']);
    expect(launchedIds(step(state, offersReceived([makeOffer('o1', 4, 4000)]), 1_200))).toEqual(['d-retry-1']);
  });

  test('a due retry relaunches with the next task ID', () => {
    const { state } = restoreScheduler(makeConfig(), [record('r', retrying(900), { supervise: true })], 1_000);
    expect(types(step(state, { type: 'Subscribed', frameworkId: 'fw' }, 1_000))).toEqual(['ReconcileTasks', 'ReviveOffers', 'ScheduleWake']);
    expect(launchedIds(step(state, offersReceived([makeOffer('o1', 4, 4000)]), 1_001))).toEqual(['r-retry-1']);
  });

  test('waiting drivers that can no longer run are finished, with the reason persisted', () => {
    const { state, effects } = restoreScheduler(makeConfig(), [
      record('gone-queue', queued, { queue: 'removed' }),
      record('invalid', retrying(0), { props: { 'spark.mesos.driver.labels': 'nocolon' } }),
      record('running-invalid', launched('running-invalid', true), { props: { 'spark.mesos.driver.labels': 'nocolon' } }),
    ], 1_000);
    expect(effects).toEqual([
      { type: 'PersistDriver', submissionId: 'invalid', status: { phase: 'finished', attempts: 1, retries: 1, outcome: 'error', reason: 'InvalidDriver', message: 'spark.mesos.driver.labels: Malformed label: nocolon', finishedAtMs: 1_000 }, queue: 'default', submittedAtMs: 1_000 },
      { type: 'PersistDriver', submissionId: 'gone-queue', status: { phase: 'finished', attempts: 0, retries: 0, outcome: 'rejected', reason: 'UnknownQueue', message: "queue 'removed' is no longer declared", finishedAtMs: 1_000 }, queue: 'removed', submittedAtMs: 1_000 },
    ]);
    expect(statusOf(state, 'running-invalid')?.phase).toBe('launched');
  });

  test('a launched driver that cannot be planned any more errors when it would relaunch, without blocking others', () => {
    const { state } = restoreScheduler(makeConfig(), [
      record('bad', launched('bad', true), { supervise: true, props: { 'spark.mesos.driver.labels': 'nocolon' } }), record('good', queued),
    ], 1_000);
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 1_000);
    step(state, statusReceived('bad', 'TASK_FAILED'), 1_000);
    const effects = step(state, offersReceived([makeOffer('o1', 8, 8000)]), 5_000);
    expect(launchedIds(effects)).toEqual(['good']);
    expect(statusOf(state, 'bad')).toMatchObject({ phase: 'finished', outcome: 'error', message: 'spark.mesos.driver.labels: Malformed label: nocolon' });
  });

  test('kill intent in the spec is applied: waiting drivers finish, launched ones are killed once subscribed', () => {
    const { state, effects } = restoreScheduler(makeConfig(), [
      record('q', queued, { killRequested: true }), record('l', launched('l', true), { killRequested: true }),
    ], 1_000);
    expect(types(effects)).toEqual(['PersistDriver', 'PersistDriver']);
    expect(statusOf(state, 'q')).toMatchObject({ phase: 'finished', outcome: 'killed' });
    expect(statusOf(state, 'l')).toMatchObject({ phase: 'launched', killRequested: true });
    expect(step(state, { type: 'Subscribed', frameworkId: 'fw' }, 1_000)).toContainEqual({ type: 'KillTask', taskId: 'l', agentId: 'agent-1' });
  });

  test('records without a status go through admission, after the others', () => {
    const { state, effects } = restoreScheduler(makeConfig({ 'spark.mesos.maxDrivers': '1' }), [
      record('new', undefined), record('l', launched('l', true)),
    ], 1_000);
    expect(statusOf(state, 'new')).toMatchObject({ phase: 'finished', outcome: 'rejected', reason: 'MaxDriversReached' });
    expect(types(effects)).toEqual(['PersistDriver']);
  });

  test('duplicate records: the one that may own a running task wins; reported', () => {
    const { state, effects } = restoreScheduler(makeConfig(), [record('d', queued), record('d', launched('d', true))], 1_000);
    expect(statusOf(state, 'd')?.phase).toBe('launched');
    expect(effects).toEqual([{ type: 'ReportAnomaly', submissionId: 'd', message: 'duplicate records for driver d' }]);
    expect(driverCounts(state)).toEqual({ queued: 0, launched: 1, retrying: 0, finished: 0 });
  });

  test('finished drivers beyond retention are forgotten, oldest first; queue order is rebuilt', () => {
    const records = [
      ...Array.from({ length: 12 }, (_, i) => record(`f${i}`, finished(100 - i))),
      record('late', queued, { submittedAtMs: 9 }), record('early', queued, { submittedAtMs: 1 }),
    ];
    const { state, effects } = restoreScheduler(makeConfig({ 'spark.mesos.retainedDrivers': '10' }), records, 1_000);
    expect(effects).toEqual([{ type: 'ForgetDriver', submissionId: 'f11' }, { type: 'ForgetDriver', submissionId: 'f10' }]);
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 1_000);
    expect(launchedIds(step(state, offersReceived([makeOffer('o1', 1, 1000)]), 1_001))).toEqual(['early']);
  });
});

describe('a record found after the restore (DriverRestored)', () => {
  const restored = (r: DriverRecord) => ({ type: 'DriverRestored' as const, record: { ...r, status: r.status! } });

  test('a queued one is placed as recorded; a kill its spec asks for is applied and written', () => {
    const { state } = restoreScheduler(makeConfig(), [], 1_000);
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 1_000);
    const killed = { ...record('k', queued), spec: { ...record('k', queued).spec, killRequested: true } };
    const effects = step(state, restored(killed), 1_100);
    expect(driverView(state, 'k')?.status).toMatchObject({ phase: 'finished', outcome: 'killed', reason: 'KillRequested' });
    expect(effects).toContainEqual(expect.objectContaining({ type: 'PersistDriver', submissionId: 'k' }));
    step(state, restored(record('q', queued)), 1_200);
    expect(driverView(state, 'q')?.status.phase).toBe('queued');
    expect(launchedIds(step(state, offersReceived([makeOffer('o1', 8, 8000)]), 1_300))).toEqual(['q']);
  });

  test('a launched one is reconciled at once; a known ID changes nothing', () => {
    const { state } = restoreScheduler(makeConfig(), [record('known', queued)], 1_000);
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 1_000);
    const effects = step(state, restored(record('l', launched('l', true))), 1_100);
    expect(effects).toContainEqual({ type: 'ReconcileTasks', tasks: [{ taskId: 'l', agentId: 'agent-1' }] });
    expect(step(state, restored(record('known', launched('known', true))), 1_200)).toEqual([]);
    expect(driverView(state, 'known')?.status.phase).toBe('queued');
  });
});
