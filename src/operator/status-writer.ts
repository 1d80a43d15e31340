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
import { FailureSummary } from '../runtime/failure-summary.ts';
import { isConflict, isNotFound } from '../kube/api-error.ts';
import { RequestGate } from '../kube/request-gate.ts';
import { fromResourceStatus, invalidSpecStatus, toResourceStatus } from '../sparkdriver/driver-status.ts';
import type { EventRecorder } from '../kube/event-recorder.ts';
import type { Informer } from '../kube/informer.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/kube-client.ts';
import { readStoredStatus, SPARK_DRIVER } from '../sparkdriver/sparkdriver.ts';
import type { SparkDriverStatus } from '../sparkdriver/sparkdriver-status.ts';
import type { StringTable } from '../sparkdriver/cache-transform.ts';
import { compareProgress, type Backend, type DriverResourceRef, type DriverStatus } from '../scheduler/index.ts';
import { newerResourceVersion, replacingMergePatch } from './merge-patch.ts';

/** One status write; `intent` writes record a new attempt and must not be blind. */
export interface StatusWrite {
  submissionId: string;
  resource: DriverResourceRef | undefined;
  queue: string;
  /** Absent: mesos. */
  backend?: Backend | undefined;
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
  /** The scheduler forgot the driver: nothing newer will come (what is pending is still written). */
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
  /** Shares the repeated strings of what is remembered (the cache's table). */
  strings?: StringTable;
  /** Parallel status writes in one batch (default 8). */
  concurrency?: number;
  /**
   * Deferred writes (coalesced, or retried) in flight at once (default 16). A burst of admissions
   * makes thousands due together; they wait their turn as timers' callbacks, not as built
   * patches and requests, and leave room for the launch intents, which never wait here.
   */
  deferredConcurrency?: number;
  /** Delays between retries of a write that did not take. */
  retryBackoff?: BackoffPolicy;
  /**
   * How long a status change waits before it is written, so that the changes of a driver that
   * moves fast (admitted then launched, running then finished) cost one write and one Event; a
   * change within a phase waits five times as long. Launch intents never wait. Default 0: every
   * change is written at once.
   */
  coalesceMs?: number;
}

export const STATUS_RETRY_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000 };
/** A change that keeps the phase waits this many coalescing delays. */
const WITHIN_PHASE_FACTOR = 5;

/**
 * written: the status is on the resource. ahead: the resource already has a status at least as
 * far along, so there is nothing to write. gone: the resource no longer exists. refused: a launch
 * intent did not take. failed: anything else; retried. deferred: to be written after the coalescing delay.
 */
type Outcome = 'written' | 'ahead' | 'gone' | 'refused' | 'failed' | 'deferred';

interface Written { status: SparkDriverStatus | undefined; resourceVersion: string | undefined }

/** The writes of one driver: the newest status handed in, and whether it is settled (recorded, not needed, or a refused intent). */
interface DriverWrites {
  latest: StatusWrite;
  settled: boolean;
  /** Serialises this driver's writes: a slow older write never lands after a newer one. */
  chain: Promise<unknown>;
  failures: number;
  cancelScheduled: (() => void) | undefined;
  /** When the scheduled write runs (epoch ms). */
  scheduledAtMs: number;
  waiters: (() => void)[];
}

export class StatusWriter implements StatusSink {
  private readonly o: StatusWriterOptions;
  private readonly written = new Map<string, Written>();
  private readonly drivers = new Map<string, DriverWrites>();
  /** A Normal Event waiting for the coalescing delay, by submission ID. */
  private readonly heldEvents = new Map<string, { emit: () => void; cancel: () => void }>();
  private readonly deferredWrites: RequestGate;
  /** Writes that did not take and are retried: while the API is down, one line per window. */
  private readonly retriedWrites: FailureSummary;

  constructor(options: StatusWriterOptions) {
    this.o = options;
    this.deferredWrites = new RequestGate(options.deferredConcurrency ?? 16);
    this.retriedWrites = new FailureSummary(options.clock, (fields, message) => options.log.info(fields, message));
    // What we wrote is remembered only until the cache has it: then the cache is newer or as new.
    options.informer.onChange((key, cached) => {
      const mine = this.written.get(key);
      const cachedVersion = cached?.metadata?.resourceVersion;
      if (mine === undefined || cachedVersion === undefined) return;
      if (newerResourceVersion(cachedVersion, mine.resourceVersion) === cachedVersion) this.written.delete(key);
    });
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
    // A status still to be written (waiting for the coalescing delay, or retried) is written all
    // the same, and the driver is dropped once it is: the scheduler forgets finished drivers past
    // spark.mesos.retainedDrivers moments after they finish, and their last status (and the ACK
    // of the update it records) must not be lost with them.
    if (d === undefined || !d.settled) return;
    d.cancelScheduled?.();
    this.drivers.delete(submissionId);
  }

  /** Drivers with writes in hand, and resources whose last write the cache has not caught up with. */
  stats(): { drivers: number; remembered: number } {
    return { drivers: this.drivers.size, remembered: this.written.size };
  }

  /**
   * Remembers what was written until the cache has it. The watch often delivers our change
   * before the write's answer arrives: the cache has then caught up already, and what we wrote
   * would otherwise stay remembered (a status per driver) until the resource next changes.
   */
  private remember(key: string, status: SparkDriverStatus, resourceVersion: string | undefined, uid: string | undefined): void {
    const cached = this.o.informer.get(key)?.metadata?.resourceVersion;
    if (resourceVersion !== undefined && cached !== undefined && caughtUp(cached, resourceVersion)) {
      this.written.delete(key);
      return;
    }
    this.written.set(key, { status: this.o.strings?.shareAll(status, uid) ?? status, resourceVersion });
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
      d = {
        latest: write, settled: false, chain: Promise.resolve(), failures: 0, cancelScheduled: undefined, scheduledAtMs: 0, waiters: [],
      };
      this.drivers.set(write.submissionId, d);
    } else {
      d.latest = write;
      d.settled = false;
    }
    const coalesceMs = this.o.coalesceMs ?? 0;
    // An end is written at once: until it is recorded its update is not acknowledged, and a
    // replica that dies meanwhile leaves the next one a task Mesos may have forgotten by then.
    if (write.intent || coalesceMs <= 0 || write.status.phase === 'finished') {
      d.cancelScheduled?.();
      d.cancelScheduled = undefined;
      return this.enqueue(d);
    }
    // A change within the phase (the Mesos state of a running attempt, a kill request) waits
    // longer: a short task's RUNNING then needs no write of its own.
    const delay = write.status.phase === this.recordedPhase(write) ? coalesceMs * WITHIN_PHASE_FACTOR : coalesceMs;
    // A write already scheduled takes this newest status when it runs (brought forward if this
    // change is due sooner); a held Event waits for it, so that it can give way to this one's.
    this.schedule(d, delay);
    this.holdEvent(write.submissionId, delay);
    return Promise.resolve('deferred');
  }

  /** The phase of the newest status on record for the driver's resource (ours or the cache's). */
  private recordedPhase(write: StatusWrite): DriverStatus['phase'] | undefined {
    const ref = write.resource;
    if (ref === undefined) return undefined;
    const key = `${ref.namespace}/${ref.name}`;
    const cached = this.o.informer.get(key) as { status?: { phase?: string } } | undefined;
    const phase = this.written.get(key)?.status?.phase ?? cached?.status?.phase;
    return phase === undefined ? undefined : phase.toLowerCase() as DriverStatus['phase'];
  }

  /** Schedules the driver's next write in `delayMs`, unless one is due sooner. */
  private schedule(d: DriverWrites, delayMs: number): void {
    const at = this.o.clock.now() + delayMs;
    if (d.cancelScheduled !== undefined && d.scheduledAtMs <= at) return;
    d.cancelScheduled?.();
    d.scheduledAtMs = at;
    d.cancelScheduled = this.o.clock.setTimer(delayMs, () => {
      d.cancelScheduled = undefined;
      // Not in the driver's chain while it waits: a launch intent coming meanwhile goes first
      // (this write then finds the driver settled, or writes what is newest).
      void this.deferredWrites.through(() => this.enqueue(d));
    });
  }

  private enqueue(d: DriverWrites): Promise<Outcome> {
    const run = d.chain.then(() => this.writeLatest(d));
    d.chain = run.catch(() => undefined);
    return run;
  }

  private async writeLatest(d: DriverWrites): Promise<Outcome> {
    if (d.settled || this.drivers.get(d.latest.submissionId) !== d) return 'ahead';
    d.cancelScheduled?.();
    d.cancelScheduled = undefined;
    const write = d.latest;
    const outcome = await this.writeOne(write);
    if (d.latest !== write) return outcome; // a newer status came in meanwhile; it is next in the chain
    if (outcome === 'failed') {
      this.schedule(d, backoffDelayMs(d.failures++, this.o.retryBackoff ?? STATUS_RETRY_BACKOFF, this.o.random));
    } else {
      d.settled = true;
      d.failures = 0;
      for (const resolve of d.waiters.splice(0)) resolve();
      // Nothing left to do for this driver: what we wrote is in `written` until the cache has it.
      if (d.cancelScheduled === undefined) this.drivers.delete(write.submissionId);
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

  /** The cached resource and its status (only the status is read: the spec is the controller's business). */
  private cachedDriver(key: string, uid: string): { raw: KubeObject; status: SparkDriverStatus | undefined } | undefined {
    const raw = this.o.informer.get(key);
    if (raw?.metadata?.uid !== uid) return undefined;
    return { raw, status: readStoredStatus((raw as { status?: unknown }).status) };
  }

  private async writeOne(write: StatusWrite): Promise<Outcome> {
    const ref = write.resource;
    if (ref === undefined) return 'gone';
    const key = `${ref.namespace}/${ref.name}`;
    const found = this.cachedDriver(key, ref.uid);
    // Not in the cache (gone, or not heard of yet by a cache behind the API server): nothing is
    // written, so a launch intent did not take and its launch must be withheld.
    if (found === undefined) return write.intent ? 'refused' : 'gone';
    const { raw, status: cachedStatus } = found;
    const mine = this.written.get(key);
    const previous = mine?.status !== undefined && newerResourceVersion(mine.resourceVersion, raw.metadata?.resourceVersion) === mine.resourceVersion
      ? mine.status : cachedStatus;
    const recorded = fromResourceStatus(previous);
    if (recorded !== undefined && compareProgress(write.status, recorded) < 0) {
      this.o.log.debug({ driver: key, phase: write.status.phase, recorded: recorded.phase }, 'not writing a status behind the recorded one');
      return 'ahead';
    }
    const frameworkId = this.o.frameworkId();
    const desired = toResourceStatus(previous, write.status, {
      nowMs: this.o.clock.now(), generation: raw.metadata?.generation ?? 0, submissionId: write.submissionId, queue: write.queue,
      ...(frameworkId !== undefined && { frameworkId }),
      ...(write.backend !== undefined && { backend: write.backend }),
    });
    const patch = { status: replacingMergePatch([cachedStatus, mine?.status], desired) };
    const target: ObjectRef = { ...SPARK_DRIVER, namespace: ref.namespace, name: ref.name };
    const resourceVersion = write.intent ? this.resourceVersionFor(key, raw) : undefined;
    try {
      // Only the new resourceVersion is read off the answer; the watch brings the object.
      const result = await this.o.kube.patchStatus(target, patch, { metadataOnly: true, ...(resourceVersion !== undefined && { resourceVersion }) });
      this.remember(key, desired, result.metadata?.resourceVersion, raw.metadata?.uid);
    } catch (error) {
      return this.failed(write, key, ref.uid, error);
    }
    this.recordTransition(write.submissionId, raw, previous, desired);
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
    this.retriedWrites.report({ driver: key, phase: write.status.phase }, `status write did not take; retrying with the newest status: ${message}`);
    return 'failed';
  }

  /**
   * One Event per transition a person follows: a phase, an outcome, a new attempt, or a queued
   * driver found larger than any offer (not each Mesos state). With a coalescing delay, a Normal event waits for it and gives way to a later
   * event of the same driver (Launched, then Succeeded a moment later: one Event); Warnings are
   * never held back or dropped.
   */
  private recordTransition(id: string, object: KubeObject, before: SparkDriverStatus | undefined, after: SparkDriverStatus): void {
    const attemptChanged = before?.currentAttempt?.taskId !== after.currentAttempt?.taskId;
    const newlyStalled = stalledReason(after) !== undefined && stalledReason(before) !== stalledReason(after);
    if (before?.phase === after.phase && before?.outcome === after.outcome && !attemptChanged && !newlyStalled) return;
    const { reason, type } = eventFor(after);
    const message = after.message ?? `${after.phase}${after.outcome ? ` (${after.outcome})` : ''}`;
    const emit = (): void => void this.o.events.event(object, type, reason, message);
    this.heldEvents.get(id)?.cancel();
    this.heldEvents.delete(id);
    const delay = this.o.coalesceMs ?? 0;
    if (delay <= 0 || type === 'Warning') return emit();
    this.heldEvents.set(id, { emit, cancel: () => undefined });
    this.holdEvent(id, delay);
  }

  /**
   * (Re)arms the timer of the Event held for driver `id`, if any. When it fires while a newer
   * status of the driver is still to be written, the Event waits for that write, which may
   * replace it.
   */
  private holdEvent(id: string, delayMs: number): void {
    const held = this.heldEvents.get(id);
    if (held === undefined) return;
    held.cancel();
    held.cancel = this.o.clock.setTimer(delayMs, () => {
      const release = (): void => {
        if (this.heldEvents.get(id) !== held) return;
        this.heldEvents.delete(id);
        held.emit();
      };
      const writing = this.pending(id);
      if (writing === undefined) release();
      else void writing.then(release);
    });
  }
}

/** The reason of a queued driver's Stalled=True condition (it may never fit), if it has one. */
function stalledReason(status: SparkDriverStatus | undefined): string | undefined {
  if (status?.phase !== 'Queued') return undefined;
  return status.conditions?.find((c) => c.type === 'Stalled' && c.status === 'True')?.reason;
}

/** Whether the cache's resourceVersion is `written` or later (only numbers can be compared). */
function caughtUp(cached: string, written: string): boolean {
  return cached === written || (/^\d+$/.test(cached) && /^\d+$/.test(written) && BigInt(cached) >= BigInt(written));
}

function eventFor(status: SparkDriverStatus): { reason: string; type: 'Normal' | 'Warning' } {
  switch (status.phase) {
    case 'Queued':
      return { reason: stalledReason(status) ?? 'Queued', type: stalledReason(status) === undefined ? 'Normal' : 'Warning' };
    case 'Launched':
      return { reason: 'Launched', type: 'Normal' };
    case 'Retrying':
      return { reason: 'Retrying', type: 'Warning' };
    default:
      return { reason: status.outcome ?? 'Finished', type: status.outcome === 'Succeeded' ? 'Normal' : 'Warning' };
  }
}
