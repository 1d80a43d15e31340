// `status.scheduler`: the core's DriverStatus stored verbatim (flattened into one object, the
// shape a structural schema allows) so recovery rebuilds exactly what the core had, whatever the
// human-facing fields say. Task states are stored by their Mesos names (the translation's), as
// every release has stored them. Encoding drops only values the CRD could not store. Pure.

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

/** DriverStatus → `status.scheduler`. */
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

/**
 * `status.scheduler` → DriverStatus; undefined when it is absent, malformed, or lacks a field
 * its phase needs (the driver is then treated as never admitted and goes through admission).
 */
export function decodeDriverStatus(stored: unknown): DriverStatus | undefined {
  const parsed = schedulerRecordSchema.safeParse(stored);
  if (!parsed.success) return undefined;
  const r = parsed.data;
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
