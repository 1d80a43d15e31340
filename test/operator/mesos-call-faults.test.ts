// The operator, in process on the emulators, when its Mesos calls fail: an ACCEPT refused,
// dropped or whose answer was lost, a KILL or RECONCILE that fails. Each driver still runs once
// and ends as asked, and every task Mesos launched belongs to an attempt its status records.
import { schedulerRecordOf } from '../../src/sparkdriver/scheduler-record.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { CallFault } from '../../src/devcluster/mesos/index.ts';
import { waitFor } from '../support/wait.ts';
import { driverManifest, inProcessOperator, startCluster, waitForDriver } from './harness.ts';
import type { Cluster } from './harness.ts';
import type { Json } from '../devcluster/kube/support.ts';

let cluster: Cluster;
let operator: Operator | undefined;

beforeEach(async () => {
  // One agent: an offer the operator leaves outstanding is every resource there is.
  cluster = await startCluster({ agents: 1 });
});

afterEach(async () => {
  await operator?.stop();
  operator = undefined;
  await cluster.close();
});

async function startOperator(): Promise<void> {
  operator = inProcessOperator(cluster, 'mesos-faults');
  await operator.start();
}

async function apply(name: string, spec: Json = {}): Promise<void> {
  const applied = await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, name, spec) });
  if (applied.code !== 0) throw new Error(applied.stderr);
}

/** Task IDs Mesos launched, each once at most, all of attempts the status records. */
function expectLaunchedOnce(driver: Json): string[] {
  const ids = cluster.mesos.taskHistory().map((t) => t.taskId);
  expect(new Set(ids).size).toBe(ids.length);
  const { submissionId } = driver.status as { submissionId: string };
  const recorded = Array.from({ length: schedulerRecordOf(driver.status)?.attempts ?? 0 }, (_, i) => (i === 0 ? submissionId : `${submissionId}-retry-${i}`));
  for (const id of ids) expect(recorded).toContain(id);
  return ids;
}

const ACCEPT_FAULTS: [string, CallFault][] = [
  ['answered 500', { types: ['ACCEPT'], mode: { kind: 'error', status: 500 } }],
  ['dropped before the master read it', { types: ['ACCEPT'], mode: { kind: 'drop' } }],
  ['carried out, its answer lost', { types: ['ACCEPT'], mode: { kind: 'lost-answer' } }],
];

test.each(ACCEPT_FAULTS)('an ACCEPT %s: the driver runs once and succeeds', async (_, fault) => {
  cluster.mesos.failNextCalls(fault);
  await startOperator();
  await apply('once');
  const done = await waitForDriver(cluster, 'once', 'succeeded', (d) => d.status?.outcome === 'Succeeded');
  expect(expectLaunchedOnce(done)).toHaveLength(1);
  expect(Object.fromEntries(cluster.mesos.callFaultHits())).toEqual({ [`ACCEPT ${fault.mode.kind}`]: 1 });
});

test('an ACCEPT that failed and the RECONCILE of its task that failed too: the driver still runs', async () => {
  cluster.mesos.failNextCalls({ types: ['ACCEPT'], mode: { kind: 'error', status: 500 } });
  cluster.mesos.failNextCalls({ types: ['RECONCILE'], mode: { kind: 'error', status: 500 }, times: 2 });
  await startOperator();
  await apply('reconciled');
  const done = await waitForDriver(cluster, 'reconciled', 'succeeded', (d) => d.status?.outcome === 'Succeeded', 30_000);
  expectLaunchedOnce(done);
  expect(cluster.mesos.callFaultHits().get('RECONCILE error')).toBeGreaterThanOrEqual(1);
});

test('a KILL that failed: the kill of a running driver still takes', async () => {
  await startOperator();
  await apply('long', { arguments: ['sleep'] });
  await waitForDriver(cluster, 'long', 'running', (d) => d.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
  cluster.mesos.failNextCalls({ types: ['KILL'], mode: { kind: 'error', status: 500 }, times: 2 });
  await cluster.kube.kubectl(['patch', 'sparkdriver', 'long', '--type=merge', '-p', '{"spec":{"kill":true}}']);
  const done = await waitForDriver(cluster, 'long', 'killed', (d) => d.status?.outcome === 'Killed', 30_000);
  expect(done.status.currentAttempt.mesos.state).toBe('TASK_KILLED');
  expect(cluster.mesos.callFaultHits().get('KILL error')).toBeGreaterThanOrEqual(1);
});

test('a DECLINE that failed does not strand its offer: a driver submitted later launches', async () => {
  // The first offer comes before any driver and is declined: that DECLINE fails twice.
  cluster.mesos.failNextCalls({ types: ['DECLINE'], mode: { kind: 'error', status: 500 }, times: 2 });
  await startOperator();
  await apply('later');
  await waitForDriver(cluster, 'later', 'succeeded', (d) => d.status?.outcome === 'Succeeded', 30_000);
  expect(cluster.mesos.callFaultHits().get('DECLINE error')).toBe(2);
});

test('a REVIVE that failed: a driver submitted while offers are suppressed still launches', async () => {
  await startOperator();
  // Nothing to run: the operator declines what it is offered and suppresses offers.
  await waitFor(() => (cluster.mesos.state().frameworks as { suppressed_roles: string[] }[])[0]?.suppressed_roles.length === 1, 'offers suppressed');
  cluster.mesos.failNextCalls({ types: ['REVIVE'], mode: { kind: 'error', status: 500 } });
  await apply('revived');
  await waitForDriver(cluster, 'revived', 'succeeded', (d) => d.status?.outcome === 'Succeeded', 30_000);
  expect(cluster.mesos.callFaultHits().get('REVIVE error')).toBe(1);
});
