// The pure core of the ScheduledSparkDriver controller: given the resource, its runs and the
// time, what to do, as data. The rules are the Kubernetes CronJob controller's (v2, syncCronJob):
// the most recent due time is started at most once; older missed ones are skipped; one older than
// startingDeadlineSeconds is missed for good; more than 100 missed is reported; Forbid waits for
// the active run, Replace kills it first (here through spec.kill). Unlike CronJob, the active
// runs and the last scheduled time are read from the runs themselves, so a run created just before
// a crash is adopted, and a schedule edit counts from when it was first seen (no catch-up).

import { rfc3339 } from '../sparkdriver/driver-conditions.ts';
import { dueTimes } from './due-times.ts';
import { runName, type Run } from './runs.ts';
import { scheduleOf, type ScheduledSparkDriver } from './scheduled-spark-driver.ts';
import { MAX_ACTIVE_LISTED, MAX_RECENT_RUNS, type RecentRun, type ScheduledSparkDriverStatus } from './scheduled-status.ts';
import { scheduledConditions, type ScheduleState } from './scheduled-conditions.ts';

/** Requeue a little after the next time, as CronJob does, so the time is surely past when it runs. */
export const NEXT_TIME_DELTA_MS = 100;

export type MissedReason = 'deadline' | 'superseded' | 'nameTaken';
export const MISSED_REASONS: readonly MissedReason[] = ['deadline', 'superseded', 'nameTaken'];

export interface PlannedEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface PlanInput {
  readonly resource: ScheduledSparkDriver;
  readonly runs: readonly Run[];
  readonly nowMs: number;
  /** Whether a SparkDriver of that name exists that is not one of the runs. */
  readonly nameTaken: (name: string) => boolean;
}

export interface Plan {
  /** The run to create (the status below already counts it). */
  readonly create?: { readonly name: string; readonly scheduledMs: number };
  /** Active runs to kill (Replace) before the new one is created. */
  readonly kill: readonly string[];
  /** Finished runs beyond the history limits, oldest first. */
  readonly prune: readonly Run[];
  readonly status: ScheduledSparkDriverStatus;
  readonly events: readonly PlannedEvent[];
  /** Scheduled times missed, for the metrics. */
  readonly missed: readonly { readonly reason: MissedReason; readonly count: number }[];
  /** Runs that finished since the last status (they were active in it), for the metrics. */
  readonly finished: readonly Run[];
  readonly requeueAfterMs?: number;
}

const timeMs = (t: string | undefined): number | undefined => (t === undefined || Number.isNaN(Date.parse(t)) ? undefined : Date.parse(t));
const maxOf = (...values: (number | undefined)[]): number | undefined => {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? undefined : Math.max(...defined);
};
const isFinished = (r: Run): boolean => r.outcome !== undefined;

export function plan(input: PlanInput): Plan {
  const { resource, runs, nowMs } = input;
  const { spec, metadata } = resource;
  const previous = resource.status;
  const events: PlannedEvent[] = [];
  const missed: { reason: MissedReason; count: number }[] = [];
  const kill: string[] = [];
  let create: Plan['create'];
  let nextMs: number | undefined;
  let state: ScheduleState;

  // Finished since the last status: listed as active there (every run created is, from its creation on).
  const wasActive = new Set((previous?.active ?? []).map((r) => r.name));
  const finished = runs.filter((r) => isFinished(r) && wasActive.has(r.name));
  for (const r of finished) events.push({ type: 'Normal', reason: 'SawCompletedRun', message: `Saw completed run ${r.name}: ${r.outcome ?? ''}` });
  const active = runs.filter((r) => !isFinished(r));

  const timeZone = spec.timeZone ?? 'UTC';
  const seen = previous?.observedSchedule;
  const observedSchedule = seen !== undefined && seen.schedule === spec.schedule && seen.timeZone === timeZone
    ? seen : { schedule: spec.schedule, timeZone, since: rfc3339(previous === undefined ? Date.parse(metadata.creationTimestamp) : nowMs) };
  const lastScheduleMs = maxOf(timeMs(previous?.lastScheduleTime), ...runs.map((r) => r.scheduledMs));
  let lastMissedMs = timeMs(previous?.lastMissedTime);

  const parsed = scheduleOf(spec);
  if (!parsed.ok) {
    state = { kind: 'invalid', problem: parsed.problem };
  } else if (metadata.deletionTimestamp !== undefined) {
    state = { kind: 'deleting' };
  } else if (spec.suspend) {
    state = { kind: 'suspended' };
  } else {
    const schedule = parsed.schedule;
    // Nothing at or before these is (still) to run: created, missed for good, or before the schedule was seen.
    const earliest = Math.max(Date.parse(metadata.creationTimestamp), lastScheduleMs ?? 0, lastMissedMs ?? 0, Date.parse(observedSchedule.since));
    const deadlineMs = spec.startingDeadlineSeconds === undefined ? undefined : spec.startingDeadlineSeconds * 1000;
    const windowStart = deadlineMs === undefined ? earliest : Math.max(earliest, nowMs - deadlineMs);
    const all = dueTimes(schedule, earliest, nowMs);
    const inWindow = windowStart === earliest ? all : dueTimes(schedule, windowStart, nowMs);
    if (all.tooMany) {
      events.push({ type: 'Warning', reason: 'TooManyMissedTimes', message: `too many missed start times (${all.count}): set or decrease .spec.startingDeadlineSeconds or check clock skew` });
    }
    const tooLate = all.count - inWindow.count;
    if (tooLate > 0) {
      lastMissedMs = dueTimes(schedule, earliest, windowStart).latest;
      missed.push({ reason: 'deadline', count: tooLate });
      events.push({ type: 'Warning', reason: 'MissSchedule', message: `Missed scheduled time to start a run: ${rfc3339(lastMissedMs ?? windowStart)} (past startingDeadlineSeconds)` });
    }
    const due = inWindow.latest;
    state = { kind: 'scheduled' };
    if (due !== undefined) {
      const name = runName(metadata.name, due);
      if (spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
        state = { kind: 'waiting', due, activeRun: active.at(-1)?.name ?? '' };
        events.push({ type: 'Normal', reason: 'RunAlreadyActive', message: `Not starting the run for ${rfc3339(due)}: ${active.length} still active and concurrencyPolicy is Forbid` });
      } else if (input.nameTaken(name)) {
        lastMissedMs = due;
        missed.push({ reason: 'nameTaken', count: 1 });
        events.push({ type: 'Warning', reason: 'RunNameTaken', message: `Not starting the run for ${rfc3339(due)}: a SparkDriver named ${name} exists and is not this schedule's` });
      } else {
        if (spec.concurrencyPolicy === 'Replace') kill.push(...active.filter((r) => !r.killRequested).map((r) => r.name));
        for (const victim of kill) events.push({ type: 'Normal', reason: 'KillingRun', message: `Killing run ${victim} (concurrencyPolicy Replace)` });
        create = { name, scheduledMs: due };
        if (inWindow.count > 1) missed.push({ reason: 'superseded', count: inWindow.count - 1 });
        events.push({ type: 'Normal', reason: 'SuccessfulCreate', message: `Created run ${name} for ${rfc3339(due)}` });
      }
    }
    nextMs = schedule.next(nowMs);
  }

  const prune = pruned(runs, spec.successfulRunHistoryLimit, spec.failedRunHistoryLimit);
  for (const r of prune) events.push({ type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted finished run ${r.name} (history limit)` });
  const activeRefs = [...active.map((r) => ({ name: r.name, scheduledTime: rfc3339(r.scheduledMs) })),
    ...(create === undefined ? [] : [{ name: create.name, scheduledTime: rfc3339(create.scheduledMs) }])];
  const lastSuccessfulMs = maxOf(timeMs(previous?.lastSuccessfulTime), ...runs.filter((r) => r.outcome === 'Succeeded').map((r) => r.finishedMs));
  const lastSchedule = maxOf(lastScheduleMs, create?.scheduledMs);
  const { conditions, message } = scheduledConditions(previous?.conditions, state, nextMs, nowMs, metadata.generation ?? 0);
  const status: ScheduledSparkDriverStatus = {
    observedGeneration: metadata.generation ?? 0,
    ...(lastSchedule !== undefined && { lastScheduleTime: rfc3339(lastSchedule) }),
    ...(nextMs !== undefined && { nextScheduleTime: rfc3339(nextMs) }),
    ...(lastSuccessfulMs !== undefined && { lastSuccessfulTime: rfc3339(lastSuccessfulMs) }),
    ...(lastMissedMs !== undefined && { lastMissedTime: rfc3339(lastMissedMs) }),
    activeCount: activeRefs.length,
    active: activeRefs.slice(-MAX_ACTIVE_LISTED),
    recentRuns: recentRuns(previous?.recentRuns, runs, create),
    observedSchedule,
    message,
    conditions,
  };
  return {
    ...(create !== undefined && { create }), kill, prune, status, events, missed, finished,
    ...(nextMs !== undefined && { requeueAfterMs: nextMs - nowMs + NEXT_TIME_DELTA_MS }),
  };
}

/** Finished runs beyond the limits (succeeded, and everything else), oldest first, as CronJob's cleanup. */
function pruned(runs: readonly Run[], successfulLimit: number, failedLimit: number): Run[] {
  const succeeded = runs.filter((r) => r.outcome === 'Succeeded');
  const failed = runs.filter((r) => isFinished(r) && r.outcome !== 'Succeeded');
  const excess = (list: Run[], limit: number): Run[] => list.slice(0, Math.max(0, list.length - limit));
  return [...excess(succeeded, successfulLimit), ...excess(failed, failedLimit)].sort((a, b) => a.scheduledMs - b.scheduledMs);
}

/** Newest first: the runs there are, the new one, and finished ones already deleted (their record stays). */
function recentRuns(previous: readonly RecentRun[] | undefined, runs: readonly Run[], created: Plan['create']): RecentRun[] {
  const byName = new Map<string, RecentRun>();
  for (const r of previous ?? []) if (r.outcome !== undefined) byName.set(r.name, r);
  for (const r of runs) {
    byName.set(r.name, {
      name: r.name, scheduledTime: rfc3339(r.scheduledMs),
      ...(r.phase !== undefined && { phase: r.phase }), ...(r.outcome !== undefined && { outcome: r.outcome }),
      ...(r.finishedMs !== undefined && { finishTime: rfc3339(r.finishedMs) }),
    });
  }
  if (created !== undefined) byName.set(created.name, { name: created.name, scheduledTime: rfc3339(created.scheduledMs) });
  return [...byName.values()]
    .sort((a, b) => Date.parse(b.scheduledTime) - Date.parse(a.scheduledTime) || b.name.localeCompare(a.name))
    .slice(0, MAX_RECENT_RUNS);
}
