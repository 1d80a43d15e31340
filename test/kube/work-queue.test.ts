// The keyed work queue, its rate limiter and the reconcile runner, on a FakeClock: de-duplication,
// one reconcile in flight per key, the backoff sequence, delayed adds, what each reconcile outcome
// does to the key, and shutdown draining queued and in-flight work.

import { RateLimiter } from '../../src/kube/rate-limiter.ts';
import { ReconcileRunner } from '../../src/kube/reconcile-runner.ts';
import type { Outcome, ReconcileResult } from '../../src/kube/reconcile-runner.ts';
import { KubeApiError } from '../../src/kube/api-error.ts';
import { WorkQueue } from '../../src/kube/work-queue.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { waitFor } from '../support/wait.ts';
import { recordingLogger } from './kube-harness.ts';

let clock: FakeClock;

beforeEach(() => {
  clock = new FakeClock();
});

/** A reconcile whose calls stay open until the test settles them. */
function gatedReconciler(): { reconcile: (key: string) => Promise<ReconcileResult>; calls: string[]; finish(key: string, result?: ReconcileResult): void; open(): string[] } {
  const pending = new Map<string, (r: ReconcileResult) => void>();
  const calls: string[] = [];
  return {
    calls,
    reconcile: (key) => new Promise((resolve) => {
      calls.push(key);
      pending.set(key, resolve);
    }),
    finish(key, result = { kind: 'done' }) {
      const resolve = pending.get(key);
      if (!resolve) throw new Error(`${key} is not being reconciled`);
      pending.delete(key);
      resolve(result);
    },
    open: () => [...pending.keys()],
  };
}

test('a key is queued once however often it is added, and keys come out in order', async () => {
  const q = new WorkQueue({ clock });
  for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
  expect(q.stats()).toEqual({ depth: 3, inFlight: 0, delayed: 0, adds: 5, retries: 0 });
  expect([await q.get(), await q.get(), await q.get()]).toEqual(['a', 'b', 'c']);
  expect(q.stats().inFlight).toBe(3);
});

test('a key added while in flight is not handed out again until done, then once more', async () => {
  const q = new WorkQueue({ clock });
  q.add('a');
  expect(await q.get()).toBe('a');
  q.add('a');
  q.add('a');
  q.add('b');
  expect(await q.get()).toBe('b');
  let next: string | undefined = 'none';
  void q.get().then((k) => { next = k; });
  await Promise.resolve();
  expect(next).toBe('none');
  q.done('a');
  await waitFor(() => next === 'a', 'a handed out again');
  q.done('a');
  expect(q.len()).toBe(0);
});

test('per-key backoff doubles from 5 ms to the 1000 s cap; forget resets it; keys are independent', () => {
  const limiter = new RateLimiter(clock, { qps: 0 });
  const delays = Array.from({ length: 20 }, () => limiter.when('a'));
  expect(delays.slice(0, 6)).toEqual([5, 10, 20, 40, 80, 160]);
  expect(delays.slice(-3)).toEqual([655_360, 1_000_000, 1_000_000]);
  expect(limiter.when('b')).toBe(5);
  expect(limiter.numRequeues('a')).toBe(20);
  limiter.forget('a');
  expect(limiter.when('a')).toBe(5);
});

test('the global bucket spaces retries out once its burst is spent (10 qps, burst 100)', () => {
  const limiter = new RateLimiter(clock);
  const firsts = Array.from({ length: 100 }, (_, i) => limiter.when(`k${i}`));
  expect(new Set(firsts)).toEqual(new Set([5]));
  expect([limiter.when('x'), limiter.when('y')]).toEqual([100, 200]);
  clock.advance(1_000);
  expect(limiter.when('z')).toBe(5);
});

test('addRateLimited and addAfter wait on the clock; an earlier delay for a key wins; shutDown drops delays', () => {
  const q = new WorkQueue({ clock, rateLimiter: { qps: 0 } });
  q.addRateLimited('a');
  q.addRateLimited('a');
  expect(q.stats()).toEqual(expect.objectContaining({ delayed: 1, depth: 0, retries: 2 }));
  clock.advance(4);
  expect(q.len()).toBe(0);
  clock.advance(1);
  expect(q.len()).toBe(1);
  expect(q.numRequeues('a')).toBe(2);

  q.addAfter('b', 1_000);
  q.addAfter('b', 500);
  q.addAfter('b', 2_000);
  clock.advance(500);
  expect(q.len()).toBe(2);
  q.addRateLimited('c', 10_000);
  clock.advance(9_999);
  expect(q.len()).toBe(2);
  clock.advance(1);
  expect(q.len()).toBe(3);

  q.addAfter('d', 100);
  void q.shutDown();
  clock.advance(100);
  q.add('e');
  expect(q.len()).toBe(3);
});

test('runner: N workers, but never two reconciles of one key at once', async () => {
  const q = new WorkQueue({ clock });
  const r = gatedReconciler();
  const runner = new ReconcileRunner({ queue: q, reconcile: r.reconcile, workers: 3, clock });
  runner.start();
  q.add('a');
  q.add('b');
  await waitFor(() => r.open().length === 2, 'two reconciles');
  q.add('a');
  q.add('c');
  await waitFor(() => r.open().includes('c'), 'c on the third worker');
  expect(r.calls).toEqual(['a', 'b', 'c']);
  r.finish('a');
  await waitFor(() => r.calls.length === 4, 'a reconciled once more');
  expect(r.calls[3]).toBe('a');
  for (const k of r.open()) r.finish(k);
  await runner.stop();
  expect(runner.stats()).toEqual(expect.objectContaining({ reconciles: 4, done: 4, active: 0 }));
});

test('runner outcomes: requeueAfter waits, retry backs off (Retry-After wins), terminal and done drop the key', async () => {
  const q = new WorkQueue({ clock, rateLimiter: { qps: 0 } });
  const script: Record<string, (ReconcileResult | 'throw')[]> = {
    wait: [{ kind: 'requeueAfter', ms: 30_000 }, { kind: 'done' }],
    flaky: [{ kind: 'retry', error: new Error('boom') }, { kind: 'retry', error: new Error('boom') }, { kind: 'done' }],
    throttled: [{ kind: 'retry', error: new KubeApiError(429, 'TooManyRequests', 'slow down', { retryAfterMs: 2_000 }) }, { kind: 'done' }],
    broken: [{ kind: 'terminal', error: new Error('invalid spec') }],
    panics: ['throw', { kind: 'done' }],
  };
  const outcomes: [string, Outcome, number][] = [];
  const logger = recordingLogger();
  const runner = new ReconcileRunner({
    queue: q, clock, logger,
    reconcile: (key) => {
      const next = script[key]?.shift();
      if (next === undefined) return Promise.reject(new Error(`unexpected reconcile of ${key}`));
      if (next === 'throw') return Promise.reject(new Error('a bug in reconcile'));
      return Promise.resolve(next);
    },
    onOutcome: (key, outcome) => outcomes.push([key, outcome, clock.now()]),
  });
  runner.start();
  const t0 = clock.now();
  for (const k of ['wait', 'flaky', 'throttled', 'broken', 'panics']) q.add(k);
  await waitFor(() => outcomes.length === 5, 'the first round');
  expect(outcomes.map(([k, o]) => [k, o])).toEqual([['wait', 'requeueAfter'], ['flaky', 'retry'], ['throttled', 'retry'], ['broken', 'terminal'], ['panics', 'panic']]);

  clock.advance(5);
  await waitFor(() => outcomes.length === 7, 'flaky and panics retried after 5 ms');
  clock.advance(10);
  await waitFor(() => outcomes.length === 8, 'flaky again after 10 ms');
  expect(q.numRequeues('flaky')).toBe(0);
  clock.advance(2_000 - 15);
  await waitFor(() => outcomes.length === 9, 'throttled after its Retry-After');
  clock.advance(28_000);
  await waitFor(() => outcomes.length === 10, 'wait after 30 s');

  const at = (key: string, outcome: Outcome): number[] => outcomes.filter(([k, o]) => k === key && o === outcome).map(([, , t]) => t - t0);
  expect(at('flaky', 'retry')).toEqual([0, 5]);
  expect(at('flaky', 'done')).toEqual([15]);
  expect(at('throttled', 'done')).toEqual([2_000]);
  expect(at('wait', 'done')).toEqual([30_000]);
  expect(at('broken', 'terminal')).toEqual([0]);
  expect([at('panics', 'panic'), at('panics', 'done')]).toEqual([[0], [5]]);
  expect(q.numRequeues('broken')).toBe(0);
  expect(logger.lines.map((l) => [l.level, l.msg])).toEqual(expect.arrayContaining([
    ['error', 'reconcile failed terminally; not requeued'], ['error', 'reconcile threw; retrying with backoff'],
  ]));
  await q.shutDown();
  expect(runner.stats()).toEqual(expect.objectContaining({ reconciles: 10, requeueAfter: 1, retry: 3, terminal: 1, panic: 1, done: 4 }));
});

test('stop() drains: queued keys and the in-flight one finish, new adds are refused', async () => {
  const q = new WorkQueue({ clock });
  const r = gatedReconciler();
  const runner = new ReconcileRunner({ queue: q, reconcile: r.reconcile, workers: 1, clock });
  runner.start();
  q.add('a');
  q.add('b');
  await waitFor(() => r.open().length === 1, 'a in flight');
  q.add('a');
  let stopped = false;
  void runner.stop().then(() => { stopped = true; });
  q.add('late');
  r.finish('a');
  await waitFor(() => r.open().includes('b'), 'b after a');
  r.finish('b');
  await waitFor(() => r.open().includes('a'), 'a once more (it was re-added while in flight)');
  expect(stopped).toBe(false);
  r.finish('a');
  await waitFor(() => stopped, 'the drained stop');
  expect(r.calls).toEqual(['a', 'b', 'a']);
  expect(await q.get()).toBeUndefined();
});
