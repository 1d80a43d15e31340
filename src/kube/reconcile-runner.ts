// N workers that take keys from a WorkQueue and reconcile them, applying controller-runtime's
// rules to the outcome: success forgets the backoff, requeueAfter waits, retry backs off, a
// terminal error is logged and dropped, and a thrown error counts as retry.

import { systemClock } from '../runtime/clock.ts';
import type { Clock } from '../runtime/clock.ts';
import { errorText, silentLogger } from '../runtime/logger.ts';
import type { Logger } from '../runtime/logger.ts';
import { isConflict, KubeApiError } from './api-error.ts';
import type { WorkQueue } from './work-queue.ts';

/**
 * What a reconcile asks the runner to do next with its key:
 * - `done`: converged; the key's backoff is reset and it waits for the next change;
 * - `requeueAfter`: come back after `ms` (a wait that is not a failure: backoff reset);
 * - `retry`: failed, try again after the key's exponential backoff (or the server's Retry-After);
 * - `terminal`: failed in a way retrying cannot fix; logged, not requeued.
 */
export type ReconcileResult =
  | { kind: 'done' }
  | { kind: 'requeueAfter'; ms: number }
  | { kind: 'retry'; error: unknown }
  | { kind: 'terminal'; error: unknown };

export type Reconciler = (key: string) => Promise<ReconcileResult>;

export type Outcome = ReconcileResult['kind'] | 'panic';

export interface ReconcileRunnerOptions {
  queue: WorkQueue;
  reconcile: Reconciler;
  /** Concurrent workers (default 1); one key is still never reconciled twice at once. */
  workers?: number;
  clock?: Clock;
  logger?: Logger;
  /** Called after every reconcile (for metrics); `panic` is a thrown error. */
  onOutcome?: (key: string, outcome: Outcome, durationMs: number) => void;
}

export interface ReconcileRunnerStats {
  active: number;
  reconciles: number;
  done: number;
  requeueAfter: number;
  retry: number;
  terminal: number;
  panic: number;
}

export class ReconcileRunner {
  private readonly o: ReconcileRunnerOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly counters: ReconcileRunnerStats = { active: 0, reconciles: 0, done: 0, requeueAfter: 0, retry: 0, terminal: 0, panic: 0 };
  private loops: Promise<void>[] = [];

  constructor(options: ReconcileRunnerOptions) {
    this.o = options;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (this.loops.length > 0) return;
    const n = Math.max(1, this.o.workers ?? 1);
    for (let i = 0; i < n; i += 1) this.loops.push(this.work());
  }

  /** Shuts the queue down and resolves once queued and in-flight keys have been reconciled. */
  async stop(): Promise<void> {
    await this.o.queue.shutDown();
    await Promise.all(this.loops);
  }

  stats(): ReconcileRunnerStats {
    return { ...this.counters };
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.o.queue.get();
      if (key === undefined) return;
      this.counters.active += 1;
      const started = this.clock.now();
      let outcome: Outcome;
      try {
        outcome = this.apply(key, await this.o.reconcile(key));
      } catch (err) {
        outcome = 'panic';
        this.logger.error({ key, err: errorText(err) }, 'reconcile threw; retrying with backoff');
        this.requeue(key, err);
      } finally {
        this.counters.active -= 1;
        this.o.queue.done(key);
      }
      this.counters.reconciles += 1;
      this.counters[outcome] += 1;
      this.o.onOutcome?.(key, outcome, this.clock.now() - started);
    }
  }

  private apply(key: string, result: ReconcileResult): Outcome {
    const { queue } = this.o;
    switch (result.kind) {
      case 'done':
        queue.forget(key);
        break;
      case 'requeueAfter':
        queue.forget(key);
        queue.addAfter(key, result.ms);
        break;
      case 'retry':
        // A conflict means someone else changed the object first: routine, retried at once-ish.
        if (isConflict(result.error)) this.logger.debug({ key, err: errorText(result.error) }, 'conflict; retrying');
        else this.logger.warn({ key, err: errorText(result.error) }, 'reconcile failed; retrying with backoff');
        this.requeue(key, result.error);
        break;
      case 'terminal':
        this.logger.error({ key, err: errorText(result.error) }, 'reconcile failed terminally; not requeued');
        queue.forget(key);
        break;
    }
    return result.kind;
  }

  private requeue(key: string, error: unknown): void {
    // A server that says how long to wait is obeyed: the backoff may lengthen that, never shorten it.
    const hint = error instanceof KubeApiError ? error.retryAfterMs ?? 0 : 0;
    this.o.queue.addRateLimited(key, hint);
  }
}
