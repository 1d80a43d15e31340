// The driver lifecycle as data: which phases may follow which, what each task state means for a
// driver, and `transition(driver, status, event, now)` which returns the next status and any
// task to kill. Spark's semantics (a failed or lost task relaunches a supervised driver,
// everything else terminal finishes it), with every update checked against the exact attempt.
// Pure: the scheduler applies the result; illegal events are results, never exceptions.

import { retryWaitSeconds, type RetryPolicy } from './backoff.ts';
import {
  taskIdFor, type Attempt, type DriverStatus, type FinishReason, type Outcome, type Phase, type TooLarge,
} from './driver.ts';
import type { TaskState, TaskStatusSummary, TaskUpdate } from './task-status.ts';

/** Phases that may follow each phase. `finished` is final. */
export const LEGAL_NEXT_PHASES: Readonly<Record<Phase, readonly Phase[]>> = {
  queued: ['queued', 'launched', 'finished'],
  launched: ['launched', 'queued', 'retrying', 'finished'],
  retrying: ['launched', 'finished'],
  finished: [],
};

interface TaskStateRule {
  readonly terminal: boolean;
  /** Relaunch a supervised driver (Spark: only failed and lost). */
  readonly relaunch: boolean;
  readonly outcome: Outcome;
  readonly reason: FinishReason;
}

const running: TaskStateRule = { terminal: false, relaunch: false, outcome: 'succeeded', reason: 'TaskFinished' };
const ended = (outcome: Outcome, reason: FinishReason, relaunch = false): TaskStateRule => ({ terminal: true, relaunch, outcome, reason });

/** Spark's `mesosToTaskState` mapping, as outcomes. */
export const TASK_STATE_RULES: Readonly<Record<TaskState, TaskStateRule>> = {
  staging: running, starting: running, running, killing: running,
  finished: ended('succeeded', 'TaskFinished'),
  failed: ended('failed', 'TaskFailed', true),
  gone: ended('failed', 'TaskFailed'),
  goneByOperator: ended('failed', 'TaskFailed'),
  killed: ended('killed', 'TaskKilled'),
  lost: ended('lost', 'TaskLost', true),
  error: ended('error', 'TaskError'),
  dropped: ended('lost', 'TaskLost'),
  unknown: ended('lost', 'TaskLost'),
  unreachable: ended('lost', 'TaskLost'),
};

export type DriverEvent =
  /** After an offer round: whether a queued driver is larger than every offer seen, or not (undefined). */
  | { readonly type: 'OfferFit'; readonly tooLarge: TooLarge | undefined }
  /** An offer was matched; the driver launches its next attempt on `agentId`. */
  | { readonly type: 'Launch'; readonly agentId: string }
  /** The task could not be built or placed; `message` says why. */
  | { readonly type: 'LaunchFailed'; readonly message: string }
  | { readonly type: 'StatusUpdate'; readonly update: TaskUpdate }
  /** The launch of task `taskId` cannot have happened (its offer was rescinded before it was accepted); `why` says so. */
  | { readonly type: 'LaunchVoided'; readonly taskId: string; readonly why: string }
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
    case 'OfferFit': {
      if (status.phase !== 'queued') return unchanged('noop');
      const was = status.tooLarge?.largest;
      const now = event.tooLarge;
      if (was?.cpusMilli === now?.largest.cpusMilli && was?.memMilli === now?.largest.memMilli) return unchanged('noop');
      const { tooLarge: _dropped, ...rest } = status;
      return ok(now === undefined ? rest : { ...rest, tooLarge: now });
    }
    case 'LaunchFailed':
      if (status.phase !== 'queued' && status.phase !== 'retrying') return unchanged('illegal');
      return ok(finished(status, nowMs, 'error', 'InvalidDriver', event.message));
    case 'Kill':
      return kill(status, nowMs);
    case 'LaunchVoided':
      // Only a launch that has had no news: news proves the task reached Mesos after all.
      if (status.phase !== 'launched' || status.attempt.taskId !== event.taskId || status.attempt.lastStatus !== undefined) {
        return unchanged('noop');
      }
      return status.killRequested
        ? ok(finished(status, nowMs, 'killed', 'KillRequested', `Killed on request before its launch reached an agent (${event.why})`))
        : ok(requeued(status, event.why));
    case 'StatusUpdate': {
      const update = event.update.status;
      if (status.phase !== 'launched' || update.taskId !== status.attempt.taskId) {
        // Not the current attempt: an old attempt, or one of a driver that is not running. Any
        // such task still alive is a duplicate (SPARK-27347's relaunched-twice driver): kill it.
        return unchanged('noop', TASK_STATE_RULES[update.state].terminal ? undefined : statusKill(update));
      }
      return currentAttemptUpdate(driver, status, event.update, nowMs);
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

function currentAttemptUpdate(driver: DriverFacts, status: Launched, news: TaskUpdate, nowMs: number): TransitionResult {
  const update = news.status;
  const rule = TASK_STATE_RULES[update.state];
  const attempt = status.attempt;
  if (!rule.terminal) {
    if (attempt.lastStatus?.state === update.state) return { kind: 'noop', status };
    const runningSinceMs = attempt.runningSinceMs ?? (update.state === 'running' ? nowMs : undefined);
    const updated: Attempt = { ...attempt, lastStatus: update, ...(runningSinceMs !== undefined && { runningSinceMs }) };
    return ok({ ...status, attempt: updated });
  }
  const lastAttempt: Attempt = { ...attempt, lastStatus: update };
  const end = (outcome: Outcome, reason: FinishReason, message: string): TransitionResult =>
    ok({ ...finished(status, nowMs, outcome, reason, message), lastStatus: update, lastAttempt });
  const described = describe(update, news.stateName);

  if (status.killRequested) {
    return update.state === 'finished'
      ? end('succeeded', 'TaskFinished', described)
      : end('killed', 'KillRequested', `Killed on request: ${described}`);
  }
  // Only the attempt's first news counts: a task the backend reported on did reach an agent.
  if (attempt.lastStatus === undefined && news.neverReachedAnAgent) {
    return ok(requeued(status, `${news.stateName}${update.reason === undefined ? '' : `, ${update.reason}`}`));
  }
  if (!(rule.relaunch && driver.supervise)) return end(rule.outcome, rule.reason, described);

  const policy = driver.retryPolicy;
  const ranLongEnough = policy.resetAfterMs !== undefined && attempt.runningSinceMs !== undefined
    && nowMs - attempt.runningSinceMs >= policy.resetAfterMs;
  const retries = (ranLongEnough ? 0 : status.retries) + 1;
  if (policy.maxRetries !== undefined && retries > policy.maxRetries) {
    return end(rule.outcome, 'RetriesExhausted',
      `${described}; not relaunched: ${policy.maxRetries} retries allowed (spark.mesos.driver.supervise.maxRetries)`);
  }
  const waitSeconds = retryWaitSeconds(retries, policy.maxWaitSeconds);
  return ok({
    phase: 'retrying', attempts: status.attempts, retries, waitSeconds,
    failedAtMs: nowMs, nextRetryAtMs: nowMs + waitSeconds * 1000, lastFailure: update,
  });
}

const ok = (status: DriverStatus): TransitionResult => ({ kind: 'ok', status });

/** Back to the queue under the next task ID, without counting a failure. */
function requeued(status: Launched, why: string): DriverStatus {
  return {
    phase: 'queued', attempts: status.attempts, retries: status.retries,
    message: `Launch of task ${status.attempt.taskId} never reached an agent (${why}); queued again`,
  };
}

function finished(
  status: DriverStatus, nowMs: number, outcome: Outcome, reason: FinishReason, message: string,
): Extract<DriverStatus, { phase: 'finished' }> {
  return { phase: 'finished', attempts: status.attempts, retries: status.retries, outcome, reason, message, finishedAtMs: nowMs };
}

const attemptKill = (attempt: Attempt): TaskToKill => ({ taskId: attempt.taskId, agentId: attempt.agentId });

const statusKill = (update: TaskStatusSummary): TaskToKill =>
  (update.agentId === undefined ? { taskId: update.taskId } : { taskId: update.taskId, agentId: update.agentId });

/** "Task <id> ended with <state name> (<reason>): <message>", in the backend's words (Mesos: TASK_FAILED). */
export function describe(update: TaskStatusSummary, stateName: string): string {
  const reason = update.reason === undefined ? '' : ` (${update.reason})`;
  const message = update.message === undefined || update.message === '' ? '' : `: ${update.message}`;
  return `Task ${update.taskId} ended with ${stateName}${reason}${message}`;
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
