// One batch of scheduler steps as one plan of work. The loop feeds every input waiting into the
// core, one step each, and carries out their effects together: each driver's newest status is
// written once, offers declined in one call, one REVIVE or SUPPRESS for the round, the last wake
// request. Mesos calls keep the order of the steps that asked for them, so a kill of a task
// launched earlier in the batch is sent after its ACCEPT. Pure.
import type { Effect } from '../scheduler/index.ts';

type Of<T extends Effect['type']> = Extract<Effect, { type: T }>;

export interface BatchPlan {
  /** The newest status of each driver the batch changed, in the order they first changed. */
  readonly persists: readonly Of<'PersistDriver'>[];
  /** KILL, ACCEPT and RECONCILE calls, pod creations, and anomalies to report, in the order of the steps. */
  readonly calls: readonly Of<'KillTask' | 'LaunchTasks' | 'StartTask' | 'ReconcileTasks' | 'ReportAnomaly'>[];
  /** Offer IDs to decline, by refuse filter (seconds). */
  readonly declines: ReadonlyMap<number, readonly string[]>;
  /** Whether the round ends wanting offers (REVIVE) or not (SUPPRESS); absent: no change. */
  readonly offerInterest: Of<'ReviveOffers' | 'SuppressOffers'> | undefined;
  readonly acknowledgements: readonly Of<'Acknowledge'>[];
  readonly forgets: readonly Of<'ForgetDriver'>[];
  readonly wake: Of<'ScheduleWake'> | undefined;
}

/** The plan for the effects of consecutive steps, each list as one step returned it. */
export function planBatch(steps: readonly (readonly Effect[])[]): BatchPlan {
  const persists = new Map<string, Of<'PersistDriver'>>();
  const calls: Of<'KillTask' | 'LaunchTasks' | 'StartTask' | 'ReconcileTasks' | 'ReportAnomaly'>[] = [];
  const declines = new Map<number, string[]>();
  const acknowledgements: Of<'Acknowledge'>[] = [];
  const forgets: Of<'ForgetDriver'>[] = [];
  let offerInterest: Of<'ReviveOffers' | 'SuppressOffers'> | undefined;
  let wake: Of<'ScheduleWake'> | undefined;
  for (const effects of steps) {
    for (const effect of effects) {
      switch (effect.type) {
        case 'PersistDriver':
          // Delete first so the entry moves to where its newest status is: drivers that change
          // again later in the batch are written after those that do not.
          persists.delete(effect.submissionId);
          persists.set(effect.submissionId, effect);
          break;
        case 'KillTask':
        case 'LaunchTasks':
        case 'StartTask':
        case 'ReconcileTasks':
        case 'ReportAnomaly':
          calls.push(effect);
          break;
        case 'DeclineOffers': {
          const ids = declines.get(effect.refuseSeconds) ?? [];
          ids.push(...effect.offerIds);
          declines.set(effect.refuseSeconds, ids);
          break;
        }
        case 'ReviveOffers':
        case 'SuppressOffers':
          offerInterest = effect;
          break;
        case 'Acknowledge':
          acknowledgements.push(effect);
          break;
        case 'ForgetDriver':
          forgets.push(effect);
          break;
        case 'ScheduleWake':
          wake = effect;
          break;
      }
    }
  }
  return { persists: [...persists.values()], calls, declines, offerInterest, acknowledgements, forgets, wake };
}
