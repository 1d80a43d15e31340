// The scheduler client against the Mesos master emulator over real HTTP, with one FakeClock
// driving heartbeats, allocation, filters and reconnect backoff on both sides.
import { MesosSchedulerClient } from '../../src/mesos/scheduler-client.ts';
import type { SchedulerClientOptions, SchedulerEvent } from '../../src/mesos/scheduler-client.ts';
import type { WireFormat } from '../../src/mesos/codec.ts';
import { encodeRecord } from '../../src/mesos/recordio.ts';
import { launchOperation } from '../../src/mesos/calls.ts';
import { acknowledgementOf } from '../../src/mesos/translation.ts';
import type { Offer, TaskInfo, TaskState, TaskStatus } from '../../src/mesos/types.ts';
import { startMesosMaster } from '../../src/devcluster/mesos/index.ts';
import type { EmulatedMesosMaster, MesosMasterOptions } from '../../src/devcluster/mesos/index.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { EventLog, waitFor } from '../support/wait.ts';

type Subscribed = Extract<SchedulerEvent, { type: 'subscribed' }>;
type Offers = Extract<SchedulerEvent, { type: 'offers' }>;
type Update = Extract<SchedulerEvent, { type: 'update' }>;
type Disconnected = Extract<SchedulerEvent, { type: 'disconnected' }>;

const isSubscribed = (e: SchedulerEvent): e is Subscribed => e.type === 'subscribed';
const isOffers = (e: SchedulerEvent): e is Offers => e.type === 'offers' && e.offers.length > 0;
const isDisconnected = (e: SchedulerEvent): e is Disconnected => e.type === 'disconnected';
const updateOf = (taskId: string, state: TaskState) =>
  (e: SchedulerEvent): e is Update => e.type === 'update' && e.status.task_id.value === taskId && e.status.state === state;

const frameworkInfo = { user: 'spark', name: 'client-test', failover_timeout: 3600, checkpoint: true };

interface Harness {
  clock: FakeClock;
  master: EmulatedMesosMaster;
  client: MesosSchedulerClient;
  events: EventLog<SchedulerEvent>;
}

const open: { master?: EmulatedMesosMaster; client?: MesosSchedulerClient }[] = [];

async function harness(options: { format?: WireFormat; master?: MesosMasterOptions; client?: Partial<SchedulerClientOptions> } = {}): Promise<Harness> {
  const clock = new FakeClock();
  const master = await startMesosMaster({ clock, agents: 1, ...options.master });
  const events = new EventLog<SchedulerEvent>();
  const client = new MesosSchedulerClient({
    master: master.url, frameworkInfo, format: options.format ?? 'protobuf', clock, random: () => 0.5,
    onEvent: events.push, ...options.client,
  });
  open.push({ master, client });
  return { clock, master, client, events };
}

afterEach(async () => {
  for (const { master, client } of open.splice(0)) {
    await client?.stop();
    await master?.close();
  }
});

function commandTask(offer: Offer, taskId: string, command: string): TaskInfo {
  return {
    name: taskId, task_id: { value: taskId }, agent_id: offer.agent_id,
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 32 } }],
    command: { value: command },
  };
}

/** Subscribes, takes the first offer and launches one command task on it. */
async function launch(h: Harness, taskId: string, command: string): Promise<void> {
  h.client.start();
  await h.events.take(isSubscribed, 'SUBSCRIBED');
  h.master.allocate();
  const { offers } = await h.events.take(isOffers, 'an offer');
  const offer = offers[0]!;
  await h.client.accept([offer.id.value], [launchOperation([commandTask(offer, taskId, command)])], { refuse_seconds: 0 });
}

/** Waits for an update in the given state and ACKs it, as a scheduler must before the next arrives. */
async function expectUpdate(h: Harness, taskId: string, state: TaskState): Promise<TaskStatus> {
  const { status } = await h.events.take(updateOf(taskId, state), `${taskId} ${state}`);
  expect(status.uuid).toHaveLength(16);
  const acknowledgement = acknowledgementOf(status);
  expect(acknowledgement).toBeDefined();
  await h.client.acknowledge({ taskId, agentId: acknowledgement!.agentId, uuid: acknowledgement!.token });
  return status;
}

describe.each<WireFormat>(['protobuf', 'json'])('over %s', (format) => {
  test('subscribes, launches `echo hi`, and sees RUNNING then FINISHED, each acknowledged', async () => {
    const h = await harness({ format });
    await launch(h, 'echo-task', 'echo hi');
    const subscribed = h.events.all.find(isSubscribed)!;
    expect(subscribed.frameworkId).toMatch(new RegExp(`^${h.master.masterId}-\\d{4}$`));
    expect(h.client.state).toBe('subscribed');
    await expectUpdate(h, 'echo-task', 'TASK_STARTING');
    await expectUpdate(h, 'echo-task', 'TASK_RUNNING');
    const finished = await expectUpdate(h, 'echo-task', 'TASK_FINISHED');
    expect(finished.source).toBe('SOURCE_EXECUTOR');
    // The terminal ACK moves the task to the master's completed list.
    await waitFor(() => {
      const fw = (h.master.state().frameworks as { completed_tasks: { id: string }[] }[])[0];
      return fw?.completed_tasks.some((t) => t.id === 'echo-task');
    }, 'the task to complete after its terminal ACK');
  });
});

test('a task that exits 3 ends TASK_FAILED with the executor message', async () => {
  const h = await harness();
  await launch(h, 'exit-3', 'exit 3');
  await expectUpdate(h, 'exit-3', 'TASK_STARTING');
  await expectUpdate(h, 'exit-3', 'TASK_RUNNING');
  const failed = await expectUpdate(h, 'exit-3', 'TASK_FAILED');
  expect(failed.message).toBe('Command exited with status 3');
});

test('KILL ends a running task TASK_KILLED', async () => {
  const h = await harness();
  await launch(h, 'sleeper', 'sleep 60');
  await expectUpdate(h, 'sleeper', 'TASK_STARTING');
  const running = await expectUpdate(h, 'sleeper', 'TASK_RUNNING');
  await h.client.kill('sleeper', running.agent_id!.value);
  const killed = await expectUpdate(h, 'sleeper', 'TASK_KILLED');
  expect(killed.message).toBe('Command terminated with signal Terminated');
});

test('a declined agent is not offered again before refuse_seconds', async () => {
  const h = await harness();
  h.client.start();
  await h.events.take(isSubscribed, 'SUBSCRIBED');
  h.master.allocate();
  const { offers } = await h.events.take(isOffers, 'an offer');
  await h.client.decline(offers.map((o) => o.id.value), { refuse_seconds: 5 });
  h.clock.advance(4_000);
  h.master.allocate();
  // The stream is FIFO: once the answer to a probe arrives, any offer made before it has too.
  await h.client.reconcile([{ taskId: 'probe' }]);
  await h.events.take(updateOf('probe', 'TASK_LOST'), 'the probe answer');
  expect(h.events.all.slice(h.events.all.indexOf(h.events.all.find(isOffers)!) + 1).filter(isOffers)).toEqual([]);
  h.clock.advance(1_001);
  h.master.allocate();
  const again = await h.events.take(isOffers, 'the re-offer after the filter expires');
  expect(again.offers[0]!.agent_id).toEqual(offers[0]!.agent_id);
  expect(h.client.outstandingOffers().map((o) => o.id.value)).toEqual(again.offers.map((o) => o.id.value));
});

test('an ACCEPT or DECLINE that failed keeps its offer declinable; one that was carried out uses it up', async () => {
  const h = await harness();
  h.client.start();
  await h.events.take(isSubscribed, 'SUBSCRIBED');
  h.master.allocate();
  const { offers } = await h.events.take(isOffers, 'an offer');
  const offerId = offers[0]!.id.value;
  // The master may never have seen these calls: the offer is still outstanding there.
  h.master.failNextCalls({ types: ['ACCEPT'], mode: { kind: 'error', status: 500 } });
  await expect(h.client.accept([offerId], [launchOperation([commandTask(offers[0]!, 't', 'true')])])).rejects.toMatchObject({ code: 'MESOS_UNAVAILABLE' });
  h.master.failNextCalls({ types: ['DECLINE'], mode: { kind: 'drop' } });
  await expect(h.client.decline([offerId])).rejects.toMatchObject({ code: 'MESOS_UNAVAILABLE' });
  expect(h.client.outstandingOffers().map((o) => o.id.value)).toEqual([offerId]);
  await h.client.decline([offerId], { refuse_seconds: 0 });
  expect(h.client.outstandingOffers()).toEqual([]);
  await expect(h.client.decline([offerId])).rejects.toMatchObject({ code: 'MESOS_STALE_OFFER' });
  // Given back: the agent is offered again.
  h.master.allocate();
  expect((await h.events.take(isOffers, 'the offer again')).offers[0]!.agent_id).toEqual(offers[0]!.agent_id);
});

test('after a master restart mid-stream the client resubscribes with the same framework ID and reconciliation reports the running task', async () => {
  const h = await harness();
  await launch(h, 'survivor', 'sleep 60');
  await expectUpdate(h, 'survivor', 'TASK_STARTING');
  const running = await expectUpdate(h, 'survivor', 'TASK_RUNNING');
  const first = h.events.all.find(isSubscribed)!;

  await h.master.restart();
  const lost = await h.events.take(isDisconnected, 'the disconnect');
  expect(h.client.state).toBe('disconnected');
  expect(h.client.outstandingOffers()).toEqual([]);
  h.clock.advance(lost.retryInMs);
  const second = await h.events.take(isSubscribed, 'the resubscription');
  expect(second.frameworkId).toBe(first.frameworkId);

  await h.client.reconcile([{ taskId: 'survivor', agentId: running.agent_id!.value }]);
  const { status } = await h.events.take(
    (e): e is Update => e.type === 'update' && e.status.reason === 'REASON_RECONCILIATION', 'the reconciliation answer');
  expect(status).toMatchObject({ task_id: { value: 'survivor' }, state: 'TASK_RUNNING', source: 'SOURCE_MASTER' });
  expect(status.uuid).toBeUndefined();
  expect(acknowledgementOf(status)).toBeUndefined();
});

test('a 307 from a standby master is followed to the leader, whose Location is protocol-relative', async () => {
  const leader = await harness();
  const standby = await startMesosMaster({ clock: leader.clock, agents: 0 });
  open.push({ master: standby });
  standby.setLeadership({ mode: 'redirect', leader: new URL(leader.master.url).host });
  const events = new EventLog<SchedulerEvent>();
  const client = new MesosSchedulerClient({ master: `mesos://${new URL(standby.url).host}`, frameworkInfo, clock: leader.clock, onEvent: events.push });
  open.push({ client });
  client.start();
  const subscribed = await events.take(isSubscribed, 'SUBSCRIBED through the redirect');
  expect(subscribed.master).toBe(leader.master.url);
  await client.reconcile([]);
  expect(events.all.filter(isDisconnected)).toEqual([]);
});

test('several masters: one that is down is skipped after a backoff', async () => {
  const h = await harness();
  const events = new EventLog<SchedulerEvent>();
  const client = new MesosSchedulerClient({ master: `mesos://127.0.0.1:1,${new URL(h.master.url).host}`, frameworkInfo, clock: h.clock, random: () => 0, onEvent: events.push });
  open.push({ client });
  client.start();
  const down = await events.take(isDisconnected, 'the refused connection');
  expect(down.reason).toMatch(/ECONNREFUSED|connect/);
  h.clock.advance(down.retryInMs);
  await events.take(isSubscribed, 'SUBSCRIBED to the second master');
});

test('missed heartbeats are detected, the stream is reset and the client resubscribes', async () => {
  const h = await harness({ master: { heartbeatIntervalMs: 15_000 } });
  h.client.start();
  const first = await h.events.take(isSubscribed, 'SUBSCRIBED');
  h.master.pauseHeartbeats();
  h.clock.advance(15_000 * 5 - 1);
  expect(h.events.rest().filter(isDisconnected)).toEqual([]);
  h.clock.advance(1);
  const lost = await h.events.take(isDisconnected, 'the watchdog');
  expect(lost.reason).toMatch(/no event from the master for 75 s \(5 heartbeats missed\)/);
  h.master.resumeHeartbeats();
  h.clock.advance(lost.retryInMs);
  const second = await h.events.take(isSubscribed, 'the resubscription');
  expect(second.frameworkId).toBe(first.frameworkId);
});

test.each([
  ['a malformed RecordIO frame', Buffer.from('12x\n')],
  ['a record that is not a valid Event', encodeRecord(Buffer.from([0x0a, 0xff, 0xff]))],
])('%s makes the client reset and resubscribe with the same framework ID', async (_name, frame) => {
  const h = await harness();
  h.client.start();
  const first = await h.events.take(isSubscribed, 'SUBSCRIBED');
  expect(h.master.sendRawFrame(first.frameworkId, frame)).toBe(true);
  const lost = await h.events.take(isDisconnected, 'the reset');
  expect(lost.reason).toMatch(/record size|Failed to parse body/);
  h.clock.advance(lost.retryInMs);
  const second = await h.events.take(isSubscribed, 'the resubscription');
  expect(second.frameworkId).toBe(first.frameworkId);
});

test('an ERROR event stops the client: a second instance took the framework over', async () => {
  const h = await harness();
  h.client.start();
  const subscribed = await h.events.take(isSubscribed, 'SUBSCRIBED');
  const events = new EventLog<SchedulerEvent>();
  const successor = new MesosSchedulerClient({ master: h.master.url, frameworkInfo, frameworkId: subscribed.frameworkId, clock: h.clock, onEvent: events.push });
  open.push({ client: successor });
  successor.start();
  await events.take(isSubscribed, 'the successor SUBSCRIBED');
  const error = await h.events.take((e) => e.type === 'error', 'ERROR on the first stream');
  expect(error).toEqual({ type: 'error', message: 'Framework failed over' });
  expect(h.client.state).toBe('stopped');
  await expect(h.client.reconcile([])).rejects.toMatchObject({ code: 'MESOS_NOT_SUBSCRIBED' });
});

test('calls are refused locally while not subscribed, and stale offers are never sent', async () => {
  const h = await harness();
  await expect(h.client.revive()).rejects.toMatchObject({ code: 'MESOS_NOT_SUBSCRIBED' });
  h.client.start();
  await h.events.take(isSubscribed, 'SUBSCRIBED');
  await expect(h.client.decline(['no-such-offer'])).rejects.toMatchObject({ code: 'MESOS_STALE_OFFER' });
});

test('HTTP basic authentication: the right secret subscribes, a wrong one is retried with backoff', async () => {
  const credentials = [{ principal: 'spark', secret: 's3cret' }];
  const good = await harness({ master: { credentials }, client: { credentials: { principal: 'spark', secret: 's3cret' }, frameworkInfo: { ...frameworkInfo, principal: 'spark' } } });
  good.client.start();
  await good.events.take(isSubscribed, 'an authenticated SUBSCRIBED');
  await good.client.reconcile([]);

  const bad = await harness({ master: { credentials }, client: { credentials: { principal: 'spark', secret: 'wrong' } } });
  bad.client.start();
  const refused = await bad.events.take(isDisconnected, 'the 401');
  expect(refused.reason).toMatch(/^Mesos master answered 401/);
  expect(refused.reason).not.toContain('wrong');
});

test('503 while no leader is elected: the client backs off and subscribes once there is one', async () => {
  const h = await harness();
  h.master.setLeadership({ mode: 'none' });
  h.client.start();
  const waiting = await h.events.take(isDisconnected, 'the 503');
  expect(waiting.reason).toBe('Mesos master answered 503: No leader elected');
  h.master.setLeadership({ mode: 'leader' });
  h.clock.advance(waiting.retryInMs);
  await h.events.take(isSubscribed, 'SUBSCRIBED after the election');
});

test('SUPPRESS stops offers for the role and REVIVE brings them back at once', async () => {
  const h = await harness();
  h.client.start();
  await h.events.take(isSubscribed, 'SUBSCRIBED');
  h.master.allocate();
  const { offers } = await h.events.take(isOffers, 'the first offer');
  await h.client.suppress(['*']);
  // Outstanding offers survive SUPPRESS; give them back with no filter at all.
  await h.client.decline(offers.map((o) => o.id.value), { refuse_seconds: 0 });
  h.master.allocate();
  await h.client.reconcile([{ taskId: 'probe' }]);
  await h.events.take(updateOf('probe', 'TASK_LOST'), 'the probe answer');
  expect(h.events.all.filter(isOffers)).toHaveLength(1);
  await h.client.revive(['*']);
  await h.events.take(isOffers, 'offers after REVIVE');
});

test('TEARDOWN kills the framework\'s tasks and stops the client for good', async () => {
  const h = await harness();
  await launch(h, 'doomed', 'sleep 60');
  await expectUpdate(h, 'doomed', 'TASK_STARTING');
  await expectUpdate(h, 'doomed', 'TASK_RUNNING');
  const { frameworkId } = h.events.all.find(isSubscribed)!;
  await h.client.teardown();
  expect(h.client.state).toBe('stopped');
  await waitFor(() => h.master.task(frameworkId, 'doomed') === undefined || h.master.task(frameworkId, 'doomed')?.pid === undefined, 'the task process to be gone');
  const completed = (h.master.state().completed_frameworks as { id: string }[]).map((f) => f.id);
  expect(completed).toContain(frameworkId);
});

test('HEARTBEAT events are reported: one right after SUBSCRIBED, then one per interval', async () => {
  const h = await harness({ master: { heartbeatIntervalMs: 15_000 } });
  h.client.start();
  await h.events.take(isSubscribed, 'SUBSCRIBED');
  await h.events.take((e) => e.type === 'heartbeat', 'the first heartbeat');
  h.clock.advance(15_000);
  await h.events.take((e) => e.type === 'heartbeat', 'the next heartbeat');
});

test.each([0, -1])('a master announcing heartbeat_interval_seconds %d is watched at the 15 s default, not reconnected to in a loop', async (announced) => {
  const h = await harness({ master: { heartbeatIntervalMs: 15_000, advertisedHeartbeatSeconds: announced } });
  h.client.start();
  const subscribed = await h.events.take(isSubscribed, 'SUBSCRIBED');
  expect(subscribed.heartbeatIntervalSeconds).toBe(15);
  // Heartbeats keep coming every 15 s: the stream stays up however long it runs.
  for (let i = 0; i < 10; i += 1) {
    h.clock.advance(15_000);
    await h.events.take((e) => e.type === 'heartbeat', `heartbeat ${i + 1}`);
  }
  expect(h.events.all.filter(isDisconnected)).toEqual([]);
  // And silence is still noticed, after the default five intervals.
  h.master.pauseHeartbeats();
  h.clock.advance(75_000);
  const lost = await h.events.take(isDisconnected, 'the watchdog');
  expect(lost.reason).toMatch(/no event from the master for 75 s/);
});
