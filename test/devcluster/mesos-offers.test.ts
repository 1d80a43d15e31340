// The emulator's allocator and ACCEPT validation: offer contents, decline filters, SUPPRESS and
// REVIVE, offer timeout, invalid offers (TASK_LOST / TASK_DROPPED) and task validation
// (TASK_ERROR). Time is a FakeClock; "nothing else was sent" is checked with a stream barrier.
import type { FakeClock } from '../fakes/fake-clock.ts';
import type { Offer, TaskInfo } from '../../src/mesos/types.ts';
import type { EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { emulatorPerTest, commandTask, subscribe, type EventStream } from './mesos-harness.ts';

let master: EmulatedMesosMaster;
let clock: FakeClock;
const start = emulatorPerTest((m, c) => {
  master = m;
  clock = c;
});

const offerAgents = (offers: Offer[]): string[] => offers.map((o) => o.agent_id.value).sort();

describe('offers', () => {
  test('one offer per agent with hostname, url, attributes and old-format resources', async () => {
    await start({ agents: [{ attributes: 'rack:r1;level:3;zone:[1-5];tags:{a,b}' }, {}] });
    const stream = await subscribe(master);
    const offers = await stream.offers();
    expect(offerAgents(offers)).toEqual([...master.agentIds].sort());
    const offer = offers.find((o) => o.agent_id.value === master.agentIds[0]);
    expect(offer?.id.value).toMatch(new RegExp(`^${master.masterId}-O\\d+$`));
    expect(offer?.agent_id.value).toMatch(new RegExp(`^${master.masterId}-S0$`));
    expect(offer?.hostname).toBe('localhost');
    expect(offer?.url).toEqual({ scheme: 'http', address: { hostname: 'localhost', ip: '127.0.0.1', port: 5051 }, path: '/slave(1)' });
    expect(offer?.allocation_info).toBeUndefined();
    expect(offer?.attributes).toEqual([
      { name: 'rack', type: 'TEXT', text: { value: 'r1' } },
      { name: 'level', type: 'SCALAR', scalar: { value: 3 } },
      { name: 'zone', type: 'RANGES', ranges: { range: [{ begin: 1, end: 5 }] } },
      { name: 'tags', type: 'SET', set: { item: ['a', 'b'] } },
    ]);
    expect(offer?.resources).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: 4096 }, role: '*' },
      { name: 'disk', type: 'SCALAR', scalar: { value: 10240 }, role: '*' },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
    ]);
    await stream.close();
  });

  test('MULTI_ROLE: one offer per role, allocation_info on offer and resources; reservations only to their role', async () => {
    await start({ agents: [{ resources: 'cpus:2;mem:1024;cpus(spark):1;mem(spark):512' }] });
    const stream = await subscribe(master, { roles: ['other', 'spark'], capabilities: [{ type: 'MULTI_ROLE' }, { type: 'RESERVATION_REFINEMENT' }] });
    const offers = await stream.offers();
    const byRole = new Map(offers.map((o) => [o.allocation_info?.role, o]));
    expect(byRole.get('other')?.resources).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, allocation_info: { role: 'other' } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 1024 }, allocation_info: { role: 'other' } },
    ]);
    expect(byRole.get('spark')?.resources).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'STATIC', role: 'spark' }], allocation_info: { role: 'spark' } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 512 }, reservations: [{ type: 'STATIC', role: 'spark' }], allocation_info: { role: 'spark' } },
    ]);
    await stream.close();
  });

  test('GPU agents are offered only to GPU_RESOURCES frameworks', async () => {
    await start({ agents: [{ resources: 'cpus:1;mem:512;gpus:1' }] });
    const plain = await subscribe(master);
    expect(await plain.drain()).toEqual([]);
    await plain.close();
    const gpu = await subscribe(master, { capabilities: [{ type: 'GPU_RESOURCES' }] });
    const [offer] = await gpu.offers();
    expect(offer?.resources?.find((r) => r.name === 'gpus')?.scalar?.value).toBe(1);
    await gpu.close();
  });

  test('a decline filter holds the agent back for refuse_seconds, then it is offered again', async () => {
    await start();
    const stream = await subscribe(master);
    const [offer] = await stream.offers();
    if (!offer) throw new Error('no offer');
    expect((await stream.call({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 30 } } })).status).toBe(202);
    clock.advance(29_000);
    expect(await stream.drain()).toEqual([]);
    clock.advance(1000);
    const [again] = await stream.offers();
    expect(again?.agent_id).toEqual(offer.agent_id);
    expect(again?.id).not.toEqual(offer.id);
    await stream.close();
  });

  test('default filter is 5 s; refuse_seconds 0 re-offers at the next allocation; REVIVE clears filters', async () => {
    await start();
    const stream = await subscribe(master);
    let [offer] = await stream.offers();
    await stream.call({ type: 'DECLINE', decline: { offer_ids: [offer!.id] } });
    clock.advance(4000);
    expect(await stream.drain()).toEqual([]);
    clock.advance(1000);
    [offer] = await stream.offers();
    await stream.call({ type: 'DECLINE', decline: { offer_ids: [offer!.id], filters: { refuse_seconds: 0 } } });
    master.allocate();
    [offer] = await stream.offers();
    await stream.call({ type: 'DECLINE', decline: { offer_ids: [offer!.id], filters: { refuse_seconds: 3600 } } });
    master.allocate();
    expect(await stream.drain()).toEqual([]);
    await stream.call({ type: 'REVIVE' });
    expect(await stream.offers()).toHaveLength(1);
    await stream.close();
  });

  test('a filter blocks only subsets of what was refused', async () => {
    await start();
    const stream = await subscribe(master);
    const [offer] = await stream.offers();
    // Use part of the offer for a task; the rest is filtered for an hour.
    await stream.launch([offer!], [commandTask(offer!, 'sleeper', 'sleep 30')], 3600);
    await stream.acknowledge(await stream.update('sleeper'));
    const running = await stream.update('sleeper');
    expect(running.state).toBe('TASK_RUNNING');
    await stream.acknowledge(running);
    master.allocate();
    expect((await stream.drain()).filter((e) => e.type === 'OFFERS')).toEqual([]);
    // Killing the task frees resources: the agent now has more than the filter refused.
    await stream.call({ type: 'KILL', kill: { task_id: { value: 'sleeper' } } });
    expect((await stream.update('sleeper')).state).toBe('TASK_KILLED');
    master.allocate();
    const [freed] = await stream.offers();
    expect(freed?.resources?.find((r) => r.name === 'cpus')?.scalar?.value).toBe(4);
    await stream.close();
  });

  test('SUPPRESS stops offers but keeps outstanding ones valid; an invalid role drops the call', async () => {
    await start({ agents: 2 });
    const stream = await subscribe(master, { role: 'spark' });
    const [first, second] = await stream.offers();
    expect((await stream.call({ type: 'SUPPRESS', suppress: { roles: ['nope'] } })).status).toBe(202);
    await stream.call({ type: 'DECLINE', decline: { offer_ids: [first!.id], filters: { refuse_seconds: 0 } } });
    master.allocate();
    const [again] = await stream.offers();
    expect((await stream.call({ type: 'SUPPRESS' })).status).toBe(202);
    await stream.call({ type: 'DECLINE', decline: { offer_ids: [again!.id], filters: { refuse_seconds: 0 } } });
    master.allocate();
    clock.advance(10_000);
    expect(await stream.drain()).toEqual([]);
    // The offer made before SUPPRESS is still good.
    await stream.launch([second!], [commandTask(second!, 't1', 'true')]);
    expect((await stream.update('t1')).state).toBe('TASK_STARTING');
    expect((await stream.call({ type: 'REVIVE', revive: { roles: ['spark', 'nope'] } })).status).toBe(202);
    expect(await stream.drain()).toEqual([]);
    await stream.call({ type: 'REVIVE', revive: { roles: ['spark'] } });
    expect((await stream.offers()).length).toBeGreaterThan(0);
    await stream.close();
  });

  test('SUBSCRIBE suppressed_roles starts suppressed', async () => {
    await start();
    const stream = await subscribe(master, { role: 'spark' }, { suppressedRoles: ['spark'] });
    master.allocate();
    expect(await stream.drain()).toEqual([]);
    await stream.close();
  });

  test('offer timeout rescinds the offer with no filter', async () => {
    await start({ offerTimeoutMs: 10_000 });
    const stream = await subscribe(master);
    const [offer] = await stream.offers();
    clock.advance(10_000);
    expect(await stream.nextEvent()).toEqual({ type: 'RESCIND', rescind: { offer_id: offer!.id } });
    master.allocate();
    expect(await stream.offers()).toHaveLength(1);
    const reply = await stream.launch([offer!], [commandTask(offer!, 'late', 'true')]);
    expect(reply.status).toBe(202);
    const lost = await stream.update('late');
    expect(lost).toMatchObject({ state: 'TASK_LOST', reason: 'REASON_INVALID_OFFERS', source: 'SOURCE_MASTER' });
    expect(lost.message).toBe(`Task launched with invalid offers: Offer ${offer!.id.value} is no longer valid`);
    await stream.close();
  });
});

describe('ACCEPT with invalid offers', () => {
  test.each([false, true])('reuse, duplicates and two agents → TASK_LOST or TASK_DROPPED (partition aware: %s)', async (pa) => {
    await start({ agents: 2 });
    const stream = await subscribe(master, pa ? { capabilities: [{ type: 'PARTITION_AWARE' }] } : {});
    const [a, b] = await stream.offers();
    const state = pa ? 'TASK_DROPPED' : 'TASK_LOST';

    await stream.launch([a!, a!], [commandTask(a!, 'dup', 'true')]);
    const dup = await stream.update('dup');
    expect(dup).toMatchObject({ state, reason: 'REASON_INVALID_OFFERS', source: 'SOURCE_MASTER' });
    expect(dup.uuid).toBeUndefined();
    expect(dup.message).toBe(`Task launched with invalid offers: Duplicate offer ${a!.id.value} in offer list`);

    master.allocate(); // the duplicate-list ACCEPT discarded `a` without a filter
    const [a2] = await stream.offers();
    await stream.launch([a2!, b!], [commandTask(a2!, 'two', 'true')]);
    const two = await stream.update('two');
    expect(two.message).toMatch(/^Task launched with invalid offers: Aggregated offers must belong to one single agent/);

    master.allocate();
    const [c] = await stream.offers();
    await stream.launch([c!], [commandTask(c!, 'ok', 'sleep 30')]);
    await stream.launch([c!], [commandTask(c!, 'reuse', 'true')]);
    expect(await stream.update('reuse')).toMatchObject({ state, message: `Task launched with invalid offers: Offer ${c!.id.value} is no longer valid` });
    await stream.close();
  });
});

test('offers of two roles cannot be accepted together', async () => {
  await start({ agents: [{ resources: 'cpus:1;mem:256;cpus(b):1;mem(b):256' }] });
  const stream = await subscribe(master, { roles: ['a', 'b'], capabilities: [{ type: 'MULTI_ROLE' }] });
  const offers = await stream.offers();
  expect(offers.map((o) => o.allocation_info?.role).sort()).toEqual(['a', 'b']);
  await stream.launch(offers, [commandTask(offers[0]!, 'mixed', 'true')]);
  const lost = await stream.update('mixed');
  expect(lost.state).toBe('TASK_LOST');
  expect(lost.message).toMatch(/^Task launched with invalid offers: Aggregated offers must be allocated to the same role/);
  await stream.close();
});

describe('task validation → TASK_ERROR', () => {
  const cases: [string, (o: Offer) => TaskInfo, RegExp][] = [
    ['wrong agent', (o) => ({ ...commandTask(o, 'x', 'true'), agent_id: { value: 'other-agent' } }), /^Task uses invalid agent: other-agent$/],
    ['no resources', (o) => ({ ...commandTask(o, 'x', 'true'), resources: [] }), /^Task uses no resources$/],
    ['zero scalar', (o) => ({ ...commandTask(o, 'x', 'true'), resources: [{ name: 'disk', type: 'SCALAR', scalar: { value: 0 } }] }), /^Task uses invalid resources: /],
    ['both command and executor', (o) => ({ ...commandTask(o, 'x', 'true'), executor: { executor_id: { value: 'e' }, command: { value: 'x' } } }),
      /^Task should have at least one \(but not both\) of CommandInfo or ExecutorInfo present$/],
    ['neither command nor executor', (o) => { const t = commandTask(o, 'x', 'true'); delete t.command; return t; },
      /^Task should have at least one \(but not both\) of CommandInfo or ExecutorInfo present$/],
    ['more than offered', (o) => ({ ...commandTask(o, 'x', 'true'), resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 5 } }] }),
      /^Total resources cpus\(allocated: \*\):5 required by task and its executor is more than available/],
    ['mixed allocation roles', (o) => ({ ...commandTask(o, 'x', 'true'), resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, allocation_info: { role: 'a' } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, allocation_info: { role: 'b' } }] }), /multiple allocation roles/],
    ['VALUE env var without value', (o) => commandTask(o, 'x', 'true', { command: { value: 'true', environment: { variables: [{ name: 'A', type: 'VALUE' }] } } }),
      /Environment variable 'A' of type 'VALUE' must have a value set/],
    ['SECRET env var with a value', (o) => commandTask(o, 'x', 'true', { command: { value: 'true', environment: { variables: [
      { name: 'S', type: 'SECRET', value: 'v', secret: { type: 'VALUE', value: { data: Buffer.from('x') } } }] } } }),
    /Environment variable 'S' of type 'SECRET' must not have a value set/],
    ['invalid task ID', (o) => ({ ...commandTask(o, 'x', 'true'), task_id: { value: 'a/b' } }), /^Task ID 'a\/b' is invalid/],
  ];

  test.each(cases)('%s', async (_name, build, message) => {
    await start();
    const stream = await subscribe(master);
    const [offer] = await stream.offers();
    const task = build(offer!);
    await stream.launch([offer!], [task], 0);
    const status = await stream.update(task.task_id.value);
    expect(status).toMatchObject({ state: 'TASK_ERROR', reason: 'REASON_TASK_INVALID', source: 'SOURCE_MASTER' });
    expect(status.uuid).toBeUndefined();
    expect(status.message).toMatch(message);
    // The offer's resources were declined with the ACCEPT's filter (0 s): offered again.
    master.allocate();
    expect(await stream.offers()).toHaveLength(1);
    await stream.close();
  });

  test('duplicate task ID, including a terminal but unacknowledged task', async () => {
    await start();
    const stream = await subscribe(master);
    const [offer] = await stream.offers();
    await stream.launch([offer!], [commandTask(offer!, 'same', 'true'), commandTask(offer!, 'same', 'true')], 0);
    expect((await stream.update('same')).state).toBe('TASK_ERROR');
    const starting = await stream.update('same');
    expect(starting.state).toBe('TASK_STARTING');
    await stream.acknowledge(starting);
    const running = await stream.update('same');
    await stream.acknowledge(running);
    const finished = await stream.update('same');
    expect(finished.state).toBe('TASK_FINISHED');
    // Not ACKed yet: the ID is still taken.
    master.allocate();
    const [next] = await stream.offers();
    await stream.launch([next!], [commandTask(next!, 'same', 'true')], 0);
    expect(await stream.update('same')).toMatchObject({ state: 'TASK_ERROR', message: 'Task has duplicate ID: same' });
    await stream.acknowledge(finished);
    master.allocate();
    const [last] = await stream.offers();
    await stream.launch([last!], [commandTask(last!, 'same', 'true')], 0);
    expect((await stream.update('same')).state).toBe('TASK_STARTING');
    await stream.close();
  });

  test('a missing required field fails the whole call with 400', async () => {
    await start();
    const stream = await subscribe(master);
    const [offer] = await stream.offers();
    const task = commandTask(offer!, 'x', 'true') as Partial<TaskInfo>;
    delete task.name;
    const reply = await stream.call({ type: 'ACCEPT' }, {
      body: JSON.stringify({ type: 'ACCEPT', framework_id: { value: stream.frameworkId }, accept: { offer_ids: [offer!.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }] } }),
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/Missing required fields: accept\.operations\[0\]\.launch\.task_infos\[0\]\.name/);
    await stream.close();
  });
});

export type { EventStream };
