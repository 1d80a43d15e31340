// The operator as one object: a SparkDriver informer on every replica (warm caches), and, on the
// replica holding the Lease, the leader-only work: the scheduler core rebuilt from the resources,
// the Mesos subscription under the framework ID kept in the dispatcher-state ConfigMap, the
// driver pods of the kubernetes backend (when enabled), the scheduler loop, and the reconcile
// workers. Losing the lease is fatal: the caller exits.
import type { Clock, Random } from '../runtime/clock.ts';
import type { Logger } from '../runtime/logger.ts';
import { EventRecorder } from '../kube/event-recorder.ts';
import { Informer, objectKey } from '../kube/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { LeaderElector } from '../kube/leader-election.ts';
import { ReconcileRunner } from '../kube/reconcile-runner.ts';
import { parseSparkDriver, SPARK_DRIVER } from '../sparkdriver/sparkdriver.ts';
import { SharedValues, sparkDriverCacheTransform } from '../sparkdriver/cache-transform.ts';
import { toDriverRecord } from '../sparkdriver/sparkdriver-submission.ts';
import { StateStore } from '../kube/state-store.ts';
import { WorkQueue } from '../kube/work-queue.ts';
import type { MesosSchedulerClient } from '../mesos/scheduler-client.ts';
import { SchedulerPort } from '../mesos/scheduler-port.ts';
import { PodBackend } from '../pods/pod-backend.ts';
import type { FrameworkSettings } from '../mesos/translation.ts';
import type { WireFormat } from '../mesos/codec.ts';
import { restoreScheduler } from '../scheduler/index.ts';
import type { DispatcherConfig, DriverRecord } from '../scheduler/index.ts';
import type { MesosEvent, MesosPort } from '../mesos/mesos-port.ts';
import type { Outcome as ReconcileOutcome } from '../kube/reconcile-runner.ts';
import type { WorkQueueStats } from '../kube/work-queue.ts';
import type { KubeObject } from '../kube/kube-client.ts';
import type { Effect } from '../scheduler/index.ts';
import { currentResources } from './current-resources.ts';
import { DriverController } from './driver-controller.ts';
import { SchedulerLoop } from './scheduler-loop.ts';
import type { CrashPoint } from './scheduler-loop.ts';
import { StatusWriter } from './status-writer.ts';

export const FRAMEWORK_ID_KEY = 'frameworkId';

/** What the operator reports as it works and what it lets be read at any time (the metrics). */
export interface OperatorObserver {
  readonly observeEffects: (effects: readonly Effect[]) => void;
  readonly observeMesosEvent: (event: MesosEvent) => void;
  readonly observeReconcile: (key: string, outcome: ReconcileOutcome, durationMs: number) => void;
  readonly bindSources: (sources: {
    drivers?: () => Iterable<KubeObject>;
    workQueue?: () => WorkQueueStats | undefined;
    leader?: () => boolean;
    workers?: () => { active: number; max: number } | undefined;
  }) => void;
  /** The Mesos calls as the scheduler loop makes them, wrapped (to be timed). */
  readonly instrumentMesos: (port: MesosPort) => MesosPort;
}

export interface OperatorOptions {
  kube: KubeClient;
  /** Watched namespaces; empty or absent: all. */
  namespaces?: readonly string[];
  identity: string;
  dispatcher: DispatcherConfig;
  mesos: {
    master: string;
    framework: FrameworkSettings;
    credentials?: { principal: string; secret: string };
    format?: WireFormat;
  };
  /** Where the dispatcher-state ConfigMap and the Lease live. */
  stateNamespace: string;
  stateConfigMapName: string;
  /** Omitted: this replica leads at once (a single replica). */
  leaderElection?: { leaseName: string; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  workers?: number;
  /** How long status changes wait to be written together (StatusWriter's coalesceMs; default 0). */
  statusCoalesceMs?: number;
  /** Observers fed from the loop, the Mesos client and the reconcile workers. */
  metrics?: OperatorObserver;
  clock: Clock;
  random: Random;
  log: Logger;
  atCrashPoint?: (point: CrashPoint) => void;
  /** Settings of the kubernetes backend's pod handling (tests shorten them). */
  pods?: { forceDeleteAfterGraceMs?: number; createTries?: number };
  /** Called once when this replica can no longer lead (lease lost, framework taken over). */
  onFatal?: (reason: string) => void;
  /** Called once this replica leads and reconciles SparkDrivers: starts other leader-only work (ScheduledSparkDrivers). */
  onLeading?: () => void;
}

export class Operator {
  private readonly o: OperatorOptions;
  readonly informer: Informer;
  /** Values shared among cached drivers, and strings with the status writer's memory. */
  private readonly shared = new SharedValues();
  private readonly events: EventRecorder;
  private readonly state: StateStore;
  private readonly queue: WorkQueue;
  private elector: LeaderElector | undefined;
  private runner: ReconcileRunner | undefined;
  private port: SchedulerPort | undefined;
  private pods: PodBackend | undefined;
  private loop: SchedulerLoop | undefined;
  private leading = false;
  private stopped = false;
  private fatalReported = false;
  private frameworkId: string | undefined;
  private mesosEvents: Promise<void> = Promise.resolve();

  constructor(options: OperatorOptions) {
    this.o = options;
    this.informer = new Informer({
      client: options.kube, resource: SPARK_DRIVER, transform: sparkDriverCacheTransform(this.shared), ...(options.namespaces !== undefined && { namespaces: options.namespaces }),
      clock: options.clock, random: options.random, logger: options.log.child({ component: 'informer' }),
    });
    this.events = new EventRecorder({ client: options.kube, component: 'spark-mesos-dispatcher', instance: options.identity, clock: options.clock, logger: options.log });
    this.queue = new WorkQueue({ clock: options.clock });
    const workers = options.workers ?? 4;
    options.metrics?.bindSources({
      drivers: () => this.informer.list(),
      workQueue: () => this.queue.stats(),
      leader: () => this.leading,
      workers: () => this.runner && { active: this.runner.stats().active, max: workers },
    });
    this.state = new StateStore({ client: options.kube, namespace: options.stateNamespace, name: options.stateConfigMapName, logger: options.log });
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Whether nothing is in hand right now: no key waiting for or in a reconcile (delayed keys,
   * such as TTLs, do not count). With the informer caught up, every change seen so far is handled.
   */
  get isQuiet(): boolean {
    const { depth, inFlight } = this.queue.stats();
    return depth === 0 && inFlight === 0;
  }

  get schedulerLoop(): SchedulerLoop | undefined {
    return this.loop;
  }

  get mesosClient(): MesosSchedulerClient | undefined {
    return this.port?.client;
  }

  /** The kubernetes backend, while this replica leads and the dispatcher enables it. */
  get podBackend(): PodBackend | undefined {
    return this.pods;
  }

  /** Starts the cache; leads at once without leader election, else when the Lease is won. */
  async start(): Promise<void> {
    this.informer.onChange((key) => {
      if (this.leading) this.queue.add(key);
    });
    this.informer.start();
    await this.informer.whenSynced();
    const election = this.o.leaderElection;
    if (election === undefined) {
      await this.lead();
      return;
    }
    this.elector = new LeaderElector({
      client: this.o.kube, namespace: this.o.stateNamespace, name: election.leaseName, identity: this.o.identity,
      ...(election.leaseDurationMs !== undefined && { leaseDurationMs: election.leaseDurationMs }),
      ...(election.renewDeadlineMs !== undefined && { renewDeadlineMs: election.renewDeadlineMs }),
      ...(election.retryPeriodMs !== undefined && { retryPeriodMs: election.retryPeriodMs }),
      clock: this.o.clock, random: this.o.random, logger: this.o.log.child({ component: 'leader-election' }),
      onStartedLeading: () => {
        this.lead().catch((error: unknown) => this.fatal(`could not start leading: ${(error as Error).message}`));
      },
      onStoppedLeading: () => this.fatal('lost the leader lease'),
    });
    this.elector.start();
  }

  /** Graceful stop: reconciles in flight finish, the Mesos stream closes, the Lease is released. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.leading = false;
    // The loop first: a reconcile waiting on it (an input held while the lease could not be
    // proven) is let go rather than holding the runner's stop; the next leader redoes it.
    await this.loop?.stop();
    await this.runner?.stop();
    this.pods?.stop();
    await this.port?.client.stop();
    await this.elector?.release().catch(() => undefined);
    await this.elector?.stop();
    this.informer.stop();
  }

  private async lead(): Promise<void> {
    if (this.stopped || this.leading) return;
    const log = this.o.log;
    const records: DriverRecord[] = [];
    const recorded = new Map<string, string>();
    // From the API server as it is now, not from the cache, which may be behind the last leader.
    const current = await currentResources({
      kube: this.o.kube, resource: SPARK_DRIVER, namespaces: this.o.namespaces, clock: this.o.clock, random: this.o.random,
    });
    for (const raw of current) {
      const parsed = parseSparkDriver(this.withCachedSpec(raw));
      if (!parsed.ok) continue;
      const record = toDriverRecord(parsed.resource);
      if (!record.ok) continue;
      records.push(record.record);
      const status = record.record.status;
      if (status?.phase === 'launched') recorded.set(record.record.spec.submissionId, status.attempt.taskId);
    }
    const restored = restoreScheduler(this.o.dispatcher, records, this.o.clock.now());
    const writer = new StatusWriter({
      kube: this.o.kube, informer: this.informer, events: this.events, clock: this.o.clock, random: this.o.random, log, frameworkId: () => this.frameworkId,
      strings: this.shared.strings,
      ...(this.o.statusCoalesceMs !== undefined && { coalesceMs: this.o.statusCoalesceMs }),
    });
    this.frameworkId = await this.state.get(FRAMEWORK_ID_KEY);
    const metrics = this.o.metrics;
    const port = new SchedulerPort({
      master: this.o.mesos.master,
      framework: this.o.mesos.framework,
      ...(this.frameworkId !== undefined && { frameworkId: this.frameworkId }),
      ...(this.o.mesos.credentials !== undefined && { credentials: this.o.mesos.credentials }),
      ...(this.o.mesos.format !== undefined && { format: this.o.mesos.format }),
      clock: this.o.clock, random: this.o.random, logger: log.child({ component: 'mesos' }),
      onEvent: (event) => {
        metrics?.observeMesosEvent(event);
        this.onMesosEvent(event);
      },
    });
    const pods = this.o.dispatcher.kubernetes.enabled ? new PodBackend({
      kube: this.o.kube, ...(this.o.namespaces !== undefined && { namespaces: this.o.namespaces }),
      ...this.o.pods,
      onUpdate: (update) => void loop.submit({ type: 'TaskStatusReceived', update }),
      clock: this.o.clock, random: this.o.random, log: log.child({ component: 'pods' }),
    }) : undefined;
    const loop: SchedulerLoop = new SchedulerLoop({
      state: restored.state, sink: writer, mesos: metrics ? metrics.instrumentMesos(port) : port,
      ...(pods !== undefined && { pods }),
      clock: this.o.clock, log: log.child({ component: 'scheduler' }), recordedTaskIds: recorded, mayAct: () => this.mayUseMesos(),
      ...(this.o.atCrashPoint !== undefined && { atCrashPoint: this.o.atCrashPoint }),
      ...(metrics !== undefined && { onEffects: (effects) => metrics.observeEffects(effects) }),
    });
    this.port = port;
    this.pods = pods;
    this.loop = loop;
    this.leading = true;
    log.info({ drivers: records.length, frameworkId: this.frameworkId }, 'leading: scheduler restored from the SparkDriver resources');
    // Drivers created while there was no leader are admitted here: count them as submissions.
    metrics?.observeEffects(restored.effects);
    await loop.execute(restored.effects);
    const controller = new DriverController({
      kube: this.o.kube, informer: this.informer, loop, writer, events: this.events, clock: this.o.clock, log: log.child({ component: 'controller' }),
    });
    this.runner = new ReconcileRunner({
      queue: this.queue, reconcile: controller.reconcile, workers: this.o.workers ?? 4, clock: this.o.clock, logger: log,
      ...(metrics !== undefined && { onOutcome: metrics.observeReconcile }),
    });
    this.runner.start();
    for (const raw of this.informer.list()) this.queue.add(`${raw.metadata?.namespace ?? ''}/${raw.metadata?.name ?? ''}`);
    this.o.onLeading?.();
    port.client.start();
    // Every driver pod's news first (the listing), then the core may start and reconcile pods.
    void pods?.start().then((synced) => (synced ? loop.submit({ type: 'KubernetesSynced' }) : undefined));
  }

  /**
   * `raw` with the cache's spec when the cache has the same generation of the resource (only a
   * spec change moves it, so the two specs are equal): the restored core then shares its specs
   * with the cache rather than keeping a second copy of each from the fresh list.
   */
  private withCachedSpec(raw: KubeObject): KubeObject {
    const cached = this.informer.get(objectKey(raw));
    const generation = raw.metadata?.generation;
    if (cached === undefined || generation === undefined || cached.metadata?.uid !== raw.metadata?.uid || cached.metadata?.generation !== generation) return raw;
    return { ...raw, spec: (cached as { spec?: unknown }).spec } as KubeObject;
  }

  /**
   * Mesos events reach the loop in the order they arrived, each after the one before it was
   * handed over: in particular no offer is used before the framework ID it belongs to is saved.
   * Offers and updates are handed to the loop without waiting for their batch to be carried
   * out: the loop keeps their order and takes those that arrive meanwhile as one batch (waiting
   * here instead held every event of a burst in a chain of promises, one batch each).
   */
  private onMesosEvent(event: MesosEvent): void {
    const loop = this.loop;
    if (loop === undefined) return;
    const handle = async (): Promise<void> => {
      // Events queued behind a failed one (a framework ID that could not be saved) or arriving
      // after the lease was lost are dropped: only the healthy leader acts on Mesos.
      if (!this.mayUseMesos()) return;
      switch (event.type) {
        case 'subscribed':
          return this.subscribed(loop, event.frameworkId);
        case 'offers':
          return void loop.submit({ type: 'OffersReceived', offers: event.offers });
        case 'rescind':
          return void loop.submit({ type: 'OfferRescinded', offerId: event.offerId });
        case 'update':
          return void loop.submit({ type: 'TaskStatusReceived', update: event.update });
        case 'disconnected':
          return void loop.submit({ type: 'Disconnected' });
        case 'error':
          return this.subscriptionEnded(event.message);
        default:
          return undefined;
      }
    };
    this.mesosEvents = this.mesosEvents.then(handle).catch((error: unknown) => {
      this.fatal(`could not handle the Mesos ${event.type} event: ${(error as Error).message}`);
    });
  }

  private async subscribed(loop: SchedulerLoop, frameworkId: string): Promise<void> {
    if (frameworkId !== this.frameworkId) {
      // Saved before anything is launched under it, so a successor fails over to the same
      // framework; a failure here is fatal rather than risking tasks no successor could adopt.
      await this.state.set({ [FRAMEWORK_ID_KEY]: frameworkId });
      this.frameworkId = frameworkId;
    }
    void loop.submit({ type: 'Subscribed', frameworkId });
  }

  /**
   * "Framework failed over": another instance subscribed with our framework ID, so this one must
   * stop. "Framework has been removed": the ID is dead (its failover timeout passed); forget it so
   * the next leader registers a new framework and reconciliation requeues the lost drivers.
   */
  private async subscriptionEnded(message: string): Promise<void> {
    if (/has been removed/i.test(message) && this.frameworkId !== undefined) {
      await this.state.set({ [FRAMEWORK_ID_KEY]: null }).catch((error: unknown) => {
        this.o.log.error({ err: error }, 'could not forget the removed framework ID');
      });
    }
    this.fatal(`the Mesos master ended the subscription: ${message}`);
  }

  /** The healthy leader: leading, nothing fatal, and the lease provably still held now. */
  private mayUseMesos(): boolean {
    return this.leading && !this.fatalReported && !this.stopped && (this.elector?.holdsLease(this.o.clock.now()) ?? true);
  }

  private fatal(reason: string): void {
    // Giving up the lease on a requested stop is not a failure.
    if (this.fatalReported || this.stopped) return;
    this.fatalReported = true;
    this.leading = false;
    this.o.log.error({}, reason);
    // Off Mesos at once (the caller's orderly stop comes after): no further offer reaches us.
    void this.port?.client.stop();
    this.pods?.stop();
    this.o.onFatal?.(reason);
  }
}
