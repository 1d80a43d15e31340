// Public surface of the scheduler core (pure: no I/O, no timers, no clock). The shell feeds
// inputs to `step` with the current time and executes the returned effects in order; on start
// it rebuilds the state with `restoreScheduler` from the persisted driver records. Inputs and
// effects are in the core's own words; a backend's translation speaks them.

export { parseDispatcherConfig, type ConfigResult, type DispatcherConfig } from './config.ts';
export type { ContainerPlan, PortMapping, Parameter, VolumePlan } from './container.ts';
export {
  specFromSubmission, taskIdFor, DEFAULT_QUEUE, BACKEND_KEY, BACKENDS, isBackend,
  type Attempt, type Backend, type DriverRecord, type DriverResourceRef, type DriverSpec, type DriverStatus,
  type FinishReason, type Outcome, type Phase, type SubmissionInput,
} from './driver.ts';
export type { RetryPolicy, RetryPolicyOverrides } from './backoff.ts';
export type { SchedulerInput } from './inputs.ts';
export type { Label } from './labels.ts';
export type { AttributeValue, ClaimedResource, Offer, OfferedResource } from './offers.ts';
export { EFFECT_ORDER, type Effect, type EffectType, type TaskLaunch, type TaskRef } from './effects.ts';
export { fromMilli, toMilli } from './resources.ts';
export { createScheduler, driverCounts, driverView, step, type SchedulerState } from './scheduler.ts';
export { restoreScheduler, type RestoreResult } from './recovery.ts';
export type { SecretRef, SecretVariable } from './secrets.ts';
export { compareProgress, describe, LEGAL_NEXT_PHASES, TASK_STATE_RULES } from './state-machine.ts';
export {
  attemptEnvironment, planDriverTask, plannedTask, submissionProblems,
  type FetchUri, type PlannedTask, type TaskPlan, type TaskVariable,
} from './task-plan.ts';
export { driverPodName, POD_FACTS, type PodPlan } from './pod-plan.ts';
export { TASK_STATES, type Acknowledgement, type TaskState, type TaskStatusSummary, type TaskUpdate } from './task-status.ts';
