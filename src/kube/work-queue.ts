// A keyed work queue with client-go semantics: a key is queued at most once, never handed to two
// workers at the same time (a key added while in flight runs once more afterwards), can be
// delayed or rate-limited, and shutting down lets queued and in-flight work finish.

import { systemClock } from '../runtime/clock.ts';
import type { Clock } from '../runtime/clock.ts';
import { DelayedKeys } from './delayed-keys.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { RateLimiterOptions } from './rate-limiter.ts';

export interface WorkQueueOptions {
  clock?: Clock;
  rateLimiter?: RateLimiter | RateLimiterOptions;
}

export interface WorkQueueStats {
  /** Keys waiting for a worker. */
  depth: number;
  /** Keys being processed. */
  inFlight: number;
  /** Keys waiting for a delay to pass. */
  delayed: number;
  /** add() calls that were accepted (de-duplicated ones included), delayed ones when they fire. */
  adds: number;
  /** addRateLimited() calls. */
  retries: number;
}

export class WorkQueue {
  private readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly order: string[] = [];
  /** Keys that need processing: queued, or re-added while in flight. */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed: DelayedKeys;
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private drained: (() => void)[] = [];
  private shuttingDown = false;
  private adds = 0;
  private retries = 0;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.limiter = options.rateLimiter instanceof RateLimiter ? options.rateLimiter : new RateLimiter(this.clock, options.rateLimiter);
    this.delayed = new DelayedKeys(this.clock, (key) => this.add(key));
  }

  /** Queues `key` unless it is already waiting; ignored once shutting down. */
  add(key: string): void {
    if (this.shuttingDown) return;
    this.adds += 1;
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Queues `key` after `ms`; an earlier pending delay for the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const pending = this.delayed.at(key);
    if (pending !== undefined && pending <= at) return;
    this.delayed.schedule(key, at);
  }

  /** Queues `key` after its backoff (and at least `minDelayMs`, e.g. a server's Retry-After). */
  addRateLimited(key: string, minDelayMs = 0): void {
    if (this.shuttingDown) return;
    this.retries += 1;
    this.addAfter(key, Math.max(this.limiter.when(key), minDelayMs));
  }

  /** Resets `key`'s backoff; call it when the key was processed successfully. */
  forget(key: string): void {
    this.limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.limiter.numRequeues(key);
  }

  /**
   * The next key to process, marked in flight until `done(key)`. Resolves undefined when the
   * queue is shutting down and nothing is left to process.
   */
  get(): Promise<string | undefined> {
    const key = this.order.shift();
    if (key !== undefined) return Promise.resolve(this.take(key));
    if (this.finished()) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends the processing of `key`; if it was added meanwhile it is queued again. */
  done(key: string): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key)) this.enqueue(key);
    else this.checkDrained();
  }

  /**
   * Accepts no more keys and drops delayed ones; resolves when what was queued or in flight has
   * been processed (workers must still be running for that).
   */
  shutDown(): Promise<void> {
    this.shuttingDown = true;
    this.delayed.clear();
    const done = new Promise<void>((resolve) => this.drained.push(resolve));
    this.checkDrained();
    return done;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  len(): number {
    return this.order.length;
  }

  stats(): WorkQueueStats {
    return { depth: this.order.length, inFlight: this.processing.size, delayed: this.delayed.size, adds: this.adds, retries: this.retries };
  }

  private enqueue(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.take(key));
    else this.order.push(key);
  }

  private take(key: string): string {
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private finished(): boolean {
    return this.shuttingDown && this.order.length === 0 && this.processing.size === 0;
  }

  private checkDrained(): void {
    if (!this.finished()) return;
    for (const resolve of this.waiters.splice(0)) resolve(undefined);
    for (const resolve of this.drained.splice(0)) resolve();
  }
}
