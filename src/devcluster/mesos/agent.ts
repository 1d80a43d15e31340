// An emulated agent: its resources and attributes, the tasks it runs (through the command
// executor in executor.ts), and its status update manager, which keeps one stream of updates
// per task, forwards only the head, and resends it with backoff until the matching ACK.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, Random } from '../../runtime/clock.ts';
import type { Attribute, FrameworkInfo, TaskInfo, TaskState, TaskStatus } from '../../mesos/types.ts';
import { TERMINAL_TASK_STATES } from '../../mesos/types.ts';
import type { ExecutorUpdate, LaunchRequest, RunningCommandTask } from './executor.ts';
import { Resources } from './resources.ts';
import { sameBytes, uuidBytes } from './ids.ts';

export type LaunchFunction = (request: LaunchRequest, onUpdate: (update: ExecutorUpdate) => void) => RunningCommandTask;

export const isTerminal = (state: TaskState | undefined): boolean => state !== undefined && TERMINAL_TASK_STATES.has(state);

/** A task as both the master and its agent see it; the master's view survives a master restart here. */
export interface TaskRecord {
  readonly info: TaskInfo;
  readonly frameworkId: string;
  readonly agentId: string;
  /** Allocation role. */
  readonly role: string;
  /** Task plus executor resources, allocated to `role`. */
  readonly resources: Resources;
  readonly containerId: string;
  readonly sandboxDir: string;
  /** Master view: the `latest_state` of the last forwarded update (TASK_STAGING before any). */
  state: TaskState;
  statusUpdateState: TaskState | undefined;
  statusUpdateUuid: Uint8Array | undefined;
  /** Master view: one entry per state change, for `/state`. */
  readonly statuses: TaskStatus[];
  /** Agent view: the state the executor last reported. */
  agentState: TaskState;
  running: RunningCommandTask | undefined;
  readonly updates: StatusUpdateStream;
  /** Set when the framework or the agent went away: executor updates are ignored from then on. */
  orphaned: boolean;
  /** Whether its resources are in the agent's `used()` (it is the agent's and not terminal for the master). */
  counted: boolean;
}

export interface StatusUpdateTiming { clock: Clock; minMs: number; maxMs: number }

/** One task's queue of reliable updates: only the head is in flight. */
export class StatusUpdateStream {
  private queue: TaskStatus[] = [];
  private cancelRetry: (() => void) | undefined;
  private readonly timing: StatusUpdateTiming;
  private readonly forward: (status: TaskStatus) => void;

  constructor(timing: StatusUpdateTiming, forward: (status: TaskStatus) => void) {
    this.timing = timing;
    this.forward = forward;
  }

  get pending(): readonly TaskStatus[] {
    return this.queue;
  }

  enqueue(status: TaskStatus): void {
    this.queue.push(status);
    if (this.queue.length === 1) this.sendHead(this.timing.minMs);
  }

  /** Pops the head if `uuid` is its uuid (any other ACK is ignored) and sends the next at once. */
  acknowledge(uuid: Uint8Array): TaskStatus | undefined {
    const head = this.queue[0];
    if (!head || !sameBytes(head.uuid, uuid)) return undefined;
    this.queue.shift();
    this.stopRetry();
    this.sendHead(this.timing.minMs);
    return head;
  }

  /** Resends the head now (the framework resubscribed), restarting the backoff. */
  resume(): void {
    this.sendHead(this.timing.minMs);
  }

  stop(): void {
    this.stopRetry();
    this.queue = [];
  }

  private sendHead(intervalMs: number): void {
    this.stopRetry();
    const head = this.queue[0];
    if (!head) return;
    this.cancelRetry = this.timing.clock.setTimer(intervalMs, () => {
      this.cancelRetry = undefined;
      this.sendHead(Math.min(intervalMs * 2, this.timing.maxMs));
    });
    this.forward(head);
  }

  private stopRetry(): void {
    this.cancelRetry?.();
    this.cancelRetry = undefined;
  }
}

export interface AgentSpec {
  id: string;
  hostname: string;
  port: number;
  resources: Resources;
  attributes: Attribute[];
}

export interface AgentEnvironment {
  clock: Clock;
  random: Random;
  workDir: string;
  retry: StatusUpdateTiming;
  launch: LaunchFunction;
  /** The master's side of a forwarded update, with the task's current state as `latest_state`. */
  forward(record: TaskRecord, status: TaskStatus, latestState: TaskState): void;
}

export interface NewTask {
  info: TaskInfo;
  framework: FrameworkInfo & { id: { value: string } };
  role: string;
  resources: Resources;
  containerId: string;
}

export class Agent {
  readonly id: string;
  readonly hostname: string;
  readonly port: number;
  readonly total: Resources;
  readonly attributes: Attribute[];
  readonly registeredTime: number;
  /** The agent's copy of each framework's info, as a re-registering agent reports it. */
  readonly frameworks = new Map<string, FrameworkInfo>();
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly dying = new Set<RunningCommandTask>();
  private readonly env: AgentEnvironment;
  /** Kept up to date by `recount`: summing every task at each allocation is quadratic at scale. */
  private usedTotal = Resources.empty();

  constructor(spec: AgentSpec, env: AgentEnvironment) {
    this.id = spec.id;
    this.hostname = spec.hostname;
    this.port = spec.port;
    this.total = spec.resources;
    this.attributes = spec.attributes;
    this.env = env;
    this.registeredTime = env.clock.now();
  }

  get hasGpus(): boolean {
    return this.total.scalar('gpus') > 0;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  allTasks(): TaskRecord[] {
    return [...this.tasks.values()];
  }

  tasksOf(frameworkId: string): TaskRecord[] {
    return this.allTasks().filter((t) => t.frameworkId === frameworkId);
  }

  task(frameworkId: string, taskId: string): TaskRecord | undefined {
    return this.tasks.get(taskKey(frameworkId, taskId));
  }

  /** Resources of tasks the master does not yet know to be terminal, unallocated. */
  used(): Resources {
    return this.usedTotal;
  }

  /** Brings `used()` up to date after the task's master state or its membership here may have changed. */
  recount(record: TaskRecord): void {
    const counts = !isTerminal(record.state) && this.tasks.get(taskKey(record.frameworkId, record.info.task_id.value)) === record;
    if (counts === record.counted) return;
    record.counted = counts;
    this.usedTotal = counts ? this.usedTotal.plus(record.resources) : this.usedTotal.minus(record.resources);
  }

  sandboxDir(frameworkId: string, taskId: string, containerId: string): string {
    return join(this.env.workDir, 'slaves', this.id, 'frameworks', frameworkId, 'executors', taskId, 'runs', containerId);
  }

  /** Adds the task in TASK_STAGING and hands it to the command executor. */
  launch(task: NewTask): TaskRecord {
    const frameworkId = task.framework.id.value;
    const taskId = task.info.task_id.value;
    this.frameworks.set(frameworkId, task.framework);
    const sandboxDir = this.sandboxDir(frameworkId, taskId, task.containerId);
    const record: TaskRecord = {
      info: task.info, frameworkId, agentId: this.id, role: task.role, resources: task.resources,
      containerId: task.containerId, sandboxDir, state: 'TASK_STAGING', statusUpdateState: undefined,
      statusUpdateUuid: undefined, statuses: [], agentState: 'TASK_STAGING', running: undefined,
      updates: new StatusUpdateStream(this.env.retry, (status) => this.env.forward(record, status, record.agentState)),
      orphaned: false, counted: false,
    };
    this.tasks.set(taskKey(frameworkId, taskId), record);
    this.recount(record);
    linkLatestRun(sandboxDir, task.containerId);
    record.running = this.env.launch({
      task: task.info, frameworkId, agentId: this.id, frameworkUser: task.framework.user, sandboxDir,
      agentEndpoint: this.endpoint, allocationRole: task.role, checkpoint: task.framework.checkpoint ?? false,
      taskKillingState: (task.framework.capabilities ?? []).some((c) => c.type === 'TASK_KILLING_STATE'),
      clock: this.env.clock, containerId: task.containerId,
    }, (update) => this.onExecutorUpdate(record, update));
    return record;
  }

  kill(record: TaskRecord, gracePeriodMs: number | undefined): void {
    if (record.orphaned || isTerminal(record.agentState)) return;
    record.running?.kill(gracePeriodMs);
  }

  /** Forwards an ACK to the task's stream; drops the task once its terminal update is ACKed. */
  acknowledge(record: TaskRecord, uuid: Uint8Array): void {
    const popped = record.updates.acknowledge(uuid);
    if (popped && isTerminal(popped.state)) {
      this.tasks.delete(taskKey(record.frameworkId, record.info.task_id.value));
      this.recount(record);
    }
  }

  /** The framework resubscribed: resend every pending head at once. */
  resume(frameworkId: string, info: FrameworkInfo): void {
    if (this.frameworks.has(frameworkId)) this.frameworks.set(frameworkId, info);
    for (const t of this.tasksOf(frameworkId)) t.updates.resume();
  }

  /** Shuts the framework's executors down; nothing more is reported for its tasks. */
  shutdownFramework(frameworkId: string): TaskRecord[] {
    const records = this.tasksOf(frameworkId);
    for (const record of records) this.forget(record, undefined);
    this.frameworks.delete(frameworkId);
    return records;
  }

  /** The agent is going away: kill everything at once. */
  shutdown(): TaskRecord[] {
    const records = this.allTasks();
    for (const record of records) this.forget(record, 0);
    return records;
  }

  /** Processes still exiting after their tasks were forgotten, plus live ones. */
  processes(): RunningCommandTask[] {
    return [...this.dying, ...this.allTasks().flatMap((t) => (t.running ? [t.running] : []))];
  }

  private forget(record: TaskRecord, gracePeriodMs: number | undefined): void {
    record.orphaned = true;
    record.updates.stop();
    this.tasks.delete(taskKey(record.frameworkId, record.info.task_id.value));
    this.recount(record);
    const running = record.running;
    if (running) {
      this.dying.add(running);
      void running.done.then(() => this.dying.delete(running));
      running.kill(gracePeriodMs);
    }
  }

  private onExecutorUpdate(record: TaskRecord, update: ExecutorUpdate): void {
    if (record.orphaned) return;
    record.agentState = update.state;
    const status: TaskStatus = {
      task_id: { value: record.info.task_id.value },
      state: update.state,
      source: update.source,
      agent_id: { value: this.id },
      executor_id: { value: record.info.task_id.value },
      timestamp: this.env.clock.now() / 1000,
      uuid: uuidBytes(this.env.random),
    };
    if (update.message !== undefined) status.message = update.message;
    if (update.reason !== undefined) status.reason = update.reason;
    record.updates.enqueue(status);
  }
}

/** The runs whose sandbox and `latest` link are still to make (see linkLatestRun). */
let unlinked: { sandboxDir: string; containerId: string }[] = [];
/** Runs were launched since the quiet timer last looked. */
let launchedSinceLook = false;
let quietTimer: NodeJS.Timeout | undefined;
/** The links wait for this long without a launch (a burst launches in steps up to 2 s apart), */
const QUIET_MS = 5_000;
/** or for this many runs, whichever comes first. */
const MAX_UNLINKED = 20_000;

/**
 * Mesos keeps a `runs/latest` link to the newest run; best effort, made once no run has been
 * launched for QUIET_MS, or before the files are read (makePendingSandboxLinks) or the work
 * directory removed. An agent does this on its own machine, so it must cost the emulator
 * little, and nothing while a burst of launches is under way: the synchronous calls cost about
 * 30 µs a run of the one thread that also serves the operator (in the thread pool, made in
 * parallel, they contended for the same directories: 6,000 launches cost 10 s of kernel time).
 */
function linkLatestRun(sandboxDir: string, containerId: string): void {
  unlinked.push({ sandboxDir, containerId });
  launchedSinceLook = true;
  quietTimer ??= setTimeout(lookForQuiet, QUIET_MS).unref();
}

function lookForQuiet(): void {
  quietTimer = undefined;
  if (unlinked.length === 0) return;
  if (launchedSinceLook && unlinked.length < MAX_UNLINKED) {
    launchedSinceLook = false;
    quietTimer = setTimeout(lookForQuiet, QUIET_MS).unref();
    return;
  }
  makePendingSandboxLinks();
}

/** Makes the sandbox links still to make: before anyone looks at an agent's files, or its work directory is removed. */
export function makePendingSandboxLinks(): void {
  const runs = unlinked;
  unlinked = [];
  launchedSinceLook = false;
  for (const { sandboxDir, containerId } of runs) {
    try {
      mkdirSync(sandboxDir, { recursive: true });
      symlinkSync(containerId, join(sandboxDir, '..', 'latest'));
    } catch {
      // A second run of the same executor ID keeps the first link; nothing depends on it.
    }
  }
}

function taskKey(frameworkId: string, taskId: string): string {
  return `${frameworkId}\u0000${taskId}`;
}
