// What the master does with each non-SUBSCRIBE call from a connected framework, once the HTTP
// layer has accepted it: ACCEPT (offer and task validation, LAUNCH), DECLINE, REVIVE, SUPPRESS,
// KILL, SHUTDOWN, ACKNOWLEDGE, RECONCILE, TEARDOWN, UPDATE_FRAMEWORK, and the validated no-ops.
import type { Call, OfferOperation, ReconcileTask, TaskInfo, TaskStatus } from '../../mesos/types.ts';
import { isTerminal, type TaskRecord } from './agent.ts';
import type { Framework, OfferRecord } from './framework.ts';
import { sameBytes, uuidString } from './ids.ts';
import type { MasterCore } from './master.ts';
import { Resources } from './resources.ts';
import { frameworkInfoError, frameworkRoles, resourceError, taskError } from './validation.ts';

export interface CallResult { status: number; body?: string }

const ACCEPTED: CallResult = { status: 202 };

export function handleCall(master: MasterCore, framework: Framework, call: Call): CallResult {
  switch (call.type) {
    case 'TEARDOWN':
      master.removeFramework(framework);
      return ACCEPTED;
    case 'ACCEPT':
      accept(master, framework, call.accept ?? {});
      return ACCEPTED;
    case 'DECLINE':
      for (const offerId of call.decline?.offer_ids ?? []) {
        const offer = framework.offers.get(offerId.value);
        if (!offer) continue; // unknown or stale offer IDs are silently ignored
        master.removeOffer(offer);
        master.recover(framework, offer.agentId, offer.role, offer.resources, call.decline?.filters?.refuse_seconds);
      }
      return ACCEPTED;
    case 'REVIVE': {
      const roles = master.callRoles(framework, call.revive?.roles);
      if (!roles) return ACCEPTED; // an invalid or unsubscribed role drops the whole call
      master.filters.clearRoles(framework.id, roles);
      for (const role of roles) framework.suppressed.delete(role);
      master.requestAllocation();
      return ACCEPTED;
    }
    case 'SUPPRESS': {
      const roles = master.callRoles(framework, call.suppress?.roles);
      if (roles) for (const role of roles) framework.suppressed.add(role);
      return ACCEPTED;
    }
    case 'KILL':
      if (call.kill) kill(master, framework, call.kill);
      return ACCEPTED;
    case 'SHUTDOWN': {
      // A command task's executor ID is its task ID: shutting it down kills the task.
      const agent = call.shutdown && master.agents.get(call.shutdown.agent_id.value);
      const record = agent && call.shutdown && agent.task(framework.id, call.shutdown.executor_id.value);
      if (agent && record) agent.kill(record, undefined);
      return ACCEPTED;
    }
    case 'ACKNOWLEDGE': {
      const ack = call.acknowledge;
      const agent = ack && master.agents.get(ack.agent_id.value);
      const record = agent && ack && agent.task(framework.id, ack.task_id.value);
      if (!ack || !agent || !record) return ACCEPTED;
      // The ACK of the update the master knows as terminal moves the task to completed.
      if (framework.tasks.get(ack.task_id.value) === record && isTerminal(record.statusUpdateState) && sameBytes(record.statusUpdateUuid, ack.uuid)) {
        framework.complete(record);
      }
      agent.acknowledge(record, ack.uuid);
      return ACCEPTED;
    }
    case 'RECONCILE': {
      const tasks = call.reconcile?.tasks ?? [];
      const answers = tasks.length === 0
        ? [...framework.tasks.values()].map((record) => latestStateStatus(master, record))
        : tasks.flatMap((t) => explicitAnswer(master, framework, t) ?? []);
      for (const status of answers) master.sendStatus(framework, status);
      return ACCEPTED;
    }
    case 'UPDATE_FRAMEWORK':
      return updateFramework(master, framework, call);
    case 'MESSAGE': // best effort; the command executor ignores framework messages
    case 'REQUEST': // the built-in allocator ignores requests
    case 'ACCEPT_INVERSE_OFFERS': // no maintenance is emulated, so no inverse offers exist
    case 'DECLINE_INVERSE_OFFERS':
    case 'ACKNOWLEDGE_OPERATION_STATUS': // no operation feedback is emulated
    case 'RECONCILE_OPERATIONS':
      return ACCEPTED;
    default:
      return { status: 501 };
  }
}

// ---- ACCEPT

function accept(master: MasterCore, framework: Framework, call: NonNullable<Call['accept']>): void {
  const operations = call.operations ?? [];
  const offerIds = (call.offer_ids ?? []).map((o) => o.value);
  const checked = validateOffers(master, framework, offerIds);
  if (typeof checked === 'string') {
    // The whole ACCEPT fails; its valid offers are discarded with no filter.
    for (const id of offerIds) {
      const offer = framework.offers.get(id);
      if (offer) master.removeOffer(offer);
    }
    const state = framework.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST';
    for (const task of launchedTasks(operations)) {
      master.sendStatus(framework, master.masterStatus(task.task_id.value, state, 'REASON_INVALID_OFFERS',
        `Task launched with invalid offers: ${checked}`, task.agent_id.value));
    }
    return;
  }
  const offers = checked;
  const first = offers[0];
  const agent = first && master.agents.get(first.agentId);
  for (const offer of offers) master.removeOffer(offer);
  if (!first || !agent) return;
  const role = first.role;
  let pool = Resources.empty();
  for (const offer of offers) pool = pool.plus(offer.resources);
  const taskErrorStatus = (task: TaskInfo, message: string, reason: TaskStatus['reason'] = 'REASON_TASK_INVALID'): void => {
    master.sendStatus(framework, master.masterStatus(task.task_id.value, 'TASK_ERROR', reason, message, task.agent_id.value));
  };
  for (const operation of operations) {
    if (operation.type === 'LAUNCH') {
      const tasks = operation.launch?.task_infos ?? [];
      const invalid = operation.id !== undefined
        ? "The 'id' field cannot be set on LAUNCH operations"
        : tasks.flatMap((t) => [...(t.resources ?? []), ...(t.executor?.resources ?? [])]).map(resourceError).find((e) => e !== undefined);
      if (invalid !== undefined) {
        for (const task of tasks) taskErrorStatus(task, operation.id !== undefined ? invalid : `Task uses invalid resources: ${invalid}`);
        continue;
      }
      for (const task of tasks) {
        const resources = Resources.fromProto([...(task.resources ?? []), ...(task.executor?.resources ?? [])], role);
        const error = taskError({
          task, agentId: agent.id, resources, available: pool,
          isDuplicate: framework.tasks.has(task.task_id.value),
          isUnreachable: framework.unreachableTasks.has(task.task_id.value),
        });
        if (error) {
          taskErrorStatus(task, error);
          continue;
        }
        pool = pool.minus(resources);
        const taskRole = resources.allocationRoles()[0] ?? role;
        const record = agent.launch({
          info: task, framework: { ...framework.info, id: { value: framework.id } }, role: taskRole, resources,
          containerId: uuidString(master.config.random),
        });
        framework.tasks.set(task.task_id.value, record);
        master.history.launched(record, master.clock);
      }
    } else if (operation.type === 'LAUNCH_GROUP') {
      for (const task of launchedTasks([operation])) {
        taskErrorStatus(task, 'LAUNCH_GROUP is not supported by the Mesos master emulator', 'REASON_TASK_GROUP_INVALID');
      }
    } else if (operation.id !== undefined) {
      // RESERVE/UNRESERVE/CREATE/DESTROY/...: not emulated, so rejected like invalid resources.
      framework.send({
        type: 'UPDATE_OPERATION_STATUS',
        update_operation_status: { status: {
          operation_id: operation.id, state: 'OPERATION_ERROR', agent_id: { value: agent.id },
          message: `Operation attempted with invalid resources: ${operation.type ?? 'UNKNOWN'} is not supported by the Mesos master emulator`,
        } },
      });
    }
  }
  // What is left is declined implicitly, with the ACCEPT's filters (default 5 s).
  master.recover(framework, agent.id, role, pool, call.filters?.refuse_seconds);
}

function launchedTasks(operations: readonly OfferOperation[]): TaskInfo[] {
  return operations.flatMap((op) => {
    if (op.type === 'LAUNCH') return op.launch?.task_infos ?? [];
    if (op.type === 'LAUNCH_GROUP') return op.launch_group?.task_group.tasks ?? [];
    return [];
  });
}

/** §3.1 item 4, in order; an error text, or the offers. */
function validateOffers(master: MasterCore, framework: Framework, ids: readonly string[]): OfferRecord[] | string {
  if (ids.length === 0) return 'No offers specified';
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return `Duplicate offer ${id} in offer list`;
    seen.add(id);
  }
  const offers: OfferRecord[] = [];
  for (const id of ids) {
    const offer = master.offers.get(id);
    if (!offer) return `Offer ${id} is no longer valid`;
    if (offer.frameworkId !== framework.id) {
      return `Offer ${id} has invalid framework ${offer.frameworkId} while framework ${framework.id} is expected`;
    }
    offers.push(offer);
  }
  const [first] = offers;
  for (const offer of offers) {
    if (first && offer.role !== first.role) {
      return `Aggregated offers must be allocated to the same role. Offer ${offer.id} uses role ${offer.role} but offer ${first.id} uses role ${first.role}`;
    }
  }
  for (const offer of offers) {
    if (first && offer.agentId !== first.agentId) {
      return `Aggregated offers must belong to one single agent. Offer ${offer.id} uses agent ${offer.agentId} and offer ${first.id} uses agent ${first.agentId}`;
    }
  }
  return offers;
}

// ---- KILL and reconciliation

function kill(master: MasterCore, framework: Framework, call: NonNullable<Call['kill']>): void {
  const record = framework.tasks.get(call.task_id.value);
  if (!record) {
    // An unknown task gets exactly the explicit reconciliation answer.
    const answer = explicitAnswer(master, framework, call.agent_id ? { task_id: call.task_id, agent_id: call.agent_id } : { task_id: call.task_id });
    if (answer) master.sendStatus(framework, answer);
    return;
  }
  if (call.agent_id && call.agent_id.value !== record.agentId) return;
  const nanos = call.kill_policy?.grace_period?.nanoseconds;
  master.agents.get(record.agentId)?.kill(record, nanos !== undefined ? nanos / 1e6 : undefined);
}

/** The master's latest-state answer for a task it knows (no uuid, no data, no labels). */
function latestStateStatus(master: MasterCore, record: TaskRecord): TaskStatus {
  const status = master.masterStatus(record.info.task_id.value, record.statusUpdateState ?? record.state,
    'REASON_RECONCILIATION', 'Reconciliation: Latest task state', record.agentId);
  status.executor_id = { value: record.info.task_id.value };
  return status;
}

/** §3.5 explicit reconciliation for one entry. */
function explicitAnswer(master: MasterCore, framework: Framework, entry: ReconcileTask): TaskStatus | undefined {
  const taskId = entry.task_id.value;
  const record = framework.tasks.get(taskId);
  if (record) return latestStateStatus(master, record);
  const pa = framework.partitionAware;
  const agentId = entry.agent_id?.value;
  const unreachable = framework.unreachableTasks.get(taskId);
  const answer = (state: TaskStatus['state'], message: string): TaskStatus =>
    master.masterStatus(taskId, pa ? state : 'TASK_LOST', 'REASON_RECONCILIATION', message, agentId);
  if (unreachable && (agentId === undefined || agentId === unreachable.record.agentId)) {
    const status = master.masterStatus(taskId, pa ? 'TASK_UNREACHABLE' : 'TASK_LOST', 'REASON_RECONCILIATION',
      'Reconciliation: Task is unreachable', unreachable.record.agentId);
    if (unreachable.status.unreachable_time) status.unreachable_time = unreachable.status.unreachable_time;
    return status;
  }
  if (agentId !== undefined && master.agents.has(agentId)) return answer('TASK_GONE', 'Reconciliation: Task is unknown to the agent');
  const loss = agentId !== undefined ? master.lostAgents.get(agentId) : undefined;
  if (loss === 'unreachable') return answer('TASK_UNREACHABLE', 'Reconciliation: Task is unreachable');
  if (loss === 'gone') return answer('TASK_GONE_BY_OPERATOR', 'Reconciliation: Task is gone');
  return answer('TASK_UNKNOWN', 'Reconciliation: Task is unknown');
}

// ---- UPDATE_FRAMEWORK

function updateFramework(master: MasterCore, framework: Framework, call: Call): CallResult {
  const update = call.update_framework;
  if (!update) return { status: 400, body: "Expecting 'update_framework' to be present" };
  const info = structuredClone(update.framework_info);
  const suppressed = update.suppressed_roles ?? [];
  const invalid = frameworkInfoError(info, suppressed, master.config.roleWhitelist);
  if (invalid) return { status: 400, body: invalid };
  for (const field of ['principal', 'user', 'checkpoint'] as const) {
    if ((info[field] ?? defaultOf(field)) !== (framework.info[field] ?? defaultOf(field))) {
      return { status: 400, body: `Updating 'FrameworkInfo.${field}' is unsupported` };
    }
  }
  const oldRoles = frameworkRoles(framework.info);
  const newRoles = frameworkRoles(info);
  framework.info = info;
  // Offers for removed roles are rescinded; un-suppressed roles get their filters cleared.
  for (const offer of [...framework.offers.values()]) if (!newRoles.includes(offer.role)) master.rescind(offer);
  const unsuppressed = [...framework.suppressed].filter((r) => !suppressed.includes(r));
  master.filters.clearRoles(framework.id, unsuppressed);
  master.filters.clearRoles(framework.id, oldRoles.filter((r) => !newRoles.includes(r)));
  framework.suppressed = new Set(suppressed);
  return { status: 200 };
}

function defaultOf(field: 'principal' | 'user' | 'checkpoint'): string | boolean | undefined {
  return field === 'checkpoint' ? false : undefined;
}
