// The status of a SparkDriver, as a zod schema (the CRD's status schema is generated from it)
// and types: what users and GitOps tools read (phase, outcome, the current attempt, a bounded
// history, kstatus conditions) and `scheduler`, the hidden record from which the scheduler
// core's DriverStatus is rebuilt exactly after a restart. Schema and types only.

import { z } from 'zod';
import { isMesosTaskReason, MESOS_TASK_REASONS, MESOS_TASK_SOURCES, MESOS_TASK_STATES } from '../mesos/translation.ts';
import { BACKENDS, type FinishReason, type Outcome, type Phase } from '../scheduler/driver.ts';

export const PHASES = ['Queued', 'Launched', 'Retrying', 'Finished'] as const;
export type SparkDriverPhase = (typeof PHASES)[number];
export const OUTCOMES = ['Succeeded', 'Failed', 'Killed', 'Lost', 'Error', 'Rejected'] as const;
export type SparkDriverOutcome = (typeof OUTCOMES)[number];
export const CONDITION_TYPES = ['Accepted', 'Launched', 'Succeeded', 'Ready', 'Reconciling', 'Stalled'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** Attempts kept in `status.attempts` (a ring: the oldest goes first). */
export const MAX_ATTEMPT_HISTORY = 10;

// The core's vocabularies as enum objects; `satisfies` fails the build when the core adds a value.
const CORE_PHASES = { queued: 'queued', launched: 'launched', retrying: 'retrying', finished: 'finished' } as const satisfies { [P in Phase]: P };
const CORE_OUTCOMES = {
  succeeded: 'succeeded', failed: 'failed', killed: 'killed', lost: 'lost', error: 'error', rejected: 'rejected',
} as const satisfies { [O in Outcome]: O };
const FINISH_REASONS = {
  TaskFinished: 'TaskFinished', TaskFailed: 'TaskFailed', TaskKilled: 'TaskKilled', TaskLost: 'TaskLost', TaskError: 'TaskError',
  KillRequested: 'KillRequested', RetriesExhausted: 'RetriesExhausted', InvalidDriver: 'InvalidDriver',
  UnknownQueue: 'UnknownQueue', MaxDriversReached: 'MaxDriversReached',
} as const satisfies { [R in FinishReason]: R };

export const time = (description: string) => z.string().meta({ format: 'date-time', description });

// Mesos's names of task states, reasons and sources, as users know them (the translation's).
const mesosStatusSchema = z.object({
  state: z.enum(MESOS_TASK_STATES).describe('Last Mesos task state (TASK_RUNNING, TASK_FAILED, ...).'),
  reason: z.enum(MESOS_TASK_REASONS).optional(),
  source: z.enum(MESOS_TASK_SOURCES).optional(),
  message: z.string().optional(),
});

const attemptStatusSchema = z.object({
  taskId: z.string().describe('Mesos task ID: the submission ID, then <id>-retry-<n>.'),
  agentId: z.string().optional(),
  launchTime: time('When the task was handed to Mesos.').optional(),
  runningTime: time('When TASK_RUNNING was first seen.').optional(),
  lastUpdateTime: time('When Mesos last reported on the task.').optional(),
  finishTime: time('When the attempt ended.').optional(),
  mesos: mesosStatusSchema.optional(),
});
export type AttemptStatus = z.output<typeof attemptStatusSchema>;
export type MesosTaskStatus = z.output<typeof mesosStatusSchema>;

// metav1.Condition, as Kubernetes' own CRDs declare it.
export const conditionSchema = z.object({
  type: z.string().min(1).max(316),
  status: z.enum(['True', 'False', 'Unknown']),
  observedGeneration: z.int().min(0).optional(),
  lastTransitionTime: time('When the status last changed.'),
  reason: z.string().min(1).max(1024).regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/),
  message: z.string().max(32_768),
});
export type Condition = z.output<typeof conditionSchema>;

// In the hidden record the reason is a checked string, not an enum: the enum of 35 reasons
// would otherwise be repeated four times in the CRD. States are stored by their Mesos names.
const taskStatusSummarySchema = z.object({
  taskId: z.string(),
  state: z.enum(MESOS_TASK_STATES),
  reason: z.string().refine(isMesosTaskReason, 'not a Mesos task status reason').optional(),
  message: z.string().optional(),
  source: z.enum(MESOS_TASK_SOURCES).optional(),
  agentId: z.string().optional(),
  timestamp: z.number().optional(),
});

const attemptRecordSchema = z.object({
  taskId: z.string(),
  agentId: z.string(),
  launchedAtMs: z.number(),
  lastStatus: taskStatusSummarySchema.optional(),
  runningSinceMs: z.number().optional(),
});

/**
 * The core's DriverStatus flattened into one object (a structural schema has no unions): the
 * fields of every phase, optional, checked per phase when read back. Times in epoch ms; task
 * states by their Mesos names, as every release has stored them.
 */
export const schedulerRecordSchema = z.object({
  phase: z.enum(CORE_PHASES),
  attempts: z.int().min(0),
  retries: z.int().min(0),
  message: z.string().optional(),
  attempt: attemptRecordSchema.optional(),
  killRequested: z.boolean().optional(),
  waitSeconds: z.number().optional(),
  failedAtMs: z.number().optional(),
  nextRetryAtMs: z.number().optional(),
  lastFailure: taskStatusSummarySchema.optional(),
  outcome: z.enum(CORE_OUTCOMES).optional(),
  reason: z.enum(FINISH_REASONS).optional(),
  finishedAtMs: z.number().optional(),
  lastStatus: taskStatusSummarySchema.optional(),
  lastAttempt: attemptRecordSchema.optional(),
});
export type SchedulerRecord = z.output<typeof schedulerRecordSchema>;

export const sparkDriverStatusSchema = z.object({
  observedGeneration: z.int().min(0).optional().describe('The metadata.generation this status was computed for.'),
  phase: z.enum(PHASES).optional(),
  outcome: z.enum(OUTCOMES).optional().describe('How the driver ended; set once phase is Finished.'),
  submissionId: z.string().optional(),
  queue: z.string().optional(),
  backend: z.enum(BACKENDS).optional().describe('Where the driver runs, decided at admission; absent: mesos.'),
  frameworkId: z.string().optional().describe('The dispatcher\'s Mesos framework ID.'),
  message: z.string().optional(),
  currentAttempt: attemptStatusSchema.optional().describe('The latest attempt: running, or the one that ended last.'),
  attempts: z.array(attemptStatusSchema).max(MAX_ATTEMPT_HISTORY).optional()
    .describe(`The last ${MAX_ATTEMPT_HISTORY} attempts, oldest first.`),
  retries: z.int().min(0).optional().describe('Consecutive failures counted for the backoff and the retry bound.'),
  nextRetryTime: time('When a retrying driver becomes eligible for an offer again.').optional(),
  finishTime: time('When the driver finished; ttlSecondsAfterFinished counts from here.').optional(),
  conditions: z.array(conditionSchema).max(16)
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }).optional(),
  schedulerRecord: z.string().max(16_384).optional()
    .describe('Internal: the dispatcher\'s record of this driver (compact JSON), read back after a restart or failover. Do not edit.'),
  scheduler: schedulerRecordSchema.optional()
    .describe('Internal, written by releases before 0.3: the same record as an object. Read, then removed on the next status write.'),
});
export type SparkDriverStatus = z.output<typeof sparkDriverStatusSchema>;
