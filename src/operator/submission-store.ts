// The REST API's SubmissionStore over SparkDriver resources: a create makes a SparkDriver named
// after its Spark-style submission ID (the API server's name uniqueness makes the ID unique
// across restarts and replicas), a status reads it, a kill sets `spec.kill`. Any replica can
// serve these: the resources are the only state.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../runtime/clock.ts';
import { backoffDelayMs, type BackoffPolicy } from '../runtime/backoff.ts';
import { isAlreadyExists, isNotFound, isRetryable, KubeApiError } from '../kube/api-error.ts';
import type { Informer } from '../kube/informer.ts';
import type { KubeClient, KubeObject } from '../kube/kube-client.ts';
import { SPARK_DRIVER, SPARK_DRIVER_API_VERSION, parseSparkDriverSpec } from '../sparkdriver/sparkdriver.ts';
import type { SparkDriverStatus } from '../sparkdriver/sparkdriver-status.ts';
import { submissionIdAt } from '../rest/index.ts';
import { submissionProblems, type DispatcherConfig } from '../scheduler/index.ts';
import type { CreateOutcome, KillOutcome, SubmissionStatusView, SubmissionStore, ValidatedSubmission } from '../rest/index.ts';

export interface KubeSubmissionStoreOptions {
  kube: KubeClient;
  informer: Informer;
  /** Where REST submissions are created. */
  namespace: string;
  clock: Clock;
  /** New submissions are refused while this many drivers are launched (spark.mesos.maxDrivers). */
  maxDrivers: number;
  /** Counter start (Spark's restarts at 1 per process; a collision just moves to the next). */
  firstCounter?: number;
  /**
   * The dispatcher's configuration: a submission its admission would refuse (a task that cannot
   * be planned, a command line too long to run) is refused at once, with the same problems.
   */
  dispatcher?: DispatcherConfig;
  /** The request marker put on each created resource (default: a random UUID). */
  newRequestId?: () => string;
}

/** Tries per create before giving up on finding a free ID in the same second. */
const CREATE_ATTEMPTS = 50;
/** Tries of one ID whose create failed in a way that leaves it unknown whether it happened. */
const AMBIGUOUS_RETRIES = 6;
const CREATE_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 2_000 };
const MAX_CLIENT_VERSION = 64;
export const REQUEST_ID_ANNOTATION = 'sparkmesos.io/rest-request-id';
const CLIENT_SPARK_VERSION_ANNOTATION = 'sparkmesos.io/client-spark-version';

interface Found { object: KubeObject & { status?: SparkDriverStatus }; name: string; namespace: string }

export class KubeSubmissionStore implements SubmissionStore {
  private readonly o: KubeSubmissionStoreOptions;
  private counter: number;

  constructor(options: KubeSubmissionStoreOptions) {
    this.o = options;
    this.counter = options.firstCounter ?? 1;
  }

  async create(request: ValidatedSubmission): Promise<CreateOutcome> {
    const spec = {
      appResource: request.appResource, mainClass: request.mainClass, arguments: [...request.appArgs],
      sparkProperties: { ...request.sparkProperties }, environmentVariables: { ...request.environmentVariables },
    };
    // Recorded in an annotation; a version string is short (annotations share a 256 KiB budget).
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    if (request.clientSparkVersion.length > MAX_CLIENT_VERSION || /[\0-\x1f]/.test(request.clientSparkVersion)) {
      return { kind: 'rejected', message: `clientSparkVersion: must be at most ${MAX_CLIENT_VERSION} printable characters` };
    }
    const parsed = parseSparkDriverSpec(spec);
    if (!parsed.ok) return { kind: 'rejected', message: parsed.problems.join('; ') };
    if (this.o.dispatcher !== undefined) {
      const problems = submissionProblems({
        submissionId: request.submissionId ?? submissionIdAt(this.o.clock.now(), 0), submittedAtMs: this.o.clock.now(),
        appResource: spec.appResource, mainClass: spec.mainClass, appArgs: spec.arguments,
        sparkProperties: spec.sparkProperties, environment: spec.environmentVariables,
      }, this.o.dispatcher);
      if (problems.length > 0) return { kind: 'rejected', message: problems.join('; ') };
    }
    const launched = this.o.informer.list().filter((d) => (d as Found['object']).status?.phase === 'Launched').length;
    if (launched >= this.o.maxDrivers) return { kind: 'rejected', message: 'Already reached maximum submission size' };
    // Marks the resource as this request's own, so an answer lost after the create happened is
    // recognised on reading it back: the create succeeds once, under one submission ID.
    const requestId = this.o.newRequestId?.() ?? randomUUID();
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt += 1) {
      const submissionId = request.submissionId ?? submissionIdAt(this.o.clock.now(), this.counter++);
      const body = {
        apiVersion: SPARK_DRIVER_API_VERSION, kind: SPARK_DRIVER.kind,
        metadata: {
          name: submissionId, namespace: this.o.namespace, labels: { 'sparkmesos.io/submitted-via': 'rest' },
          annotations: { [CLIENT_SPARK_VERSION_ANNOTATION]: request.clientSparkVersion, [REQUEST_ID_ANNOTATION]: requestId },
        },
        spec: { ...spec, submissionId },
      };
      const outcome = await this.createOnce(body, submissionId, requestId);
      if (outcome === 'created') return { kind: 'created', submissionId };
      if (typeof outcome === 'object') return outcome;
      if (request.submissionId !== undefined) return { kind: 'rejected', message: `submission ID ${submissionId} is already taken` };
    }
    throw new Error(`no free submission ID after ${CREATE_ATTEMPTS} tries`);
  }

  /**
   * One submission ID: `created` (by this request, possibly on an earlier try whose answer was
   * lost), `taken` (by someone else), or a rejection the API server gave. A failure that may or
   * may not have created it is settled by reading the resource back, then trying again.
   */
  private async createOnce(body: KubeObject, name: string, requestId: string): Promise<'created' | 'taken' | CreateOutcome> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.o.kube.create(SPARK_DRIVER, this.o.namespace, body);
        return 'created';
      } catch (error) {
        const rejected = rejection(error);
        if (rejected !== undefined) return rejected;
        if (!isAlreadyExists(error) && !isRetryable(error)) throw error;
        if (attempt >= AMBIGUOUS_RETRIES) throw error;
      }
      const existing = await this.readBack(name);
      if (existing !== undefined) return existing.metadata?.annotations?.[REQUEST_ID_ANNOTATION] === requestId ? 'created' : 'taken';
      await new Promise<void>((resolve) => this.o.clock.setTimer(backoffDelayMs(attempt, CREATE_BACKOFF, Math.random), resolve));
    }
  }

  /** The resource named `name`, or undefined when it does not exist; passing failures are retried. */
  private async readBack(name: string): Promise<KubeObject | undefined> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.o.kube.get({ ...SPARK_DRIVER, namespace: this.o.namespace, name });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        if (!isRetryable(error) || attempt >= AMBIGUOUS_RETRIES) throw error;
      }
      await new Promise<void>((resolve) => this.o.clock.setTimer(backoffDelayMs(attempt, CREATE_BACKOFF, Math.random), resolve));
    }
  }

  async status(submissionId: string): Promise<SubmissionStatusView | undefined> {
    const found = await this.find(submissionId);
    if (found === undefined) return undefined;
    const status = found.object.status;
    switch (status?.phase) {
      case undefined:
      case 'Queued':
        return { driverState: 'QUEUED' };
      case 'Launched':
        return withMessage('RUNNING', taskStatusText(status));
      case 'Retrying':
        return withMessage('RETRYING', taskStatusText(status));
      case 'Finished':
        return withMessage('FINISHED', taskStatusText(status) ?? status.message);
    }
  }

  async kill(submissionId: string): Promise<KillOutcome> {
    const found = await this.find(submissionId);
    if (found === undefined) return 'not-found';
    const phase = found.object.status?.phase;
    if (phase === 'Finished') return 'already-finished';
    try {
      await this.o.kube.patchMerge({ ...SPARK_DRIVER, namespace: found.namespace, name: found.name }, { spec: { kill: true } });
    } catch (error) {
      if (isNotFound(error)) return 'not-found';
      throw error;
    }
    if (phase === 'Launched') return 'killing-running';
    return phase === 'Retrying' ? 'removed-retrying' : 'removed-queued';
  }

  /** A REST-created driver by name; any other by the submission ID in its spec or status. */
  private async find(submissionId: string): Promise<Found | undefined> {
    try {
      const object = await this.o.kube.get({ ...SPARK_DRIVER, namespace: this.o.namespace, name: submissionId });
      return { object, name: submissionId, namespace: this.o.namespace };
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    for (const object of this.o.informer.list() as Found['object'][]) {
      const spec = (object as { spec?: { submissionId?: string } }).spec;
      if (spec?.submissionId === submissionId || object.status?.submissionId === submissionId) {
        return { object, name: object.metadata?.name ?? '', namespace: object.metadata?.namespace ?? '' };
      }
    }
    return undefined;
  }
}

/** The API server refused the resource itself (schema, CEL, size): the client's input is at fault. */
function rejection(error: unknown): CreateOutcome | undefined {
  if (!(error instanceof KubeApiError) || (error.code !== 422 && error.code !== 400 && error.code !== 413)) return undefined;
  return { kind: 'rejected', message: `The driver was refused: ${error.message}` };
}

function withMessage(driverState: SubmissionStatusView['driverState'], message: string | undefined): SubmissionStatusView {
  return message === undefined ? { driverState } : { driverState, message };
}

/** The last Mesos status in protobuf text form, the way the original's status message read. */
function taskStatusText(status: SparkDriverStatus): string | undefined {
  const attempt = status.currentAttempt;
  if (attempt?.mesos === undefined) return undefined;
  const quote = (text: string) => JSON.stringify(text);
  const lines = [`task_id {\n  value: ${quote(attempt.taskId)}\n}`, `state: ${attempt.mesos.state}`];
  if (attempt.mesos.message !== undefined) lines.push(`message: ${quote(attempt.mesos.message)}`);
  if (attempt.agentId !== undefined) lines.push(`slave_id {\n  value: ${quote(attempt.agentId)}\n}`);
  if (attempt.mesos.source !== undefined) lines.push(`source: ${attempt.mesos.source}`);
  if (attempt.mesos.reason !== undefined) lines.push(`reason: ${attempt.mesos.reason}`);
  return `${lines.join('\n')}\n`;
}
