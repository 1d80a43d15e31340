// Two operator processes with Lease leader election: only the leader subscribes to Mesos; when
// it is killed the other takes over within the lease duration, adopts the running task and
// launches nothing twice.
import { waitFor } from '../support/wait.ts';
import { driverManifest, waitForDriver } from './harness.ts';
import type { Cluster } from './harness.ts';
import { clusterWithOperatorProcesses } from './process.ts';
import type { OperatorProcess } from './process.ts';
import type { Json } from '../devcluster/kube/support.ts';

const fixture = clusterWithOperatorProcesses();
let cluster: Cluster;
beforeEach(() => {
  cluster = fixture.cluster();
});

interface FrameworkState { id: string; connected: boolean; tasks: { id: string; state: string }[]; completed_tasks: { id: string }[] }
const frameworks = (): FrameworkState[] => cluster.mesos.state().frameworks as FrameworkState[];

async function leaseHolder(): Promise<string | undefined> {
  try {
    const lease = await cluster.client.get<Json>({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespace: 'default', name: 'spark-mesos-dispatcher' });
    return (lease.spec?.holderIdentity as string | undefined) || undefined;
  } catch {
    return undefined;
  }
}

async function waitForLeader(notThis?: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const holder = await leaseHolder();
    if (holder !== undefined && holder !== notThis) return holder;
    if (Date.now() > deadline) throw new Error('no leader elected');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const identityOf = (p: OperatorProcess): string | undefined => /"identity":"([^"]+)"/.exec(p.output())?.[1];

test('only the leader subscribes; after it is killed the other adopts the running task within the lease duration', async () => {
  const a = fixture.start();
  const b = fixture.start();
  const leaderId = await waitForLeader();
  await waitFor(() => identityOf(a) !== undefined && identityOf(b) !== undefined, 'both operators to start');
  const [leader, follower] = identityOf(a) === leaderId ? [a, b] : [b, a];

  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'long', { arguments: ['sleep'] }) });
  const runningDriver = await waitForDriver(cluster, 'long', 'running', (d) => d.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
  const taskId = runningDriver.status.currentAttempt.taskId as string;
  expect(frameworks()).toHaveLength(1);
  expect(frameworks()[0]!.connected).toBe(true);
  expect(follower.output()).not.toContain('subscribed to the Mesos master');
  const frameworkId = frameworks()[0]!.id;

  leader.kill('SIGKILL');
  await leader.exited;
  const killedAt = Date.now();
  const successor = await waitForLeader(leaderId);
  expect(successor).toBe(identityOf(follower));
  await waitFor(() => frameworks()[0]?.connected === true && follower.output().includes('subscribed to the Mesos master'), 'the successor to subscribe', 20_000);
  // Lease 3 s: the successor may take over only once the old record went stale for that long.
  expect(Date.now() - killedAt).toBeLessThan(3000 + 5000);
  expect(frameworks().map((f) => f.id)).toEqual([frameworkId]);

  // The running task is adopted, not relaunched; new work still flows.
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'after') });
  await waitForDriver(cluster, 'after', 'Succeeded', (d) => d.status?.outcome === 'Succeeded', 20_000);
  const adopted = await waitForDriver(cluster, 'long', 'still running', (d) => d.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
  expect(adopted.status.currentAttempt.taskId).toBe(taskId);
  const ids = frameworks().flatMap((f) => [...f.tasks, ...f.completed_tasks].map((t) => t.id));
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.filter((id) => id.startsWith(taskId))).toEqual([taskId]);
});

test('SIGTERM releases the lease: the other replica leads at once instead of after the lease duration', async () => {
  const a = fixture.start();
  const b = fixture.start();
  const leaderId = await waitForLeader();
  await waitFor(() => identityOf(a) !== undefined && identityOf(b) !== undefined, 'both operators to start');
  const leader = identityOf(a) === leaderId ? a : b;
  leader.kill('SIGTERM');
  expect(await leader.exited).toBe(0);
  const stoppedAt = Date.now();
  const successor = await waitForLeader(leaderId);
  expect(successor).not.toBe(leaderId);
  // Without the release the successor would wait out the 3 s lease; a retry period (0.5 s) suffices.
  expect(Date.now() - stoppedAt).toBeLessThan(3000);
});
