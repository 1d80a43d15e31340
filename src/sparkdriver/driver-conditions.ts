// The conditions of a SparkDriver: which condition each driver state sets (kstatus polarity:
// Reconciling and Stalled are abnormal-true; Ready and Succeeded are the summaries), the reason
// vocabulary, and the Kubernetes rule that lastTransitionTime moves only when status does. Pure.

import type { DriverStatus, FinishReason, Outcome } from '../scheduler/driver.ts';
import { CONDITION_TYPES, type Condition, type ConditionType } from './sparkdriver-status.ts';

/**
 * Condition (and Event) reasons besides the core's finish reasons, which are used as they are
 * (TaskFinished, TaskFailed, KillRequested, RetriesExhausted, UnknownQueue, InvalidDriver, ...).
 */
export const REASONS = {
  Accepted: 'Accepted',
  /** Queued, waiting for an offer that fits. */
  WaitingForOffers: 'WaitingForOffers',
  /** Queued, and larger than every offer seen: no agent may be large enough. */
  LargerThanAnyOffer: 'LargerThanAnyOffer',
  /** Queued again: the launch never reached an agent. */
  Requeued: 'Requeued',
  /** Handed to Mesos, not yet running (no status yet, STAGING or STARTING). */
  Launching: 'Launching',
  Running: 'Running',
  /** A kill was requested (or Mesos reports TASK_KILLING); waiting for the task to end. */
  Killing: 'Killing',
  /** A supervised driver failed and waits out its backoff. */
  BackoffPending: 'BackoffPending',
  /** The spec failed validation; the driver never reaches the scheduler. */
  InvalidSpec: 'InvalidSpec',
} as const;

export type ConditionReason = (typeof REASONS)[keyof typeof REASONS] | FinishReason;

/** Finish reasons that mean the submission itself was refused: they read `Accepted=False`. */
export const NOT_ACCEPTED_REASONS: ReadonlySet<ConditionReason> = new Set<ConditionReason>([
  'InvalidDriver', 'UnknownQueue', 'MaxDriversReached', REASONS.InvalidSpec,
]);

export type ConditionStatus = Condition['status'];

export interface DesiredCondition {
  readonly type: ConditionType;
  readonly status: ConditionStatus;
  readonly reason: ConditionReason;
  readonly message: string;
}

/** Where a driver is, in one reason and one sentence; every condition's reason derives from it. */
export interface Assessment {
  readonly reason: ConditionReason;
  readonly message: string;
  /** Only for finished drivers. */
  readonly outcome?: Outcome;
}

/** A finished driver whose outcome is a failure: kstatus "Failed" (Stalled=True). */
export function isFailure(outcome: Outcome, reason: ConditionReason): boolean {
  if (outcome === 'succeeded') return false;
  // A kill the user asked for reached the desired state; a TASK_KILLED from elsewhere did not.
  return !(outcome === 'killed' && reason === 'KillRequested');
}

/**
 * The six conditions of a driver in `phase` with this assessment. Accepted: the submission was
 * admitted (False for an invalid spec or driver, an unknown queue, the maxDrivers limit).
 * Launched: the driver has been handed to Mesos and is not back in the queue. Succeeded: the
 * terminal summary (Unknown until finished). Ready: running, succeeded, or killed on request (the
 * desired state was reached, so kstatus reads it as Current rather than forever in progress). Reconciling: queued,
 * launching, killing or backing off. Stalled: finished without success, unless killed on request,
 * or queued and larger than any offer so far.
 */
export function desiredConditions(phase: DriverStatus['phase'], attempts: number, a: Assessment, queue: string): DesiredCondition[] {
  const c = (type: ConditionType, status: ConditionStatus, reason: ConditionReason = a.reason, message = a.message): DesiredCondition =>
    ({ type, status, reason, message });
  const notAccepted = NOT_ACCEPTED_REASONS.has(a.reason);
  const accepted = notAccepted ? c('Accepted', 'False') : c('Accepted', 'True', REASONS.Accepted, `Accepted into queue '${queue}'`);
  const launched = c('Launched', attempts > 0 && phase !== 'queued' ? 'True' : 'False');
  if (phase !== 'finished' || a.outcome === undefined) {
    const running = a.reason === REASONS.Running;
    // kstatus: a driver that may never fit cannot make progress (Stalled, not Reconciling),
    // though it stays queued and recovers should a larger agent join.
    const stuck = a.reason === REASONS.LargerThanAnyOffer;
    return [
      accepted, launched,
      c('Succeeded', 'Unknown'),
      c('Ready', running ? 'True' : 'False'),
      c('Reconciling', running || stuck ? 'False' : 'True'),
      c('Stalled', stuck ? 'True' : 'False'),
    ];
  }
  const succeeded = a.outcome === 'succeeded';
  const failure = isFailure(a.outcome, a.reason);
  return [
    accepted, launched,
    c('Succeeded', succeeded ? 'True' : 'False'),
    c('Ready', failure ? 'False' : 'True'),
    c('Reconciling', 'False'),
    c('Stalled', failure ? 'True' : 'False'),
  ];
}

/**
 * Merges desired conditions into the previous list: `lastTransitionTime` is kept while the
 * status is unchanged and set to now when it changes; reason, message and observedGeneration
 * always follow. Condition types this module does not own are kept as they were.
 */
export function mergeConditions(
  previous: readonly Condition[] | undefined, desired: readonly DesiredCondition[], nowMs: number, generation: number,
): Condition[] {
  return mergeOwnedConditions(previous, desired, nowMs, generation, CONDITION_TYPES);
}

/** `mergeConditions` for any resource: `owned` are the condition types its writer decides. */
export function mergeOwnedConditions(
  previous: readonly Condition[] | undefined, desired: readonly Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>[],
  nowMs: number, generation: number, owned: readonly string[],
): Condition[] {
  const before = new Map((previous ?? []).map((cond) => [cond.type, cond]));
  const now = rfc3339(nowMs);
  const merged: Condition[] = desired.map((d) => {
    const old = before.get(d.type);
    const lastTransitionTime = old !== undefined && old.status === d.status ? old.lastTransitionTime : now;
    return { type: d.type, status: d.status, observedGeneration: generation, lastTransitionTime, reason: d.reason, message: d.message };
  });
  const ownedTypes = new Set<string>(owned);
  const foreign = (previous ?? []).filter((cond) => !ownedTypes.has(cond.type));
  return [...merged, ...foreign];
}

/**
 * Recently formatted seconds: a status holds several times (now, launch, running), and a burst
 * writes thousands of statuses within a few seconds. Bounded: cleared when full.
 */
const formattedSeconds = new Map<number, string>();
const MAX_FORMATTED_SECONDS = 256;

/** Kubernetes time: RFC 3339 in UTC, whole seconds (metav1.Time). */
export function rfc3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  let text = formattedSeconds.get(second);
  if (text === undefined) {
    text = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    if (formattedSeconds.size >= MAX_FORMATTED_SECONDS) formattedSeconds.clear();
    formattedSeconds.set(second, text);
  }
  return text;
}
