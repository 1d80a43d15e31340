// One INFO line per driver transition a person follows: admitted, launched (task, agent),
// requeued, retrying (attempt, backoff), finished (outcome, how long it ran), killed. Read off the
// effects of a step, before they are carried out.
import { taskStateName } from '../mesos/translation.ts';
import type { Logger } from '../runtime/logger.ts';
import type { DriverResourceRef, Effect } from '../scheduler/index.ts';

export function logTransitions(log: Logger, effects: readonly Effect[]): void {
  for (const effect of effects) {
    if (effect.type !== 'PersistDriver' || effect.from === effect.status.phase) continue;
    const { submissionId, status, from } = effect;
    const driver = { submissionId, ...resourceOf(effect.resource) };
    switch (status.phase) {
      case 'queued':
        if (from === undefined) log.info({ ...driver, queue: effect.queue }, 'driver admitted; waiting for an offer');
        else log.info({ ...driver, message: status.message }, 'driver requeued: its launch never reached an agent');
        break;
      case 'launched':
        log.info({ ...driver, taskId: status.attempt.taskId, agentId: status.attempt.agentId, attempt: status.attempts }, 'driver launched');
        break;
      case 'retrying':
        log.info({
          ...driver, attempt: status.attempts, retries: status.retries, backoffSeconds: status.waitSeconds,
          state: taskStateName(status.lastFailure.state), reason: status.lastFailure.reason,
        }, 'driver failed; retrying after the backoff');
        break;
      case 'finished': {
        const ranMs = status.lastAttempt === undefined ? undefined : status.finishedAtMs - status.lastAttempt.launchedAtMs;
        const fields = { ...driver, outcome: status.outcome, reason: status.reason, attempts: status.attempts, ...(ranMs !== undefined && { ranSeconds: Math.round(ranMs / 1000) }) };
        if (status.outcome === 'killed') log.info(fields, 'driver killed');
        else if (status.outcome === 'succeeded') log.info(fields, 'driver finished');
        else log.info({ ...fields, message: status.message }, 'driver finished');
        break;
      }
    }
  }
}

function resourceOf(resource: DriverResourceRef | undefined): { driver?: string } {
  return resource === undefined ? {} : { driver: `${resource.namespace}/${resource.name}` };
}
