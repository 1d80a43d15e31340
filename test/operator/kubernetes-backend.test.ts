// The kubernetes backend end to end, in process: SparkDrivers applied with the real kubectl run
// as pods on the emulated kubelet (the stub spark-submit as a real process) through the same
// lifecycle as on Mesos: queued, launched, retried, killed, adopted after a failover, expired
// after their TTL; their logs read with the real `kubectl logs`; and every way a pod can end
// badly (OOM kill, eviction, deleted under the operator, refused by the API server).
import { DriverLogs, findAttempt } from '../../src/logs/driver-logs.ts';
import { createMetrics } from '../../src/metrics/index.ts';
import { SandboxFiles } from '../../src/mesos/sandbox-files.ts';
import type { Operator, OperatorOptions } from '../../src/operator/operator.ts';
import { PodLogs } from '../../src/pods/pod-logs.ts';
import { parseSparkDriver } from '../../src/sparkdriver/sparkdriver.ts';
import type { Clock } from '../../src/runtime/clock.ts';
import { parseDispatcherConfig } from '../../src/scheduler/index.ts';
import type { Json } from '../devcluster/kube/support.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { waitFor } from '../support/wait.ts';
import { driverManifest, getDriver, inProcessOperator, SPARK_IMAGE, startCluster, waitForDriver } from './harness.ts';
import type { Cluster } from './harness.ts';

let cluster: Cluster;
const operators: Operator[] = [];

/** An operator with the kubernetes backend; a FakeClock drives its backoffs where a test waits for one. */
function podOperator(identity: string, clock?: Clock, extra: Partial<OperatorOptions> = {}): Operator {
  const parsed = parseDispatcherConfig({
    'spark.master': `mesos://${new URL(cluster.mesos.url).host}`, 'spark.home': cluster.sparkHome,
    'spark.mesos.dispatcher.kubernetes.enabled': 'true',
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const operator = inProcessOperator(cluster, identity, { dispatcher: parsed.config, pods: { forceDeleteAfterGraceMs: 0 }, ...(clock !== undefined && { clock }), ...extra });
  operators.push(operator);
  return operator;
}

/** A SparkDriver on `backend` whose stub spark-submit gets `args`. */
function manifest(name: string, backend: 'mesos' | 'kubernetes', spec: Json = {}): string {
  const { sparkProperties, ...rest } = spec;
  return driverManifest(cluster, name, { backend, sparkProperties: { 'spark.kubernetes.container.image': SPARK_IMAGE, ...sparkProperties }, ...rest });
}

async function apply(text: string): Promise<void> {
  const applied = await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: text });
  if (applied.code !== 0) throw new Error(applied.stderr);
}

const pod = (name: string): Promise<Json | undefined> =>
  cluster.client.get<Json>({ group: '', version: 'v1', plural: 'pods', namespace: 'default', name }).catch(() => undefined);
const finished = (name: string): Promise<Json> => waitForDriver(cluster, name, 'Finished', (d) => d.status?.phase === 'Finished');
const running = (name: string): Promise<Json> =>
  waitForDriver(cluster, name, 'running', (d) => d.status?.phase === 'Launched' && d.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');

beforeEach(async () => {
  cluster = await startCluster();
});

afterEach(async () => {
  for (const operator of operators.splice(0)) await operator.stop();
  await cluster.close();
});

test('the same SparkDriver, with only its backend changed, runs to Succeeded on Mesos and as a pod; kubectl logs reads the pod', async () => {
  const metrics = createMetrics({ processMetrics: false });
  await podOperator('a', undefined, { metrics }).start();
  await apply(manifest('on-mesos', 'mesos', { arguments: ['100'] }));
  await apply(manifest('on-pods', 'kubernetes', { arguments: ['100'] }));
  const waiting = cluster.kube.spawnKubectl(['wait', '--for=condition=Succeeded', 'sparkdriver/on-pods', '--timeout=30s']);
  const [mesos, pods] = await Promise.all([finished('on-mesos'), finished('on-pods')]);
  expect(mesos.status).toMatchObject({ outcome: 'Succeeded' });
  expect(mesos.status.backend).toBeUndefined();
  expect(pods.status).toMatchObject({
    outcome: 'Succeeded', backend: 'kubernetes',
    currentAttempt: { taskId: pods.status.submissionId, agentId: 'on-pods-driver', mesos: { state: 'TASK_FINISHED' } },
  });
  expect((await waiting.done).code).toBe(0);
  const driverPod = await pod('on-pods-driver');
  expect(driverPod?.metadata).toMatchObject({
    labels: { 'spark-role': 'driver', 'spark-app-selector': expect.stringMatching(/^spark-[0-9a-f]{32}$/) },
    ownerReferences: [{ kind: 'SparkDriver', name: 'on-pods', uid: pods.metadata.uid, controller: true }],
  });
  expect(driverPod?.spec.containers[0]).toMatchObject({ image: SPARK_IMAGE, resources: { requests: { cpu: '1', memory: '320Mi' }, limits: { memory: '320Mi' } } });
  const logs = await cluster.kube.kubectl(['logs', 'on-pods-driver']);
  expect(logs.stdout).toMatch(/^spark-submit --name on-pods --master k8s:\/\/https:\/\/kubernetes\.default\.svc --deploy-mode client .*--class org\.example\.Main /);
  expect(logs.stdout).toContain('--conf spark.kubernetes.driver.pod.name=on-pods-driver --conf spark.kubernetes.namespace=default');
  expect(logs.stdout).toMatch(/ file:\/\/\S+\/app\.jar 100\n$/);

  // The dispatcher's log pages and `kubectl sparkdriver logs` read the same log, with the agent's offsets.
  const driverLogs = new DriverLogs(new SandboxFiles({ masters: () => [] }), new PodLogs(cluster.client));
  const parsed = parseSparkDriver(pods);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const attempt = findAttempt(parsed.resource);
  if ('problem' in attempt) throw new Error(attempt.problem);
  expect(attempt).toMatchObject({ number: 1, finished: true, pod: { namespace: 'default', name: 'on-pods-driver' } });
  const size = Buffer.byteLength(logs.stdout);
  expect(await driverLogs.read(attempt, 'stdout', -1)).toMatchObject({ ok: true, offset: size, data: '' });
  expect(await driverLogs.read(attempt, 'stdout', 0, 12)).toMatchObject({ ok: true, offset: 0, data: 'spark-submit' });
  expect(await driverLogs.read(attempt, 'stderr', 0)).toMatchObject({ ok: false, status: 404, message: expect.stringContaining('stdout and stderr together') });

  // The metrics count both drivers alike.
  const text = await metrics.registry.metrics();
  expect(text).toContain('sparkdispatcher_launches_total{attempt="first"} 2');
  expect(text).toMatch(/sparkdispatcher_finished_total\{outcome="succeeded",mesos_state="TASK_FINISHED"\} 2/);
});

test('supervised: a failed pod is replaced after the backoff until retryPolicy says stop', async () => {
  const clock = new FakeClock(Date.now());
  await podOperator('a', clock).start();
  await apply(manifest('flaky', 'kubernetes', { arguments: ['fail'], supervise: true, retryPolicy: { maxRetries: 1 } }));
  const retrying = await waitForDriver(cluster, 'flaky', 'Retrying', (d) => d.status?.phase === 'Retrying');
  expect(retrying.status).toMatchObject({ retries: 1, currentAttempt: { agentId: 'flaky-driver', mesos: { state: 'TASK_FAILED' } } });
  expect(await pod('flaky-driver-retry-1')).toBeUndefined();
  clock.advance(1000);
  const done = await finished('flaky');
  expect(done.status).toMatchObject({ outcome: 'Failed', retries: 1, currentAttempt: { agentId: 'flaky-driver-retry-1' } });
  expect(done.status.message).toMatch(/ended with pod phase Failed: container spark-kubernetes-driver terminated with Error \(exit code 1\); not relaunched: 1 retries allowed/);
  expect((await pod('flaky-driver'))?.status.phase).toBe('Failed');
  expect((await pod('flaky-driver-retry-1'))?.status.phase).toBe('Failed');
});

test('a kill deletes the pod; the driver finishes Killed', async () => {
  await podOperator('a').start();
  await apply(manifest('long', 'kubernetes', { arguments: ['sleep'] }));
  expect((await running('long')).status.message).toMatch(/^Running as task driver-\S+ in pod long-driver$/);
  await cluster.kube.kubectl(['patch', 'sparkdriver', 'long', '--type=merge', '-p', '{"spec":{"kill":true}}']);
  const done = await finished('long');
  expect(done.status).toMatchObject({ outcome: 'Killed' });
  await waitFor(async () => (await pod('long-driver')) === undefined, 'the pod to be deleted');
});

test('a failover adopts the running pod instead of starting another; the new leader then kills it', async () => {
  const first = podOperator('a');
  await first.start();
  await apply(manifest('survivor', 'kubernetes', { arguments: ['sleep'] }));
  const launched = await running('survivor');
  const podUid = (await pod('survivor-driver'))?.metadata.uid as string;
  await first.stop();
  const second = podOperator('b');
  await second.start();
  await waitFor(() => second.schedulerLoop?.state.kubernetesSynced === true, 'the pods to be listed');
  await second.schedulerLoop?.idle();
  expect(second.schedulerLoop?.view(launched.status.submissionId as string)?.status).toMatchObject({ phase: 'launched', attempts: 1 });
  expect((await pod('survivor-driver'))?.metadata.uid).toBe(podUid);
  await cluster.kube.kubectl(['patch', 'sparkdriver', 'survivor', '--type=merge', '-p', '{"spec":{"kill":true}}']);
  expect((await finished('survivor')).status).toMatchObject({ outcome: 'Killed', retries: 0 });
});

test('a crash between the launch intent and the pod: the next leader creates that same pod, once', async () => {
  // The first leader records the launch, then dies before it creates the pod.
  const crashed = podOperator('a', undefined, {
    atCrashPoint: (point) => {
      if (point === 'after-intent') throw new Error('crashed after the intent');
    },
  });
  await crashed.start();
  await apply(manifest('interrupted', 'kubernetes'));
  const intent = await waitForDriver(cluster, 'interrupted', 'the launch recorded', (d) => d.status?.phase === 'Launched');
  expect(intent.status.currentAttempt).toMatchObject({ agentId: 'interrupted-driver' });
  await crashed.stop();
  expect(await pod('interrupted-driver')).toBeUndefined();
  await podOperator('b').start();
  const done = await finished('interrupted');
  expect(done.status).toMatchObject({ outcome: 'Succeeded', retries: 0, currentAttempt: { taskId: intent.status.currentAttempt.taskId, agentId: 'interrupted-driver' } });
  expect(cluster.kube.server.requests().filter((r) => r.verb === 'create' && r.resource === 'pods').map((r) => r.code)).toEqual([201]);
});

test('ttlSecondsAfterFinished deletes the SparkDriver, and its pod goes with it', async () => {
  await podOperator('a').start();
  await apply(manifest('brief', 'kubernetes', { ttlSecondsAfterFinished: 0 }));
  await waitFor(async () => (await getDriver(cluster, 'brief')) === undefined, 'the SparkDriver to expire', 20_000);
  await waitFor(async () => (await pod('brief-driver')) === undefined, 'the pod to be collected');
});

test('an OOM-killed driver fails with the reason; an evicted one is lost and, supervised, relaunched', async () => {
  const clock = new FakeClock(Date.now());
  await podOperator('a', clock).start();
  await apply(manifest('hungry', 'kubernetes', { arguments: ['oom'] }));
  await apply(manifest('evicted', 'kubernetes', { arguments: ['sleep'], supervise: true }));
  const oom = await finished('hungry');
  expect(oom.status).toMatchObject({ outcome: 'Failed', message: expect.stringContaining('terminated with OOMKilled (exit code 137)') });
  await running('evicted');
  expect(cluster.kube.server.kubelet?.evict('default', 'evicted-driver')).toBe(true);
  await waitForDriver(cluster, 'evicted', 'Retrying', (d) => d.status?.phase === 'Retrying');
  clock.advance(1000);
  const relaunched = await waitForDriver(cluster, 'evicted', 'relaunched', (d) => d.status?.currentAttempt?.agentId === 'evicted-driver-retry-1');
  expect(relaunched.status.attempts[0]).toMatchObject({ agentId: 'evicted-driver', mesos: { state: 'TASK_LOST', message: expect.stringContaining('evicted: The node was low on resource: memory.') } });
});

test('a pod deleted under the operator loses its driver; a pod the API server refuses ends its driver in error', async () => {
  await podOperator('a').start();
  await apply(manifest('orphaned', 'kubernetes', { arguments: ['sleep'] }));
  await running('orphaned');
  await cluster.kube.kubectl(['delete', 'pod', 'orphaned-driver', '--grace-period=0', '--force']);
  expect((await finished('orphaned')).status).toMatchObject({ outcome: 'Lost', message: expect.stringContaining('pod orphaned-driver was deleted before it ended') });

  cluster.kube.server.faults.failNext({ verb: 'create', resource: 'pods', code: 403, message: 'pods "refused-driver" is forbidden: exceeded quota' });
  await apply(manifest('refused', 'kubernetes'));
  expect((await finished('refused')).status).toMatchObject({
    outcome: 'Error', message: expect.stringContaining('the API server refused pod refused-driver: pods "refused-driver" is forbidden: exceeded quota'),
  });
});
