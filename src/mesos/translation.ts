// The translation between the scheduler core's words and Mesos's: the one place outside the wire
// layer that knows the v1 protobuf shapes, and the only one that knows the TASK_* and REASON_*
// names. In: the subscription's events, offers and task status updates (with what proves a
// launch never reached an agent, and what an acknowledgement needs). Out: a planned task as a
// TaskInfo, the framework's settings as a FrameworkInfo, and the names people know, for the
// status, metrics and logs. Pure.

import {
  attemptEnvironment, fromMilli, TASK_STATES as CORE_TASK_STATES, toMilli,
  type Acknowledgement, type AttributeValue, type ClaimedResource, type ContainerPlan, type Label as CoreLabel,
  type Offer as CoreOffer, type OfferedResource, type PlannedTask, type SecretRef, type TaskState as CoreTaskState,
  type TaskUpdate, type TaskVariable, type VolumePlan,
} from '../scheduler/index.ts';
import {
  TASK_STATES, TASK_STATUS_REASONS, TERMINAL_TASK_STATES,
  type Attribute, type ContainerInfo, type EnvironmentVariable, type FrameworkInfo, type Label, type Offer, type Resource,
  type Secret, type TaskInfo, type TaskState, type TaskStatus, type TaskStatusSource, type Volume,
} from './types.ts';
import type { MesosEvent } from './mesos-port.ts';
import type { SchedulerEvent } from './scheduler-client.ts';

// ---- Task states, reasons and sources: the names people see ------------------------------

const MESOS_STATE: Readonly<Record<CoreTaskState, TaskState>> = {
  staging: 'TASK_STAGING', starting: 'TASK_STARTING', running: 'TASK_RUNNING', killing: 'TASK_KILLING',
  finished: 'TASK_FINISHED', failed: 'TASK_FAILED', killed: 'TASK_KILLED', error: 'TASK_ERROR', lost: 'TASK_LOST',
  dropped: 'TASK_DROPPED', unreachable: 'TASK_UNREACHABLE', gone: 'TASK_GONE', goneByOperator: 'TASK_GONE_BY_OPERATOR',
  unknown: 'TASK_UNKNOWN',
};
const CORE_STATE: ReadonlyMap<string, CoreTaskState> = new Map(CORE_TASK_STATES.map((state) => [MESOS_STATE[state], state]));

/** Every Mesos task state name, the reasons and the sources: the enums of the SparkDriver status. */
export { TASK_STATES as MESOS_TASK_STATES, TASK_STATUS_REASONS as MESOS_TASK_REASONS };
export const MESOS_TASK_SOURCES = ['SOURCE_MASTER', 'SOURCE_AGENT', 'SOURCE_EXECUTOR'] as const satisfies readonly TaskStatusSource[];
export type MesosTaskStateName = TaskState;

/** How Mesos names a task state (TASK_RUNNING, …): what users know, in the status, metrics and logs. */
export function taskStateName(state: CoreTaskState): MesosTaskStateName {
  return MESOS_STATE[state];
}

/** The task state a Mesos name stands for, or undefined for a name Mesos does not have. */
export function taskStateOfName(name: MesosTaskStateName): CoreTaskState;
export function taskStateOfName(name: string): CoreTaskState | undefined;
export function taskStateOfName(name: string): CoreTaskState | undefined {
  return CORE_STATE.get(name);
}

/** The master's `isTerminalState`: the task has ended for good (UNREACHABLE and UNKNOWN have not). */
export function isTerminalTaskStateName(name: string): boolean {
  return (TERMINAL_TASK_STATES as ReadonlySet<string>).has(name);
}

const KNOWN_REASONS: ReadonlySet<string> = new Set<string>(TASK_STATUS_REASONS);
const KNOWN_SOURCES: ReadonlySet<string> = new Set<string>(MESOS_TASK_SOURCES);

export const isMesosTaskReason = (reason: string): reason is (typeof TASK_STATUS_REASONS)[number] => KNOWN_REASONS.has(reason);
export const isMesosTaskSource = (source: string): source is (typeof MESOS_TASK_SOURCES)[number] => KNOWN_SOURCES.has(source);

// ---- In: events, status updates -------------------------------------------------------------

/** A subscription event in the core's words, or why it has none (an update in a state newer than our protos). */
export function mesosEventOf(event: SchedulerEvent): { ok: true; event: MesosEvent } | { ok: false; problem: string } {
  switch (event.type) {
    case 'subscribed':
      return { ok: true, event: { type: 'subscribed', frameworkId: event.frameworkId, heartbeatIntervalSeconds: event.heartbeatIntervalSeconds, master: event.master } };
    case 'offers':
      return { ok: true, event: { type: 'offers', offers: event.offers.map(offerOf) } };
    case 'update': {
      const update = taskUpdateOf(event.status);
      if (update === undefined) return { ok: false, problem: `an update of task ${event.status.task_id.value} in state ${String(event.status.state)}, which this dispatcher does not know` };
      return { ok: true, event: { type: 'update', update } };
    }
    default:
      return { ok: true, event };
  }
}

/**
 * A status update in the core's words; undefined for a state newer than our protos (the codec
 * hands an unknown enum value over as its number). A reason or source newer than our protos is
 * kept as that number's text.
 */
export function taskUpdateOf(status: TaskStatus): TaskUpdate | undefined {
  const state = CORE_STATE.get(status.state);
  if (state === undefined) return undefined;
  const acknowledgement = acknowledgementOf(status);
  return {
    status: {
      taskId: status.task_id.value,
      state,
      ...(status.reason !== undefined && { reason: String(status.reason) }),
      ...(status.message !== undefined && { message: status.message }),
      ...(status.source !== undefined && { source: String(status.source) }),
      ...(status.agent_id !== undefined && { agentId: status.agent_id.value }),
      ...(status.timestamp !== undefined && { timestamp: status.timestamp }),
    },
    stateName: status.state,
    neverReachedAnAgent: neverReachedAnAgent(status),
    ...(acknowledgement !== undefined && { acknowledgement }),
  };
}

/**
 * A report that a task is lost or unknown because its agent was removed (or, from
 * reconciliation, without proof it never ran): the agent may have gone after the task ended,
 * its end never recorded by a dispatcher that died meanwhile. The master's completed tasks may
 * still say how it really ended.
 */
export function isUnprovenLoss(update: TaskUpdate): boolean {
  const { state, reason } = update.status;
  if (update.neverReachedAnAgent || !(state === 'lost' || state === 'unknown' || state === 'goneByOperator' || state === 'gone')) return false;
  return reason === 'REASON_RECONCILIATION' || reason === 'REASON_AGENT_REMOVED' || reason === 'REASON_AGENT_REMOVED_BY_OPERATOR';
}

/**
 * `update` as the master's record of the completed task says it ended (`stateName`, a terminal
 * Mesos state), when that is another end than the one the update reports; else undefined.
 */
export function asRecordedEnd(update: TaskUpdate, stateName: string): TaskUpdate | undefined {
  const state = taskStateOfName(stateName);
  if (state === undefined || !isTerminalTaskStateName(stateName) || state === update.status.state || state === 'lost' || state === 'unknown') return undefined;
  const { reason: _reason, ...status } = update.status;
  return {
    status: { ...status, state, message: `the master's record of the completed task (reconciliation said ${update.stateName}: ${update.status.message ?? ''})` },
    stateName, neverReachedAnAgent: false,
  };
}

/**
 * What an ACKNOWLEDGE of this update needs, or undefined when it must not be acknowledged: an
 * update without a uuid was generated by the master (reconciliation, validation, agent loss) and
 * is never resent.
 */
export function acknowledgementOf(status: TaskStatus): Acknowledgement | undefined {
  if (status.uuid === undefined || status.uuid.length === 0 || status.agent_id === undefined) return undefined;
  // A copy of the 16 bytes: the decoded uuid is a view of the whole chunk read from the stream
  // (64 KiB), which an update waiting for its ACK would otherwise keep alive.
  return { taskId: status.task_id.value, agentId: status.agent_id.value, token: Uint8Array.from(status.uuid) };
}

/** The master's reconciliation message for a task its registered agent does not have. */
export const UNKNOWN_TO_THE_AGENT = 'Task is unknown to the agent';

/**
 * Whether a terminal update proves that the launch never reached an agent (the core counts it
 * only as an attempt's first news). Only these answers are proof (the master generates them; a
 * task that reached an agent is known to the master until its terminal update is acknowledged,
 * which happens only once it is recorded):
 * - TASK_DROPPED: a launch that failed before it reached an agent (partition-aware frameworks);
 * - TASK_LOST with REASON_INVALID_OFFERS: the ACCEPT's offers were invalid (rescinded, reused);
 * - the explicit reconciliation answer for a task whose agent is registered and does not have it:
 *   TASK_GONE (partition-aware) or TASK_LOST, "Reconciliation: Task is unknown to the agent".
 * Not proof: the answers for a task whose agent the master does not know (TASK_UNKNOWN, or
 * TASK_LOST "Task is unknown"), is gone or unreachable. That agent may have been removed with
 * the task on it, after it ran or even finished (its end unrecorded when a replica died), as
 * Mesos says of TASK_UNKNOWN: "the task may or may not still be running". Nor is agent loss.
 */
export function neverReachedAnAgent(status: Pick<TaskStatus, 'state' | 'reason' | 'message'>): boolean {
  switch (status.state) {
    case 'TASK_DROPPED':
      return true;
    case 'TASK_GONE':
      return status.reason === 'REASON_RECONCILIATION';
    case 'TASK_LOST':
      return status.reason === 'REASON_INVALID_OFFERS'
        || (status.reason === 'REASON_RECONCILIATION' && (status.message ?? '').endsWith(UNKNOWN_TO_THE_AGENT));
    default:
      return false;
  }
}

// ---- In: offers ----------------------------------------------------------------------------

/** An offer as the core places drivers on it: its scalar cpus and mem, numbered, and the agent's attributes. */
export function offerOf(offer: Offer): CoreOffer {
  const cpus: OfferedResource[] = [];
  const mem: OfferedResource[] = [];
  (offer.resources ?? []).forEach((resource, index) => {
    const pieces = resource.type !== 'SCALAR' ? undefined : resource.name === 'cpus' ? cpus : resource.name === 'mem' ? mem : undefined;
    const amountMilli = toMilli(resource.scalar?.value ?? 0);
    if (pieces !== undefined && amountMilli > 0) pieces.push({ index, role: resource.allocation_info?.role ?? resource.role ?? '*', amountMilli });
  });
  return {
    id: offer.id.value, agentId: offer.agent_id.value, hostname: offer.hostname, frameworkId: offer.framework_id.value,
    cpus, mem, attributes: attributesOf(offer.attributes),
  };
}

/** An agent's attributes by name; the last one wins when a name repeats, as in Spark's map. */
export function attributesOf(attributes: readonly Attribute[] | undefined): Map<string, AttributeValue> {
  const byName = new Map<string, AttributeValue>();
  for (const attribute of attributes ?? []) byName.set(attribute.name, attributeValueOf(attribute));
  return byName;
}

function attributeValueOf(attribute: Attribute): AttributeValue {
  switch (attribute.type) {
    case 'SCALAR': return { type: 'scalar', value: attribute.scalar?.value ?? Number.NaN };
    case 'RANGES': return { type: 'ranges', ranges: attribute.ranges?.range ?? [] };
    case 'SET': return { type: 'set', items: attribute.set?.item ?? [] };
    case 'TEXT': return { type: 'text', value: attribute.text?.value ?? '' };
  }
}

// ---- Out: a planned task as a TaskInfo ---------------------------------------------------

/** The TaskInfo of a planned task on `offer` (the offer its resources were claimed from). */
export function taskInfoOf(task: PlannedTask, offer: Offer): TaskInfo {
  const { plan } = task;
  return {
    name: plan.name,
    task_id: { value: task.taskId },
    agent_id: { value: task.agentId },
    resources: task.resources.map((claim) => resourceOf(claim, offer)),
    command: {
      value: plan.command, shell: true,
      environment: { variables: attemptEnvironment(task).map(variableOf) },
      uris: plan.uris.map(({ value, cache }) => ({ value, cache })),
    },
    container: containerOf(plan.container),
    labels: { labels: plan.labels.map(labelOf) },
  };
}

/** The claimed part of one of the offer's resources: its name, role, reservations and allocation kept. */
export function resourceOf(claim: ClaimedResource, offer: Offer): Resource {
  const offered = offer.resources?.[claim.index];
  if (offered?.name !== claim.name) throw new Error(`offer ${offer.id.value} has no ${claim.name} resource #${claim.index}`);
  return { ...offered, scalar: { value: fromMilli(claim.amountMilli) } };
}

const labelOf = ({ key, value }: CoreLabel): Label => ({ key, value });

function secretOf(secret: SecretRef): Secret {
  return secret.type === 'reference'
    ? { type: 'REFERENCE', reference: { name: secret.name } }
    : { type: 'VALUE', value: { data: new TextEncoder().encode(secret.value) } };
}

function variableOf(variable: TaskVariable): EnvironmentVariable {
  return 'secret' in variable
    ? { name: variable.name, type: 'SECRET', secret: secretOf(variable.secret) }
    : { name: variable.name, value: variable.value };
}

function volumeOf(volume: VolumePlan): Volume {
  if ('secret' in volume) return { container_path: volume.containerPath, mode: 'RO', source: { type: 'SECRET', secret: secretOf(volume.secret) } };
  return { container_path: volume.containerPath, ...(volume.hostPath !== undefined && { host_path: volume.hostPath }), mode: volume.readOnly ? 'RO' : 'RW' };
}

/** The ContainerInfo Spark's `buildContainerInfo` builds for the plan. */
function containerOf(plan: ContainerPlan): ContainerInfo {
  const container: ContainerInfo = { type: plan.type === 'docker' ? 'DOCKER' : 'MESOS' };
  const { image, network } = plan;
  if (image !== undefined && plan.type === 'docker') {
    // Docker joins a named network as a USER network with `--net <name>`.
    const parameters = [...plan.parameters, ...(network === undefined ? [] : [{ key: 'net', value: network.name }])];
    container.docker = {
      image: image.name, force_pull_image: image.forcePull,
      ...(plan.portMappings.length > 0 && {
        port_mappings: plan.portMappings.map((p) => ({ host_port: p.hostPort, container_port: p.containerPort, protocol: p.protocol })),
      }),
      ...(network !== undefined && { network: 'USER' as const }),
      ...(parameters.length > 0 && { parameters: parameters.map(({ key, value }) => ({ key, value })) }),
    };
  } else if (image !== undefined) {
    container.mesos = { image: { type: 'DOCKER', docker: { name: image.name }, cached: !image.forcePull } };
  }
  if (plan.volumes.length > 0) container.volumes = plan.volumes.map(volumeOf);
  if (network !== undefined) container.network_infos = [{ name: network.name, labels: { labels: network.labels.map(labelOf) } }];
  return container;
}

// ---- Out: the framework ------------------------------------------------------------------

/** How the dispatcher registers with the master (Spark's `spark.mesos.*` framework settings). */
export interface FrameworkSettings {
  readonly user: string;
  readonly name: string;
  readonly failoverTimeoutSeconds: number;
  readonly checkpoint: boolean;
  readonly hostname?: string;
  readonly webuiUrl?: string;
  readonly role?: string;
  readonly principal?: string;
  /** Ask for offers of GPU agents too (the GPU_RESOURCES capability). */
  readonly gpuResources?: boolean;
}

export function frameworkInfoOf(settings: FrameworkSettings): FrameworkInfo {
  return {
    user: settings.user, name: settings.name, failover_timeout: settings.failoverTimeoutSeconds, checkpoint: settings.checkpoint,
    ...(settings.hostname !== undefined && { hostname: settings.hostname }),
    ...(settings.webuiUrl !== undefined && { webui_url: settings.webuiUrl }),
    ...(settings.role !== undefined && { role: settings.role }),
    ...(settings.principal !== undefined && { principal: settings.principal }),
    ...(settings.gpuResources === true && { capabilities: [{ type: 'GPU_RESOURCES' as const }] }),
  };
}
