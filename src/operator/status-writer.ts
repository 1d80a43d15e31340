// The single writer of SparkDriver status. It turns the core's DriverStatus into the resource's
// status and writes it with a replacing merge patch on /status (a launch intent conditional on
// the resourceVersion last seen), and records an Event when the phase or outcome changes.
// Guarantees, per driver: writes are serialised and the newest status wins; a status behind the
// recorded one is never written (status moves forward only); a write that did not take is
// retried, with the newest status, until it takes or the resource is gone. Only a launch intent
// is not retried: its launch is withheld instead (the scheduler loop reconciles it).
import type { Clock, Random } from '../runtime/clock.ts';
import type { Logger } from '../runtime/logger.ts';
import { backoffDelayMs, type BackoffPolicy } from '../runtime/backoff.ts';
import { isConflict, isNotFound } from '../kube/api-error.ts';
import { fromResourceStatus, invalidSpecStatus, toResourceStatus } from '../sparkdriver/driver-status.ts';
import type { EventRecorder } from '../kube/event-recorder.ts';
import type { Informer } from '../kube/informer.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/kube-client.ts';
import { parseSparkDriver, SPARK_DRIVER } from '../sparkdriver/sparkdriver.ts';
import type { SparkDriver } from '../sparkdriver/sparkdriver.ts';
import type { SparkDriverStatus } from '../sparkdriver/sparkdriver-status.ts';
import { compareProgress, type DriverResourceRef, type DriverStatus } from '../scheduler/index.ts';
import { newerResourceVersion, replacingMergePatch } from './merge-patch.ts';

/** One status write; `intent` writes record a new attempt and must not be blind. */
export interface StatusWrite {
  submissionId: string;
  resource: DriverResourceRef | undefined;
  queue: string;
  status: DriverStatus;
  intent: boolean;
}

export interface StatusSink {
  /**
   * Writes the statuses. Resolves once each was tried, with the submission IDs of the launch
   * intents that did not take (their launches must be withheld). Any other write that did not
   * take is retried in the background, with the driver's newest status, until it does.
   */
  persist(writes: readonly StatusWrite[]): Promise<ReadonlySet<string>>;
  /** Undefined when the driver's newest status is recorded; else resolves once it is. */
  pending(submissionId: string): Promise<void> | undefined;
  forget(submissionId: string): void;
}


export interface StatusWriterOptions {
  kube: KubeClient;
  informer: Informer;
  events: EventRecorder;
  clock: Clock;
  random: Random;
  log: Logger;
  frameworkId: () => string | undefined;
  /** Parallel status writes in one batch (default 8). */
  concurrency?: number;
  /** Delays between retries of a write that did not take. */
  retryBackoff?: BackoffPolicy;
}

export const STATUS_RETRY_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000 };

/**
 * written: the status is on the resource. ahead: the resource already has a status at least as
 * far along, so there is nothing to write. gone: the resource no longer exists. refused: a launch
 * intent did not take. failed: anything else; retried.
 */
type Outcome = 'written' | 'ahead' | 'gone' | 'refused' | 'failed';

interface Written { status: SparkDriverStatus | undefined; resourceVersion: string | undefined }

/** The writes of one driver: the newest status handed in, and whether it is settled (recorded, not needed, or a refused intent). */
interface DriverWrites {
  latest: StatusWrite;
  settled: boolean;
  /** Serialises this driver's writes: a slow older write never lands after a newer one. */
  chain: Promise<unknown>;
  failures: number;
  cancelRetry: (() => void) | undefined;
  waiters: (() => void)[];
}

export class StatusWriter implements StatusSink {
  private readonly o: StatusWriterOptions;
  private readonly written = new Map<string, Written>();
  private readonly drivers = new Map<string, DriverWrites>();

  constructor(options: StatusWriterOptions) {
    this.o = options;
  }

  async persist(writes: readonly StatusWrite[]): Promise<ReadonlySet<string>> {
    const refused = new Set<string>();
    const queue = [...writes];
    const worker = async (): Promise<void> => {
      for (let write = queue.shift(); write !== undefined; write = queue.shift()) {
        if ((await this.submit(write)) === 'refused') refused.add(write.submissionId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(queue.length, this.o.concurrency ?? 8) }, worker));
    return refused;
  }

  pending(submissionId: string): Promise<void> | undefined {
    const d = this.drivers.get(submissionId);
    if (d === undefined || d.settled) return undefined;
    return new Promise((resolve) => d.waiters.push(resolve));
  }

  forget(submissionId: string): void {
    const d = this.drivers.get(submissionId);
    if (d === undefined) return;
    d.cancelRetry?.();
    this.drivers.delete(submissionId);
    for (const resolve of d.waiters.splice(0)) resolve();
  }

  /** Drops what is remembered of a resource that is gone. */
  forgetResource(key: string): void {
    this.written.delete(key);
  }

  /**
   * Records the resourceVersion another write of ours returned (a finalizer patch), so the next
   * conditional write does not fail against our own change before the watch reports it.
   */
  noteResourceVersion(key: string, resourceVersion: string | undefined): void {
    const mine = this.written.get(key);
    this.written.set(key, { status: mine?.status, resourceVersion: newerResourceVersion(resourceVersion, mine?.resourceVersion) });
  }

  /** The newest resourceVersion known for the resource: the cache's or one of our writes'. */
  resourceVersionFor(key: string, cached: KubeObject): string | undefined {
    return newerResourceVersion(this.written.get(key)?.resourceVersion, cached.metadata?.resourceVersion);
  }

  /** Makes `write` the driver's newest status and writes it after the driver's writes before it. */
  private submit(write: StatusWrite): Promise<Outcome> {
    let d = this.drivers.get(write.submissionId);
    if (d === undefined) {
      d = { latest: write, settled: false, chain: Promise.resolve(), failures: 0, cancelRetry: undefined, waiters: [] };
      this.drivers.set(write.submissionId, d);
    } else {
      d.latest = write;
      d.settled = false;
    }
    return this.enqueue(d);
  }

  private enqueue(d: DriverWrites): Promise<Outcome> {
    const run = d.chain.then(() => this.writeLatest(d));
    d.chain = run.catch(() => undefined);
    return run;
  }

  private async writeLatest(d: DriverWrites): Promise<Outcome> {
    if (d.settled || this.drivers.get(d.latest.submissionId) !== d) return 'ahead';
    d.cancelRetry?.();
    d.cancelRetry = undefined;
    const write = d.latest;
    const outcome = await this.writeOne(write);
    if (d.latest !== write) return outcome; // a newer status came in meanwhile; it is next in the chain
    if (outcome === 'failed') {
      const delay = backoffDelayMs(d.failures++, this.o.retryBackoff ?? STATUS_RETRY_BACKOFF, this.o.random);
      d.cancelRetry = this.o.clock.setTimer(delay, () => {
        d.cancelRetry = undefined;
        void this.enqueue(d);
      });
    } else {
      d.settled = true;
      d.failures = 0;
      for (const resolve of d.waiters.splice(0)) resolve();
    }
    return outcome;
  }

  /**
   * Records that a resource's spec is invalid (Finished, Rejected, the problems as the message)
   * and says so in an Event. Resolves to false when it should be tried again.
   */
  async writeInvalidSpec(raw: KubeObject, problems: readonly string[]): Promise<boolean> {
    const previous = (raw as { status?: SparkDriverStatus }).status;
    const desired = invalidSpecStatus(undefined, problems, { nowMs: this.o.clock.now(), generation: raw.metadata?.generation ?? 0 });
    const target: ObjectRef = { ...SPARK_DRIVER, namespace: raw.metadata?.namespace ?? '', name: raw.metadata?.name ?? '' };
    try {
      await this.o.kube.patchStatus(target, { status: replacingMergePatch([previous], desired) });
    } catch (error) {
      if (isNotFound(error)) return true;
      this.o.log.info({ driver: `${target.namespace}/${target.name}` }, `invalid-spec status did not take: ${(error as Error).message}`);
      return false;
    }
    void this.o.events.event(raw, 'Warning', 'InvalidSpec', problems.join('; '));
    return true;
  }

  private cachedDriver(key: string, uid: string): { raw: KubeObject; driver: SparkDriver } | undefined {
    const raw = this.o.informer.get(key);
    if (raw?.metadata?.uid !== uid) return undefined;
    const parsed = parseSparkDriver(raw);
    return parsed.ok ? { raw, driver: parsed.resource } : undefined;
  }

  private async writeOne(write: StatusWrite): Promise<Outcome> {
    const ref = write.resource;
    if (ref === undefined) return 'gone';
    const key = `${ref.namespace}/${ref.name}`;
    const found = this.cachedDriver(key, ref.uid);
    // Not in the cache (gone, or not heard of yet by a cache behind the API server): nothing is
    // written, so a launch intent did not take and its launch must be withheld.
    if (found === undefined) return write.intent ? 'refused' : 'gone';
    const { raw, driver: cached } = found;
    const mine = this.written.get(key);
    const previous = mine?.status !== undefined && newerResourceVersion(mine.resourceVersion, cached.metadata.resourceVersion) === mine.resourceVersion
      ? mine.status : cached.status;
    const recorded = fromResourceStatus(previous);
    if (recorded !== undefined && compareProgress(write.status, recorded) < 0) {
      this.o.log.debug({ driver: key, phase: write.status.phase, recorded: recorded.phase }, 'not writing a status behind the recorded one');
      return 'ahead';
    }
    const frameworkId = this.o.frameworkId();
    const desired = toResourceStatus(previous, write.status, {
      nowMs: this.o.clock.now(), generation: cached.metadata.generation ?? 0, submissionId: write.submissionId, queue: write.queue,
      ...(frameworkId !== undefined && { frameworkId }),
    });
    const patch = { status: replacingMergePatch([cached.status, mine?.status], desired) };
    const target: ObjectRef = { ...SPARK_DRIVER, namespace: ref.namespace, name: ref.name };
    const resourceVersion = write.intent ? this.resourceVersionFor(key, raw) : undefined;
    try {
      const result = await this.o.kube.patchStatus(target, patch, resourceVersion === undefined ? {} : { resourceVersion });
      this.written.set(key, { status: desired, resourceVersion: result.metadata?.resourceVersion });
    } catch (error) {
      return this.failed(write, key, ref.uid, error);
    }
    this.recordTransition(raw, previous, desired);
    return 'written';
  }

  private failed(write: StatusWrite, key: string, uid: string, error: unknown): Outcome {
    const message = (error as Error).message;
    if (write.intent) {
      const level = isConflict(error) ? 'info' : 'warn';
      this.o.log[level]({ driver: key }, `launch intent not recorded, the launch is withheld: ${message}`);
      return 'refused';
    }
    // A 404 while the cache still has the resource is a passing fault (or a cache behind a
    // delete-and-recreate, which the uid check settles on the next try).
    if (isNotFound(error) && this.cachedDriver(key, uid) === undefined) return 'gone';
    this.o.log.info({ driver: key, phase: write.status.phase }, `status write did not take; retrying with the newest status: ${message}`);
    return 'failed';
  }

  /** One Event per transition a person follows: a phase, an outcome or a new attempt (not each Mesos state). */
  private recordTransition(object: KubeObject, before: SparkDriverStatus | undefined, after: SparkDriverStatus): void {
    const attemptChanged = before?.currentAttempt?.taskId !== after.currentAttempt?.taskId;
    if (before?.phase === after.phase && before?.outcome === after.outcome && !attemptChanged) return;
    const { reason, type } = eventFor(after);
    void this.o.events.event(object, type, reason, after.message ?? `${after.phase}${after.outcome ? ` (${after.outcome})` : ''}`);
  }
}

function eventFor(status: SparkDriverStatus): { reason: string; type: 'Normal' | 'Warning' } {
  switch (status.phase) {
    case 'Queued':
      return { reason: 'Queued', type: 'Normal' };
    case 'Launched':
      return { reason: 'Launched', type: 'Normal' };
    case 'Retrying':
      return { reason: 'Retrying', type: 'Warning' };
    default:
      return { reason: status.outcome ?? 'Finished', type: status.outcome === 'Succeeded' ? 'Normal' : 'Warning' };
  }
}
