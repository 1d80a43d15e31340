// A whole cluster for operator tests: the Kubernetes API emulator with the SparkDriver and
// ScheduledSparkDriver CRDs installed by the real kubectl and an emulated kubelet, the Mesos master
// emulator, and a Spark home whose stub `spark-submit` runs as a real process, on a Mesos agent or
// in a pod (the image SPARK_IMAGE is that Spark home). It fails when an argument says `fail`, runs
// for a minute when one says `sleep`, is OOM-killed when one says `oom`, and otherwise prints its
// command line and succeeds.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKubeClient } from '../../src/kube/kube-client.ts';
import type { KubeClient } from '../../src/kube/kube-client.ts';
import { CRD_FILE, sparkDriverCrd } from '../../src/sparkdriver/crd.ts';
import { SCHEDULED_CRD_FILE } from '../../src/scheduled/crd.ts';
import { startMesosMaster } from '../../src/devcluster/mesos/index.ts';
import type { EmulatedMesosMaster, MesosMasterOptions } from '../../src/devcluster/mesos/index.ts';
import { startEmulator } from '../devcluster/kube/support.ts';
import type { Emulator, Json } from '../devcluster/kube/support.ts';
import { waitFor } from '../support/wait.ts';
import { Operator } from '../../src/operator/operator.ts';
import type { OperatorOptions } from '../../src/operator/operator.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { parseDispatcherConfig } from '../../src/scheduler/index.ts';
import type { Clock, Random } from '../../src/runtime/clock.ts';

export interface Cluster {
  kube: Emulator;
  mesos: EmulatedMesosMaster;
  client: KubeClient;
  sparkHome: string;
  appJar: string;
  close(): Promise<void>;
}

/** The image whose pods run the stub spark-submit. */
export const SPARK_IMAGE = 'apache/spark:3.5.1';

const STUB = `#!/bin/sh
echo "spark-submit $*"
case "$*" in
  *fail*) echo "failing as asked" >&2; exit 1 ;;
  *sleep*) exec sleep 60 ;;
  *oom*) kill -9 $$ ;;
esac
exit 0
`;

export interface ClusterOptions {
  clock?: Clock;
  agents?: number;
  /** Randomness of both emulators (their injected faults above all). */
  random?: Random;
  mesos?: Pick<MesosMasterOptions, 'statusUpdateRetryMinMs' | 'statusUpdateRetryMaxMs' | 'allocationIntervalMs'>;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const shared = { ...(options.clock !== undefined && { clock: options.clock }), ...(options.random !== undefined && { random: options.random }) };
  const image = await mkdtemp(path.join(tmpdir(), 'spark-image-'));
  const sparkHome = path.join(image, 'spark');
  const kube = await startEmulator({
    ...shared, kubelet: { workDir: path.join(image, 'pods'), images: { [SPARK_IMAGE]: { root: sparkHome, env: { SPARK_HOME: sparkHome } } } },
  });
  const mesos = await startMesosMaster({ agents: options.agents ?? 2, ...shared, ...options.mesos });
  await mkdir(path.join(sparkHome, 'bin'), { recursive: true });
  await writeFile(path.join(sparkHome, 'bin', 'spark-submit'), STUB);
  await chmod(path.join(sparkHome, 'bin', 'spark-submit'), 0o755);
  const appJar = path.join(kube.dir, 'app.jar');
  await writeFile(appJar, 'not really a jar');
  for (const file of [CRD_FILE, SCHEDULED_CRD_FILE]) {
    const crd = await kube.kubectl(['apply', '-f', path.resolve(file)]);
    if (crd.code !== 0) throw new Error(`kubectl apply of ${file} failed: ${crd.stderr}`);
  }
  const client = createKubeClient({ kubeConfig: { from: 'file', path: kube.kubeconfigPath } });
  return {
    kube, mesos, client, sparkHome, appJar,
    async close() {
      await mesos.close();
      await kube.close();
      await rm(image, { recursive: true, force: true });
    },
  };
}

/** A SparkDriver manifest running the stub with `args`. */
export function driverManifest(cluster: Cluster, name: string, spec: Json = {}): string {
  const { sparkProperties, ...rest } = spec;
  return JSON.stringify({
    apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver', metadata: { name, namespace: 'default' },
    spec: {
      appResource: `file://${cluster.appJar}`, mainClass: 'org.example.Main',
      sparkProperties: { 'spark.app.name': name, 'spark.driver.memory': '256m', 'spark.mesos.driver.memoryOverhead': '64', ...sparkProperties },
      ...rest,
    },
  });
}

/**
 * Creates a SparkDriver the way one created before an upgrade exists: under the CRD without the
 * submission rules of sparkProperties, which is then put back. The operator must still refuse it.
 */
export async function applyPredatingRules(cluster: Cluster, manifest: string, namespace = 'default'): Promise<void> {
  const crd: Json = sparkDriverCrd();
  const props = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.sparkProperties as Json;
  props['x-kubernetes-validations'] = (props['x-kubernetes-validations'] as Json[]).filter((r) => r.rule === 'self == oldSelf');
  const steps: [string[], string | undefined][] = [
    [['apply', '-f', '-'], JSON.stringify(crd)], [['apply', '-n', namespace, '-f', '-'], manifest], [['apply', '-f', path.resolve(CRD_FILE)], undefined],
  ];
  for (const [args, stdin] of steps) {
    const result = await cluster.kube.kubectl(args, stdin === undefined ? {} : { stdin });
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  }
}

/** The sandbox `stdout` of a task the master lists as completed. */
export async function completedTaskOutput(cluster: Cluster, taskId: string): Promise<{ state: string; stdout: string }> {
  const frameworks = cluster.mesos.state().frameworks as { completed_tasks: { id: string; state: string; sandbox_directory: string }[] }[];
  const task = frameworks.flatMap((f) => f.completed_tasks).find((t) => t.id === taskId);
  if (task === undefined) throw new Error(`task ${taskId} is not among the completed tasks`);
  return { state: task.state, stdout: await readFile(path.join(task.sandbox_directory, 'stdout'), 'utf8') };
}

export async function getDriver(cluster: Cluster, name: string): Promise<Json | undefined> {
  try {
    return await cluster.client.get<Json>({ group: 'sparkmesos.io', version: 'v1alpha1', plural: 'sparkdrivers', namespace: 'default', name });
  } catch {
    return undefined;
  }
}

/** Polls the resource until `match` holds for it. */
export async function waitForDriver(cluster: Cluster, name: string, what: string, match: (d: Json) => boolean, timeoutMs = 20_000): Promise<Json> {
  let last: Json | undefined;
  const poll = async (): Promise<Json | undefined> => {
    last = await getDriver(cluster, name);
    return last !== undefined && match(last) ? last : undefined;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await poll();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}: ${what}; last status ${JSON.stringify(last?.status)}`);
    await waitFor(() => true, 'a tick');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An operator in this process on `cluster`, with the system clock and a silent log. */
export function inProcessOperator(cluster: Cluster, identity: string, extra: Partial<OperatorOptions> = {}): Operator {
  const parsed = parseDispatcherConfig({ 'spark.master': `mesos://${new URL(cluster.mesos.url).host}`, 'spark.home': cluster.sparkHome });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return new Operator({
    kube: cluster.client, identity, dispatcher: parsed.config,
    mesos: { master: cluster.mesos.url, framework: { user: 'spark', name: identity, failoverTimeoutSeconds: 3600, checkpoint: true } },
    stateNamespace: 'default', stateConfigMapName: 'dispatcher-state', clock: systemClock, random: Math.random, log: silentLogger,
    ...extra,
  });
}
