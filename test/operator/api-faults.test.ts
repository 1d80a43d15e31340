// The operator under Kubernetes API faults, in process on the emulators: a framework ID that
// could not be saved uses no offer; a status write that did not take is retried until it does;
// a kill of a waiting driver sticks (status never moves backwards).
import { Operator, type OperatorOptions } from '../../src/operator/operator.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { parseDispatcherConfig } from '../../src/scheduler/index.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { waitFor } from '../support/wait.ts';
import { driverManifest, getDriver, startCluster, waitForDriver } from './harness.ts';
import type { Cluster } from './harness.ts';
import type { Json } from '../devcluster/kube/support.ts';

let cluster: Cluster;
let clock: FakeClock;
const operators: Operator[] = [];

beforeEach(async () => {
  cluster = await startCluster();
  clock = new FakeClock(Date.now());
});

afterEach(async () => {
  for (const operator of operators.splice(0)) await operator.stop();
  await cluster.close();
});

function operator(identity: string, extra: Partial<OperatorOptions> = {}): Operator {
  const parsed = parseDispatcherConfig({ 'spark.master': `mesos://${new URL(cluster.mesos.url).host}`, 'spark.home': cluster.sparkHome });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const created = new Operator({
    kube: cluster.client, identity, dispatcher: parsed.config,
    mesos: { master: cluster.mesos.url, framework: { user: 'spark', name: 'faults-test', failoverTimeoutSeconds: 3600, checkpoint: true } },
    stateNamespace: 'default', stateConfigMapName: 'dispatcher-state', clock, random: () => 0.5, log: silentLogger, ...extra,
  });
  operators.push(created);
  return created;
}

/** Every task the master knows of, live or completed, across frameworks. */
function allTasks(): { id: string; framework: string }[] {
  const frameworks = cluster.mesos.state().frameworks as { id: string; tasks: { id: string }[]; completed_tasks: { id: string }[] }[];
  return frameworks.flatMap((f) => [...f.tasks, ...f.completed_tasks].map((t) => ({ id: t.id, framework: f.id })));
}

test('a framework ID that could not be saved: no offer is used under it, and the next leader runs each driver once', async () => {
  const names = Array.from({ length: 20 }, (_, i) => `d${i}`);
  for (const name of names) await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, name) });
  cluster.kube.server.faults.failNext({ resource: 'configmaps', verb: ['create', 'update', 'patch'], code: 500 });
  const fatal: string[] = [];
  await operator('first', { onFatal: (reason) => fatal.push(reason) }).start();
  await waitFor(() => fatal.length > 0, 'the first operator to give up');
  expect(fatal[0]).toMatch(/subscribed/i);
  // Offers queued behind the failed SUBSCRIBED handler were dropped, not used.
  await operators[0]!.stop();
  expect(allTasks()).toEqual([]);

  await operator('second').start();
  for (const name of names) await waitForDriver(cluster, name, 'succeeded', (d) => d.status?.outcome === 'Succeeded');
  const ids = allTasks().map((t) => t.id);
  expect(ids).toHaveLength(20);
  expect(new Set(ids).size).toBe(20);
});

test('a status write that did not take (409, then 404 while the resource exists) is retried until the resource shows the end', async () => {
  await operator('only').start();
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'hold', { arguments: ['sleep'] }) });
  const running = await waitForDriver(cluster, 'hold', 'running', (d) => d.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
  const taskId = running.status.currentAttempt.taskId as string;
  // The writes that record the task's end fail: first a conflict, then a 404. Nothing else
  // (no spec change) would write the status again.
  cluster.kube.server.faults.failNext({ resource: 'sparkdrivers', subresource: 'status', verb: 'patch', code: 409, reason: 'Conflict' });
  cluster.kube.server.faults.failNext({ resource: 'sparkdrivers', subresource: 'status', verb: 'patch', code: 404, reason: 'NotFound' });
  const pid = cluster.mesos.tasks().find((t) => t.taskId === taskId)?.pid;
  expect(pid).toBeDefined();
  process.kill(pid!, 'SIGKILL');
  await waitFor(() => cluster.kube.server.requests().filter((r) => r.subresource === 'status' && r.code >= 400).length >= 1, 'the first failed write');
  // Retries wait on the operator's clock.
  for (let i = 0; i < 200 && (await getDriver(cluster, 'hold'))?.status?.phase !== 'Finished'; i += 1) {
    clock.advance(5_000);
    await new Promise((r) => setTimeout(r, 20));
  }
  const finished = await getDriver(cluster, 'hold');
  expect(finished?.status).toMatchObject({ phase: 'Finished', outcome: 'Failed' });
  expect(finished?.status?.currentAttempt).toMatchObject({ taskId, mesos: { state: 'TASK_FAILED' } });
  expect(cluster.kube.server.requests().filter((r) => r.subresource === 'status' && r.code >= 400)).toHaveLength(2);
});

test('killing a queued driver sticks: the status never goes back to Queued', async () => {
  await operator('only').start();
  // Larger than any agent: it waits in the queue.
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'big', { sparkProperties: { 'spark.driver.memory': '900g' } }) });
  await waitForDriver(cluster, 'big', 'queued', (d) => d.status?.phase === 'Queued');
  await cluster.kube.kubectl(['patch', 'sparkdriver', 'big', '--type=merge', '-p', '{"spec":{"kill":true}}']);
  await waitForDriver(cluster, 'big', 'killed', (d) => d.status?.outcome === 'Killed');
  // Every change so far handled, then more reconciles of it (a label change each): none may
  // bring the old status back.
  const only = operators[0]!;
  const settled = async (what: string) => {
    await waitFor(async () => {
      const resourceVersion = (await getDriver(cluster, 'big'))?.metadata.resourceVersion;
      return only.informer.get('default/big')?.metadata?.resourceVersion === resourceVersion && only.isQuiet;
    }, what);
    await only.schedulerLoop!.idle();
  };
  for (let i = 0; i < 3; i += 1) {
    await settled(`the operator settled before label ${i}`);
    expect((await getDriver(cluster, 'big'))?.status).toMatchObject({ phase: 'Finished', outcome: 'Killed' });
    await cluster.kube.kubectl(['label', '--overwrite', 'sparkdriver', 'big', `touch=${i}`]);
  }
  await settled('the operator settled after the last label');
  expect((await getDriver(cluster, 'big'))?.status).toMatchObject({ phase: 'Finished', outcome: 'Killed' });
});

test('with a coalescing delay, a driver launched at once and finished moments later costs two status writes and one Event', async () => {
  const only = operator('only', { statusCoalesceMs: 1000 });
  await only.start();
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'quick') });
  // Admitted (its Queued status waits), launched (the intent is written at once), finished (an
  // end is written at once too: its update is acknowledged only once it is recorded).
  const finished = await waitForDriver(cluster, 'quick', 'finished', (d) => d.status?.phase === 'Finished');
  expect(finished.status.outcome).toBe('Succeeded');
  await only.schedulerLoop!.idle();
  const statusWrites = cluster.kube.server.requests().filter((r) => r.name === 'quick' && r.subresource === 'status' && r.verb === 'patch');
  expect(statusWrites).toHaveLength(2);
  // The Launched Event was held and gives way to Succeeded, itself held for the delay.
  expect(cluster.kube.server.requests().some((r) => r.resource === 'events' && r.verb === 'create')).toBe(false);
  clock.advance(1000);
  await waitFor(() => cluster.kube.server.requests().some((r) => r.resource === 'events' && r.verb === 'create'), 'the Event');
  const events = await cluster.client.list<Json>({ group: '', version: 'v1', plural: 'events' }, { namespace: 'default' });
  expect(events.items.filter((e) => e.involvedObject.name === 'quick').map((e) => e.reason)).toEqual(['Succeeded']);
});
