// Sustained launches: a burst of N creates sent as fast as 16 connections allow, every driver
// fitting the offers; the rate is launches over the time from the first create to the last
// launch (and over the middle 80 % of launches), beside the API emulator's raw write ceiling
// measured in this run on a fresh emulator in this process, once before the bursts and once
// after (the host's speed drifts; the burst is set against their mean); and the CPU both
// processes spent meanwhile, by kind of thread (on a shared machine, what bounds the rate).
// Both sides are measured warm: the ceiling once its rate settles over rounds of writes, the
// burst after a smaller warm-up burst (reported on its own line, as the cold figure), whose
// drivers stay running.
import { measureWarmWriteCeiling, measureWriteCeiling, type WriteCeiling } from '../support/ceiling.ts';
import { agents, type BenchCluster } from '../support/cluster.ts';
import { driverManifest, type KubeLoad } from '../support/kube-load.ts';
import { describeGc, operatorGc, sleep, until, untilPhase } from '../support/observe.ts';
import type { OperatorProcess } from '../support/operator.ts';
import type { Report } from '../support/report.ts';
import { createBurst, withSystem } from '../support/system.ts';
import { CORES, cpuByKind, describeCpu, threadCpu } from '../support/thread-cpu.ts';

/** Room for N one-core drivers at once: the tasks stay up. */
const agentsFor = (drivers: number) => agents(Math.max(1, Math.ceil(drivers / 60)), 'cpus:64;mem:1048576;disk:1048576');

const totalWrites = (writes: ReadonlyMap<string, number>): number => [...writes.values()].reduce((a, b) => a + b, 0);

interface Burst {
  rate: number;
  middleRate: number;
  createdS: number;
  seconds: number;
  writesPerSecond: number;
  benchCpu: [string, number][];
  operatorCpu: [string, number][];
  wallSeconds: number;
  operatorGc: string;
  /** The longest time without a launch after the first, and when it began (s from the first create). */
  longestPause: { seconds: number; atS: number };
}

function longestPause(times: readonly number[], start: number): { seconds: number; atS: number } {
  let pause = { seconds: 0, atS: 0 };
  for (let i = 1; i < times.length; i++) {
    const seconds = (times[i]! - times[i - 1]!) / 1000;
    if (seconds > pause.seconds) pause = { seconds, atS: (times[i - 1]! - start) / 1000 };
  }
  return pause;
}

async function burst(cluster: BenchCluster, load: KubeLoad, operator: OperatorProcess, prefix: string, count: number): Promise<Burst> {
  const bodies = Array.from({ length: count }, (_, i) => {
    const name = `${prefix}-${String(i).padStart(6, '0')}`;
    return { name, body: driverManifest(name, { cores: 1, memoryMb: 1024 }) };
  });
  const writesBefore = totalWrites(cluster.writes);
  const [benchBefore, operatorBefore, gcBefore] = await Promise.all([threadCpu(process.pid), threadCpu(operator.pid), operatorGc(operator)]);
  const start = performance.now();
  await createBurst(load, bodies);
  const createdS = (performance.now() - start) / 1000;
  const times = await until(() => {
    const launched = bodies.flatMap(({ name }) => cluster.launchedAt.get(name) ?? []);
    return Promise.resolve(launched.length === count ? launched.sort((a, b) => a - b) : undefined);
  }, `${count} launches`, 15 * 60_000);
  const last = times.at(-1) ?? start;
  const seconds = (last - start) / 1000;
  const p10 = times[Math.floor(count * 0.1)] ?? start;
  const p90 = times[Math.floor(count * 0.9)] ?? last;
  const writesPerSecond = (totalWrites(cluster.writes) - writesBefore) / seconds;
  const [benchAfter, operatorAfter, gcAfter] = await Promise.all([threadCpu(process.pid), threadCpu(operator.pid), operatorGc(operator)]);
  return {
    rate: count / seconds, middleRate: (0.8 * count) / ((p90 - p10) / 1000), createdS, seconds, writesPerSecond,
    benchCpu: cpuByKind(benchBefore, benchAfter), operatorCpu: cpuByKind(operatorBefore, operatorAfter),
    wallSeconds: (performance.now() - start) / 1000, operatorGc: describeGc(gcBefore, gcAfter), longestPause: longestPause(times, start),
  };
}

/**
 * Until no write came for longer than the operator holds a status change (5 × its 1 s coalescing
 * delay, for a running task's state): the warm-up's statuses and Events are all written before the burst.
 */
async function untilQuiet(cluster: BenchCluster, quietMs = 7000): Promise<void> {
  let before = -1;
  for (let now = totalWrites(cluster.writes); now !== before; now = totalWrites(cluster.writes)) {
    before = now;
    await sleep(quietMs);
  }
}

function reportBurst(report: Report, key: string, count: number, b: Burst, ceiling: WriteCeiling): number {
  const shareOfCeiling = 100 * b.writesPerSecond / ceiling.writesPerSecond;
  report.add({
    key: `${key} ${count}`, value: b.rate, unit: 'drivers/s',
    detail: `(${(100 * b.rate / ceiling.createsPerSecond).toFixed(1)} % of the create ceiling; middle 80 %: ${b.middleRate.toFixed(0)}/s; ` +
      `creates answered in ${b.createdS.toFixed(1)} s; last launch at ${b.seconds.toFixed(1)} s; ` +
      `longest pause between launches ${b.longestPause.seconds.toFixed(1)} s, from ${b.longestPause.atS.toFixed(1)} s; ` +
      `${(b.writesPerSecond / b.rate).toFixed(1)} writes per driver, ${shareOfCeiling.toFixed(0)} % of the mixed write ceiling)`,
  });
  return shareOfCeiling;
}

/** The two ceilings' mean: the host's speed drifts over a run, and the burst falls between them. */
function bracket(before: WriteCeiling, after: WriteCeiling): WriteCeiling {
  const mean = (a: number, b: number): number => (a + b) / 2;
  return {
    createsPerSecond: mean(before.createsPerSecond, after.createsPerSecond),
    statusPatchesPerSecond: mean(before.statusPatchesPerSecond, after.statusPatchesPerSecond),
    createCpuMicros: mean(before.createCpuMicros, after.createCpuMicros),
    statusPatchCpuMicros: mean(before.statusPatchCpuMicros, after.statusPatchCpuMicros),
    writesPerSecond: mean(before.writesPerSecond, after.writesPerSecond),
  };
}

export async function runLaunches(report: Report, count: number, warmUp: number, ceilingWrites = 3000): Promise<void> {
  const { ceiling: before, rounds } = await measureWarmWriteCeiling(ceilingWrites);
  const measured = await withSystem({ agents: agentsFor(count + warmUp) }, async ({ cluster, load, operator }) => {
    const cold = await burst(cluster, load, operator, 'warm-up', warmUp);
    await untilPhase(operator, 'Launched', warmUp, 5 * 60_000);
    await untilQuiet(cluster);
    return { cold, warm: await burst(cluster, load, operator, 'burst', count) };
  });
  const after = await measureWriteCeiling(ceilingWrites);
  const ceiling = bracket(before, after);
  const detail = (micros: number, rateBefore: number, rateAfter: number, warmUpRounds?: number): string =>
    `(${micros.toFixed(0)} µs CPU each, server and client; ${rateBefore.toFixed(0)}/s before the bursts` +
    `${warmUpRounds === undefined ? '' : ` (round ${warmUpRounds} of ${ceilingWrites}, once the rate settled)`}, ${rateAfter.toFixed(0)}/s after)`;
  report.add({
    key: 'api.ceiling creates', value: ceiling.createsPerSecond, unit: 'writes/s', digits: 0,
    detail: detail(ceiling.createCpuMicros, before.createsPerSecond, after.createsPerSecond, rounds),
  });
  report.add({
    key: 'api.ceiling status patches', value: ceiling.statusPatchesPerSecond, unit: 'writes/s', digits: 0,
    detail: detail(ceiling.statusPatchCpuMicros, before.statusPatchesPerSecond, after.statusPatchesPerSecond),
  });
  const { cold, warm } = measured;
  reportBurst(report, 'launches.cold burst', warmUp, cold, ceiling);
  const share = reportBurst(report, 'launches.burst', count, warm, ceiling);
  report.add({
    key: 'launches.api writes during burst', value: warm.writesPerSecond, unit: 'writes/s', digits: 0,
    detail: `(${(warm.writesPerSecond / warm.rate).toFixed(1)} per launched driver, create included; ` +
      `${share.toFixed(0)} % of the mixed write ceiling ${ceiling.writesPerSecond.toFixed(0)}/s)`,
  });
  // Its own line, so that repeated runs print its median: the issue's figure (≥ 70 %).
  report.add({ key: 'launches.share of the write ceiling', value: share, unit: '%', digits: 0 });
  const cpuSeconds = [...warm.benchCpu, ...warm.operatorCpu].reduce((sum, [, ms]) => sum + ms, 0) / 1000;
  report.add({
    key: 'launches.cpu during burst', value: cpuSeconds, unit: 'cpu-s',
    detail: `(${(100 * cpuSeconds / (warm.wallSeconds * CORES)).toFixed(0)} % of ${CORES} cores over ${warm.wallSeconds.toFixed(1)} s; ` +
      `emulators and load: ${describeCpu(warm.benchCpu)}; operator: ${describeCpu(warm.operatorCpu)}; its collections: ${warm.operatorGc})`,
  });
}
