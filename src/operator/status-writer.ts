// The single writer of SparkDriver status. It turns the core's DriverStatus into the resource's
// status, writes it with a replacing merge patch on /status (a launch intent conditional on the
// resourceVersion last seen), records an Event when the phase or outcome changes, and retries
// writes that failed for a passing reason with the newest status.
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from '../runtime/logger.ts';
import { isConflict, isNotFound, isRetryable } from '../kube/api-error.ts';
import { toResourceStatus } from '../kube/driver-status.ts';
import type { EventRecorder } from '../kube/event-recorder.ts';
import type { Informer } from '../kube/informer.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/kube-client.ts';
import { parseSparkDriver, SPARK_DRIVER } from '../kube/sparkdriver.ts';
import type { SparkDriver } from '../kube/sparkdriver.ts';
import type { SparkDriverStatus } from '../kube/sparkdriver-status.ts';
import { newerResourceVersion, replacingMergePatch } from './merge-patch.ts';
import type { StatusSink, StatusWrite } from './scheduler-loop.ts';

export interface StatusWriterOptions {
  kube: KubeClient;
  informer: Informer;
  events: EventRecorder;
  clock: Clock;
  log: Logger;
  frameworkId: () => string | undefined;
  /** Parallel status writes in one batch (default 8). */
  concurrency?: number;
  retryDelayMs?: number;
}

interface Written { status: SparkDriverStatus | undefined; resourceVersion: string | undefined }

export class StatusWriter implements StatusSink {
  private readonly o: StatusWriterOptions;
  private readonly written = new Map<string, Written>();
  private readonly pendingRetry = new Map<string, { write: StatusWrite; cancel: () => void }>();

  constructor(options: StatusWriterOptions) {
    this.o = options;
  }

  async persist(writes: readonly StatusWrite[]): Promise<ReadonlySet<string>> {
    const failed = new Set<string>();
    const queue = [...writes];
    const worker = async (): Promise<void> => {
      for (let write = queue.shift(); write !== undefined; write = queue.shift()) {
        if (!(await this.writeOne(write))) failed.add(write.submissionId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(queue.length, this.o.concurrency ?? 8) }, worker));
    return failed;
  }

  forget(submissionId: string): void {
    this.pendingRetry.get(submissionId)?.cancel();
    this.pendingRetry.delete(submissionId);
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

  private cachedDriver(key: string, uid: string): { raw: KubeObject; driver: SparkDriver } | undefined {
    const raw = this.o.informer.get(key);
    if (raw?.metadata?.uid !== uid) return undefined;
    const parsed = parseSparkDriver(raw);
    return parsed.ok ? { raw, driver: parsed.resource } : undefined;
  }


  private async writeOne(write: StatusWrite): Promise<boolean> {
    this.forget(write.submissionId);
    const ref = write.resource;
    if (ref === undefined) return false;
    const key = `${ref.namespace}/${ref.name}`;
    const found = this.cachedDriver(key, ref.uid);
    if (found === undefined) return false;
    const { raw, driver: cached } = found;
    const mine = this.written.get(key);
    const previous = mine?.status !== undefined && newerResourceVersion(mine.resourceVersion, cached.metadata.resourceVersion) === mine.resourceVersion
      ? mine.status : cached.status;
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
      if (isConflict(error) || isNotFound(error)) {
        this.o.log.info({ driver: key, intent: write.intent }, `status write not applied: ${(error as Error).message}`);
        return false;
      }
      this.o.log.warn({ err: error, driver: key }, 'status write failed');
      if (!write.intent && isRetryable(error)) this.retryLater(write);
      return false;
    }
    this.recordTransition(raw, previous, desired);
    return true;
  }

  private retryLater(write: StatusWrite): void {
    const cancel = this.o.clock.setTimer(this.o.retryDelayMs ?? 1000, () => {
      this.pendingRetry.delete(write.submissionId);
      void this.writeOne(write);
    });
    this.pendingRetry.set(write.submissionId, { write, cancel });
  }

  private recordTransition(object: KubeObject, before: SparkDriverStatus | undefined, after: SparkDriverStatus): void {
    const attemptChanged = before?.currentAttempt?.taskId !== after.currentAttempt?.taskId;
    const mesosState = after.currentAttempt?.mesos?.state;
    const stateChanged = before?.currentAttempt?.mesos?.state !== mesosState;
    if (before?.phase === after.phase && before?.outcome === after.outcome && !attemptChanged && !stateChanged) return;
    const { reason, type } = eventFor(after, mesosState);
    void this.o.events.event(object, type, reason, after.message ?? `${after.phase}${after.outcome ? ` (${after.outcome})` : ''}`);
  }
}

function eventFor(status: SparkDriverStatus, mesosState: string | undefined): { reason: string; type: 'Normal' | 'Warning' } {
  switch (status.phase) {
    case 'Queued':
      return { reason: 'Queued', type: 'Normal' };
    case 'Launched':
      return { reason: mesosState === 'TASK_RUNNING' ? 'Running' : 'Launched', type: 'Normal' };
    case 'Retrying':
      return { reason: 'Retrying', type: 'Warning' };
    default:
      return { reason: status.outcome ?? 'Finished', type: status.outcome === 'Succeeded' ? 'Normal' : 'Warning' };
  }
}
