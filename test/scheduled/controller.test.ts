// The ScheduledSparkDriver controller against the Kubernetes API emulator, time on a FakeClock:
// runs appear at their times, named, owned and labelled; outcomes reach the status; Forbid,
// Replace and the history limits act on real SparkDrivers; a crash between creating a run and
// recording it, and a failover (including two leaders at once), never make a run twice; deleting
// the schedule deletes its runs (the emulator's garbage collector).
import { KubeApiError } from '../../src/kube/api-error.ts';
import { SPARK_DRIVER } from '../../src/sparkdriver/sparkdriver.ts';
import { withOverrides } from '../kube/kube-harness.ts';
import type { Json } from '../devcluster/kube/support.ts';
import { waitFor } from '../support/wait.ts';
import {
  apply, at, finished, MINUTE, runNameAt, runs, schedule, scheduledManifest, setRunStatus, startScheduledCluster, T0,
} from './harness.ts';
import type { ScheduledCluster } from './harness.ts';

let c: ScheduledCluster;
beforeEach(async () => {
  c = await startScheduledCluster();
});
afterEach(async () => {
  await c.close();
});

const names = async (): Promise<string[]> => (await runs(c)).map((r) => r.metadata.name as string);
const namesAre = (expected: string[]) => async (): Promise<boolean> => JSON.stringify(await names()) === JSON.stringify(expected);
const statusMatches = (name: string, match: (s: Json) => boolean) => async (): Promise<Json | undefined> => {
  const s = (await schedule(c, name)).status as Json | undefined;
  return s !== undefined && match(s) ? s : undefined;
};

test('a run at each time: named from it, owned and labelled; its outcome reaches the status; kubectl get ssd shows the columns', async () => {
  await apply(c, scheduledManifest('etl'));
  const replica = await c.replica();
  replica.scheduled.lead();
  await waitFor(statusMatches('etl', (s) => s.nextScheduleTime === '2026-01-01T00:05:00Z'), 'the next time in status');
  expect(await names()).toEqual([]);

  const first = runNameAt(T0 + 5 * MINUTE);
  await at(c, T0 + 5 * MINUTE, namesAre([first]), 'the first run');
  const [run] = await runs(c);
  const owner = await schedule(c, 'etl');
  expect(run!.metadata).toMatchObject({
    labels: { 'sparkmesos.io/scheduled-driver': 'etl' },
    annotations: { 'sparkmesos.io/scheduled-time': '2026-01-01T00:05:00Z' },
    ownerReferences: [{ apiVersion: 'sparkmesos.io/v1alpha1', kind: 'ScheduledSparkDriver', name: 'etl', uid: owner.metadata.uid, controller: true }],
  });
  expect(run!.spec).toMatchObject({ appResource: 'file:///opt/app.jar', mainClass: 'org.example.Main', kill: false });
  await waitFor(statusMatches('etl', (s) => s.activeCount === 1 && s.lastScheduleTime === '2026-01-01T00:05:00Z'), 'the run counted active');

  c.clock.advance(2 * MINUTE);
  await setRunStatus(c, first, finished('Succeeded', T0 + 7 * MINUTE));
  const status = await waitFor(statusMatches('etl', (s) => s.activeCount === 0), 'the run seen finished');
  expect(status).toMatchObject({
    lastSuccessfulTime: '2026-01-01T00:07:00Z', nextScheduleTime: '2026-01-01T00:10:00Z',
    recentRuns: [{ name: first, scheduledTime: '2026-01-01T00:05:00Z', phase: 'Finished', outcome: 'Succeeded', finishTime: '2026-01-01T00:07:00Z' }],
  });
  expect((status.conditions as Json[]).find((x) => x.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Scheduled' });

  const get = await c.emu.kubectl(['get', 'ssd']);
  const [header, row] = get.stdout.trim().split('\n');
  expect(header!.split(/\s{2,}/)).toEqual(['NAME', 'SCHEDULE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'NEXT SCHEDULE', 'AGE']);
  expect(row!.split(/\s{2,}/)).toEqual(['etl', '*/5 * * * *', 'false', '0', '2m', '2026-01-01T00:10:00Z', '7m']);
  const wide = await c.emu.kubectl(['get', 'scheduledsparkdrivers', '-o', 'wide']);
  expect(wide.stdout.split('\n')[0]).toMatch(/TIME ZONE\s+LAST SUCCESSFUL\s+READY\s+REASON/);
  expect((await c.emu.kubectl(['get', 'spark'])).stdout).toContain(`scheduledsparkdriver.sparkmesos.io/etl`);
});

test('restart in the middle of a scheduled time: the run was created, the status never written; the next leader adopts it', async () => {
  let crashed = false;
  const crashing = withOverrides(c.client, {
    patchStatus: () => {
      crashed = true;
      return Promise.reject(new KubeApiError(503, 'ServiceUnavailable', 'the process died here'));
    },
  });
  await apply(c, scheduledManifest('etl'));
  const first = await c.replica({ client: crashing });
  first.scheduled.lead();
  await at(c, T0 + 5 * MINUTE, async () => crashed && (await names()).length === 1, 'the run created, the status write lost');
  await first.stop();

  const second = await c.replica();
  second.scheduled.lead();
  const status = await waitFor(statusMatches('etl', (s) => s.lastScheduleTime === '2026-01-01T00:05:00Z'), 'the run adopted');
  expect(status.active).toEqual([{ name: runNameAt(T0 + 5 * MINUTE), scheduledTime: '2026-01-01T00:05:00Z' }]);
  c.clock.advance(MINUTE);
  expect(await names()).toEqual([runNameAt(T0 + 5 * MINUTE)]);
  await at(c, T0 + 10 * MINUTE, namesAre([runNameAt(T0 + 5 * MINUTE), runNameAt(T0 + 10 * MINUTE)]), 'the next run, from the new leader');
});

test('two leaders at one scheduled time: the other leader\'s run makes the create fail with AlreadyExists; the run is adopted, not made twice', async () => {
  await apply(c, scheduledManifest('etl'));
  const outcomes: string[] = [];
  // Another leader (a stale one) creates the same run just before this one's create reaches the server.
  const raced = withOverrides(c.client, {
    create: async (type, namespace, body) => {
      if (type.plural !== SPARK_DRIVER.plural) return c.client.create(type, namespace, body);
      await c.client.create(type, namespace, body);
      return c.client.create(type, namespace, body).catch((error: unknown) => {
        outcomes.push(error instanceof KubeApiError && error.isAlreadyExists ? 'AlreadyExists' : String(error));
        throw error;
      });
    },
  });
  (await c.replica({ client: raced })).scheduled.lead();
  await at(c, T0 + 5 * MINUTE, statusMatches('etl', (s) => s.activeCount === 1), 'the run recorded');
  expect(outcomes).toEqual(['AlreadyExists']);
  expect(await names()).toEqual([runNameAt(T0 + 5 * MINUTE)]);
});

test('failover: the new leader goes on from the recorded status, creating nothing twice', async () => {
  await apply(c, scheduledManifest('etl'));
  const creates: string[] = [];
  const counting = withOverrides(c.client, {
    create: (type, namespace, body) => {
      if (type.plural === SPARK_DRIVER.plural) creates.push(String(body.metadata?.name));
      return c.client.create(type, namespace, body);
    },
  });
  const a = await c.replica({ client: counting });
  const b = await c.replica({ client: counting });
  a.scheduled.lead();
  await at(c, T0 + 5 * MINUTE, statusMatches('etl', (s) => s.activeCount === 1), 'the first run from a');
  await a.stop();
  b.scheduled.lead();
  await waitFor(statusMatches('etl', (s) => s.nextScheduleTime === '2026-01-01T00:10:00Z'), 'b reconciled');
  await at(c, T0 + 10 * MINUTE, namesAre([runNameAt(T0 + 5 * MINUTE), runNameAt(T0 + 10 * MINUTE)]), 'the next run, from b');
  expect(creates).toEqual([runNameAt(T0 + 5 * MINUTE), runNameAt(T0 + 10 * MINUTE)]);
});

test('Forbid: no second run while one is active; the delayed run starts once the first finished', async () => {
  await apply(c, scheduledManifest('etl', { concurrencyPolicy: 'Forbid' }));
  (await c.replica()).scheduled.lead();
  const first = runNameAt(T0 + 5 * MINUTE);
  await at(c, T0 + 5 * MINUTE, namesAre([first]), 'the first run');
  await setRunStatus(c, first, { phase: 'Launched' });
  await at(c, T0 + 10 * MINUTE, statusMatches('etl', (s) => (s.conditions as Json[]).some((x) => x.reason === 'WaitingForActiveRun')), 'waiting');
  expect(await names()).toEqual([first]);
  c.clock.advance(2 * MINUTE);
  await setRunStatus(c, first, finished('Failed', T0 + 12 * MINUTE));
  await waitFor(namesAre([first, runNameAt(T0 + 10 * MINUTE)]), 'the delayed run');
});

test('Replace: the active run is killed through spec.kill, then the new one is created', async () => {
  await apply(c, scheduledManifest('etl', { concurrencyPolicy: 'Replace' }));
  (await c.replica()).scheduled.lead();
  const first = runNameAt(T0 + 5 * MINUTE);
  await at(c, T0 + 5 * MINUTE, namesAre([first]), 'the first run');
  await setRunStatus(c, first, { phase: 'Launched' });
  await at(c, T0 + 10 * MINUTE, namesAre([first, runNameAt(T0 + 10 * MINUTE)]), 'the replacement');
  const [old, replacement] = await runs(c);
  expect([old!.spec.kill, replacement!.spec.kill]).toEqual([true, false]);
});

test('history limits: the oldest finished runs are deleted, per outcome', async () => {
  await apply(c, scheduledManifest('etl', { successfulRunHistoryLimit: 1, failedRunHistoryLimit: 1 }));
  (await c.replica()).scheduled.lead();
  const outcomes = ['Succeeded', 'Failed', 'Succeeded', 'Failed'];
  for (const [i, outcome] of outcomes.entries()) {
    const time = T0 + (i + 1) * 5 * MINUTE;
    await at(c, time, async () => (await names()).includes(runNameAt(time)), `run ${i + 1}`);
    await setRunStatus(c, runNameAt(time), finished(outcome, time + MINUTE));
  }
  await waitFor(namesAre([runNameAt(T0 + 15 * MINUTE), runNameAt(T0 + 20 * MINUTE)]), 'the two newest kept');
  const status = await waitFor(statusMatches('etl', (s) => (s.recentRuns as Json[]).length === 4), 'four recent runs');
  expect((status.recentRuns as Json[]).map((r) => r.outcome)).toEqual(['Failed', 'Succeeded', 'Failed', 'Succeeded']);
});

test('deleting the ScheduledSparkDriver deletes its runs, and only its own', async () => {
  await apply(c, scheduledManifest('etl', { concurrencyPolicy: 'Allow' }));
  (await c.replica()).scheduled.lead();
  await at(c, T0 + 5 * MINUTE, namesAre([runNameAt(T0 + 5 * MINUTE)]), 'a run');
  await c.client.create(SPARK_DRIVER, 'default', { apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver', metadata: { name: 'standalone' }, spec: { appResource: 'file:///a.jar' } });
  const deleted = await c.emu.kubectl(['delete', 'ssd', 'etl']);
  expect(deleted.code).toBe(0);
  await waitFor(namesAre(['standalone']), 'the run collected');
});
