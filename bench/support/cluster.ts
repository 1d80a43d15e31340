// The benchmark's cluster, in this process: the Kubernetes API emulator with the generated
// CRDs (crds/, not the operator's sources, which move), as an install has them, counting every write it
// answers, and the Mesos master emulator whose agents run simulated tasks, timing each launch.
// The agents' sandboxes are kept in memory (/dev/shm) where there is one: the agents stand for
// other machines, and on this machine's disk (ext4 that has seen millions of directories come
// and go) each sandbox's mkdir spent about a millisecond of kernel time looking for a free
// inode, a core's worth in a launch burst, taken from the operator being measured.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startKubeApiServer, type EmulatedKubeApiServer } from '../../src/devcluster/kube/server.ts';
import { startMesosMaster, type AgentOptions, type EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { simulatedTasks } from '../../src/devcluster/mesos/simulated-task.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** A tmpfs on Debian and most containers. */
const IN_MEMORY = '/dev/shm';
const CRD_FILES = ['sparkmesos.io_sparkdrivers.yaml', 'sparkmesos.io_scheduledsparkdrivers.yaml'].map((f) => path.join(ROOT, 'crds', f));

export interface ClusterOptions {
  agents: AgentOptions[];
  /** How long each task runs before it succeeds; absent: until killed. */
  taskRunMs?: number;
}

export interface BenchCluster {
  kube: EmulatedKubeApiServer;
  mesos: EmulatedMesosMaster;
  kubeconfigPath: string;
  /** performance.now() of each task's launch on an agent, by task ID. */
  launchedAt: Map<string, number>;
  /** Writes answered with 2xx, by `verb resource[/subresource]` (e.g. `patch sparkdrivers/status`). */
  writes: Map<string, number>;
  /** Writes answered with anything else (conflicts, rejections). */
  failedWrites: Map<string, number>;
  close(): Promise<void>;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** The generated SparkDriver CRD, as `kubectl apply` would send it. */
export async function readCrd(): Promise<Record<string, unknown>> {
  return parse(await readFile(CRD_FILES[0]!, 'utf8')) as Record<string, unknown>;
}

/** Every CRD the chart installs. */
async function readCrds(): Promise<Record<string, unknown>[]> {
  return Promise.all(CRD_FILES.map(async (f) => parse(await readFile(f, 'utf8')) as Record<string, unknown>));
}

export async function startBenchCluster(options: ClusterOptions): Promise<BenchCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'smd-bench-'));
  const sandboxes = await mkdtemp(path.join(existsSync(IN_MEMORY) ? IN_MEMORY : tmpdir(), 'smd-bench-mesos-'));
  const kube = await startKubeApiServer({ crds: await readCrds() });
  const kubeconfigPath = await kube.writeKubeconfig(path.join(dir, 'kubeconfig'));
  const writes = new Map<string, number>();
  const failedWrites = new Map<string, number>();
  const stopCounting = kube.onRequest((r) => {
    if (!WRITE_VERBS.has(r.verb)) return;
    const key = `${r.verb} ${r.resource}${r.subresource === '' ? '' : `/${r.subresource}`}`;
    const counts = r.code >= 200 && r.code < 300 ? writes : failedWrites;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const launchedAt = new Map<string, number>();
  const mesos = await startMesosMaster({
    agents: options.agents, workDir: sandboxes,
    launchTask: simulatedTasks({
      ...(options.taskRunMs !== undefined && { runMs: options.taskRunMs }),
      onLaunch: (taskId) => launchedAt.set(taskId, performance.now()),
    }),
  });
  return {
    kube, mesos, kubeconfigPath, launchedAt, writes, failedWrites,
    async close() {
      stopCounting();
      await mesos.close();
      await kube.close();
      await Promise.all([dir, sandboxes].map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** `count` agents of the same size, e.g. `cpus:64;mem:262144`. */
export function agents(count: number, resources: string): AgentOptions[] {
  return Array.from({ length: count }, () => ({ resources }));
}
