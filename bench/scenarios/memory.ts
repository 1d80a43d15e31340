// The operator's resident memory with many drivers tracked: N queued (offers arrive, none fits),
// N finished (each ran once and is kept for its TTL), N running (tasks that stay up). Each is
// read once the operator counts every driver in that phase and its RSS has stopped moving; with
// BENCH_HEAP_SNAPSHOTS=<dir> a heap snapshot is taken at that moment too.
import { agents } from '../support/cluster.ts';
import { driverManifest, type DriverShape } from '../support/kube-load.ts';
import { operatorGauges, settledMemory, untilPhase } from '../support/observe.ts';
import { takeHeapSnapshot } from '../support/heap-snapshot.ts';
import { topMessages } from '../support/operator.ts';
import { MiB, type Report } from '../support/report.ts';
import { createBurst, withSystem, type System, type SystemOptions } from '../support/system.ts';

const SHAPE: DriverShape = { cores: 1, memoryMb: 1024, ttlSeconds: 86_400 };
/** Enough for every driver of a benchmark to run at once: 100 × 64 cpus. */
const ROOMY = agents(100, 'cpus:64;mem:1048576;disk:1048576');

export interface MemoryCase {
  name: 'queued' | 'finished' | 'running';
  phase: 'Queued' | 'Finished' | 'Launched';
  system: SystemOptions;
}

export const MEMORY_CASES: readonly MemoryCase[] = [
  // Offers keep coming from an agent too small for any driver.
  { name: 'queued', phase: 'Queued', system: { agents: agents(1, 'cpus:0.5;mem:256;disk:1024') } },
  { name: 'finished', phase: 'Finished', system: { agents: ROOMY, taskRunMs: 1000 } },
  { name: 'running', phase: 'Launched', system: { agents: ROOMY } },
];

export async function runMemoryCase(report: Report, memoryCase: MemoryCase, count: number, heapSnapshotDir: string | undefined): Promise<void> {
  const nodeArgs = heapSnapshotDir === undefined ? [] : ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${heapSnapshotDir}`];
  await withSystem({ ...memoryCase.system, nodeArgs }, async (system: System) => {
    const idle = await settledMemory(system.operator);
    report.add({ key: `rss.idle (${memoryCase.name} run)`, value: idle.rss / MiB, unit: 'MiB' });
    if (heapSnapshotDir !== undefined) report.note(`heap snapshot idle: ${await takeHeapSnapshot(system.operator, heapSnapshotDir)}`);
    const bodies = Array.from({ length: count }, (_, i) => {
      const name = `${memoryCase.name}-${String(i).padStart(6, '0')}`;
      return { name, body: driverManifest(name, SHAPE) };
    });
    const started = performance.now();
    await createBurst(system.load, bodies);
    // Generous: the slowest case today takes a few minutes at 10k.
    await untilPhase(system.operator, memoryCase.phase, count, 20 * 60_000);
    const reachedS = (performance.now() - started) / 1000;
    const memory = await settledMemory(system.operator);
    const gauges = await operatorGauges(system.operator);
    const mib = (bytes: number | undefined): string => (bytes === undefined ? '?' : (bytes / MiB).toFixed(0));
    const heap = `, V8 heap ${mib(gauges.heapUsedBytes)} used of ${mib(gauges.heapTotalBytes)}, external ${mib(gauges.externalBytes)} MiB`;
    report.add({
      key: `rss.${memoryCase.name} ${count}`, value: memory.rss / MiB, unit: 'MiB',
      detail: `(peak ${mib(memory.peak)} MiB${heap}; ${((memory.rss - idle.rss) / count / 1024).toFixed(1)} KiB/driver over idle; all ${memoryCase.phase} after ${reachedS.toFixed(0)} s)`,
    });
    const warnings = system.operator.warnings();
    if (warnings.length > 0) report.note(`${memoryCase.name}: the operator logged ${warnings.length} warnings or errors: ${topMessages(warnings)}`);
    if (heapSnapshotDir !== undefined) report.note(`heap snapshot ${memoryCase.name}: ${await takeHeapSnapshot(system.operator, heapSnapshotDir)}`);
  });
}
