// The ScheduledSparkDriver resource: its API identity, the zod schema of its spec (the CRD is
// generated from it, see crd.ts), and reading a stored object into typed form. The template is a
// SparkDriver spec validated by SparkDriver's own schema. Pure: parsing and types only.

import { z } from 'zod';
import { SPARK_DRIVER, sparkDriverSpecSchema, fieldPath, type ParseResult, type SparkDriverMetadata } from '../sparkdriver/sparkdriver.ts';
import { parseSchedule, SCHEDULE_PATTERN, type CronSchedule } from './cron-schedule.ts';
import { scheduledStatusSchema, type ScheduledSparkDriverStatus } from './scheduled-status.ts';

export const SCHEDULED_SPARK_DRIVER = {
  group: SPARK_DRIVER.group,
  version: SPARK_DRIVER.version,
  kind: 'ScheduledSparkDriver',
  listKind: 'ScheduledSparkDriverList',
  plural: 'scheduledsparkdrivers',
  singular: 'scheduledsparkdriver',
  shortNames: ['ssd'],
  categories: ['spark'],
} as const;

export const SCHEDULED_SPARK_DRIVER_API_VERSION = `${SCHEDULED_SPARK_DRIVER.group}/${SCHEDULED_SPARK_DRIVER.version}`;

/**
 * Runs are named `<name>-<minutes since the epoch>` (10 digits until the year 21000), and the name
 * is also a label value (63 characters at most): Kubernetes CronJob's limit, for the same reason.
 */
export const MAX_NAME_LENGTH = 52;

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'] as const;

/** A run carries its own submission ID and starts unkilled: the template may set neither. */
export const TEMPLATE_RULES = [
  { rule: '!has(self.submissionId)', message: 'a template cannot set submissionId: every run gets its own' },
  { rule: '!has(self.kill) || !self.kill', message: 'a template cannot set kill: true (set spec.kill on a run to kill it)' },
] as const;

const templateSchema = sparkDriverSpecSchema.superRefine((spec, ctx) => {
  if (spec.submissionId !== undefined) ctx.addIssue({ code: 'custom', path: ['submissionId'], message: TEMPLATE_RULES[0].message });
  if (spec.kill) ctx.addIssue({ code: 'custom', path: ['kill'], message: TEMPLATE_RULES[1].message });
});

export const scheduledSpecSchema = z.object({
  schedule: z.string().min(1).max(256).regex(new RegExp(SCHEDULE_PATTERN), 'five cron fields (minute hour day-of-month month day-of-week) or @yearly, @monthly, @weekly, @daily or @hourly')
    .describe('When to run, in cron format: five fields, or @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.'),
  timeZone: z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'an IANA time zone name such as Europe/Berlin').optional()
    .describe('IANA time zone of the schedule (Europe/Berlin). Absent: UTC.'),
  concurrencyPolicy: z.enum(CONCURRENCY_POLICIES).default('Allow')
    .describe('When a run is due while an earlier one is still active: Allow runs both, Forbid skips the new one, Replace kills the old one (spec.kill) and starts the new one.'),
  suspend: z.boolean().default(false).describe('True: start no new runs (active ones go on). Missed times may be caught up when resumed.'),
  startingDeadlineSeconds: z.int().min(0).optional()
    .describe('A run not started within this many seconds of its time is missed, not started late. Absent: no deadline.'),
  successfulRunHistoryLimit: z.int().min(0).max(100).default(3).describe('Succeeded runs kept; older ones are deleted, oldest first.'),
  failedRunHistoryLimit: z.int().min(0).max(100).default(1).describe('Runs that did not succeed (failed, killed, lost, rejected) kept; older ones are deleted.'),
  template: templateSchema.describe('The SparkDriver spec of every run, validated as a SparkDriver\'s (submissionId and kill excepted).'),
}).meta({ description: 'Creates a SparkDriver on a cron schedule, with Kubernetes CronJob semantics.' });

export type ScheduledSparkDriverSpec = z.output<typeof scheduledSpecSchema>;
export type ScheduledSparkDriverSpecInput = z.input<typeof scheduledSpecSchema>;

export interface ScheduledSparkDriver {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: SparkDriverMetadata;
  readonly spec: ScheduledSparkDriverSpec;
  readonly status?: ScheduledSparkDriverStatus;
}

const metadataSchema = z.object({
  name: z.string().min(1).max(MAX_NAME_LENGTH),
  namespace: z.string().min(1),
  uid: z.string().min(1),
  creationTimestamp: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'not an RFC 3339 time'),
  generation: z.int().optional(),
  resourceVersion: z.string().optional(),
  deletionTimestamp: z.string().optional(),
});

function problemsOf(error: z.ZodError, root: string): string[] {
  return error.issues.map((issue) => `${fieldPath(root, issue.path)}: ${issue.message}`);
}

/**
 * Reads a stored ScheduledSparkDriver; problems name their field. The status is kept when it
 * reads, dropped otherwise (the controller rebuilds it from the runs).
 */
export function parseScheduledSparkDriver(obj: unknown): ParseResult<{ resource: ScheduledSparkDriver }> {
  const o = (typeof obj === 'object' && obj !== null ? obj : {}) as Record<string, unknown>;
  const meta = metadataSchema.safeParse(o.metadata);
  const spec = scheduledSpecSchema.safeParse(o.spec);
  if (!meta.success || !spec.success) {
    return { ok: false, problems: [...(meta.success ? [] : problemsOf(meta.error, 'metadata')), ...(spec.success ? [] : problemsOf(spec.error, 'spec'))] };
  }
  const status = scheduledStatusSchema.safeParse(o.status);
  const metadata = Object.fromEntries(Object.entries(meta.data).filter(([, v]) => v !== undefined)) as unknown as SparkDriverMetadata;
  return {
    ok: true,
    resource: {
      apiVersion: SCHEDULED_SPARK_DRIVER_API_VERSION, kind: SCHEDULED_SPARK_DRIVER.kind, metadata, spec: spec.data,
      ...(status.success && { status: status.data }),
    },
  };
}

/** The spec's schedule in its time zone, or the problem with the field it is in. */
export function scheduleOf(spec: Pick<ScheduledSparkDriverSpec, 'schedule' | 'timeZone'>): { ok: true; schedule: CronSchedule } | { ok: false; problem: string } {
  const parsed = parseSchedule(spec.schedule, spec.timeZone);
  return parsed.ok ? parsed : { ok: false, problem: `spec.${parsed.field}: ${parsed.problem}` };
}
