// The SparkDriver status as a function of the core's DriverStatus: phase and outcome, the
// conditions of every state (kstatus polarity), lastTransitionTime, the attempt ring, invalid
// specs, and the helpers the TTL clean-up uses.

import { replacingMergePatch } from '../../src/operator/merge-patch.ts';
import { taskStateOfName, taskUpdateOf } from '../../src/mesos/translation.ts';
import type { TaskState, TaskStatusReason } from '../../src/mesos/types.ts';
import type { Attempt, DriverStatus, FinishReason, Outcome } from '../../src/scheduler/driver.ts';
import type { TaskStatusSummary } from '../../src/scheduler/task-status.ts';
import {
  finishedAtMs, fromResourceStatus, invalidSpecStatus, isFinished, observedGenerationOf, toResourceStatus, type StatusContext,
} from '../../src/sparkdriver/driver-status.ts';
import { sparkDriverStatusSchema, type SparkDriverStatus } from '../../src/sparkdriver/sparkdriver-status.ts';
import { readStatus, readStoredStatus } from '../../src/sparkdriver/sparkdriver.ts';
import { deepFreeze } from '../../src/runtime/deep-freeze.ts';

const T0 = Date.parse('2024-03-01T10:00:00Z');
const ctx = (nowMs: number, extra: Partial<StatusContext> = {}): StatusContext =>
  ({ nowMs, generation: 1, submissionId: 'driver-1', queue: 'default', ...extra });
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const summary = (taskId: string, state: TaskState, extra: Partial<TaskStatusSummary> = {}): TaskStatusSummary =>
  ({ taskId, state: taskStateOfName(state), agentId: 'agent-1', ...extra });
const attempt = (taskId: string, extra: Partial<Attempt> = {}): Attempt => ({ taskId, agentId: 'agent-1', launchedAtMs: T0 + 1_000, ...extra });
const queued: DriverStatus = { phase: 'queued', attempts: 0, retries: 0 };
const launching: DriverStatus = { phase: 'launched', attempts: 1, retries: 0, killRequested: false, attempt: attempt('driver-1') };
const running: DriverStatus = {
  ...launching,
  attempt: attempt('driver-1', { lastStatus: summary('driver-1', 'TASK_RUNNING', { timestamp: (T0 + 3_000) / 1000 }), runningSinceMs: T0 + 3_500 }),
};
const retrying: DriverStatus = {
  phase: 'retrying', attempts: 1, retries: 1, waitSeconds: 1, failedAtMs: T0 + 9_000, nextRetryAtMs: T0 + 10_000,
  lastFailure: summary('driver-1', 'TASK_FAILED', { reason: 'REASON_COMMAND_EXECUTOR_FAILED', message: 'exit 1' }),
};
const finished = (outcome: Outcome, reason: FinishReason, attempts = 1): Extract<DriverStatus, { phase: 'finished' }> => ({
  phase: 'finished', attempts, retries: 0, outcome, reason, message: `ended: ${reason}`, finishedAtMs: T0 + 20_000,
  ...(attempts > 0 && { lastAttempt: attempt('driver-1', { lastStatus: summary('driver-1', 'TASK_FINISHED') }) }),
});

type Row = Record<string, [string, string]>;
/** The conditions as { type: [status, reason] }. */
const conditionTable = (s: SparkDriverStatus): Row =>
  Object.fromEntries((s.conditions ?? []).map((c) => [c.type, [c.status, c.reason]]));

describe('phases', () => {
  test('queued: accepted, waiting for offers, reconciling', () => {
    const s = toResourceStatus(undefined, queued, ctx(T0));
    expect(s).toMatchObject({
      observedGeneration: 1, phase: 'Queued', submissionId: 'driver-1', queue: 'default', retries: 0, attempts: [],
      message: "Waiting for an offer in queue 'default'", schedulerRecord: JSON.stringify(queued),
    });
    expect(s.outcome).toBeUndefined();
    expect(conditionTable(s)).toEqual({
      Accepted: ['True', 'Accepted'], Launched: ['False', 'WaitingForOffers'], Succeeded: ['Unknown', 'WaitingForOffers'],
      Ready: ['False', 'WaitingForOffers'], Reconciling: ['True', 'WaitingForOffers'], Stalled: ['False', 'WaitingForOffers'],
    });
    expect(s.conditions?.every((c) => c.observedGeneration === 1 && c.lastTransitionTime === iso(T0))).toBe(true);
  });

  test('queued again after a launch that never reached an agent', () => {
    const s = toResourceStatus(undefined, { phase: 'queued', attempts: 1, retries: 0, message: 'never reached an agent' }, ctx(T0));
    expect(conditionTable(s).Reconciling).toEqual(['True', 'Requeued']);
    expect(s.message).toBe('never reached an agent');
  });

  test('launched, not yet running: Launching, still reconciling', () => {
    const s = toResourceStatus(undefined, launching, ctx(T0));
    expect(s).toMatchObject({ phase: 'Launched', currentAttempt: { taskId: 'driver-1', agentId: 'agent-1', launchTime: iso(T0 + 1_000) } });
    expect(s.currentAttempt?.mesos).toBeUndefined();
    expect(conditionTable(s)).toMatchObject({ Launched: ['True', 'Launching'], Ready: ['False', 'Launching'], Reconciling: ['True', 'Launching'] });
  });

  test('running: Ready, not reconciling, with the Mesos state and times', () => {
    const s = toResourceStatus(undefined, running, ctx(T0 + 4_000));
    expect(s.currentAttempt).toStrictEqual({
      taskId: 'driver-1', agentId: 'agent-1', launchTime: iso(T0 + 1_000), runningTime: iso(T0 + 3_000),
      lastUpdateTime: iso(T0 + 3_000), mesos: { state: 'TASK_RUNNING' },
    });
    expect(conditionTable(s)).toEqual({
      Accepted: ['True', 'Accepted'], Launched: ['True', 'Running'], Succeeded: ['Unknown', 'Running'],
      Ready: ['True', 'Running'], Reconciling: ['False', 'Running'], Stalled: ['False', 'Running'],
    });
  });

  test('a kill in progress is reconciling', () => {
    const s = toResourceStatus(undefined, { ...running, killRequested: true }, ctx(T0));
    expect(conditionTable(s)).toMatchObject({ Ready: ['False', 'Killing'], Reconciling: ['True', 'Killing'] });
  });

  test('retrying: backoff pending, next retry time, the failed attempt', () => {
    const before = toResourceStatus(undefined, running, ctx(T0 + 4_000));
    const s = toResourceStatus(before, retrying, ctx(T0 + 9_000));
    expect(s).toMatchObject({ phase: 'Retrying', retries: 1, nextRetryTime: iso(T0 + 10_000) });
    expect(s.message).toBe(`Task driver-1 ended with TASK_FAILED (REASON_COMMAND_EXECUTOR_FAILED): exit 1; retry 1 after 1s, not before ${iso(T0 + 10_000)}`);
    expect(s.currentAttempt).toStrictEqual({
      taskId: 'driver-1', agentId: 'agent-1', launchTime: iso(T0 + 1_000), runningTime: iso(T0 + 3_000), finishTime: iso(T0 + 9_000),
      lastUpdateTime: iso(T0 + 9_000), mesos: { state: 'TASK_FAILED', reason: 'REASON_COMMAND_EXECUTOR_FAILED', message: 'exit 1' },
    });
    expect(s.attempts).toStrictEqual([s.currentAttempt]);
    expect(conditionTable(s)).toMatchObject({ Launched: ['True', 'BackoffPending'], Ready: ['False', 'BackoffPending'], Reconciling: ['True', 'BackoffPending'] });
  });
});

describe('finished outcomes', () => {
  // outcome, reason → Accepted, Succeeded, Ready, Stalled
  const table: [Outcome, FinishReason, string, string, string, string][] = [
    ['succeeded', 'TaskFinished', 'True', 'True', 'True', 'False'],
    ['failed', 'TaskFailed', 'True', 'False', 'False', 'True'],
    ['failed', 'RetriesExhausted', 'True', 'False', 'False', 'True'],
    ['killed', 'KillRequested', 'True', 'False', 'True', 'False'],
    ['killed', 'TaskKilled', 'True', 'False', 'False', 'True'],
    ['lost', 'TaskLost', 'True', 'False', 'False', 'True'],
    ['error', 'TaskError', 'True', 'False', 'False', 'True'],
    ['error', 'InvalidDriver', 'False', 'False', 'False', 'True'],
    ['rejected', 'UnknownQueue', 'False', 'False', 'False', 'True'],
    ['rejected', 'MaxDriversReached', 'False', 'False', 'False', 'True'],
  ];
  test.each(table)('%s (%s)', (outcome, reason, accepted, succeeded, ready, stalled) => {
    const s = toResourceStatus(undefined, finished(outcome, reason), ctx(T0 + 21_000));
    expect(s).toMatchObject({ phase: 'Finished', outcome: outcome.charAt(0).toUpperCase() + outcome.slice(1), finishTime: iso(T0 + 20_000) });
    expect(conditionTable(s)).toEqual({
      Accepted: [accepted, accepted === 'True' ? 'Accepted' : reason], Launched: ['True', reason], Succeeded: [succeeded, reason],
      Ready: [ready, reason], Reconciling: ['False', reason], Stalled: [stalled, reason],
    });
    expect(isFinished(s)).toBe(true);
    expect(finishedAtMs(s)).toBe(T0 + 20_000);
  });

  test('a driver refused before any launch was never launched', () => {
    const s = toResourceStatus(undefined, finished('rejected', 'UnknownQueue', 0), ctx(T0));
    expect(conditionTable(s).Launched).toEqual(['False', 'UnknownQueue']);
    expect(s.currentAttempt).toBeUndefined();
  });
});

describe('conditions over time', () => {
  test('lastTransitionTime moves only when the status does', () => {
    const s1 = toResourceStatus(undefined, queued, ctx(T0));
    const s2 = toResourceStatus(s1, launching, ctx(T0 + 1_000, { generation: 2 }));
    const s3 = toResourceStatus(s2, running, ctx(T0 + 5_000, { generation: 2 }));
    const times = (s: SparkDriverStatus) => Object.fromEntries((s.conditions ?? []).map((c) => [c.type, c.lastTransitionTime]));
    expect(times(s2)).toEqual({ ...times(s1), Launched: iso(T0 + 1_000) });
    expect(times(s3)).toEqual({ ...times(s2), Ready: iso(T0 + 5_000), Reconciling: iso(T0 + 5_000) });
    expect(s3.conditions?.map((c) => c.observedGeneration)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(s3.observedGeneration).toBe(2);
  });

  test('times are whole seconds, whatever the order they are asked in and however many', () => {
    const launchedAt = (ms: number) => toResourceStatus(undefined, launching, ctx(ms)).conditions?.find((c) => c.type === 'Launched')?.lastTransitionTime;
    expect([T0 + 999, T0 + 1_000, T0 + 1_999, T0 + 5, T0 + 61_000].map(launchedAt))
      .toEqual(['2024-03-01T10:00:00Z', '2024-03-01T10:00:01Z', '2024-03-01T10:00:01Z', '2024-03-01T10:00:00Z', '2024-03-01T10:01:01Z']);
    const manySeconds = Array.from({ length: 600 }, (_, i) => T0 + ((i * 7919) % 600) * 1_000 + 250);
    expect(manySeconds.map(launchedAt)).toEqual(manySeconds.map((ms) => iso(Math.floor(ms / 1000) * 1000)));
  });

  test('recomputing from its own result later changes nothing', () => {
    for (const d of [queued, launching, running, retrying, finished('succeeded', 'TaskFinished')]) {
      const first = toResourceStatus(undefined, d, ctx(T0 + 30_000));
      expect(toResourceStatus(first, d, ctx(T0 + 99_000))).toStrictEqual(first);
    }
  });

  test('conditions of other writers and the framework ID are kept', () => {
    const foreign = { type: 'Audited', status: 'True' as const, reason: 'Checked', message: '', lastTransitionTime: iso(T0) };
    const s = toResourceStatus({ conditions: [foreign], frameworkId: 'fw-1' }, queued, ctx(T0));
    expect(s.conditions?.at(-1)).toStrictEqual(foreign);
    expect(s.frameworkId).toBe('fw-1');
    expect(toResourceStatus(s, queued, ctx(T0, { frameworkId: 'fw-2' })).frameworkId).toBe('fw-2');
  });

  test('long messages are shortened where people read them, kept whole in the record', () => {
    const message = 'x'.repeat(5_000);
    const s = toResourceStatus(undefined, { ...finished('failed', 'TaskFailed'), message }, ctx(T0));
    expect(s.message).toHaveLength(1024);
    expect(s.conditions?.filter((c) => c.type !== 'Accepted').every((c) => c.message.length === 1024)).toBe(true);
    expect(fromResourceStatus(s)).toMatchObject({ message });
  });
});

describe('attempt history', () => {
  test('keeps the last 10 attempts, oldest first, each updated in place', () => {
    let s: SparkDriverStatus | undefined;
    for (let n = 0; n < 12; n += 1) {
      const taskId = n === 0 ? 'driver-1' : `driver-1-retry-${n}`;
      const launched: DriverStatus = { phase: 'launched', attempts: n + 1, retries: n, killRequested: false, attempt: attempt(taskId, { launchedAtMs: T0 + n * 10_000 }) };
      s = toResourceStatus(s, launched, ctx(T0 + n * 10_000));
      s = toResourceStatus(s, { ...launched, attempt: { ...launched.attempt, lastStatus: summary(taskId, 'TASK_RUNNING') } }, ctx(T0 + n * 10_000 + 1));
      s = toResourceStatus(s, {
        phase: 'retrying', attempts: n + 1, retries: n + 1, waitSeconds: 1, failedAtMs: T0 + n * 10_000 + 5_000, nextRetryAtMs: T0 + n * 10_000 + 6_000,
        lastFailure: summary(taskId, 'TASK_LOST'),
      }, ctx(T0 + n * 10_000 + 5_000));
    }
    expect(s?.attempts?.map((a) => a.taskId)).toEqual(Array.from({ length: 10 }, (_, i) => `driver-1-retry-${i + 2}`));
    expect(s?.attempts?.every((a) => a.mesos?.state === 'TASK_LOST' && a.finishTime !== undefined && a.launchTime !== undefined)).toBe(true);
    expect(s?.currentAttempt).toStrictEqual(s?.attempts?.at(-1));
  });

  test('a retrying driver killed later keeps the time its attempt failed', () => {
    const r = toResourceStatus(undefined, retrying, ctx(T0 + 9_000));
    const killed: DriverStatus = { ...finished('killed', 'KillRequested', 0), attempts: 1, lastStatus: retrying.lastFailure };
    const s = toResourceStatus(r, killed, ctx(T0 + 20_000));
    expect(s.currentAttempt).toMatchObject({ taskId: 'driver-1', finishTime: iso(T0 + 9_000), mesos: { state: 'TASK_FAILED' } });
  });
});

describe('invalid specs', () => {
  test('Accepted=False and Stalled=True with reason InvalidSpec; finished as Rejected', () => {
    const s = invalidSpecStatus(undefined, ['spec.appResource: must not be empty'], { nowMs: T0, generation: 3 });
    expect(s).toMatchObject({ phase: 'Finished', outcome: 'Rejected', observedGeneration: 3, message: 'Invalid spec: spec.appResource: must not be empty' });
    expect(conditionTable(s)).toEqual({
      Accepted: ['False', 'InvalidSpec'], Launched: ['False', 'InvalidSpec'], Succeeded: ['False', 'InvalidSpec'],
      Ready: ['False', 'InvalidSpec'], Reconciling: ['False', 'InvalidSpec'], Stalled: ['True', 'InvalidSpec'],
    });
    expect(fromResourceStatus(s)).toBeUndefined();
    expect(finishedAtMs(s)).toBe(T0);
    expect(sparkDriverStatusSchema.safeParse(s).success).toBe(true);
  });

  test('the finish time, and so the TTL, does not restart on the next reconcile', () => {
    const s1 = invalidSpecStatus(undefined, ['a'], { nowMs: T0, generation: 1 });
    const s2 = invalidSpecStatus(s1, ['a'], { nowMs: T0 + 60_000, generation: 1 });
    expect(s2).toStrictEqual(s1);
  });
});

describe('helpers and storage', () => {
  test('isFinished and finishedAtMs are undefined-safe', () => {
    expect(isFinished(undefined)).toBe(false);
    expect(finishedAtMs(toResourceStatus(undefined, running, ctx(T0)))).toBeUndefined();
    expect(finishedAtMs({ phase: 'Finished', finishTime: '2024-03-01T10:00:05Z' })).toBe(T0 + 5_000);
  });

  test('a Mesos reason newer than our protos is left out rather than break the status write', () => {
    // The codec hands an enum value it does not know over as its number.
    const odd = taskUpdateOf({ task_id: { value: 'driver-1' }, state: 'TASK_RUNNING', reason: 99 as unknown as TaskStatusReason, source: 'SOURCE_AGENT' })!.status;
    expect(odd.reason).toBe('99');
    const s = toResourceStatus(undefined, { ...running, attempt: attempt('driver-1', { lastStatus: odd }) }, ctx(T0));
    expect(s.currentAttempt?.mesos).toStrictEqual({ state: 'TASK_RUNNING', source: 'SOURCE_AGENT' });
    expect(sparkDriverStatusSchema.safeParse(s).success).toBe(true);
  });

  test('observedGenerationOf reads what the schema accepts, and nothing else', () => {
    expect(observedGenerationOf({ observedGeneration: 3 })).toBe(3);
    expect(observedGenerationOf({ observedGeneration: 0 })).toBe(0);
    for (const odd of [-1, 1.5, '3', null, Number.MAX_VALUE]) expect(observedGenerationOf({ observedGeneration: odd })).toBeUndefined();
    expect(observedGenerationOf({})).toBeUndefined();
    expect(observedGenerationOf(undefined)).toBeUndefined();
  });

  test('fromResourceStatus refuses a record missing what its phase needs', () => {
    expect(fromResourceStatus({ scheduler: { phase: 'launched', attempts: 1, retries: 0 } })).toBeUndefined();
    expect(fromResourceStatus({ scheduler: { phase: 'retrying', attempts: 1, retries: 1 } })).toBeUndefined();
    expect(fromResourceStatus({ scheduler: { phase: 'finished', attempts: 1, retries: 0 } })).toBeUndefined();
    expect(fromResourceStatus({ scheduler: { phase: 'lost', attempts: 1, retries: 0 } })).toBeUndefined();
    expect(fromResourceStatus(undefined)).toBeUndefined();
    expect(fromResourceStatus({ scheduler: { phase: 'queued', attempts: 2, retries: 1 } })).toStrictEqual({ phase: 'queued', attempts: 2, retries: 1 });
  });
});

describe('the scheduler record', () => {
  test('is one line of compact JSON (kubectl describe shows one line), read back exactly', () => {
    const launched: DriverStatus = {
      phase: 'launched', attempts: 1, retries: 0, killRequested: false,
      attempt: { taskId: 'driver-1', agentId: 'S1', launchedAtMs: 1_796_594_947_072, lastStatus: { taskId: 'driver-1', state: 'running', timestamp: 1_796_594_947.5 } },
    };
    const status = toResourceStatus(undefined, launched, ctx(T0));
    expect(status.schedulerRecord).toMatch(/^\{"phase":"launched",[^\n]*"launchedAtMs":1796594947072[^\n]*\}$/);
    expect(status).not.toHaveProperty('scheduler');
    expect(fromResourceStatus(status)).toStrictEqual(launched);
  });

  test('the object form earlier releases wrote is still read, and the next write removes it', () => {
    const legacy = { phase: 'Queued', scheduler: { phase: 'queued', attempts: 2, retries: 1 } };
    expect(fromResourceStatus(legacy)).toStrictEqual({ phase: 'queued', attempts: 2, retries: 1 });
    const next = toResourceStatus(legacy as never, { phase: 'queued', attempts: 2, retries: 1 }, ctx(T0));
    expect(replacingMergePatch([legacy], next)).toMatchObject({ scheduler: null, schedulerRecord: expect.any(String) });
  });

  test('an unreadable record reads as none', () => {
    expect(fromResourceStatus({ schedulerRecord: '{"phase":' })).toBeUndefined();
    expect(fromResourceStatus({ schedulerRecord: '{"phase":"lost","attempts":1,"retries":0}' })).toBeUndefined();
  });
});

describe('reading a stored status', () => {
  const stored = (): SparkDriverStatus => toResourceStatus(undefined, running, ctx(T0 + 4_000));

  test('a frozen (cached) status is read once: the same read-only value each time, equal to a fresh read', () => {
    // A field this schema does not know (written under another CRD version): the read is a copy.
    const raw = deepFreeze(JSON.parse(JSON.stringify({ ...stored(), fromANewerVersion: 'x' })) as object);
    const first = readStoredStatus(raw);
    expect(first).not.toBe(raw);
    expect(readStoredStatus(raw)).toBe(first);
    expect(first).toEqual(readStatus(raw));
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => { (first as { phase: string }).phase = 'Finished'; }).toThrow(TypeError);
  });

  test('a status that may still change is read afresh each time', () => {
    const raw = JSON.parse(JSON.stringify(stored())) as { message?: string };
    expect(readStoredStatus(raw)?.message).not.toBe('changed');
    raw.message = 'changed';
    expect(readStoredStatus(raw)?.message).toBe('changed');
    expect(Object.isFrozen(raw)).toBe(false);
    expect(readStoredStatus(undefined)).toBeUndefined();
  });
});
