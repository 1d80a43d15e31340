// The SparkDriver status as a function of the scheduler core's DriverStatus (and back): phase,
// outcome, message, attempts and conditions for users and GitOps tools, `status.schedulerRecord` for
// recovery. Pure: the caller brings the time, the generation and the previous status.

import { taskStateName } from '../mesos/translation.ts';
import type { Backend, DriverStatus, Outcome, Phase, TooLarge } from '../scheduler/driver.ts';
import { fromMilli } from '../scheduler/resources.ts';
import { formatCpus, formatMiB } from '../runtime/units.ts';
import { describe } from '../scheduler/state-machine.ts';
import { attemptHistory, currentAttemptOf, truncate } from './attempt-history.ts';
import {
  desiredConditions, mergeConditions, REASONS, rfc3339, type Assessment, type DesiredCondition,
} from './driver-conditions.ts';
import { decodeDriverStatus, encodeSchedulerRecord, schedulerRecordOf } from './scheduler-record.ts';
import type { SparkDriverOutcome, SparkDriverPhase, SparkDriverStatus } from './sparkdriver-status.ts';

export interface StatusContext {
  readonly nowMs: number;
  /** The metadata.generation whose spec was evaluated. */
  readonly generation: number;
  readonly submissionId: string;
  /** The effective queue (spec.queue, the property, or "default"). */
  readonly queue: string;
  /** The dispatcher's Mesos framework ID; the previous one is kept when absent. */
  readonly frameworkId?: string;
  /** Where the driver runs; recorded for kubernetes only (a status without it is a Mesos driver's). */
  readonly backend?: Backend;
}

export type InvalidSpecContext = Omit<StatusContext, 'submissionId' | 'queue'> & { readonly submissionId?: string; readonly queue?: string };

const PHASE_NAMES: Readonly<Record<Phase, SparkDriverPhase>> = {
  queued: 'Queued', launched: 'Launched', retrying: 'Retrying', finished: 'Finished',
};
const OUTCOME_NAMES: Readonly<Record<Outcome, SparkDriverOutcome>> = {
  succeeded: 'Succeeded', failed: 'Failed', killed: 'Killed', lost: 'Lost', error: 'Error', rejected: 'Rejected',
};

/** One reason and one sentence for where the driver is (a driver pod's attempt is in its pod). */
export function assess(d: DriverStatus, queue: string, backend?: Backend): Assessment {
  switch (d.phase) {
    case 'queued':
      if (d.tooLarge !== undefined) return { reason: REASONS.LargerThanAnyOffer, message: tooLargeMessage(d.tooLarge) };
      return d.message !== undefined
        ? { reason: REASONS.Requeued, message: d.message }
        : { reason: REASONS.WaitingForOffers, message: `Waiting for an offer in queue '${queue}'` };
    case 'launched': {
      const onPod = backend === 'kubernetes';
      const where = `task ${d.attempt.taskId} ${onPod ? 'in pod' : 'on agent'} ${d.attempt.agentId}`;
      const state = d.attempt.lastStatus?.state;
      if (d.killRequested) return { reason: REASONS.Killing, message: `Kill requested; waiting for ${where} to end` };
      switch (state) {
        case 'running': return { reason: REASONS.Running, message: `Running as ${where}` };
        case 'killing': return { reason: REASONS.Killing, message: `${onPod ? 'Kubernetes' : 'Mesos'} is killing ${where}` };
        default: return { reason: REASONS.Launching, message: `Launched as ${where}${state === undefined ? '' : ` (${taskStateName(state)})`}` };
      }
    }
    case 'retrying':
      return {
        reason: REASONS.BackoffPending,
        message: `${describe(d.lastFailure, taskStateName(d.lastFailure.state))}; retry ${d.retries} after ${d.waitSeconds}s, not before ${rfc3339(d.nextRetryAtMs)}`,
      };
    case 'finished':
      return { reason: d.reason, message: d.message, outcome: d.outcome };
  }
}

function tooLargeMessage({ needs, largest }: TooLarge): string {
  const size = (r: TooLarge['needs']): string => `${formatCpus(fromMilli(r.cpusMilli))} and ${formatMiB(fromMilli(r.memMilli))}`;
  return `Needs ${size(needs)}, more than any offer so far (the most offered: ${size(largest)}): no agent may be large enough.`
    + ' It stays queued in case a larger agent joins';
}

/**
 * The status to write for `driver`. Deterministic in its inputs, and stable: recomputing from
 * its own result with a later `nowMs` changes nothing unless the driver changed, so a writer
 * that patches only on difference never writes for nothing. Conditions keep their
 * lastTransitionTime while their status holds; the attempt ring keeps the last 10 attempts.
 */
export function toResourceStatus(previous: SparkDriverStatus | undefined, driver: DriverStatus, ctx: StatusContext): SparkDriverStatus {
  const a = assess(driver, ctx.queue, ctx.backend);
  const current = currentAttemptOf(previous, driver, ctx.nowMs);
  const frameworkId = ctx.frameworkId ?? previous?.frameworkId;
  const desired = desiredConditions(driver.phase, driver.attempts, a, ctx.queue).map(shortened);
  return {
    observedGeneration: ctx.generation,
    phase: PHASE_NAMES[driver.phase],
    ...(driver.phase === 'finished' && { outcome: OUTCOME_NAMES[driver.outcome] }),
    submissionId: ctx.submissionId,
    queue: ctx.queue,
    ...(ctx.backend === 'kubernetes' && { backend: ctx.backend }),
    ...(frameworkId !== undefined && { frameworkId }),
    message: truncate(a.message),
    ...(current !== undefined && { currentAttempt: current }),
    attempts: attemptHistory(previous?.attempts, current),
    retries: driver.retries,
    ...(driver.phase === 'retrying' && { nextRetryTime: rfc3339(driver.nextRetryAtMs) }),
    ...(driver.phase === 'finished' && { finishTime: rfc3339(driver.finishedAtMs) }),
    conditions: mergeConditions(previous?.conditions, desired, ctx.nowMs, ctx.generation),
    schedulerRecord: encodeSchedulerRecord(driver),
  };
}

const shortened = (c: DesiredCondition): DesiredCondition => ({ ...c, message: truncate(c.message) });

/**
 * The status of a driver whose spec failed validation (it never reaches the core): Finished,
 * outcome Rejected, `Accepted=False` and `Stalled=True` with reason InvalidSpec and the problems
 * as the message. It carries no `status.schedulerRecord`, so recovery treats the driver as never
 * admitted; a writer using merge patches must remove a previous one explicitly. The finish time
 * is kept from a previous finished status so the TTL does not restart on every reconcile.
 */
export function invalidSpecStatus(previous: SparkDriverStatus | undefined, problems: readonly string[], ctx: InvalidSpecContext): SparkDriverStatus {
  const message = truncate(`Invalid spec: ${problems.join('; ')}`);
  const reason = REASONS.InvalidSpec;
  const c = (type: DesiredCondition['type'], status: DesiredCondition['status']): DesiredCondition => ({ type, status, reason, message });
  const desired = [
    c('Accepted', 'False'), c('Launched', 'False'), c('Succeeded', 'False'), c('Ready', 'False'), c('Reconciling', 'False'), c('Stalled', 'True'),
  ];
  const finishTime = previous?.phase === 'Finished' && previous.finishTime !== undefined ? previous.finishTime : rfc3339(ctx.nowMs);
  const frameworkId = ctx.frameworkId ?? previous?.frameworkId;
  return {
    observedGeneration: ctx.generation,
    phase: 'Finished',
    outcome: 'Rejected',
    ...(ctx.submissionId !== undefined && { submissionId: ctx.submissionId }),
    ...(ctx.queue !== undefined && { queue: ctx.queue }),
    ...(frameworkId !== undefined && { frameworkId }),
    message,
    attempts: [...(previous?.attempts ?? [])],
    retries: previous?.retries ?? 0,
    finishTime,
    conditions: mergeConditions(previous?.conditions, desired, ctx.nowMs, ctx.generation),
  };
}

/**
 * The core's DriverStatus recorded in a resource status, exactly as `toResourceStatus` was given
 * it; undefined when there is none (never admitted, invalid spec) or it is unreadable.
 */
export function fromResourceStatus(status: unknown): DriverStatus | undefined {
  return decodeDriverStatus(status);
}

/**
 * The generation a resource status was computed for, read off the status as stored (an integer
 * of at least 0, as the schema has it): the reconcile needs no more of a status than this and
 * its record.
 */
export function observedGenerationOf(status: unknown): number | undefined {
  const value = typeof status === 'object' && status !== null ? (status as { observedGeneration?: unknown }).observedGeneration : undefined;
  return Number.isSafeInteger(value) && (value as number) >= 0 ? value as number : undefined;
}

export function isFinished(status: SparkDriverStatus | undefined): boolean {
  return status?.phase === 'Finished';
}

/** When a finished driver finished (epoch ms), for TTL clean-up; undefined while it is not finished. */
export function finishedAtMs(status: SparkDriverStatus | undefined): number | undefined {
  if (status?.phase !== 'Finished') return undefined;
  const record = schedulerRecordOf(status);
  if (record?.phase === 'finished' && record.finishedAtMs !== undefined) return record.finishedAtMs;
  const parsed = status.finishTime === undefined ? Number.NaN : Date.parse(status.finishTime);
  return Number.isNaN(parsed) ? undefined : parsed;
}
