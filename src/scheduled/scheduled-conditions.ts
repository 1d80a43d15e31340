// The kstatus conditions and message of a ScheduledSparkDriver: Ready while it schedules (or is
// suspended, which is what was asked), Stalled when its schedule or time zone cannot be used,
// Reconciling never (a schedule has no rollout to wait for). Pure.

import { mergeOwnedConditions, rfc3339 } from '../sparkdriver/driver-conditions.ts';
import type { Condition } from '../sparkdriver/sparkdriver-status.ts';
import { SCHEDULED_CONDITION_TYPES } from './scheduled-status.ts';

export type ScheduleState =
  | { kind: 'scheduled' }
  | { kind: 'waiting'; due: number; activeRun: string }
  | { kind: 'suspended' }
  | { kind: 'deleting' }
  | { kind: 'invalid'; problem: string };

export function scheduledConditions(
  previous: readonly Condition[] | undefined, state: ScheduleState, nextMs: number | undefined, nowMs: number, generation: number,
): { conditions: Condition[]; message: string } {
  const next = nextMs === undefined ? 'no next time' : `next run at ${rfc3339(nextMs)}`;
  const [reason, message, ready] = ((): [string, string, boolean] => {
    switch (state.kind) {
      case 'scheduled': return ['Scheduled', `Scheduled: ${next}`, true];
      case 'waiting': return ['WaitingForActiveRun', `The run for ${rfc3339(state.due)} waits for ${state.activeRun} to finish (concurrencyPolicy Forbid); ${next}`, true];
      case 'suspended': return ['Suspended', 'Suspended: no new runs are started', true];
      case 'deleting': return ['Deleting', 'Being deleted: no new runs are started', false];
      case 'invalid': return ['InvalidSchedule', state.problem, false];
    }
  })();
  const stalled = state.kind === 'invalid';
  const desired = [
    { type: 'Ready', status: ready ? 'True' as const : 'False' as const, reason, message },
    { type: 'Reconciling', status: 'False' as const, reason, message },
    { type: 'Stalled', status: stalled ? 'True' as const : 'False' as const, reason, message },
  ];
  return { conditions: mergeOwnedConditions(previous, desired, nowMs, generation, SCHEDULED_CONDITION_TYPES), message };
}
