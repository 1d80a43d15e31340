// Every metric the dispatcher exposes, on a fresh process before anything happened: its type,
// its labels, the series that exist from the start (at 0), and the naming rules (units in
// names, `_total` counters, help text). A metric added without being listed here fails.
import { readFileSync } from 'node:fs';
import { buildInfo } from '../../src/metrics/build-info.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { seriesLabels, type Family, type MetricType } from '../support/prometheus-text.ts';
import { scrape } from './harness.ts';

/** Name, type, label names, and how many label sets exist from the start. */
const INVENTORY: [string, MetricType, string[], number][] = [
  ['sparkdispatcher_build_info', 'gauge', ['commit', 'version'], 1],
  ['sparkdispatcher_drivers', 'gauge', ['phase', 'queue'], 5],
  ['sparkdispatcher_submissions_total', 'counter', ['result'], 2],
  ['sparkdispatcher_launches_total', 'counter', ['attempt'], 2],
  ['sparkdispatcher_requeues_total', 'counter', [], 1],
  ['sparkdispatcher_retries_total', 'counter', ['mesos_state'], 2],
  ['sparkdispatcher_finished_total', 'counter', ['mesos_state', 'outcome'], 13],
  ['sparkdispatcher_task_kills_total', 'counter', [], 1],
  ['sparkdispatcher_scheduler_anomalies_total', 'counter', [], 1],
  ['sparkdispatcher_queue_wait_seconds', 'histogram', [], 1],
  ['sparkdispatcher_launch_to_running_seconds', 'histogram', [], 1],
  ['sparkdispatcher_run_duration_seconds', 'histogram', ['outcome'], 6],
  ['sparkdispatcher_submit_to_finish_seconds', 'histogram', ['outcome'], 6],
  ['sparkdispatcher_scheduled_runs_created_total', 'counter', [], 1],
  ['sparkdispatcher_scheduled_runs_finished_total', 'counter', ['outcome'], 6],
  ['sparkdispatcher_scheduled_missed_total', 'counter', ['reason'], 3],
  ['sparkdispatcher_mesos_subscribed', 'gauge', [], 1],
  ['sparkdispatcher_mesos_heartbeat_age_seconds', 'gauge', [], 1],
  ['sparkdispatcher_mesos_heartbeat_interval_seconds', 'gauge', [], 1],
  ['sparkdispatcher_mesos_zookeeper_connected', 'gauge', ['path'], 0],
  ['sparkdispatcher_mesos_reconnects_total', 'counter', [], 1],
  ['sparkdispatcher_mesos_offers_received_total', 'counter', [], 1],
  ['sparkdispatcher_mesos_offers_accepted_total', 'counter', [], 1],
  ['sparkdispatcher_mesos_offers_declined_total', 'counter', [], 1],
  ['sparkdispatcher_mesos_offers_rescinded_total', 'counter', [], 1],
  ['sparkdispatcher_mesos_failures_total', 'counter', ['kind'], 2],
  ['sparkdispatcher_mesos_task_updates_total', 'counter', ['reason', 'state'], 14],
  ['sparkdispatcher_mesos_call_duration_seconds', 'histogram', ['call', 'result'], 14],
  ['controller_runtime_reconcile_total', 'counter', ['controller', 'result'], 4],
  ['controller_runtime_reconcile_errors_total', 'counter', ['controller'], 1],
  ['controller_runtime_terminal_reconcile_errors_total', 'counter', ['controller'], 1],
  ['controller_runtime_reconcile_panics_total', 'counter', ['controller'], 1],
  ['controller_runtime_reconcile_time_seconds', 'histogram', ['controller'], 1],
  ['controller_runtime_active_workers', 'gauge', ['controller'], 1],
  ['controller_runtime_max_concurrent_reconciles', 'gauge', ['controller'], 1],
  ['workqueue_depth', 'gauge', ['name'], 1],
  ['workqueue_adds_total', 'counter', ['name'], 1],
  ['workqueue_retries_total', 'counter', ['name'], 1],
  ['leader_election_master_status', 'gauge', ['name'], 1],
];

/** Node process metrics from prom-client's collectDefaultMetrics (a sample of them). */
const PROCESS: [string, MetricType][] = [
  ['process_cpu_user_seconds_total', 'counter'],
  ['process_cpu_seconds_total', 'counter'],
  ['process_start_time_seconds', 'gauge'],
  ['process_resident_memory_bytes', 'gauge'],
  ['nodejs_eventloop_lag_seconds', 'gauge'],
  ['nodejs_heap_size_used_bytes', 'gauge'],
  ['nodejs_active_handles_total', 'gauge'],
  ['nodejs_version_info', 'gauge'],
];

let families: Map<string, Family>;
beforeAll(async () => {
  families = await scrape(createMetrics().registry);
});

/** Metrics whose value at start is not 0. */
const CONSTANT = new Set(['sparkdispatcher_build_info']);

test.each(INVENTORY)('%s is a %s labelled %j with %d series from the start', (name, type, labels, series) => {
  const family = families.get(name);
  expect(family?.type).toBe(type);
  const sets = seriesLabels(families, name);
  expect(sets).toHaveLength(series);
  for (const set of sets) expect(Object.keys(set).sort()).toEqual(labels);
  if (!CONSTANT.has(name)) expect(family!.samples.filter((s) => s.value !== 0)).toEqual([]);
});

test('build_info is 1, labelled with the package version and the commit given to the process', async () => {
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  expect(families.get('sparkdispatcher_build_info')!.samples).toEqual([expect.objectContaining({ value: 1, labels: { version, commit: expect.any(String) } })]);
  const given = await scrape(createMetrics({ processMetrics: false, build: buildInfo({ SMD_REVISION: ' 0abc123 ' }) }).registry);
  expect(seriesLabels(given, 'sparkdispatcher_build_info')).toEqual([{ version, commit: '0abc123' }]);
  const none = await scrape(createMetrics({ processMetrics: false, build: buildInfo({}) }).registry);
  expect(seriesLabels(none, 'sparkdispatcher_build_info')).toEqual([{ version, commit: 'unknown' }]);
});

test('drivers by phase exist for every declared queue from the start', async () => {
  const declared = await scrape(createMetrics({ processMetrics: false, queues: ['urgent', 'default'] }).registry);
  const sets = seriesLabels(declared, 'sparkdispatcher_drivers');
  expect(sets).toHaveLength(10);
  expect([...new Set(sets.map((l) => l.queue))].sort()).toEqual(['default', 'urgent']);
});

test('the controller label is the controller name; the queue and lease names are set', () => {
  expect(seriesLabels(families, 'controller_runtime_reconcile_total').map((l) => l.result).sort()).toEqual(['error', 'requeue', 'requeue_after', 'success']);
  expect(seriesLabels(families, 'controller_runtime_reconcile_total').every((l) => l.controller === 'sparkdriver')).toBe(true);
  expect(seriesLabels(families, 'workqueue_depth')).toEqual([{ name: 'sparkdriver' }]);
  expect(seriesLabels(families, 'leader_election_master_status')).toEqual([{ name: 'spark-mesos-dispatcher' }]);
});

test.each(PROCESS)('Node process metric %s is a %s', (name, type) => {
  expect(families.get(name)?.type).toBe(type);
});

test('naming: nothing unlisted in our namespaces, counters end in _total, durations in _seconds, every metric has help', () => {
  const ours = [...families.keys()].filter((n) => /^(sparkdispatcher|controller_runtime|workqueue|leader_election)_/.test(n));
  expect(ours.sort()).toEqual(INVENTORY.map(([name]) => name).sort());
  for (const [name, type] of INVENTORY) {
    expect({ name, total: name.endsWith('_total') }).toEqual({ name, total: type === 'counter' });
    if (type === 'histogram') expect(name).toMatch(/_seconds$/);
    expect(families.get(name)!.help).not.toBe('');
  }
});
