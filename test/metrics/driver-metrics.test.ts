// Driver lifecycle metrics driven by the real scheduler core: every input goes through `step`
// and its effects through `observeEffects`, as the scheduler loop's onEffects hook does; the
// result is scraped over HTTP and parsed strictly.
import type { KubeObject } from '../../src/kube/kube-client.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import type { Effect } from '../../src/scheduler/effects.ts';
import type { SchedulerInput } from '../../src/scheduler/inputs.ts';
import { createScheduler, driverCounts, driverView, step, type SchedulerState } from '../../src/scheduler/scheduler.ts';
import { histogramOf, valueOf } from '../support/prometheus-text.ts';
import { makeConfig, makeOffer, makeSpec, offersReceived, statusReceived } from '../scheduler/fixtures.ts';
import { scrape } from './harness.ts';

function scenario(props: Record<string, string> = {}) {
  const metrics = createMetrics({ processMetrics: false });
  const state: SchedulerState = createScheduler(makeConfig(props));
  const run = (input: SchedulerInput, nowMs: number) => {
    const effects = step(state, input, nowMs);
    metrics.observeEffects(effects);
    return effects;
  };
  return { metrics, state, run };
}

const offer = (id: string) => makeOffer(id, 1, 1000);

describe('a scripted run through the scheduler core', () => {
  const { metrics, state, run } = scenario();
  let families: Awaited<ReturnType<typeof scrape>>;

  beforeAll(async () => {
    run({ type: 'Subscribed', frameworkId: 'fw' }, 0);
    run({ type: 'DriverSubmitted', spec: makeSpec('a', { submittedAtMs: 1_000 }) }, 1_000);
    run({ type: 'DriverSubmitted', spec: makeSpec('b', { submittedAtMs: 2_000, supervise: true }) }, 2_000);
    run({ type: 'DriverSubmitted', spec: makeSpec('c', { submittedAtMs: 3_000, queue: 'nope' }) }, 3_000);
    run({ type: 'DriverSubmitted', spec: makeSpec('bad', { submittedAtMs: 3_500, props: { 'spark.mesos.driver.constraints': 'os' } }) }, 3_500);
    run({ type: 'DriverSubmitted', spec: makeSpec('d', { submittedAtMs: 4_000 }) }, 4_000);
    run({ type: 'DriverSubmitted', spec: makeSpec('e', { submittedAtMs: 4_500 }) }, 4_500);
    run({ type: 'KillRequested', submissionId: 'e' }, 5_000);
    const launched = run(offersReceived([offer('o1'), offer('o2'), offer('o3'), offer('o4')]), 11_000);
    expect(launched.filter((e) => e.type === 'LaunchTasks')).toHaveLength(3);

    run(statusReceived('a', 'TASK_STARTING'), 12_000);
    run(statusReceived('a', 'TASK_RUNNING'), 13_000);
    run(statusReceived('a', 'TASK_RUNNING'), 13_500); // a repeat: no-op
    run(statusReceived('b', 'TASK_RUNNING'), 12_000);
    // d's launch never reached an agent: requeued, then relaunched, then it errors.
    run(statusReceived('d', 'TASK_LOST', { reason: 'REASON_RECONCILIATION', message: 'Reconciliation: Task is unknown to the agent' }), 14_000);
    run(offersReceived([offer('o6')]), 15_000);
    run(statusReceived('d-retry-1', 'TASK_ERROR', { reason: 'REASON_TASK_INVALID' }), 16_000);
    run(statusReceived('ghost', 'TASK_RUNNING'), 17_000);
    // b fails, is retried after its backoff, runs, and is killed on request.
    run(statusReceived('b', 'TASK_FAILED', { reason: 'REASON_COMMAND_EXECUTOR_FAILED' }), 20_000);
    const retrying = driverView(state, 'b')?.status;
    expect(retrying).toMatchObject({ phase: 'retrying', nextRetryAtMs: 21_000 });
    run({ type: 'TimerFired' }, 21_000);
    run(offersReceived([offer('o5')]), 21_500);
    run(statusReceived('b-retry-1', 'TASK_RUNNING'), 22_000);
    run({ type: 'KillRequested', submissionId: 'b' }, 30_000);
    run({ type: 'KillRequested', submissionId: 'b' }, 30_500); // repeated: the kill is sent again
    run(statusReceived('b-retry-1', 'TASK_KILLED'), 31_000);
    run(statusReceived('a', 'TASK_FINISHED'), 73_000);
    families = await scrape(metrics.registry);
  });

  test('submissions: admitted to the queue, or rejected at admission', () => {
    expect(valueOf(families, 'sparkdispatcher_submissions_total', { result: 'accepted' })).toBe(4);
    expect(valueOf(families, 'sparkdispatcher_submissions_total', { result: 'rejected' })).toBe(1);
  });

  test('launches by attempt, the requeue of a launch that never started, retries by Mesos state', () => {
    expect(valueOf(families, 'sparkdispatcher_launches_total', { attempt: 'first' })).toBe(3);
    expect(valueOf(families, 'sparkdispatcher_launches_total', { attempt: 'relaunch' })).toBe(2);
    expect(valueOf(families, 'sparkdispatcher_requeues_total')).toBe(1);
    expect(valueOf(families, 'sparkdispatcher_retries_total', { mesos_state: 'TASK_FAILED' })).toBe(1);
    expect(valueOf(families, 'sparkdispatcher_retries_total', { mesos_state: 'TASK_LOST' })).toBe(0);
  });

  test('finished drivers by outcome and last Mesos state agree with the core\'s own count', () => {
    const finished = (outcome: string, mesos_state: string) => valueOf(families, 'sparkdispatcher_finished_total', { outcome, mesos_state });
    expect(finished('succeeded', 'TASK_FINISHED')).toBe(1);
    expect(finished('killed', 'TASK_KILLED')).toBe(1);
    expect(finished('killed', 'none')).toBe(1);
    expect(finished('error', 'TASK_ERROR')).toBe(1);
    expect(finished('error', 'none')).toBe(1);
    expect(finished('rejected', 'none')).toBe(1);
    expect(finished('failed', 'TASK_FAILED')).toBe(0);
    const total = families.get('sparkdispatcher_finished_total')!.samples.reduce((sum, s) => sum + s.value, 0);
    expect(total).toBe(driverCounts(state).finished);
  });

  test('kills sent and anomalies reported', () => {
    // b's kill, sent twice, and the unknown task "ghost".
    expect(valueOf(families, 'sparkdispatcher_task_kills_total')).toBe(3);
    expect(valueOf(families, 'sparkdispatcher_scheduler_anomalies_total')).toBe(1);
  });

  test('queue wait: submission to first launch', () => {
    const wait = histogramOf(families, 'sparkdispatcher_queue_wait_seconds')!;
    expect(wait.count).toBe(3);
    expect(wait.sum).toBeCloseTo(10 + 9 + 7);
    expect(wait.buckets.get(5)).toBe(0);
    expect(wait.buckets.get(10)).toBe(3);
  });

  test('launch to running, for the first TASK_RUNNING of each attempt only', () => {
    const toRunning = histogramOf(families, 'sparkdispatcher_launch_to_running_seconds')!;
    expect(toRunning.count).toBe(3);
    expect(toRunning.sum).toBeCloseTo(2 + 1 + 0.5);
    expect(toRunning.buckets.get(0.5)).toBe(1);
    expect(toRunning.buckets.get(1)).toBe(2);
  });

  test('run time (last launch to finish) and submit to finish, by outcome', () => {
    expect(histogramOf(families, 'sparkdispatcher_run_duration_seconds', { outcome: 'succeeded' })).toMatchObject({ count: 1, sum: 62 });
    expect(histogramOf(families, 'sparkdispatcher_run_duration_seconds', { outcome: 'killed' })).toMatchObject({ count: 1, sum: 9.5 });
    expect(histogramOf(families, 'sparkdispatcher_run_duration_seconds', { outcome: 'error' })).toMatchObject({ count: 1, sum: 1 });
    expect(histogramOf(families, 'sparkdispatcher_run_duration_seconds', { outcome: 'failed' })).toMatchObject({ count: 0, sum: 0 });
    expect(histogramOf(families, 'sparkdispatcher_submit_to_finish_seconds', { outcome: 'succeeded' })).toMatchObject({ count: 1, sum: 72 });
    expect(histogramOf(families, 'sparkdispatcher_submit_to_finish_seconds', { outcome: 'killed' })).toMatchObject({ count: 2, sum: 29.5 });
    expect(histogramOf(families, 'sparkdispatcher_submit_to_finish_seconds', { outcome: 'error' })).toMatchObject({ count: 2, sum: 12 });
    expect(histogramOf(families, 'sparkdispatcher_submit_to_finish_seconds', { outcome: 'rejected' })).toMatchObject({ count: 1, sum: 0 });
  });
});

test('maxDrivers rejects at admission; a submission is counted once even if offered again', async () => {
  const { metrics, run } = scenario({ 'spark.mesos.maxDrivers': '1' });
  run({ type: 'Subscribed', frameworkId: 'fw' }, 0);
  run({ type: 'DriverSubmitted', spec: makeSpec('a') }, 1_000);
  run({ type: 'DriverSubmitted', spec: makeSpec('a') }, 1_001);
  run(offersReceived([offer('o1')]), 2_000);
  run({ type: 'DriverSubmitted', spec: makeSpec('b') }, 3_000);
  const families = await scrape(metrics.registry);
  expect(valueOf(families, 'sparkdispatcher_submissions_total', { result: 'accepted' })).toBe(1);
  expect(valueOf(families, 'sparkdispatcher_submissions_total', { result: 'rejected' })).toBe(1);
  expect(valueOf(families, 'sparkdispatcher_finished_total', { outcome: 'rejected', mesos_state: 'none' })).toBe(1);
});

test('the effects alone time a driver: one forgotten in the step that finished it is still timed from its submission', async () => {
  const metrics = createMetrics({ processMetrics: false });
  const state = createScheduler(makeConfig({ 'spark.mesos.retainedDrivers': '0' }));
  const run = (input: SchedulerInput, nowMs: number) => metrics.observeEffects(step(state, input, nowMs));
  run({ type: 'Subscribed', frameworkId: 'fw' }, 0);
  run({ type: 'DriverSubmitted', spec: makeSpec('a') }, 1_000);
  run(offersReceived([offer('o1')]), 2_000);
  run(statusReceived('a', 'TASK_FINISHED'), 5_000);
  expect(driverView(state, 'a')).toBeUndefined();
  const families = await scrape(metrics.registry);
  expect(valueOf(families, 'sparkdispatcher_launches_total', { attempt: 'first' })).toBe(1);
  expect(histogramOf(families, 'sparkdispatcher_queue_wait_seconds')).toMatchObject({ count: 1, sum: 1 });
  expect(histogramOf(families, 'sparkdispatcher_run_duration_seconds', { outcome: 'succeeded' })).toMatchObject({ count: 1, sum: 3 });
  expect(histogramOf(families, 'sparkdispatcher_submit_to_finish_seconds', { outcome: 'succeeded' })).toMatchObject({ count: 1, sum: 4 });
});

describe('drivers by phase and queue, counted from the resources at each scrape', () => {
  const resource = (name: string, phase?: string, queue?: string): KubeObject =>
    ({ metadata: { name, namespace: 'default' }, ...(queue !== undefined && { spec: { queue } }), ...(phase !== undefined && { status: { phase } }) });

  test('every phase of every declared queue is reported, 0 included; a resource without a phase is Pending', async () => {
    const metrics = createMetrics({ processMetrics: false, queues: ['urgent'] });
    let resources: KubeObject[] = [];
    const phases = async (queue: string) => {
      const families = await scrape(metrics.registry);
      return Object.fromEntries(families.get('sparkdispatcher_drivers')!.samples.filter((s) => s.labels.queue === queue).map((s) => [s.labels.phase, s.value]));
    };
    const zero = { Pending: 0, Queued: 0, Launched: 0, Retrying: 0, Finished: 0 };
    expect(await phases('default')).toEqual(zero);
    expect(await phases('urgent')).toEqual(zero);
    metrics.bindSources({ drivers: () => resources });
    resources = [resource('a', 'Queued'), resource('b', 'Queued', 'urgent'), resource('c', 'Launched'), resource('d', 'Finished'), resource('e'),
      { metadata: { name: 'f' }, spec: { sparkProperties: { 'spark.mesos.dispatcher.queue': 'urgent' } }, status: { phase: 'Queued' } } as KubeObject];
    expect(await phases('default')).toEqual({ ...zero, Pending: 1, Queued: 1, Launched: 1, Finished: 1 });
    expect(await phases('urgent')).toEqual({ ...zero, Queued: 2 });
    // An undeclared queue (such a driver ends Rejected) shows while resources use it, then goes.
    resources = [resource('c', 'Retrying'), resource('g', 'Finished', 'nightly')];
    expect(await phases('nightly')).toEqual({ Finished: 1 });
    expect(await phases('default')).toEqual({ ...zero, Retrying: 1 });
    resources = [];
    expect(await phases('nightly')).toEqual({});
  });
});

test('an observer that fails logs and returns: the scheduler loop never sees a metrics error', () => {
  const logged: { obj: object; msg: string }[] = [];
  const log = { ...silentLogger, error: (obj: object, msg: string) => logged.push({ obj, msg }) };
  const metrics = createMetrics({ processMetrics: false, log });
  const malformed = { type: 'PersistDriver', submissionId: 'x', status: { phase: 'launched' } } as unknown as Effect;
  expect(() => metrics.observeEffects([malformed])).not.toThrow();
  expect(logged).toEqual([{ obj: { err: expect.stringContaining('lastStatus'), observer: 'observeEffects' }, msg: 'a metrics observer failed; the observation is lost' }]);
});
