// A SparkDriver spec read without its zod schema. The operator reads each driver's spec once, on
// the watch path, and the schema spends about 19 µs and 16 KB on one (the largest part of a
// reconcile in a burst). readPlainSpec accepts only specs the schema accepts too, and reads what
// the schema reads, defaults included, holding the input's own values. Anything unusual (a
// problem, a field present but undefined, an object that is not plain) it leaves to the schema,
// which says what is wrong. Tested against the schema on generated input.
import { BACKENDS, submissionIdProblem } from '../scheduler/driver.ts';
import { isBlank } from '../scheduler/spark-values.ts';
import { LIMITS, propertyProblems, totalProblems } from '../scheduler/submission-rules.ts';

/** The least value of each retryPolicy field (all are integers). */
const RETRY_MINIMUM: ReadonlyMap<string, number> = new Map([['maxRetries', -1], ['maxWaitSeconds', 0], ['resetAfterSeconds', 0]]);

/**
 * The spec as the schema reads it, or undefined when only the schema can tell. Typed loosely:
 * this module sits below the schema's (which calls it), and the property test holds the two to
 * the same reading.
 */
export function readPlainSpec(raw: unknown): Readonly<Record<string, unknown>> | undefined {
  if (!isPlainObject(raw, Object.prototype)) return undefined;
  for (const key in raw) if (raw[key] === undefined) return undefined;
  const { appResource, mainClass, supervise, queue, retryPolicy, backend, ttlSecondsAfterFinished, submissionId } = raw;
  const { arguments: args = [], sparkProperties = {}, environmentVariables = {}, kill = false } = raw;
  if (!isValueList(args) || !isStringMap(sparkProperties) || !isStringMap(environmentVariables)) return undefined;
  const valid = typeof appResource === 'string' && appResource.length >= 1 && appResource.length <= LIMITS.urlChars
    && !appResource.includes('\0') && !isBlank(appResource)
    && (mainClass === undefined || (typeof mainClass === 'string' && mainClass.length <= LIMITS.nameChars && !mainClass.includes('\0')))
    && (supervise === undefined || typeof supervise === 'boolean')
    && (queue === undefined || (typeof queue === 'string' && queue.length >= 1 && queue.length <= LIMITS.queueChars))
    && (retryPolicy === undefined || isRetryPolicy(retryPolicy))
    && (backend === undefined || (BACKENDS as readonly unknown[]).includes(backend))
    && typeof kill === 'boolean'
    && (ttlSecondsAfterFinished === undefined || isIntAtLeast(ttlSecondsAfterFinished, 0))
    && (submissionId === undefined || (typeof submissionId === 'string' && submissionId.length <= LIMITS.submissionIdChars && submissionIdProblem(submissionId) === undefined))
    && propertyProblems(sparkProperties).length === 0
    && totalProblems({ arguments: args, sparkProperties, environmentVariables }).length === 0;
  if (!valid) return undefined;
  // In the schema's field order, so that the spec serialises as the schema's reading does.
  return {
    appResource,
    ...(mainClass !== undefined && { mainClass }),
    arguments: args, sparkProperties, environmentVariables,
    ...(supervise !== undefined && { supervise }),
    ...(queue !== undefined && { queue }),
    ...(retryPolicy !== undefined && { retryPolicy }),
    ...(backend !== undefined && { backend }),
    kill,
    ...(ttlSecondsAfterFinished !== undefined && { ttlSecondsAfterFinished }),
    ...(submissionId !== undefined && { submissionId }),
  };
}

/** An object with `proto` as its prototype and only enumerable string keys (what JSON.parse makes). */
function isPlainObject(v: unknown, proto: object): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === proto && Reflect.ownKeys(v).length === Object.keys(v).length;
}

const isValue = (v: unknown): boolean => typeof v === 'string' && v.length <= LIMITS.valueChars && !v.includes('\0');
const isIntAtLeast = (v: unknown, least: number): boolean => Number.isSafeInteger(v) && (v as number) >= least;

function isValueList(v: unknown): v is string[] {
  if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype || v.length > LIMITS.entries) return false;
  for (let i = 0; i < v.length; i++) if (!isValue(v[i])) return false;
  return true;
}

/** The schema's stringMap: at most `entries` names of 1 to `keyChars` characters without '=' or NUL. */
function isStringMap(v: unknown): v is Record<string, string> {
  if (!isPlainObject(v, Object.prototype)) return false;
  const keys = Object.keys(v);
  if (keys.length > LIMITS.entries) return false;
  for (const key of keys) {
    if (key === '__proto__' || key.length < 1 || key.length > LIMITS.keyChars || key.includes('=') || key.includes('\0')) return false;
    if (!isValue(v[key])) return false;
  }
  return true;
}

function isRetryPolicy(v: unknown): boolean {
  if (!isPlainObject(v, Object.prototype)) return false;
  for (const key of Object.keys(v)) {
    const least = RETRY_MINIMUM.get(key);
    if (least === undefined || !isIntAtLeast(v[key], least)) return false;
  }
  return true;
}
