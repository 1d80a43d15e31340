// The driver lifecycle as data: which phases may follow which, what each Mesos task state means
// for a driver, and `transition(driver, status, event, now)` which returns the next status and
// any task to kill. Spark's semantics (FAILED and LOST relaunch a supervised driver, everything
// else terminal finishes it), with every update checked against the exact attempt. Pure: the
// scheduler applies the result; illegal events are results, never exceptions.

import type { TaskState } from '../mesos/types.ts';
import { retryWaitSeconds, type RetryPolicy } from './backoff.ts';
import {
  taskIdFor, type Attempt, type DriverStatus, type FinishReason, type Outcome, type Phase, type TaskStatusSummary,
} from './driver.ts';

/** Phases that may follow each phase. `finished` is final. */
export const LEGAL_NEXT_PHASES: Readonly<Record<Phase, readonly Phase[]>> = {
  queued: ['launched', 'finished'],
  launched: ['launched', 'queued', 'retrying', 'finished'],
  retrying: ['launched', 'finished'],
  finished: [],
};

interface TaskStateRule {
  readonly terminal: boolean;
  /** Relaunch a supervised driver (Spark: only FAILED and LOST). */
  readonly relaunch: boolean;
  readonly outcome: Outcome;
  readonly reason: FinishReason;
}

const running: TaskStateRule = { terminal: false, relaunch: false, outcome: 'succeeded', reason: 'TaskFinished' };
const ended = (outcome: Outcome, reason: FinishReason, relaunch = false): TaskStateRule => ({ terminal: true, relaunch, outcome, reason });

/** Spark's `mesosToTaskState` mapping, as outcomes. */
export const TASK_STATE_RULES: Readonly<Record<TaskState, TaskStateRule>> = {
  TASK_STAGING: running, TASK_STARTING: running, TASK_RUNNING: running, TASK_KILLING: running,
  TASK_FINISHED: ended('succeeded', 'TaskFinished'),
  TASK_FAILED: ended('failed', 'TaskFailed', true),
  TASK_GONE: ended('failed', 'TaskFailed'),
  TASK_GONE_BY_OPERATOR: ended('failed', 'TaskFailed'),
  TASK_KILLED: ended('killed', 'TaskKilled'),
  TASK_LOST: ended('lost', 'TaskLost', true),
  TASK_ERROR: ended('error', 'TaskError'),
  TASK_DROPPED: ended('lost', 'TaskLost'),
  TASK_UNKNOWN: ended('lost', 'TaskLost'),
  TASK_UNREACHABLE: ended('lost', 'TaskLost'),
};

/**
 * Whether a terminal update proves that the launch never reached an agent, so the driver may go
 * back to the queue under a new task ID without counting a failure. Only the current attempt's
 * first update counts (a task Mesos reported on did reach an agent), and only these answers are
 * proof (the master generates them; a task that reached an agent is known to the master until
 * its terminal update is acknowledged, which happens only once it is recorded):
 * - TASK_DROPPED: a launch that failed before it reached an agent (partition-aware frameworks);
 * - TASK_UNKNOWN: the master has never heard of the task (partition-aware reconciliation);
 * - TASK_GONE with REASON_RECONCILIATION: the task's agent is registered and does not have it;
 * - TASK_LOST with REASON_INVALID_OFFERS: the ACCEPT's offers were invalid (rescinded, reused);
 * - TASK_LOST with REASON_RECONCILIATION: the non-partition-aware answer for a task the master
 *   does not know — except "Task is unreachable": its agent is partitioned away, and the task
 *   may still run there.
 * Everything else, TASK_LOST with REASON_AGENT_REMOVED above all, may follow a task that ran.
 */
export function neverReachedAnAgent(update: TaskStatusSummary): boolean {
  switch (update.state) {
    case 'TASK_DROPPED':
    case 'TASK_UNKNOWN':
      return true;
    case 'TASK_GONE':
      return update.reason === 'REASON_RECONCILIATION';
    case 'TASK_LOST':
      return update.reason === 'REASON_INVALID_OFFERS'
        || (update.reason === 'REASON_RECONCILIATION' && !/unreachable/i.test(update.message ?? ''));
    default:
      return false;
  }
}

export type DriverEvent =
  /** An offer was matched; the driver launches its next attempt on `agentId`. */
  | { readonly type: 'Launch'; readonly agentId: string }
  /** The task could not be built or placed; `message` says why. */
  | { readonly type: 'LaunchFailed'; readonly message: string }
  | { readonly type: 'StatusUpdate'; readonly status: TaskStatusSummary }
  | { readonly type: 'Kill' };

export interface DriverFacts {
  readonly submissionId: string;
  readonly supervise: boolean;
  readonly retryPolicy: RetryPolicy;
}

export interface TaskToKill {
  readonly taskId: string;
  readonly agentId?: string;
}

/**
 * `ok`: the status changed (persist it). `noop`: nothing to record. `illegal`: the event makes
 * no sense in this phase (a caller bug or a race); the status is unchanged. Any result may
 * carry a task to kill (Aurora's "illegal with side effects").
 */
export interface TransitionResult {
  readonly kind: 'ok' | 'noop' | 'illegal';
  readonly status: DriverStatus;
  readonly kill?: TaskToKill;
}

export function transition(driver: DriverFacts, status: DriverStatus, event: DriverEvent, nowMs: number): TransitionResult {
  const result = next(driver, status, event, nowMs);
  if (result.kind === 'ok' && !LEGAL_NEXT_PHASES[status.phase].includes(result.status.phase)) {
    return { kind: 'illegal', status };
  }
  return result;
}

function next(driver: DriverFacts, status: DriverStatus, event: DriverEvent, nowMs: number): TransitionResult {
  const unchanged = (kind: 'noop' | 'illegal', kill?: TaskToKill): TransitionResult =>
    (kill === undefined ? { kind, status } : { kind, status, kill });
  switch (event.type) {
    case 'Launch': {
      if (status.phase === 'queued' || (status.phase === 'retrying' && status.nextRetryAtMs <= nowMs)) {
        const attempt: Attempt = { taskId: taskIdFor(driver.submissionId, status.attempts), agentId: event.agentId, launchedAtMs: nowMs };
        return ok({ phase: 'launched', attempts: status.attempts + 1, retries: status.retries, attempt, killRequested: false });
      }
      return unchanged('illegal');
    }
    case 'LaunchFailed':
      if (status.phase !== 'queued' && status.phase !== 'retrying') return unchanged('illegal');
      return ok(finished(status, nowMs, 'error', 'InvalidDriver', event.message));
    case 'Kill':
      return kill(status, nowMs);
    case 'StatusUpdate': {
      const update = event.status;
      if (status.phase !== 'launched' || update.taskId !== status.attempt.taskId) {
        // Not the current attempt: an old attempt, or one of a driver that is not running. Any
        // such task still alive is a duplicate (SPARK-27347's relaunched-twice driver): kill it.
        return unchanged('noop', TASK_STATE_RULES[update.state].terminal ? undefined : statusKill(update));
      }
      return currentAttemptUpdate(driver, status, update, nowMs);
    }
  }
}

/** Spark's kill outcomes per phase; a launched driver keeps running until Mesos confirms. */
function kill(status: DriverStatus, nowMs: number): TransitionResult {
  switch (status.phase) {
    case 'queued':
      return ok(finished(status, nowMs, 'killed', 'KillRequested', "Removed driver while it's still pending"));
    case 'retrying':
      return ok({
        ...finished(status, nowMs, 'killed', 'KillRequested', "Removed driver while it's being retried"), lastStatus: status.lastFailure,
      });
    case 'launched': {
      // Sent again on a repeated request: the first kill may have been lost.
      const target = attemptKill(status.attempt);
      return status.killRequested
        ? { kind: 'noop', status, kill: target }
        : { kind: 'ok', status: { ...status, killRequested: true }, kill: target };
    }
    case 'finished':
      return { kind: 'noop', status };
  }
}

type Launched = Extract<DriverStatus, { phase: 'launched' }>;

function currentAttemptUpdate(driver: DriverFacts, status: Launched, update: TaskStatusSummary, nowMs: number): TransitionResult {
  const rule = TASK_STATE_RULES[update.state];
  const attempt = status.attempt;
  if (!rule.terminal) {
    if (attempt.lastStatus?.state === update.state) return { kind: 'noop', status };
    const runningSinceMs = attempt.runningSinceMs ?? (update.state === 'TASK_RUNNING' ? nowMs : undefined);
    const updated: Attempt = { ...attempt, lastStatus: update, ...(runningSinceMs !== undefined && { runningSinceMs }) };
    return ok({ ...status, attempt: updated });
  }
  const lastAttempt: Attempt = { ...attempt, lastStatus: update };
  const end = (outcome: Outcome, reason: FinishReason, message: string): TransitionResult =>
    ok({ ...finished(status, nowMs, outcome, reason, message), lastStatus: update, lastAttempt });

  if (status.killRequested) {
    return update.state === 'TASK_FINISHED'
      ? end('succeeded', 'TaskFinished', describe(update))
      : end('killed', 'KillRequested', `Killed on request: ${describe(update)}`);
  }
  if (attempt.lastStatus === undefined && neverReachedAnAgent(update)) {
    return ok({
      phase: 'queued', attempts: status.attempts, retries: status.retries,
      message: `Launch of task ${attempt.taskId} never reached an agent (${update.state}${update.reason === undefined ? '' : `, ${update.reason}`}); queued again`,
    });
  }
  if (!(rule.relaunch && driver.supervise)) return end(rule.outcome, rule.reason, describe(update));

  const policy = driver.retryPolicy;
  const ranLongEnough = policy.resetAfterMs !== undefined && attempt.runningSinceMs !== undefined
    && nowMs - attempt.runningSinceMs >= policy.resetAfterMs;
  const retries = (ranLongEnough ? 0 : status.retries) + 1;
  if (policy.maxRetries !== undefined && retries > policy.maxRetries) {
    return end(rule.outcome, 'RetriesExhausted',
      `${describe(update)}; not relaunched: ${policy.maxRetries} retries allowed (spark.mesos.driver.supervise.maxRetries)`);
  }
  const waitSeconds = retryWaitSeconds(retries, policy.maxWaitSeconds);
  return ok({
    phase: 'retrying', attempts: status.attempts, retries, waitSeconds,
    failedAtMs: nowMs, nextRetryAtMs: nowMs + waitSeconds * 1000, lastFailure: update,
  });
}

const ok = (status: DriverStatus): TransitionResult => ({ kind: 'ok', status });

function finished(
  status: DriverStatus, nowMs: number, outcome: Outcome, reason: FinishReason, message: string,
): Extract<DriverStatus, { phase: 'finished' }> {
  return { phase: 'finished', attempts: status.attempts, retries: status.retries, outcome, reason, message, finishedAtMs: nowMs };
}

const attemptKill = (attempt: Attempt): TaskToKill => ({ taskId: attempt.taskId, agentId: attempt.agentId });

const statusKill = (update: TaskStatusSummary): TaskToKill =>
  (update.agentId === undefined ? { taskId: update.taskId } : { taskId: update.taskId, agentId: update.agentId });

/** "Task <id> ended with TASK_FAILED (REASON_…): <message>". */
export function describe(update: TaskStatusSummary): string {
  const reason = update.reason === undefined ? '' : ` (${update.reason})`;
  const message = update.message === undefined || update.message === '' ? '' : `: ${update.message}`;
  return `Task ${update.taskId} ended with ${update.state}${reason}${message}`;
}

/** Within one attempt count: a launch, then what can follow it (retry, requeue), then the end. */
const PHASE_RANK: Readonly<Record<Phase, number>> = { launched: 0, queued: 1, retrying: 1, finished: 2 };

/** Attempt count, then phase; within a launched attempt a kill request only ever gets set. */
function progressKey(status: DriverStatus): [number, number, number] {
  return [status.attempts, PHASE_RANK[status.phase], status.phase === 'launched' && status.killRequested ? 1 : 0];
}

/**
 * Orders two statuses of one driver by how far its lifecycle has come: negative when `a` is
 * behind `b`. Every legal transition moves forward or stays (a requeue counts as the next step
 * after the launch it replaces), so a recorded status may only be replaced by one that is not
 * behind it: status moves forward only, whatever order writes arrive in.
 */
export function compareProgress(a: DriverStatus, b: DriverStatus): number {
  const [ka, kb] = [progressKey(a), progressKey(b)];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  return 0;
}
