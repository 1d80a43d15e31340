// The ScheduledSparkDriver controller as one runnable: a ScheduledSparkDriver informer on every
// replica (warm cache, and the web UI reads it), and, once this replica leads, reconcile workers.
// A change to a run (a SparkDriver it controls) requeues its ScheduledSparkDriver, so Forbid
// starts a delayed run and the status follows outcomes as they happen.
import { EventRecorder } from '../kube/event-recorder.ts';
import { Informer } from '../kube/informer.ts';
import type { KubeClient, KubeObject } from '../kube/kube-client.ts';
import { ReconcileRunner } from '../kube/reconcile-runner.ts';
import { WorkQueue } from '../kube/work-queue.ts';
import type { Clock, Random } from '../runtime/clock.ts';
import type { Logger } from '../runtime/logger.ts';
import { ScheduledController, type ScheduledObserver } from './controller.ts';
import { controllerOf } from './runs.ts';
import { parseScheduledSparkDriver, SCHEDULED_SPARK_DRIVER, type ScheduledSparkDriver } from './scheduled-spark-driver.ts';

export interface ScheduledDriversOptions {
  kube: KubeClient;
  /** The SparkDriver informer (the operator's): the runs are read from it. */
  drivers: Informer;
  /** Watched namespaces; empty or absent: all. */
  namespaces?: readonly string[];
  identity: string;
  clock: Clock;
  random: Random;
  log: Logger;
  workers?: number;
  observer?: ScheduledObserver;
}

export class ScheduledDrivers {
  readonly informer: Informer;
  private readonly o: ScheduledDriversOptions;
  private readonly queue: WorkQueue;
  private readonly runner: ReconcileRunner;
  /** The ScheduledSparkDriver key of each run seen, to requeue it when the run is gone. */
  private readonly ownerOfRun = new Map<string, string>();
  private leading = false;

  constructor(options: ScheduledDriversOptions) {
    this.o = options;
    const log = options.log.child({ component: 'scheduled' });
    this.informer = new Informer({
      client: options.kube, resource: SCHEDULED_SPARK_DRIVER, ...(options.namespaces !== undefined && { namespaces: options.namespaces }),
      clock: options.clock, random: options.random, logger: log,
    });
    this.queue = new WorkQueue({ clock: options.clock });
    const events = new EventRecorder({ client: options.kube, component: 'spark-mesos-dispatcher', instance: options.identity, clock: options.clock, logger: log });
    const controller = new ScheduledController({
      kube: options.kube, schedules: this.informer, drivers: options.drivers, events, clock: options.clock, log,
      ...(options.observer !== undefined && { observer: options.observer }),
    });
    this.runner = new ReconcileRunner({
      queue: this.queue, reconcile: controller.reconcile, workers: options.workers ?? 2, clock: options.clock, logger: log,
    });
  }

  /** Starts the cache (every replica); reconciling starts with `lead`. */
  start(): void {
    this.informer.onChange((key) => this.enqueue(key));
    this.o.drivers.onChange((key, driver) => this.runChanged(key, driver));
    this.informer.start();
  }

  /** This replica leads: reconcile every ScheduledSparkDriver, and each one again whenever it or a run changes. */
  lead(): void {
    if (this.leading) return;
    this.leading = true;
    this.runner.start();
    for (const key of this.informer.keys()) this.queue.add(key);
  }

  /** Lets reconciles in flight finish, then stops the cache. */
  async stop(): Promise<void> {
    this.leading = false;
    await this.runner.stop();
    this.informer.stop();
  }

  /** The ScheduledSparkDrivers in the cache that parse (for the web UI). */
  list(): ScheduledSparkDriver[] {
    return this.informer.list().flatMap((raw) => {
      const parsed = parseScheduledSparkDriver(raw);
      return parsed.ok ? [parsed.resource] : [];
    });
  }

  private runChanged(key: string, driver: KubeObject | undefined): void {
    const owner = driver === undefined ? undefined : controllerOf(driver);
    const ownerKey = owner === undefined ? this.ownerOfRun.get(key) : `${driver?.metadata?.namespace ?? ''}/${owner.name}`;
    if (owner === undefined) this.ownerOfRun.delete(key);
    else if (ownerKey !== undefined) this.ownerOfRun.set(key, ownerKey);
    if (ownerKey !== undefined) this.enqueue(ownerKey);
  }

  private enqueue(key: string): void {
    if (this.leading) this.queue.add(key);
  }
}
