// A scripted run wired the way the operator wires the metrics: the real Mesos scheduler port
// against the Mesos master emulator (onEvent → observeMesosEvent, then the core's inputs), the
// real scheduler loop and core (onEffects → observeEffects), Mesos calls through
// instrumentMesosPort, and a stub spark-submit run as a real process by the emulator's agent.
// /metrics is then scraped over HTTP, parsed strictly, and checked against what happened.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMesosMaster, type EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import type { MesosSchedulerClient } from '../../src/mesos/scheduler-client.ts';
import { SchedulerPort } from '../../src/mesos/scheduler-port.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { instrumentMesosPort } from '../../src/metrics/mesos-port.ts';
import { SchedulerLoop } from '../../src/operator/scheduler-loop.ts';
import type { StatusSink } from '../../src/operator/status-writer.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { createScheduler, parseDispatcherConfig } from '../../src/scheduler/index.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { histogramOf, valueOf, type Family } from '../support/prometheus-text.ts';
import { waitFor } from '../support/wait.ts';
import { makeSpec } from '../scheduler/fixtures.ts';
import { scrape } from './harness.ts';

const STUB = `#!/bin/sh
case "$*" in
  *fail*) echo "failing as asked" >&2; exit 1 ;;
esac
exit 0
`;

let dir: string;
let master: EmulatedMesosMaster;
let client: MesosSchedulerClient;
let loop: SchedulerLoop;
let families: Map<string, Family>;
let outstanding: number;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'metrics-run-'));
  const sparkHome = path.join(dir, 'spark');
  await mkdir(path.join(sparkHome, 'bin'), { recursive: true });
  await writeFile(path.join(sparkHome, 'bin', 'spark-submit'), STUB);
  await chmod(path.join(sparkHome, 'bin', 'spark-submit'), 0o755);
  const appJar = path.join(dir, 'app.jar');
  await writeFile(appJar, 'not really a jar');

  const clock = new FakeClock(Date.now());
  const metrics = createMetrics({ clock, processMetrics: false });
  master = await startMesosMaster({ clock, agents: 1 });
  const parsed = parseDispatcherConfig({ 'spark.master': `mesos://${new URL(master.url).host}`, 'spark.home': sparkHome });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const sink: StatusSink = { persist: () => Promise.resolve(new Set<string>()), pending: () => undefined, forget: () => undefined };
  const port = new SchedulerPort({
    master: master.url, framework: { user: 'spark', name: 'metrics-test', failoverTimeoutSeconds: 3600, checkpoint: true },
    clock, random: () => 0.5, logger: silentLogger,
    onEvent: (event) => {
      metrics.observeMesosEvent(event);
      if (event.type === 'subscribed') void loop.submit({ type: 'Subscribed', frameworkId: event.frameworkId });
      if (event.type === 'offers') void loop.submit({ type: 'OffersReceived', offers: event.offers });
      if (event.type === 'update') void loop.submit({ type: 'TaskStatusReceived', update: event.update });
    },
  });
  client = port.client;
  loop = new SchedulerLoop({
    state: createScheduler(parsed.config), sink, mesos: instrumentMesosPort(port, metrics, clock), clock, log: silentLogger,
    onEffects: (effects) => metrics.observeEffects(effects),
  });
  client.start();
  await waitFor(() => client.state === 'subscribed', 'the subscription');

  const props = { 'spark.driver.memory': '256m', 'spark.mesos.driver.memoryOverhead': '64' };
  const submittedAtMs = clock.now() - 5_000;
  for (const [id, args] of [['good', []], ['bad', ['fail']]] as const) {
    const spec = makeSpec(id, { submittedAtMs, appResource: `file://${appJar}`, appArgs: args, props: { ...props, 'spark.app.name': id } });
    await loop.submit({ type: 'DriverSubmitted', spec });
  }
  await waitFor(async () => {
    await loop.idle();
    if (['good', 'bad'].every((id) => loop.view(id)?.status.phase === 'finished')) return true;
    master.allocate();
    return false;
  }, 'both drivers to finish', 20_000);
  await loop.idle();
  clock.advance(3_000);
  outstanding = client.outstandingOffers().length;
  families = await scrape(metrics.registry);
});

afterAll(async () => {
  await client?.stop();
  await master?.close();
  await rm(dir, { recursive: true, force: true });
});

const sumOf = (name: string, match: (labels: Readonly<Record<string, string>>) => boolean): number =>
  families.get(name)!.samples.filter((s) => match(s.labels)).reduce((sum, s) => sum + s.value, 0);

test('the drivers ran: one succeeded, one failed', () => {
  expect(loop.view('good')?.status).toMatchObject({ phase: 'finished', outcome: 'succeeded' });
  expect(loop.view('bad')?.status).toMatchObject({ phase: 'finished', outcome: 'failed' });
});

test('driver metrics: submissions, launches, finishes and their timings', () => {
  expect(valueOf(families, 'sparkdispatcher_submissions_total', { result: 'accepted' })).toBe(2);
  expect(valueOf(families, 'sparkdispatcher_launches_total', { attempt: 'first' })).toBe(2);
  expect(valueOf(families, 'sparkdispatcher_finished_total', { outcome: 'succeeded', mesos_state: 'TASK_FINISHED' })).toBe(1);
  expect(valueOf(families, 'sparkdispatcher_finished_total', { outcome: 'failed', mesos_state: 'TASK_FAILED' })).toBe(1);
  expect(histogramOf(families, 'sparkdispatcher_queue_wait_seconds')).toMatchObject({ count: 2, sum: 10 });
  expect(histogramOf(families, 'sparkdispatcher_launch_to_running_seconds')).toMatchObject({ count: 2 });
  expect(histogramOf(families, 'sparkdispatcher_run_duration_seconds', { outcome: 'succeeded' })).toMatchObject({ count: 1 });
  expect(histogramOf(families, 'sparkdispatcher_submit_to_finish_seconds', { outcome: 'failed' })).toMatchObject({ count: 1, sum: 5 });
});

test('Mesos metrics: subscribed, every offer received is accounted for, task updates, calls', () => {
  expect(valueOf(families, 'sparkdispatcher_mesos_subscribed')).toBe(1);
  expect(valueOf(families, 'sparkdispatcher_mesos_reconnects_total')).toBe(0);
  expect(valueOf(families, 'sparkdispatcher_mesos_heartbeat_interval_seconds')).toBe(15);
  expect(valueOf(families, 'sparkdispatcher_mesos_heartbeat_age_seconds')).toBeGreaterThanOrEqual(3);
  const received = valueOf(families, 'sparkdispatcher_mesos_offers_received_total')!;
  const accepted = valueOf(families, 'sparkdispatcher_mesos_offers_accepted_total')!;
  const declined = valueOf(families, 'sparkdispatcher_mesos_offers_declined_total')!;
  const rescinded = valueOf(families, 'sparkdispatcher_mesos_offers_rescinded_total')!;
  expect(accepted).toBeGreaterThanOrEqual(1);
  expect(received).toBe(accepted + declined + rescinded + outstanding);
  const updates = (state: string) => sumOf('sparkdispatcher_mesos_task_updates_total', (l) => l.state === state);
  expect(updates('TASK_RUNNING')).toBe(2);
  expect(updates('TASK_FINISHED')).toBe(1);
  expect(updates('TASK_FAILED')).toBe(1);
  const calls = (call: string, result: string) => histogramOf(families, 'sparkdispatcher_mesos_call_duration_seconds', { call, result })!.count;
  expect(calls('ACCEPT', 'success')).toBe(accepted);
  expect(calls('REVIVE', 'success')).toBeGreaterThanOrEqual(1);
  // Every update with a uuid is acknowledged once it is recorded.
  expect(calls('ACKNOWLEDGE', 'success')).toBe(sumOf('sparkdispatcher_mesos_task_updates_total', () => true));
  for (const call of ['ACCEPT', 'DECLINE', 'KILL', 'RECONCILE', 'REVIVE', 'SUPPRESS', 'ACKNOWLEDGE']) expect(calls(call, 'error')).toBe(0);
});
