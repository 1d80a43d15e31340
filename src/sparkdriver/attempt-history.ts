// The human-facing attempt fields of a SparkDriver status: `currentAttempt` and the bounded
// `attempts` ring, derived from the core's DriverStatus and the previous status (the core keeps
// only the latest attempt; the history lives in the resource). Task states, reasons and sources
// show as Mesos names them, through the translation. Pure.

import { isMesosTaskReason, isMesosTaskSource, taskStateName } from '../mesos/translation.ts';
import type { Attempt, DriverStatus } from '../scheduler/driver.ts';
import type { TaskStatusSummary } from '../scheduler/task-status.ts';
import { rfc3339 } from './driver-conditions.ts';
import { MAX_ATTEMPT_HISTORY, type AttemptStatus, type MesosTaskStatus, type SparkDriverStatus } from './sparkdriver-status.ts';

/** Longest message copied into human-facing fields; the scheduler record keeps the full text. */
export const MAX_MESSAGE_CHARS = 1024;

export function truncate(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}

/** A reason or source newer than our protos is left out: the CRD's enums would refuse the status. */
function mesosView(s: TaskStatusSummary): MesosTaskStatus {
  return {
    state: taskStateName(s.state),
    ...(s.reason !== undefined && isMesosTaskReason(s.reason) && { reason: s.reason }),
    ...(s.source !== undefined && isMesosTaskSource(s.source) && { source: s.source }),
    ...(s.message !== undefined && s.message !== '' && { message: truncate(s.message) }),
  };
}

/**
 * When Mesos last reported: its own timestamp when it sent one, else the time we first saw this
 * state (kept from the previous view so an unchanged status rewrites nothing).
 */
function lastUpdateTime(s: TaskStatusSummary, before: AttemptStatus | undefined, nowMs: number): string {
  if (s.timestamp !== undefined) return rfc3339(s.timestamp * 1000);
  if (before?.mesos?.state === taskStateName(s.state) && before.lastUpdateTime !== undefined) return before.lastUpdateTime;
  return rfc3339(nowMs);
}

function withStatus(view: AttemptStatus, s: TaskStatusSummary, before: AttemptStatus | undefined, nowMs: number): AttemptStatus {
  return { ...view, mesos: mesosView(s), lastUpdateTime: lastUpdateTime(s, before, nowMs) };
}

function attemptView(a: Attempt, before: AttemptStatus | undefined, nowMs: number, finishedAtMs?: number): AttemptStatus {
  const view: AttemptStatus = {
    taskId: a.taskId,
    agentId: a.agentId,
    launchTime: rfc3339(a.launchedAtMs),
    ...(a.runningSinceMs !== undefined && { runningTime: rfc3339(a.runningSinceMs) }),
    ...(finishedAtMs !== undefined && { finishTime: rfc3339(finishedAtMs) }),
  };
  return a.lastStatus === undefined ? view : withStatus(view, a.lastStatus, before, nowMs);
}

/** An attempt the core only knows by its last status (a retrying driver's failure). */
function endedView(s: TaskStatusSummary, before: AttemptStatus | undefined, endedAtMs: number, nowMs: number): AttemptStatus {
  const base: AttemptStatus = before ?? { taskId: s.taskId, ...(s.agentId !== undefined && { agentId: s.agentId }) };
  // A retrying driver killed later still shows when its attempt failed, not when it was killed.
  return withStatus({ ...base, finishTime: before?.finishTime ?? rfc3339(endedAtMs) }, s, before, nowMs);
}

function find(previous: SparkDriverStatus | undefined, taskId: string): AttemptStatus | undefined {
  if (previous?.currentAttempt?.taskId === taskId) return previous.currentAttempt;
  return previous?.attempts?.find((a) => a.taskId === taskId);
}

/** The attempt the status shows as current: the running one, or the one that ended last. */
export function currentAttemptOf(previous: SparkDriverStatus | undefined, d: DriverStatus, nowMs: number): AttemptStatus | undefined {
  switch (d.phase) {
    case 'queued':
      return undefined;
    case 'launched':
      return attemptView(d.attempt, find(previous, d.attempt.taskId), nowMs);
    case 'retrying':
      return endedView(d.lastFailure, find(previous, d.lastFailure.taskId), d.failedAtMs, nowMs);
    case 'finished':
      if (d.lastAttempt !== undefined) return attemptView(d.lastAttempt, find(previous, d.lastAttempt.taskId), nowMs, d.finishedAtMs);
      if (d.lastStatus !== undefined) return endedView(d.lastStatus, find(previous, d.lastStatus.taskId), d.finishedAtMs, nowMs);
      return undefined;
  }
}

/** The history ring: `current` replaces its own entry or is appended; the oldest entries drop. */
export function attemptHistory(previous: readonly AttemptStatus[] | undefined, current: AttemptStatus | undefined): AttemptStatus[] {
  const list = [...(previous ?? [])];
  if (current !== undefined) {
    const at = list.findIndex((a) => a.taskId === current.taskId);
    if (at >= 0) list[at] = current; else list.push(current);
  }
  return list.slice(-MAX_ATTEMPT_HISTORY);
}
