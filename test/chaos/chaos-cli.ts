// `make chaos`: the long chaos run, then the long fuzz run, with their figures. Sizes come from
// the environment; CHAOS_SEED replays a run's plan. Exits non-zero when an audit finds anything.
import { planChaos } from './fault-plan.ts';
import type { ChaosSizes } from './fault-plan.ts';
import { isClean, runChaos } from './run-chaos.ts';

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
process.exitCode = clean ? 0 : 1;
