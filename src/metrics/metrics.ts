// The dispatcher's metrics as one object: a prom-client registry holding the driver, Mesos and
// controller metrics and Node's process metrics, and the observer functions the operator calls.
// Every observer is a plain function (safe to pass around unbound) and never throws into its
// caller; scrape-time values come from sources bound once the operator has built them.

import { collectDefaultMetrics, Registry } from 'prom-client';
import type { KubeObject } from '../kube/kube-client.ts';
import { systemClock, type Clock } from '../runtime/clock.ts';
import { errorText, silentLogger, type Logger } from '../runtime/logger.ts';
import type { Effect } from '../scheduler/index.ts';
import { createControllerMetrics, type ControllerSources, type ReconcileOutcome } from './controller-metrics.ts';
import { createDriverMetrics } from './driver-metrics.ts';
import { createMesosMetrics, type ObservedMesosEvent } from './mesos-metrics.ts';
import { instrumentMesosPort } from './mesos-port.ts';
import type { MesosPort, PortCall } from '../mesos/mesos-port.ts';
import { createScheduledMetrics } from './scheduled-metrics.ts';
import type { ScheduledObserver } from '../scheduled/controller.ts';
import { buildInfo, registerBuildInfo, type BuildInfo } from './build-info.ts';
import { DEFAULT_QUEUE } from '../scheduler/index.ts';

export interface MetricsOptions {
  /** Default: a new registry (main builds one and passes it to the metrics server). */
  registry?: Registry;
  /** For the heartbeat age; default the system clock. */
  clock?: Clock;
  /** The `controller` label and work-queue `name` (default `sparkdriver`). */
  controller?: string;
  /** The Lease name for leader_election_master_status (default `spark-mesos-dispatcher`). */
  leaseName?: string;
  /** The declared priority queues (`spark.mesos.dispatcher.queue.*`); `default` is always one. */
  queues?: readonly string[];
  /** `sparkdispatcher_build_info`; default this package's version and `SMD_REVISION` (else unknown). */
  build?: BuildInfo;
  /** Node process metrics (process_*, nodejs_*); default true. */
  processMetrics?: boolean;
  /** Where an observer's own failure is reported (it never reaches the caller). */
  log?: Logger;
}

/** What a scrape reads; bind each as soon as the operator has it, leave the rest unbound. */
export interface MetricSources extends ControllerSources {
  /** The SparkDriver resources (the informer cache, on every replica). */
  drivers?: () => Iterable<KubeObject>;
}

export interface DispatcherMetrics {
  readonly registry: Registry;
  /** The effects of one scheduler step (SchedulerLoop `onEffects`). */
  readonly observeEffects: (effects: readonly Effect[]) => void;
  /** Every event the Mesos scheduler client emits (its `onEvent`). */
  readonly observeMesosEvent: (event: ObservedMesosEvent) => void;
  /** One scheduler call; `instrumentMesosPort` calls it for every call the scheduler loop makes. */
  readonly observeMesosCall: (call: PortCall, durationMs: number, ok: boolean, offers?: number) => void;
  /** Every reconcile as it ends (ReconcileRunner `onOutcome`). */
  readonly observeReconcile: (key: string, outcome: ReconcileOutcome, durationMs: number) => void;
  /** Adds or replaces scrape-time sources. */
  readonly bindSources: (sources: MetricSources) => void;
  /** Times every call the wrapped port makes (observeMesosCall). */
  readonly instrumentMesos: (port: MesosPort) => MesosPort;
  /** The ScheduledSparkDriver controller's runs and missed times. */
  readonly scheduled: ScheduledObserver;
}

export const DEFAULT_CONTROLLER_NAME = 'sparkdriver';
export const DEFAULT_LEASE_NAME = 'spark-mesos-dispatcher';

export function createMetrics(options: MetricsOptions = {}): DispatcherMetrics {
  const registry = options.registry ?? new Registry();
  const clock = options.clock ?? systemClock;
  const controller = options.controller ?? DEFAULT_CONTROLLER_NAME;
  const log = options.log ?? silentLogger;
  let sources: MetricSources = {};
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const queues = [...new Set([DEFAULT_QUEUE, ...(options.queues ?? [])])];
  const drivers = createDriverMetrics(registry, () => sources.drivers?.(), queues);
  registerBuildInfo(registry, options.build ?? buildInfo());
  const mesos = createMesosMetrics(registry, clock);
  const scheduled = createScheduledMetrics(registry);
  const controllerMetrics = createControllerMetrics(
    registry, { controller, queue: controller, lease: options.leaseName ?? DEFAULT_LEASE_NAME }, () => sources,
  );
  return {
    registry,
    observeEffects: (effects) => guarded(log, 'observeEffects', () => drivers.observeEffects(effects)),
    observeMesosEvent: (event) => guarded(log, 'observeMesosEvent', () => mesos.observeMesosEvent(event)),
    observeMesosCall: (call, durationMs, ok, offers) =>
      guarded(log, 'observeMesosCall', () => mesos.observeMesosCall(call, durationMs, ok, offers)),
    observeReconcile: (key, outcome, durationMs) =>
      guarded(log, 'observeReconcile', () => controllerMetrics.observeReconcile(key, outcome, durationMs)),
    instrumentMesos: (port) => instrumentMesosPort(port, { observeMesosCall: (call, ms, ok, offers) => mesos.observeMesosCall(call, ms, ok, offers) }, clock),
    bindSources: (more) => {
      sources = { ...sources, ...more };
    },
    scheduled: {
      runCreated: () => guarded(log, 'scheduled.runCreated', () => scheduled.runCreated()),
      runFinished: (outcome) => guarded(log, 'scheduled.runFinished', () => scheduled.runFinished(outcome)),
      missed: (reason, count) => guarded(log, 'scheduled.missed', () => scheduled.missed(reason, count)),
    },
  };
}

/**
 * Metrics must never break the work they observe: a throw from onEffects would make the
 * scheduler loop drop the step. prom-client throws only on programming errors (an unknown
 * label, a negative increment); they are logged and the observation is lost.
 */
function guarded(log: Logger, observer: string, observe: () => void): void {
  try {
    observe();
  } catch (error) {
    log.error({ err: errorText(error), observer }, 'a metrics observer failed; the observation is lost');
  }
}
