// Mesos client metrics from the subscription's events as the port emits them (translated), and
// from calls timed by the instrumented MesosPort; time is a FakeClock, the result is scraped over HTTP.
import { offerOf, taskUpdateOf } from '../../src/mesos/translation.ts';
import type { MesosEvent, MesosPort } from '../../src/mesos/mesos-port.ts';
import type { TaskState, TaskStatusReason } from '../../src/mesos/types.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { instrumentMesosPort } from '../../src/metrics/mesos-port.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { histogramOf, valueOf } from '../support/prometheus-text.ts';
import { makeOffer, taskStatus } from '../scheduler/fixtures.ts';
import { scrape } from './harness.ts';

const subscribed: MesosEvent = { type: 'subscribed', frameworkId: 'fw-1', heartbeatIntervalSeconds: 15, master: 'http://m1:5050' };

function update(taskId: string, state: TaskState, reason?: TaskStatusReason): MesosEvent {
  const translated = taskUpdateOf(taskStatus(taskId, state, reason === undefined ? {} : { reason }));
  if (translated === undefined) throw new Error(`untranslatable ${state}`);
  return { type: 'update', update: translated };
}

test('subscription, heartbeat age, offers, rescinds, failures and task updates follow the event stream', async () => {
  const clock = new FakeClock();
  const metrics = createMetrics({ clock, processMetrics: false });
  let families = await scrape(metrics.registry);
  expect(valueOf(families, 'sparkdispatcher_mesos_subscribed')).toBe(0);
  expect(valueOf(families, 'sparkdispatcher_mesos_heartbeat_age_seconds')).toBe(0);

  metrics.observeMesosEvent(subscribed);
  clock.advance(2_000);
  metrics.observeMesosEvent({ type: 'offers', offers: [makeOffer('o1', 1, 100), makeOffer('o2', 1, 100), makeOffer('o3', 1, 100)].map(offerOf) });
  metrics.observeMesosEvent({ type: 'rescind', offerId: 'o3' });
  metrics.observeMesosEvent(update('t1', 'TASK_RUNNING'));
  metrics.observeMesosEvent(update('t1', 'TASK_FAILED', 'REASON_COMMAND_EXECUTOR_FAILED'));
  metrics.observeMesosEvent(update('t2', 'TASK_LOST', 'REASON_RECONCILIATION'));
  metrics.observeMesosEvent({ type: 'failure', agentId: 'a1' });
  metrics.observeMesosEvent({ type: 'failure', agentId: 'a1', executorId: 'e1', status: 1 });
  clock.advance(7_500);
  families = await scrape(metrics.registry);
  expect(valueOf(families, 'sparkdispatcher_mesos_subscribed')).toBe(1);
  expect(valueOf(families, 'sparkdispatcher_mesos_heartbeat_interval_seconds')).toBe(15);
  expect(valueOf(families, 'sparkdispatcher_mesos_heartbeat_age_seconds')).toBe(7.5);
  expect(valueOf(families, 'sparkdispatcher_mesos_offers_received_total')).toBe(3);
  expect(valueOf(families, 'sparkdispatcher_mesos_offers_rescinded_total')).toBe(1);
  expect(valueOf(families, 'sparkdispatcher_mesos_failures_total', { kind: 'agent' })).toBe(1);
  expect(valueOf(families, 'sparkdispatcher_mesos_failures_total', { kind: 'executor' })).toBe(1);
  const updates = (state: string, reason: string) => valueOf(families, 'sparkdispatcher_mesos_task_updates_total', { state, reason });
  expect(updates('TASK_RUNNING', 'none')).toBe(1);
  expect(updates('TASK_FAILED', 'REASON_COMMAND_EXECUTOR_FAILED')).toBe(1);
  expect(updates('TASK_LOST', 'REASON_RECONCILIATION')).toBe(1);
  expect(updates('TASK_FINISHED', 'none')).toBe(0);
  expect(valueOf(families, 'sparkdispatcher_mesos_reconnects_total')).toBe(0);

  // A heartbeat (should the client report one) resets the age; a lost stream does not.
  metrics.observeMesosEvent({ type: 'heartbeat' });
  clock.advance(1_000);
  metrics.observeMesosEvent({ type: 'disconnected', reason: 'no event from the master for 75 s', retryInMs: 1_000 });
  clock.advance(1_000);
  metrics.observeMesosEvent({ type: 'disconnected', reason: 'ECONNREFUSED', retryInMs: 2_000 });
  families = await scrape(metrics.registry);
  expect(valueOf(families, 'sparkdispatcher_mesos_subscribed')).toBe(0);
  expect(valueOf(families, 'sparkdispatcher_mesos_reconnects_total')).toBe(2);
  expect(valueOf(families, 'sparkdispatcher_mesos_heartbeat_age_seconds')).toBe(2);

  metrics.observeMesosEvent(subscribed);
  expect(valueOf(await scrape(metrics.registry), 'sparkdispatcher_mesos_subscribed')).toBe(1);
  metrics.observeMesosEvent({ type: 'error', message: 'Framework failed over' });
  expect(valueOf(await scrape(metrics.registry), 'sparkdispatcher_mesos_subscribed')).toBe(0);
});

/** A MesosPort whose calls take `latencyMs` of fake time; a call whose name is in `failing` fails. */
function fakePort(clock: FakeClock, latencyMs: number, failing: Set<string>): MesosPort & { calls: string[] } {
  const calls: string[] = [];
  const call = (name: string) => async (): Promise<void> => {
    calls.push(name);
    await Promise.resolve();
    clock.advance(latencyMs);
    if (failing.has(name)) throw new Error(`${name} refused`);
  };
  return {
    calls,
    launch: call('launch'), decline: call('decline'), kill: call('kill'), reconcile: call('reconcile'),
    revive: call('revive'), suppress: call('suppress'), acknowledge: call('acknowledge'),
  };
}

test('the instrumented port times every call, passes errors through, and counts offers answered', async () => {
  const clock = new FakeClock();
  const metrics = createMetrics({ clock, processMetrics: false });
  const failing = new Set<string>();
  const inner = fakePort(clock, 20, failing);
  const port = instrumentMesosPort(inner, metrics, clock);

  await port.launch('o1', [], 0);
  await port.decline(['o2', 'o3'], 120);
  await port.kill('t1', 'a1');
  await port.reconcile([{ taskId: 't1' }]);
  await port.revive();
  await port.suppress();
  await port.acknowledge({ taskId: 't1', agentId: 'a1', token: new Uint8Array([1]) });
  failing.add('decline');
  failing.add('launch');
  await expect(port.decline(['o4'], 120)).rejects.toThrow('decline refused');
  await expect(port.launch('o5', [], 0)).rejects.toThrow('launch refused');
  expect(inner.calls).toEqual(['launch', 'decline', 'kill', 'reconcile', 'revive', 'suppress', 'acknowledge', 'decline', 'launch']);

  const families = await scrape(metrics.registry);
  expect(valueOf(families, 'sparkdispatcher_mesos_offers_accepted_total')).toBe(1);
  expect(valueOf(families, 'sparkdispatcher_mesos_offers_declined_total')).toBe(2);
  for (const call of ['ACCEPT', 'DECLINE', 'KILL', 'RECONCILE', 'REVIVE', 'SUPPRESS', 'ACKNOWLEDGE']) {
    const ok = histogramOf(families, 'sparkdispatcher_mesos_call_duration_seconds', { call, result: 'success' })!;
    expect({ call, count: ok.count, sum: ok.sum }).toEqual({ call, count: 1, sum: 0.02 });
    expect(ok.buckets.get(0.01)).toBe(0);
    expect(ok.buckets.get(0.025)).toBe(1);
  }
  expect(histogramOf(families, 'sparkdispatcher_mesos_call_duration_seconds', { call: 'DECLINE', result: 'error' })).toMatchObject({ count: 1 });
  expect(histogramOf(families, 'sparkdispatcher_mesos_call_duration_seconds', { call: 'ACCEPT', result: 'error' })).toMatchObject({ count: 1 });
  expect(histogramOf(families, 'sparkdispatcher_mesos_call_duration_seconds', { call: 'KILL', result: 'error' })).toMatchObject({ count: 0 });
});

test('ZooKeeper master detection: the gauge exists once detection reports, 1 while connected, 0 while not', async () => {
  const metrics = createMetrics({ clock: new FakeClock(), processMetrics: false });
  expect(valueOf(await scrape(metrics.registry), 'sparkdispatcher_mesos_zookeeper_connected', { path: '/mesos' })).toBeUndefined();
  const health = { zookeeper: 'zk://zk1:2181/mesos', path: '/mesos', leader: 'http://m1:5050', problem: undefined };
  metrics.observeMesosEvent({ type: 'detection', health: { ...health, connected: true } });
  expect(valueOf(await scrape(metrics.registry), 'sparkdispatcher_mesos_zookeeper_connected', { path: '/mesos' })).toBe(1);
  metrics.observeMesosEvent({ type: 'detection', health: { ...health, connected: false, problem: 'lost the connection to ZooKeeper at zk://zk1:2181/mesos' } });
  expect(valueOf(await scrape(metrics.registry), 'sparkdispatcher_mesos_zookeeper_connected', { path: '/mesos' })).toBe(0);
});
