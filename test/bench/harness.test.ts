// The benchmark harness works end to end at a tiny size: it builds the operator as `make build`
// does, runs every scenario against it and prints a well-formed figure for each. The figures
// themselves are never judged here (they depend on the machine).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { CORE_WORKLOADS, loadCore, runCorePass } from '../../bench/scenarios/core-pass.ts';
import { runLatency } from '../../bench/scenarios/latency.ts';
import { runLaunches } from '../../bench/scenarios/launches.ts';
import { MEMORY_CASES, runMemoryCase } from '../../bench/scenarios/memory.ts';
import { runWrites } from '../../bench/scenarios/writes.ts';
import { ROOT } from '../../bench/support/cluster.ts';
import { Report } from '../../bench/support/report.ts';

let dist: string;
const lines: string[] = [];
const report = new Report((line) => lines.push(line));

beforeAll(async () => {
  // Inside the checkout, so that the build resolves its dependencies from node_modules.
  await mkdir(path.join(ROOT, 'node_modules', '.cache'), { recursive: true });
  dist = await mkdtemp(path.join(ROOT, 'node_modules', '.cache', 'smd-bench-dist-'));
  await writeFile(path.join(dist, 'package.json'), '{"type":"module"}\n');
  await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', dist]);
  process.env.SMD_DIST = dist;
}, 120_000);

afterAll(async () => {
  delete process.env.SMD_DIST;
  await rm(dist, { recursive: true, force: true });
});

/** The value printed for `key`, which must be a finite number followed by its unit. */
function figure(key: string): number {
  const line = lines.find((l) => l.startsWith(`${key} `));
  if (line === undefined) throw new Error(`no line for ${key} in:\n${lines.join('\n')}`);
  const value = Number(/^\s+(-?\d+(?:\.\d+)?)(?:\s|$)/.exec(line.slice(key.length))?.[1]);
  expect(Number.isFinite(value)).toBe(true);
  return value;
}

test('the memory scenarios read RSS once every driver is queued, finished or running', async () => {
  for (const memoryCase of MEMORY_CASES) await runMemoryCase(report, memoryCase, 5, undefined);
  for (const name of ['queued', 'finished', 'running']) {
    expect(figure(`rss.${name} 5`)).toBeGreaterThan(20);
    expect(figure(`rss.idle (${name} run)`)).toBeGreaterThan(20);
  }
}, 180_000);

test('the launch, latency and writes scenarios see every driver launched, and count writes, REVIVEs and warnings', async () => {
  await runLaunches(report, 10, 5, 60);
  expect(figure('launches.cold burst 5')).toBeGreaterThan(0);
  expect(figure('launches.burst 10')).toBeGreaterThan(0);
  // Counted over the burst alone: in one this short, each driver's create and launch intent.
  expect(lines.find((l) => l.startsWith('launches.api writes during burst'))).toContain('(2.0 per launched driver');
  expect(figure('api.ceiling creates')).toBeGreaterThan(0);
  // The operator's collections during the burst, read off its process metrics.
  expect(lines.find((l) => l.startsWith('launches.cpu during burst'))).toMatch(/its collections: (none|(minor|major|incremental|weakcb) \d+ in \d+\.\d\d s)/);
  await runLatency(report, 10, 1);
  expect(lines.find((l) => l.startsWith('latency.p99 at 10/s'))).toContain('launched 10/10');
  await runWrites(report, 5);
  // At least the create, a status write and an Event per driver.
  expect(figure('writes per driver')).toBeGreaterThanOrEqual(3);
  expect(lines.find((l) => l.startsWith('writes per driver'))).toContain('create sparkdrivers 1.00');
  expect(figure('revive calls per driver')).toBeGreaterThan(0);
  expect(figure('warnings, 5 drivers')).toBeGreaterThanOrEqual(0);
}, 180_000);

test('the core pass times the build\'s scheduler core on both offer mixes, and the TaskInfos of its launches', async () => {
  const core = await loadCore();
  for (const w of CORE_WORKLOADS.filter((c) => c.drivers === 10_000)) runCorePass(report, core, { ...w, drivers: 300, offers: 30, warmups: 1, trials: 2 });
  expect(lines.find((l) => l.startsWith('core.pass 300x30 (a third fits)'))).toMatch(/launched \d+ of 300/);
  expect(figure('core.pass 300x30 (two thirds fit)')).toBeGreaterThan(0);
  // The launches' TaskInfos are built apart, as the shell accepts the offers.
  expect(figure('core.tasks 300x30 (two thirds fit)')).toBeGreaterThan(0);
  expect(lines.find((l) => l.startsWith('core.tasks 300x30 (a third fits)'))).toMatch(/building the pass's \d+ TaskInfos/);
  // And both together, trial by trial. Of two trials the median is the lower (nearest rank), so
  // the sum's is at least the sum of the two medians (each printed rounded to 0.1 ms).
  const apart = figure('core.pass 300x30 (two thirds fit)') + figure('core.tasks 300x30 (two thirds fit)');
  expect(figure('core.pass with TaskInfos 300x30 (two thirds fit)')).toBeGreaterThanOrEqual(apart - 0.1);
});
