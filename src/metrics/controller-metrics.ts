// Controller metrics under the names controller-runtime and client-go use, so that community
// dashboards and alerts work unchanged: reconcile totals, errors and durations per controller,
// worker utilisation, work-queue depth, adds and retries, and the leader-election status.
// Reconciles are observed as they end; the rest is read from callbacks at scrape time.

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Outcome as ReconcileOutcome } from '../kube/reconcile-runner.ts';
import type { WorkQueueStats } from '../kube/work-queue.ts';

export type { ReconcileOutcome };

/** What the scrape reads; each callback may return undefined while its source does not exist yet. */
export interface ControllerSources {
  workQueue?: () => WorkQueueStats | undefined;
  workers?: () => { active: number; max: number } | undefined;
  leader?: () => boolean;
}

export interface ControllerMetrics {
  observeReconcile(key: string, outcome: ReconcileOutcome, durationMs: number): void;
}

/** controller-runtime's `result` label values. */
export const RECONCILE_RESULTS = ['success', 'error', 'requeue', 'requeue_after'] as const;
type ReconcileResultLabel = (typeof RECONCILE_RESULTS)[number];

// controller-runtime's reconcile_time_seconds buckets.
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
  1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/** How controller-runtime would count each of our outcomes (a panic is recovered into an error). */
function resultOf(outcome: ReconcileOutcome): ReconcileResultLabel {
  switch (outcome) {
    case 'done': return 'success';
    case 'requeueAfter': return 'requeue_after';
    case 'retry':
    case 'terminal':
    case 'panic':
      return 'error';
  }
}

export interface ControllerNames {
  /** The `controller` label (controller-runtime uses the lower-case kind). */
  controller: string;
  /** The work queue's `name` label (controller-runtime names it after the controller). */
  queue: string;
  /** The `name` label of leader_election_master_status: the Lease name. */
  lease: string;
}

export function createControllerMetrics(registry: Registry, names: ControllerNames, sources: () => ControllerSources): ControllerMetrics {
  const registers = [registry];
  const controller = names.controller;
  const reconciles = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const terminal = new Counter({
    name: 'controller_runtime_terminal_reconcile_errors_total',
    help: 'Total number of terminal reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const panics = new Counter({
    name: 'controller_runtime_reconcile_panics_total',
    help: 'Total number of reconciliation panics per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const durations = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'] as const,
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'] as const,
    registers,
    collect() {
      this.set({ controller }, sources().workers?.()?.active ?? 0);
    },
  });
  new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'] as const,
    registers,
    collect() {
      this.set({ controller }, sources().workers?.()?.max ?? 0);
    },
  });
  const queue = { name: names.queue };
  new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue',
    labelNames: ['name'] as const,
    registers,
    collect() {
      this.set(queue, sources().workQueue?.()?.depth ?? 0);
    },
  });
  // Cumulative counts kept by the queue itself, copied at each scrape.
  new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name'] as const,
    registers,
    collect() {
      this.reset();
      this.inc(queue, sources().workQueue?.()?.adds ?? 0);
    },
  });
  new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name'] as const,
    registers,
    collect() {
      this.reset();
      this.inc(queue, sources().workQueue?.()?.retries ?? 0);
    },
  });
  new Gauge({
    name: 'leader_election_master_status',
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. \'name\' is the string used to identify the lease.',
    labelNames: ['name'] as const,
    registers,
    collect() {
      this.set({ name: names.lease }, sources().leader?.() === true ? 1 : 0);
    },
  });

  for (const result of RECONCILE_RESULTS) reconciles.inc({ controller, result }, 0);
  errors.inc({ controller }, 0);
  terminal.inc({ controller }, 0);
  panics.inc({ controller }, 0);
  durations.zero({ controller });

  return {
    observeReconcile(_key, outcome, durationMs) {
      const result = resultOf(outcome);
      reconciles.inc({ controller, result });
      if (result === 'error') errors.inc({ controller });
      if (outcome === 'terminal') terminal.inc({ controller });
      if (outcome === 'panic') panics.inc({ controller });
      durations.observe({ controller }, Math.max(0, durationMs) / 1000);
    },
  };
}
