// Driver lifecycle metrics: counters of submissions, launches, retries and finishes, and
// histograms of queue wait, launch to running, run time and submit to finish, all read off the
// effects the scheduler core returns; plus the drivers-by-phase gauge, counted from the
// SparkDriver resources at scrape time so that it can never drift. No I/O, no per-driver state.

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { KubeObject } from '../kube/kube-client.ts';
import { taskStateName } from '../mesos/translation.ts';
import { PHASES } from '../sparkdriver/sparkdriver-status.ts';
import { queueOfResource } from '../sparkdriver/sparkdriver-submission.ts';
import { TASK_STATE_RULES, TASK_STATES, type Effect, type Outcome } from '../scheduler/index.ts';


/** A resource's `status.phase`, or `Pending` while the dispatcher has not admitted it yet. */
export const DRIVER_PHASES = ['Pending', ...PHASES] as const;

const OUTCOMES: readonly Outcome[] = ['succeeded', 'failed', 'killed', 'lost', 'error', 'rejected'];
/** The `mesos_state` label of a driver that finished without a task state (rejected, invalid, killed while queued). */
export const NO_TASK_STATE = 'none';

// Driver waits range from seconds to hours; runs from seconds to a day.
const QUEUE_WAIT_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600];
const LAUNCH_TO_RUNNING_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const RUN_BUCKETS = [1, 10, 30, 60, 300, 600, 1800, 3600, 7200, 14_400, 28_800, 86_400];

export interface DriverMetrics {
  /** Counts what the effects of one `step` say happened. */
  observeEffects(effects: readonly Effect[]): void;
}

const seconds = (ms: number): number => Math.max(0, ms) / 1000;

/**
 * Registers the driver metrics. `drivers` is read at every scrape (the informer cache on every
 * replica); absent or returning nothing, every phase of every declared queue reads 0.
 */
export function createDriverMetrics(
  registry: Registry, drivers: () => Iterable<KubeObject> | undefined, queues: readonly string[],
): DriverMetrics {
  const registers = [registry];
  new Gauge({
    name: 'sparkdispatcher_drivers',
    help: 'SparkDriver resources by status.phase (Pending: not admitted yet) and priority queue, counted at scrape time.',
    labelNames: ['phase', 'queue'] as const,
    registers,
    collect() {
      // Declared queues always have every phase; a queue nobody declared shows only while used.
      const counts = new Map<string, { phase: string; queue: string; n: number }>();
      const count = (phase: string, queue: string, n: number): void => {
        const key = `${phase}\u0000${queue}`;
        counts.set(key, { phase, queue, n: (counts.get(key)?.n ?? 0) + n });
      };
      for (const queue of queues) for (const phase of DRIVER_PHASES) count(phase, queue, 0);
      for (const resource of drivers() ?? []) count(phaseOf(resource), queueOfResource(resource), 1);
      this.reset();
      for (const { phase, queue, n } of counts.values()) this.set({ phase, queue }, n);
    },
  });
  const submissions = new Counter({
    name: 'sparkdispatcher_submissions_total',
    help: 'Drivers the scheduler admitted to its queue (accepted) or refused at admission (rejected: undeclared queue, spark.mesos.maxDrivers).',
    labelNames: ['result'] as const,
    registers,
  });
  const launches = new Counter({
    name: 'sparkdispatcher_launches_total',
    help: 'Driver tasks launched on an offer, by attempt (first, or relaunch after a failure or a launch that never reached an agent).',
    labelNames: ['attempt'] as const,
    registers,
  });
  const requeues = new Counter({
    name: 'sparkdispatcher_requeues_total',
    help: 'Launches that never reached an agent (lost, dropped or unknown before any update, or their offer rescinded first); the driver went back to the queue.',
    registers,
  });
  const retries = new Counter({
    name: 'sparkdispatcher_retries_total',
    help: 'Supervised drivers whose task failed and that wait for a relaunch, by the Mesos state that ended the task.',
    labelNames: ['mesos_state'] as const,
    registers,
  });
  const finished = new Counter({
    name: 'sparkdispatcher_finished_total',
    help: `Drivers that finished, by outcome and the last Mesos task state (${NO_TASK_STATE} when no task reported).`,
    labelNames: ['outcome', 'mesos_state'] as const,
    registers,
  });
  const kills = new Counter({
    name: 'sparkdispatcher_task_kills_total',
    help: 'KILL requests for driver tasks (kill requests, deleted drivers, duplicate tasks of an old attempt).',
    registers,
  });
  const anomalies = new Counter({
    name: 'sparkdispatcher_scheduler_anomalies_total',
    help: 'Unexpected but harmless events the scheduler reported (illegal transitions, updates for unknown tasks).',
    registers,
  });
  const queueWait = new Histogram({
    name: 'sparkdispatcher_queue_wait_seconds',
    help: 'From submission (resource creation) to the first launch of the driver.',
    buckets: QUEUE_WAIT_BUCKETS,
    registers,
  });
  const launchToRunning = new Histogram({
    name: 'sparkdispatcher_launch_to_running_seconds',
    help: 'From the launch of a driver task to its first TASK_RUNNING.',
    buckets: LAUNCH_TO_RUNNING_BUCKETS,
    registers,
  });
  const runDuration = new Histogram({
    name: 'sparkdispatcher_run_duration_seconds',
    help: 'From the launch of the last attempt to the end of the driver, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: RUN_BUCKETS,
    registers,
  });
  const submitToFinish = new Histogram({
    name: 'sparkdispatcher_submit_to_finish_seconds',
    help: 'From submission to the end of the driver, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: RUN_BUCKETS,
    registers,
  });

  // Every series a dashboard divides by exists from the start (controller-runtime's initMetrics).
  for (const result of ['accepted', 'rejected']) submissions.inc({ result }, 0);
  for (const attempt of ['first', 'relaunch']) launches.inc({ attempt }, 0);
  for (const state of TASK_STATES) {
    const rule = TASK_STATE_RULES[state];
    if (rule.relaunch) retries.inc({ mesos_state: taskStateName(state) }, 0);
    if (rule.terminal) finished.inc({ outcome: rule.outcome, mesos_state: taskStateName(state) }, 0);
  }
  for (const outcome of ['error', 'rejected', 'killed'] as const) finished.inc({ outcome, mesos_state: NO_TASK_STATE }, 0);
  for (const outcome of OUTCOMES) {
    runDuration.zero({ outcome });
    submitToFinish.zero({ outcome });
  }

  // The core persists a status only when it changed, so the new status alone tells which
  // transition happened; each case below names the one transition that produces it.
  function persisted(effect: Extract<Effect, { type: 'PersistDriver' }>): void {
    const { status, from, submittedAtMs } = effect;
    switch (status.phase) {
      case 'queued':
        // Into the queue from nowhere is an admission; from a launch, a launch that never started.
        if (from === undefined) submissions.inc({ result: 'accepted' });
        else if (from === 'launched') requeues.inc();
        return;
      case 'launched': {
        const attempt = status.attempt;
        if (status.killRequested) return;
        if (attempt.lastStatus === undefined) {
          // A Launch: updates set lastStatus, a kill sets killRequested.
          launches.inc({ attempt: status.attempts === 1 ? 'first' : 'relaunch' });
          if (status.attempts === 1) queueWait.observe(seconds(attempt.launchedAtMs - submittedAtMs));
        } else if (attempt.lastStatus.state === 'running' && attempt.runningSinceMs !== undefined) {
          // A repeated report of running is a no-op in the core, so this is the change to running.
          launchToRunning.observe(seconds(attempt.runningSinceMs - attempt.launchedAtMs));
        }
        return;
      }
      case 'retrying':
        retries.inc({ mesos_state: taskStateName(status.lastFailure.state) });
        return;
      case 'finished': {
        finished.inc({ outcome: status.outcome, mesos_state: status.lastStatus === undefined ? NO_TASK_STATE : taskStateName(status.lastStatus.state) });
        if (status.outcome === 'rejected' && status.attempts === 0) submissions.inc({ result: 'rejected' });
        if (status.lastAttempt !== undefined) {
          runDuration.observe({ outcome: status.outcome }, seconds(status.finishedAtMs - status.lastAttempt.launchedAtMs));
        }
        submitToFinish.observe({ outcome: status.outcome }, seconds(status.finishedAtMs - submittedAtMs));
        return;
      }
    }
  }

  return {
    observeEffects(effects) {
      for (const effect of effects) {
        switch (effect.type) {
          case 'PersistDriver':
            persisted(effect);
            break;
          case 'KillTask':
            kills.inc();
            break;
          case 'ReportAnomaly':
            anomalies.inc();
            break;
          default:
            break;
        }
      }
    },
  };
}

function phaseOf(resource: KubeObject): string {
  const phase = (resource as { status?: { phase?: unknown } }).status?.phase;
  return typeof phase === 'string' && (PHASES as readonly string[]).includes(phase) ? phase : 'Pending';
}
