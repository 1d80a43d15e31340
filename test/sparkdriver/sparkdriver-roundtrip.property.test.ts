// Recovery depends on this: every DriverStatus written into a SparkDriver status (and stored as
// JSON by the API server) reads back exactly, and recomputing a status later changes nothing.
// Checked on arbitrary well-typed statuses and on what the core's own state machine produces
// along random event sequences.

import fc from 'fast-check';
import { MESOS_TASK_REASONS, MESOS_TASK_SOURCES, MESOS_TASK_STATES, taskUpdateOf } from '../../src/mesos/translation.ts';
import { resolveRetryPolicy, SPARK_RETRY_POLICY } from '../../src/scheduler/backoff.ts';
import type { Attempt, DriverStatus, FinishReason, Outcome } from '../../src/scheduler/driver.ts';
import { transition, type DriverEvent, type DriverFacts } from '../../src/scheduler/state-machine.ts';
import { TASK_STATES, type TaskStatusSummary } from '../../src/scheduler/task-status.ts';
import { fromResourceStatus, toResourceStatus } from '../../src/sparkdriver/driver-status.ts';
import { encodeSchedulerRecord, schedulerRecordOf } from '../../src/sparkdriver/scheduler-record.ts';
import { schedulerRecordSchema, sparkDriverStatusSchema, type SparkDriverStatus } from '../../src/sparkdriver/sparkdriver-status.ts';

const OUTCOMES: Outcome[] = ['succeeded', 'failed', 'killed', 'lost', 'error', 'rejected'];
const FINISH_REASONS: FinishReason[] = [
  'TaskFinished', 'TaskFailed', 'TaskKilled', 'TaskLost', 'TaskError', 'KillRequested', 'RetriesExhausted', 'InvalidDriver', 'UnknownQueue', 'MaxDriversReached',
];

const ms = fc.integer({ min: 0, max: 4_102_444_800_000 });
const count = fc.nat({ max: 1_000 });
const text = fc.string({ maxLength: 40 });

const summary: fc.Arbitrary<TaskStatusSummary> = fc.record({
  taskId: text,
  state: fc.constantFrom(...TASK_STATES),
  reason: fc.constantFrom(...MESOS_TASK_REASONS),
  message: text,
  source: fc.constantFrom(...MESOS_TASK_SOURCES),
  agentId: text,
  timestamp: fc.double({ min: 0, max: 4e9, noNaN: true, noDefaultInfinity: true }).filter((t) => !Object.is(t, -0)),
}, { requiredKeys: ['taskId', 'state'], noNullPrototype: true });

const attempt: fc.Arbitrary<Attempt> = fc.record({
  taskId: text, agentId: text, launchedAtMs: ms, lastStatus: summary, runningSinceMs: ms,
}, { requiredKeys: ['taskId', 'agentId', 'launchedAtMs'], noNullPrototype: true });

const counters = { attempts: count, retries: count };

const driverStatus: fc.Arbitrary<DriverStatus> = fc.oneof(
  fc.record({ phase: fc.constant('queued' as const), ...counters, message: text }, { requiredKeys: ['phase', 'attempts', 'retries'], noNullPrototype: true }),
  fc.record({ phase: fc.constant('launched' as const), ...counters, attempt, killRequested: fc.boolean() }, { noNullPrototype: true }),
  fc.record({
    phase: fc.constant('retrying' as const), ...counters, waitSeconds: fc.nat({ max: 3_600 }), failedAtMs: ms, nextRetryAtMs: ms, lastFailure: summary,
  }, { noNullPrototype: true }),
  fc.record({
    phase: fc.constant('finished' as const), ...counters, outcome: fc.constantFrom(...OUTCOMES), reason: fc.constantFrom(...FINISH_REASONS),
    message: text, finishedAtMs: ms, lastStatus: summary, lastAttempt: attempt,
  }, { requiredKeys: ['phase', 'attempts', 'retries', 'outcome', 'reason', 'message', 'finishedAtMs'], noNullPrototype: true }),
);

/** What the API server stores and hands back: JSON. */
const stored = (s: SparkDriverStatus): unknown => JSON.parse(JSON.stringify(s));

function roundTrips(previous: SparkDriverStatus | undefined, d: DriverStatus, nowMs: number): SparkDriverStatus {
  const status = toResourceStatus(previous, d, { nowMs, generation: 1, submissionId: 'driver-1', queue: 'default' });
  expect(sparkDriverStatusSchema.safeParse(stored(status)).success).toBe(true);
  expect(fromResourceStatus(stored(status))).toStrictEqual(d);
  // Read back here, the record comes from what this process encoded; the schema reads the same.
  expect(schedulerRecordOf(stored(status))).toStrictEqual(schedulerRecordSchema.parse(JSON.parse(status.schedulerRecord ?? '')));
  // Stable: recomputing later from the stored status writes nothing new.
  const again = toResourceStatus(stored(status) as SparkDriverStatus, d, { nowMs: nowMs + 60_000, generation: 1, submissionId: 'driver-1', queue: 'default' });
  expect(again).toStrictEqual(stored(status));
  return status;
}

test('any DriverStatus reads back exactly, whatever status came before', () => {
  fc.assert(fc.property(driverStatus, fc.option(driverStatus, { nil: undefined }), ms, (d, before, nowMs) => {
    const previous = before === undefined ? undefined : toResourceStatus(undefined, before, { nowMs, generation: 1, submissionId: 'driver-1', queue: 'q' });
    roundTrips(previous, d, nowMs);
  }), { numRuns: 500 });
});

test('a record this process encoded is read back without parsing it again; any other text is read by the schema', () => {
  const d: DriverStatus = { phase: 'launched', attempts: 1, retries: 0, attempt: { taskId: 'driver-1-1', agentId: 'agent-1', launchedAtMs: 1_000 }, killRequested: false };
  const text = encodeSchedulerRecord(d);
  const first = schedulerRecordOf({ schedulerRecord: text });
  expect(schedulerRecordOf({ schedulerRecord: text })).toBe(first);
  // The same record written by another process, laid out differently: read, not recalled.
  const elsewhere = JSON.stringify(JSON.parse(text), null, 1);
  const read = schedulerRecordOf({ schedulerRecord: elsewhere });
  expect(read).not.toBe(first);
  expect(read).toStrictEqual(first);
  expect(schedulerRecordOf({ schedulerRecord: elsewhere.replace('"launched"', '"sideways"') })).toBeUndefined();
});

const event: fc.Arbitrary<(taskId: string) => DriverEvent> = fc.oneof(
  fc.constantFrom('agent-1', 'agent-2').map((agentId) => () => ({ type: 'Launch' as const, agentId })),
  text.map((message) => () => ({ type: 'LaunchFailed' as const, message })),
  fc.constant(() => ({ type: 'Kill' as const })),
  fc.record({ state: fc.constantFrom(...MESOS_TASK_STATES), reason: fc.option(fc.constantFrom(...MESOS_TASK_REASONS), { nil: undefined }), message: text, stale: fc.boolean() })
    .map(({ state, reason, message, stale }) => (taskId: string): DriverEvent => {
      const update = taskUpdateOf({
        task_id: { value: stale ? `${taskId}-old` : taskId }, state, message, agent_id: { value: 'agent-1' }, ...(reason !== undefined && { reason }),
      });
      if (update === undefined) throw new Error(`untranslatable ${state}`);
      return { type: 'StatusUpdate', update };
    }),
);

test('every status along the core\'s own transitions reads back exactly', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(event, fc.nat({ max: 120_000 })), { maxLength: 40 }),
    fc.boolean(), fc.option(fc.integer({ min: -1, max: 5 }), { nil: undefined }), fc.option(fc.nat({ max: 60_000 }), { nil: undefined }),
    (events, supervise, maxRetries, resetAfterMs) => {
      const facts: DriverFacts = {
        submissionId: 'driver-1', supervise,
        retryPolicy: resolveRetryPolicy(SPARK_RETRY_POLICY, { ...(maxRetries !== undefined && { maxRetries }), ...(resetAfterMs !== undefined && { resetAfterMs }) }),
      };
      let d: DriverStatus = { phase: 'queued', attempts: 0, retries: 0 };
      let nowMs = 1_700_000_000_000;
      let status = roundTrips(undefined, d, nowMs);
      for (const [make, elapsed] of events) {
        nowMs += elapsed;
        const taskId: string = d.phase === 'launched' ? d.attempt.taskId : 'driver-1';
        d = transition(facts, d, make(taskId), nowMs).status;
        status = roundTrips(status, d, nowMs);
        expect(status.attempts?.length ?? 0).toBeLessThanOrEqual(10);
      }
    },
  ), { numRuns: 300 });
});
