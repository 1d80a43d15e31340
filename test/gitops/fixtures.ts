// SparkDriver resources in every phase and outcome, with the status the operator itself writes
// (toResourceStatus / invalidSpecStatus), and the verdict each GitOps tool should reach. The
// Argo CD health script, the kstatus rules and docs/gitops.md's table are all checked against
// this one list, so the three cannot disagree.

import { taskStateOfName } from '../../src/mesos/translation.ts';
import type { TaskState } from '../../src/mesos/types.ts';
import type { Attempt, DriverStatus, FinishReason, Outcome } from '../../src/scheduler/driver.ts';
import type { TaskStatusSummary } from '../../src/scheduler/task-status.ts';
import { invalidSpecStatus, toResourceStatus } from '../../src/sparkdriver/driver-status.ts';
import { SPARK_DRIVER_API_VERSION } from '../../src/sparkdriver/sparkdriver.ts';
import type { SparkDriverStatus } from '../../src/sparkdriver/sparkdriver-status.ts';

export type ArgoHealth = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
export type KStatus = 'InProgress' | 'Current' | 'Failed' | 'Terminating';

export interface GitOpsCase {
  /** What the case is, for test names. */
  readonly name: string;
  /** The first cell of the row in docs/gitops.md's health table that documents this case. */
  readonly row: string;
  /** A SparkDriver as the API server returns it (plain JSON). */
  readonly resource: Record<string, unknown>;
  readonly argocd: ArgoHealth;
  /** kstatus alone: what Flux, kpt and cli-utils conclude from the conditions. */
  readonly kstatus: KStatus;
  /** Flux with the healthCheckExprs of deploy/flux/kustomization.yaml. */
  readonly flux: KStatus;
}

const T0 = Date.parse('2024-03-01T10:00:00Z');
const TASK = 'driver-20240301100000-0001';

const summary = (state: TaskState, extra: Partial<TaskStatusSummary> = {}): TaskStatusSummary =>
  ({ taskId: TASK, state: taskStateOfName(state), agentId: 'agent-1', timestamp: (T0 + 3_000) / 1000, ...extra });
const attempt = (lastStatus?: TaskStatusSummary): Attempt => ({
  taskId: TASK, agentId: 'agent-1', launchedAtMs: T0 + 1_000,
  ...(lastStatus !== undefined && { lastStatus }),
  ...(lastStatus?.state === 'running' && { runningSinceMs: T0 + 3_000 }),
});
const launched = (lastStatus?: TaskStatusSummary, killRequested = false): DriverStatus =>
  ({ phase: 'launched', attempts: 1, retries: 0, killRequested, attempt: attempt(lastStatus) });
const LAST_STATE: Record<Outcome, TaskState> = {
  succeeded: 'TASK_FINISHED', failed: 'TASK_FAILED', killed: 'TASK_KILLED', lost: 'TASK_LOST', error: 'TASK_ERROR', rejected: 'TASK_ERROR',
};
const finished = (outcome: Outcome, reason: FinishReason, message: string, attempts = 1): DriverStatus => ({
  phase: 'finished', attempts, retries: 0, outcome, reason, message, finishedAtMs: T0 + 20_000,
  ...(attempts > 0 && { lastAttempt: attempt(summary(LAST_STATE[outcome])) }),
});

const STATES = {
  queued: { phase: 'queued', attempts: 0, retries: 0 },
  requeued: { phase: 'queued', attempts: 1, retries: 0, message: 'Task driver-20240301100000-0001 was dropped before it reached an agent; queued again' },
  launching: launched(),
  staging: launched(summary('TASK_STAGING')),
  starting: launched(summary('TASK_STARTING')),
  running: launched(summary('TASK_RUNNING')),
  killing: launched(summary('TASK_RUNNING'), true),
  mesosKilling: launched(summary('TASK_KILLING')),
  tooLarge: {
    phase: 'queued', attempts: 0, retries: 0,
    tooLarge: { needs: { cpusMilli: 1000, memMilli: 4_096_000_000 }, largest: { cpusMilli: 8000, memMilli: 32_768_000 } },
  },
  retrying: {
    phase: 'retrying', attempts: 1, retries: 1, waitSeconds: 1, failedAtMs: T0 + 9_000, nextRetryAtMs: T0 + 10_000,
    lastFailure: summary('TASK_FAILED', { reason: 'REASON_COMMAND_EXECUTOR_FAILED', message: 'exit 1' }),
  },
} satisfies Record<string, DriverStatus>;

interface Shape {
  readonly generation?: number;
  readonly observedGeneration?: number;
  readonly kill?: boolean;
}

/** The resource with the status the operator writes for `driver` (undefined: none yet). */
function sparkDriver(status: SparkDriverStatus | undefined, shape: Shape = {}): Record<string, unknown> {
  const generation = shape.generation ?? 1;
  const resource = {
    apiVersion: SPARK_DRIVER_API_VERSION,
    kind: 'SparkDriver',
    metadata: {
      name: 'spark-pi', namespace: 'spark', uid: '6f1c2a55-6d3e-4f0b-9b7e-2f4c1d9e8a10', generation,
      creationTimestamp: '2024-03-01T10:00:00Z', resourceVersion: '4711',
    },
    spec: {
      appResource: 'http://repo.example.com/spark/spark-examples_2.12-3.5.1.jar',
      mainClass: 'org.apache.spark.examples.SparkPi',
      arguments: ['100'],
      sparkProperties: { 'spark.app.name': 'SparkPi', 'spark.driver.memory': '1g' },
      environmentVariables: {},
      kill: shape.kill ?? false,
      ttlSecondsAfterFinished: 86_400,
    },
    ...(status !== undefined && { status }),
  };
  return JSON.parse(JSON.stringify(resource)) as Record<string, unknown>;
}

function statusOf(driver: DriverStatus, observedGeneration = 1): SparkDriverStatus {
  return toResourceStatus(undefined, driver, {
    nowMs: T0 + 30_000, generation: observedGeneration, submissionId: TASK, queue: 'default', frameworkId: 'fw-0001',
  });
}

const of = (driver: DriverStatus, shape: Shape = {}): Record<string, unknown> =>
  sparkDriver(statusOf(driver, shape.observedGeneration ?? shape.generation ?? 1), shape);

export const ROWS = {
  noStatus: 'Created, no status yet',
  queued: 'Queued',
  tooLarge: 'Queued, larger than any offer so far',
  launching: 'Launched, task not running yet',
  running: 'Launched and running',
  killing: 'Launched, being killed',
  retrying: 'Retrying',
  succeeded: 'Finished: Succeeded',
  failed: 'Finished: Failed',
  lost: 'Finished: Lost',
  error: 'Finished: Error',
  rejected: 'Finished: Rejected',
  killedOnRequest: 'Finished: Killed, on request (`spec.kill: true`)',
  killedElsewhere: 'Finished: Killed, not requested',
  specNotObserved: 'Spec changed, not yet observed',
  finishedSpecEdited: 'Finished, spec edited afterwards, not yet observed',
} as const;

export const CASES: readonly GitOpsCase[] = [
  { name: 'no status', row: ROWS.noStatus, resource: sparkDriver(undefined), argocd: 'Progressing', kstatus: 'Current', flux: 'InProgress' },
  { name: 'empty status', row: ROWS.noStatus, resource: { ...sparkDriver(undefined), status: {} }, argocd: 'Progressing', kstatus: 'Current', flux: 'InProgress' },
  { name: 'queued', row: ROWS.queued, resource: of(STATES.queued), argocd: 'Progressing', kstatus: 'InProgress', flux: 'InProgress' },
  { name: 'queued again', row: ROWS.queued, resource: of(STATES.requeued), argocd: 'Progressing', kstatus: 'InProgress', flux: 'InProgress' },
  { name: 'queued, larger than any offer', row: ROWS.tooLarge, resource: of(STATES.tooLarge), argocd: 'Degraded', kstatus: 'Failed', flux: 'Failed' },
  { name: 'launched, no update yet', row: ROWS.launching, resource: of(STATES.launching), argocd: 'Progressing', kstatus: 'InProgress', flux: 'InProgress' },
  { name: 'launched, TASK_STAGING', row: ROWS.launching, resource: of(STATES.staging), argocd: 'Progressing', kstatus: 'InProgress', flux: 'InProgress' },
  { name: 'launched, TASK_STARTING', row: ROWS.launching, resource: of(STATES.starting), argocd: 'Progressing', kstatus: 'InProgress', flux: 'InProgress' },
  { name: 'running', row: ROWS.running, resource: of(STATES.running), argocd: 'Healthy', kstatus: 'Current', flux: 'Current' },
  {
    name: 'running, kill requested', row: ROWS.killing, resource: of(STATES.killing, { generation: 2, kill: true }),
    argocd: 'Progressing', kstatus: 'InProgress', flux: 'InProgress',
  },
  { name: 'TASK_KILLING', row: ROWS.killing, resource: of(STATES.mesosKilling), argocd: 'Progressing', kstatus: 'InProgress', flux: 'InProgress' },
  { name: 'retrying', row: ROWS.retrying, resource: of(STATES.retrying), argocd: 'Progressing', kstatus: 'InProgress', flux: 'InProgress' },
  {
    name: 'succeeded', row: ROWS.succeeded, resource: of(finished('succeeded', 'TaskFinished', 'Task finished: TASK_FINISHED')),
    argocd: 'Healthy', kstatus: 'Current', flux: 'Current',
  },
  {
    name: 'failed (TASK_FAILED)', row: ROWS.failed, resource: of(finished('failed', 'TaskFailed', 'Task ended with TASK_FAILED: exit 1')),
    argocd: 'Degraded', kstatus: 'Failed', flux: 'Failed',
  },
  {
    name: 'failed (retries exhausted)', row: ROWS.failed, resource: of(finished('failed', 'RetriesExhausted', 'Gave up after 3 retries')),
    argocd: 'Degraded', kstatus: 'Failed', flux: 'Failed',
  },
  { name: 'lost', row: ROWS.lost, resource: of(finished('lost', 'TaskLost', 'Task ended with TASK_LOST')), argocd: 'Degraded', kstatus: 'Failed', flux: 'Failed' },
  { name: 'error (TASK_ERROR)', row: ROWS.error, resource: of(finished('error', 'TaskError', 'Task ended with TASK_ERROR')), argocd: 'Degraded', kstatus: 'Failed', flux: 'Failed' },
  {
    name: 'error (invalid driver)', row: ROWS.error, resource: of(finished('error', 'InvalidDriver', 'spark.app.name: not set', 0)),
    argocd: 'Degraded', kstatus: 'Failed', flux: 'Failed',
  },
  {
    name: 'rejected (unknown queue)', row: ROWS.rejected, resource: of(finished('rejected', 'UnknownQueue', "queue 'urgent' is not declared", 0)),
    argocd: 'Degraded', kstatus: 'Failed', flux: 'Failed',
  },
  {
    name: 'rejected (maxDrivers)', row: ROWS.rejected,
    resource: of(finished('rejected', 'MaxDriversReached', 'Already reached maximum submission size', 0)),
    argocd: 'Degraded', kstatus: 'Failed', flux: 'Failed',
  },
  {
    name: 'rejected (invalid spec)', row: ROWS.rejected,
    resource: sparkDriver(invalidSpecStatus(undefined, ['spec.queue: must not be empty'], { nowMs: T0, generation: 1 })),
    argocd: 'Degraded', kstatus: 'Failed', flux: 'Failed',
  },
  {
    name: 'killed on request while running', row: ROWS.killedOnRequest,
    resource: of(finished('killed', 'KillRequested', 'Killed on request: task ended with TASK_KILLED'), { generation: 2, kill: true }),
    argocd: 'Suspended', kstatus: 'Current', flux: 'Current',
  },
  {
    name: 'killed on request while queued', row: ROWS.killedOnRequest,
    resource: of(finished('killed', 'KillRequested', "Removed driver while it's still pending", 0), { generation: 2, kill: true }),
    argocd: 'Suspended', kstatus: 'Current', flux: 'Current',
  },
  {
    name: 'killed, not requested', row: ROWS.killedElsewhere, resource: of(finished('killed', 'TaskKilled', 'Task ended with TASK_KILLED')),
    argocd: 'Degraded', kstatus: 'Failed', flux: 'Failed',
  },
  {
    name: 'kill set, not yet observed', row: ROWS.specNotObserved,
    resource: of(STATES.running, { generation: 2, observedGeneration: 1, kill: true }), argocd: 'Progressing', kstatus: 'InProgress', flux: 'InProgress',
  },
  {
    name: 'finished, TTL changed, not yet observed', row: ROWS.finishedSpecEdited,
    resource: of(finished('succeeded', 'TaskFinished', 'Task finished: TASK_FINISHED'), { generation: 3, observedGeneration: 2 }),
    argocd: 'Healthy', kstatus: 'InProgress', flux: 'InProgress',
  },
];
