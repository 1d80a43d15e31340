// `status.schedulerRecord`: the core's DriverStatus stored verbatim, as one line of compact JSON
// (so `kubectl describe` shows one line, not a block repeating the status), so that recovery
// rebuilds exactly what the core had, whatever the human-facing fields say. Releases before 0.3
// stored the same record as the object `status.scheduler`; it is still read. Task states are
// stored by their Mesos names (the translation's), as every release has stored them. Encoding
// drops only values the CRD could not store. Pure.

import { isMesosTaskReason, isMesosTaskSource, taskStateName, taskStateOfName } from '../mesos/translation.ts';
import type { Attempt, DriverStatus } from '../scheduler/driver.ts';
import type { TaskStatusSummary } from '../scheduler/task-status.ts';
import { schedulerRecordSchema, type SchedulerRecord } from './sparkdriver-status.ts';

type StoredSummary = NonNullable<SchedulerRecord['lastFailure']>;
type StoredAttempt = NonNullable<SchedulerRecord['attempt']>;

/**
 * A TaskStatusSummary as the CRD accepts it. A reason or source newer than our protos arrives
 * as a number's text; writing it would make the API server refuse the whole status, so such a
 * reason or source is left out instead.
 */
function storableSummary(s: TaskStatusSummary): StoredSummary {
  return {
    taskId: s.taskId,
    state: taskStateName(s.state),
    ...(s.reason !== undefined && isMesosTaskReason(s.reason) && { reason: s.reason }),
    ...(s.message !== undefined && { message: s.message }),
    ...(s.source !== undefined && isMesosTaskSource(s.source) && { source: s.source }),
    ...(s.agentId !== undefined && { agentId: s.agentId }),
    ...(s.timestamp !== undefined && { timestamp: s.timestamp }),
  };
}

function storableAttempt(a: Attempt): StoredAttempt {
  return {
    taskId: a.taskId,
    agentId: a.agentId,
    launchedAtMs: a.launchedAtMs,
    ...(a.lastStatus !== undefined && { lastStatus: storableSummary(a.lastStatus) }),
    ...(a.runningSinceMs !== undefined && { runningSinceMs: a.runningSinceMs }),
  };
}

/**
 * Records this process encoded lately, by their text. Each status write comes back on the watch
 * as a new object holding the same text, and the reconcile it causes reads the record again:
 * the record the text was made from is what the schema would read from it (a property test holds
 * them to that), without parsing and validating it a second time. Bounded: cleared when full.
 */
const recentlyEncoded = new Map<string, SchedulerRecord>();
const MAX_RECENTLY_ENCODED = 4096;

/** DriverStatus → `status.schedulerRecord`. */
export function encodeSchedulerRecord(d: DriverStatus): string {
  const record = encodeDriverStatus(d);
  const text = JSON.stringify(record);
  if (recentlyEncoded.size >= MAX_RECENTLY_ENCODED) recentlyEncoded.clear();
  recentlyEncoded.set(text, record);
  return text;
}

/** DriverStatus → the record's fields. */
export function encodeDriverStatus(d: DriverStatus): SchedulerRecord {
  const counters = { attempts: d.attempts, retries: d.retries };
  switch (d.phase) {
    case 'queued':
      return { phase: d.phase, ...counters, ...(d.message !== undefined && { message: d.message }) };
    case 'launched':
      return { phase: d.phase, ...counters, attempt: storableAttempt(d.attempt), killRequested: d.killRequested };
    case 'retrying':
      return {
        phase: d.phase, ...counters, waitSeconds: d.waitSeconds, failedAtMs: d.failedAtMs, nextRetryAtMs: d.nextRetryAtMs,
        lastFailure: storableSummary(d.lastFailure),
      };
    case 'finished':
      return {
        phase: d.phase, ...counters, outcome: d.outcome, reason: d.reason, message: d.message, finishedAtMs: d.finishedAtMs,
        ...(d.lastStatus !== undefined && { lastStatus: storableSummary(d.lastStatus) }),
        ...(d.lastAttempt !== undefined && { lastAttempt: storableAttempt(d.lastAttempt) }),
      };
  }
}

// zod's output types allow explicit undefined; the core's types (exactOptionalPropertyTypes) do not.
function summaryOf(s: StoredSummary): TaskStatusSummary {
  return {
    taskId: s.taskId,
    state: taskStateOfName(s.state),
    ...(s.reason !== undefined && isMesosTaskReason(s.reason) && { reason: s.reason }),
    ...(s.message !== undefined && { message: s.message }),
    ...(s.source !== undefined && { source: s.source }),
    ...(s.agentId !== undefined && { agentId: s.agentId }),
    ...(s.timestamp !== undefined && { timestamp: s.timestamp }),
  };
}

function attemptOf(a: StoredAttempt): Attempt {
  return {
    taskId: a.taskId,
    agentId: a.agentId,
    launchedAtMs: a.launchedAtMs,
    ...(a.lastStatus !== undefined && { lastStatus: summaryOf(a.lastStatus) }),
    ...(a.runningSinceMs !== undefined && { runningSinceMs: a.runningSinceMs }),
  };
}

const recordsRead = new WeakMap<object, SchedulerRecord | null>();

/**
 * The record of a resource status: `schedulerRecord`, or the object `scheduler` of earlier
 * releases; undefined when absent or malformed. Read once per status object.
 */
export function schedulerRecordOf(status: unknown): SchedulerRecord | undefined {
  if (typeof status !== 'object' || status === null) return undefined;
  let record = recordsRead.get(status);
  if (record === undefined) {
    const { schedulerRecord, scheduler } = status as { schedulerRecord?: unknown; scheduler?: unknown };
    record = typeof schedulerRecord === 'string' ? recentlyEncoded.get(schedulerRecord) : undefined;
    if (record === undefined) {
      const parsed = schedulerRecordSchema.safeParse(typeof schedulerRecord === 'string' ? parseJson(schedulerRecord) : scheduler);
      record = parsed.success ? parsed.data : null;
    }
    recordsRead.set(status, record);
  }
  return record ?? undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The DriverStatus a resource status records; undefined when it has no readable record, or one
 * lacking a field its phase needs (the driver is then treated as never admitted and goes through
 * admission).
 */
export function decodeDriverStatus(status: unknown): DriverStatus | undefined {
  const r = schedulerRecordOf(status);
  if (r === undefined) return undefined;
  const counters = { attempts: r.attempts, retries: r.retries };
  switch (r.phase) {
    case 'queued':
      return { phase: 'queued', ...counters, ...(r.message !== undefined && { message: r.message }) };
    case 'launched':
      if (r.attempt === undefined || r.killRequested === undefined) return undefined;
      return { phase: 'launched', ...counters, attempt: attemptOf(r.attempt), killRequested: r.killRequested };
    case 'retrying':
      if (r.waitSeconds === undefined || r.failedAtMs === undefined || r.nextRetryAtMs === undefined || r.lastFailure === undefined) {
        return undefined;
      }
      return {
        phase: 'retrying', ...counters, waitSeconds: r.waitSeconds, failedAtMs: r.failedAtMs, nextRetryAtMs: r.nextRetryAtMs,
        lastFailure: summaryOf(r.lastFailure),
      };
    case 'finished':
      if (r.outcome === undefined || r.reason === undefined || r.message === undefined || r.finishedAtMs === undefined) return undefined;
      return {
        phase: 'finished', ...counters, outcome: r.outcome, reason: r.reason, message: r.message, finishedAtMs: r.finishedAtMs,
        ...(r.lastStatus !== undefined && { lastStatus: summaryOf(r.lastStatus) }),
        ...(r.lastAttempt !== undefined && { lastAttempt: attemptOf(r.lastAttempt) }),
      };
  }
}
