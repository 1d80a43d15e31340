// The driver model: what a submission carries (DriverSpec) and where it is in its lifecycle
// (DriverStatus), plus the deterministic task IDs of its attempts. Plain, JSON-friendly data:
// the Kubernetes layer persists DriverStatus and hands DriverRecords back on recovery.

import { readRetryOverrides, type RetryPolicyOverrides } from './backoff.ts';
import { parseBoolean } from './spark-values.ts';
import type { TaskStatusSummary } from './task-status.ts';

export const SUPERVISE_KEY = 'spark.driver.supervise';
export const QUEUE_KEY = 'spark.mesos.dispatcher.queue';
export const DEFAULT_QUEUE = 'default';
/** The backend a driver runs on: `mesos` (an offer, a Mesos task) or `kubernetes` (a pod). */
export const BACKEND_KEY = 'spark.mesos.dispatcher.backend';
export const BACKENDS = ['mesos', 'kubernetes'] as const;
export type Backend = (typeof BACKENDS)[number];

export function isBackend(value: string): value is Backend {
  return (BACKENDS as readonly string[]).includes(value);
}

/** The Kubernetes object a driver came from; put on the task as labels so it can be adopted. */
export interface DriverResourceRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** What a Spark submission carries, as the REST API or a SparkDriver resource hands it in. */
export interface SubmissionInput {
  readonly submissionId: string;
  /** Epoch ms; orders the queue together with the priority and the ID. */
  readonly submittedAtMs: number;
  /** The primary resource: the application jar or Python file URL. */
  readonly appResource: string;
  /** Empty for Python applications, as spark-submit sends it. */
  readonly mainClass: string;
  readonly appArgs: readonly string[];
  readonly sparkProperties: Readonly<Record<string, string>>;
  /** The submitted environment (the client's SPARK_* variables). */
  readonly environment: Readonly<Record<string, string>>;
  readonly resource?: DriverResourceRef;
}

/** Everything one submission carries, with the scheduling settings read from it. Immutable. */
export interface DriverSpec extends SubmissionInput {
  /** Relaunch after a task failed or was lost. */
  readonly supervise: boolean;
  /** Priority queue name; must be `default` or declared by the dispatcher. */
  readonly queue: string;
  readonly retryPolicy?: RetryPolicyOverrides;
  /** Level-triggered kill intent; survives restarts because it is part of the spec. */
  readonly killRequested?: boolean;
  /**
   * Where the driver runs. Absent: the dispatcher's default, which admission resolves once; the
   * status records the result, so a later change of the default never moves an admitted driver.
   */
  readonly backend?: Backend;
}

export type Phase = 'queued' | 'launched' | 'retrying' | 'finished';
export type Outcome = 'succeeded' | 'failed' | 'killed' | 'lost' | 'error' | 'rejected';
export type FinishReason =
  | 'TaskFinished' | 'TaskFailed' | 'TaskKilled' | 'TaskLost' | 'TaskError'
  | 'KillRequested' | 'RetriesExhausted' | 'InvalidDriver' | 'UnknownQueue' | 'MaxDriversReached';

/** One launch of the driver as a task. */
export interface Attempt {
  readonly taskId: string;
  readonly agentId: string;
  readonly launchedAtMs: number;
  /** Absent until the backend first reports on the task ("about to launch" after a restart). */
  readonly lastStatus?: TaskStatusSummary;
  /** When the task was first seen running; measures a successful run for the retry reset. */
  readonly runningSinceMs?: number;
}

interface Counters {
  /** Attempts launched so far; the next task ID is `taskIdFor(id, attempts)`. */
  readonly attempts: number;
  /** Consecutive failures counted for backoff and the retry bound. */
  readonly retries: number;
}

/** The most cpus and the most memory any one offer has had (each may come from another offer). */
export interface LargestOffer {
  readonly cpusMilli: number;
  readonly memMilli: number;
}

/** What a driver needs, beside the largest offer seen, when it needs more. */
export interface TooLarge {
  readonly needs: LargestOffer;
  readonly largest: LargestOffer;
}

export type DriverStatus =
  | (Counters & {
    readonly phase: 'queued';
    readonly message?: string;
    /** Larger than every offer seen so far: it may never launch. */
    readonly tooLarge?: TooLarge;
  })
  | (Counters & { readonly phase: 'launched'; readonly attempt: Attempt; readonly killRequested: boolean })
  | (Counters & {
    readonly phase: 'retrying';
    readonly waitSeconds: number;
    readonly failedAtMs: number;
    readonly nextRetryAtMs: number;
    readonly lastFailure: TaskStatusSummary;
  })
  | (Counters & {
    readonly phase: 'finished';
    readonly outcome: Outcome;
    readonly reason: FinishReason;
    readonly message: string;
    readonly finishedAtMs: number;
    readonly lastStatus?: TaskStatusSummary;
    readonly lastAttempt?: Attempt;
  });

/** A persisted driver, as the Kubernetes layer hands it back on recovery. */
export interface DriverRecord {
  readonly spec: DriverSpec;
  /** Absent for a driver that was never admitted. */
  readonly status?: DriverStatus;
}

/** Task ID of attempt `index` (0-based): the submission ID, then `<id>-retry-<n>` (Spark's scheme). */
export function taskIdFor(submissionId: string, index: number): string {
  return index === 0 ? submissionId : `${submissionId}-retry-${index}`;
}

const RETRY_SUFFIX = /-retry-\d+$/;

/** The submission ID candidates a task ID may belong to: itself, then without `-retry-<n>`. */
export function submissionIdCandidates(taskId: string): string[] {
  const stripped = taskId.replace(RETRY_SUFFIX, '');
  return stripped === taskId ? [taskId] : [taskId, stripped];
}

/** Why a submission ID cannot name Mesos tasks, or undefined if it can. */
export function submissionIdProblem(id: string): string | undefined {
  if (id === '' || id === '.' || id === '..') return `submission ID '${id}' is not usable as a Mesos task ID`;
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\s/\\\u0000-\u001f\u007f]/.test(id)) return `submission ID '${id}' contains whitespace, a slash or a control character`;
  if (RETRY_SUFFIX.test(id)) return `submission ID '${id}' ends like a retry task ID (-retry-<n>)`;
  return undefined;
}

/**
 * Builds a spec from a Spark-style submission, reading supervise, queue, retry and backend
 * settings from its properties (`spark.driver.supervise`, `spark.mesos.dispatcher.queue`, retry
 * keys, `spark.mesos.dispatcher.backend`).
 */
export function specFromSubmission(input: SubmissionInput): { ok: true; spec: DriverSpec } | { ok: false; problems: string[] } {
  const props = input.sparkProperties;
  const problems: string[] = [];
  let supervise = false;
  const superviseText = props[SUPERVISE_KEY];
  if (superviseText !== undefined) {
    const parsed = parseBoolean(SUPERVISE_KEY, superviseText);
    if (parsed.ok) supervise = parsed.value; else problems.push(parsed.error);
  }
  const retry = readRetryOverrides(props);
  problems.push(...retry.problems);
  const backend = props[BACKEND_KEY];
  if (backend !== undefined && !isBackend(backend)) problems.push(`${BACKEND_KEY}: '${backend}' is not ${BACKENDS.join(' or ')}`);
  if (problems.length > 0) return { ok: false, problems };
  const spec: DriverSpec = {
    ...input,
    supervise,
    queue: props[QUEUE_KEY] ?? DEFAULT_QUEUE,
    ...(Object.keys(retry.overrides).length > 0 && { retryPolicy: retry.overrides }),
    ...(backend !== undefined && isBackend(backend) && { backend }),
  };
  return { ok: true, spec };
}
