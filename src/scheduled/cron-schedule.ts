// A cron schedule in an IANA time zone, as the Kubernetes CronJob controller reads one (robfig/cron
// v3): standard five fields or an @hourly-style macro, and a scheduled time is every whole-minute
// instant whose wall-clock reading in the zone matches. So across DST a time inside the
// spring-forward gap never happens (that day has no run), and a time inside the fall-back hour
// happens twice (two runs, an hour apart). croner parses and matches; this module only corrects
// croner's Vixie-cron handling of fixed times across DST back to that rule. Pure.

import { Cron } from 'croner';

const QUARTER_HOUR_MS = 15 * 60_000;
/** Clock changes are whole quarter hours, and none turns the clock back more than 2 hours (Antarctica/Troll). */
const MAX_FALL_BACK_MS = 2 * 60 * 60_000;
const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
/** One field: numbers, `*`, `?`, three-letter month or day names, with `-` ranges, `/` steps and `,` lists. */
const FIELD = /^(\*|\?|[0-9]+|[A-Za-z]{3})(-([0-9]+|[A-Za-z]{3}))?(\/[0-9]+)?(,(\*|\?|[0-9]+|[A-Za-z]{3})(-([0-9]+|[A-Za-z]{3}))?(\/[0-9]+)?)*$/;

/** The CRD's pattern for `spec.schedule`: the shape of five fields or a macro (values are checked by `parseSchedule`). */
export const SCHEDULE_PATTERN = '^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\\S+( +\\S+){4})$';

export interface CronSchedule {
  /** The first scheduled time strictly after `afterMs`; undefined when it never comes (30 February). */
  next(afterMs: number): number | undefined;
}

export type ScheduleResult = { ok: true; schedule: CronSchedule } | { ok: false; field: 'schedule' | 'timeZone'; problem: string };

/** The problem with an IANA time zone name, if any. */
function checkTimeZone(timeZone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return undefined;
  } catch {
    return `unknown time zone "${timeZone}": use an IANA name such as Europe/Berlin or America/New_York`;
  }
}

/**
 * Parses `expression` for `timeZone` (default UTC). Rejects what robfig/cron's standard parser
 * rejects and what croner would accept beyond it (seconds, years, L, W, #, @every, @reboot).
 */
export function parseSchedule(expression: string, timeZone = 'UTC'): ScheduleResult {
  const zoneProblem = checkTimeZone(timeZone);
  if (zoneProblem !== undefined) return { ok: false, field: 'timeZone', problem: zoneProblem };
  const text = expression.trim();
  if (text.startsWith('@')) {
    if (!MACROS.has(text.toLowerCase())) {
      return { ok: false, field: 'schedule', problem: `unsupported macro "${text}": use one of ${[...MACROS].join(', ')} or five cron fields` };
    }
  } else {
    const fields = text.split(/\s+/);
    if (fields.length !== 5) return { ok: false, field: 'schedule', problem: `"${text}" has ${fields.length} fields; a schedule has five: minute hour day-of-month month day-of-week` };
    const bad = fields.find((f) => !FIELD.test(f));
    if (bad !== undefined) return { ok: false, field: 'schedule', problem: `"${bad}" in "${text}" is not a cron field (numbers, *, ?, names, ranges a-b, steps /n, lists a,b)` };
  }
  let cron: Cron;
  try {
    cron = new Cron(text.toLowerCase(), { timezone: timeZone, mode: '5-part', paused: true });
  } catch (error) {
    return { ok: false, field: 'schedule', problem: `"${text}": ${(error as Error).message.replace(/^CronPattern: /, '')}` };
  }
  const schedule = new WallClockSchedule(cron);
  if (schedule.next(Date.UTC(2000, 0, 1)) === undefined) return { ok: false, field: 'schedule', problem: `"${text}" never matches a date` };
  return { ok: true, schedule };
}

class WallClockSchedule implements CronSchedule {
  private readonly cron: Cron;

  constructor(cron: Cron) {
    this.cron = cron;
  }

  next(afterMs: number): number | undefined {
    return minDefined(this.nextReported(afterMs), this.repeatedAfter(afterMs));
  }

  /** croner's next run that matches the wall clock: a fixed time moved past a DST gap does not. */
  private nextReported(afterMs: number): number | undefined {
    let from = new Date(afterMs);
    for (let i = 0; i < 8; i += 1) {
      const run = this.cron.nextRun(from);
      if (run === null) return undefined;
      if (this.cron.match(run)) return run.getTime();
      from = run;
    }
    return undefined;
  }

  /**
   * croner runs a fixed time once in a repeated (fall-back) hour; the wall clock reads it twice.
   * The second reading follows a run at or before `afterMs` by the clock change.
   */
  private repeatedAfter(afterMs: number): number | undefined {
    const [previous] = this.cron.previousRuns(1, new Date(afterMs + 1000));
    if (previous === undefined) return undefined;
    for (let later = previous.getTime() + QUARTER_HOUR_MS; later <= previous.getTime() + MAX_FALL_BACK_MS; later += QUARTER_HOUR_MS) {
      if (later > afterMs && this.cron.match(new Date(later))) return later;
    }
    return undefined;
  }
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}
