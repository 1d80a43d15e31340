// The scheduled times that fell due in a window: how many, and the latest. Past 100 the count is
// estimated from the interval between the first two, as the CronJob controller does, so that a
// clock decades off costs no more than a few steps. Pure.

import type { CronSchedule } from './cron-schedule.ts';

/** More missed times than this are reported as too many (CronJob's limit). */
const MAX_MISSED = 100;

export interface DueTimes {
  /** Times in the window (an estimate when `tooMany`). */
  readonly count: number;
  readonly latest?: number;
  readonly tooMany: boolean;
}

/** The scheduled times in (afterMs, untilMs]. */
export function dueTimes(schedule: CronSchedule, afterMs: number, untilMs: number): DueTimes {
  let count = 0;
  let latest: number | undefined;
  for (let t = schedule.next(afterMs); t !== undefined && t <= untilMs; t = schedule.next(t)) {
    count += 1;
    if (count > MAX_MISSED && latest !== undefined) return { tooMany: true, ...estimate(schedule, t, t - latest, untilMs, count) };
    latest = t;
  }
  return { count, tooMany: false, ...(latest !== undefined && { latest }) };
}

/** Past the limit: the count from the interval, the latest by looking back from the end of the window. */
function estimate(schedule: CronSchedule, reached: number, intervalMs: number, untilMs: number, counted: number): { count: number; latest: number } {
  // The window's end is looked at through doubling look-backs, so a long gap costs a few steps.
  let from = reached;
  for (let back = intervalMs; untilMs - back > reached; back *= 2) {
    const t = schedule.next(untilMs - back);
    if (t !== undefined && t <= untilMs) {
      from = untilMs - back;
      break;
    }
  }
  let latest = reached;
  for (let t = schedule.next(from); t !== undefined && t <= untilMs; t = schedule.next(t)) latest = t;
  return { latest, count: counted + Math.floor((untilMs - reached) / intervalMs) };
}
