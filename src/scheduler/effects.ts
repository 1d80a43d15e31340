// What the scheduler core asks the shell to do, as data. The shell executes a step's effects in
// EFFECT_ORDER (the step already returns them sorted that way); the comment on it says why.

import type { Backend, DriverResourceRef, DriverSpec, DriverStatus, Phase } from './driver.ts';
import type { ClaimedResource } from './offers.ts';
import type { TaskPlan } from './task-plan.ts';
import type { Acknowledgement } from './task-status.ts';

export interface TaskRef {
  readonly taskId: string;
  readonly agentId?: string;
}

/**
 * One task to launch: the driver's attempt, with the resources it claimed, and the plan its
 * admission made (a driver launched from the queue for the first time) or none, to be planned
 * when the offer is accepted (plannedTask).
 */
export interface TaskLaunch {
  readonly taskId: string;
  readonly resources: readonly ClaimedResource[];
  readonly spec: DriverSpec;
  readonly prepared: TaskPlan | undefined;
}

export type Effect =
  /**
   * Write the driver's new status (the Kubernetes layer: the SparkDriver status). `from` is the
   * phase it left; absent for a driver that had none yet (admission) or was restored. `resource`
   * (where the driver came from), `queue` and `submittedAtMs` are what writing and reporting it
   * need of the driver: the core may have forgotten it by then (a finished driver trimmed past
   * spark.mesos.retainedDrivers in the same step).
   */
  | {
    readonly type: 'PersistDriver'; readonly submissionId: string; readonly status: DriverStatus; readonly from?: Phase;
    readonly resource: DriverResourceRef | undefined; readonly queue: string; readonly submittedAtMs: number; readonly backend: Backend | undefined;
  }
  /** Kill a task (Mesos: KILL; kubernetes: delete the pod, after a grace period forcibly). */
  | { readonly type: 'KillTask'; readonly taskId: string; readonly agentId?: string; readonly backend?: 'kubernetes' }
  /** Accept one offer with these tasks (Mesos: an ACCEPT with one LAUNCH operation), for the framework. */
  | {
    readonly type: 'LaunchTasks'; readonly offerId: string; readonly agentId: string; readonly frameworkId: string;
    readonly tasks: readonly TaskLaunch[];
  }
  /**
   * Start the attempt's task on the kubernetes backend, which places its tasks itself (no offer).
   * Idempotent per task ID: the task's name is deterministic, and one that already exists is adopted.
   */
  | {
    readonly type: 'StartTask'; readonly backend: 'kubernetes'; readonly taskId: string;
    /** Where the task runs, as the attempt records it (kubernetes: the pod's name). */
    readonly agentId: string;
    readonly spec: DriverSpec; readonly prepared: TaskPlan | undefined;
  }
  | { readonly type: 'DeclineOffers'; readonly offerIds: readonly string[]; readonly refuseSeconds: number }
  /**
   * Reconciliation of these tasks, or (Mesos) of every task when none is given; answers arrive as
   * TaskStatusReceived. On kubernetes, a task whose pod is gone is reported lost.
   */
  | { readonly type: 'ReconcileTasks'; readonly tasks: readonly TaskRef[]; readonly backend?: 'kubernetes' }
  | { readonly type: 'ReviveOffers' }
  | { readonly type: 'SuppressOffers' }
  /**
   * Acknowledge a status update that asked for it (the shell must not auto-acknowledge). With
   * `submissionId`, a terminal update of that driver's task: only once its status is recorded,
   * for once acknowledged Mesos may forget the task. A live task's update is acknowledged at once:
   * reconciliation reports its latest state again should the status not be recorded.
   */
  | { readonly type: 'Acknowledge'; readonly acknowledgement: Acknowledgement; readonly submissionId?: string }
  /** The core no longer tracks this finished driver (retention); the shell may drop it too. */
  | { readonly type: 'ForgetDriver'; readonly submissionId: string }
  /** Feed TimerFired at this time; a later wake request replaces an earlier one. A TimerFired spends it (one that came early is asked for again). */
  | { readonly type: 'ScheduleWake'; readonly atMs: number }
  /** Something unexpected but harmless (illegal transition, update for an unknown task): log and count it. */
  | { readonly type: 'ReportAnomaly'; readonly message: string; readonly submissionId?: string };

export type EffectType = Effect['type'];

/**
 * Execution order. Statuses are persisted first: a launch's task ID must be recorded before the
 * offer is accepted (launch at most once per attempt, even across a crash), and an update is
 * acknowledged only after it is recorded (so a crash before that makes Mesos resend it). Kills
 * go before launches so that a replaced duplicate stops as early as possible. Then we answer
 * offers, reconcile, and only then say whether we want more offers; bookkeeping comes last.
 */
export const EFFECT_ORDER = {
  PersistDriver: 0,
  KillTask: 1,
  LaunchTasks: 2,
  StartTask: 2,
  DeclineOffers: 3,
  ReconcileTasks: 4,
  ReviveOffers: 5,
  SuppressOffers: 5,
  Acknowledge: 6,
  ForgetDriver: 7,
  ScheduleWake: 8,
  ReportAnomaly: 9,
} as const satisfies Record<EffectType, number>;

/** Effects sorted into EFFECT_ORDER, keeping their relative order within a rank. */
export function inExecutionOrder(effects: readonly Effect[]): Effect[] {
  // Bucketed rather than sorted: a pass can return tens of thousands of effects.
  const buckets: Effect[][] = [];
  for (const effect of effects) (buckets[EFFECT_ORDER[effect.type]] ??= []).push(effect);
  return buckets.flat();
}
