// The planner alone: resource, runs and time in, decisions out, for each CronJob rule (catch-up
// of the most recent time, startingDeadlineSeconds, more than 100 missed, Forbid, Replace, Allow,
// suspend, history limits) and for the rules this controller adds (runs adopted after a crash,
// a schedule edit counted from when it is seen, a run name taken by someone else).
import { plan } from '../../src/scheduled/plan.ts';
import type { Plan, PlanInput } from '../../src/scheduled/plan.ts';
import type { Run } from '../../src/scheduled/runs.ts';
import { scheduledSpecSchema } from '../../src/scheduled/scheduled-spark-driver.ts';
import type { ScheduledSparkDriver, ScheduledSparkDriverSpecInput } from '../../src/scheduled/scheduled-spark-driver.ts';
import type { ScheduledSparkDriverStatus } from '../../src/scheduled/scheduled-status.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function resource(spec: Partial<ScheduledSparkDriverSpecInput> = {}, status?: ScheduledSparkDriverStatus, created = T0): ScheduledSparkDriver {
  return {
    apiVersion: 'sparkmesos.io/v1alpha1', kind: 'ScheduledSparkDriver',
    metadata: { name: 'nightly', namespace: 'default', uid: 'uid-1', creationTimestamp: at(created), generation: 1 },
    spec: scheduledSpecSchema.parse({ schedule: '@hourly', template: { appResource: 'file:///app.jar' }, ...spec }),
    ...(status !== undefined && { status }),
  };
}

const run = (scheduledMs: number, state: Partial<Run> = {}): Run =>
  ({ name: `nightly-${scheduledMs / MIN}`, uid: `run-${scheduledMs}`, scheduledMs, killRequested: false, ...state });
const succeeded = (scheduledMs: number): Run => run(scheduledMs, { phase: 'Finished', outcome: 'Succeeded', finishedMs: scheduledMs + 10 * MIN });
const failed = (scheduledMs: number): Run => run(scheduledMs, { phase: 'Finished', outcome: 'Failed', finishedMs: scheduledMs + 10 * MIN });

function planAt(nowMs: number, r: ScheduledSparkDriver, runs: Run[] = [], more: Partial<PlanInput> = {}): Plan {
  return plan({ resource: r, runs, nowMs, nameTaken: () => false, ...more });
}

/** The resource as it reads after `p`'s status was written. */
const after = (r: ScheduledSparkDriver, p: Plan): ScheduledSparkDriver => ({ ...r, status: p.status });
const ready = (p: Plan): { status: string; reason: string } | undefined => {
  const c = p.status.conditions?.find((x) => x.type === 'Ready');
  return c && { status: c.status, reason: c.reason };
};

test('nothing due yet: no run, the next time in status, a requeue just after it', () => {
  const p = planAt(T0 + 20 * MIN, resource());
  expect(p.create).toBeUndefined();
  expect(p.status).toMatchObject({ nextScheduleTime: at(T0 + HOUR), activeCount: 0, observedSchedule: { schedule: '@hourly', timeZone: 'UTC', since: at(T0) } });
  expect(p.requeueAfterMs).toBe(40 * MIN + 100);
  expect(ready(p)).toEqual({ status: 'True', reason: 'Scheduled' });
});

test('a due time: one run named from the time, counted active, the last schedule time set', () => {
  const p = planAt(T0 + HOUR, resource());
  expect(p.create).toEqual({ name: `nightly-${(T0 + HOUR) / MIN}`, scheduledMs: T0 + HOUR });
  expect(p.status).toMatchObject({ lastScheduleTime: at(T0 + HOUR), activeCount: 1, nextScheduleTime: at(T0 + 2 * HOUR) });
  expect(p.status.active).toEqual([{ name: p.create!.name, scheduledTime: at(T0 + HOUR) }]);
  expect(p.events.map((e) => e.reason)).toEqual(['SuccessfulCreate']);
  // Written, and the run seen: nothing more to do until the next time.
  expect(planAt(T0 + HOUR + 5000, after(resource(), p), [run(T0 + HOUR)]).create).toBeUndefined();
});

test('down for five hours: only the most recent time runs; the four before are counted as superseded', () => {
  const p = planAt(T0 + 5 * HOUR + 10 * MIN, resource());
  expect(p.create?.scheduledMs).toBe(T0 + 5 * HOUR);
  expect(p.missed).toEqual([{ reason: 'superseded', count: 4 }]);
});

test('past startingDeadlineSeconds: missed for good, reported once, and the next time runs normally', () => {
  const r = resource({ startingDeadlineSeconds: 300 });
  const p = planAt(T0 + 3 * HOUR + 10 * MIN, r);
  expect(p.create).toBeUndefined();
  expect(p.missed).toEqual([{ reason: 'deadline', count: 3 }]);
  expect(p.status.lastMissedTime).toBe(at(T0 + 3 * HOUR));
  expect(p.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'MissSchedule' })]);
  const again = planAt(T0 + 3 * HOUR + 20 * MIN, after(r, p));
  expect({ missed: again.missed, events: again.events }).toEqual({ missed: [], events: [] });
  expect(planAt(T0 + 4 * HOUR + 1000, after(r, p)).create?.scheduledMs).toBe(T0 + 4 * HOUR);
});

test('within startingDeadlineSeconds a late start still happens', () => {
  expect(planAt(T0 + HOUR + 200_000, resource({ startingDeadlineSeconds: 300 })).create?.scheduledMs).toBe(T0 + HOUR);
});

test('more than 100 missed: reported, and only the most recent runs', () => {
  const p = planAt(T0 + 200 * MIN + 30_000, resource({ schedule: '* * * * *' }));
  expect(p.events.find((e) => e.reason === 'TooManyMissedTimes')?.type).toBe('Warning');
  expect(p.create?.scheduledMs).toBe(T0 + 200 * MIN);
  expect(p.missed).toEqual([{ reason: 'superseded', count: 199 }]);
});

describe('concurrency', () => {
  const active = run(T0 + HOUR, { phase: 'Launched' });

  test('Allow starts the new run beside the active one', () => {
    const p = planAt(T0 + 2 * HOUR, resource(), [active]);
    expect(p.create?.scheduledMs).toBe(T0 + 2 * HOUR);
    expect(p.kill).toEqual([]);
    expect(p.status.activeCount).toBe(2);
  });

  test('Forbid waits while a run is active, and starts the run late once it finished', () => {
    const r = resource({ concurrencyPolicy: 'Forbid' });
    const waiting = planAt(T0 + 2 * HOUR, r, [active]);
    expect(waiting.create).toBeUndefined();
    expect(waiting.events.map((e) => e.reason)).toEqual(['RunAlreadyActive']);
    expect(ready(waiting)).toEqual({ status: 'True', reason: 'WaitingForActiveRun' });
    const late = planAt(T0 + 2 * HOUR + 7 * MIN, after(r, waiting), [{ ...active, phase: 'Finished', outcome: 'Succeeded', finishedMs: T0 + 2 * HOUR + 6 * MIN }]);
    expect(late.create?.scheduledMs).toBe(T0 + 2 * HOUR);
  });

  test('Replace kills the active run through spec.kill and starts the new one; a run already being killed is not asked twice', () => {
    const r = resource({ concurrencyPolicy: 'Replace' });
    const p = planAt(T0 + 2 * HOUR, r, [active]);
    expect(p.kill).toEqual([active.name]);
    expect(p.create?.scheduledMs).toBe(T0 + 2 * HOUR);
    expect(p.events.map((e) => e.reason)).toEqual(['KillingRun', 'SuccessfulCreate']);
    expect(planAt(T0 + 3 * HOUR, r, [{ ...active, killRequested: true }, run(T0 + 2 * HOUR, { phase: 'Launched' })]).kill).toEqual([`nightly-${(T0 + 2 * HOUR) / MIN}`]);
  });
});

test('suspended: no run and no next time; resumed: the most recent missed time is caught up', () => {
  const r = resource({ suspend: true });
  const p = planAt(T0 + 3 * HOUR + MIN, r);
  expect(p.create).toBeUndefined();
  expect(p.status.nextScheduleTime).toBeUndefined();
  expect(p.requeueAfterMs).toBeUndefined();
  expect(ready(p)).toEqual({ status: 'True', reason: 'Suspended' });
  const resumed = planAt(T0 + 3 * HOUR + 2 * MIN, { ...after(r, p), spec: { ...r.spec, suspend: false } });
  expect(resumed.create?.scheduledMs).toBe(T0 + 3 * HOUR);
});

test('a schedule edit takes effect at the next time of the new schedule: no catch-up of its earlier times', () => {
  const r = resource();
  const first = planAt(T0 + HOUR, r);
  const edited = { ...after(r, first), spec: { ...r.spec, schedule: '*/10 * * * *' } };
  const p = planAt(T0 + HOUR + 25 * MIN, edited);
  expect(p.create).toBeUndefined();
  expect(p.status.observedSchedule).toEqual({ schedule: '*/10 * * * *', timeZone: 'UTC', since: at(T0 + HOUR + 25 * MIN) });
  expect(p.status.nextScheduleTime).toBe(at(T0 + HOUR + 30 * MIN));
  expect(planAt(T0 + HOUR + 30 * MIN, after(edited, p), [run(T0 + HOUR)]).create?.scheduledMs).toBe(T0 + HOUR + 30 * MIN);
});

test('a run created just before a crash (status not written) is adopted: no second run, status catches up', () => {
  const p = planAt(T0 + HOUR + 30_000, resource(), [run(T0 + HOUR)]);
  expect(p.create).toBeUndefined();
  expect(p.status).toMatchObject({ lastScheduleTime: at(T0 + HOUR), activeCount: 1 });
});

test('a run name held by a SparkDriver that is not this schedule\'s: reported, missed, not retried', () => {
  const name = `nightly-${(T0 + HOUR) / MIN}`;
  const p = planAt(T0 + HOUR, resource(), [], { nameTaken: (n) => n === name });
  expect(p.create).toBeUndefined();
  expect(p.missed).toEqual([{ reason: 'nameTaken', count: 1 }]);
  expect(p.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'RunNameTaken' })]);
  expect(planAt(T0 + HOUR + MIN, after(resource(), p), [], { nameTaken: (n) => n === name }).events).toEqual([]);
});

test('history limits: the oldest finished runs beyond each limit are pruned; a killed run counts as failed', () => {
  const runs = [
    succeeded(T0 + HOUR), failed(T0 + 2 * HOUR), succeeded(T0 + 3 * HOUR), succeeded(T0 + 4 * HOUR),
    run(T0 + 5 * HOUR, { phase: 'Finished', outcome: 'Killed' }), succeeded(T0 + 6 * HOUR), run(T0 + 7 * HOUR, { phase: 'Launched' }),
  ];
  const p = planAt(T0 + 7 * HOUR + MIN, resource({ successfulRunHistoryLimit: 2, failedRunHistoryLimit: 1 }), runs);
  expect(p.prune.map((r) => r.scheduledMs)).toEqual([T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
  expect(planAt(T0 + 7 * HOUR + MIN, resource({ successfulRunHistoryLimit: 0, failedRunHistoryLimit: 0 }), runs).prune).toHaveLength(6);
});

test('outcomes: a run that finished since the last status is reported once; lastSuccessfulTime keeps the latest success', () => {
  const r = resource();
  const created = planAt(T0 + HOUR, r);
  const done = succeeded(T0 + HOUR);
  const p = planAt(T0 + HOUR + 20 * MIN, after(r, created), [done]);
  expect(p.finished.map((x) => x.name)).toEqual([done.name]);
  expect(p.events.map((e) => e.reason)).toEqual(['SawCompletedRun']);
  expect(p.status).toMatchObject({ lastSuccessfulTime: at(T0 + HOUR + 10 * MIN), activeCount: 0 });
  expect(p.status.recentRuns).toEqual([{ name: done.name, scheduledTime: at(T0 + HOUR), phase: 'Finished', outcome: 'Succeeded', finishTime: at(T0 + HOUR + 10 * MIN) }]);
  const later = planAt(T0 + HOUR + 30 * MIN, after(r, p), []);
  expect(later.finished).toEqual([]);
  // Deleted since (history limit, TTL): its record stays in recentRuns, and so does the last success.
  expect(later.status.recentRuns).toEqual(p.status.recentRuns);
  expect(later.status.lastSuccessfulTime).toBe(at(T0 + HOUR + 10 * MIN));
});

test('recent runs: newest first, at most ten', () => {
  const runs = Array.from({ length: 12 }, (_, i) => succeeded(T0 + (i + 1) * HOUR));
  const p = planAt(T0 + 12 * HOUR + MIN, resource({ successfulRunHistoryLimit: 20 }), runs);
  expect(p.status.recentRuns?.map((r) => r.scheduledTime)).toEqual(Array.from({ length: 10 }, (_, i) => at(T0 + (12 - i) * HOUR)));
});

test('an unusable schedule or time zone: Stalled with the problem, no next time, no requeue', () => {
  const p = planAt(T0 + HOUR, resource({ schedule: '0 0 30 2 *' }));
  expect(p.create).toBeUndefined();
  expect(p.requeueAfterMs).toBeUndefined();
  expect(p.status.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidSchedule', message: expect.stringContaining('spec.schedule: "0 0 30 2 *" never matches') });
  expect(planAt(T0, resource({ timeZone: 'Nowhere/Land' })).status.message).toContain('spec.timeZone: unknown time zone "Nowhere/Land"');
});

test('being deleted: no new run', () => {
  const r = resource();
  const deleting = { ...r, metadata: { ...r.metadata, deletionTimestamp: at(T0 + HOUR) } };
  expect(planAt(T0 + HOUR, deleting).create).toBeUndefined();
});
