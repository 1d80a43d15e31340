// Cron schedules as the Kubernetes CronJob controller reads them (robfig/cron v3): an instant is
// scheduled when its wall-clock reading in the zone matches. Across DST that skips a time inside
// the spring-forward gap and runs a time inside the fall-back hour twice; the expected instants
// below are what robfig/cron's Next returns for the same schedules and zones.
import { parseSchedule } from '../../src/scheduled/cron-schedule.ts';
import type { CronSchedule } from '../../src/scheduled/cron-schedule.ts';
import { dueTimes } from '../../src/scheduled/due-times.ts';

function schedule(expression: string, timeZone?: string): CronSchedule {
  const parsed = parseSchedule(expression, timeZone);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.schedule;
}

/** The first `n` times after `from`, as ISO instants. */
function times(s: CronSchedule, from: string, n: number): string[] {
  const out: string[] = [];
  let t = Date.parse(from);
  for (let i = 0; i < n; i += 1) {
    const next = s.next(t);
    if (next === undefined) break;
    out.push(new Date(next).toISOString().replace('.000Z', 'Z'));
    t = next;
  }
  return out;
}

describe('five fields and macros, in UTC unless a zone is given', () => {
  test.each([
    ['*/15 * * * *', '2026-01-01T00:07:00Z', ['2026-01-01T00:15:00Z', '2026-01-01T00:30:00Z']],
    ['0 9 * * MON-FRI', '2026-01-02T10:00:00Z', ['2026-01-05T09:00:00Z', '2026-01-06T09:00:00Z']],
    ['30 4 1,15 * *', '2026-01-01T05:00:00Z', ['2026-01-15T04:30:00Z', '2026-02-01T04:30:00Z']],
    ['0 0 1 jan ?', '2026-01-01T00:00:00Z', ['2027-01-01T00:00:00Z']],
    ['@hourly', '2026-01-01T00:00:00Z', ['2026-01-01T01:00:00Z', '2026-01-01T02:00:00Z']],
    ['@daily', '2026-01-01T00:00:00Z', ['2026-01-02T00:00:00Z']],
    ['@weekly', '2026-01-01T00:00:00Z', ['2026-01-04T00:00:00Z']],
    ['@monthly', '2026-01-01T00:00:00Z', ['2026-02-01T00:00:00Z']],
    ['@yearly', '2026-01-01T00:00:00Z', ['2027-01-01T00:00:00Z']],
  ])('%s after %s', (expression, from, expected) => {
    expect(times(schedule(expression), from, expected.length)).toEqual(expected);
  });

  test('a time zone moves the wall clock: 02:00 in Tokyo is 17:00 UTC the day before', () => {
    expect(times(schedule('0 2 * * *', 'Asia/Tokyo'), '2026-01-01T00:00:00Z', 2)).toEqual(['2026-01-01T17:00:00Z', '2026-01-02T17:00:00Z']);
  });

  test('the next time is strictly after the given one', () => {
    expect(times(schedule('0 * * * *'), '2026-01-01T01:00:00Z', 1)).toEqual(['2026-01-01T02:00:00Z']);
  });
});

describe('bad input names the field and the problem', () => {
  test.each([
    ['61 * * * *', undefined, 'schedule', 'Invalid value for minute: 61'],
    ['* * * *', undefined, 'schedule', 'has 4 fields; a schedule has five'],
    ['0 0 * * * *', undefined, 'schedule', 'has 6 fields'],
    ['0 0 L * *', undefined, 'schedule', '"L" in "0 0 L * *" is not a cron field'],
    ['0 0 * * MON#1', undefined, 'schedule', 'is not a cron field'],
    ['@every 5m', undefined, 'schedule', 'unsupported macro "@every 5m"'],
    ['@reboot', undefined, 'schedule', 'unsupported macro'],
    ['0 0 30 2 *', undefined, 'schedule', 'never matches a date'],
    ['0 0 * * *', 'Mars/Olympus_Mons', 'timeZone', 'unknown time zone "Mars/Olympus_Mons"'],
  ])('%s in %s', (expression, timeZone, field, problem) => {
    const parsed = parseSchedule(expression, timeZone);
    expect(parsed).toEqual({ ok: false, field, problem: expect.stringContaining(problem) });
  });
});

describe('DST: Kubernetes CronJob semantics (a time is scheduled when the zone\'s wall clock reads it)', () => {
  // America/New_York 2026: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
  const NY = 'America/New_York';

  test('spring forward: a daily time inside the skipped hour does not run that day', () => {
    expect(times(schedule('30 2 * * *', NY), '2026-03-07T12:00:00Z', 2)).toEqual([
      '2026-03-09T06:30:00Z', // 02:30 EDT on the 9th; the 8th has no 02:30
      '2026-03-10T06:30:00Z',
    ]);
  });

  test('spring forward: an hourly schedule goes from 01:00 EST to 03:00 EDT, one real hour apart', () => {
    expect(times(schedule('0 * * * *', NY), '2026-03-08T05:30:00Z', 3)).toEqual([
      '2026-03-08T06:00:00Z', // 01:00 EST
      '2026-03-08T07:00:00Z', // 03:00 EDT
      '2026-03-08T08:00:00Z',
    ]);
  });

  test('fall back: a daily time inside the repeated hour runs on both readings, an hour apart', () => {
    expect(times(schedule('30 1 * * *', NY), '2026-10-31T12:00:00Z', 3)).toEqual([
      '2026-11-01T05:30:00Z', // 01:30 EDT
      '2026-11-01T06:30:00Z', // 01:30 EST
      '2026-11-02T06:30:00Z',
    ]);
  });

  test('fall back: from between the two readings the second one is next', () => {
    expect(times(schedule('30 1 * * *', NY), '2026-11-01T05:45:00Z', 1)).toEqual(['2026-11-01T06:30:00Z']);
    expect(times(schedule('30 1 * * *', NY), '2026-11-01T06:30:00Z', 1)).toEqual(['2026-11-02T06:30:00Z']);
  });

  test('fall back: an hourly schedule runs every real hour, 01:00 twice', () => {
    expect(times(schedule('0 * * * *', NY), '2026-11-01T04:30:00Z', 4)).toEqual([
      '2026-11-01T05:00:00Z', '2026-11-01T06:00:00Z', '2026-11-01T07:00:00Z', '2026-11-01T08:00:00Z',
    ]);
  });

  test('a 30-minute clock change (Australia/Lord_Howe) repeats and skips half hours the same way', () => {
    // 2026-04-05 02:00 (+11) → 01:30 (+10:30); 2026-10-04 02:00 (+10:30) → 02:30 (+11).
    expect(times(schedule('45 1 * * *', 'Australia/Lord_Howe'), '2026-04-04T12:00:00Z', 2)).toEqual([
      '2026-04-04T14:45:00Z', '2026-04-04T15:15:00Z',
    ]);
    // The 4th has no 02:15: the first is the 5th's, at +11.
    expect(times(schedule('15 2 * * *', 'Australia/Lord_Howe'), '2026-10-03T12:00:00Z', 1)).toEqual(['2026-10-04T15:15:00Z']);
  });

  test('due times across the fall-back day count both readings', () => {
    const due = dueTimes(schedule('30 1 * * *', NY), Date.parse('2026-10-31T12:00:00Z'), Date.parse('2026-11-02T12:00:00Z'));
    expect(due).toEqual({ count: 3, latest: Date.parse('2026-11-02T06:30:00Z'), tooMany: false });
  });
});

describe('due times', () => {
  test('counts the times in (after, until] and names the latest', () => {
    const due = dueTimes(schedule('*/10 * * * *'), Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T01:00:00Z'));
    expect(due).toEqual({ count: 6, latest: Date.parse('2026-01-01T01:00:00Z'), tooMany: false });
  });

  test('none due', () => {
    expect(dueTimes(schedule('@hourly'), Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:59:00Z'))).toEqual({ count: 0, tooMany: false });
  });

  test('more than 100: too many, the count estimated from the interval, the latest exact', () => {
    const due = dueTimes(schedule('* * * * *'), Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-31T00:00:30Z'));
    expect(due).toEqual({ count: 30 * 24 * 60, latest: Date.parse('2026-01-31T00:00:00Z'), tooMany: true });
  });

  test('more than 100 on an irregular schedule still finds the latest', () => {
    const due = dueTimes(schedule('0 9 * * MON-FRI'), Date.parse('2020-01-01T00:00:00Z'), Date.parse('2026-01-03T12:00:00Z'));
    expect(due.tooMany).toBe(true);
    expect(due.latest).toBe(Date.parse('2026-01-02T09:00:00Z'));
  });
});
