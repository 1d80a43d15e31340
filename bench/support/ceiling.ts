// The API emulator's raw write ceiling: how many SparkDriver writes per second a fresh emulator
// in this process answers, with one watch open (as a controller keeps), when nothing but this
// client writes. Creates use the benchmark's manifests; status patches are a running driver's
// status as the operator writes it, as a merge patch on /status, each on an existing object.
import { startKubeApiServer } from '../../src/devcluster/kube/server.ts';
import type { DriverStatus } from '../../src/scheduler/driver.ts';
import { toResourceStatus } from '../../src/sparkdriver/driver-status.ts';
import { readCrd } from './cluster.ts';
import { driverManifest, KubeLoad } from './kube-load.ts';
import { drainWatch } from './watch-drain.ts';

export interface WriteCeiling {
  createsPerSecond: number;
  statusPatchesPerSecond: number;
  /** CPU time of this process (emulator and client) per write: steadier than rates on a shared machine. */
  createCpuMicros: number;
  statusPatchCpuMicros: number;
  /** Everything written, per second of writing. */
  writesPerSecond: number;
}

/**
 * The status the operator writes for a driver whose task runs, built by the operator's own
 * `toResourceStatus`: a hand-written stand-in had 2 conditions where the operator writes 6, and
 * no attempt history or scheduler record, and the emulator's schema checks cost by the field.
 */
export function launchedStatus(name: string, nowMs: number): string {
  const agentId = 'bench-agent-S0';
  const running = { taskId: name, state: 'running', source: 'SOURCE_EXECUTOR', agentId, timestamp: nowMs / 1000 } as const;
  const driver: DriverStatus = {
    phase: 'launched', attempts: 1, retries: 0, killRequested: false,
    attempt: { taskId: name, agentId, launchedAtMs: nowMs, lastStatus: running, runningSinceMs: nowMs },
  };
  const status = toResourceStatus(undefined, driver, { nowMs, generation: 1, submissionId: name, queue: 'default', frameworkId: 'bench-framework-0000' });
  return JSON.stringify({ status });
}

export async function measureWriteCeiling(count: number, concurrency = 16): Promise<WriteCeiling> {
  const kube = await startKubeApiServer({ crds: [await readCrd()] });
  const watch = await drainWatch(kube.url);
  const load = new KubeLoad(kube.url, concurrency);
  try {
    const names = Array.from({ length: count }, (_, i) => `ceiling-${String(i).padStart(6, '0')}`);
    const bodies = names.map((name) => driverManifest(name, { cores: 1, memoryMb: 1024 }));
    const createStart = performance.now();
    const createCpu = process.cpuUsage();
    const created = await load.burst(names.map((name, i) => () => load.create(name, bodies[i] as string)), concurrency);
    const createMs = performance.now() - createStart;
    const createCpuMicros = cpuMicros(process.cpuUsage(createCpu)) / count;
    const statuses = names.map((name) => launchedStatus(name, Date.now()));
    const patchStart = performance.now();
    const patchCpu = process.cpuUsage();
    const patched = await load.burst(names.map((name, i) => () => load.patchStatus(name, statuses[i] as string)), concurrency);
    const patchMs = performance.now() - patchStart;
    const statusPatchCpuMicros = cpuMicros(process.cpuUsage(patchCpu)) / count;
    const failures = created.filter((c) => c.status !== 201).length + patched.filter((code) => code !== 200).length;
    if (failures > 0) throw new Error(`${failures} of the ceiling's writes failed`);
    return {
      createsPerSecond: (count * 1000) / createMs,
      statusPatchesPerSecond: (count * 1000) / patchMs,
      createCpuMicros, statusPatchCpuMicros,
      writesPerSecond: (2 * count * 1000) / (createMs + patchMs),
    };
  } finally {
    watch.close();
    await load.close();
    await kube.close();
  }
}

/**
 * The ceiling once this process's code is warm: rounds of `count` writes until one is no more than
 * 10 % faster than the round before (at most `maxRounds`). The emulator's code takes about ten
 * thousand writes to reach its speed (the rate rose 2,400 → 4,100 → 4,600 → 6,200 → 6,100/s over
 * its first rounds in one process), and a ceiling measured before that flatters what it is set against.
 */
export async function measureWarmWriteCeiling(count: number, maxRounds = 8): Promise<{ ceiling: WriteCeiling; rounds: number }> {
  let ceiling = await measureWriteCeiling(count);
  for (let rounds = 2; rounds <= maxRounds; rounds += 1) {
    const next = await measureWriteCeiling(count);
    const settled = next.writesPerSecond <= 1.1 * ceiling.writesPerSecond;
    ceiling = next;
    if (settled) return { ceiling, rounds };
  }
  return { ceiling, rounds: maxRounds };
}

const cpuMicros = (usage: NodeJS.CpuUsage): number => usage.user + usage.system;
