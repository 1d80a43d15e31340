// The overview's scheduled drivers: schedule and zone, state (active, suspended, or the problem of
// an unusable schedule), concurrency, active count, last and next run, and the recent runs with
// their outcome, linked to the driver page while the run exists. Everything escaped.
import { renderOverview } from '../../src/ui/index.ts';
import { scheduledSpecSchema } from '../../src/scheduled/scheduled-spark-driver.ts';
import type { ScheduledSparkDriver, ScheduledSparkDriverSpecInput } from '../../src/scheduled/scheduled-spark-driver.ts';
import type { ScheduledSparkDriverStatus } from '../../src/scheduled/scheduled-status.ts';
import { executableMarkup, linkTargets, sectionOf, tableRows } from './html-helpers.ts';
import { HOSTILE_NAME, makeSnapshot, NOW } from './fixtures.ts';

function schedule(name: string, spec: Partial<ScheduledSparkDriverSpecInput>, status?: ScheduledSparkDriverStatus): ScheduledSparkDriver {
  return {
    apiVersion: 'sparkmesos.io/v1alpha1', kind: 'ScheduledSparkDriver',
    metadata: { name, namespace: 'spark-jobs', uid: `uid-${name}`, creationTimestamp: '2024-03-01T09:00:00Z', generation: 1 },
    spec: scheduledSpecSchema.parse({ schedule: '0 * * * *', template: { appResource: 'file:///app.jar' }, ...spec }),
    ...(status !== undefined && { status }),
  };
}

const HOSTILE_SCHEDULE = `<script>window.pwned=3</script> * * * "&'`;
const schedules = [
  schedule('hourly', { timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid' }, {
    activeCount: 1, lastScheduleTime: '2024-03-01T10:00:00Z', nextScheduleTime: '2024-03-01T12:00:00Z',
    recentRuns: [
      { name: 'running', scheduledTime: '2024-03-01T10:00:00Z', phase: 'Launched' },
      { name: 'hourly-28487460', scheduledTime: '2024-03-01T09:00:00Z', phase: 'Finished', outcome: 'Failed', finishTime: '2024-03-01T09:10:00Z' },
    ],
  }),
  schedule('paused', { suspend: true }, { nextScheduleTime: '2024-03-01T11:00:00Z' }),
  schedule('broken', { schedule: HOSTILE_SCHEDULE }, {
    conditions: [{ type: 'Ready', status: 'False', reason: 'InvalidSchedule', message: `spec.schedule: ${HOSTILE_NAME}`, lastTransitionTime: '2024-03-01T09:00:00Z' }],
  }),
];
const html = renderOverview(makeSnapshot({ schedules }), NOW);

test('one row per schedule, sorted, with the schedule, state, policy, active runs and times', () => {
  expect(tableRows(html, 'scheduled-drivers')).toEqual([
    ['spark-jobs/broken', `${HOSTILE_SCHEDULE} UTC`, `spec.schedule: ${HOSTILE_NAME}`, 'Allow', '0', '—', '—', '—'],
    ['spark-jobs/hourly', '0 * * * * Europe/Berlin', 'Active', 'Forbid', '1', '2024/03/01 10:00:00 (1.0 h ago)', '2024/03/01 12:00:00 (in 1.0 h)',
      'Launched driver-20240301100300-0003 running Failed hourly-28487460'],
    ['spark-jobs/paused', '0 * * * * UTC', 'Suspended', 'Allow', '0', '—', '—', '—'],
  ]);
});

test('a recent run that still exists links to its driver page; a deleted one is its name only', () => {
  const links = linkTargets(sectionOf(html, 'scheduled'));
  expect(links).toEqual(['driver?id=driver-20240301100300-0003']);
});

test('nothing a schedule holds runs as markup', () => {
  expect(executableMarkup(sectionOf(html, 'scheduled'))).toEqual([]);
  expect(renderOverview(makeSnapshot(), NOW)).toContain('No scheduled drivers.');
});
