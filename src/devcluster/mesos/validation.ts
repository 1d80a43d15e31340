// The master's validation rules, as pure functions returning an error text or undefined: the
// synchronous Call checks (400 bodies), SUBSCRIBE/UPDATE_FRAMEWORK FrameworkInfo checks (ERROR
// events), role names, resources, and the per-task LAUNCH checks (TASK_ERROR messages).
import type { Call, CommandInfo, ContainerInfo, FrameworkInfo, Resource, TaskInfo } from '../../mesos/types.ts';
import { Resources, reservationRoleOf } from './resources.ts';

export function hasCapability(info: FrameworkInfo, type: string): boolean {
  return (info.capabilities ?? []).some((c) => c.type === type);
}

/** The roles a framework is subscribed to: `roles` with MULTI_ROLE, else `role` (default `*`). */
export function frameworkRoles(info: FrameworkInfo): string[] {
  return hasCapability(info, 'MULTI_ROLE') ? [...(info.roles ?? [])] : [info.role ?? '*'];
}

/** `src/common/roles.cpp`: `*`, or `/`-separated components without `.`, `..`, `*`, leading `-`, whitespace. */
export function roleError(role: string): string | undefined {
  if (role === '*') return undefined;
  if (role === '') return 'Empty role name is invalid';
  if (role.startsWith('/')) return `Role '${role}' cannot start with a slash`;
  if (role.endsWith('/')) return `Role '${role}' cannot end with a slash`;
  if (role.includes('//')) return `Role '${role}' cannot contain two adjacent slashes`;
  for (const component of role.split('/')) {
    if (component === '.' || component === '..' || component === '*') {
      return `Role '${role}' cannot include '.', '..' or '*' as a component`;
    }
    if (component.startsWith('-')) return `Role component '${component}' is invalid because it starts with a dash`;
    // eslint-disable-next-line no-control-regex
    if (/[\s\x00-\x1f\x7f]/.test(component)) return `Role component '${component}' is invalid because it contains invalid characters`;
  }
  return undefined;
}

/** `common::validation::validateID` for task, framework and executor IDs. */
export function idError(id: string): string | undefined {
  if (id === '') return 'ID must not be empty';
  if (id.length > 255) return 'ID must not be greater than 255 characters';
  if (id === '.' || id === '..') return `'${id}' is disallowed`;
  // eslint-disable-next-line no-control-regex
  if (/[/\\\x00-\x1f\x7f]/.test(id)) return `'${id}' contains invalid characters`;
  return undefined;
}

const SUB_MESSAGE: Partial<Record<string, keyof Call>> = {
  ACCEPT: 'accept', DECLINE: 'decline', ACCEPT_INVERSE_OFFERS: 'accept_inverse_offers',
  DECLINE_INVERSE_OFFERS: 'decline_inverse_offers', KILL: 'kill', SHUTDOWN: 'shutdown',
  ACKNOWLEDGE: 'acknowledge', ACKNOWLEDGE_OPERATION_STATUS: 'acknowledge_operation_status',
  RECONCILE: 'reconcile', RECONCILE_OPERATIONS: 'reconcile_operations', MESSAGE: 'message',
  REQUEST: 'request', UPDATE_FRAMEWORK: 'update_framework',
};

/** `validation::scheduler::call::validate`; the text follows `Failed to validate scheduler::Call: `. */
export function validateCall(call: Call, principal: string | undefined): string | undefined {
  if (call.type === undefined) return "Expecting 'type' to be present";
  if (call.type === 'SUBSCRIBE') {
    if (!call.subscribe) return "Expecting 'subscribe' to be present";
    const info = call.subscribe.framework_info;
    if ((info.id === undefined) !== (call.framework_id === undefined) || (info.id && info.id.value !== call.framework_id?.value)) {
      return "'framework_id' differs from 'subscribe.framework_info.id'";
    }
    return principalMismatch(principal, info);
  }
  if (!call.framework_id) return "Expecting 'framework_id' to be present";
  const field = SUB_MESSAGE[call.type];
  if (field !== undefined && call[field] === undefined) return `Expecting '${field}' to be present`;
  if (call.type === 'ACKNOWLEDGE' && call.acknowledge?.uuid.length !== 16) return 'Not a valid UUID';
  if (call.type === 'ACKNOWLEDGE_OPERATION_STATUS') {
    if (call.acknowledge_operation_status?.uuid.length !== 16) return 'Not a valid UUID';
    if (!call.acknowledge_operation_status.agent_id) return "Expecting 'agent_id' to be present";
  }
  if (call.type === 'UPDATE_FRAMEWORK') {
    const info = call.update_framework?.framework_info;
    if (info?.id?.value !== call.framework_id.value) return "'framework_id' differs from 'update_framework.framework_info.id'";
    return principalMismatch(principal, info);
  }
  return undefined;
}

function principalMismatch(principal: string | undefined, info: FrameworkInfo): string | undefined {
  if (principal !== undefined && info.principal !== undefined && info.principal !== principal) {
    return `Authenticated principal '${principal}' does not match principal '${info.principal}' set in \`FrameworkInfo\``;
  }
  return undefined;
}

/** FrameworkInfo checks done on SUBSCRIBE (ERROR event) and UPDATE_FRAMEWORK (400). */
export function frameworkInfoError(info: FrameworkInfo, suppressedRoles: readonly string[], whitelist: readonly string[] | undefined): string | undefined {
  const multiRole = hasCapability(info, 'MULTI_ROLE');
  if (multiRole) {
    if (info.role !== undefined) return "'FrameworkInfo.role' must not be present when the MULTI_ROLE capability is set";
    const roles = info.roles ?? [];
    if (new Set(roles).size !== roles.length) return "'FrameworkInfo.roles' contains duplicate items";
    for (const role of roles) {
      const error = roleError(role);
      if (error) return `'FrameworkInfo.roles' contains invalid role: ${error}`;
    }
  } else {
    if ((info.roles ?? []).length > 0) return "'FrameworkInfo.roles' must not be present when the MULTI_ROLE capability is not set";
    const error = roleError(info.role ?? '*');
    if (error) return `'FrameworkInfo.role' is not a valid role: ${error}`;
  }
  const roles = frameworkRoles(info);
  if (whitelist) {
    for (const role of roles) {
      if (role !== '*' && !whitelist.includes(role)) return `Role '${role}' is not present in the master's --roles`;
    }
  }
  if (info.id) {
    const error = idError(info.id.value);
    if (error) return `Invalid framework ID: ${error}`;
  }
  const timeout = info.failover_timeout ?? 0;
  // Duration::create: seconds must fit int64 nanoseconds.
  if (!Number.isFinite(timeout) || Math.abs(timeout) * 1e9 >= 9.223372036854776e18) {
    return `Invalid failover_timeout ${timeout}: not a valid duration`;
  }
  for (const role of suppressedRoles) {
    if (!roles.includes(role)) return `Suppressed role '${role}' is not contained in the set of roles`;
  }
  return undefined;
}

/** `Resources::validate` for one resource of a LAUNCH, in either reservation format. */
export function resourceError(r: Resource): string | undefined {
  if (r.name === '') return 'Empty resource name';
  const has = { scalar: r.scalar !== undefined, ranges: r.ranges !== undefined, set: r.set !== undefined };
  const text = `${r.name}:${JSON.stringify(r.scalar?.value ?? r.ranges?.range ?? r.set?.item ?? null)}`;
  switch (r.type) {
    case 'SCALAR':
      if (!has.scalar || has.ranges || has.set) return `Invalid scalar resource ${text}`;
      if (!Number.isFinite(r.scalar?.value) || Math.round((r.scalar?.value ?? 0) * 1000) <= 0) {
        return `Invalid scalar resource ${text}: the value must be positive`;
      }
      break;
    case 'RANGES': {
      if (!has.ranges || has.scalar || has.set) return `Invalid ranges resource ${text}`;
      const ranges = [...(r.ranges?.range ?? [])].sort((a, b) => a.begin - b.begin);
      if (ranges.length === 0) return `Invalid ranges resource ${text}: no ranges`;
      for (let i = 0; i < ranges.length; i += 1) {
        const cur = ranges[i];
        const prev = ranges[i - 1];
        if (cur && cur.begin > cur.end) return `Invalid ranges resource ${text}: inverted range`;
        if (cur && prev && cur.begin <= prev.end) return `Invalid ranges resource ${text}: overlapping ranges`;
      }
      break;
    }
    case 'SET': {
      if (!has.set || has.scalar || has.ranges) return `Invalid set resource ${text}`;
      const items = r.set?.item ?? [];
      if (items.length === 0) return `Invalid set resource ${text}: empty set`;
      if (new Set(items).size !== items.length) return `Invalid set resource ${text}: duplicate items`;
      break;
    }
    default:
      return `Unsupported resource type ${r.type} for ${r.name}`;
  }
  const preRefinement = (r.role !== undefined && r.role !== '*') || r.reservation !== undefined;
  if ((r.reservations ?? []).length > 0 && preRefinement) {
    return `Invalid resource format for ${r.name}: both 'reservations' and 'role'/'reservation' are set`;
  }
  const role = reservationRoleOf(r);
  if (role !== undefined) {
    const error = roleError(role);
    if (error) return `Invalid reservation role of ${r.name}: ${error}`;
  }
  if (r.allocation_info?.role !== undefined) {
    const error = roleError(r.allocation_info.role);
    if (error) return `Invalid allocation role of ${r.name}: ${error}`;
  }
  if (r.disk !== undefined && r.name !== 'disk') return `DiskInfo should not be set for ${r.name} resource`;
  return undefined;
}

export function commandError(command: CommandInfo): string | undefined {
  for (const v of command.environment?.variables ?? []) {
    const type = v.type ?? 'VALUE';
    if (type === 'SECRET') {
      if (!v.secret) return `Environment variable '${v.name}' of type 'SECRET' must have a secret set`;
      if (v.value !== undefined) return `Environment variable '${v.name}' of type 'SECRET' must not have a value set`;
      const secretType = v.secret.type ?? 'UNKNOWN';
      if (secretType === 'UNKNOWN') return `Environment variable '${v.name}' has a secret of type 'UNKNOWN'`;
      if (secretType === 'VALUE' && !v.secret.value) return `Environment variable '${v.name}' has a secret of type 'VALUE' without a value`;
      if (secretType === 'REFERENCE' && !v.secret.reference) return `Environment variable '${v.name}' has a secret of type 'REFERENCE' without a reference`;
      if (v.secret.value?.data.includes(0)) {
        return `Environment variable '${v.name}' specifies a secret containing null bytes, which is not allowed in the environment`;
      }
    } else if (type === 'VALUE') {
      if (v.value === undefined) return `Environment variable '${v.name}' of type 'VALUE' must have a value set`;
      if (v.secret !== undefined) return `Environment variable '${v.name}' of type 'VALUE' must not have a secret set`;
    } else {
      return `Environment variable '${v.name}' of type 'UNKNOWN' is not allowed`;
    }
  }
  return undefined;
}

export function containerError(container: ContainerInfo): string | undefined {
  if (container.type === 'DOCKER' && !container.docker) return "DockerInfo 'docker' is not set for DOCKER typed ContainerInfo";
  if (container.type === 'MESOS' && container.docker) return "DockerInfo 'docker' is set for MESOS typed ContainerInfo";
  for (const volume of container.volumes ?? []) {
    const count = [volume.host_path, volume.image, volume.source].filter((x) => x !== undefined).length;
    if (count !== 1) return "Only one of them should be set: 'host_path', 'image' and 'source'";
  }
  return undefined;
}

export interface TaskCheckContext {
  task: TaskInfo;
  agentId: string;
  /** The task's and its executor's resources, allocation role already injected. */
  resources: Resources;
  /** What is left of the accepted offers. */
  available: Resources;
  isDuplicate: boolean;
  isUnreachable: boolean;
}

/** `validation::task::validate`, in the master's order; the first failure wins. */
export function taskError(ctx: TaskCheckContext): string | undefined {
  const { task } = ctx;
  const id = idError(task.task_id.value);
  if (id) return `Task ID '${task.task_id.value}' is invalid: ${id}`;
  if (ctx.isDuplicate) return `Task has duplicate ID: ${task.task_id.value}`;
  if (ctx.isUnreachable) return 'Task reuses the ID of an unreachable task';
  if (task.agent_id.value !== ctx.agentId) return `Task uses invalid agent: ${task.agent_id.value}`;
  if ((task.kill_policy?.grace_period?.nanoseconds ?? 0) < 0) return "Task's 'kill_policy.grace_period' must be non-negative";
  if ((task.max_completion_time?.nanoseconds ?? 0) < 0) return "Task's 'max_completion_time' must be non-negative";
  if ((task.resources ?? []).length === 0) return 'Task uses no resources';
  const roles = ctx.resources.allocationRoles();
  if (roles.length > 1) {
    return `Invalid task resources: The resources have multiple allocation roles ('${roles[0]}' and '${roles[1]}') but only one allocation role is allowed`;
  }
  if (ctx.resources.entries.some((e) => e.revocable)) return 'Task uses revocable resources, which this master does not offer';
  for (const command of [task.command, task.executor?.command]) {
    const error = command && commandError(command);
    if (error) return `Task's CommandInfo is invalid: ${error}`;
  }
  for (const container of [task.container, task.executor?.container]) {
    const error = container && containerError(container);
    if (error) return `Task's ContainerInfo is invalid: ${error}`;
  }
  const limitsError = limitError(task);
  if (limitsError) return limitsError;
  if ((task.command === undefined) === (task.executor === undefined)) {
    return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  }
  if (task.executor) {
    if (task.executor.type !== undefined && task.executor.type !== 'CUSTOM' && task.executor.type !== 'UNKNOWN') {
      return "'ExecutorInfo.type' must be 'CUSTOM' for a task's executor";
    }
    if (!task.executor.command) return "'ExecutorInfo.command' must be set for a 'CUSTOM' executor";
  }
  if (!ctx.available.contains(ctx.resources)) {
    return `Total resources ${ctx.resources.toString()} required by task and its executor is more than available ${ctx.available.toString()}`;
  }
  return undefined;
}

function limitError(task: TaskInfo): string | undefined {
  const limits = task.limits ?? {};
  for (const [name, value] of Object.entries(limits)) {
    if (name !== 'cpus' && name !== 'mem') return `Resource limits may only be set for 'cpus' and 'mem', not '${name}'`;
    const request = Resources.fromProto(task.resources ?? []).scalar(name);
    if (value.value < request) return `The '${name}' limit ${value.value} must be greater than or equal to the request ${request}`;
  }
  return undefined;
}
