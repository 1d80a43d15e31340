// ScheduledSparkDriver metrics: runs created, runs finished by outcome, and scheduled times
// missed by reason, fed by the controller once the status recording them is written (so a retried
// reconcile does not count twice). Every series exists from the start.

import { Counter, type Registry } from 'prom-client';
import { OUTCOMES, type SparkDriverOutcome } from '../sparkdriver/sparkdriver-status.ts';
import type { ScheduledObserver } from '../scheduled/controller.ts';
import { MISSED_REASONS, type MissedReason } from '../scheduled/plan.ts';

/** `nameTaken` → `name_taken`: Prometheus label values in snake case. */
const missedLabel = (reason: MissedReason): string => reason.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function createScheduledMetrics(registry: Registry): ScheduledObserver {
  const registers = [registry];
  const created = new Counter({
    name: 'sparkdispatcher_scheduled_runs_created_total',
    help: 'SparkDrivers a ScheduledSparkDriver created at a scheduled time.',
    registers,
  });
  const finished = new Counter({
    name: 'sparkdispatcher_scheduled_runs_finished_total',
    help: 'Runs of ScheduledSparkDrivers that finished, by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const missed = new Counter({
    name: 'sparkdispatcher_scheduled_missed_total',
    help: 'Scheduled times that started no run: past startingDeadlineSeconds (deadline), older than the one caught up (superseded), or the run name taken by another SparkDriver (name_taken).',
    labelNames: ['reason'] as const,
    registers,
  });
  for (const outcome of OUTCOMES) finished.inc({ outcome: outcome.toLowerCase() }, 0);
  for (const reason of MISSED_REASONS) missed.inc({ reason: missedLabel(reason) }, 0);
  return {
    runCreated: () => created.inc(),
    runFinished: (outcome: SparkDriverOutcome) => finished.inc({ outcome: outcome.toLowerCase() }),
    missed: (reason: MissedReason, count: number) => missed.inc({ reason: missedLabel(reason) }, count),
  };
}
