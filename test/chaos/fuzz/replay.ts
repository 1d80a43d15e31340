// Replays an accepted submission as an agent would run it: the driver task is planned exactly as
// the dispatcher plans it, and its command line runs under `/bin/sh -c` with the task's
// environment, in a scratch sandbox whose spark-submit only records its arguments. A payload that
// ran leaves its marker file; an argument that reached spark-submit changed is reported too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DOCKER_IMAGE_KEY, EXECUTOR_HOME_KEY, driverExecutorUri, lastPathSegment, UNFORWARDED_CONF_KEYS } from '../../../src/scheduler/command-line.ts';
import type { DispatcherConfig } from '../../../src/scheduler/config.ts';
import type { DriverSpec } from '../../../src/scheduler/driver.ts';
import { LIMITS } from '../../../src/scheduler/submission-rules.ts';
import { effectiveConf, planDriverTask } from '../../../src/scheduler/task-plan.ts';
import { taskInfoOf } from '../../../src/mesos/translation.ts';
import { createScheduler, driverView, step } from '../../../src/scheduler/index.ts';

/** What the operator's admission does with the driver: why it refuses it at once, if it does. */
export function admissionRefusal(spec: DriverSpec, config: DispatcherConfig): string | undefined {
  const state = createScheduler(config);
  step(state, { type: 'DriverSubmitted', spec }, Date.now());
  const status = driverView(state, spec.submissionId)?.status;
  return status?.phase === 'finished' ? `${status.outcome} (${status.reason}): ${status.message}` : undefined;
}

export interface ReplayVerdict {
  /** Why the operator's admission refuses the driver at once (it ends Error or Rejected with this reason). */
  refusedAtAdmission?: string;
  /** Why the driver could never start although admitted: it does not plan, its command is too long, it cannot be executed. */
  unstartable?: string;
  /** The command ran but never reached spark-submit: the Spark it names is not where it says (user configuration). */
  notReached?: string;
  /** A payload ran: its marker file exists. */
  executed: boolean;
  /** Arguments that reached spark-submit other than they were submitted. */
  altered: string[];
}

const ARGV_FILE_VARIABLE = 'FUZZ_RECORDED_ARGV_7f3c1d';
const STUB = `#!/bin/sh\nprintf '%s\\0' "$@" > "$${ARGV_FILE_VARIABLE}"\n`;

export async function writeStub(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, STUB);
  await chmod(file, 0o755);
}

/** Where the launcher the plan chose finds spark-submit, created in the sandbox (or home) first. */
async function prepareLauncher(conf: Readonly<Record<string, string>>, spec: DriverSpec, sandbox: string): Promise<void> {
  if (conf[DOCKER_IMAGE_KEY] !== undefined) return writeStub(path.join(sandbox, 'bin', 'spark-submit'));
  const executorUri = driverExecutorUri(conf, spec);
  if (executorUri !== undefined) {
    // Spark's tarball extracts into a folder named like the file; the command globs it.
    const folder = lastPathSegment(executorUri).split('.')[0] ?? '';
    if (folder !== '' && !folder.includes('\0')) await writeStub(path.join(sandbox, folder, 'bin', 'spark-submit'));
    return;
  }
  const home = conf[EXECUTOR_HOME_KEY];
  if (home !== undefined && home.startsWith('/') && !home.includes('\0')) await writeStub(path.join(home, 'bin', 'spark-submit'));
}

/**
 * A word as the shell hands it on: an already quoted word loses its quotes (shellEscape keeps
 * it), and a lone surrogate, which UTF-8 cannot carry, becomes U+FFFD on any command line.
 */
function received(submitted: string, actual: string | undefined): boolean {
  const word = submitted.toWellFormed();
  if (actual === word) return true;
  const quoted = word.length >= 3 && (word[0] === "'" || word[0] === '"') && word.at(-1) === word[0];
  return quoted && actual === word.slice(1, -1);
}

function alteredArguments(spec: DriverSpec, conf: Readonly<Record<string, string>>, argv: readonly string[]): string[] {
  const altered: string[] = [];
  const tail = argv.slice(argv.length - spec.appArgs.length);
  spec.appArgs.forEach((arg, i) => {
    if (!received(arg, tail[i])) altered.push(`argument ${i}: ${JSON.stringify(arg).slice(0, 80)} arrived as ${JSON.stringify(tail[i] ?? null).slice(0, 80)}`);
  });
  const confs = new Set(argv.filter((_, i) => argv[i - 1] === '--conf'));
  for (const key of Object.keys(conf).filter((k) => !UNFORWARDED_CONF_KEYS.has(k))) {
    const pair = `${key}=${conf[key] ?? ''}`;
    if (![...confs].some((c) => received(pair, c))) altered.push(`--conf ${JSON.stringify(pair).slice(0, 80)} did not arrive`);
  }
  return altered;
}

/** Runs `command` under sh -c; resolves with how it ended, or the spawn error (E2BIG). */
function runShell(command: string, env: Record<string, string>, cwd: string): Promise<{ code: number | null; stderr: string } | { error: string }> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
    } catch (error) {
      resolve({ error: (error as Error).message });
      return;
    }
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('error', (error) => resolve({ error: error.message }));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

export async function replay(spec: DriverSpec, config: DispatcherConfig, scratch: string, marker: string): Promise<ReplayVerdict> {
  const executed = (): boolean => existsSync(marker);
  const refused = admissionRefusal(spec, config);
  if (refused !== undefined) return { refusedAtAdmission: refused, executed: executed(), altered: [] };
  const planned = planDriverTask(spec, config);
  if (!planned.ok) return { unstartable: `not plannable: ${planned.problems.join('; ').slice(0, 300)}`, executed: executed(), altered: [] };
  const { plan } = planned;
  const bytes = Buffer.byteLength(plan.command);
  if (bytes > LIMITS.commandLineBytes) return { unstartable: `command line of ${bytes} bytes`, executed: executed(), altered: [] };
  const offer = { id: { value: 'fuzz-offer' }, framework_id: { value: 'fuzz-framework' }, agent_id: { value: 'fuzz-agent' }, hostname: 'fuzz', resources: [] };
  const task = taskInfoOf({ taskId: spec.submissionId, agentId: 'fuzz-agent', frameworkId: 'fuzz-framework', resources: [], plan }, offer);
  const sandbox = await mkdtemp(path.join(scratch, 'sandbox-'));
  try {
    const conf = effectiveConf(spec, config);
    await prepareLauncher(conf, spec, sandbox);
    const argvFile = path.join(sandbox, '..', `${path.basename(sandbox)}.argv`);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: sandbox, MESOS_SANDBOX: sandbox, MESOS_DIRECTORY: sandbox };
    for (const v of task.command?.environment?.variables ?? []) {
      env[v.name] = v.type === 'SECRET' ? new TextDecoder().decode(v.secret?.value?.data ?? new Uint8Array()) : v.value ?? '';
    }
    env[ARGV_FILE_VARIABLE] = argvFile;
    const ran = await runShell(task.command?.value ?? '', env, sandbox);
    if ('error' in ran) return { unstartable: `could not be started: ${ran.error}`, executed: executed(), altered: [] };
    let argv: string[];
    try {
      argv = (await readFile(argvFile, 'utf8')).split('\0').slice(0, -1);
    } catch {
      return { notReached: `exit ${ran.code ?? 'signal'}: ${ran.stderr.slice(0, 200)}`, executed: executed(), altered: [] };
    } finally {
      await rm(argvFile, { force: true });
    }
    return { executed: executed(), altered: alteredArguments(spec, conf, argv) };
  } finally {
    await rm(sandbox, { recursive: true, force: true });
  }
}
