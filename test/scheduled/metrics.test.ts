// The scheduled-run metrics through the real controller on the emulator: a run created and
// finished is counted once, by outcome; times missed are counted by reason (past
// startingDeadlineSeconds, and the older ones a catch-up skips).
import { createMetrics } from '../../src/metrics/metrics.ts';
import { valueOf } from '../support/prometheus-text.ts';
import { waitFor } from '../support/wait.ts';
import { scrape } from '../metrics/harness.ts';
import type { Json } from '../devcluster/kube/support.ts';
import { apply, at, finished, MINUTE, runNameAt, runs, schedule, scheduledManifest, setRunStatus, startScheduledCluster, T0 } from './harness.ts';
import type { ScheduledCluster } from './harness.ts';

let c: ScheduledCluster;
beforeEach(async () => {
  c = await startScheduledCluster();
});
afterEach(async () => {
  await c.close();
});

test('runs created and finished by outcome, and missed times by reason', async () => {
  const metrics = createMetrics({ processMetrics: false });
  const count = async (name: string, labels: Record<string, string> = {}): Promise<number | undefined> => valueOf(await scrape(metrics.registry), name, labels);
  await apply(c, scheduledManifest('etl'));
  await apply(c, scheduledManifest('strict', { schedule: '* * * * *', startingDeadlineSeconds: 30, suspend: true }));
  const replica = await c.replica({ observer: metrics.scheduled });
  replica.scheduled.lead();

  await at(c, T0 + 5 * MINUTE, async () => (await runs(c)).length === 1, 'the run');
  await setRunStatus(c, runNameAt(T0 + 5 * MINUTE), finished('Failed', T0 + 5 * MINUTE));
  await waitFor(async () => ((await schedule(c, 'etl')).status as Json).activeCount === 0, 'the run seen finished');
  await waitFor(async () => (await count('sparkdispatcher_scheduled_runs_finished_total', { outcome: 'failed' })) === 1, 'the outcome counted');
  expect(await count('sparkdispatcher_scheduled_runs_created_total')).toBe(1);

  // Down (not leading) for 17 minutes: etl catches up 00:20 only (00:10 and 00:15 superseded);
  // strict, resumed, missed every minute but the last 30 s for good (its 00:22 is still in time).
  await replica.stop();
  c.clock.advance(17 * MINUTE);
  await c.client.patchMerge({ group: 'sparkmesos.io', version: 'v1alpha1', plural: 'scheduledsparkdrivers', namespace: 'default', name: 'strict' }, { spec: { suspend: false } });
  const successor = await c.replica({ observer: metrics.scheduled });
  successor.scheduled.lead();
  await waitFor(async () => (await runs(c)).length === 3, 'two more runs');
  expect((await runs(c)).map((r) => r.metadata.name)).toEqual([runNameAt(T0 + 5 * MINUTE), runNameAt(T0 + 20 * MINUTE), runNameAt(T0 + 22 * MINUTE, 'strict')].sort());
  await waitFor(async () => (await count('sparkdispatcher_scheduled_missed_total', { reason: 'superseded' })) === 2, 'etl: two superseded');
  expect(await count('sparkdispatcher_scheduled_missed_total', { reason: 'deadline' })).toBe(21);
  expect(await count('sparkdispatcher_scheduled_runs_created_total')).toBe(3);
});
