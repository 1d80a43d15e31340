// From a SparkDriver resource to what the scheduler core takes: its submission ID, the Spark-style
// SubmissionInput (explicit spec fields folded into the Spark properties they override) and the
// DriverRecord used on recovery. Pure.

import { schedulerRecordOf } from './scheduler-record.ts';
import { DEFAULT_QUEUE, QUEUE_KEY, specFromSubmission, type Backend, type DriverRecord, type SubmissionInput } from '../scheduler/driver.ts';
import { fromResourceStatus } from './driver-status.ts';
import { effectiveSparkProperties, type ParseResult, type SparkDriver, type SparkDriverSpec } from './sparkdriver.ts';

const APP_NAME_KEY = 'spark.app.name';

/**
 * The driver's submission ID: `spec.submissionId` when set (the REST API sets Spark's own
 * `driver-<time>-<counter>`), else derived deterministically so every operator instance agrees:
 * `driver-<yyyyMMddHHmmss>-<first 8 hex digits of the UID>`, the time being the creation
 * timestamp in UTC. Spark's shape, with the UID in place of the per-process counter, which
 * restarted at 1 with the dispatcher. The ID names the Mesos tasks (`<id>`, `<id>-retry-<n>`).
 */
export function submissionIdOf(resource: Pick<SparkDriver, 'metadata'> & { readonly spec: Pick<SparkDriverSpec, 'submissionId'> }): string {
  if (resource.spec.submissionId !== undefined) return resource.spec.submissionId;
  const at = new Date(Date.parse(resource.metadata.creationTimestamp)).toISOString();
  const stamp = at.slice(0, 19).replace(/[-T:]/g, '');
  const hex = resource.metadata.uid.toLowerCase().replace(/[^0-9a-f]/g, '').slice(0, 8);
  return `driver-${stamp}-${hex}`;
}

/**
 * The driver's priority queue as the dispatcher reads it: the recorded one, else `spec.queue`, else
 * the `spark.mesos.dispatcher.queue` property, else the default queue. Reads unparsed resources too
 * (the metrics count every resource in the cache).
 */
export function queueOfResource(resource: object): string {
  const { spec, status } = resource as {
    spec?: { queue?: unknown; sparkProperties?: Record<string, unknown> }; status?: { queue?: unknown };
  };
  const candidates = [status?.queue, spec?.queue, spec?.sparkProperties?.[QUEUE_KEY]];
  return candidates.find((q): q is string => typeof q === 'string' && q !== '') ?? DEFAULT_QUEUE;
}

/**
 * The submission the core's `specFromSubmission` reads. Explicit fields win over the Spark
 * properties by overwriting them, so the driver's own configuration (its `--conf`s) agrees with
 * what the dispatcher does; absent fields leave the properties as they were.
 */
export function toSubmission(resource: SparkDriver): SubmissionInput {
  const { metadata, spec } = resource;
  // The spec's own arrays and maps, not copies: the scheduler core keeps them for the driver's
  // life, and they are the cached (frozen) resource's.
  const properties = effectiveSparkProperties(spec);
  return {
    submissionId: submissionIdOf(resource),
    submittedAtMs: Date.parse(metadata.creationTimestamp),
    appResource: spec.appResource,
    mainClass: spec.mainClass ?? '',
    appArgs: spec.arguments,
    // A driver needs a name (Spark's REST API requires it); a resource's own name serves.
    sparkProperties: APP_NAME_KEY in properties ? properties : { [APP_NAME_KEY]: metadata.name, ...properties },
    environment: spec.environmentVariables,
    resource: { namespace: metadata.namespace, name: metadata.name, uid: metadata.uid },
  };
}

/**
 * The record `restoreScheduler` takes for this resource: the spec (with the kill intent) and the
 * recorded DriverStatus, if any. Problems are those of the Spark properties (a bad
 * `spark.driver.supervise`, a malformed retry setting).
 */
export function toDriverRecord(resource: SparkDriver): ParseResult<{ record: DriverRecord }> {
  const built = specFromSubmission(toSubmission(resource));
  if (!built.ok) return { ok: false, problems: built.problems.map(propertyProblem) };
  const backend = recordedBackend(resource.status);
  const spec = { ...built.spec, ...(backend !== undefined && { backend }), ...(resource.spec.kill && { killRequested: true }) };
  const status = fromResourceStatus(resource.status);
  return { ok: true, record: status === undefined ? { spec } : { spec, status } };
}

/**
 * The backend admission chose, as the status records it: once a driver has a status, a change of
 * the dispatcher's default never moves it. A status from before there were two backends is Mesos's.
 */
export function recordedBackend(status: SparkDriver['status']): Backend | undefined {
  if (status?.backend !== undefined) return status.backend;
  return schedulerRecordOf(status) !== undefined ? 'mesos' : undefined;
}

/** "spark.driver.supervise: 'x' is not …" → "spec.sparkProperties[spark.driver.supervise]: 'x' is not …". */
export function propertyProblem(problem: string): string {
  const match = /^([^\s:]+): (.*)$/s.exec(problem);
  return match ? `spec.sparkProperties[${match[1]}]: ${match[2]}` : `spec.sparkProperties: ${problem}`;
}
