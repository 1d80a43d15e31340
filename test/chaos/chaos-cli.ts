// `make chaos`: the long chaos run, then the long fuzz run, with their figures. Sizes come from
// the environment (CHAOS_MINUTES, CHAOS_DRIVERS, CHAOS_KILLS, CHAOS_GRACE_SECONDS, FUZZ_INPUTS, ...);
// CHAOS_SEED replays a run's plan and inputs. Exits non-zero when either finds anything.
import { planChaos } from './fault-plan.ts';
import type { ChaosSizes } from './fault-plan.ts';
import { isClean, runChaos } from './run-chaos.ts';
import { isKnownGap } from './fuzz/known-gaps.ts';
import { runFuzz } from './fuzz/run-fuzz.ts';

const env = (name: string, fallback: number): number => {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : Number(value);
};

const faultMs = env('CHAOS_MINUTES', 10) * 60_000;
const sizes: ChaosSizes = {
  faultMs,
  drivers: env('CHAOS_DRIVERS', 1000),
  killPoints: env('CHAOS_KILLS', 200),
  masterFailovers: env('CHAOS_MASTER_FAILOVERS', Math.max(1, Math.round(faultMs / 60_000))),
  agentLosses: env('CHAOS_AGENT_LOSSES', Math.round(faultMs / 150_000)),
  blackholes: env('CHAOS_BLACKHOLES', Math.round(faultMs / 120_000)),
};
const seed = env('CHAOS_SEED', Math.floor(Math.random() * 2 ** 32));
const say = (line: string): void => { process.stdout.write(`[chaos] ${line}\n`); };
say(`seed ${seed} (replay with CHAOS_SEED=${seed})`);
const report = await runChaos(planChaos(seed, sizes), {
  graceMs: env('CHAOS_GRACE_SECONDS', 180) * 1000, progress: say,
  ...(process.env.CHAOS_DIR !== undefined && { workDir: process.env.CHAOS_DIR }),
});
const { audit, ...figures } = report;
process.stdout.write(`${JSON.stringify({ ...figures, audit: audit.figures }, null, 2)}\n`);
for (const problem of audit.problems.slice(0, 50)) say(`problem: ${problem}`);
const clean = isClean(report);
say(clean ? 'audit clean' : `audit FAILED (logs in ${report.workDir})`);

const inputs = env('FUZZ_INPUTS', 10_000);
say(`fuzzing ${inputs} inputs (seed ${seed})`);
const fuzz = await runFuzz(seed, inputs, { progress: (line) => say(`fuzz: ${line}`) });
const { findings, ...fuzzFigures } = fuzz;
process.stdout.write(`${JSON.stringify(fuzzFigures, null, 2)}\n`);
for (const finding of findings) say(`fuzz finding: ${finding}`);
const newGaps = Object.keys(fuzz.refusedAtAdmission.manifests).filter((kind) => !isKnownGap(kind));
const fuzzClean = fuzz.executedPayloads === 0 && fuzz.unstartable === 0 && fuzz.alteredArguments === 0 && newGaps.length === 0
  && [fuzz.rest, fuzz.manifests, fuzz.rawBodies].every((c) => c.crashes === 0 && c.http5xx === 0);
say(fuzzClean ? 'fuzz clean' : `fuzz FAILED${newGaps.length > 0 ? `; new admission gaps: ${newGaps.join(' | ')}` : ''}`);
process.exitCode = clean && fuzzClean ? 0 : 1;
