// Times one scheduling pass of the scheduler core: N queued drivers (mixed sizes, a fifth with
// constraints) against M offers (mixed sizes, two roles, agent attributes), translated into the
// core's offers as the shell does when they arrive. Two offer mixes: small agents, where about a
// third of the queue fits, and large ones, where about two thirds do. The pass decides the
// launches; their TaskInfos are built as the shell accepts each offer, timed apart
// (`core.tasks`), and both together (`core.pass with TaskInfos`: the figure). The core
// and the translation are loaded from the build under test (SMD_DIST).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type * as Translation from '../../src/mesos/translation.ts';
import type { Offer } from '../../src/mesos/types.ts';
import type * as SchedulerCore from '../../src/scheduler/index.ts';
import type { DriverSpec, Effect } from '../../src/scheduler/index.ts';
import { operatorDist } from '../support/operator.ts';
import { median, type Report } from '../support/report.ts';

/** The scheduler core and the Mesos translation of one build. */
type Core = typeof SchedulerCore & Pick<typeof Translation, 'offerOf' | 'taskInfoOf'>;

export interface CoreWorkload { drivers: number; offers: number; mix: 'a third fits' | 'two thirds fit'; warmups: number; trials: number }

export const CORE_WORKLOADS: readonly CoreWorkload[] = [
  { drivers: 10_000, offers: 1_000, mix: 'a third fits', warmups: 4, trials: 15 },
  { drivers: 10_000, offers: 1_000, mix: 'two thirds fit', warmups: 4, trials: 15 },
  { drivers: 100_000, offers: 5_000, mix: 'a third fits', warmups: 2, trials: 5 },
];

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

/** Agent sizes (cpus, MiB) of each mix. */
const SIZES = {
  'a third fits': { cpus: [2, 4, 8, 16], mem: [4096, 8192, 16384, 32768, 65536] },
  'two thirds fit': { cpus: [4, 8, 16, 32], mem: [16384, 24576, 32768, 65536, 65536] },
};

function offers(count: number, mix: CoreWorkload['mix'], rand: () => number): Offer[] {
  const sizes = SIZES[mix];
  return Array.from({ length: count }, (_, i) => {
    const cpus = pick(rand, sizes.cpus);
    const mem = pick(rand, sizes.mem);
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

/** A full collection, as the operator's reclaimer makes once a burst is over. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export async function loadCore(): Promise<Core> {
  const load = async (file: string): Promise<unknown> => import(pathToFileURL(path.join(operatorDist(), file)).href);
  const core = (await load('scheduler/index.js')) as typeof SchedulerCore;
  const { offerOf, taskInfoOf } = (await load('mesos/translation.js')) as typeof Translation;
  return { ...core, offerOf, taskInfoOf };
}

/** What the shell does for a pass's launches when it accepts their offers: build each TaskInfo (from the plan admission made). */
function buildTaskInfos(core: Core, config: SchedulerCore.DispatcherConfig, effects: readonly Effect[], offers: ReadonlyMap<string, Offer>): number {
  let built = 0;
  for (const effect of effects) {
    if (effect.type !== 'LaunchTasks') continue;
    const offer = offers.get(effect.offerId);
    if (offer === undefined) throw new Error(`no offer ${effect.offerId}`);
    for (const task of effect.tasks) {
      const planned = core.plannedTask(config, effect, task);
      if (!planned.ok) throw new Error(planned.problems.join('; '));
      if (core.taskInfoOf(planned.task, offer).task_id.value === task.taskId) built += 1;
    }
  }
  return built;
}

/**
 * The first passes run while V8 is still compiling the hot paths; a long-running operator does
 * not. Reports the median of the warm passes, with the fastest and the cold first one, and the
 * median time the shell then takes to build the launches' TaskInfos. Each trial gets a fresh
 * scheduler, the only one in memory, admitted and collected before its pass is timed.
 */
export function runCorePass(report: Report, core: Core, w: CoreWorkload): void {
  const parsed = core.parseDispatcherConfig({
    'spark.master': 'zk://zk:2181/mesos', 'spark.mesos.dispatcher.queue.urgent': '10',
    'spark.mesos.dispatcher.queue.batch': '-1', 'spark.mesos.maxDrivers': '1000000',
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const specs = driverSpecs(w.drivers, lcg(7));
  const mesosOffers = offers(w.offers, w.mix, lcg(11));
  const byId = new Map(mesosOffers.map((offer) => [offer.id.value, offer]));
  const translateStart = performance.now();
  const batch = mesosOffers.map(core.offerOf);
  const translateMs = performance.now() - translateStart;
  const admitMs: number[] = [];
  const passTimes: number[] = [];
  const taskTimes: number[] = [];
  const wholeTimes: number[] = [];
  let coldMs = 0;
  let launched = 0;
  for (let trial = 0; trial < w.warmups + w.trials; trial++) {
    const admitStart = performance.now();
    const state = core.createScheduler(parsed.config);
    core.step(state, { type: 'Subscribed', frameworkId: 'fw-1' }, 0);
    for (const spec of specs) core.step(state, { type: 'DriverSubmitted', spec }, 1);
    admitMs.push(performance.now() - admitStart);
    // The operator admitted its queue before these offers came, and holds one scheduler:
    // admission's garbage and the earlier trials' schedulers are not this pass's to collect.
    collectGarbage();
    const start = performance.now();
    const effects = core.step(state, { type: 'OffersReceived', offers: batch }, 2);
    const elapsed = performance.now() - start;
    const tasksStart = performance.now();
    launched = buildTaskInfos(core, parsed.config, effects, byId);
    const tasksMs = performance.now() - tasksStart;
    if (trial === 0) coldMs = elapsed;
    if (trial >= w.warmups) {
      passTimes.push(elapsed);
      taskTimes.push(tasksMs);
      wholeTimes.push(elapsed + tasksMs);
    }
  }
  const admitUs = (median(admitMs.sort((a, b) => a - b)) / w.drivers) * 1000;
  passTimes.sort((a, b) => a - b);
  taskTimes.sort((a, b) => a - b);
  wholeTimes.sort((a, b) => a - b);
  report.add({
    key: `core.pass ${w.drivers}x${w.offers} (${w.mix})`, value: median(passTimes), unit: 'ms',
    detail: `(min ${(passTimes[0] ?? 0).toFixed(1)} ms, cold ${coldMs.toFixed(1)} ms; launched ${launched} of ${w.drivers}; `
      + `admission ${admitUs.toFixed(1)} µs/driver; offers translated in ${translateMs.toFixed(1)} ms)`,
  });
  report.add({
    key: `core.tasks ${w.drivers}x${w.offers} (${w.mix})`, value: median(taskTimes), unit: 'ms',
    detail: `(min ${(taskTimes[0] ?? 0).toFixed(1)} ms: building the pass's ${launched} TaskInfos, as the shell accepts the offers)`,
  });
  report.add({
    key: `core.pass with TaskInfos ${w.drivers}x${w.offers} (${w.mix})`, value: median(wholeTimes), unit: 'ms',
    detail: `(min ${(wholeTimes[0] ?? 0).toFixed(1)} ms: the two above, trial by trial; the issue's pass, which built every TaskInfo)`,
  });
}
