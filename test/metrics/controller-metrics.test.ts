// Controller metrics with controller-runtime's and client-go's names, fed by the real work queue
// and reconcile runner (its onOutcome hook) on a FakeClock, and the leader status; scraped over
// HTTP and parsed strictly.
import { ReconcileRunner, type ReconcileResult } from '../../src/kube/reconcile-runner.ts';
import { WorkQueue } from '../../src/kube/work-queue.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { histogramOf, valueOf } from '../support/prometheus-text.ts';
import { waitFor } from '../support/wait.ts';
import { scrape } from './harness.ts';

const controller = { controller: 'sparkdriver' };
const queueName = { name: 'sparkdriver' };

test('reconcile outcomes, durations, queue depth, adds and retries, workers and leadership', async () => {
  const clock = new FakeClock();
  const metrics = createMetrics({ clock, processMetrics: false, leaseName: 'dispatcher-lease' });
  const queue = new WorkQueue({ clock });
  const seen = new Map<string, number>();
  let release: (() => void) | undefined;
  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (key === 'default/slow') await new Promise<void>((resolve) => { release = resolve; });
    clock.advance(100);
    if (n > 1) return { kind: 'done' };
    switch (key) {
      case 'default/later': return { kind: 'requeueAfter', ms: 5_000 };
      case 'default/flaky': return { kind: 'retry', error: new Error('409 conflict') };
      case 'default/broken': return { kind: 'terminal', error: new Error('invalid') };
      case 'default/boom': throw new Error('bug');
      default: return { kind: 'done' };
    }
  };
  // One worker, so that each reconcile's fake duration is its own.
  const runner = new ReconcileRunner({ queue, reconcile, workers: 1, clock, onOutcome: metrics.observeReconcile });
  let leading = false;
  metrics.bindSources({
    workQueue: () => queue.stats(),
    workers: () => ({ active: runner.stats().active, max: 1 }),
    leader: () => leading,
  });

  let families = await scrape(metrics.registry);
  for (const result of ['success', 'error', 'requeue', 'requeue_after']) {
    expect(valueOf(families, 'controller_runtime_reconcile_total', { ...controller, result })).toBe(0);
  }
  expect(valueOf(families, 'leader_election_master_status', { name: 'dispatcher-lease' })).toBe(0);

  for (const key of ['ok', 'later', 'flaky', 'broken', 'boom']) queue.add(`default/${key}`);
  queue.add('default/ok'); // de-duplicated by the queue, still an add
  families = await scrape(metrics.registry);
  expect(valueOf(families, 'workqueue_depth', queueName)).toBe(5);
  expect(valueOf(families, 'workqueue_adds_total', queueName)).toBe(6);

  leading = true;
  runner.start();
  // Time moves until the retries (rate-limited) and the requeueAfter (5 s) have come due and run.
  await waitFor(() => {
    if (runner.stats().reconciles >= 8) return true;
    clock.advance(1_000);
    return false;
  }, 'the first pass, the retries and the requeue');
  expect(runner.stats().reconciles).toBe(8);

  queue.add('default/slow');
  await waitFor(() => release, 'the slow reconcile to start');
  families = await scrape(metrics.registry);
  expect(valueOf(families, 'controller_runtime_active_workers', controller)).toBe(1);
  expect(valueOf(families, 'controller_runtime_max_concurrent_reconciles', controller)).toBe(1);
  expect(valueOf(families, 'workqueue_depth', queueName)).toBe(0);
  release!();
  await waitFor(() => runner.stats().reconciles === 9, 'the slow reconcile');

  families = await scrape(metrics.registry);
  const total = (result: string) => valueOf(families, 'controller_runtime_reconcile_total', { ...controller, result });
  expect(total('success')).toBe(5);
  expect(total('requeue_after')).toBe(1);
  expect(total('error')).toBe(3);
  expect(total('requeue')).toBe(0);
  expect(valueOf(families, 'controller_runtime_reconcile_errors_total', controller)).toBe(3);
  expect(valueOf(families, 'controller_runtime_terminal_reconcile_errors_total', controller)).toBe(1);
  expect(valueOf(families, 'controller_runtime_reconcile_panics_total', controller)).toBe(1);
  const time = histogramOf(families, 'controller_runtime_reconcile_time_seconds', controller)!;
  expect(time.count).toBe(9);
  expect(time.sum).toBeCloseTo(0.9);
  expect(time.buckets.get(0.1)).toBe(9);
  expect(time.buckets.get(0.05)).toBe(0);
  expect(valueOf(families, 'controller_runtime_active_workers', controller)).toBe(0);
  expect(valueOf(families, 'workqueue_adds_total', queueName)).toBe(10);
  expect(valueOf(families, 'workqueue_retries_total', queueName)).toBe(2);
  expect(valueOf(families, 'leader_election_master_status', { name: 'dispatcher-lease' })).toBe(1);
  await runner.stop();
});

test('before the operator binds its sources every controller series reads 0', async () => {
  const families = await scrape(createMetrics({ processMetrics: false }).registry);
  expect(valueOf(families, 'workqueue_depth', queueName)).toBe(0);
  expect(valueOf(families, 'workqueue_adds_total', queueName)).toBe(0);
  expect(valueOf(families, 'workqueue_retries_total', queueName)).toBe(0);
  expect(valueOf(families, 'controller_runtime_active_workers', controller)).toBe(0);
  expect(valueOf(families, 'leader_election_master_status', { name: 'spark-mesos-dispatcher' })).toBe(0);
  expect(histogramOf(families, 'controller_runtime_reconcile_time_seconds', controller)).toMatchObject({ count: 0, sum: 0 });
});
