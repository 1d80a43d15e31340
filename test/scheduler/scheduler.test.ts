import type { Effect } from '../../src/scheduler/effects.ts';
import { MAX_REVIVE_ROUND_MS, REVIVE_ROUND_MS } from '../../src/scheduler/scheduler.ts';
import { createScheduler, driverCounts, driverView, step, type SchedulerState } from '../../src/scheduler/scheduler.ts';
import {
  claimedOf, launchedIds, launches, makeConfig, makeOffer, makeSpec, offersReceived, scalar, statusReceived, text,
} from './fixtures.ts';

const types = (effects: Effect[]) => effects.map((e) => e.type);
const phaseOf = (state: SchedulerState, id: string) => driverView(state, id)?.status.phase;
const statusOf = (state: SchedulerState, id: string) => driverView(state, id)?.status;
const wakes = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'ScheduleWake' ? [e.atMs] : []));

function scheduler(props: Record<string, string> = {}): SchedulerState {
  const state = createScheduler(makeConfig(props));
  step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
  return state;
}

describe('admission', () => {
  test('a valid submission is queued, persisted, and offers are revived', () => {
    const state = scheduler();
    expect(step(state, { type: 'DriverSubmitted', spec: makeSpec('a') }, 5)).toEqual([
      { type: 'PersistDriver', submissionId: 'a', status: { phase: 'queued', attempts: 0, retries: 0 }, queue: 'default', submittedAtMs: 1_000 },
      { type: 'ReviveOffers' },
      // It checks that the REVIVE's offers came.
      { type: 'ScheduleWake', atMs: 5 + REVIVE_ROUND_MS },
    ]);
  });

  test('a new submission revives (declined offers carry filters), once per offer round', () => {
    const state = scheduler();
    expect(types(step(state, { type: 'DriverSubmitted', spec: makeSpec('a') }, 5))).toEqual(['PersistDriver', 'ReviveOffers', 'ScheduleWake']);
    // Before the offers the REVIVE brings: nothing to add, b will be in that round (a wake checks it came).
    expect(types(step(state, { type: 'DriverSubmitted', spec: makeSpec('b') }, 6))).toEqual(['PersistDriver']);
    step(state, offersReceived([makeOffer('o1', 0.1, 64)]), 7);
    // After them, a newcomer revives again: the declined offers are filtered.
    expect(types(step(state, { type: 'DriverSubmitted', spec: makeSpec('c') }, 8))).toEqual(['PersistDriver', 'ReviveOffers', 'ScheduleWake']);
  });

  test('a REVIVE whose offer round never came (it failed or was dropped, or nothing was free) is sent again while drivers wait, at a doubling wait', () => {
    const state = scheduler();
    expect(wakes(step(state, { type: 'DriverSubmitted', spec: makeSpec('a') }, 5))).toEqual([5 + REVIVE_ROUND_MS]);
    step(state, { type: 'DriverSubmitted', spec: makeSpec('b') }, 6);
    expect(types(step(state, { type: 'TimerFired' }, 5 + REVIVE_ROUND_MS - 1))).not.toContain('ReviveOffers');
    let revivedAt = 5 + REVIVE_ROUND_MS;
    const again = step(state, { type: 'TimerFired' }, revivedAt);
    expect(types(again)).toContain('ReviveOffers');
    // Still no offers: each REVIVE waits twice as long as the one before, up to MAX_REVIVE_ROUND_MS.
    for (const round of [2, 4, 8, 12, 12].map((n) => n * REVIVE_ROUND_MS)) {
      expect(types(step(state, { type: 'TimerFired' }, revivedAt + round - 1))).not.toContain('ReviveOffers');
      expect(types(step(state, { type: 'TimerFired' }, revivedAt + round))).toContain('ReviveOffers');
      revivedAt += round;
    }
    // Offers came: the next REVIVE waits for new demand again, and comes at once for it.
    step(state, offersReceived([makeOffer('o1', 0.1, 64)]), revivedAt + 1);
    expect(types(step(state, { type: 'TimerFired' }, revivedAt + 10 * MAX_REVIVE_ROUND_MS))).not.toContain('ReviveOffers');
    expect(types(step(state, { type: 'DriverSubmitted', spec: makeSpec('c') }, revivedAt + 10 * MAX_REVIVE_ROUND_MS))).toContain('ReviveOffers');
  });

  test('a wake that fires early (timers may, by a millisecond) is asked for again, and the due retry then revives', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: makeSpec('a', { supervise: true }) }, 1);
    const [taskId] = launchedIds(step(state, offersReceived([makeOffer('o1', 1, 1000)]), 2));
    const failed = step(state, statusReceived(taskId!, 'TASK_FAILED'), 3);
    const [retryAt] = wakes(failed);
    expect(retryAt).toBeGreaterThan(3);
    expect(step(state, { type: 'TimerFired' }, retryAt! - 1)).toEqual([{ type: 'ScheduleWake', atMs: retryAt }]);
    expect(step(state, { type: 'TimerFired' }, retryAt!)).toEqual([{ type: 'ReviveOffers' }, { type: 'ScheduleWake', atMs: retryAt! + REVIVE_ROUND_MS }]);
  });

  test('an undeclared queue rejects that submission with a clear message; the others are unaffected', () => {
    const state = scheduler({ 'spark.mesos.dispatcher.queue.urgent': '5' });
    const effects = step(state, { type: 'DriverSubmitted', spec: makeSpec('a', { queue: 'typo' }) }, 5);
    expect(effects).toEqual([{
      type: 'PersistDriver', submissionId: 'a', queue: 'typo', submittedAtMs: 1_000,
      status: {
        phase: 'finished', attempts: 0, retries: 0, outcome: 'rejected', reason: 'UnknownQueue', finishedAtMs: 5,
        message: "queue 'typo' is not declared (declared: default, urgent); declare it with spark.mesos.dispatcher.queue.typo=<priority>",
      },
    }]);
    expect(phaseOf(state, 'a')).toBe('finished');
    expect(types(step(state, { type: 'DriverSubmitted', spec: makeSpec('b', { queue: 'urgent' }) }, 6))).toEqual(['PersistDriver', 'ReviveOffers', 'ScheduleWake']);
  });

  test('an invalid driver finishes with outcome error listing what is wrong, and is never offered anything', () => {
    const state = scheduler();
    const effects = step(state, { type: 'DriverSubmitted', spec: makeSpec('bad', { props: { 'spark.mesos.driver.constraints': 'os', 'spark.mesos.driver.labels': 'x' } }) }, 5);
    expect(statusOf(state, 'bad')).toMatchObject({
      phase: 'finished', outcome: 'error', reason: 'InvalidDriver',
      message: "spark.mesos.driver.constraints: bad constraint string 'os': entry 'os' must have exactly one ':' (attribute:value1,value2); spark.mesos.driver.labels: Malformed label: x",
    });
    expect(types(effects)).toEqual(['PersistDriver']);
    expect(types(step(state, offersReceived([makeOffer('o1', 8, 8000)]), 6))).toEqual(['DeclineOffers']);
  });

  test('spark.mesos.maxDrivers counts launched drivers only (Spark\'s semantics)', () => {
    const state = scheduler({ 'spark.mesos.maxDrivers': '1' });
    for (const id of ['a', 'b']) step(state, { type: 'DriverSubmitted', spec: makeSpec(id) }, 1);
    expect(driverCounts(state)).toMatchObject({ queued: 2 });
    step(state, offersReceived([makeOffer('o1', 1, 1000)]), 2);
    expect(driverCounts(state)).toMatchObject({ queued: 1, launched: 1 });
    step(state, { type: 'DriverSubmitted', spec: makeSpec('c') }, 3);
    expect(statusOf(state, 'c')).toMatchObject({ phase: 'finished', outcome: 'rejected', reason: 'MaxDriversReached', message: 'Already reached maximum submission size' });
  });

  test('a known submission ID is not admitted twice', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: makeSpec('a') }, 1);
    expect(step(state, { type: 'DriverSubmitted', spec: makeSpec('a', { queue: 'other' }) }, 2)).toEqual([]);
    expect(phaseOf(state, 'a')).toBe('queued');
  });

  test('a spec that already asks for a kill finishes killed', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: makeSpec('a', { killRequested: true }) }, 1);
    expect(statusOf(state, 'a')).toMatchObject({ phase: 'finished', outcome: 'killed' });
  });
});

describe('offer handling', () => {
  test('no drivers: the offer is declined with the 120 s refuse filter, and offers are suppressed', () => {
    const state = createScheduler(makeConfig());
    expect(step(state, offersReceived([makeOffer('o1', 4, 4000)]), 1)).toEqual([
      { type: 'DeclineOffers', offerIds: ['o1'], refuseSeconds: 120 },
      { type: 'SuppressOffers' },
    ]);
  });

  test('launch: intent persisted before the accept, unused offers declined, suppressed once nothing waits', () => {
    const state = scheduler({ 'spark.mesos.rejectOfferDuration': '30s' });
    step(state, { type: 'DriverSubmitted', spec: makeSpec('a') }, 1);
    const big = makeOffer('big', 2, 4000);
    const effects = step(state, offersReceived([makeOffer('small', 0.5, 4000), big]), 2);
    expect(types(effects)).toEqual(['PersistDriver', 'LaunchTasks', 'DeclineOffers', 'SuppressOffers']);
    expect(effects[0]).toEqual({
      type: 'PersistDriver', submissionId: 'a', from: 'queued', queue: 'default', submittedAtMs: 1_000, backend: 'mesos',
      status: { phase: 'launched', attempts: 1, retries: 0, killRequested: false, attempt: { taskId: 'a', agentId: 'agent-big', launchedAtMs: 2 } },
    });
    expect(effects[1]).toMatchObject({ type: 'LaunchTasks', offerId: 'big', agentId: 'agent-big', frameworkId: 'fw' });
    expect(claimedOf(launches(effects)[0], big)).toEqual([scalar('cpus', 1), scalar('mem', 1000)]);
    expect(effects[2]).toEqual({ type: 'DeclineOffers', offerIds: ['small'], refuseSeconds: 30 });
  });

  test('several drivers share one offer without over-committing it; the one that does not fit waits', () => {
    const state = scheduler();
    for (const id of ['a', 'b', 'c']) step(state, { type: 'DriverSubmitted', spec: makeSpec(id, { props: { 'spark.driver.memory': '1500m' } }) }, 1);
    const effects = step(state, offersReceived([makeOffer('o1', 8, 3500)]), 2);
    expect(launchedIds(effects)).toEqual(['a', 'b']);
    expect(types(effects)).toEqual(['PersistDriver', 'PersistDriver', 'LaunchTasks']);
    expect(phaseOf(state, 'c')).toBe('queued');
  });

  test('resources of several roles in one offer are combined (Spark\'s partitioning)', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: makeSpec('a', { props: { 'spark.driver.cores': '1.5', 'spark.driver.memory': '1200m' } }) }, 1);
    const offer = makeOffer('o1', 0, 0, { resources: [scalar('cpus', 1, '*'), scalar('mem', 1000, '*'), scalar('cpus', 1, 'role2'), scalar('mem', 500, 'role2')] });
    expect(claimedOf(launches(step(state, offersReceived([offer]), 2))[0], offer)).toEqual([
      scalar('cpus', 1, '*'), scalar('cpus', 0.5, 'role2'), scalar('mem', 1000, '*'), scalar('mem', 200, 'role2'),
    ]);
  });

  test('constraints pick the agent; a driver whose constraints clash with an agent\'s attribute type errors without stopping others', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: makeSpec('typed', { props: { 'spark.mesos.driver.constraints': 'zone:one' } }) }, 1);
    step(state, { type: 'DriverSubmitted', spec: makeSpec('east', { props: { 'spark.mesos.driver.constraints': 'os:ubuntu' } }) }, 2);
    step(state, { type: 'DriverSubmitted', spec: makeSpec('any') }, 3);
    const offers = [
      makeOffer('centos', 8, 8000, { attributes: [text('os', 'centos'), { name: 'zone', type: 'SCALAR', scalar: { value: 1 } }] }),
      makeOffer('ubuntu', 8, 8000, { attributes: [text('os', 'ubuntu')] }),
    ];
    const effects = step(state, offersReceived(offers), 4);
    expect(effects.filter((e) => e.type === 'LaunchTasks').map((e) => e.type === 'LaunchTasks' && [e.offerId, e.tasks.map((t) => t.taskId)]))
      .toEqual([['centos', ['any']], ['ubuntu', ['east']]]);
    expect(statusOf(state, 'typed')).toMatchObject({
      phase: 'finished', outcome: 'error',
      message: "spark.mesos.driver.constraints: attribute 'zone' is a scalar on agent host-centos, so its values must be numbers, but got 'one'",
    });
  });
});

describe('status updates and supervised retries', () => {
  function launchedDriver(supervise: boolean, props: Record<string, string> = {}): SchedulerState {
    const state = scheduler(props);
    step(state, { type: 'DriverSubmitted', spec: makeSpec('d', { supervise }) }, 0);
    step(state, offersReceived([makeOffer('o1', 4, 4000, { agent: 'agent-1' })]), 0);
    return state;
  }

  test('TASK_RUNNING is recorded and acknowledged; a terminal update is acknowledged once its driver\'s status is recorded', () => {
    const state = launchedDriver(false);
    const effects = step(state, statusReceived('d', 'TASK_RUNNING', { uuid: true }), 10);
    expect(types(effects)).toEqual(['PersistDriver', 'Acknowledge']);
    // A live task's update needs no recorded status first: reconciliation would report it again.
    expect(effects[1]).toEqual({ type: 'Acknowledge', acknowledgement: { taskId: 'd', agentId: 'agent-1', token: new Uint8Array([1, 2, 3]) } });

    expect(statusOf(state, 'd')).toMatchObject({ phase: 'launched', attempt: { lastStatus: { state: 'running' }, runningSinceMs: 10 } });
    const ended = step(state, statusReceived('d', 'TASK_FINISHED', { uuid: true }), 11);
    expect(ended.find((e) => e.type === 'Acknowledge')).toEqual({ type: 'Acknowledge', acknowledgement: { taskId: 'd', agentId: 'agent-1', token: new Uint8Array([1, 2, 3]) }, submissionId: 'd' });
  });

  test('an unsupervised TASK_FAILED finishes the driver as failed', () => {
    const state = launchedDriver(false);
    step(state, statusReceived('d', 'TASK_FAILED', { message: 'exit 1', reason: 'REASON_COMMAND_EXECUTOR_FAILED' }), 10);
    expect(statusOf(state, 'd')).toMatchObject({
      phase: 'finished', outcome: 'failed', reason: 'TaskFailed',
      message: 'Task d ended with TASK_FAILED (REASON_COMMAND_EXECUTOR_FAILED): exit 1',
    });
  });

  test('backoff 1, 2, 4, 8, 16, 32, 60, 60 s; the wake revives offers the moment a retry is due', () => {
    const state = launchedDriver(true);
    let now = 1_000;
    let task = 'd';
    const waits: number[] = [];
    for (let failure = 1; failure <= 8; failure++) {
      const failed = step(state, statusReceived(task, 'TASK_FAILED'), now);
      // Offers were suppressed when the queue emptied; nothing waits until the backoff ends.
      expect(types(failed)).toEqual(['PersistDriver', 'ScheduleWake']);
      const [wakeAt = 0] = wakes(failed);
      waits.push((wakeAt - now) / 1000);
      // A wake that came a millisecond early asks for another.
      expect(step(state, { type: 'TimerFired' }, wakeAt - 1)).toEqual([{ type: 'ScheduleWake', atMs: wakeAt }]);
      expect(step(state, { type: 'TimerFired' }, wakeAt)).toEqual([{ type: 'ReviveOffers' }, { type: 'ScheduleWake', atMs: wakeAt + REVIVE_ROUND_MS }]);
      const relaunch = step(state, offersReceived([makeOffer(`o${failure}`, 4, 4000)]), wakeAt + 5);
      task = `d-retry-${failure}`;
      expect(launchedIds(relaunch)).toEqual([task]);
      now = wakeAt + 100;
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
  });

  test('a retry waiting for its backoff is not launched, and the offer is declined', () => {
    const state = launchedDriver(true);
    step(state, statusReceived('d', 'TASK_RUNNING'), 500);
    step(state, statusReceived('d', 'TASK_LOST'), 1_000);
    expect(types(step(state, offersReceived([makeOffer('o2', 4, 4000)]), 1_999))).toEqual(['DeclineOffers']);
    expect(launchedIds(step(state, offersReceived([makeOffer('o3', 4, 4000)]), 2_000))).toEqual(['d-retry-1']);
  });

  test('retries go before queued drivers for a contested offer', () => {
    const state = launchedDriver(true);
    step(state, statusReceived('d', 'TASK_FAILED'), 1_000);
    step(state, { type: 'DriverSubmitted', spec: makeSpec('queued-first') }, 1_500);
    expect(launchedIds(step(state, offersReceived([makeOffer('o2', 1, 1000)]), 3_000))).toEqual(['d-retry-1']);
  });

  test('a bound on retries ends the driver after the last one', () => {
    const state = launchedDriver(true, { 'spark.mesos.driver.supervise.maxRetries': '1' });
    step(state, statusReceived('d', 'TASK_FAILED'), 1_000);
    step(state, offersReceived([makeOffer('o2', 4, 4000)]), 2_000);
    step(state, statusReceived('d-retry-1', 'TASK_FAILED'), 3_000);
    expect(statusOf(state, 'd')).toMatchObject({ phase: 'finished', outcome: 'failed', reason: 'RetriesExhausted' });
  });

  test('outdated updates: an old attempt\'s failure does not relaunch again (SPARK-27347); its RUNNING task is killed', () => {
    const state = launchedDriver(true);
    step(state, statusReceived('d', 'TASK_RUNNING'), 500);
    step(state, statusReceived('d', 'TASK_LOST'), 1_000);
    step(state, offersReceived([makeOffer('o2', 4, 4000, { agent: 'agent-2' })]), 2_000);
    const before = statusOf(state, 'd');
    expect(types(step(state, statusReceived('d', 'TASK_FAILED'), 3_000))).toEqual([]);
    expect(statusOf(state, 'd')).toBe(before);
    expect(step(state, statusReceived('d', 'TASK_RUNNING', { agent: 'agent-1' }), 3_001))
      .toEqual([{ type: 'KillTask', taskId: 'd', agentId: 'agent-1' }]);
  });

  test('a running task of no known driver is killed and reported', () => {
    const state = scheduler();
    expect(step(state, statusReceived('ghost', 'TASK_RUNNING', { agent: 'agent-5' }), 1)).toEqual([
      { type: 'KillTask', taskId: 'ghost', agentId: 'agent-5' },
      { type: 'ReportAnomaly', message: 'status TASK_RUNNING for task ghost of no known driver; killing it' },
    ]);
  });
});

describe('kill', () => {
  test('queued: finished as killed, never launched', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: makeSpec('a') }, 1);
    expect(types(step(state, { type: 'KillRequested', submissionId: 'a' }, 2))).toEqual(['PersistDriver', 'SuppressOffers']);
    expect(statusOf(state, 'a')).toMatchObject({ outcome: 'killed', message: "Removed driver while it's still pending" });
    expect(launches(step(state, offersReceived([makeOffer('o1', 4, 4000)]), 3))).toEqual([]);
  });

  test('launched: the task is killed and the intent remembered, so a TASK_FAILED is not relaunched', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: makeSpec('a', { supervise: true }) }, 1);
    step(state, offersReceived([makeOffer('o1', 4, 4000, { agent: 'agent-1' })]), 2);
    expect(step(state, { type: 'KillRequested', submissionId: 'a' }, 3)).toEqual([
      { type: 'PersistDriver', submissionId: 'a', from: 'launched', queue: 'default', submittedAtMs: 1_000, backend: 'mesos', status: expect.objectContaining({ phase: 'launched', killRequested: true }) },
      { type: 'KillTask', taskId: 'a', agentId: 'agent-1' },
    ]);
    step(state, statusReceived('a', 'TASK_FAILED'), 4);
    expect(statusOf(state, 'a')).toMatchObject({ phase: 'finished', outcome: 'killed', reason: 'KillRequested' });
  });

  test('retrying: finished as killed, and the pending wake no longer revives', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: makeSpec('a', { supervise: true }) }, 1);
    step(state, offersReceived([makeOffer('o1', 4, 4000)]), 2);
    step(state, statusReceived('a', 'TASK_FAILED'), 3);
    step(state, { type: 'KillRequested', submissionId: 'a' }, 4);
    expect(statusOf(state, 'a')).toMatchObject({ outcome: 'killed', message: "Removed driver while it's being retried" });
    expect(step(state, { type: 'TimerFired' }, 10_000)).toEqual([]);
  });

  test('finished: nothing happens; unknown: reported', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: makeSpec('a', { queue: 'nope' }) }, 1);
    expect(step(state, { type: 'KillRequested', submissionId: 'a' }, 2)).toEqual([]);
    expect(step(state, { type: 'KillRequested', submissionId: 'b' }, 2)).toEqual([
      { type: 'ReportAnomaly', submissionId: 'b', message: 'kill requested for unknown driver b' },
    ]);
  });
});

describe('removal, retention and subscription', () => {
  test('removing a launched driver kills its task; a removed queued driver is never launched', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: makeSpec('a') }, 1);
    step(state, offersReceived([makeOffer('o1', 1, 1000, { agent: 'agent-1' })]), 2);
    step(state, { type: 'DriverSubmitted', spec: makeSpec('b') }, 3);
    expect(step(state, { type: 'DriverRemoved', submissionId: 'a' }, 4)).toEqual([{ type: 'KillTask', taskId: 'a', agentId: 'agent-1' }]);
    expect(step(state, { type: 'DriverRemoved', submissionId: 'b' }, 5)).toEqual([{ type: 'SuppressOffers' }]);
    expect(driverView(state, 'a')).toBeUndefined();
    expect(types(step(state, offersReceived([makeOffer('o2', 4, 4000)]), 6))).toEqual(['DeclineOffers']);
  });

  test('finished drivers beyond spark.mesos.retainedDrivers are forgotten, oldest tenth first', () => {
    const state = scheduler({ 'spark.mesos.retainedDrivers': '20' });
    for (let i = 0; i < 20; i++) step(state, { type: 'DriverSubmitted', spec: makeSpec(`r${i}`, { queue: 'nope' }) }, i);
    expect(driverCounts(state).finished).toBe(20);
    const effects = step(state, { type: 'DriverSubmitted', spec: makeSpec('r20', { queue: 'nope' }) }, 20);
    expect(effects.filter((e) => e.type === 'ForgetDriver')).toEqual([
      { type: 'ForgetDriver', submissionId: 'r0' }, { type: 'ForgetDriver', submissionId: 'r1' },
    ]);
    expect(driverCounts(state).finished).toBe(19);
    expect(driverView(state, 'r0')).toBeUndefined();
  });

  test('(re)subscribing reconciles every launched task, re-sends kills and restates offer interest', () => {
    const state = scheduler();
    for (const id of ['a', 'b', 'c']) step(state, { type: 'DriverSubmitted', spec: makeSpec(id) }, 1);
    step(state, offersReceived([makeOffer('o1', 2, 2000, { agent: 'agent-1' })]), 2);
    step(state, { type: 'KillRequested', submissionId: 'b' }, 3);
    expect(step(state, { type: 'Subscribed', frameworkId: 'fw' }, 4)).toEqual([
      { type: 'KillTask', taskId: 'b', agentId: 'agent-1' },
      { type: 'ReconcileTasks', tasks: [{ taskId: 'a', agentId: 'agent-1' }, { taskId: 'b', agentId: 'agent-1' }] },
      { type: 'ReconcileTasks', tasks: [] },
      { type: 'ReviveOffers' },
      { type: 'ScheduleWake', atMs: 4 + REVIVE_ROUND_MS },
    ]);
  });

  test('an update of an ended task of no known driver (deleted, or forgotten after it finished) is no anomaly', () => {
    const state = scheduler();
    expect(step(state, statusReceived('gone', 'TASK_FINISHED', { uuid: true }), 1)).toEqual([
      { type: 'Acknowledge', acknowledgement: { taskId: 'gone', agentId: 'agent-1', token: new Uint8Array([1, 2, 3]) } },
    ]);
  });
});

test('an unknown task ID of any length is quoted shortened in the anomaly message', () => {
  const state = createScheduler(makeConfig());
  const long = `t${'x'.repeat(100_000)}`;
  const anomaly = step(state, statusReceived(long, 'TASK_RUNNING'), 1).find((e) => e.type === 'ReportAnomaly');
  expect(anomaly).toMatchObject({ type: 'ReportAnomaly', message: `status TASK_RUNNING for task ${long.slice(0, 120)}… (100001 characters) of no known driver; killing it` });
});

describe('a driver larger than every offer', () => {
  const big = makeSpec('big', { props: { 'spark.driver.memory': '64g' } });

  test('is told so after an offer round, with what it needs and the most offered, and stays queued', () => {
    const state = scheduler();
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
    step(state, { type: 'DriverSubmitted', spec: big }, 1);
    const effects = step(state, offersReceived([makeOffer('o1', 4, 8192), makeOffer('o2', 8, 4096)]), 2);
    expect(types(effects)).toContain('PersistDriver');
    expect(statusOf(state, 'big')).toMatchObject({
      phase: 'queued',
      tooLarge: { needs: { cpusMilli: 1000 }, largest: { cpusMilli: 8000, memMilli: 8192000 } },
    });
    // The same round again changes nothing: no write.
    expect(types(step(state, offersReceived([makeOffer('o3', 4, 8192)]), 3))).not.toContain('PersistDriver');
  });

  test('a larger offer that is still too small updates the figures; one that fits launches it', () => {
    const state = scheduler();
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
    step(state, { type: 'DriverSubmitted', spec: big }, 1);
    step(state, offersReceived([makeOffer('o1', 4, 8192)]), 2);
    step(state, offersReceived([makeOffer('o2', 4, 16384)]), 3);
    expect(statusOf(state, 'big')).toMatchObject({ phase: 'queued', tooLarge: { largest: { memMilli: 16384000 } } });
    step(state, offersReceived([makeOffer('o3', 4, 80000)]), 4);
    expect(statusOf(state, 'big')?.phase).toBe('launched');
  });

  test('a driver that fits the largest offer but found it taken is not flagged; a flagged one is cleared once offers grow', () => {
    const state = scheduler();
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
    step(state, { type: 'DriverSubmitted', spec: big }, 1);
    step(state, offersReceived([makeOffer('o1', 4, 8192)]), 2);
    expect(statusOf(state, 'big')).toHaveProperty('tooLarge');
    // A larger agent appears, but its offer goes to a driver ahead in the queue.
    step(state, { type: 'DriverSubmitted', spec: makeSpec('first', { props: { 'spark.driver.memory': '64g' }, queue: 'default' }) }, 3);
    step(state, offersReceived([makeOffer('o2', 1, 70000)]), 4);
    const launched = ['big', 'first'].filter((id) => statusOf(state, id)?.phase === 'launched');
    expect(launched).toHaveLength(1);
    const waiting = ['big', 'first'].find((id) => !launched.includes(id)) ?? '';
    expect(statusOf(state, waiting)).toMatchObject({ phase: 'queued' });
    expect(statusOf(state, waiting)).not.toHaveProperty('tooLarge');
  });
});
