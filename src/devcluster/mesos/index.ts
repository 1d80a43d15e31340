// Public entry of the Mesos master emulator: `startMesosMaster(options)` listens on a local
// port and returns an EmulatedMesosMaster, whose methods are the test and admin hooks
// (allocation, heartbeats, stream faults, leadership, master restart, agents, close).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, systemRandom, type Clock, type Random } from '../../runtime/clock.ts';
import type { Attribute, Resource, TaskState } from '../../mesos/types.ts';
import { startAgentHttp, type AgentHttp } from './agent-http.ts';
import { launchCommandTask } from './executor.ts';
import { makePendingSandboxLinks, type LaunchFunction, type TaskRecord } from './agent.ts';
import { CallFaults, type CallFault, type CallFaultHooks } from './call-faults.ts';
import { requestListener, type Credential, type Leadership } from './http.ts';
import { ADVERTISED_HEARTBEAT_SECONDS, MasterCore, type AgentLoss } from './master.ts';
import { parseAttributes, parseResources, Resources } from './resources.ts';
import { masterState } from './state.ts';
import { MasterContender, type ZooKeeperContention } from './contender.ts';
import type { TaskHistoryEntry } from './task-history.ts';

export type { Leadership, Credential } from './http.ts';
export type { ZooKeeperContention } from './contender.ts';
export type { CallFault, CallFaultMode } from './call-faults.ts';
export type { TaskHistoryEntry } from './task-history.ts';
export type { AgentLoss } from './master.ts';

export const DEFAULT_AGENT_RESOURCES = 'cpus:4;mem:4096;disk:10240;ports:[31000-32000]';

export interface AgentOptions {
  /** Mesos resource flag text (`cpus:4;mem:4096;cpus(spark):2;gpus:1`) or resources. */
  resources?: string | Resource[];
  /** Mesos attribute flag text (`rack:r1;level:3;zone:[1-5];tags:{a,b}`) or attributes. */
  attributes?: string | Attribute[];
  hostname?: string;
  /**
   * The agent's port (offer URL, `/state`, MESOS_AGENT_ENDPOINT). Nothing listens there unless
   * `agentHttp` gave the agent an endpoint, in which case its free port is used.
   */
  port?: number;
}

export interface MesosMasterOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A count of default agents, or one entry per agent. Default: 3 default agents. */
  agents?: number | AgentOptions[];
  clock?: Clock;
  random?: Random;
  /** Sandboxes live under `<workDir>/slaves/...`; default: a fresh temp dir, removed on close. */
  workDir?: string;
  hostname?: string;
  masterId?: string;
  /** Real interval between HEARTBEATs (SUBSCRIBED still advertises 15 s). Default 15000. */
  heartbeatIntervalMs?: number;
  /** What SUBSCRIBED announces instead of 15 (tests of a misbehaving master only). */
  advertisedHeartbeatSeconds?: number;
  /** Default 1000. */
  allocationIntervalMs?: number;
  /** `--offer_timeout`; none by default. */
  offerTimeoutMs?: number;
  /** Status update resend backoff; default 10 s doubling to 10 min. */
  statusUpdateRetryMinMs?: number;
  statusUpdateRetryMaxMs?: number;
  /** Enables HTTP basic authentication of frameworks. */
  credentials?: Credential[];
  /** `--roles` whitelist; any role when absent. */
  roles?: string[];
  /** Serve the `/__admin/*` hooks over HTTP (the standalone CLI turns this on). */
  adminApi?: boolean;
  /**
   * Give each agent created at start its own HTTP endpoint on a free port, serving the files API
   * over its sandboxes as a real agent does. Agents added later get only a nominal port.
   */
  agentHttp?: boolean;
  /** Replaces the command executor (tests of the emulator only). */
  launchTask?: LaunchFunction;
  /**
   * Contend for leadership in ZooKeeper as a real master does (`--zk`): it leads only once
   * elected; until then it answers as a standby, 307 to the leader or 503 while none is known.
   */
  zookeeper?: ZooKeeperContention;
}

/** A view of one task for tests and tools. */
export interface TaskView { frameworkId: string; agentId: string; taskId: string; state: TaskState; sandboxDir: string; pid: number | undefined }

export class EmulatedMesosMaster implements CallFaultHooks {
  private server: Server | undefined;
  private readonly core: MasterCore;
  private readonly callFaults: CallFaults;
  private readonly host: string;
  private readonly ownsWorkDir: boolean;
  private readonly credentials: readonly Credential[] | undefined;
  private readonly adminApi: boolean;
  private leadership: Leadership = { mode: 'leader' };
  private readonly agentEndpoints = new Map<string, AgentHttp>();
  private contender: MasterContender | undefined;
  private closed = false;

  private constructor(core: MasterCore, host: string, ownsWorkDir: boolean, options: MesosMasterOptions) {
    this.core = core;
    this.adminApi = options.adminApi ?? false;
    this.host = host;
    this.ownsWorkDir = ownsWorkDir;
    this.credentials = options.credentials;
    this.callFaults = new CallFaults(core.config.random);
  }

  /** @internal use startMesosMaster. */
  static async start(options: MesosMasterOptions): Promise<EmulatedMesosMaster> {
    const ownsWorkDir = options.workDir === undefined;
    const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'mesos-emulator-'));
    const core = new MasterCore({
      clock: options.clock ?? systemClock,
      random: options.random ?? systemRandom,
      workDir,
      hostname: options.hostname ?? 'localhost',
      masterId: options.masterId,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 15_000,
      advertisedHeartbeatSeconds: options.advertisedHeartbeatSeconds ?? ADVERTISED_HEARTBEAT_SECONDS,
      allocationIntervalMs: options.allocationIntervalMs ?? 1000,
      offerTimeoutMs: options.offerTimeoutMs,
      statusUpdateRetryMinMs: options.statusUpdateRetryMinMs ?? 10_000,
      statusUpdateRetryMaxMs: options.statusUpdateRetryMaxMs ?? 600_000,
      roleWhitelist: options.roles,
      minAllocatable: { cpus: 0.01, mem: 32 },
      launch: options.launchTask ?? launchCommandTask,
    });
    const host = options.host ?? '127.0.0.1';
    const master = new EmulatedMesosMaster(core, host, ownsWorkDir, options);
    master.server = await master.listen(options.port ?? 0);
    const agents = options.agents ?? 3;
    const specs: AgentOptions[] = typeof agents === 'number' ? Array.from({ length: agents }, () => ({})) : agents;
    for (const spec of specs) {
      if (options.agentHttp !== true || spec.port !== undefined) {
        master.addAgent(spec);
        continue;
      }
      const endpoint = await startAgentHttp(host);
      const id = master.addAgent({ ...spec, port: endpoint.port });
      endpoint.bind(join(workDir, 'slaves', id));
      master.agentEndpoints.set(id, endpoint);
    }
    core.startAllocationTimer();
    if (options.zookeeper) master.contend(options.zookeeper);
    return master;
  }

  /** The `json.info_…` node this master registered in ZooKeeper, once it has. */
  get zooKeeperNode(): string | undefined {
    return this.contender?.node;
  }

  /** The master process dies: connections drop, and its ZooKeeper node stays until its session expires. */
  async crash(): Promise<void> {
    this.contender?.abandon();
    await this.close();
  }

  private contend(contention: ZooKeeperContention): void {
    this.leadership = { mode: 'none' };
    this.contender = new MasterContender(contention, {
      masterInfo: () => this.core.masterInfo(),
      elected: () => {
        this.leadership = { mode: 'leader' };
      },
      standby: (leader) => {
        // A leader never becomes a standby without losing its membership first.
        if (this.leadership.mode === 'leader') this.forgetAsAfterRestart();
        this.leadership = leader === undefined ? { mode: 'none' } : { mode: 'redirect', leader };
      },
      lostMembership: () => {
        this.forgetAsAfterRestart();
        this.leadership = { mode: 'none' };
      },
    });
    this.contender.start();
  }

  /** What a real master that exits on losing its membership knows once restarted: what its agents report. */
  private forgetAsAfterRestart(): void {
    this.core.forgetState();
    this.core.recoverFromAgents();
  }

  get port(): number {
    return this.core.port;
  }

  get url(): string {
    return `http://${this.host}:${this.core.port}`;
  }

  get masterId(): string {
    return this.core.masterId;
  }

  get workDir(): string {
    return this.core.config.workDir;
  }

  get agentIds(): string[] {
    return [...this.core.agents.keys()];
  }

  /** Runs one allocation pass now. */
  allocate(): void {
    this.core.allocate();
  }

  pauseHeartbeats(): void {
    this.core.heartbeatsPaused = true;
  }

  resumeHeartbeats(): void {
    this.core.heartbeatsPaused = false;
  }

  /** Resets the framework's subscription connection from the server side. */
  dropFramework(frameworkId: string): boolean {
    const stream = this.core.frameworks.get(frameworkId)?.stream;
    stream?.destroy();
    const framework = this.core.frameworks.get(frameworkId);
    if (framework && stream) this.core.disconnect(framework, stream);
    return stream !== undefined;
  }

  /** Writes raw bytes on the framework's stream (malformed-frame tests). */
  sendRawFrame(frameworkId: string, bytes: Uint8Array): boolean {
    const stream = this.core.frameworks.get(frameworkId)?.stream;
    stream?.sendRaw(bytes);
    return stream !== undefined;
  }

  /** The next `times` calls of the given types fail in the given way (see CallFaultMode). */
  failNextCalls(fault: CallFault): void {
    this.callFaults.failNextCalls(fault);
  }

  /** A fraction of calls of the given types fail in the given way; 0 turns it off. */
  setCallFaultRate(rate: number, fault?: Omit<CallFault, 'times'>): void {
    this.callFaults.setCallFaultRate(rate, fault);
  }

  clearCallFaults(): void {
    this.callFaults.clearCallFaults();
  }

  /** How many calls met an injected fault, by `<call type> <fault kind>`. */
  callFaultHits(): ReadonlyMap<string, number> {
    return this.callFaults.hits;
  }

  /** Leader (default), standby redirecting to another master, no leader, or recovering. */
  setLeadership(leadership: Leadership): void {
    this.leadership = leadership;
  }

  /**
   * Master failover on the same port: streams and connections close, frameworks, offers and
   * filters are forgotten; agents and their tasks survive and re-register at once, so a
   * framework resubscribing with its old ID finds its tasks again.
   */
  async restart(): Promise<void> {
    this.core.stopAllocationTimer();
    this.core.forgetState();
    await this.closeServer();
    this.core.recoverFromAgents();
    this.server = await this.listen(this.core.port);
    this.core.startAllocationTimer();
  }

  addAgent(options: AgentOptions = {}): string {
    const index = this.core.agents.size + this.core.lostAgents.size;
    const resources = options.resources ?? DEFAULT_AGENT_RESOURCES;
    const attributes = options.attributes ?? [];
    const agent = this.core.addAgent({
      hostname: options.hostname ?? 'localhost',
      port: options.port ?? 5051 + index,
      resources: Resources.fromProto(typeof resources === 'string' ? parseResources(resources) : resources),
      attributes: typeof attributes === 'string' ? parseAttributes(attributes) : attributes,
    });
    return agent.id;
  }

  /** Agent loss: RESCIND, FAILURE and TASK_LOST / TASK_UNREACHABLE (or *_GONE_BY_OPERATOR if gone). */
  removeAgent(agentId: string, loss: AgentLoss = 'unreachable'): boolean {
    const endpoint = this.agentEndpoints.get(agentId);
    this.agentEndpoints.delete(agentId);
    void endpoint?.close();
    return this.core.removeAgent(agentId, loss);
  }

  /** The `/state` document. */
  state(): Record<string, unknown> {
    return masterState(this.core);
  }

  /** Tasks the agents are running or still reporting. */
  tasks(): TaskView[] {
    return [...this.core.agents.values()].flatMap((a) => a.allTasks().map(view));
  }

  /** Every task launched since the emulator started, across master failovers, oldest first. */
  taskHistory(): TaskHistoryEntry[] {
    return this.core.history.entries();
  }

  task(frameworkId: string, taskId: string): TaskView | undefined {
    for (const agent of this.core.agents.values()) {
      const record = agent.task(frameworkId, taskId);
      if (record) return view(record);
    }
    return undefined;
  }

  /** Kills every task process and frees the port. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.contender?.withdraw();
    this.core.stopAllocationTimer();
    const processes = [...this.core.agents.values()].flatMap((a) => a.processes());
    for (const agent of this.core.agents.values()) agent.shutdown();
    this.core.forgetState();
    for (const p of processes) {
      // The executor's SIGKILL escalation runs on the (possibly fake) clock: do not wait for it.
      if (p.pid !== undefined) {
        try {
          process.kill(-p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await this.closeServer();
    await Promise.all([...this.agentEndpoints.values()].map((endpoint) => endpoint.close()));
    this.agentEndpoints.clear();
    await Promise.race([Promise.all(processes.map((p) => p.done)), new Promise((r) => setTimeout(r, 5000).unref())]);
    makePendingSandboxLinks();
    if (this.ownsWorkDir) rmSync(this.core.config.workDir, { recursive: true, force: true });
  }

  private async listen(port: number): Promise<Server> {
    const server = createServer({ requestTimeout: 0, keepAliveTimeout: 60_000 }, requestListener({
      core: () => this.core,
      leadership: () => this.leadership,
      credentials: this.credentials,
      admin: this.adminApi ? this : undefined,
      callFaults: this.callFaults,
    }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.core.port = (server.address() as AddressInfo).port;
    return server;
  }

  private closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

function view(record: TaskRecord): TaskView {
  return {
    frameworkId: record.frameworkId, agentId: record.agentId, taskId: record.info.task_id.value,
    state: record.state, sandboxDir: record.sandboxDir, pid: record.running?.pid,
  };
}

export function startMesosMaster(options: MesosMasterOptions = {}): Promise<EmulatedMesosMaster> {
  return EmulatedMesosMaster.start(options);
}
