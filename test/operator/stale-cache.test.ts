// A new leader whose cache is behind the API server (its watch was cut and cannot come back yet)
// must not act on the old statuses it holds: a driver that finished under the previous leader,
// its task already acknowledged and forgotten by Mesos, is not launched again.
import { schedulerRecordOf } from '../../src/sparkdriver/scheduler-record.ts';
import type { Operator } from '../../src/operator/operator.ts';
import { parseSparkDriver } from '../../src/sparkdriver/sparkdriver.ts';
import type { SparkDriver } from '../../src/sparkdriver/sparkdriver.ts';
import { submissionIdOf } from '../../src/sparkdriver/sparkdriver-submission.ts';
import type { Json } from '../devcluster/kube/support.ts';
import { waitFor } from '../support/wait.ts';
import { driverManifest, getDriver, inProcessOperator, startCluster, waitForDriver } from './harness.ts';
import type { Cluster } from './harness.ts';

let cluster: Cluster;
const operators: Operator[] = [];

beforeEach(async () => {
  cluster = await startCluster({ agents: 1 });
});

afterEach(async () => {
  cluster.kube.server.faults.clear();
  for (const operator of operators.splice(0)) await operator.stop();
  await cluster.close();
});

function parseDriver(raw: Json): SparkDriver {
  const parsed = parseSparkDriver(raw);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.resource;
}

function operator(identity: string): Operator {
  const created = inProcessOperator(cluster, identity, { leaderElection: { leaseName: 'stale-cache', leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 250 } });
  operators.push(created);
  return created;
}

/** Two operators with a Lease: the first leads, the second follows. */
async function leaderAndFollower(): Promise<[Operator, Operator]> {
  const first = operator('first');
  await first.start();
  await waitFor(() => first.isLeader, 'the first operator to lead');
  const second = operator('second');
  await second.start();
  return [first, second];
}

/** From here no cache hears of SparkDrivers: their watches are cut, and a new one hangs for a minute. Reads and writes go on. */
function cacheStopsHearing(): void {
  cluster.kube.server.faults.setLatency(60_000, { resource: 'sparkdrivers', verb: 'watch' });
  cluster.kube.server.dropWatches({ resource: 'sparkdrivers', abrupt: true });
}

test('a leader restored from a cache that missed the last status does not relaunch a finished driver', async () => {
  const [first, second] = await leaderAndFollower();
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'once', { arguments: ['sleep'] }) });
  const running = await waitForDriver(cluster, 'once', 'running', (d) => d.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
  cacheStopsHearing();
  const pid = cluster.mesos.tasks().find((t) => t.taskId === running.status.currentAttempt.taskId)?.pid;
  process.kill(pid!, 'SIGTERM');
  // Recorded Finished by the first leader, acknowledged, and forgotten by Mesos.
  const finished = await waitForDriver(cluster, 'once', 'finished', (d) => d.status?.phase === 'Finished');
  await waitFor(() => cluster.mesos.tasks().length === 0, 'the task to be acknowledged');
  await first.stop();
  await waitFor(() => second.isLeader && second.mesosClient?.state === 'subscribed', 'the second operator to lead', 15_000);
  // The old attempt is settled one way or the other: known finished, or reconciled and relaunched.
  const taskId = running.status.currentAttempt.taskId as string;
  const id = finished.status.submissionId as string;
  await waitFor(() => {
    const status = second.schedulerLoop?.view(id)?.status;
    return status?.phase === 'finished' || (status?.phase === 'launched' && status.attempt.taskId !== taskId);
  }, 'the new leader to settle the old attempt', 15_000);
  cluster.kube.server.faults.clear();
  expect(cluster.mesos.taskHistory().map((t) => t.taskId)).toEqual([taskId]);
  expect(second.schedulerLoop?.view(id)?.status.phase).toBe('finished');
  await waitFor(() => second.isQuiet, 'the second operator to settle');
  expect((await getDriver(cluster, 'once'))?.status).toMatchObject({ phase: 'Finished', outcome: finished.status.outcome });
});

test('a driver the new leader knows from the API server but not yet from its cache is launched only once its intent is recorded', async () => {
  const [first, second] = await leaderAndFollower();
  // Created once the caches stopped hearing: only a fresh read sees it.
  cacheStopsHearing();
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'unseen') });
  await first.stop();
  await waitFor(() => second.isLeader && second.mesosClient?.state === 'subscribed', 'the second operator to lead', 15_000);
  // Once the leader has tried to launch it, whatever reached Mesos is recorded (invariant 2).
  const id = submissionIdOf(parseDriver((await getDriver(cluster, 'unseen'))!));
  await waitFor(() => (second.schedulerLoop?.view(id)?.status.attempts ?? 0) >= 1, 'a launch of the unseen driver', 15_000);
  await second.schedulerLoop!.idle();
  const launched = cluster.mesos.taskHistory();
  const status = (await getDriver(cluster, 'unseen'))?.status;
  const recorded = schedulerRecordOf(status)?.attempts ?? 0;
  expect(launched.length).toBeLessThanOrEqual(recorded);
  cluster.kube.server.faults.clear();
});
