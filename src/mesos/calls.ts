// Pure builders for the scheduler calls the dispatcher makes. Every call but SUBSCRIBE carries
// the framework ID; a re-SUBSCRIBE sets it both on the call and in the FrameworkInfo.
import type {
  Call, Filters, FrameworkInfo, KillPolicy, OfferOperation, ReconcileTask, TaskInfo,
} from './types.ts';

export function subscribeCall(frameworkInfo: FrameworkInfo, frameworkId?: string, suppressedRoles?: string[]): Call {
  const info: FrameworkInfo = frameworkId ? { ...frameworkInfo, id: { value: frameworkId } } : { ...frameworkInfo };
  if (!frameworkId) delete info.id;
  const call: Call = { type: 'SUBSCRIBE', subscribe: { framework_info: info } };
  if (suppressedRoles && suppressedRoles.length > 0) call.subscribe!.suppressed_roles = [...suppressedRoles];
  if (frameworkId) call.framework_id = { value: frameworkId };
  return call;
}

export function launchOperation(tasks: TaskInfo[]): OfferOperation {
  return { type: 'LAUNCH', launch: { task_infos: tasks } };
}

export function acceptCall(frameworkId: string, offerIds: string[], operations: OfferOperation[], filters?: Filters): Call {
  const accept: NonNullable<Call['accept']> = { offer_ids: offerIds.map((value) => ({ value })), operations };
  if (filters) accept.filters = filters;
  return { framework_id: { value: frameworkId }, type: 'ACCEPT', accept };
}

export function declineCall(frameworkId: string, offerIds: readonly string[], filters?: Filters): Call {
  const decline: NonNullable<Call['decline']> = { offer_ids: offerIds.map((value) => ({ value })) };
  if (filters) decline.filters = filters;
  return { framework_id: { value: frameworkId }, type: 'DECLINE', decline };
}

/** Empty `roles` means every role the framework is subscribed to. */
export function reviveCall(frameworkId: string, roles: string[] = []): Call {
  return { framework_id: { value: frameworkId }, type: 'REVIVE', revive: { roles } };
}

export function suppressCall(frameworkId: string, roles: string[] = []): Call {
  return { framework_id: { value: frameworkId }, type: 'SUPPRESS', suppress: { roles } };
}

export function killCall(frameworkId: string, taskId: string, agentId?: string, killPolicy?: KillPolicy): Call {
  const kill: NonNullable<Call['kill']> = { task_id: { value: taskId } };
  if (agentId) kill.agent_id = { value: agentId };
  if (killPolicy) kill.kill_policy = killPolicy;
  return { framework_id: { value: frameworkId }, type: 'KILL', kill };
}

/** The ACK of the update with this uuid (the exact bytes received) for the task on the agent. */
export function acknowledgeCall(frameworkId: string, update: UpdateToAcknowledge): Call {
  return {
    framework_id: { value: frameworkId },
    type: 'ACKNOWLEDGE',
    acknowledge: { agent_id: { value: update.agentId }, task_id: { value: update.taskId }, uuid: update.uuid },
  };
}

/** A status update that asked for an ACK: it carried a uuid (translation.ts's acknowledgementOf says which do). */
export interface UpdateToAcknowledge {
  readonly taskId: string;
  readonly agentId: string;
  readonly uuid: Uint8Array;
}

/** Explicit reconciliation of the given tasks; an empty list asks for every task (implicit). */
export function reconcileCall(frameworkId: string, tasks: readonly { taskId: string; agentId?: string }[]): Call {
  const entries: ReconcileTask[] = tasks.map(({ taskId, agentId }) =>
    agentId ? { task_id: { value: taskId }, agent_id: { value: agentId } } : { task_id: { value: taskId } });
  return { framework_id: { value: frameworkId }, type: 'RECONCILE', reconcile: { tasks: entries } };
}

export function teardownCall(frameworkId: string): Call {
  return { framework_id: { value: frameworkId }, type: 'TEARDOWN' };
}
