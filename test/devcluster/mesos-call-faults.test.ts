// The emulator's call faults and task history: a refused, dropped or unanswered call changes
// nothing; a call whose answer was lost was carried out; a delayed call is handled late, against
// the master as it is then; every task launched stays in the history across a master failover.
import { Client, request } from 'undici';
import type { EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import type { FakeClock } from '../fakes/fake-clock.ts';
import { commandTask, emulatorPerTest, followToTerminal, subscribe } from './mesos-harness.ts';
import type { EventStream, Reply } from './mesos-harness.ts';
import type { Offer } from '../../src/mesos/types.ts';
import { CONTENT_TYPE, encodeCall } from '../../src/mesos/codec.ts';

let master: EmulatedMesosMaster;
let clock: FakeClock;
const start = emulatorPerTest((m, c) => {
  master = m;
  clock = c;
});

/** An ACCEPT launching `taskId` (`true`) on `offer`. */
function launchOn(stream: EventStream, offer: Offer, taskId: string): Promise<Reply> {
  return stream.launch([offer], [commandTask(offer, taskId, 'true')]);
}

async function firstOffer(stream: EventStream): Promise<Offer> {
  const [offer] = await stream.offers();
  return offer!;
}

const launchedIds = (): string[] => master.taskHistory().map((t) => t.taskId);

test('an error answer and a dropped connection: the ACCEPT is not carried out', async () => {
  await start();
  const stream = await subscribe(master);
  master.failNextCalls({ types: ['ACCEPT'], mode: { kind: 'error', status: 503, body: 'overloaded' } });
  master.failNextCalls({ types: ['ACCEPT'], mode: { kind: 'drop' } });
  const offer = await firstOffer(stream);
  expect(await launchOn(stream, offer, 'refused')).toMatchObject({ status: 503, body: 'overloaded' });
  await expect(launchOn(stream, offer, 'dropped')).rejects.toThrow();
  expect(launchedIds()).toEqual([]);
  // The faults are used up, and the offer was never used: the next ACCEPT of it launches.
  expect(await launchOn(stream, offer, 'third')).toMatchObject({ status: 202 });
  expect(launchedIds()).toEqual(['third']);
  expect(Object.fromEntries(master.callFaultHits())).toEqual({ 'ACCEPT error': 1, 'ACCEPT drop': 1 });
});

test('a lost answer: the connection is cut, yet the task runs; other call types are not hit', async () => {
  await start();
  const stream = await subscribe(master);
  master.failNextCalls({ types: ['ACCEPT'], mode: { kind: 'lost-answer' } });
  expect(await stream.call({ type: 'REVIVE' })).toMatchObject({ status: 202 });
  await expect(launchOn(stream, await firstOffer(stream), 'ran')).rejects.toThrow();
  const statuses = await followToTerminal(stream, 'ran');
  expect(statuses.at(-1)?.state).toBe('TASK_FINISHED');
  expect(master.taskHistory()).toEqual([expect.objectContaining({ taskId: 'ran', state: 'TASK_FINISHED', agentState: 'TASK_FINISHED' })]);
  expect(master.taskHistory()[0]!.endedAtMs).toBeGreaterThanOrEqual(master.taskHistory()[0]!.launchedAtMs);
});

test('a delayed call is handled late, against the subscription as it is then', async () => {
  await start();
  const first = await subscribe(master, { failover_timeout: 60 });
  master.failNextCalls({ types: ['ACCEPT'], mode: { kind: 'delay', ms: 10_000 } });
  const late = launchOn(first, await firstOffer(first), 'late');
  // Another subscription of the framework took over meanwhile: the old stream's call is refused.
  const second = await subscribe(master, { failover_timeout: 60 }, { frameworkId: first.frameworkId });
  clock.advance(10_000);
  expect(await late).toMatchObject({ status: 400 });
  expect(launchedIds()).toEqual([]);
  await second.close();
});

test('calls pipelined on one connection are carried out in order: one behind a delayed call waits for it', async () => {
  await start();
  const stream = await subscribe(master);
  const offer = await firstOffer(stream);
  master.failNextCalls({ types: ['ACCEPT'], mode: { kind: 'delay', ms: 10_000 } });
  const client = new Client(master.url, { pipelining: 2 });
  const accept = (taskId: string) => client.request({
    method: 'POST', path: '/api/v1/scheduler', idempotent: true, blocking: false,
    headers: { 'content-type': CONTENT_TYPE.json, 'mesos-stream-id': stream.streamId },
    body: encodeCall({
      framework_id: { value: stream.frameworkId }, type: 'ACCEPT',
      accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, taskId, 'true')] } }] },
    }, 'json'),
  }).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));
  // Both sent before either is answered; the first is held up on its way.
  const [first, second] = [accept('first'), accept('second')];
  await new Promise((r) => setTimeout(r, 50));
  expect(launchedIds()).toEqual([]);
  clock.advance(10_000);
  expect(await first).toMatchObject({ status: 202 });
  await second;
  // The second came after it, when its offer was already used: its task is dropped, not launched.
  expect(launchedIds()).toEqual(['first']);
  await client.close();
});

test('a blackholed call is never answered nor carried out; a rate hits the named types only', async () => {
  await start();
  const stream = await subscribe(master);
  master.failNextCalls({ types: ['KILL'], mode: { kind: 'blackhole' } });
  const [offer] = await stream.offers();
  const body = encodeCall({
    framework_id: { value: stream.frameworkId }, type: 'KILL', kill: { task_id: { value: 'x' }, agent_id: offer!.agent_id },
  }, 'json');
  const headers = { 'content-type': CONTENT_TYPE.json, 'mesos-stream-id': stream.streamId };
  const unanswered = request(`${master.url}/api/v1/scheduler`, { method: 'POST', body, headers, headersTimeout: 300 });
  await expect(unanswered).rejects.toThrow(/timeout/i);
  // A KILL of an unknown task is answered with an UPDATE; the blackholed one never was.
  expect((await stream.drain()).filter((e) => e.type === 'UPDATE')).toEqual([]);

  master.setCallFaultRate(1, { types: ['DECLINE'], mode: { kind: 'error' } });
  expect(await stream.call({ type: 'DECLINE', decline: { offer_ids: [offer!.id] } })).toMatchObject({ status: 500 });
  expect(await stream.call({ type: 'REVIVE' })).toMatchObject({ status: 202 });
  master.clearCallFaults();
  expect(await stream.call({ type: 'DECLINE', decline: { offer_ids: [offer!.id] } })).toMatchObject({ status: 202 });
});

test('the task history keeps every launch across a master failover, which forgets completed tasks', async () => {
  await start();
  const stream = await subscribe(master, { failover_timeout: 60 });
  await launchOn(stream, await firstOffer(stream), 'before');
  await followToTerminal(stream, 'before');
  await master.restart();
  const again = await subscribe(master, { failover_timeout: 60 }, { frameworkId: stream.frameworkId });
  await launchOn(again, await firstOffer(again), 'after');
  await followToTerminal(again, 'after');
  const state = master.state() as { frameworks: { completed_tasks: { id: string }[] }[] };
  expect(state.frameworks.flatMap((f) => f.completed_tasks.map((t) => t.id))).toEqual(['after']);
  expect(master.taskHistory().map((t) => [t.taskId, t.state])).toEqual([['before', 'TASK_FINISHED'], ['after', 'TASK_FINISHED']]);
  await again.close();
});
