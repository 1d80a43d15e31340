// The SparkDriver resource: its API identity, the zod schema of its spec (the single source the
// CRD's OpenAPI schema is generated from, see crd.ts) and the TypeScript types of the resource.
// Pure: parsing and types only, no I/O.

import { z } from 'zod';
import { deepFreeze } from '../runtime/deep-freeze.ts';
import { withInputFields } from '../runtime/same-json.ts';
import { MAX_RETRIES_KEY, RETRY_RESET_AFTER_KEY, RETRY_WAIT_MAX_KEY } from '../scheduler/backoff.ts';
import { BACKEND_KEY, BACKENDS, QUEUE_KEY, submissionIdProblem, SUPERVISE_KEY } from '../scheduler/driver.ts';
import { LIMITS, NOT_BLANK_CEL, propertyProblems, sparkPropertiesCel, TOTAL_RULES_CEL, totalProblems } from '../scheduler/submission-rules.ts';
import { isBlank } from '../scheduler/spark-values.ts';
import { readMetadata, type SparkDriverMetadata } from './metadata.ts';
import { readPlainSpec } from './plain-spec.ts';
import { sparkDriverStatusSchema, type SparkDriverStatus } from './sparkdriver-status.ts';

export type { SparkDriverMetadata } from './metadata.ts';

export const SPARK_DRIVER = {
  group: 'sparkmesos.io',
  version: 'v1alpha1',
  kind: 'SparkDriver',
  listKind: 'SparkDriverList',
  plural: 'sparkdrivers',
  singular: 'sparkdriver',
  shortNames: ['sd'],
  categories: ['spark'],
} as const;

export const SPARK_DRIVER_API_VERSION = `${SPARK_DRIVER.group}/${SPARK_DRIVER.version}`;

// Bounds keep the CRD's CEL rules within the API server's cost budget, a driver well under the
// etcd object limit, and its command line under what Linux can pass (submission-rules.ts).
const MAX_URL = LIMITS.urlChars;
const MAX_NAME = LIMITS.nameChars;
const MAX_VALUE = LIMITS.valueChars;
const MAX_ENTRIES = LIMITS.entries;
/** No NUL: a command line or an environment cannot carry one. Kubernetes' own wording follows. */
const NO_NUL = /^[^\0]*$/;
const noNul = (schema: z.ZodString): z.ZodString => schema.regex(NO_NUL, `should match '${NO_NUL.source}' (no NUL character)`);
const value = (): z.ZodString => noNul(z.string().max(MAX_VALUE, `Too long: may not be more than ${MAX_VALUE} bytes`));
const KEYS_RULE = {
  rule: `self.all(k, size(k) >= 1 && size(k) <= ${LIMITS.keyChars} && !k.matches('[\\x00=]'))`,
  message: `names must be 1 to ${LIMITS.keyChars} characters, without '=' or NUL`,
};
function keyProblem(key: string): string | undefined {
  return key.length >= 1 && key.length <= LIMITS.keyChars && !/[\0=]/.test(key) ? undefined : KEYS_RULE.message;
}
const tooMany = `Too many: must have at most ${MAX_ENTRIES} items`;
/** An immutable map of names to values with the key rule (and `rules`), in zod and in CEL. */
function stringMap(field: string, description: string, rules: readonly { rule: string; message: string }[] = []) {
  return z.record(z.string(), value()).superRefine((map, ctx) => {
    const keys = Object.keys(map);
    if (keys.length > MAX_ENTRIES) ctx.addIssue({ code: 'custom', message: tooMany });
    if (keys.some((k) => keyProblem(k) !== undefined)) ctx.addIssue({ code: 'custom', message: KEYS_RULE.message });
  }).meta({ maxProperties: MAX_ENTRIES, ...immutable(field, description, [KEYS_RULE, ...rules]) });
}

const APP_RESOURCE_BLANK = 'appResource must not be blank: it names the application jar or Python file to run';
const MUTABLE = 'only spec.kill and spec.ttlSecondsAfterFinished may change';

/** `self == oldSelf` on one field (the submission is fixed once the driver exists), plus `rules`. */
function immutable(field: string, description: string, rules: readonly object[] = []): { description: string; 'x-kubernetes-validations': object[] } {
  return {
    description,
    'x-kubernetes-validations': [{
      rule: 'self == oldSelf',
      message: `${field} is immutable: create a new SparkDriver to change the submission (${MUTABLE})`,
    }, ...rules],
  };
}

// Optional immutable fields: a field-level rule cannot see a field appear or disappear, so
// the spec-level rule below checks presence.
const OPTIONAL_IMMUTABLE = ['mainClass', 'supervise', 'queue', 'retryPolicy', 'submissionId', 'backend'] as const;

const retryPolicySchema = z.object({
  maxRetries: z.int().min(-1).optional()
    .describe('Relaunches allowed after failures; -1 means unlimited (Spark\'s behaviour). Overrides spark.mesos.driver.supervise.maxRetries.'),
  maxWaitSeconds: z.int().min(0).optional()
    .describe('Cap on the exponential wait between attempts, in seconds. Overrides spark.mesos.cluster.retry.wait.max.'),
  resetAfterSeconds: z.int().min(0).optional()
    .describe('A run at least this long resets the failure count. Overrides spark.mesos.driver.supervise.retryResetAfter.'),
});

/** The CRD's version of `submissionIdProblem`: a pattern for the characters, CEL for the rest. */
function submissionIdMeta(): Record<string, unknown> {
  const base = immutable('submissionId', 'Spark submission ID (set by the REST submission API). Absent: derived from the creation time and UID.');
  return {
    ...base,
    pattern: '^[^\\s/\\\\\\x00-\\x1f\\x7f]+$',
    'x-kubernetes-validations': [...base['x-kubernetes-validations'], {
      rule: "self != '.' && self != '..' && !self.matches('-retry-[0-9]+$')",
      message: "submissionId must be usable as a Mesos task ID: not '.' or '..', and not ending like a retry task ID (-retry-<n>)",
    }],
  };
}

const submissionIdSchema = z.string().max(LIMITS.submissionIdChars).superRefine((id, ctx) => {
  const problem = submissionIdProblem(id);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * The spec of a SparkDriver: one Spark submission as the REST protocol carries it, plus the
 * dispatcher's settings as explicit fields. An explicit field wins over the equivalent Spark
 * property; an absent one falls back to it (see `toSubmission`).
 */
export const sparkDriverSpecSchema = z.object({
  appResource: noNul(z.string().min(1, 'must not be empty').max(MAX_URL, `Too long: may not be more than ${MAX_URL} bytes`))
    .refine((resource) => resource === '' || !isBlank(resource), APP_RESOURCE_BLANK)
    .meta(immutable('appResource', 'The primary resource: the application jar or Python file URL.', [{ rule: `self.${NOT_BLANK_CEL}`, message: APP_RESOURCE_BLANK }])),
  mainClass: noNul(z.string().max(MAX_NAME, `Too long: may not be more than ${MAX_NAME} bytes`))
    .meta(immutable('mainClass', 'The main class of a JVM application; omit or leave empty for Python.')).optional(),
  arguments: z.array(value()).max(MAX_ENTRIES, tooMany)
    .meta(immutable('arguments', 'Arguments passed to the application.')).default([]),
  sparkProperties: stringMap('sparkProperties', 'Spark properties of the submission (spark.app.name, spark.driver.memory, spark.mesos.*, ...).',
    sparkPropertiesCel()).default({}),
  environmentVariables: stringMap('environmentVariables', 'Environment of the driver, as spark-submit sends it (SPARK_* variables).')
    .default({}),
  supervise: z.boolean()
    .meta(immutable('supervise', 'Relaunch the driver after TASK_FAILED or TASK_LOST. Absent: spark.driver.supervise, else false.')).optional(),
  queue: z.string().min(1, 'must not be empty').max(LIMITS.queueChars)
    .meta(immutable('queue', 'Dispatcher priority queue. Absent: spark.mesos.dispatcher.queue, else "default".')).optional(),
  retryPolicy: retryPolicySchema
    .meta(immutable('retryPolicy', 'Retry settings of a supervised driver; absent fields fall back to the Spark properties, then the dispatcher.')).optional(),
  backend: z.enum(BACKENDS)
    .meta(immutable('backend', 'Where the driver runs: mesos (a Mesos task, on an offer) or kubernetes (a pod, as Spark\'s Kubernetes cluster mode runs it). '
      + 'Absent: spark.mesos.dispatcher.backend, else the dispatcher\'s default; the status records the backend chosen.')).optional(),
  kill: z.boolean()
    .meta({
      description: 'Set to true to kill the driver (its Mesos task, or its place in the queue). Cannot be undone.',
      'x-kubernetes-validations': [{ rule: 'self || !oldSelf', message: 'kill cannot be undone: spec.kill may change from false to true only' }],
    })
    .default(false),
  ttlSecondsAfterFinished: z.int().min(0).optional()
    .describe('Delete the SparkDriver this many seconds after it finished. Absent: the operator\'s default.'),
  submissionId: submissionIdSchema
    .meta(submissionIdMeta())
    .optional(),
}).meta({
  description: 'One Spark driver submission, run in cluster mode as a Mesos task.',
  'x-kubernetes-validations': [{
    rule: OPTIONAL_IMMUTABLE.map((f) => `has(self.${f}) == has(oldSelf.${f})`).join(' && '),
    message: `${OPTIONAL_IMMUTABLE.join(', ')} cannot be added or removed once the SparkDriver is created`,
  }, ...TOTAL_RULES_CEL],
}).superRefine((spec, ctx) => {
  // The submission-rules table, with the messages the CRD's CEL rules give.
  for (const message of propertyProblems(spec.sparkProperties)) ctx.addIssue({ code: 'custom', path: ['sparkProperties'], message });
  for (const message of totalProblems(spec)) ctx.addIssue({ code: 'custom', message });
});

/**
 * The Spark properties with the explicit fields written over the keys they stand for, so the
 * driver's own configuration agrees with what the dispatcher does.
 */
export function effectiveSparkProperties(spec: Pick<SparkDriverSpec, 'sparkProperties' | 'supervise' | 'queue' | 'retryPolicy' | 'backend'>): Readonly<Record<string, string>> {
  const explicit = explicitSparkProperties(spec);
  // Without explicit fields the spec's own map serves (not a copy: the core keeps it).
  return Object.keys(explicit).length === 0 ? spec.sparkProperties : { ...spec.sparkProperties, ...explicit };
}

/** The Spark properties the explicit fields stand for, spelled as the properties would be. */
function explicitSparkProperties(spec: Pick<SparkDriverSpec, 'supervise' | 'queue' | 'retryPolicy' | 'backend'>): Record<string, string> {
  const props: Record<string, string> = {};
  if (spec.supervise !== undefined) props[SUPERVISE_KEY] = String(spec.supervise);
  if (spec.queue !== undefined) props[QUEUE_KEY] = spec.queue;
  if (spec.backend !== undefined) props[BACKEND_KEY] = spec.backend;
  const retry = spec.retryPolicy;
  if (retry?.maxRetries !== undefined) props[MAX_RETRIES_KEY] = String(retry.maxRetries);
  if (retry?.maxWaitSeconds !== undefined) props[RETRY_WAIT_MAX_KEY] = String(retry.maxWaitSeconds);
  if (retry?.resetAfterSeconds !== undefined) props[RETRY_RESET_AFTER_KEY] = `${retry.resetAfterSeconds}s`;
  return props;
}

/** A parsed spec: defaults applied (`arguments`, the maps and `kill` are always present). */
export type SparkDriverSpec = z.output<typeof sparkDriverSpecSchema>;
/** A spec as written by users: defaulted fields may be absent. */
export type SparkDriverSpecInput = z.input<typeof sparkDriverSpecSchema>;

/** A SparkDriver as stored, with a parsed spec. */
export interface SparkDriver {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: SparkDriverMetadata;
  readonly spec: SparkDriverSpec;
  readonly status?: SparkDriverStatus;
}

export type ParseResult<T> = { ok: true } & T | { ok: false; problems: string[] };

/** "spec.sparkProperties[spark.app.name]", "spec.arguments[0]": Kubernetes-style field paths. */
export function fieldPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += `.${key}`;
    else out += `[${String(key)}]`;
  }
  return out;
}

function problemsOf(error: z.ZodError, root: string): string[] {
  return error.issues.map((issue) => `${fieldPath(root, issue.path)}: ${issue.message}`);
}

/** Validates a spec as the operator sees it; each problem starts with its field path. */
export function parseSparkDriverSpec(obj: unknown): ParseResult<{ spec: SparkDriverSpec }> {
  const result = sparkDriverSpecSchema.safeParse(obj);
  return result.success ? { ok: true, spec: result.data } : { ok: false, problems: problemsOf(result.error, 'spec') };
}

/**
 * Reads a SparkDriver object (from the informer cache or the API) into the typed resource. The
 * metadata must be that of a stored object. The status is read field by field: one this schema
 * does not recognise (written under another CRD version, say) loses only those fields, never
 * `status.schedulerRecord` beside them, so a running driver is not mistaken for a new one. It is
 * read when `status` is first used: the reconcile that each of the operator's own status writes
 * causes reads only the stored record and observedGeneration (DriverController.catchUp), and a
 * burst has thousands of them.
 */
export function parseSparkDriver(obj: unknown): ParseResult<{ resource: SparkDriver }> {
  const o = (typeof obj === 'object' && obj !== null ? obj : {}) as Record<string, unknown>;
  const meta = readMetadata(o.metadata);
  const spec = readSpec(o.spec);
  const problems = [...(meta.ok ? [] : problemsOf(meta.error, 'metadata')), ...(spec.ok ? [] : spec.problems)];
  if (!meta.ok || !spec.ok) return { ok: false, problems };
  // The parts that read as they are stay the object's own (a cached object is frozen): the
  // scheduler core keeps the spec it admitted, and one copy per driver is enough.
  const resource: SparkDriver = {
    apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : SPARK_DRIVER_API_VERSION,
    kind: typeof o.kind === 'string' ? o.kind : SPARK_DRIVER.kind,
    metadata: meta.metadata,
    spec: spec.spec,
  };
  const raw = o.status;
  if (typeof raw === 'object' && raw !== null) {
    // Read once, on first use (a getter, so that a frozen resource reads it too).
    let status: SparkDriverStatus | undefined;
    let read = false;
    Object.defineProperty(resource, 'status', {
      enumerable: true,
      get(): SparkDriverStatus | undefined {
        if (!read) {
          status = readStoredStatus(raw);
          read = true;
        }
        return status;
      },
    });
  }
  return { ok: true, resource };
}

/**
 * Specs read from frozen objects (the informer cache's), by object: a status write brings a new
 * cached object but the same spec object (the cache transform keeps what did not change), so
 * the reconcile each write causes does not validate the spec again. Weak: a spec no longer
 * cached is forgotten.
 */
const readSpecs = new WeakMap<object, ParseResult<{ spec: SparkDriverSpec }>>();

function readSpec(raw: unknown): ParseResult<{ spec: SparkDriverSpec }> {
  const remembered = typeof raw === 'object' && raw !== null && Object.isFrozen(raw);
  const known = remembered ? readSpecs.get(raw) : undefined;
  if (known !== undefined) return known;
  const plain = readPlainSpec(raw) as SparkDriverSpec | undefined;
  const parsed = plain === undefined ? parseSparkDriverSpec(raw) : { ok: true as const, spec: plain };
  const read = parsed.ok ? { ok: true as const, spec: withInputFields(parsed.spec, raw) } : parsed;
  if (remembered) readSpecs.set(raw, read);
  return read;
}

/**
 * Statuses read from frozen objects (the informer cache's), by object, read-only: every status
 * write reads the cached status it builds on, and the reconcile that each write causes reads it
 * again. Weak: a status no longer cached is forgotten.
 */
const storedStatuses = new WeakMap<object, SparkDriverStatus | undefined>();

/**
 * A stored status as readStatus reads it, made of the stored object's own values where they read
 * as they are (often the stored object itself). Read-only when `raw` is.
 */
export function readStoredStatus(raw: unknown): SparkDriverStatus | undefined {
  const remembered = typeof raw === 'object' && raw !== null && Object.isFrozen(raw);
  if (remembered && storedStatuses.has(raw)) return storedStatuses.get(raw);
  const parsed = readStatus(raw);
  const status = parsed === undefined ? undefined : withInputFields(parsed, raw);
  if (remembered) storedStatuses.set(raw, deepFreeze(status));
  return status;
}

/** A resource's status, read field by field (see parseSparkDriver); undefined when it has none. */
export function readStatus(raw: unknown): SparkDriverStatus | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const whole = sparkDriverStatusSchema.safeParse(raw);
  if (whole.success) return whole.data;
  const fields = Object.entries(sparkDriverStatusSchema.shape).flatMap(([key, schema]) => {
    const field = schema.safeParse((raw as Record<string, unknown>)[key]);
    return field.success && field.data !== undefined ? [[key, field.data]] : [];
  });
  return Object.fromEntries(fields) as SparkDriverStatus;
}
