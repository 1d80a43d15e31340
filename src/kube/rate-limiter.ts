// How long a failed key waits before its next try: client-go's default controller rate limiter,
// the larger of a per-key exponential backoff (5 ms doubling to 1000 s) and a global token bucket
// (10 per second, burst 100) that keeps a storm of failures from hammering the API server.

import type { Clock } from '../runtime/clock.ts';

export interface RateLimiterOptions {
  /** First per-key delay (default 5 ms). */
  baseDelayMs?: number;
  /** Per-key cap (default 1000 s). */
  maxDelayMs?: number;
  /** Global bucket refill rate per second (default 10; 0 disables the bucket). */
  qps?: number;
  /** Global bucket size (default 100). */
  burst?: number;
}

export class RateLimiter {
  private readonly base: number;
  private readonly max: number;
  private readonly qps: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private readonly failures = new Map<string, number>();
  private tokens: number;
  private refilledAt: number;

  constructor(clock: Clock, options: RateLimiterOptions = {}) {
    this.clock = clock;
    this.base = options.baseDelayMs ?? 5;
    this.max = options.maxDelayMs ?? 1_000_000;
    this.qps = options.qps ?? 10;
    this.burst = options.burst ?? 100;
    this.tokens = this.burst;
    this.refilledAt = clock.now();
  }

  /** The delay before `key` may be retried, counting this as one more failure. */
  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const exponential = Math.min(this.max, this.base * 2 ** Math.min(n, 62));
    return Math.max(exponential, this.reserveToken());
  }

  /** Failures counted for `key` since it last succeeded. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** `key` succeeded: its next failure starts from the base delay again. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Takes a token, going into debt when empty; the debt is the wait (golang.org/x/time/rate's Reserve). */
  private reserveToken(): number {
    if (this.qps <= 0) return 0;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.qps);
    this.refilledAt = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }
}
