// The emulated agent's command executor: runs one command task as a real local process in its
// sandbox with Mesos command-executor semantics — fetch, environment, STARTING/RUNNING/terminal
// updates, TASK_KILLING and SIGTERM→SIGKILL escalation, and max_completion_time.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../runtime/clock.ts';
import type {
  CommandInfo, ContainerInfo, EnvironmentVariable, TaskInfo, TaskState, TaskStatusReason, TaskStatusSource,
} from '../../mesos/types.ts';
import { describeError, fetchUris } from './fetcher.ts';
import type { LogSeverity } from './fetcher.ts';

export interface ExecutorUpdate {
  state: TaskState;
  message?: string;
  reason?: TaskStatusReason;
  source: TaskStatusSource;
}

export interface LaunchRequest {
  task: TaskInfo;                 // command task (task.command set); executor_id == task_id
  frameworkId: string;
  agentId: string;
  frameworkUser: string;          // accepted, not enforced: every task runs as the agent's user
  sandboxDir: string;             // already-chosen absolute path; the executor creates it
  agentEndpoint: string;          // MESOS_AGENT_ENDPOINT, e.g. '127.0.0.1:5051'
  allocationRole: string;         // MESOS_ALLOCATION_ROLE
  checkpoint: boolean;
  taskKillingState: boolean;      // framework has TASK_KILLING_STATE → TASK_KILLING before SIGTERM
  clock: Clock;
  /** Bound on the whole fetch (Mesos bounds it by the executor registration timeout). Default 60 s. */
  fetchTimeoutMs?: number;
  /** Named in fetch-failure messages; defaults to the sandbox's last path segment (`runs/<containerId>`). */
  containerId?: string;
}

export interface RunningCommandTask {
  readonly pid: number | undefined;
  /** Ask the task to stop: TASK_KILLING (if capable), SIGTERM to the process group, SIGKILL after gracePeriodMs (default 3000 from task.kill_policy, a per-call value overrides). Repeated kills may shorten the grace. */
  kill(gracePeriodMs?: number): void;
  /** Resolves after the terminal update has been emitted. */
  readonly done: Promise<void>;
}

/**
 * Starts the task and returns at once; every update is delivered asynchronously (never during
 * this call), ending with exactly one terminal update. Failures become updates, never throws.
 */
export function launchCommandTask(
  request: LaunchRequest,
  onUpdate: (update: ExecutorUpdate) => void,
): RunningCommandTask {
  const task = new CommandTask(request, onUpdate);
  task.start();
  return task;
}

const DEFAULT_GRACE_PERIOD_MS = 3000;
const DEFAULT_FETCH_TIMEOUT_MS = 60_000;
// stout's os::host_default_path(), for an agent started without PATH.
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** launching: sandbox, checks, fetch · spawning: spawn() called, no 'spawn' event yet. */
type Phase = 'launching' | 'spawning' | 'running' | 'terminated';

/** A failure before the process exists; it ends the task as TASK_FAILED REASON_CONTAINER_LAUNCH_FAILED. */
class LaunchFailure extends Error {
  override readonly name = 'LaunchFailure';
}

interface Executable { file: string; args: string[]; argv0: string | undefined }

class CommandTask implements RunningCommandTask {
  readonly done: Promise<void>;
  private readonly request: LaunchRequest;
  private readonly onUpdate: (update: ExecutorUpdate) => void;
  private readonly resolveDone: () => void;
  private readonly launchAbort = new AbortController();
  private phase: Phase = 'launching';
  private child: ChildProcess | undefined;
  private killRequested = false;
  private killedByMaxCompletion = false;
  private pendingGraceMs: number | undefined;
  private killStartedAt: number | undefined;
  private escalationAt = 0;
  private cancelEscalation: (() => void) | undefined;
  private cancelMaxCompletion: (() => void) | undefined;

  constructor(request: LaunchRequest, onUpdate: (update: ExecutorUpdate) => void) {
    this.request = request;
    this.onUpdate = onUpdate;
    const { promise, resolve } = Promise.withResolvers<void>();
    this.done = promise;
    this.resolveDone = resolve;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.launch().catch((e: unknown) => this.launchFailed(e));
  }

  kill(gracePeriodMs?: number): void {
    const graceMs = this.gracePeriodMs(gracePeriodMs);
    switch (this.phase) {
      case 'terminated':
        return;
      case 'launching':
        // The launch sequence notices at its next step; aborting cuts a pending fetch short.
        this.killRequested = true;
        this.launchAbort.abort(new Error('the task was killed during launch'));
        return;
      case 'spawning':
        // Applied as soon as the process is known to exist (the 'spawn' event).
        this.killRequested = true;
        this.pendingGraceMs = Math.min(this.pendingGraceMs ?? graceMs, graceMs);
        return;
      case 'running':
        this.log('I', `Received kill for task ${this.taskId} with grace period of ${formatDuration(graceMs)}`);
        if (this.killStartedAt === undefined) this.startKill(graceMs);
        else this.shortenGrace(graceMs);
        return;
    }
  }

  // ---- launch: sandbox → container and environment checks → fetch → spawn

  private async launch(): Promise<void> {
    await this.prepareSandbox();
    if (this.killRequested) return this.killedDuringLaunch();
    const { task } = this.request;
    checkContainer(task.container);
    const env = taskEnvironment(this.request);
    const executable = commandExecutable(task.command);
    await this.fetch(task.command?.uris ?? []);
    if (this.killRequested) return this.killedDuringLaunch();
    this.spawnTask(executable, env);
  }

  private async prepareSandbox(): Promise<void> {
    const { sandboxDir } = this.request;
    await mkdir(sandboxDir, { recursive: true });
    await writeFile(this.sandboxFile('stdout'), '', { flag: 'a' });
    await writeFile(this.sandboxFile('stderr'), '', { flag: 'a' });
  }

  private async fetch(uris: NonNullable<CommandInfo['uris']>): Promise<void> {
    if (uris.length === 0) return;
    const timeoutMs = this.request.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    const cancelTimeout = this.request.clock.setTimer(timeoutMs, () => {
      this.launchAbort.abort(new Error(`the fetch timed out after ${formatDuration(timeoutMs)}`));
    });
    try {
      await fetchUris(uris, {
        sandboxDir: this.request.sandboxDir,
        signal: this.launchAbort.signal,
        log: (severity, message) => this.log(severity, message, 'fetcher'),
      });
    } catch (e) {
      throw new LaunchFailure(`Failed to fetch all URIs for container '${this.containerId}': ${describeError(e)}`);
    } finally {
      cancelTimeout();
    }
  }

  private spawnTask(executable: Executable, env: Record<string, string>): void {
    this.emit({ state: 'TASK_STARTING', source: 'SOURCE_EXECUTOR' });
    // The listener may have killed the task from inside the STARTING callback.
    if (this.killRequested) return this.killedDuringLaunch();
    this.log('I', `Starting task ${this.taskId}`);
    const stdout = openSync(this.sandboxFile('stdout'), 'a');
    const stderr = openSync(this.sandboxFile('stderr'), 'a');
    try {
      this.phase = 'spawning';
      // detached: the task leads its own process group, so signals reach everything it forks.
      const child = spawn(executable.file, executable.args, {
        cwd: this.request.sandboxDir,
        env,
        detached: true,
        stdio: ['ignore', stdout, stderr],
        ...(executable.argv0 !== undefined ? { argv0: executable.argv0 } : {}),
      });
      this.child = child;
      child.once('spawn', () => this.onSpawn());
      child.on('error', (e) => this.onChildError(e));
      child.once('exit', (code, signal) => this.onExit(code, signal));
    } finally {
      // The child holds its own copies of the descriptors.
      closeSync(stdout);
      closeSync(stderr);
    }
  }

  private onSpawn(): void {
    if (this.phase !== 'spawning') return;
    this.phase = 'running';
    this.log('I', `Forked command at ${this.pid}`);
    this.armMaxCompletionTimer();
    this.emit({ state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR' });
    if (this.killRequested && this.phase === 'running' && this.killStartedAt === undefined) {
      this.startKill(this.pendingGraceMs ?? this.gracePeriodMs(undefined));
    }
  }

  private onChildError(error: Error): void {
    // Once running, errors only come from signalling; the exit event still decides the outcome.
    if (this.phase !== 'spawning') {
      this.log('E', `Error from task process ${this.pid}: ${error.message}`);
      return;
    }
    this.launchFailed(new LaunchFailure(`Failed to execute '${this.request.task.command?.value}': ${error.message}`));
  }

  private launchFailed(error: unknown): void {
    if (this.phase === 'terminated') return;
    if (this.killRequested) return this.killedDuringLaunch();
    const detail = error instanceof LaunchFailure ? error.message : describeError(error);
    const message = `Failed to launch container: ${detail}`;
    this.log('E', message);
    this.finish({ state: 'TASK_FAILED', reason: 'REASON_CONTAINER_LAUNCH_FAILED', source: 'SOURCE_AGENT', message });
  }

  private killedDuringLaunch(): void {
    this.finish({
      state: 'TASK_KILLED',
      reason: 'REASON_TASK_KILLED_DURING_LAUNCH',
      source: 'SOURCE_AGENT',
      message: 'Killed before delivery to the executor',
    });
  }

  // ---- kill: TASK_KILLING, SIGTERM to the group, SIGKILL when the grace period runs out

  private startKill(graceMs: number): void {
    this.killRequested = true;
    this.cancelMaxCompletion?.();
    this.killStartedAt = this.request.clock.now();
    this.escalationAt = this.killStartedAt + graceMs;
    // A max_completion_time kill is not the framework's kill, so Mesos sends no TASK_KILLING.
    if (this.request.taskKillingState && !this.killedByMaxCompletion) {
      this.emit({ state: 'TASK_KILLING', source: 'SOURCE_EXECUTOR' });
    }
    if (this.phase !== 'running') return;
    this.log('I', `Sending SIGTERM to process tree at pid ${this.pid}`);
    this.signalGroup('SIGTERM');
    this.log('I', `Scheduling escalation to SIGKILL in ${formatDuration(graceMs)} from now`);
    this.scheduleEscalation();
  }

  /** A later kill may only bring the SIGKILL forward (Mesos: retries are no-ops, longer graces ignored). */
  private shortenGrace(graceMs: number): void {
    if (this.killStartedAt === undefined) return;
    const at = this.killStartedAt + graceMs;
    if (at >= this.escalationAt) return;
    this.escalationAt = at;
    this.log('I', `Rescheduling escalation to SIGKILL in ${formatDuration(at - this.request.clock.now())} from now`);
    this.scheduleEscalation();
  }

  private scheduleEscalation(): void {
    this.cancelEscalation?.();
    const delay = Math.max(0, this.escalationAt - this.request.clock.now());
    this.cancelEscalation = this.request.clock.setTimer(delay, () => this.escalate());
  }

  private escalate(): void {
    this.cancelEscalation = undefined;
    if (this.phase !== 'running' || this.killStartedAt === undefined) return;
    const waited = formatDuration(this.escalationAt - this.killStartedAt);
    this.log('I', `Process ${this.pid} did not terminate after ${waited}, sending SIGKILL to process tree at ${this.pid}`);
    this.signalGroup('SIGKILL');
  }

  private armMaxCompletionTimer(): void {
    const ms = (this.request.task.max_completion_time?.nanoseconds ?? 0) / 1e6;
    if (ms <= 0) return;
    this.log('I', `Task ${this.taskId} has a max completion time of ${formatDuration(ms)}`);
    this.cancelMaxCompletion = this.request.clock.setTimer(ms, () => {
      this.cancelMaxCompletion = undefined;
      if (this.phase !== 'running' || this.killStartedAt !== undefined) return;
      this.log('I', `Killing task ${this.taskId} which exceeded its maximum completion time of ${formatDuration(ms)}`);
      this.killedByMaxCompletion = true;
      this.startKill(0);
    });
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch (e) {
      // ESRCH: the whole group is already gone, and the exit event will say how it ended.
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') this.log('E', `Failed to send ${signal} to ${pid}: ${describeError(e)}`);
    }
  }

  // ---- exit: exactly one terminal update

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.phase === 'terminated') return;
    // The agent destroys the container after the executor ends: nothing the task forked survives.
    this.signalGroup('SIGKILL');
    const message = signal !== null
      ? `Command terminated with signal ${strsignal(signal)}`
      : `Command exited with status ${code ?? -1}`;
    this.log('I', `${message} (pid: ${this.pid})`);
    if (this.killedByMaxCompletion) {
      this.finish({ state: 'TASK_FAILED', reason: 'REASON_MAX_COMPLETION_TIME_REACHED', source: 'SOURCE_EXECUTOR', message });
    } else if (this.killRequested) {
      this.finish({ state: 'TASK_KILLED', source: 'SOURCE_EXECUTOR', message });
    } else {
      this.finish({ state: code === 0 ? 'TASK_FINISHED' : 'TASK_FAILED', source: 'SOURCE_EXECUTOR', message });
    }
  }

  private finish(update: ExecutorUpdate): void {
    if (this.phase === 'terminated') return;
    this.phase = 'terminated';
    this.cancelEscalation?.();
    this.cancelMaxCompletion?.();
    this.launchAbort.abort(new Error('the task has terminated'));
    this.emit(update, true);
    this.resolveDone();
  }

  private emit(update: ExecutorUpdate, terminal = false): void {
    if (this.phase === 'terminated' && !terminal) return;
    try {
      this.onUpdate(update);
    } catch (e) {
      // A throwing listener is the caller's bug: surface it without corrupting this task's state.
      queueMicrotask(() => {
        throw e;
      });
    }
  }

  // ---- small helpers

  private gracePeriodMs(override: number | undefined): number {
    if (override !== undefined) return Math.max(0, override);
    const nanos = this.request.task.kill_policy?.grace_period?.nanoseconds;
    return nanos !== undefined ? Math.max(0, nanos / 1e6) : DEFAULT_GRACE_PERIOD_MS;
  }

  private get taskId(): string {
    return this.request.task.task_id.value;
  }

  private get containerId(): string {
    return this.request.containerId ?? path.basename(this.request.sandboxDir);
  }

  private sandboxFile(name: 'stdout' | 'stderr'): string {
    return path.join(this.request.sandboxDir, name);
  }

  /** Appends a glog-style line to the sandbox `stderr`, where Mesos's executor and fetcher log. */
  private log(severity: LogSeverity, message: string, component = 'executor'): void {
    try {
      appendFileSync(this.sandboxFile('stderr'), `${glogPrefix(severity, this.request.clock.now())} ${component}] ${message}\n`);
    } catch {
      // Best effort: a missing sandbox (removed under us, or never created) must not change the outcome.
    }
  }
}

// ---- pure pieces of the launch

/** No container, or MESOS without an image, runs as a plain process; anything with an image cannot. */
function checkContainer(container: ContainerInfo | undefined): void {
  const image = container && containerImage(container);
  if (!container || image === undefined) return;
  throw new LaunchFailure(`Container image '${image}' (${container.type} containerizer) is not supported by the ` +
    'emulated agent, which runs tasks as plain local processes; launch the command without a container image');
}

function containerImage(container: ContainerInfo): string | undefined {
  if (container.type === 'DOCKER') return container.docker?.image ?? '(none)';
  const image = container.mesos?.image;
  if (!image) return undefined;
  return image.docker?.name ?? image.appc?.name ?? '(unnamed)';
}

/** A clean base, the MESOS_* variables of the command executor, then `CommandInfo.environment`. */
function taskEnvironment(request: LaunchRequest): Record<string, string> {
  const { task, sandboxDir } = request;
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? DEFAULT_PATH,
    HOME: sandboxDir,
    MESOS_SANDBOX: sandboxDir,
    MESOS_DIRECTORY: sandboxDir,
    MESOS_FRAMEWORK_ID: request.frameworkId,
    MESOS_EXECUTOR_ID: task.task_id.value,
    MESOS_TASK_ID: task.task_id.value,
    MESOS_AGENT_ID: request.agentId,
    MESOS_SLAVE_ID: request.agentId,
    MESOS_AGENT_ENDPOINT: request.agentEndpoint,
    MESOS_CHECKPOINT: request.checkpoint ? '1' : '0',
    MESOS_ALLOCATION_ROLE: request.allocationRole,
  };
  for (const variable of task.command?.environment?.variables ?? []) {
    env[variable.name] = variableValue(variable);
  }
  return env;
}

function variableValue(variable: EnvironmentVariable): string {
  // The proto's default type is VALUE.
  if (variable.type !== 'SECRET') return variable.value ?? '';
  const secret = variable.secret;
  if (secret?.type === 'VALUE' && secret.value) return new TextDecoder().decode(secret.value.data);
  if (secret?.type === 'REFERENCE') {
    throw new LaunchFailure(`Environment variable '${variable.name}' refers to secret ` +
      `'${secret.reference?.name ?? ''}': secret references cannot be resolved by the emulated agent`);
  }
  throw new LaunchFailure(`Environment variable '${variable.name}' is a secret without a value`);
}

/** shell → `/bin/sh -c <value>`; otherwise exec `value` with `arguments` as the whole argv (argv[0] included). */
function commandExecutable(command: CommandInfo | undefined): Executable {
  if (!command) throw new LaunchFailure('The task has no command; the emulated agent runs only command tasks');
  const value = command.value ?? '';
  if (!value) throw new LaunchFailure('The task command has no value');
  if (command.shell !== false) return { file: '/bin/sh', args: ['-c', value], argv0: 'sh' };
  const [argv0, ...rest] = command.arguments ?? [];
  return { file: value, args: rest, argv0 };
}

// ---- formatting

// glibc's strsignal() texts, which Mesos's WSTRINGIFY puts into the terminal message.
const SIGNAL_DESCRIPTIONS: Partial<Record<NodeJS.Signals, string>> = {
  SIGHUP: 'Hangup', SIGINT: 'Interrupt', SIGQUIT: 'Quit', SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap', SIGABRT: 'Aborted', SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception', SIGKILL: 'Killed', SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault', SIGUSR2: 'User defined signal 2', SIGPIPE: 'Broken pipe',
  SIGALRM: 'Alarm clock', SIGTERM: 'Terminated', SIGSTKFLT: 'Stack fault', SIGCHLD: 'Child exited',
  SIGCONT: 'Continued', SIGSTOP: 'Stopped (signal)', SIGTSTP: 'Stopped', SIGTTIN: 'Stopped (tty input)',
  SIGTTOU: 'Stopped (tty output)', SIGURG: 'Urgent I/O condition', SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded', SIGVTALRM: 'Virtual timer expired',
  SIGPROF: 'Profiling timer expired', SIGWINCH: 'Window changed', SIGIO: 'I/O possible',
  SIGPWR: 'Power failure', SIGSYS: 'Bad system call',
};

export function strsignal(signal: NodeJS.Signals): string {
  return SIGNAL_DESCRIPTIONS[signal] ?? `Unknown signal ${signal}`;
}

/** Roughly stout's Duration printing: `500ms`, `3secs`, `1.5secs`. */
function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Number((ms / 1000).toFixed(3))}secs`;
}

/** `I0101 12:00:00.000000 <pid>` in UTC (glog uses local time; UTC keeps logs comparable). */
function glogPrefix(severity: LogSeverity, now: number): string {
  const d = new Date(now);
  const two = (n: number): string => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `${severity}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())} ${time}.${micros} ${process.pid}`;
}
