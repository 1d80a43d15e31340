// The status of a ScheduledSparkDriver, as a zod schema (the CRD's status schema is generated from
// it) and types: CronJob's lastScheduleTime, active runs and lastSuccessfulTime, plus the next
// time, the recent runs with their outcome, what was missed, and kstatus conditions.

import { z } from 'zod';
import { conditionSchema, OUTCOMES, PHASES, time as dateTime } from '../sparkdriver/sparkdriver-status.ts';

/** Runs listed in `status.recentRuns`, newest first. */
export const MAX_RECENT_RUNS = 10;
/** Active runs listed by name (`status.activeCount` counts them all). */
export const MAX_ACTIVE_LISTED = 50;
export const SCHEDULED_CONDITION_TYPES = ['Ready', 'Reconciling', 'Stalled'] as const;

const runRefSchema = z.object({
  name: z.string(),
  scheduledTime: dateTime('The scheduled time the run was created for.'),
});

const recentRunSchema = runRefSchema.extend({
  phase: z.enum(PHASES).optional().describe('The run\'s status.phase (absent until the dispatcher admits it).'),
  outcome: z.enum(OUTCOMES).optional().describe('How the run ended, once Finished.'),
  finishTime: dateTime('When the run finished.').optional(),
});
export type RecentRun = z.output<typeof recentRunSchema>;

export const scheduledStatusSchema = z.object({
  observedGeneration: z.int().min(0).optional().describe('The metadata.generation this status was computed for.'),
  lastScheduleTime: dateTime('The latest scheduled time a run was created for.').optional(),
  nextScheduleTime: dateTime('When the next run is due (absent while suspended or invalid).').optional(),
  lastSuccessfulTime: dateTime('When a run last finished with success.').optional(),
  lastMissedTime: dateTime('The latest scheduled time missed for good (past startingDeadlineSeconds).').optional(),
  activeCount: z.int().min(0).optional().describe('Runs not finished yet.'),
  active: z.array(runRefSchema).max(MAX_ACTIVE_LISTED).optional().describe('Runs not finished yet, oldest first.'),
  recentRuns: z.array(recentRunSchema).max(MAX_RECENT_RUNS).optional().describe(`The last ${MAX_RECENT_RUNS} runs, newest first, with their outcome.`),
  observedSchedule: z.object({
    schedule: z.string(),
    timeZone: z.string(),
    since: dateTime('When the dispatcher first saw this schedule: no time before it is caught up.'),
  }).optional().describe('The schedule in force, so that an edit takes effect at the next time rather than catching up.'),
  message: z.string().optional(),
  conditions: z.array(conditionSchema).max(8)
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }).optional(),
});
export type ScheduledSparkDriverStatus = z.output<typeof scheduledStatusSchema>;
