// Retry policy of supervised drivers: Spark's exponential backoff (1, 2, 4, … s, capped by
// `spark.mesos.cluster.retry.wait.max`), plus what Spark lacked: an optional bound on retries
// and a reset of the failure count after a long enough successful run. Pure.

import { parseDurationMs, parseInteger } from './spark-values.ts';

export const RETRY_WAIT_MAX_KEY = 'spark.mesos.cluster.retry.wait.max';
/** The name proposed in SPARK-24075 (never merged upstream). */
export const MAX_RETRIES_KEY = 'spark.mesos.driver.supervise.maxRetries';
export const RETRY_RESET_AFTER_KEY = 'spark.mesos.driver.supervise.retryResetAfter';

export const DEFAULT_RETRY_WAIT_MAX_SECONDS = 60;

/** The effective policy of one driver. */
export interface RetryPolicy {
  /** Cap on the wait between attempts, in seconds. */
  readonly maxWaitSeconds: number;
  /** Relaunches allowed after failures; undefined means unlimited (Spark's behaviour). */
  readonly maxRetries: number | undefined;
  /** A run at least this long (from TASK_RUNNING to the failure) resets the failure count. */
  readonly resetAfterMs: number | undefined;
}

/** Per-driver settings; absent fields fall back to the dispatcher's. */
export interface RetryPolicyOverrides {
  readonly maxWaitSeconds?: number;
  /** A negative value means unlimited, so a driver can lift a dispatcher-wide bound. */
  readonly maxRetries?: number;
  readonly resetAfterMs?: number;
}

export const SPARK_RETRY_POLICY: RetryPolicy = {
  maxWaitSeconds: DEFAULT_RETRY_WAIT_MAX_SECONDS, maxRetries: undefined, resetAfterMs: undefined,
};

/** Overlays driver settings on the dispatcher's. */
export function resolveRetryPolicy(dispatcher: RetryPolicy, driver: RetryPolicyOverrides | undefined): RetryPolicy {
  // Most drivers override nothing: they share the dispatcher's policy (one per driver adds up).
  if (driver === undefined && (dispatcher.maxRetries === undefined || dispatcher.maxRetries >= 0)) return dispatcher;
  const maxRetries = driver?.maxRetries ?? dispatcher.maxRetries;
  return {
    maxWaitSeconds: driver?.maxWaitSeconds ?? dispatcher.maxWaitSeconds,
    maxRetries: maxRetries !== undefined && maxRetries >= 0 ? maxRetries : undefined,
    resetAfterMs: driver?.resetAfterMs ?? dispatcher.resetAfterMs,
  };
}

/**
 * Seconds to wait before retry number `retries` (1-based): min(cap, 2^(retries−1)), which is
 * Spark's `min(maxWait, previousWait × 2)` starting at 1. Unlike Spark, a cap below 1 s also
 * caps the first wait.
 */
export function retryWaitSeconds(retries: number, maxWaitSeconds: number): number {
  const exponent = Math.max(0, retries - 1);
  // 2^31 s is already ~68 years; avoid Infinity for absurd retry counts.
  return Math.min(maxWaitSeconds, 2 ** Math.min(exponent, 31));
}

/** Reads the retry settings present in a set of Spark properties; problems name the key. */
export function readRetryOverrides(props: Readonly<Record<string, string>>): { overrides: RetryPolicyOverrides; problems: string[] } {
  const problems: string[] = [];
  const overrides: { maxWaitSeconds?: number; maxRetries?: number; resetAfterMs?: number } = {};
  const waitMax = props[RETRY_WAIT_MAX_KEY];
  if (waitMax !== undefined) {
    const parsed = parseInteger(RETRY_WAIT_MAX_KEY, waitMax, 0);
    if (parsed.ok) overrides.maxWaitSeconds = parsed.value; else problems.push(parsed.error);
  }
  const maxRetries = props[MAX_RETRIES_KEY];
  if (maxRetries !== undefined) {
    const parsed = parseInteger(MAX_RETRIES_KEY, maxRetries, -1);
    if (parsed.ok) overrides.maxRetries = parsed.value; else problems.push(parsed.error);
  }
  const resetAfter = props[RETRY_RESET_AFTER_KEY];
  if (resetAfter !== undefined) {
    const parsed = parseDurationMs(RETRY_RESET_AFTER_KEY, resetAfter, 's');
    if (parsed.ok) overrides.resetAfterMs = parsed.value; else problems.push(parsed.error);
  }
  return { overrides, problems };
}
