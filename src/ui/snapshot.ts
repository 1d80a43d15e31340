// The port the web UI reads from: a snapshot of the dispatcher (framework, master, leadership,
// link settings) and its SparkDriver resources, each with what the scheduler core would run for
// it. `uiDriverFrom` fills that in from a resource and the dispatcher configuration;
// `cachedUiDrivers` does it once per version of each resource.

import { parseSparkDriver, type SparkDriver } from '../sparkdriver/sparkdriver.ts';
import type { ScheduledSparkDriver } from '../scheduled/scheduled-spark-driver.ts';
import { propertyProblem, recordedBackend, submissionIdOf, toSubmission } from '../sparkdriver/sparkdriver-submission.ts';
import { schedulerRecordOf } from '../sparkdriver/scheduler-record.ts';
import { resolveRetryPolicy, type RetryPolicy } from '../scheduler/backoff.ts';
import type { DispatcherConfig } from '../scheduler/config.ts';
import { specFromSubmission, taskIdFor } from '../scheduler/driver.ts';
import type { DriverSizing } from '../scheduler/sizing.ts';
import { attemptEnvironment, planDriverTask } from '../scheduler/task-plan.ts';
import { MASK } from './mask.ts';

export interface UiSnapshot {
  /** The dispatcher's Mesos framework ID, once registered. */
  readonly frameworkId?: string;
  readonly masterUrl: string;
  /** Whether this replica holds the lease (runs the scheduler). */
  readonly leader: boolean;
  /** `spark.mesos.proxy.baseURL`: base of the Mesos UI, for sandbox links. */
  readonly mesosProxyBaseUrl?: string;
  /** `spark.mesos.dispatcher.historyServer.url`: base of the Spark history server. */
  readonly historyServerUrl?: string;
  /** `spark.redaction.regex`; Spark's default when absent. */
  readonly redactionPattern?: RegExp;
  readonly drivers: readonly UiDriver[];
  /** The ScheduledSparkDrivers (absent: the section shows none). */
  readonly schedules?: readonly ScheduledSparkDriver[];
}

export interface UiDriver {
  readonly resource: SparkDriver;
  /** The scheduler core's shell command for this driver, when it can be planned. */
  readonly command?: string | undefined;
  /** The task environment (secret variables already masked), when it can be planned. */
  readonly environment?: Readonly<Record<string, string>> | undefined;
  /** The attempt `command` and `environment` are those of (SPARK_SUBMIT_OPTS names it). */
  readonly plannedTaskId?: string;
  /** CPUs and memory of the driver's task. */
  readonly sizing?: DriverSizing;
  /** The effective retry policy of a supervised driver. */
  readonly retryPolicy?: RetryPolicy;
  /** Why the driver cannot be planned (a bad property, missing Spark home, ...). */
  readonly problems?: readonly string[];
}

export interface UiSource {
  snapshot(): UiSnapshot;
}

export interface UiDriverOptions {
  /** The dispatcher's framework ID, for drivers whose status does not name one yet. */
  readonly frameworkId?: string;
}

/** Stands in for the framework ID in SPARK_SUBMIT_OPTS until the dispatcher has registered. */
export const UNKNOWN_FRAMEWORK_ID = '<framework-id>';

/** The submission ID the UI knows a driver by: the one in its status, else the derived one. */
export function submissionIdOfResource(resource: SparkDriver): string {
  return resource.status?.submissionId ?? submissionIdOf(resource);
}

/** The task the driver runs now or ran last; for a queued or retrying driver, the next one. */
function plannedTaskId(resource: SparkDriver): string {
  const status = resource.status;
  const id = submissionIdOfResource(resource);
  const phase = status?.phase ?? 'Queued';
  if ((phase === 'Launched' || phase === 'Finished') && status?.currentAttempt !== undefined) return status.currentAttempt.taskId;
  return taskIdFor(id, schedulerRecordOf(status)?.attempts ?? status?.attempts?.length ?? 0);
}

/**
 * A resource with what the core makes of it: the command line, the environment of its current
 * (or next) attempt, its sizing and retry policy, or the problems that keep it from being
 * planned. Deterministic in its inputs.
 */
export function uiDriverFrom(resource: SparkDriver, config: DispatcherConfig, options: UiDriverOptions = {}): UiDriver {
  const built = specFromSubmission(toSubmission(resource));
  if (!built.ok) return { resource, problems: built.problems.map(propertyProblem) };
  const retryPolicy = resolveRetryPolicy(config.retryPolicy, built.spec.retryPolicy);
  // Planned on the backend it was admitted to, whatever the default says now.
  const backend = recordedBackend(resource.status);
  const planned = planDriverTask(backend === undefined ? built.spec : { ...built.spec, backend }, config);
  if (!planned.ok) return { resource, retryPolicy, problems: planned.problems };
  const plan = planned.plan;
  const taskId = plannedTaskId(resource);
  const variables = attemptEnvironment({
    taskId,
    agentId: resource.status?.currentAttempt?.agentId ?? '',
    frameworkId: resource.status?.frameworkId ?? options.frameworkId ?? UNKNOWN_FRAMEWORK_ID,
    resources: [],
    plan,
  });
  const environment: Record<string, string> = {};
  for (const variable of variables) environment[variable.name] = 'secret' in variable ? MASK : variable.value;
  return { resource, command: plan.command, environment, plannedTaskId: taskId, sizing: plan.sizing, retryPolicy };
}

/**
 * A listed driver: what the listing shows is kept, its command line and environment are planned
 * again when read (a driver page reads them once; kept, they cost some 0.7 KB for every driver
 * the UI has listed).
 */
class ListedDriver implements UiDriver {
  readonly resource: SparkDriver;
  readonly plannedTaskId?: string;
  readonly sizing?: DriverSizing;
  readonly retryPolicy?: RetryPolicy;
  readonly problems?: readonly string[];
  private readonly config: DispatcherConfig;
  private readonly options: UiDriverOptions;

  constructor(planned: UiDriver, config: DispatcherConfig, options: UiDriverOptions) {
    this.resource = planned.resource;
    if (planned.plannedTaskId !== undefined) this.plannedTaskId = planned.plannedTaskId;
    if (planned.sizing !== undefined) this.sizing = planned.sizing;
    if (planned.retryPolicy !== undefined) this.retryPolicy = planned.retryPolicy;
    if (planned.problems !== undefined) this.problems = planned.problems;
    this.config = config;
    this.options = options;
  }

  get command(): string | undefined {
    return uiDriverFrom(this.resource, this.config, this.options).command;
  }

  get environment(): Readonly<Record<string, string>> | undefined {
    return uiDriverFrom(this.resource, this.config, this.options).environment;
  }
}

/**
 * Turns the informer's objects into UiDrivers, parsing and planning each object once: the
 * informer hands out the same frozen object until the resource changes, so a page over 10,000
 * drivers costs only what changed since the last one. Objects that do not parse are left out.
 */
export function cachedUiDrivers(config: DispatcherConfig): (objects: readonly object[], frameworkId: string | undefined) => UiDriver[] {
  let cache = new WeakMap<object, UiDriver | null>();
  let plannedFor: string | undefined;
  return (objects, frameworkId) => {
    // The framework ID is part of every planned command: a new one plans everything anew.
    if (frameworkId !== plannedFor) {
      cache = new WeakMap();
      plannedFor = frameworkId;
    }
    return objects.flatMap((object) => {
      let driver = cache.get(object);
      if (driver === undefined) {
        const parsed = parseSparkDriver(object);
        const options = frameworkId === undefined ? {} : { frameworkId };
        driver = parsed.ok ? new ListedDriver(uiDriverFrom(parsed.resource, config, options), config, options) : null;
        cache.set(object, driver);
      }
      return driver === null ? [] : [driver];
    });
  };
}
