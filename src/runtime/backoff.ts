// Reconnect delays: exponential growth with "equal jitter" (half fixed, half random), so that a
// fleet of dispatchers does not reconnect in lockstep and no delay is ever near zero.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 15_000 };

/** Delay before retry number `attempt` (0-based), in [base/2, base) with base = min(max, initial·2^attempt). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + random() * (base / 2));
}
