// A cluster for the ScheduledSparkDriver controller tests: the Kubernetes API emulator on a
// FakeClock with both CRDs applied by the real kubectl, a SparkDriver informer, and controller
// replicas (ScheduledDrivers) that a test starts, makes lead, and stops. The dispatcher itself is
// not running: a test moves runs through their phases by writing their status, as it would.
import path from 'node:path';
import { Informer } from '../../src/kube/informer.ts';
import { createKubeClient } from '../../src/kube/kube-client.ts';
import type { KubeClient } from '../../src/kube/kube-client.ts';
import { CRD_FILE } from '../../src/sparkdriver/crd.ts';
import { SPARK_DRIVER } from '../../src/sparkdriver/sparkdriver.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { SCHEDULED_CRD_FILE } from '../../src/scheduled/crd.ts';
import { NEXT_TIME_DELTA_MS } from '../../src/scheduled/plan.ts';
import { SCHEDULED_SPARK_DRIVER } from '../../src/scheduled/scheduled-spark-driver.ts';
import { ScheduledDrivers } from '../../src/scheduled/scheduled-drivers.ts';
import type { ScheduledObserver } from '../../src/scheduled/controller.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { startEmulator } from '../devcluster/kube/support.ts';
import type { Emulator, Json } from '../devcluster/kube/support.ts';
import { waitFor } from '../support/wait.ts';

export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;

export interface Replica {
  scheduled: ScheduledDrivers;
  drivers: Informer;
  stop(): Promise<void>;
}

export interface ScheduledCluster {
  emu: Emulator;
  clock: FakeClock;
  client: KubeClient;
  /** A controller replica (its own informers), started; `lead()` it to reconcile. */
  replica(options?: { client?: KubeClient; observer?: ScheduledObserver }): Promise<Replica>;
  close(): Promise<void>;
}

export async function startScheduledCluster(): Promise<ScheduledCluster> {
  const clock = new FakeClock(T0);
  const emu = await startEmulator({ clock });
  for (const file of [CRD_FILE, SCHEDULED_CRD_FILE]) {
    const applied = await emu.kubectl(['apply', '-f', path.resolve(file)]);
    if (applied.code !== 0) throw new Error(`kubectl apply -f ${file}: ${applied.stderr}`);
  }
  // Requests time out on the real clock: a jump of fake time must not abort the watches.
  const client = createKubeClient({ kubeConfig: emu.kc });
  const replicas: Replica[] = [];
  return {
    emu, clock, client,
    async replica(options = {}) {
      const kube = options.client ?? client;
      const drivers = new Informer({ client: kube, resource: SPARK_DRIVER, clock, random: () => 0.5 });
      const scheduled = new ScheduledDrivers({
        kube, drivers, identity: `replica-${replicas.length}`, clock, random: () => 0.5, log: silentLogger,
        ...(options.observer !== undefined && { observer: options.observer }),
      });
      scheduled.start();
      drivers.start();
      await Promise.all([drivers.whenSynced(), scheduled.informer.whenSynced()]);
      const replica = {
        scheduled, drivers,
        async stop() {
          await scheduled.stop();
          drivers.stop();
        },
      };
      replicas.push(replica);
      return replica;
    },
    async close() {
      for (const r of replicas) await r.stop();
      await emu.close();
    },
  };
}

/** A ScheduledSparkDriver manifest (JSON, for kubectl apply). */
export function scheduledManifest(name: string, spec: Json = {}): string {
  return JSON.stringify({
    apiVersion: 'sparkmesos.io/v1alpha1', kind: 'ScheduledSparkDriver', metadata: { name, namespace: 'default' },
    spec: { schedule: '*/5 * * * *', template: { appResource: 'file:///opt/app.jar', mainClass: 'org.example.Main' }, ...spec },
  });
}

export async function apply(c: ScheduledCluster, manifest: string): Promise<void> {
  const applied = await c.emu.kubectl(['apply', '-f', '-'], { stdin: manifest });
  if (applied.code !== 0) throw new Error(`kubectl apply: ${applied.stderr}`);
}

/** The runs (SparkDrivers) in the default namespace, by name. */
export async function runs(c: ScheduledCluster): Promise<Json[]> {
  const list = await c.client.list<Json>(SPARK_DRIVER, { namespace: 'default' });
  return list.items.sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
}

export async function schedule(c: ScheduledCluster, name: string): Promise<Json> {
  return c.client.get<Json>({ ...SCHEDULED_SPARK_DRIVER, namespace: 'default', name });
}

/** Moves fake time to `atMs` (and the controller's requeue delta past it), then waits (real time, bounded) until `probe` holds. */
export async function at<T>(c: ScheduledCluster, atMs: number, probe: () => Promise<T | undefined | false>, what: string): Promise<T> {
  const target = atMs + NEXT_TIME_DELTA_MS;
  if (target > c.clock.now()) c.clock.advance(target - c.clock.now());
  return waitFor(probe, what);
}

/** Writes a run's status as the dispatcher would. */
export async function setRunStatus(c: ScheduledCluster, name: string, status: Json): Promise<void> {
  await c.client.patchStatus({ ...SPARK_DRIVER, namespace: 'default', name }, { status });
}

export const finished = (outcome: string, finishMs: number): Json =>
  ({ phase: 'Finished', outcome, finishTime: new Date(finishMs).toISOString().replace('.000Z', 'Z') });

export const runNameAt = (scheduledMs: number, owner = 'etl'): string => `${owner}-${scheduledMs / MINUTE}`;
