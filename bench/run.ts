// `make bench`: the operator's figures at production scale, printed one a line. The operator runs
// as a real process from a production build (SMD_DIST, default ./dist) against the emulators in
// this process; the scenarios talk to it only through its command line, the Kubernetes API, the
// Mesos master, /metrics and /proc. Figures are reported, never judged: the exit code is 0 unless
// the harness itself broke. Environment (sizes default to the issue's):
//   BENCH=all | comma list of: queued finished running launches latency writes core
//   BENCH_RUNS=1                repeat each selected scenario; medians and spreads are printed last
//   BENCH_QUEUED=10000 BENCH_FINISHED=10000 BENCH_RUNNING=5000 BENCH_BURST=6000 BENCH_WARMUP=1000 (the cold burst before it)
//   BENCH_RATES=100,250 BENCH_RATE_SECONDS=30 BENCH_WRITES=3000
//   BENCH_HEAP_SNAPSHOTS=<dir>  take heap snapshots of the operator in the memory scenarios
//   BENCH_OPERATOR_NODE_ARGS='--cpu-prof --cpu-prof-dir=<dir>'  node flags for the operator (NODE_OPTIONS)
//   BENCH_NODE=<path>           the node that runs the operator, or a script that execs it with flags NODE_OPTIONS refuses
//   BENCH_PIN_CORES=1           this process on core 0, the operator on core 1 (taskset): a diagnostic, not the setting
//   BENCH_MEMORY_LIMIT_MIB=256  the memory limit the operator is started for (default: the chart's)
//   SMD_DIST=<checkout>/dist    the build under test (started by that checkout's scripts/start.sh if it has one)
import { CORE_WORKLOADS, loadCore, runCorePass } from './scenarios/core-pass.ts';
import { runLatency } from './scenarios/latency.ts';
import { runLaunches } from './scenarios/launches.ts';
import { MEMORY_CASES, runMemoryCase } from './scenarios/memory.ts';
import { runWrites } from './scenarios/writes.ts';
import { memoryLimitMiB, operatorDist, startScript } from './support/operator.ts';
import { pinBenchProcess, pinCores } from './support/pinning.ts';
import { Report } from './support/report.ts';

const SCENARIOS = ['queued', 'finished', 'running', 'launches', 'latency', 'writes', 'core'] as const;
type Scenario = (typeof SCENARIOS)[number];

function numberFrom(name: string, fallback: number): number {
  const text = process.env[name];
  const value = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not '${text ?? ''}'`);
  return value;
}

function selected(): Scenario[] {
  const text = process.env.BENCH ?? 'all';
  if (text === 'all' || text === '') return [...SCENARIOS];
  const names = text.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`BENCH: unknown scenario ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  return names as Scenario[];
}

async function runScenario(report: Report, scenario: Scenario): Promise<void> {
  const heapDir = process.env.BENCH_HEAP_SNAPSHOTS;
  switch (scenario) {
    case 'queued': case 'finished': case 'running': {
      const memoryCase = MEMORY_CASES.find((c) => c.name === scenario);
      const count = numberFrom(`BENCH_${scenario.toUpperCase()}`, scenario === 'running' ? 5000 : 10_000);
      if (memoryCase) await runMemoryCase(report, memoryCase, count, heapDir);
      return;
    }
    case 'launches':
      return runLaunches(report, numberFrom('BENCH_BURST', 6000), numberFrom('BENCH_WARMUP', 1000));
    case 'latency':
      for (const rate of (process.env.BENCH_RATES ?? '100,250').split(',').map(Number)) {
        await runLatency(report, rate, numberFrom('BENCH_RATE_SECONDS', 30));
      }
      return;
    case 'writes':
      return runWrites(report, numberFrom('BENCH_WRITES', 3000));
    case 'core': {
      const core = await loadCore();
      for (const workload of CORE_WORKLOADS) runCorePass(report, core, workload);
      return;
    }
  }
}

async function main(): Promise<void> {
  const report = new Report();
  const scenarios = selected();
  const runs = numberFrom('BENCH_RUNS', 1);
  pinBenchProcess();
  report.note(`operator build: ${operatorDist()}, started by ${startScript()} for a ${memoryLimitMiB()} MiB limit; scenarios: ${scenarios.join(', ')}; runs: ${runs}` +
    (pinCores ? '; pinned: this process on core 0, the operator on core 1' : ''));
  let broken = false;
  for (let run = 1; run <= runs; run += 1) {
    for (const scenario of scenarios) {
      const started = performance.now();
      try {
        await runScenario(report, scenario);
      } catch (error) {
        broken = true;
        report.note(`${scenario}: the benchmark broke: ${error instanceof Error ? error.message : String(error)}`);
      }
      report.note(`${scenario} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  report.summary();
  process.exitCode = broken ? 1 : 0;
}

await main();
