// The pod backend against the Kubernetes API emulator and its kubelet, with the failure paths:
// exactly once (a create that finds its own pod adopts it; one that finds another's name it
// gives back to the core), create refused or unanswered, a launch withheld, a pod deleted under
// it, a reconcile of a pod that is gone, and a kill that outlasts the pod's grace period. The
// backend runs on a fake clock; the emulator on another, so a pod can outlive its grace period.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKubeClient, type KubeClient } from '../../src/kube/kube-client.ts';
import { PodBackend } from '../../src/pods/pod-backend.ts';
import { podOf, PODS } from '../../src/pods/translation.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { planDriverTask, plannedTask, type PlannedTask, type TaskUpdate } from '../../src/scheduler/index.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { makeConfig, makeSpec } from '../scheduler/fixtures.ts';
import { startEmulator, type Emulator, type Json } from '../devcluster/kube/support.ts';
import { EventLog, waitFor } from '../support/wait.ts';

const STUB = `#!/bin/sh
echo "spark-submit $*"
case "$*" in
  *stubborn*) trap 'echo ignoring TERM' TERM; echo trapping; while :; do sleep 0.05; done ;;
  *sleep*) exec sleep 60 ;;
esac
`;
const IMAGE = 'apache/spark:3.5.1';
/** The pods' owner: the emulator's garbage collector removes a pod whose owner does not exist. */
let resource: { namespace: string; name: string; uid: string };

let image: string;
let kube: Emulator;
let client: KubeClient;
let clock: FakeClock;
let updates: EventLog<TaskUpdate>;
let backend: PodBackend;

beforeEach(async () => {
  image = await mkdtemp(path.join(tmpdir(), 'pod-backend-'));
  await mkdir(path.join(image, 'bin'));
  await writeFile(path.join(image, 'bin', 'spark-submit'), STUB);
  await chmod(path.join(image, 'bin', 'spark-submit'), 0o755);
  kube = await startEmulator({ clock: new FakeClock(Date.now()), kubelet: { workDir: path.join(image, 'pods'), images: { [IMAGE]: { root: image, env: { SPARK_HOME: image } } } } });
  client = createKubeClient({ kubeConfig: { from: 'file', path: kube.kubeconfigPath } });
  const owner = await client.create<Json>({ group: '', version: 'v1', plural: 'configmaps' }, 'default', { metadata: { name: 'pi' } });
  resource = { namespace: 'default', name: 'pi', uid: owner.metadata.uid as string };
  clock = new FakeClock(Date.now());
  updates = new EventLog<TaskUpdate>();
  backend = new PodBackend({ kube: client, onUpdate: updates.push, forceDeleteAfterGraceMs: 1000, clock, random: () => 0.5, log: silentLogger });
  expect(await backend.start()).toBe(true);
});

afterEach(async () => {
  backend.stop();
  await kube.close();
  await rm(image, { recursive: true, force: true });
});

/** Attempt `index` of the SparkDriver `pi`, its stub given `args`. */
function task(index: number, args: string[] = []): PlannedTask {
  const config = makeConfig({ 'spark.mesos.dispatcher.kubernetes.enabled': 'true' });
  const spec = makeSpec('driver-1', { backend: 'kubernetes', resource, appArgs: args, props: { 'spark.kubernetes.container.image': IMAGE } });
  const plan = planDriverTask(spec, config);
  if (!plan.ok) throw new Error(plan.problems.join('; '));
  const taskId = index === 0 ? 'driver-1' : `driver-1-retry-${index}`;
  const podName = index === 0 ? 'pi-driver' : `pi-driver-retry-${index}`;
  const planned = plannedTask(config, { agentId: podName, frameworkId: '' }, { taskId, resources: [], spec, prepared: plan.plan });
  if (!planned.ok) throw new Error(planned.problems.join('; '));
  return planned.task;
}

const news = (taskId: string, state: string) => (u: TaskUpdate): boolean => u.status.taskId === taskId && u.status.state === state;
const pod = (name: string): Promise<Json | undefined> => client.get<Json>({ ...PODS, namespace: 'default', name }).catch(() => undefined);

test('a created pod\'s news reaches the core in its words, from starting to finished', async () => {
  await backend.create(task(0), resource);
  await updates.take(news('driver-1', 'finished'), 'the pod to finish');
  expect(updates.all.map((u) => u.status.state)).toEqual(expect.arrayContaining(['running', 'finished']));
  expect(updates.all.every((u) => u.backend === 'kubernetes' && u.status.agentId === 'pi-driver')).toBe(true);
});

test('a create that finds the attempt\'s own pod adopts it: no second pod, its news at once', async () => {
  const created = await client.create(PODS, 'default', podOf(task(0, ['sleep']), resource));
  await backend.create(task(0, ['sleep']), resource);
  await updates.take((u) => u.status.taskId === 'driver-1', 'the adopted pod\'s news');
  expect((await pod('pi-driver'))?.metadata.uid).toBe(created.metadata?.uid);
  expect(kube.server.requests().filter((r) => r.verb === 'create' && r.resource === 'pods').map((r) => r.code)).toEqual([201, 409]);
});

test('a create that finds another\'s pod under the name gives the launch back: never reached a node', async () => {
  await client.create(PODS, 'default', { ...podOf(task(0), resource), metadata: { name: 'pi-driver', namespace: 'default' } });
  await backend.create(task(0), resource);
  const back = await updates.take(news('driver-1', 'dropped'), 'the launch given back');
  expect(back).toMatchObject({ neverReachedAnAgent: true, status: { message: 'pod pi-driver was not created: the name is taken by another pod (task none of this dispatcher\'s)' } });
});

test('a create the API server refuses for good ends the attempt in error; one it cannot answer is tried again', async () => {
  kube.server.faults.failNext({ verb: 'create', resource: 'pods', code: 422, message: 'Pod "pi-driver" is invalid' });
  await backend.create(task(0), resource);
  expect(await updates.take(news('driver-1', 'error'), 'the refusal')).toMatchObject({ status: { message: 'the API server refused pod pi-driver: Pod "pi-driver" is invalid' } });

  kube.server.faults.failNext({ verb: 'create', resource: 'pods', code: 503, times: 2 });
  await backend.create(task(1), resource);
  expect(await pod('pi-driver-retry-1')).toBeUndefined();
  await waitFor(() => { clock.advance(1000); return kube.server.faults.injected()['503'] === 2; }, 'the second try', 5000);
  await waitFor(async () => { clock.advance(1000); return (await pod('pi-driver-retry-1')) !== undefined; }, 'the third try to create it');

  kube.server.faults.failNext({ verb: 'create', resource: 'pods', code: 503, times: 5 });
  await backend.create(task(2), resource);
  const given = updates.take(news('driver-1-retry-2', 'dropped'), 'the launch given back after five tries');
  await waitFor(() => { clock.advance(15_000); return updates.all.some(news('driver-1-retry-2', 'dropped')); }, 'five tries');
  expect(await given).toMatchObject({ neverReachedAnAgent: true });
});

test('a withheld launch, a pod deleted under the backend, and a reconcile of a pod that is gone', async () => {
  backend.withheld('driver-1', 'pi-driver');
  expect(await updates.take(news('driver-1', 'dropped'), 'the withheld launch')).toMatchObject({ neverReachedAnAgent: true });

  await backend.create(task(1, ['sleep']), resource);
  await updates.take(news('driver-1-retry-1', 'running'), 'the pod to run');
  await kube.kubectl(['delete', 'pod', 'pi-driver-retry-1', '--grace-period=0', '--force']);
  expect(await updates.take(news('driver-1-retry-1', 'lost'), 'the deletion')).toMatchObject({ status: { message: 'pod pi-driver-retry-1 was deleted before it ended' } });

  await backend.reconcile([{ taskId: 'driver-1-retry-7', agentId: 'pi-driver-retry-7' }]);
  expect(await updates.take(news('driver-1-retry-7', 'lost'), 'the reconcile answer')).toMatchObject({ status: { agentId: 'pi-driver-retry-7' } });
});

test('a kill deletes the pod with its grace period, then forcibly once that is over', async () => {
  await backend.create(task(0, ['stubborn']), resource);
  await waitFor(async () => (await kube.kubectl(['logs', 'pi-driver'])).stdout.includes('trapping'), 'the stub to trap SIGTERM');
  await backend.kill('driver-1', 'pi-driver');
  await updates.take(news('driver-1', 'killing'), 'the pod terminating');
  await waitFor(async () => (await kube.kubectl(['logs', 'pi-driver'])).stdout.includes('ignoring TERM'), 'SIGTERM');
  // The emulator's clock stands still: its kubelet would wait forever. The backend's moves on.
  clock.advance(30_000 + 1000);
  await waitFor(async () => (await pod('pi-driver')) === undefined, 'the forced deletion');
  const deletes = kube.server.requests().filter((r) => r.verb === 'delete' && r.resource === 'pods');
  expect(deletes).toHaveLength(2);
});

test('a kill while the create is being tried again: the pod never comes', async () => {
  kube.server.faults.failNext({ verb: 'create', resource: 'pods', code: 503 });
  await backend.create(task(0, ['sleep']), resource);
  await backend.kill('driver-1', 'pi-driver');
  const given = updates.take(news('driver-1', 'dropped'), 'the launch given back');
  clock.advance(15_000);
  expect(await given).toMatchObject({ neverReachedAnAgent: true, status: { message: 'pod pi-driver was not created: killed before its pod could be created' } });
  expect(kube.server.requests().filter((r) => r.verb === 'create' && r.resource === 'pods').map((r) => r.code)).toEqual([503]);
  expect(await pod('pi-driver')).toBeUndefined();
});

test('the cache keeps what the backend reads of a pod, not its container spec', async () => {
  await backend.create(task(0, ['sleep']), resource);
  await updates.take(news('driver-1', 'running'), 'the pod to run');
  const cached = backend.informer.get('default/pi-driver') as Json;
  expect(cached.spec).toEqual({ nodeName: 'emulated-node', terminationGracePeriodSeconds: 30 });
  expect(cached.metadata.annotations).toEqual({ 'sparkmesos.io/task-id': 'driver-1' });
  expect(cached.status.phase).toBe('Running');
});
