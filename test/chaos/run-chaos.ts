// One chaos run: the emulators and two operator replicas, the plan's actions at their times, then
// the faults stop, the users finish what they started, everything is given `graceMs` to finish,
// and the audit compares the master's record of every task with every SparkDriver.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KubeObject } from '../../src/kube/kube-client.ts';
import { SPARK_DRIVER } from '../../src/sparkdriver/sparkdriver.ts';
import { startCluster } from '../operator/harness.ts';
import type { Cluster } from '../operator/harness.ts';
import { waitFor } from '../support/wait.ts';
import { ActionRunner } from './actions.ts';
import type { FaultCounts } from './actions.ts';
import { audit } from './audit.ts';
import type { AuditedDriver, AuditReport } from './audit.ts';
import { seededRandom } from './dice.ts';
import type { ChaosPlan } from './fault-plan.ts';
import { Replicas } from './replicas.ts';
import type { ExitCounts } from './replicas.ts';
import { applyWithKubectl, newUserLog } from './submitters.ts';
import type { UserLog } from './submitters.ts';
import { chaosStub, killedByTheirUser } from './workload.ts';

export interface ChaosOptions {
  /** After the faults stop, how long everything may take to finish. */
  graceMs: number;
  /** Where logs go; a fresh temporary directory (removed after a clean run) when absent. */
  workDir?: string;
  progress?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  faultMinutes: number;
  /** SIGKILLs sent plus deaths at a crash hook. */
  killPoints: number;
  exits: ExitCounts;
  faults: FaultCounts & { kube: Record<string, number>; mesosCalls: Record<string, number> };
  submissions: { planned: number; took: number; failed: number; unanswered: number; restAnswers: Record<string, number>; kubectlRetries: number };
  audit: AuditReport;
  harnessErrors: string[];
  workDir: string;
  /** The master's frameworks at the end: a stuck driver is often explained here. */
  frameworks: { id: string; connected: boolean; offers: number; suppressed: boolean }[];
}

interface MasterFramework { id: string; connected: boolean; offers: unknown[]; suppressed_roles: string[] }

export async function runChaos(plan: ChaosPlan, options: ChaosOptions): Promise<ChaosReport> {
  const workDir = options.workDir ?? await mkdtemp(path.join(tmpdir(), 'chaos-'));
  const say = options.progress ?? (() => undefined);
  await mkdir(path.join(workDir, 'logs'), { recursive: true });
  await mkdir(path.join(workDir, 'attempts'), { recursive: true });
  const cluster = await startCluster({ agents: 3, random: seededRandom(plan.emulatorSeed), mesos: { statusUpdateRetryMinMs: 2000 } });
  const stub = path.join(cluster.sparkHome, 'bin', 'spark-submit');
  await writeFile(stub, chaosStub(workDir));
  await chmod(stub, 0o755);
  const replicas = new Replicas(cluster, path.join(workDir, 'logs'), 2);
  const log = newUserLog();
  const runner = new ActionRunner(cluster, replicas, log);
  let clean = false;
  try {
    replicas.startAll();
    await waitFor(() => replicas.leader() !== undefined && replicas.restUrl(0) !== undefined, 'a leader serving REST', 60_000);
    say(`seed ${plan.seed}: ${plan.drivers.length} drivers, ${plan.actions.length} actions over ${plan.sizes.faultMs / 1000} s`);
    const started = Date.now();
    let next = 0;
    for (const { atMs, action } of plan.actions) {
      await untilOffset(started, atMs);
      runner.run(action);
      cluster.kube.server.clearRequests(); // nothing reads it; it would only grow
      if (Date.now() - started >= next) {
        say(`${Math.round((Date.now() - started) / 1000)} s: ${replicas.exits.killed} kills, ${log.submissions.size} submissions answered`);
        next += 30_000;
      }
    }
    await untilOffset(started, plan.sizes.faultMs);
    const faultMinutes = (Date.now() - started) / 60_000;
    const kube = cluster.kube.server.faults.injected();
    const mesosCalls = Object.fromEntries(cluster.mesos.callFaultHits());
    cluster.kube.server.faults.clear();
    cluster.mesos.clearCallFaults();
    say('faults stopped; settling');
    await settle(cluster, replicas, runner, options.graceMs);
    const drivers = (await listDrivers(cluster)) as unknown as AuditedDriver[];
    const report: ChaosReport = {
      seed: plan.seed, faultMinutes, killPoints: replicas.exits.killed + replicas.exits.crashHooks, exits: replicas.exits,
      faults: { ...runner.counts, kube, mesosCalls },
      submissions: submissionFigures(plan, log),
      audit: audit(cluster.mesos.taskHistory(), drivers, log),
      harnessErrors: runner.errors, workDir,
      frameworks: (cluster.mesos.state().frameworks as MasterFramework[]).map((fw) => ({
        id: fw.id, connected: fw.connected, offers: fw.offers.length, suppressed: fw.suppressed_roles.length > 0,
      })),
    };
    clean = isClean(report);
    // What the audit read, beside the replicas' logs, to tell later what happened.
    if (!clean) await writeFile(path.join(workDir, 'audit.json'), JSON.stringify({ report, tasks: cluster.mesos.taskHistory(), drivers }, null, 1));
    return report;
  } finally {
    await replicas.stop();
    await cluster.close();
    // Kept when something was found: the replicas' logs tell what happened.
    if (clean && options.workDir === undefined) await rm(workDir, { recursive: true, force: true });
  }
}

/** Nothing found: every audit figure but the totals is zero, and the harness itself did not fail. */
export function isClean(report: ChaosReport): boolean {
  const { drivers: _drivers, tasks: _tasks, ...findings } = report.audit.figures;
  return report.harnessErrors.length === 0 && Object.values(findings).every((n) => n === 0);
}

/** The users finish: kubectl submissions that never took are applied again, long drivers nobody killed are killed. */
async function settle(cluster: Cluster, replicas: Replicas, runner: ActionRunner, graceMs: number): Promise<void> {
  await runner.settled();
  const log = runner.log;
  const unapplied = [...log.submissions.values()].filter((s) => s.driver.via === 'kubectl' && s.answer !== 'took').map((s) => s.driver);
  if (unapplied.length > 0) await applyWithKubectl(cluster, log, unapplied);
  for (const d of (await listDrivers(cluster)) as unknown as AuditedDriver[]) {
    const tag = d.spec.sparkProperties?.['spark.app.name'] ?? '';
    const planned = log.submissions.get(tag)?.driver;
    if (planned !== undefined && killedByTheirUser(planned) && d.spec.kill !== true) {
      await cluster.client.patchMerge({ ...SPARK_DRIVER, namespace: 'default', name: d.metadata.name }, { spec: { kill: true } });
    }
  }
  await waitFor(() => replicas.leader() !== undefined, 'a leader after the faults', graceMs);
  // Polled twice a second: a list of every driver is not free. What did not finish, the audit counts.
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && !(await listDrivers(cluster)).every((d) => (d as AuditedDriver).status?.phase === 'Finished')) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function listDrivers(cluster: Cluster): Promise<KubeObject[]> {
  return (await cluster.client.list(SPARK_DRIVER, { namespace: 'default' })).items;
}

function submissionFigures(plan: ChaosPlan, log: UserLog): ChaosReport['submissions'] {
  const answers = [...log.submissions.values()].map((s) => s.answer);
  return {
    planned: plan.drivers.length, took: answers.filter((a) => a === 'took').length, failed: answers.filter((a) => a === 'failed').length,
    unanswered: answers.filter((a) => a === 'unanswered').length, restAnswers: Object.fromEntries(log.restAnswers), kubectlRetries: log.kubectlRetries,
  };
}

/** Paces the plan: waits until `offsetMs` after `startedAt`. */
function untilOffset(startedAt: number, offsetMs: number): Promise<void> {
  const ms = startedAt + offsetMs - Date.now();
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
