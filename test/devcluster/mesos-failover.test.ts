// Framework and master lifecycles on the emulator: disconnect and resubscribe within
// failover_timeout, removal when it expires (or is 0), TEARDOWN, agent removal, and a master
// restart on the same port after which a resubscribed framework finds its running task.
import type { FakeClock } from '../fakes/fake-clock.ts';
import type { TaskStatus } from '../../src/mesos/types.ts';
import type { EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { emulatorPerTest, commandTask, post, subscribe, type EventStream } from './mesos-harness.ts';

let master: EmulatedMesosMaster;
let clock: FakeClock;
const start = emulatorPerTest((m, c) => {
  master = m;
  clock = c;
});

/** Launches `sleep 60` as `taskId` and ACKs STARTING; returns the RUNNING update (not ACKed). */
async function runSleeper(stream: EventStream, taskId: string): Promise<TaskStatus> {
  const [offer] = await stream.offers();
  await stream.launch([offer!], [commandTask(offer!, taskId, 'sleep 60')]);
  await stream.acknowledge(await stream.update(taskId));
  const running = await stream.update(taskId);
  expect(running.state).toBe('TASK_RUNNING');
  return running;
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('disconnect → 403; resubscribe within failover_timeout keeps the task and redelivers its update', async () => {
  await start();
  const first = await subscribe(master, { failover_timeout: 3600 });
  const running = await runSleeper(first, 'kept');
  const frameworkId = first.frameworkId;
  await first.close();
  await until(async () => (await first.call({ type: 'REVIVE' })).status === 403, 'the disconnect');
  clock.advance(3_599_000);
  const second = await subscribe(master, { failover_timeout: 3600 }, { frameworkId });
  expect(second.streamId).not.toBe(first.streamId);
  // The unACKed RUNNING comes again, at once; offers are made anew.
  const again = await second.update('kept');
  expect(again).toEqual(running);
  await second.acknowledge(again);
  clock.advance(10_000);
  await second.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 'kept' } }] } });
  expect((await second.update('kept')).state).toBe('TASK_RUNNING');
  expect(master.task(frameworkId, 'kept')?.state).toBe('TASK_RUNNING');
  await second.close();
});

test('failover_timeout expiry removes the framework and kills its tasks', async () => {
  await start();
  const stream = await subscribe(master, { failover_timeout: 60 });
  await runSleeper(stream, 'doomed');
  const pid = master.task(stream.frameworkId, 'doomed')!.pid!;
  await stream.close();
  await until(async () => (await stream.call({ type: 'REVIVE' })).status === 403, 'the disconnect');
  clock.advance(59_999);
  expect(master.task(stream.frameworkId, 'doomed')).toBeDefined();
  clock.advance(1);
  expect(master.task(stream.frameworkId, 'doomed')).toBeUndefined();
  clock.advance(3000); // the kill's SIGKILL escalation, should SIGTERM not be enough
  await until(() => !processAlive(pid), 'the task process to die');
  expect(await stream.call({ type: 'REVIVE' })).toMatchObject({ status: 400, body: 'Framework cannot be found' });
  const again = await subscribe(master, { failover_timeout: 60 }, { frameworkId: stream.frameworkId, expectSubscribed: false });
  expect(await again.eof()).toEqual([{ type: 'ERROR', error: { message: 'Framework has been removed' } }]);
  const state = master.state() as { completed_frameworks: { id: string; completed_tasks: { id: string; state: string }[] }[] };
  expect(state.completed_frameworks[0]).toMatchObject({ id: stream.frameworkId, completed_tasks: [{ id: 'doomed', state: 'TASK_KILLED' }] });
});

test('failover_timeout 0: removed as soon as the stream breaks (server-side drop)', async () => {
  await start();
  const stream = await subscribe(master);
  await runSleeper(stream, 'gone');
  expect(master.dropFramework(stream.frameworkId)).toBe(true);
  expect(master.task(stream.frameworkId, 'gone')).toBeUndefined();
  await stream.eof();
  const again = await subscribe(master, {}, { frameworkId: stream.frameworkId, expectSubscribed: false });
  expect((await again.eof())[0]?.error?.message).toBe('Framework has been removed');
});

test('TEARDOWN closes the stream, kills the tasks and retires the ID', async () => {
  await start();
  const stream = await subscribe(master, { failover_timeout: 3600 });
  await runSleeper(stream, 'torn');
  const pid = master.task(stream.frameworkId, 'torn')!.pid!;
  expect((await stream.call({ type: 'TEARDOWN' })).status).toBe(202);
  // No update is sent for the killed task: the stream just ends.
  expect(await stream.eof()).toEqual([]);
  clock.advance(3000);
  await until(() => !processAlive(pid), 'the task process to die');
  expect((await post(master, { type: 'REVIVE', framework_id: { value: stream.frameworkId } }, { streamId: stream.streamId })).status).toBe(400);
});

test.each([
  ['not partition aware', false, 'unreachable', 'TASK_LOST'],
  ['partition aware', true, 'unreachable', 'TASK_UNREACHABLE'],
  ['partition aware, agent gone', true, 'gone', 'TASK_GONE_BY_OPERATOR'],
] as const)('agent removal (%s)', async (_name, pa, loss, expected) => {
  await start({ agents: 2 });
  const stream = await subscribe(master, pa ? { capabilities: [{ type: 'PARTITION_AWARE' }] } : {});
  const offers = await stream.offers();
  const [busy, idle] = offers;
  await stream.launch([busy!], [commandTask(busy!, 'victim', 'sleep 60')]);
  await stream.acknowledge(await stream.update('victim'));
  await stream.acknowledge(await stream.update('victim'));
  const pid = master.task(stream.frameworkId, 'victim')!.pid!;
  master.allocate(); // nothing new: the leftover of `busy` is filtered
  expect(master.removeAgent(busy!.agent_id.value, loss)).toBe(true);
  expect(master.removeAgent(idle!.agent_id.value, loss)).toBe(true);
  const events = await stream.drain();
  expect(events).toContainEqual({ type: 'RESCIND', rescind: { offer_id: idle!.id } });
  expect(events).toContainEqual({ type: 'FAILURE', failure: { agent_id: busy!.agent_id } });
  const update = events.find((e) => e.type === 'UPDATE')?.update?.status;
  expect(update).toMatchObject({ task_id: { value: 'victim' }, state: expected, source: 'SOURCE_MASTER' });
  expect(update?.uuid).toBeUndefined();
  expect(update?.reason).toBe(loss === 'gone' ? 'REASON_AGENT_REMOVED_BY_OPERATOR' : 'REASON_AGENT_REMOVED');
  await until(() => !processAlive(pid), 'the task process to die');
  await stream.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 'victim' }, agent_id: busy!.agent_id }] } });
  const answer = await stream.update('victim');
  expect(answer.state).toBe(pa ? (loss === 'gone' ? 'TASK_GONE_BY_OPERATOR' : 'TASK_UNREACHABLE') : 'TASK_LOST');
  await stream.close();
});

test('agent removal after a task ended, its terminal update not yet acknowledged: TASK_LOST is sent, the task stays TASK_FINISHED', async () => {
  await start({ agents: 1 });
  const stream = await subscribe(master);
  const [offer] = await stream.offers();
  await stream.launch([offer!], [commandTask(offer!, 'done', 'true')]);
  let update = await stream.update('done');
  while (update.state !== 'TASK_FINISHED') {
    await stream.acknowledge(update);
    update = await stream.update('done');
  }
  expect(master.removeAgent(offer!.agent_id.value, 'unreachable')).toBe(true);
  expect((await stream.update('done')).state).toBe('TASK_LOST');
  const state = master.state() as { frameworks: { completed_tasks: { id: string; state: string; statuses: { state: string }[] }[] }[] };
  const [done] = state.frameworks[0]!.completed_tasks;
  expect(done).toMatchObject({ id: 'done', state: 'TASK_FINISHED' });
  expect(done!.statuses.map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED', 'TASK_LOST']);
  expect(master.taskHistory()).toMatchObject([{ taskId: 'done', state: 'TASK_FINISHED', statuses: ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED', 'TASK_LOST'] }]);
  await stream.close();
});

test('restart(): streams drop, the port stays, and the resubscribed framework finds its running task', async () => {
  await start({ agents: 2 });
  const port = master.port;
  const oldMasterId = master.masterId;
  const stream = await subscribe(master, { failover_timeout: 3600 }, { format: 'protobuf' });
  const running = await runSleeper(stream, 'survivor');
  await stream.acknowledge(running);
  await master.restart();
  await stream.eof();
  expect(master.port).toBe(port);
  expect(master.masterId).not.toBe(oldMasterId);
  // Before resubscribing, the recovered framework is known but not subscribed.
  expect((await post(master, { type: 'REVIVE', framework_id: { value: stream.frameworkId } }, { streamId: stream.streamId })).status).toBe(403);
  const again = await subscribe(master, { failover_timeout: 3600 }, { frameworkId: stream.frameworkId, format: 'protobuf' });
  expect(again.frameworkId).toBe(stream.frameworkId);
  // Offers carry the new master ID; the agent running the task offers only what is left.
  const offers = await again.offers();
  expect(offers).toHaveLength(2);
  for (const offer of offers) expect(offer.id.value.startsWith(master.masterId)).toBe(true);
  expect(offers.map((o) => o.resources?.find((r) => r.name === 'cpus')?.scalar?.value).sort()).toEqual([3.9, 4]);
  await again.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 'survivor' } }] } });
  expect(await again.update('survivor')).toMatchObject({ state: 'TASK_RUNNING', message: 'Reconciliation: Latest task state' });
  await again.call({ type: 'KILL', kill: { task_id: { value: 'survivor' } } });
  expect((await again.update('survivor')).state).toBe('TASK_KILLED');
  await again.close();
});

test('a new framework after restart gets a fresh ID; heartbeats are per subscription', async () => {
  await start({ heartbeatIntervalMs: 1000 });
  const a = await subscribe(master);
  await master.restart();
  await a.eof();
  const b = await subscribe(master);
  expect(b.frameworkId).not.toBe(a.frameworkId);
  expect(b.frameworkId.startsWith(master.masterId)).toBe(true);
  await b.offers();
  clock.advance(1000);
  expect((await b.next()).type).toBe('HEARTBEAT');
  await b.close();
});
