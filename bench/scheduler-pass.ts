// Times one scheduling pass of the scheduler core: N queued drivers (mixed sizes, a fifth with
// constraints) against M offers (mixed sizes, two roles, agent attributes). Reports; never fails.
// Run: npx node bench/scheduler-pass.ts

import type { Offer } from '../src/mesos/types.ts';
import { createScheduler, parseDispatcherConfig, step, type DispatcherConfig, type DriverSpec } from '../src/scheduler/index.ts';

const GOALS_MS: Record<string, number> = { '10000x1000': 50, '100000x5000': 500 };
// The first passes run while V8 is still compiling the hot paths; a long-running operator
// does not. Report the cold first pass, then the median of the warm ones. Each trial gets a
// fresh scheduler, all built before any pass is timed.

// A small deterministic generator, so every run measures the same workload.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

const CONSTRAINTS = ['zone:us-east-1a', 'zone:us-east-1b,us-east-1c', 'rack:r1;gpus:1', 'os:ubuntu', 'ports:7500', 'zone:us-east-1a;os:'];

function driverSpecs(count: number, rand: () => number): DriverSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const props: Record<string, string> = {
      'spark.app.name': `job ${i}`,
      'spark.driver.cores': pick(rand, ['0.5', '1', '1', '2', '4']),
      'spark.driver.memory': pick(rand, ['512m', '1g', '2g', '4g', '8g']),
      'spark.executor.memory': '4g',
      'spark.cores.max': '16',
      'spark.mesos.executor.docker.image': 'registry/spark:3.5.1',
      'spark.eventLog.enabled': 'true',
    };
    if (i % 5 === 0) props['spark.mesos.driver.constraints'] = pick(rand, CONSTRAINTS);
    return {
      submissionId: `driver-20240101000000-${String(i).padStart(6, '0')}`,
      submittedAtMs: 1_700_000_000_000 + Math.floor(i / 3),
      appResource: 'https://repo/jobs/app.jar',
      mainClass: 'com.example.Main',
      appArgs: ['--date', '2024-01-01'],
      sparkProperties: props,
      environment: { SPARK_USER: 'etl' },
      supervise: i % 2 === 0,
      queue: pick(rand, ['default', 'default', 'urgent', 'batch']),
    };
  });
}

function offers(count: number, rand: () => number): Offer[] {
  return Array.from({ length: count }, (_, i) => {
    const cpus = pick(rand, [2, 4, 8, 16]);
    const mem = pick(rand, [4096, 8192, 16384, 32768, 65536]);
    const reserved = Math.floor(cpus / 4);
    return {
      id: { value: `offer-${i}` },
      framework_id: { value: 'fw-1' },
      agent_id: { value: `agent-${i}` },
      hostname: `host-${i}.example`,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: cpus - reserved }, role: '*' },
        { name: 'mem', type: 'SCALAR', scalar: { value: mem * 0.75 }, role: '*' },
        { name: 'cpus', type: 'SCALAR', scalar: { value: reserved }, role: 'spark', reservation: { principal: 'spark' } },
        { name: 'mem', type: 'SCALAR', scalar: { value: mem * 0.25 }, role: 'spark', reservation: { principal: 'spark' } },
        { name: 'disk', type: 'SCALAR', scalar: { value: 100_000 }, role: '*' },
      ],
      attributes: [
        { name: 'zone', type: 'TEXT', text: { value: pick(rand, ['us-east-1a', 'us-east-1b', 'us-east-1c']) } },
        { name: 'rack', type: 'TEXT', text: { value: pick(rand, ['r1', 'r2', 'r3']) } },
        { name: 'os', type: 'TEXT', text: { value: pick(rand, ['ubuntu', 'centos']) } },
        { name: 'gpus', type: 'SCALAR', scalar: { value: pick(rand, [0, 0, 1, 2]) } },
        { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 7000, end: 8000 }, { begin: 31000, end: 32000 }] } },
      ],
    };
  });
}

function configFor(): DispatcherConfig {
  const parsed = parseDispatcherConfig({
    'spark.master': 'zk://zk:2181/mesos', 'spark.mesos.dispatcher.queue.urgent': '10',
    'spark.mesos.dispatcher.queue.batch': '-1', 'spark.mesos.maxDrivers': '1000000',
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.config;
}

function run(driverCount: number, offerCount: number, warmups: number, trials: number): void {
  const config = configFor();
  const specs = driverSpecs(driverCount, lcg(7));
  const batch = offers(offerCount, lcg(11));
  const admitStart = performance.now();
  const states = Array.from({ length: warmups + trials }, () => {
    const state = createScheduler(config);
    step(state, { type: 'Subscribed', frameworkId: 'fw-1' }, 0);
    for (const spec of specs) step(state, { type: 'DriverSubmitted', spec }, 1);
    return state;
  });
  const admitUs = ((performance.now() - admitStart) / states.length / driverCount) * 1000;
  const passTimes: number[] = [];
  let coldMs = 0;
  let launched = 0;
  states.forEach((state, trial) => {
    const start = performance.now();
    const effects = step(state, { type: 'OffersReceived', offers: batch }, 2);
    const elapsed = performance.now() - start;
    if (trial === 0) coldMs = elapsed;
    if (trial >= warmups) passTimes.push(elapsed);
    launched = effects.reduce((n, e) => n + (e.type === 'LaunchTasks' ? e.tasks.length : 0), 0);
  });
  passTimes.sort((a, b) => a - b);
  const label = `${driverCount}x${offerCount}`;
  const median = passTimes[Math.floor(passTimes.length / 2)] ?? 0;
  console.log(`${label.padEnd(12)} pass: median ${median.toFixed(1)} ms, min ${(passTimes[0] ?? 0).toFixed(1)} ms, ` +
    `cold ${coldMs.toFixed(1)} ms (goal < ${GOALS_MS[label]} ms); launched ${launched} of ${driverCount}; ` +
    `admission ${admitUs.toFixed(1)} µs/driver`);
}

// A benchmark reports; it never fails the build.
for (const [drivers, offers, warmups, trials] of [[10_000, 1_000, 4, 15], [100_000, 5_000, 2, 5]] as const) {
  try {
    run(drivers, offers, warmups, trials);
  } catch (error) {
    console.log(`${drivers}x${offers}: benchmark failed: ${String(error)}`);
  }
}
