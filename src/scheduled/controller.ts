// The thin shell around the planner (leader only): reads a ScheduledSparkDriver and its runs from
// the informer caches, asks `plan` what to do, and does it in a fixed order: kill (Replace) before
// the new run is created, so two never run under Replace; create, where AlreadyExists means the
// run exists (a restart, a second leader) and the next pass decides from the cache; prune the
// history; then write the status, and only then count the metrics and record the events.
import { isDeepStrictEqual } from 'node:util';
import { isAlreadyExists, isConflict, isNotFound } from '../kube/api-error.ts';
import type { EventRecorder } from '../kube/event-recorder.ts';
import type { Informer } from '../kube/informer.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/kube-client.ts';
import type { ReconcileResult } from '../kube/reconcile-runner.ts';
import { SPARK_DRIVER } from '../sparkdriver/sparkdriver.ts';
import type { SparkDriverOutcome } from '../sparkdriver/sparkdriver-status.ts';
import { replacingMergePatch } from '../operator/merge-patch.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from '../runtime/logger.ts';
import { plan, type MissedReason, type Plan } from './plan.ts';
import { controllerOf, runManifest, runsOf } from './runs.ts';
import { parseScheduledSparkDriver, SCHEDULED_SPARK_DRIVER, type ScheduledSparkDriver } from './scheduled-spark-driver.ts';
import { scheduledConditions } from './scheduled-conditions.ts';
import type { ScheduledSparkDriverStatus } from './scheduled-status.ts';

/** What the controller reports to the metrics, once the status that records it is written. */
export interface ScheduledObserver {
  runCreated(): void;
  runFinished(outcome: SparkDriverOutcome): void;
  missed(reason: MissedReason, count: number): void;
}

export interface ScheduledControllerOptions {
  kube: KubeClient;
  schedules: Informer;
  drivers: Informer;
  events: EventRecorder;
  clock: Clock;
  log: Logger;
  observer?: ScheduledObserver;
}

const done: ReconcileResult = { kind: 'done' };

export class ScheduledController {
  private readonly o: ScheduledControllerOptions;

  constructor(options: ScheduledControllerOptions) {
    this.o = options;
  }

  readonly reconcile = async (key: string): Promise<ReconcileResult> => {
    const raw = this.o.schedules.get(key);
    // Gone: its runs are the garbage collector's (owner references).
    if (raw === undefined) return done;
    const parsed = parseScheduledSparkDriver(raw);
    if (!parsed.ok) return this.invalid(raw, parsed.problems);
    const resource = parsed.resource;
    const { namespace, uid } = resource.metadata;
    const drivers = this.o.drivers.list(namespace);
    const nameTaken = (name: string): boolean => {
      const existing = this.o.drivers.get(`${namespace}/${name}`);
      return existing !== undefined && controllerOf(existing)?.uid !== uid;
    };
    const decided = plan({ resource, runs: runsOf(drivers, uid), nowMs: this.o.clock.now(), nameTaken });
    try {
      for (const name of decided.kill) await this.killRun(namespace, name);
      if (decided.create !== undefined && !(await this.createRun(resource, decided.create.scheduledMs))) {
        return { kind: 'retry', error: new Error(`run ${decided.create.name} exists already; looking again once the cache has it`) };
      }
      for (const run of decided.prune) await this.deleteRun(namespace, run.name, run.uid);
      await this.writeStatus(raw, decided.status);
    } catch (error) {
      if (isNotFound(error)) return done;
      if (decided.create !== undefined) void this.o.events.event(raw, 'Warning', 'FailedCreate', `Error creating run ${decided.create.name}: ${(error as Error).message}`);
      return { kind: 'retry', error };
    }
    this.report(raw, decided);
    return decided.requeueAfterMs === undefined ? done : { kind: 'requeueAfter', ms: decided.requeueAfterMs };
  };

  private report(raw: KubeObject, decided: Plan): void {
    const observer = this.o.observer;
    if (decided.create !== undefined) observer?.runCreated();
    for (const run of decided.finished) if (run.outcome !== undefined) observer?.runFinished(run.outcome);
    for (const { reason, count } of decided.missed) observer?.missed(reason, count);
    for (const e of decided.events) void this.o.events.event(raw, e.type, e.reason, e.message);
    if (decided.create !== undefined) this.o.log.info({ schedule: raw.metadata?.name, run: decided.create.name }, 'scheduled run created');
  }

  /**
   * Creates the run; false when the name is taken already. The cache did not show it yet: the
   * reconcile is retried, and with the cache caught up the planner adopts the run if it is ours
   * (another leader, a restart) or reports the name as taken.
   */
  private async createRun(resource: ScheduledSparkDriver, scheduledMs: number): Promise<boolean> {
    try {
      await this.o.kube.create(SPARK_DRIVER, resource.metadata.namespace, runManifest(resource, scheduledMs));
      return true;
    } catch (error) {
      if (isAlreadyExists(error)) return false;
      throw error;
    }
  }

  private async killRun(namespace: string, name: string): Promise<void> {
    try {
      await this.o.kube.patchMerge(this.driverRef(namespace, name), { spec: { kill: true } });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  private async deleteRun(namespace: string, name: string, uid: string): Promise<void> {
    try {
      await this.o.kube.delete(this.driverRef(namespace, name), { preconditions: { uid }, propagationPolicy: 'Background' });
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  }

  /** Writes the status when it differs from the cached one, replacing it whole. */
  private async writeStatus(raw: KubeObject, status: ScheduledSparkDriverStatus): Promise<void> {
    const current = (raw as { status?: unknown }).status;
    if (isDeepStrictEqual(current, status)) return;
    await this.o.kube.patchStatus(this.ref(raw), { status: replacingMergePatch([current], status as Record<string, unknown>) });
  }

  /** A spec the CRD let through but the controller cannot read (an older CRD): Stalled, with the problems. */
  private async invalid(raw: KubeObject, problems: readonly string[]): Promise<ReconcileResult> {
    const generation = raw.metadata?.generation ?? 0;
    const previous = (raw as { status?: ScheduledSparkDriverStatus }).status;
    const message = `Invalid spec: ${problems.join('; ')}`;
    if (previous?.observedGeneration === generation && previous.message === message) return done;
    const { conditions } = scheduledConditions(previous?.conditions, { kind: 'invalid', problem: message }, undefined, this.o.clock.now(), generation);
    const { nextScheduleTime: _none, ...kept } = previous ?? {};
    try {
      await this.writeStatus(raw, { ...kept, observedGeneration: generation, message, conditions });
    } catch (error) {
      return isNotFound(error) ? done : { kind: 'retry', error };
    }
    void this.o.events.event(raw, 'Warning', 'InvalidSpec', message);
    return done;
  }

  private ref(object: KubeObject): ObjectRef {
    return { ...SCHEDULED_SPARK_DRIVER, namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '' };
  }

  private driverRef(namespace: string, name: string): ObjectRef {
    return { ...SPARK_DRIVER, namespace, name };
  }
}
