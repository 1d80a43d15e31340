// Sustained launches: a burst of N creates sent as fast as 16 connections allow, every driver
// fitting the offers; the rate is launches over the time from the first create to the last
// launch (and over the middle 80 % of launches), beside the API emulator's raw write ceiling
// measured in this run, just before, on a fresh emulator in this process; and the CPU both
// processes spent meanwhile, by kind of thread (on a shared machine, what bounds the rate).
import { measureWriteCeiling } from '../support/ceiling.ts';
import { agents } from '../support/cluster.ts';
import { driverManifest } from '../support/kube-load.ts';
import { until } from '../support/observe.ts';
import type { Report } from '../support/report.ts';
import { createBurst, withSystem } from '../support/system.ts';
import { CORES, cpuByKind, describeCpu, threadCpu } from '../support/thread-cpu.ts';

/** Room for N one-core drivers at once: the tasks stay up. */
const agentsFor = (drivers: number) => agents(Math.max(1, Math.ceil(drivers / 60)), 'cpus:64;mem:1048576;disk:1048576');

const totalWrites = (writes: ReadonlyMap<string, number>): number => [...writes.values()].reduce((a, b) => a + b, 0);

export async function runLaunches(report: Report, count: number, ceilingWrites = 3000): Promise<void> {
  await measureWriteCeiling(Math.ceil(ceilingWrites / 3)); // warm-up: the first writes of a process run cold
  const ceiling = await measureWriteCeiling(ceilingWrites);
  const cpu = (micros: number): string => `(${micros.toFixed(0)} µs CPU each, server and client)`;
  report.add({ key: 'api.ceiling creates', value: ceiling.createsPerSecond, unit: 'writes/s', digits: 0, detail: cpu(ceiling.createCpuMicros) });
  report.add({ key: 'api.ceiling status patches', value: ceiling.statusPatchesPerSecond, unit: 'writes/s', digits: 0, detail: cpu(ceiling.statusPatchCpuMicros) });
  await withSystem({ agents: agentsFor(count) }, async ({ cluster, load, operator }) => {
    const bodies = Array.from({ length: count }, (_, i) => {
      const name = `burst-${String(i).padStart(6, '0')}`;
      return { name, body: driverManifest(name, { cores: 1, memoryMb: 1024 }) };
    });
    const writesBefore = totalWrites(cluster.writes);
    const [benchBefore, operatorBefore] = await Promise.all([threadCpu(process.pid), threadCpu(operator.pid)]);
    const start = performance.now();
    await createBurst(load, bodies);
    const createdS = (performance.now() - start) / 1000;
    const times = await until(() => {
      const launched = bodies.flatMap(({ name }) => cluster.launchedAt.get(name) ?? []);
      return Promise.resolve(launched.length === count ? launched.sort((a, b) => a - b) : undefined);
    }, `${count} launches`, 15 * 60_000);
    const last = times.at(-1) ?? start;
    const seconds = (last - start) / 1000;
    const rate = count / seconds;
    const p10 = times[Math.floor(count * 0.1)] ?? start;
    const p90 = times[Math.floor(count * 0.9)] ?? last;
    const middleRate = (0.8 * count) / ((p90 - p10) / 1000);
    const writesPerSecond = (totalWrites(cluster.writes) - writesBefore) / seconds;
    const shareOfCeiling = 100 * writesPerSecond / ceiling.writesPerSecond;
    const [benchAfter, operatorAfter] = await Promise.all([threadCpu(process.pid), threadCpu(operator.pid)]);
    const benchCpu = cpuByKind(benchBefore, benchAfter);
    const operatorCpu = cpuByKind(operatorBefore, operatorAfter);
    const cpuSeconds = [...benchCpu, ...operatorCpu].reduce((sum, [, ms]) => sum + ms, 0) / 1000;
    const wallSeconds = (performance.now() - start) / 1000;
    report.add({
      key: `launches.burst ${count}`, value: rate, unit: 'drivers/s',
      detail: `(${(100 * rate / ceiling.createsPerSecond).toFixed(1)} % of the create ceiling; middle 80 %: ${middleRate.toFixed(0)}/s; ` +
        `creates answered in ${createdS.toFixed(1)} s; last launch at ${seconds.toFixed(1)} s)`,
    });
    report.add({
      key: 'launches.api writes during burst', value: writesPerSecond, unit: 'writes/s', digits: 0,
      detail: `(${(writesPerSecond / rate).toFixed(1)} per launched driver, create included; ` +
        `${shareOfCeiling.toFixed(0)} % of the mixed write ceiling ${ceiling.writesPerSecond.toFixed(0)}/s)`,
    });
    // Its own line, so that repeated runs print its median: the figure (≥ 70 %).
    report.add({ key: 'launches.share of the write ceiling', value: shareOfCeiling, unit: '%', digits: 0 });
    report.add({
      key: 'launches.cpu during burst', value: cpuSeconds, unit: 'cpu-s',
      detail: `(${(100 * cpuSeconds / (wallSeconds * CORES)).toFixed(0)} % of ${CORES} cores over ${wallSeconds.toFixed(1)} s; ` +
        `emulators and load: ${describeCpu(benchCpu)}; operator: ${describeCpu(operatorCpu)})`,
    });
  });
}
