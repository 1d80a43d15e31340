// The operator end to end, in process: the real kubectl applies SparkDrivers to the Kubernetes
// API emulator, the operator launches them on the Mesos emulator, whose agent runs the stub
// spark-submit as a real process, and the status comes back to the resource.
import { Operator } from '../../src/operator/operator.ts';
import { FINALIZER } from '../../src/operator/driver-controller.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { parseDispatcherConfig } from '../../src/scheduler/index.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { waitFor } from '../support/wait.ts';
import { applyPredatingRules, completedTaskOutput, driverManifest, getDriver, startCluster, waitForDriver } from './harness.ts';
import type { Cluster } from './harness.ts';
import type { Json } from '../devcluster/kube/support.ts';

let cluster: Cluster;
let operator: Operator;
let clock: FakeClock;

const condition = (d: Json, type: string): Json | undefined => (d.status?.conditions as Json[] | undefined)?.find((c) => c.type === type);

function newOperator(): Operator {
  const parsed = parseDispatcherConfig({
    'spark.master': `mesos://${new URL(cluster.mesos.url).host}`, 'spark.home': cluster.sparkHome,
    'spark.mesos.dispatcher.queue.urgent': '10',
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return new Operator({
    kube: cluster.client, identity: 'test-operator', dispatcher: parsed.config,
    mesos: { master: cluster.mesos.url, framework: { user: 'spark', name: 'spark-mesos-dispatcher-test', failoverTimeoutSeconds: 3600, checkpoint: true } },
    stateNamespace: 'default', stateConfigMapName: 'dispatcher-state', clock, random: () => 0.5, log: silentLogger,
  });
}

beforeEach(async () => {
  cluster = await startCluster();
  clock = new FakeClock(Date.now());
  operator = newOperator();
  await operator.start();
});

afterEach(async () => {
  await operator.stop();
  await cluster.close();
});

test('kubectl apply: Queued → Launched → Finished/Succeeded, kubectl wait returns and kubectl get shows the columns', async () => {
  const applied = await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'pi', { arguments: ['100'] }) });
  expect(applied.stderr).toBe('');
  const waiting = cluster.kube.spawnKubectl(['wait', '--for=condition=Succeeded', 'sparkdriver/pi', '--timeout=30s']);
  const finished = await waitForDriver(cluster, 'pi', 'Finished and its finalizer gone',
    (d) => d.status?.phase === 'Finished' && !(d.metadata.finalizers ?? []).includes(FINALIZER));
  expect(finished.status).toMatchObject({ outcome: 'Succeeded', submissionId: expect.stringMatching(/^driver-\d{14}-[0-9a-f]{8}$/) });
  expect(finished.status.currentAttempt.mesos.state).toBe('TASK_FINISHED');
  expect(condition(finished, 'Succeeded')?.status).toBe('True');
  expect(condition(finished, 'Accepted')?.status).toBe('True');
  expect((await waiting.done).code).toBe(0);

  // One Kubernetes Event per transition, in order.
  const events = JSON.parse((await cluster.kube.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=pi', '-o', 'json'])).stdout) as Json;
  const reasons = (events.items as Json[]).sort((x, y) => String(x.firstTimestamp).localeCompare(String(y.firstTimestamp))).map((e) => e.reason as string);
  expect(reasons).toEqual(expect.arrayContaining(['Queued', 'Launched', 'Succeeded']));
  expect(reasons.indexOf('Queued')).toBeLessThan(reasons.indexOf('Succeeded'));

  const get = await cluster.kube.kubectl(['get', 'sparkdrivers']);
  const [header, row] = get.stdout.trim().split('\n');
  expect(header).toMatch(/^NAME\s+PHASE\s+OUTCOME\s+.*RETRIES.*AGE/);
  expect(row).toMatch(/^pi\s+Finished\s+Succeeded\s+/);
  // The driver really ran: the stub's output is in the task's sandbox.
  const task = await completedTaskOutput(cluster, finished.status.submissionId as string);
  expect(task.state).toBe('TASK_FINISHED');
  expect(task.stdout).toMatch(/^spark-submit --name pi --master mesos:\/\/127\.0\.0\.1:\d+ .*--class org\.example\.Main .*\.\/app\.jar 100\n$/);
});

test('a driver larger than every offer says so (Stalled, a Warning Event) and stays queued; killing it still works', async () => {
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'huge', { sparkProperties: { 'spark.driver.memory': '4000g' } }) });
  const stalled = await waitForDriver(cluster, 'huge', 'Stalled', (d) => condition(d, 'Stalled')?.status === 'True');
  expect(stalled.status.phase).toBe('Queued');
  expect(condition(stalled, 'Stalled')).toMatchObject({ reason: 'LargerThanAnyOffer', message: expect.stringMatching(/^Needs 1 CPU and 4000(\.\d)? GiB, more than any offer so far \(the most offered: /) });
  expect(condition(stalled, 'Reconciling')?.status).toBe('False');
  await waitFor(async () => {
    const events = JSON.parse((await cluster.kube.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=huge', '-o', 'json'])).stdout) as Json;
    return (events.items as Json[]).some((e) => e.reason === 'LargerThanAnyOffer' && e.type === 'Warning');
  }, 'the Warning Event');
  await cluster.kube.kubectl(['patch', 'sparkdriver', 'huge', '--type=merge', '-p', '{"spec":{"kill":true}}']);
  const killed = await waitForDriver(cluster, 'huge', 'Killed', (d) => d.status?.phase === 'Finished');
  expect(killed.status.outcome).toBe('Killed');
  expect(condition(killed, 'Stalled')?.status).toBe('False');
});

test('a queued driver killed while no leader ran ends Killed under the next leader', async () => {
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'parked', { sparkProperties: { 'spark.driver.memory': '4000g' } }) });
  await waitForDriver(cluster, 'parked', 'Queued', (d) => d.status?.phase === 'Queued');
  await operator.stop();
  await cluster.kube.kubectl(['patch', 'sparkdriver', 'parked', '--type=merge', '-p', '{"spec":{"kill":true}}']);
  operator = newOperator();
  await operator.start();
  const killed = await waitForDriver(cluster, 'parked', 'Killed', (d) => d.status?.phase === 'Finished');
  expect(killed.status).toMatchObject({ outcome: 'Killed', observedGeneration: 2 });
});

test('a master restart reaches the scheduler as Disconnected, then Subscribed, and drivers launch again', async () => {
  await waitFor(() => operator.mesosClient?.state === 'subscribed', 'the subscription');
  const loop = operator.schedulerLoop!;
  await cluster.mesos.restart();
  await waitFor(() => loop.state.disconnected, 'Disconnected to reach the scheduler');
  // The client resubscribes after its backoff, on the operator's clock.
  await waitFor(() => {
    clock.advance(1_000);
    return !loop.state.disconnected;
  }, 'Subscribed to reach the scheduler');
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'after-restart') });
  const done = await waitForDriver(cluster, 'after-restart', 'Finished', (d) => d.status?.phase === 'Finished');
  expect(done.status.outcome).toBe('Succeeded');
});

test('a supervised driver whose task fails is retried with the backoff and shows Retrying with the next retry time', async () => {
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'flaky', { arguments: ['fail'], supervise: true, retryPolicy: { maxRetries: 1 } }) });
  const retrying = await waitForDriver(cluster, 'flaky', 'Retrying', (d) => d.status?.phase === 'Retrying');
  expect(retrying.status.retries).toBe(1);
  // RFC 3339 in whole seconds: the first backoff is 1 s after the failure.
  const nextRetry = Date.parse(retrying.status.nextRetryTime as string);
  expect(nextRetry).toBeGreaterThan(clock.now() - 1000);
  expect(nextRetry).toBeLessThanOrEqual(clock.now() + 1000);
  expect(condition(retrying, 'Reconciling')?.status).toBe('True');
  // The wake-up is scheduled by the step that wrote Retrying; let it finish before time moves.
  await operator.schedulerLoop!.idle();
  clock.advance(1000);
  const done = await waitForDriver(cluster, 'flaky', 'Finished after the last retry', (d) => d.status?.phase === 'Finished');
  expect(done.status.outcome).toBe('Failed');
  expect(done.status.attempts.map((a: Json) => a.taskId)).toEqual([done.status.submissionId, `${done.status.submissionId}-retry-1`]);
  expect(condition(done, 'Stalled')?.status).toBe('True');
});

test('deleting a running driver kills its task; no finalizer holds the resource', async () => {
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'long', { arguments: ['sleep'] }) });
  const running = await waitForDriver(cluster, 'long', 'running', (d) => d.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
  expect(running.metadata.finalizers ?? []).not.toContain(FINALIZER);
  const taskId = running.status.currentAttempt.taskId as string;
  const deleted = await cluster.kube.kubectl(['delete', 'sparkdriver', 'long', '--timeout=30s']);
  expect(deleted.code).toBe(0);
  expect(await getDriver(cluster, 'long')).toBeUndefined();
  // A task that ended leaves the agent's list once acknowledged.
  await waitFor(() => (cluster.mesos.tasks().find((t) => t.taskId === taskId)?.state ?? 'TASK_KILLED') === 'TASK_KILLED', 'the task to be killed');
  await waitFor(() => cluster.mesos.tasks().every((t) => t.taskId !== taskId || t.pid === undefined), 'the task process to end');
});

test('a driver deleted while no leader ran: its task is found by the next leader\'s implicit reconciliation and killed', async () => {
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'orphan', { arguments: ['sleep'] }) });
  const running = await waitForDriver(cluster, 'orphan', 'running', (d) => d.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
  const taskId = running.status.currentAttempt.taskId as string;
  await operator.stop();
  await cluster.kube.kubectl(['delete', 'sparkdriver', 'orphan']);
  operator = newOperator();
  await operator.start();
  await waitFor(() => (cluster.mesos.tasks().find((t) => t.taskId === taskId)?.state ?? 'TASK_KILLED') === 'TASK_KILLED', 'the orphaned task to be killed');
});

test('the scheduler holds the cached spec, not a copy of it: after admission, status writes and a restart', async () => {
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'shared', { arguments: ['sleep'] }) });
  const running = await waitForDriver(cluster, 'shared', 'running', (d) => d.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
  const id = running.status.submissionId as string;
  const sharedWithCache = (): boolean => {
    const spec = operator.schedulerLoop?.view(id)?.spec;
    const cached = operator.informer.get('default/shared') as Json | undefined;
    return spec !== undefined && spec.appArgs === cached?.spec?.arguments && spec.sparkProperties === cached?.spec?.sparkProperties;
  };
  await waitFor(() => (operator.informer.get('default/shared') as Json | undefined)?.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING', 'the cache to have the running status');
  expect(sharedWithCache()).toBe(true);
  await operator.stop();
  operator = newOperator();
  await operator.start();
  await waitFor(() => operator.schedulerLoop?.view(id), 'the driver restored by the next leader');
  expect(sharedWithCache()).toBe(true);
});

test('a driver from before 0.2 keeps its finalizer until it is killed on deletion', async () => {
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'legacy', { arguments: ['sleep'] }) });
  await waitForDriver(cluster, 'legacy', 'running', (d) => d.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
  await cluster.kube.kubectl(['patch', 'sparkdriver', 'legacy', '--type=merge', '-p', JSON.stringify({ metadata: { finalizers: [FINALIZER] } })]);
  const deleted = await cluster.kube.kubectl(['delete', 'sparkdriver', 'legacy', '--timeout=30s']);
  expect(deleted.code).toBe(0);
  expect(await getDriver(cluster, 'legacy')).toBeUndefined();
  expect(cluster.mesos.tasks().filter((t) => t.state === 'TASK_RUNNING')).toEqual([]);
});

test('an unknown queue is Accepted=False with the reason, and other drivers keep scheduling', async () => {
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'lost-queue', { queue: 'nosuchqueue' }) });
  // From before the CRD refused it: the operator's own check refuses it.
  await applyPredatingRules(cluster, driverManifest(cluster, 'bad-constraint', { sparkProperties: { 'spark.mesos.driver.constraints': 'zone:a:b' } }));
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'fine', { queue: 'urgent' }) });
  const rejected = await waitForDriver(cluster, 'lost-queue', 'rejected', (d) => condition(d, 'Accepted')?.status === 'False');
  expect(condition(rejected, 'Accepted')).toMatchObject({ reason: 'UnknownQueue', message: expect.stringContaining('nosuchqueue') });
  const malformed = await waitForDriver(cluster, 'bad-constraint', 'not accepted', (d) => d.status?.phase === 'Finished');
  expect(condition(malformed, 'Accepted')?.status).toBe('False');
  expect(malformed.status.message).toContain('spark.mesos.driver.constraints');
  const fine = await waitForDriver(cluster, 'fine', 'succeeded', (d) => d.status?.outcome === 'Succeeded');
  expect(fine.status.queue).toBe('urgent');
});

test('a resource that breaks the schema is refused by the API server with a 422', async () => {
  const result = await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'broken', { supervise: 'sometimes' }) });
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(/Invalid value: "string": spec\.supervise in body must be of type boolean/);
});

test('a dropped watch and a forced 410 Gone lead to a relist, and no driver is missed', async () => {
  expect(cluster.kube.server.dropWatches({ abrupt: true, resource: 'sparkdrivers' })).toBeGreaterThan(0);
  // The reconnecting watch is told its resourceVersion is too old, so the informer must relist.
  cluster.kube.server.faults.expireNextWatch({ resource: 'sparkdrivers' });
  for (const name of ['during-1', 'during-2']) {
    expect((await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, name) })).code).toBe(0);
  }
  // Reconnect backoff runs on the operator's fake clock: move it until both drivers are done.
  const finished = async (name: string) => (await getDriver(cluster, name))?.status?.phase === 'Finished';
  for (let i = 0; i < 200 && !((await finished('during-1')) && (await finished('during-2'))); i += 1) {
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(await finished('during-1')).toBe(true);
  expect(await finished('during-2')).toBe(true);
  // One list at start, one more after the 410.
  const lists = cluster.kube.server.requests().filter((r) => r.resource === 'sparkdrivers' && r.verb === 'list');
  expect(lists.length).toBeGreaterThanOrEqual(2);
});

test('a finished driver is deleted ttlSecondsAfterFinished after it finished', async () => {
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'short-lived', { ttlSecondsAfterFinished: 30 }) });
  await waitForDriver(cluster, 'short-lived', 'Finished', (d) => d.status?.phase === 'Finished');
  clock.advance(29_000);
  await new Promise((r) => setTimeout(r, 100));
  expect(await getDriver(cluster, 'short-lived')).toBeDefined();
  clock.advance(1_000);
  await waitFor(async () => (await getDriver(cluster, 'short-lived')) === undefined, 'the TTL deletion');
});

test('an edit of a finished driver (a new TTL) is observed, so kstatus does not wait on it forever', async () => {
  await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'edited') });
  const finished = await waitForDriver(cluster, 'edited', 'Finished', (d) => d.status?.phase === 'Finished');
  expect(finished.status.observedGeneration).toBe(finished.metadata.generation);
  const patched = await cluster.kube.kubectl(['patch', 'sparkdriver', 'edited', '--type=merge', '-p', '{"spec":{"ttlSecondsAfterFinished":3600}}']);
  expect(patched.code).toBe(0);
  const observed = await waitForDriver(cluster, 'edited', 'the new generation observed', (d) => d.metadata.generation === 2 && d.status?.observedGeneration === 2);
  expect(observed.status.outcome).toBe('Succeeded');
  expect((observed.status.conditions as Json[]).every((c) => c.observedGeneration === 2)).toBe(true);
});
