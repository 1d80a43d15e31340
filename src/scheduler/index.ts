// Public surface of the scheduler core (pure: no I/O, no timers, no clock). The shell feeds
// inputs to `step` with the current time and executes the returned effects in order; on start
// it rebuilds the state with `restoreScheduler` from the persisted driver records.

export { parseDispatcherConfig, type ConfigResult, type DispatcherConfig } from './config.ts';
export {
  specFromSubmission, taskIdFor, DEFAULT_QUEUE,
  type Attempt, type DriverRecord, type DriverResourceRef, type DriverSpec, type DriverStatus,
  type FinishReason, type Outcome, type Phase, type SubmissionInput, type TaskStatusSummary,
} from './driver.ts';
export type { RetryPolicy, RetryPolicyOverrides } from './backoff.ts';
export type { SchedulerInput } from './inputs.ts';
export { EFFECT_ORDER, type Effect, type EffectType, type TaskRef } from './effects.ts';
export { createScheduler, driverCounts, driverView, step, type SchedulerState } from './scheduler.ts';
export { restoreScheduler, type RestoreResult } from './recovery.ts';
export { compareProgress, LEGAL_NEXT_PHASES, TASK_STATE_RULES } from './state-machine.ts';
export { DRIVER_LABEL_KEYS, planDriverTask, submissionProblems, type TaskPlan } from './task-plan.ts';
