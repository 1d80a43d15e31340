// Level-based reconcile of one SparkDriver key (leader only): read the cached object, hand the
// driver to the scheduler loop if it is new, apply a kill request, kill the task of a driver whose
// resource is gone, and delete finished drivers whose TTL has passed.
// An invalid spec gets Accepted=False with the reason; it never stops the others.
import { schedulerRecordOf } from '../sparkdriver/scheduler-record.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from '../runtime/logger.ts';
import { isConflict, isNotFound, KubeApiError } from '../kube/api-error.ts';
import { finishedAtMs, fromResourceStatus, isFinished, observedGenerationOf } from '../sparkdriver/driver-status.ts';
import type { EventRecorder } from '../kube/event-recorder.ts';
import type { Informer } from '../kube/informer.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/kube-client.ts';
import type { ReconcileResult } from '../kube/reconcile-runner.ts';
import { compareProgress, type DriverStatus } from '../scheduler/index.ts';
import { parseSparkDriver, SPARK_DRIVER } from '../sparkdriver/sparkdriver.ts';
import type { SparkDriver } from '../sparkdriver/sparkdriver.ts';
import { submissionIdOf, toDriverRecord } from '../sparkdriver/sparkdriver-submission.ts';
import type { SchedulerLoop } from './scheduler-loop.ts';
import type { StatusWriter } from './status-writer.ts';

/**
 * Kept by versions before 0.2 on every unfinished driver, so that deleting it waited for its
 * task's kill. Drivers no longer get it: a deleted driver's task is killed when the deletion is
 * seen, or, if no leader ran then, by the implicit reconciliation of the next subscription. The
 * finalizer costs two writes per driver and blocks deletion while no operator runs. Resources
 * that still carry it are honoured (the kill is awaited) and it is removed once they finish.
 */
export const FINALIZER = 'sparkmesos.io/kill-task';

export interface DriverControllerOptions {
  kube: KubeClient;
  informer: Informer;
  loop: SchedulerLoop;
  writer: StatusWriter;
  events: EventRecorder;
  clock: Clock;
  log: Logger;
  /** How long a deleted driver waits for its task to end before the finalizer goes anyway. */
  deletionKillTimeoutMs?: number;
  /** Poll interval while a deleted driver's task is being killed. */
  killPollMs?: number;
}

const done: ReconcileResult = { kind: 'done' };

export class DriverController {
  private readonly o: DriverControllerOptions;
  /** submission ID of each key seen, to tell the core when a resource is gone. */
  private readonly idByKey = new Map<string, string>();

  constructor(options: DriverControllerOptions) {
    this.o = options;
  }

  readonly reconcile = async (key: string): Promise<ReconcileResult> => {
    try {
      return await this.reconcileKey(key);
    } catch (error) {
      // A failed API call (a conflict above all) is a retry with backoff, not a crash.
      if (error instanceof KubeApiError) return { kind: 'retry', error };
      throw error;
    }
  };

  private async reconcileKey(key: string): Promise<ReconcileResult> {
    const raw = this.o.informer.get(key);
    if (raw === undefined) return this.gone(key);
    const parsed = parseSparkDriver(raw);
    if (!parsed.ok) return this.invalid(key, raw, parsed.problems);
    const driver = parsed.resource;
    const id = submissionIdOf(driver);
    this.idByKey.set(key, id);
    if (driver.metadata.deletionTimestamp !== undefined) return this.deleting(key, raw, driver, id);

    const hasFinalizer = driver.metadata.finalizers?.includes(FINALIZER) ?? false;
    if (this.o.loop.view(id) === undefined && schedulerRecordOf(driver.status) === undefined) {
      const record = toDriverRecord(driver);
      if (!record.ok) return this.invalid(key, raw, record.problems);
      // Not awaited: submissions arriving together are admitted in one batch. (Submitting twice
      // is harmless: the core admits an ID once.)
      void this.o.loop.submit({ type: 'DriverSubmitted', spec: record.record.spec });
      return done;
    }
    if (this.o.loop.view(id) === undefined) {
      // Recorded by a leader, yet unknown here: its record landed after this leader's restore
      // list (a write of the last leader that arrived late). It is restored as it stands, or it
      // would stay as recorded for ever. A finished one was trimmed on purpose (retention).
      const record = toDriverRecord(driver);
      if (record.ok && record.record.status !== undefined && record.record.status.phase !== 'finished') {
        await this.o.loop.submit({ type: 'DriverRestored', record: { ...record.record, status: record.record.status } });
      }
    }
    const before = this.o.loop.view(id);
    if (driver.spec.kill && before !== undefined && before.status.phase !== 'finished') {
      await this.o.loop.submit({ type: 'KillRequested', submissionId: id });
    }
    // Read after the kill: it may have finished the driver.
    const view = this.o.loop.view(id);
    const finished = view === undefined ? isFinished(driver.status) : view.status.phase === 'finished';
    await this.catchUp(driver, raw, id, view?.status);
    // Only drivers from before 0.2 carry the finalizer; it goes once they finish.
    if (finished && hasFinalizer) await this.setFinalizers(key, raw, (driver.metadata.finalizers ?? []).filter((f) => f !== FINALIZER));
    return finished ? this.expireAfterTtl(driver) : done;
  }

  /**
   * Writes the status when the resource lags: a spec edit that changes nothing for the scheduler
   * (kill on a finished driver, a new TTL) still has to be observed, or kstatus and Flux would
   * wait on it forever; and a status the core is ahead of (a write that found the resource not
   * yet in this replica's cache, as just after a failover) is written once the resource is seen.
   */
  private async catchUp(driver: SparkDriver, raw: KubeObject, id: string, current: DriverStatus | undefined): Promise<void> {
    // Read off the stored status: the parsed one is built only if a write follows.
    const stored = (raw as { status?: unknown }).status;
    const recorded = fromResourceStatus(stored);
    const status = current ?? recorded;
    if (status === undefined || this.o.writer.pending(id) !== undefined) return;
    const unobserved = typeof stored === 'object' && stored !== null && observedGenerationOf(stored) !== driver.metadata.generation;
    const behind = current !== undefined && (recorded === undefined || compareProgress(current, recorded) > 0);
    if (!unobserved && !behind) return;
    const { namespace, name, uid } = driver.metadata;
    await this.o.writer.persist([{
      submissionId: id, resource: { namespace, name, uid }, queue: driver.status?.queue ?? this.o.loop.view(id)?.spec.queue ?? 'default',
      backend: driver.status?.backend, status, intent: false,
    }]);
  }

  /** The resource is gone: the core forgets the driver and kills a task still running. */
  private async gone(key: string): Promise<ReconcileResult> {
    const id = this.idByKey.get(key);
    this.idByKey.delete(key);
    this.o.writer.forgetResource(key);
    if (id !== undefined) await this.o.loop.submit({ type: 'DriverRemoved', submissionId: id });
    return done;
  }

  private async invalid(key: string, raw: KubeObject, problems: string[]): Promise<ReconcileResult> {
    const status = (raw as { status?: Record<string, unknown> }).status;
    if (status?.observedGeneration === (raw.metadata?.generation ?? 0) && status.outcome === 'Rejected') return done;
    this.o.log.info({ driver: key, problems }, 'SparkDriver spec is invalid');
    if (!(await this.o.writer.writeInvalidSpec(raw, problems))) return { kind: 'retry', error: new Error('the invalid-spec status did not take') };
    if (raw.metadata?.finalizers?.includes(FINALIZER)) {
      await this.setFinalizers(key, raw, raw.metadata.finalizers.filter((f) => f !== FINALIZER));
    }
    return done;
  }

  /** Deleted while it may still run: kill the task, wait for it to end, then let the resource go. */
  private async deleting(key: string, raw: KubeObject, driver: SparkDriver, id: string): Promise<ReconcileResult> {
    const hasFinalizer = driver.metadata.finalizers?.includes(FINALIZER) ?? false;
    const view = this.o.loop.view(id);
    if (view?.status.phase === 'launched') {
      await this.o.loop.submit({ type: 'KillRequested', submissionId: id });
      const deletedAt = Date.parse(driver.metadata.deletionTimestamp ?? '');
      const waited = this.o.clock.now() - deletedAt;
      if (hasFinalizer && this.o.loop.view(id)?.status.phase === 'launched' && waited < (this.o.deletionKillTimeoutMs ?? 60_000)) {
        return { kind: 'requeueAfter', ms: this.o.killPollMs ?? 500 };
      }
      if (waited >= (this.o.deletionKillTimeoutMs ?? 60_000)) {
        this.o.log.warn({ driver: key }, 'the task did not end in time after the kill; letting the resource go');
      }
    }
    if (hasFinalizer) await this.setFinalizers(key, raw, (driver.metadata.finalizers ?? []).filter((f) => f !== FINALIZER));
    return done;
  }

  private async expireAfterTtl(driver: SparkDriver): Promise<ReconcileResult> {
    const ttlSeconds = driver.spec.ttlSecondsAfterFinished;
    const finishedAt = finishedAtMs(driver.status);
    if (ttlSeconds === undefined || finishedAt === undefined) return done;
    const dueInMs = finishedAt + ttlSeconds * 1000 - this.o.clock.now();
    if (dueInMs > 0) return { kind: 'requeueAfter', ms: dueInMs };
    try {
      await this.o.kube.delete(this.ref(driver), { preconditions: { uid: driver.metadata.uid } });
      void this.o.events.event(driver, 'Normal', 'Expired', `deleted ${ttlSeconds} s after it finished (ttlSecondsAfterFinished)`);
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) return { kind: 'retry', error };
    }
    return done;
  }

  private async setFinalizers(key: string, object: KubeObject, finalizers: string[]): Promise<void> {
    // Conditional, so that a concurrent change of the list is not overwritten; our own status
    // writes count as seen, since they never touch the list.
    const resourceVersion = this.o.writer.resourceVersionFor(key, object) ?? '';
    try {
      const result = await this.o.kube.patchMerge(this.ref(object), { metadata: { finalizers } }, { resourceVersion });
      this.o.writer.noteResourceVersion(key, result.metadata?.resourceVersion);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  private ref(object: { metadata?: { namespace?: string; name?: string } }): ObjectRef {
    return { ...SPARK_DRIVER, namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '' };
  }
}
