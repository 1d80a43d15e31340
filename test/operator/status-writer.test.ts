// The status writer against the Kubernetes API emulator, its time on a FakeClock: a status
// change waiting for the coalescing delay is written even when the scheduler forgets the driver
// meanwhile (a finished driver trimmed past spark.mesos.retainedDrivers), and what it remembers
// of its writes goes once the cache has caught up.
import { startKubeApiServer, type EmulatedKubeApiServer } from '../../src/devcluster/kube/server.ts';
import { EventRecorder } from '../../src/kube/event-recorder.ts';
import { Informer } from '../../src/kube/informer.ts';
import { createKubeClient, type KubeClient, type KubeObject } from '../../src/kube/kube-client.ts';
import { StatusWriter } from '../../src/operator/status-writer.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import type { DriverStatus } from '../../src/scheduler/index.ts';
import { sparkDriverCrd } from '../../src/sparkdriver/crd.ts';
import { SPARK_DRIVER } from '../../src/sparkdriver/sparkdriver.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { waitFor } from '../support/wait.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

let server: EmulatedKubeApiServer;
let dir: string;
let kube: KubeClient;
let informer: Informer;
let clock: FakeClock;
/** The API server's: latency injected on it lasts until the test moves it. */
let serverClock: FakeClock;

beforeEach(async () => {
  serverClock = new FakeClock(Date.UTC(2026, 0, 1));
  server = await startKubeApiServer({ crds: [sparkDriverCrd()], clock: serverClock });
  dir = await mkdtemp(path.join(tmpdir(), 'status-writer-'));
  kube = createKubeClient({ kubeConfig: { from: 'file', path: await server.writeKubeconfig(path.join(dir, 'kubeconfig')) } });
  clock = new FakeClock(Date.UTC(2026, 0, 1));
  informer = new Informer({ client: kube, resource: SPARK_DRIVER, clock });
  informer.start();
  await informer.whenSynced();
});

afterEach(async () => {
  serverClock.advance(3_600_000);
  informer.stop();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function writer(coalesceMs: number, deferredConcurrency?: number): StatusWriter {
  const events = new EventRecorder({ client: kube, component: 'test', clock });
  return new StatusWriter({
    kube, informer, events, clock, random: () => 0.5, log: silentLogger, frameworkId: () => 'fw-1', coalesceMs,
    ...(deferredConcurrency !== undefined && { deferredConcurrency }),
  });
}

async function driver(name: string): Promise<KubeObject> {
  const created = await kube.create(SPARK_DRIVER, 'default', {
    apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver', metadata: { name, namespace: 'default' },
    spec: { appResource: 'http://repo/app.jar', mainClass: 'Main' },
  });
  await waitFor(() => informer.get(`default/${name}`), `${name} in the cache`);
  return created;
}

const queued: DriverStatus = { phase: 'queued', attempts: 0, retries: 0 };
const finished: DriverStatus = {
  phase: 'finished', attempts: 1, retries: 0, outcome: 'killed', reason: 'KillRequested', message: 'killed while queued', finishedAtMs: Date.UTC(2026, 0, 1),
};

const launched: DriverStatus = {
  phase: 'launched', attempts: 1, retries: 0, killRequested: false, attempt: { taskId: 'launching', agentId: 'agent-1', launchedAtMs: Date.UTC(2026, 0, 1) },
};

function write(object: KubeObject, status: DriverStatus, intent = false) {
  const { name = '', namespace = '', uid = '' } = object.metadata ?? {};
  return { submissionId: name, resource: { namespace, name, uid }, queue: 'default', status, intent };
}

const phaseOf = (name: string): unknown => (informer.get(`default/${name}`) as { status?: { phase?: string } } | undefined)?.status?.phase;

test('a coalesced write still happens when the scheduler forgets the driver before it is due', async () => {
  const statuses = writer(1000);
  const object = await driver('trimmed');
  await statuses.persist([write(object, queued)]);
  const recorded = statuses.pending('trimmed');
  expect(recorded).toBeDefined();
  // Forgotten by the scheduler while its status waits.
  statuses.forget('trimmed');
  clock.advance(1000);
  await recorded;
  await waitFor(() => phaseOf('trimmed') === 'Queued', 'the Queued status in the cache');
  expect(statuses.pending('trimmed')).toBeUndefined();
});

test('an end is written at once, whatever the coalescing delay', async () => {
  const statuses = writer(1000);
  const object = await driver('ended');
  await statuses.persist([write(object, finished)]);
  expect(statuses.pending('ended')).toBeUndefined();
  await waitFor(() => phaseOf('ended') === 'Finished', 'the Finished status in the cache');
});

test('a driver whose writes are settled is not kept, forgotten or not', async () => {
  const statuses = writer(0);
  const object = await driver('settled');
  await statuses.persist([write(object, queued)]);
  expect(statuses.pending('settled')).toBeUndefined();
  expect(statuses.stats().drivers).toBe(0);
  statuses.forget('settled');
  expect(statuses.stats().drivers).toBe(0);
  await waitFor(() => phaseOf('settled') === 'Queued', 'the Queued status in the cache');
});

test('what was written is not remembered once the cache has it', async () => {
  const statuses = writer(0);
  const objects = await Promise.all(['r1', 'r2', 'r3'].map((name) => driver(name)));
  await statuses.persist(objects.map((object) => write(object, queued)));
  await waitFor(() => objects.every((o) => phaseOf(o.metadata?.name ?? '') === 'Queued'), 'the statuses in the cache');
  expect(statuses.stats()).toEqual({ drivers: 0, remembered: 0 });
});

test('deferred writes take turns; a launch intent does not wait behind them', async () => {
  const statuses = writer(1000, 1);
  const [slow, other, launching] = await Promise.all(['slow', 'other', 'launching'].map((name) => driver(name)));
  server.faults.setLatency(60_000, { verb: 'patch', name: 'slow' });
  await statuses.persist([write(slow!, queued), write(other!, queued)]);
  clock.advance(1000);
  // 'slow' holds the one place for deferred writes (its answer is held back); 'other' waits.
  expect(await statuses.persist([write(launching!, launched, true)])).toEqual(new Set());
  await waitFor(() => phaseOf('launching') === 'Launched', 'the intent in the cache');
  expect(phaseOf('other')).toBeUndefined();
  serverClock.advance(60_000);
  await waitFor(() => phaseOf('slow') === 'Queued' && phaseOf('other') === 'Queued', 'the deferred writes, in turn');
});
