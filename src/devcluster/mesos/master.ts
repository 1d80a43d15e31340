// The master's state and lifecycle semantics: framework subscribe/failover/disconnect/removal,
// heartbeats, offers and allocation, forwarding agent status updates, agents joining and
// leaving, and the in-memory amnesia of a master failover. Per-call handling is in calls.ts.
import type { Clock, Random } from '../../runtime/clock.ts';
import type { Call, Event, FrameworkInfo, MasterInfo, Offer, TaskState, TaskStatus } from '../../mesos/types.ts';
import { Agent, isTerminal, type LaunchFunction, type TaskRecord } from './agent.ts';
import { allocate, OfferFilters, refuseDurationMs, type MinAllocatable } from './allocator.ts';
import { Framework, type EventStream, type OfferRecord } from './framework.ts';
import { uuidString } from './ids.ts';
import { Resources } from './resources.ts';
import { TaskHistory } from './task-history.ts';
import { frameworkInfoError, frameworkRoles } from './validation.ts';

/** What SUBSCRIBED advertises, whatever the (test-tunable) real interval is. */
export const ADVERTISED_HEARTBEAT_SECONDS = 15;
export const MESOS_VERSION = '1.11.0';
const COMPLETED_FRAMEWORKS_LIMIT = 50;

export interface MasterConfig {
  clock: Clock;
  random: Random;
  workDir: string;
  hostname: string;
  /** Fixed master ID; a fresh one per (re)start when absent. */
  masterId: string | undefined;
  heartbeatIntervalMs: number;
  /** What SUBSCRIBED announces (a real master: always 15). */
  advertisedHeartbeatSeconds: number;
  allocationIntervalMs: number;
  offerTimeoutMs: number | undefined;
  statusUpdateRetryMinMs: number;
  statusUpdateRetryMaxMs: number;
  roleWhitelist: readonly string[] | undefined;
  minAllocatable: MinAllocatable;
  launch: LaunchFunction;
}

export interface AgentDefinition {
  hostname: string;
  port: number;
  resources: Resources;
  attributes: Agent['attributes'];
}

export type AgentLoss = 'unreachable' | 'gone';

export class MasterCore {
  readonly config: MasterConfig;
  readonly agents = new Map<string, Agent>();
  /** Agents that left, for reconciliation answers. */
  readonly lostAgents = new Map<string, AgentLoss>();
  frameworks = new Map<string, Framework>();
  completedFrameworks: Framework[] = [];
  readonly offers = new Map<string, OfferRecord>();
  readonly filters = new OfferFilters();
  masterId: string;
  port = 0;
  startTime: number;
  heartbeatsPaused = false;
  /** Every task launched since the emulator started; survives master failovers. */
  readonly history = new TaskHistory();
  private frameworkCounter = 0;
  private offerCounter = 0;
  private agentCounter = 0;
  private cancelAllocationTimer: (() => void) | undefined;
  private allocationRequested = false;

  constructor(config: MasterConfig) {
    this.config = config;
    this.masterId = config.masterId ?? uuidString(config.random);
    this.startTime = config.clock.now();
  }

  get clock(): Clock {
    return this.config.clock;
  }

  masterInfo(): MasterInfo {
    // `ip` is the IPv4 address in network byte order read as a host (little-endian) uint32.
    const ip = Buffer.from([127, 0, 0, 1]).readUInt32LE(0);
    return {
      id: this.masterId, ip, port: this.port, pid: `master@127.0.0.1:${this.port}`,
      hostname: this.config.hostname, version: MESOS_VERSION,
      address: { hostname: this.config.hostname, ip: '127.0.0.1', port: this.port },
    };
  }

  startAllocationTimer(): void {
    this.cancelAllocationTimer?.();
    const tick = (): void => {
      this.cancelAllocationTimer = this.clock.setTimer(this.config.allocationIntervalMs, tick);
      this.allocate();
    };
    this.cancelAllocationTimer = this.clock.setTimer(this.config.allocationIntervalMs, tick);
  }

  stopAllocationTimer(): void {
    this.cancelAllocationTimer?.();
    this.cancelAllocationTimer = undefined;
  }

  // ---- frameworks

  /** Runs after the 200 stream is open; refusals are an ERROR event followed by EOF. */
  subscribe(call: Call, stream: EventStream, principal: string | undefined): void {
    const subscribe = call.subscribe;
    if (!subscribe) return stream.end("Expecting 'subscribe' to be present");
    const info: FrameworkInfo = structuredClone(subscribe.framework_info);
    const suppressed = subscribe.suppressed_roles ?? [];
    const error = frameworkInfoError(info, suppressed, this.config.roleWhitelist);
    if (error) return stream.end(error);
    if (principal !== undefined && info.principal === undefined) info.principal = principal;
    let framework: Framework;
    if (info.id) {
      const id = info.id.value;
      if (this.completedFrameworks.some((f) => f.id === id)) return stream.end('Framework has been removed');
      const known = this.frameworks.get(id);
      if (known) {
        if (known.info.principal !== info.principal) return stream.end("Changing framework's principal is not allowed.");
        // On resubscribe `user` and `checkpoint` silently keep their old values.
        setOrDelete(info, 'user', known.info.user);
        setOrDelete(info, 'checkpoint', known.info.checkpoint);
        known.info = info;
        framework = known;
      } else {
        // A well-formed unknown ID (e.g. after a master failover) is recovered under that ID.
        framework = this.addFramework(id, info);
      }
    } else {
      const id = `${this.masterId}-${String(this.frameworkCounter++).padStart(4, '0')}`;
      info.id = { value: id };
      framework = this.addFramework(id, info);
    }
    framework.suppressed = new Set(suppressed);
    this.connect(framework, stream);
  }

  private addFramework(id: string, info: FrameworkInfo): Framework {
    const framework = new Framework(id, info, 'disconnected', this.clock.now());
    this.frameworks.set(id, framework);
    return framework;
  }

  private connect(framework: Framework, stream: EventStream): void {
    const old = framework.stream;
    framework.stream = undefined;
    old?.end('Framework failed over');
    // Old offers are discarded without RESCIND; the client forgets them on SUBSCRIBED.
    for (const offer of [...framework.offers.values()]) this.removeOffer(offer);
    this.filters.clearFramework(framework.id);
    framework.stopTimers();
    framework.stream = stream;
    framework.state = 'connected';
    framework.reregisteredTime = this.clock.now();
    framework.unregisteredTime = undefined;
    stream.onClientClose(() => this.disconnect(framework, stream));
    stream.send({
      type: 'SUBSCRIBED',
      subscribed: {
        framework_id: { value: framework.id },
        heartbeat_interval_seconds: this.config.advertisedHeartbeatSeconds,
        master_info: this.masterInfo(),
      },
    });
    this.startHeartbeats(framework, stream);
    // The agents learn the new FrameworkInfo and resend their pending updates at once.
    for (const agent of this.agents.values()) agent.resume(framework.id, framework.info);
    this.allocate();
  }

  private startHeartbeats(framework: Framework, stream: EventStream): void {
    const beat = (): void => {
      if (framework.stream !== stream || !stream.isOpen) return;
      if (!this.heartbeatsPaused) stream.send({ type: 'HEARTBEAT' });
      framework.cancelHeartbeat = this.clock.setTimer(this.config.heartbeatIntervalMs, beat);
    };
    beat();
  }

  /** The subscription broke: offers go back, calls get 403, the failover timer starts. */
  disconnect(framework: Framework, stream: EventStream): void {
    if (framework.stream !== stream) return;
    framework.stream = undefined;
    framework.state = 'disconnected';
    framework.unregisteredTime = this.clock.now();
    framework.stopTimers();
    for (const offer of [...framework.offers.values()]) this.removeOffer(offer);
    this.filters.clearFramework(framework.id);
    const timeoutMs = (framework.info.failover_timeout ?? 0) * 1000;
    if (timeoutMs <= 0) {
      this.removeFramework(framework);
      return;
    }
    const disconnectedAt = framework.reregisteredTime;
    framework.cancelFailover = this.clock.setTimer(timeoutMs, () => {
      framework.cancelFailover = undefined;
      // A resubscribe in the meantime changed reregisteredTime: the timer then does nothing.
      if (framework.state === 'disconnected' && framework.reregisteredTime === disconnectedAt) this.removeFramework(framework);
    });
  }

  /** TEARDOWN or failover timeout: tasks killed (no updates sent), ID completed for good. */
  removeFramework(framework: Framework): void {
    framework.stopTimers();
    const stream = framework.stream;
    framework.stream = undefined;
    framework.state = 'disconnected';
    framework.unregisteredTime ??= this.clock.now();
    stream?.end();
    for (const offer of [...framework.offers.values()]) this.removeOffer(offer);
    this.filters.clearFramework(framework.id);
    for (const agent of this.agents.values()) agent.shutdownFramework(framework.id);
    for (const record of [...framework.tasks.values()]) {
      if (!isTerminal(record.state)) {
        record.state = 'TASK_KILLED';
        this.agents.get(record.agentId)?.recount(record);
        record.statuses.push(this.masterStatus(record.info.task_id.value, 'TASK_KILLED', 'REASON_FRAMEWORK_REMOVED', 'Framework removed', record.agentId));
      }
      framework.complete(record);
    }
    framework.unreachableTasks.clear();
    this.frameworks.delete(framework.id);
    this.completedFrameworks.push(framework);
    if (this.completedFrameworks.length > COMPLETED_FRAMEWORKS_LIMIT) this.completedFrameworks.shift();
  }

  // ---- offers

  /**
   * An allocation pass soon, after the calls already received: as the real allocator does, a
   * burst of REVIVEs (one per submission, from some schedulers) costs one pass, not one each.
   */
  requestAllocation(): void {
    if (this.allocationRequested) return;
    this.allocationRequested = true;
    setImmediate(() => {
      this.allocationRequested = false;
      this.allocate();
    }).unref();
  }

  /** One allocation pass over all agents; new offers go out as one OFFERS event per framework. */
  allocate(): void {
    const wanting = [...this.frameworks.values()]
      .filter((f) => f.connected)
      .map((f) => ({ f, roles: f.roles.filter((r) => !f.suppressed.has(r)) }))
      .filter((c) => c.roles.length > 0);
    if (wanting.length === 0) return;
    // What each holds only orders several frameworks; adding it up over every task is not free.
    const candidates = wanting.map(({ f, roles }) => ({
      frameworkId: f.id, roles, gpuCapable: f.capable('GPU_RESOURCES'), cpusHeld: wanting.length > 1 ? this.cpusHeld(f) : 0,
    }));
    const offered = this.offeredByAgent();
    const agents = [...this.agents.values()].map((a) => ({ id: a.id, available: this.available(a, offered.get(a.id)), hasGpus: a.hasGpus }));
    const created = allocate(agents, candidates, this.filters, this.clock.now(), this.config.minAllocatable);
    const byFramework = new Map<string, Offer[]>();
    for (const n of created) {
      const framework = this.frameworks.get(n.frameworkId);
      const agent = this.agents.get(n.agentId);
      if (!framework || !agent) continue;
      const offer = this.addOffer(framework, agent, n.role, n.resources);
      const list = byFramework.get(framework.id) ?? [];
      list.push(offer);
      byFramework.set(framework.id, list);
    }
    for (const [id, offers] of byFramework) this.frameworks.get(id)?.send({ type: 'OFFERS', offers: { offers } });
  }

  /** total − used − offered (what `offeredByAgent` says for it) on the agent, unallocated. */
  private available(agent: Agent, offered: Resources | undefined): Resources {
    const free = agent.total.minus(agent.used().allocatedTo(undefined));
    return offered === undefined ? free : free.minus(offered.allocatedTo(undefined));
  }

  /** What is out in offers, per agent. */
  private offeredByAgent(): Map<string, Resources> {
    const byAgent = new Map<string, Resources[]>();
    for (const o of this.offers.values()) {
      const list = byAgent.get(o.agentId);
      if (list === undefined) byAgent.set(o.agentId, [o.resources]);
      else list.push(o.resources);
    }
    return new Map([...byAgent].map(([id, list]) => [id, Resources.sum(list)]));
  }

  private cpusHeld(framework: Framework): number {
    let cpus = 0;
    for (const t of framework.tasks.values()) if (!isTerminal(t.state)) cpus += t.resources.scalar('cpus');
    for (const o of framework.offers.values()) cpus += o.resources.scalar('cpus');
    return cpus;
  }

  private addOffer(framework: Framework, agent: Agent, role: string, resources: Resources): Offer {
    const id = `${this.masterId}-O${this.offerCounter++}`;
    const record: OfferRecord = { id, frameworkId: framework.id, agentId: agent.id, role, resources, cancelTimeout: undefined };
    this.offers.set(id, record);
    framework.offers.set(id, record);
    const timeout = this.config.offerTimeoutMs;
    if (timeout !== undefined && timeout > 0) record.cancelTimeout = this.clock.setTimer(timeout, () => this.rescind(record));
    const offer: Offer = {
      id: { value: id },
      framework_id: { value: framework.id },
      agent_id: { value: agent.id },
      hostname: agent.hostname,
      url: { scheme: 'http', address: { hostname: agent.hostname, ip: '127.0.0.1', port: agent.port }, path: '/slave(1)' },
      resources: resources.toProto({ multiRole: framework.multiRole, refinement: framework.capable('RESERVATION_REFINEMENT') }),
      attributes: structuredClone(agent.attributes),
    };
    if (framework.multiRole) offer.allocation_info = { role };
    return offer;
  }

  /** Ends an offer; its resources are free again (no filter). */
  removeOffer(offer: OfferRecord): void {
    offer.cancelTimeout?.();
    this.offers.delete(offer.id);
    this.frameworks.get(offer.frameworkId)?.offers.delete(offer.id);
  }

  /** The master takes an offer back and tells the framework (offer timeout, agent removal, role removal). */
  rescind(offer: OfferRecord): void {
    if (!this.offers.has(offer.id)) return;
    this.removeOffer(offer);
    this.frameworks.get(offer.frameworkId)?.send({ type: 'RESCIND', rescind: { offer_id: { value: offer.id } } });
  }

  /** Unused resources of a DECLINE or ACCEPT go back with the refusal filter (§3.2). */
  recover(framework: Framework, agentId: string, role: string, resources: Resources, refuseSeconds: number | undefined): void {
    if (resources.isEmpty()) return;
    const ms = refuseDurationMs(refuseSeconds, this.config.allocationIntervalMs);
    if (ms > 0) this.filters.add(framework.id, role, agentId, resources, this.clock.now() + ms);
  }

  // ---- status updates

  /** The master's side of an agent's forwarded update: record it, deliver it if connected. */
  forwardUpdate(record: TaskRecord, status: TaskStatus, latestState: TaskState): void {
    const framework = this.frameworks.get(record.frameworkId);
    if (!framework || framework.tasks.get(record.info.task_id.value) !== record) return;
    // Once terminal, the master's task state no longer changes.
    if (!isTerminal(record.state)) record.state = latestState;
    this.agents.get(record.agentId)?.recount(record);
    record.statusUpdateState = status.state;
    record.statusUpdateUuid = status.uuid;
    const last = record.statuses[record.statuses.length - 1];
    if (last?.state !== status.state) record.statuses.push(status);
    // A disconnected framework's update is dropped; the agent keeps retrying.
    framework.send({ type: 'UPDATE', update: { status } });
  }

  masterStatus(taskId: string, state: TaskState, reason: TaskStatus['reason'], message: string, agentId?: string): TaskStatus {
    const status: TaskStatus = { task_id: { value: taskId }, state, source: 'SOURCE_MASTER', message, timestamp: this.clock.now() / 1000 };
    if (reason !== undefined) status.reason = reason;
    if (agentId !== undefined) status.agent_id = { value: agentId };
    return status;
  }

  /** A master-generated update: no uuid, never retried, must not be ACKed. */
  sendStatus(framework: Framework, status: TaskStatus): void {
    framework.send({ type: 'UPDATE', update: { status } });
  }

  // ---- agents

  addAgent(definition: AgentDefinition): Agent {
    const id = `${this.masterId}-S${this.agentCounter++}`;
    const agent = new Agent({ id, ...definition }, {
      clock: this.clock, random: this.config.random, workDir: this.config.workDir, launch: this.config.launch,
      retry: { clock: this.clock, minMs: this.config.statusUpdateRetryMinMs, maxMs: this.config.statusUpdateRetryMaxMs },
      forward: (record, status, latest) => this.forwardUpdate(record, status, latest),
    });
    this.agents.set(id, agent);
    this.allocate();
    return agent;
  }

  /** The agent is lost: RESCIND its offers, FAILURE to everyone, master updates for its tasks. */
  removeAgent(agentId: string, loss: AgentLoss): boolean {
    const agent = this.agents.get(agentId);
    if (!agent) return false;
    this.agents.delete(agentId);
    this.lostAgents.set(agentId, loss);
    for (const offer of [...this.offers.values()]) if (offer.agentId === agentId) this.rescind(offer);
    const failure: Event = { type: 'FAILURE', failure: { agent_id: { value: agentId } } };
    for (const framework of this.frameworks.values()) framework.send(failure);
    const now = this.clock.now();
    for (const record of agent.shutdown()) {
      const framework = this.frameworks.get(record.frameworkId);
      if (!framework || framework.tasks.get(record.info.task_id.value) !== record) continue;
      const pa = framework.partitionAware;
      let state: TaskState = 'TASK_LOST';
      if (pa) state = loss === 'gone' ? 'TASK_GONE_BY_OPERATOR' : 'TASK_UNREACHABLE';
      const reason = loss === 'gone' ? 'REASON_AGENT_REMOVED_BY_OPERATOR' : 'REASON_AGENT_REMOVED';
      const status = this.masterStatus(record.info.task_id.value, state, reason, `Agent ${agent.hostname} removed`, agentId);
      status.unreachable_time = { nanoseconds: now * 1e6 };
      this.sendStatus(framework, status);
      // As the master's updateTask: a task that already ended (its terminal update not yet
      // acknowledged) keeps its state; the update is sent and recorded all the same.
      if (!isTerminal(record.state)) record.state = state;
      record.statuses.push(status);
      if (state === 'TASK_UNREACHABLE') {
        framework.tasks.delete(record.info.task_id.value);
        framework.unreachableTasks.set(record.info.task_id.value, { record, status });
      } else {
        framework.complete(record);
      }
    }
    return true;
  }

  // ---- master failover

  /** Forget everything a real master keeps only in memory; agents and their tasks survive. */
  forgetState(): void {
    for (const framework of this.frameworks.values()) {
      framework.stopTimers();
      const stream = framework.stream;
      framework.stream = undefined;
      stream?.destroy();
    }
    for (const offer of this.offers.values()) offer.cancelTimeout?.();
    this.offers.clear();
    this.filters.clearAll();
    this.frameworks = new Map();
    this.completedFrameworks = [];
    this.lostAgents.clear();
    if (this.config.masterId === undefined) this.masterId = uuidString(this.config.random);
    this.startTime = this.clock.now();
  }

  /** Agents re-register: their frameworks come back as "recovered", owning their tasks again. */
  recoverFromAgents(): void {
    for (const agent of this.agents.values()) {
      for (const record of agent.allTasks()) {
        let framework = this.frameworks.get(record.frameworkId);
        if (!framework) {
          const info = agent.frameworks.get(record.frameworkId) ?? { user: '', name: '' };
          framework = new Framework(record.frameworkId, structuredClone(info), 'recovered', this.clock.now());
          this.frameworks.set(framework.id, framework);
        }
        framework.tasks.set(record.info.task_id.value, record);
      }
    }
  }

  /** Roles a SUPPRESS/REVIVE names (all subscribed roles when empty); undefined if any is not subscribed. */
  callRoles(framework: Framework, roles: readonly string[] | undefined): string[] | undefined {
    const subscribed = frameworkRoles(framework.info);
    const list = roles && roles.length > 0 ? [...roles] : subscribed;
    return list.every((r) => subscribed.includes(r)) ? list : undefined;
  }
}

function setOrDelete<K extends 'user' | 'checkpoint'>(info: FrameworkInfo, key: K, value: FrameworkInfo[K] | undefined): void {
  if (value === undefined) delete info[key];
  else info[key] = value;
}
