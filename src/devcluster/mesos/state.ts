// The read-only `/state` document, shaped like the real master's (`src/master/http.cpp` and
// `src/common/http.cpp` model functions): leader info, agents, frameworks with their tasks,
// completed tasks and frameworks. Secret environment values are masked.
import type { CommandInfo, TaskStatus } from '../../mesos/types.ts';
import { isTerminal, type Agent, type TaskRecord } from './agent.ts';
import type { Framework } from './framework.ts';
import { MESOS_VERSION, type MasterCore } from './master.ts';
import { attributesJson, Resources } from './resources.ts';

type Json = Record<string, unknown>;

const TASK_STATE_COUNTERS = [
  'TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_KILLED',
  'TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_UNREACHABLE',
] as const;

export function masterState(master: MasterCore): Json {
  const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);
  const info = master.masterInfo();
  const pid = `master@127.0.0.1:${master.port}`;
  const agents = [...master.agents.values()];
  return {
    version: MESOS_VERSION,
    id: master.masterId,
    pid,
    hostname: info.hostname,
    start_time: seconds(master.startTime),
    elected_time: seconds(master.startTime),
    leader: pid,
    leader_info: info,
    activated_slaves: agents.length,
    deactivated_slaves: 0,
    unreachable_slaves: [...master.lostAgents.values()].filter((l) => l === 'unreachable').length,
    flags: {
      allocation_interval: `${master.config.allocationIntervalMs / 1000}secs`,
      work_dir: master.config.workDir,
      ...(master.config.roleWhitelist ? { roles: master.config.roleWhitelist.join(',') } : {}),
      ...(master.config.offerTimeoutMs !== undefined ? { offer_timeout: `${master.config.offerTimeoutMs / 1000}secs` } : {}),
    },
    slaves: agents.map((agent) => agentJson(master, agent)),
    frameworks: [...master.frameworks.values()].map(frameworkJson),
    completed_frameworks: master.completedFrameworks.map(frameworkJson),
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}

/**
 * The `/master/tasks` document: the tasks of the frameworks, active, unreachable and completed
 * (the master's bounded history), filtered by `framework_id` and `task_id` as the real endpoint is.
 */
export function masterTasks(master: MasterCore, query: URLSearchParams): Json {
  const frameworkId = query.get('framework_id');
  const taskId = query.get('task_id');
  const frameworks = [...master.frameworks.values(), ...master.completedFrameworks].filter((f) => frameworkId === null || f.id === frameworkId);
  const tasks = frameworks.flatMap((f) => [...f.tasks.values(), ...[...f.unreachableTasks.values()].map((u) => u.record), ...f.completedTasks]);
  const limit = Number(query.get('limit') ?? 100);
  return { tasks: tasks.filter((t) => taskId === null || t.info.task_id.value === taskId).slice(0, limit).map(taskJson) };
}

/** The `/master/slaves` document: every registered agent as `/state` lists it. */
export function masterAgents(master: MasterCore): Json {
  return { slaves: [...master.agents.values()].map((agent) => agentJson(master, agent)), recovered_slaves: [] };
}

function agentJson(master: MasterCore, agent: Agent): Json {
  const used = agent.used();
  const offered = Resources.sum([...master.offers.values()].filter((o) => o.agentId === agent.id).map((o) => o.resources));
  return {
    id: agent.id,
    pid: `slave(1)@127.0.0.1:${agent.port}`,
    hostname: agent.hostname,
    port: agent.port,
    registered_time: agent.registeredTime / 1000,
    resources: agent.total.summary(),
    used_resources: used.summary(),
    offered_resources: offered.summary(),
    reserved_resources: reservedByRole(agent.total),
    unreserved_resources: agent.total.filter((e) => e.reservation === undefined).summary(),
    attributes: attributesJson(agent.attributes),
    active: true,
    version: MESOS_VERSION,
  };
}

function reservedByRole(total: Resources): Record<string, Json> {
  const out: Record<string, Json> = {};
  const roles = new Set(total.entries.flatMap((e) => (e.reservation === undefined ? [] : [e.reservation])));
  for (const role of roles) out[role] = total.filter((e) => e.reservation === role).summary();
  return out;
}

function frameworkJson(f: Framework): Json {
  const seconds = (ms: number | undefined): number => (ms ?? 0) / 1000;
  const live = [...f.tasks.values()];
  const used = Resources.sum(live.filter((t) => !isTerminal(t.state)).map((t) => t.resources));
  const offered = Resources.sum([...f.offers.values()].map((o) => o.resources));
  const counters: Record<string, number> = {};
  for (const state of TASK_STATE_COUNTERS) counters[state] = live.filter((t) => t.state === state).length;
  const json: Json = {
    id: f.id,
    name: f.info.name,
    user: f.info.user,
    hostname: f.info.hostname ?? '',
    webui_url: f.info.webui_url ?? '',
    failover_timeout: f.info.failover_timeout ?? 0,
    checkpoint: f.info.checkpoint ?? false,
    capabilities: (f.info.capabilities ?? []).map((c) => c.type ?? 'UNKNOWN'),
    active: f.connected,
    connected: f.connected,
    recovered: f.state === 'recovered',
    registered_time: seconds(f.registeredTime),
    reregistered_time: seconds(f.reregisteredTime ?? f.registeredTime),
    unregistered_time: seconds(f.unregisteredTime),
    resources: used.plus(offered).summary(),
    used_resources: used.summary(),
    offered_resources: offered.summary(),
    suppressed_roles: [...f.suppressed],
    ...counters,
    tasks: live.map(taskJson),
    unreachable_tasks: [...f.unreachableTasks.values()].map((u) => taskJson(u.record)),
    completed_tasks: f.completedTasks.map(taskJson),
    offers: [...f.offers.values()].map((o) => ({
      id: o.id, framework_id: f.id, slave_id: o.agentId, resources: o.resources.summary(),
      ...(f.multiRole ? { allocation_info: { role: o.role } } : {}),
    })),
    executors: [],
    completed_executors: [],
  };
  if (f.info.principal !== undefined) json.principal = f.info.principal;
  if (f.multiRole) json.roles = f.info.roles ?? [];
  else json.role = f.info.role ?? '*';
  if (f.info.labels) json.labels = f.info.labels.labels ?? [];
  return json;
}

function taskJson(t: TaskRecord): Json {
  const json: Json = {
    id: t.info.task_id.value,
    name: t.info.name,
    framework_id: t.frameworkId,
    executor_id: '',
    slave_id: t.agentId,
    state: t.state,
    role: t.role,
    resources: t.resources.summary(),
    statuses: t.statuses.map(statusJson),
    // Not in the real master's task JSON (the agent's /state has it): where the sandbox lives.
    sandbox_directory: t.sandboxDir,
  };
  if (t.info.labels) json.labels = t.info.labels.labels ?? [];
  if (t.info.container) json.container = maskBytes(t.info.container);
  if (t.info.command) json.command = commandJson(t.info.command);
  if (t.info.kill_policy) json.kill_policy = t.info.kill_policy;
  return json;
}

function statusJson(s: TaskStatus): Json {
  const json: Json = { state: s.state, timestamp: s.timestamp ?? 0 };
  if (s.healthy !== undefined) json.healthy = s.healthy;
  if (s.labels) json.labels = s.labels.labels ?? [];
  return json;
}

/** CommandInfo with every SECRET's value masked: no secret reaches the state endpoint. */
function commandJson(c: CommandInfo): Json {
  const json: Json = { shell: c.shell ?? true };
  if (c.value !== undefined) json.value = c.value;
  if (c.arguments) json.arguments = c.arguments;
  if (c.user !== undefined) json.user = c.user;
  if (c.uris) json.uris = c.uris;
  if (c.environment) {
    json.environment = {
      variables: (c.environment.variables ?? []).map((v) => {
        if ((v.type ?? 'VALUE') !== 'SECRET') return { name: v.name, type: v.type ?? 'VALUE', value: v.value ?? '' };
        const secret: Json = { type: v.secret?.type ?? 'UNKNOWN' };
        if (v.secret?.reference) secret.reference = v.secret.reference;
        if (v.secret?.value) secret.value = { data: '******' };
        return { name: v.name, type: 'SECRET', secret };
      }),
    };
  }
  return json;
}

/** The only bytes in a ContainerInfo are secret values (image pull configs): mask them. */
function maskBytes(value: unknown): unknown {
  if (value instanceof Uint8Array) return '******';
  if (Array.isArray(value)) return value.map(maskBytes);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskBytes(v)]));
  }
  return value;
}
