// Tasks on the emulator: real local processes through the command executor, reliable status
// updates (one in flight per task, resent with backoff until the matching ACK), KILL with its
// grace period on the injected clock, and implicit/explicit reconciliation answers.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FakeClock } from '../fakes/fake-clock.ts';
import type { TaskStatus } from '../../src/mesos/types.ts';
import type { EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { emulatorPerTest, commandTask, followToTerminal, subscribe } from './mesos-harness.ts';

let master: EmulatedMesosMaster;
let clock: FakeClock;
const start = emulatorPerTest((m, c) => {
  master = m;
  clock = c;
});

const states = (list: TaskStatus[]): string[] => list.map((s) => s.state);

async function waitForFile(path: string, content: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.includes(content)) return;
    if (Date.now() > deadline) throw new Error(`${path} never contained ${content}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('echo hi: STARTING, RUNNING, FINISHED, each only after the previous ACK', async () => {
  await start();
  const stream = await subscribe(master, {}, { format: 'protobuf' });
  const [offer] = await stream.offers();
  expect((await stream.launch([offer!], [commandTask(offer!, 'hello', 'echo hi')])).status).toBe(202);
  const seen: TaskStatus[] = [];
  for (const expected of ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']) {
    const status = await stream.update('hello');
    expect(status.state).toBe(expected);
    expect(status).toMatchObject({ source: 'SOURCE_EXECUTOR', agent_id: offer!.agent_id, executor_id: { value: 'hello' } });
    expect(status.uuid).toHaveLength(16);
    // Nothing else arrives until this update is ACKed.
    expect((await stream.drain()).filter((e) => e.type === 'UPDATE')).toEqual([]);
    expect((await stream.acknowledge(status)).status).toBe(202);
    seen.push(status);
  }
  expect(seen[2]?.message).toBe('Command exited with status 0');
  const view = master.task(stream.frameworkId, 'hello');
  expect(view).toBeUndefined(); // the terminal ACK ended the agent's record
  const state = master.state() as { frameworks: { tasks: unknown[]; completed_tasks: { id: string; state: string }[] }[] };
  expect(state.frameworks[0]?.tasks).toEqual([]);
  expect(state.frameworks[0]?.completed_tasks).toMatchObject([{ id: 'hello', state: 'TASK_FINISHED' }]);
  await stream.close();
});

test('exit 3 ends TASK_FAILED with the exit status in the message; resources come back', async () => {
  await start();
  const stream = await subscribe(master);
  const [offer] = await stream.offers();
  await stream.launch([offer!], [commandTask(offer!, 'three', 'exit 3')], 0);
  const seen = await followToTerminal(stream, 'three');
  expect(states(seen)).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
  expect(seen[2]?.message).toBe('Command exited with status 3');
  master.allocate();
  const [again] = await stream.offers();
  expect(again?.resources?.find((r) => r.name === 'cpus')?.scalar?.value).toBe(4);
  await stream.close();
});

test('unACKed updates are resent with backoff; a wrong uuid is ignored; a duplicate ACK is harmless', async () => {
  await start({ statusUpdateRetryMinMs: 10_000, statusUpdateRetryMaxMs: 30_000 });
  const stream = await subscribe(master);
  const [offer] = await stream.offers();
  await stream.launch([offer!], [commandTask(offer!, 'retry', 'echo hi')], 0);
  const starting = await stream.update('retry');
  expect(starting.state).toBe('TASK_STARTING');
  for (const wait of [10_000, 20_000, 30_000, 30_000]) {
    clock.advance(wait - 1);
    expect((await stream.drain()).filter((e) => e.type === 'UPDATE')).toEqual([]);
    clock.advance(1);
    const again = await stream.update('retry');
    expect(again).toEqual(starting);
  }
  const wrong = new Uint8Array(16).fill(7);
  expect((await stream.acknowledge(starting, wrong)).status).toBe(202);
  expect((await stream.drain()).filter((e) => e.type === 'UPDATE')).toEqual([]);
  await stream.acknowledge(starting);
  const running = await stream.update('retry');
  expect(running.state).toBe('TASK_RUNNING');
  expect((await stream.acknowledge(starting)).status).toBe(202);
  await stream.acknowledge(running);
  expect((await stream.update('retry')).state).toBe('TASK_FINISHED');
  await stream.close();
});

test('KILL with TASK_KILLING_STATE: KILLING then KILLED after SIGTERM', async () => {
  await start();
  const stream = await subscribe(master, { capabilities: [{ type: 'TASK_KILLING_STATE' }] });
  const [offer] = await stream.offers();
  await stream.launch([offer!], [commandTask(offer!, 'sleeper', 'sleep 60')]);
  await stream.acknowledge(await stream.update('sleeper'));
  const running = await stream.update('sleeper');
  expect(running.state).toBe('TASK_RUNNING');
  await stream.acknowledge(running);
  expect((await stream.call({ type: 'KILL', kill: { task_id: { value: 'sleeper' }, agent_id: offer!.agent_id } })).status).toBe(202);
  const seen = await followToTerminal(stream, 'sleeper');
  expect(states(seen)).toEqual(['TASK_KILLING', 'TASK_KILLED']);
  expect(seen[1]?.message).toBe('Command terminated with signal Terminated');
  await stream.close();
});

test('a task ignoring SIGTERM is SIGKILLed when the kill_policy grace runs out on the clock', async () => {
  await start();
  const stream = await subscribe(master);
  const [offer] = await stream.offers();
  const task = commandTask(offer!, 'stubborn', "trap '' TERM; echo ready; while true; do sleep 1; done",
    { kill_policy: { grace_period: { nanoseconds: 60e9 } } });
  await stream.launch([offer!], [task]);
  await stream.acknowledge(await stream.update('stubborn'));
  await stream.acknowledge(await stream.update('stubborn'));
  const view = master.task(stream.frameworkId, 'stubborn');
  await waitForFile(join(view!.sandboxDir, 'stdout'), 'ready');
  // The KILL's own policy (5 s) overrides the task's 60 s.
  await stream.call({ type: 'KILL', kill: { task_id: { value: 'stubborn' }, kill_policy: { grace_period: { nanoseconds: 5e9 } } } });
  clock.advance(4999);
  expect((await stream.drain()).filter((e) => e.type === 'UPDATE')).toEqual([]);
  expect(() => process.kill(view!.pid!, 0)).not.toThrow();
  clock.advance(1);
  const killed = await stream.update('stubborn');
  expect(killed).toMatchObject({ state: 'TASK_KILLED', message: 'Command terminated with signal Killed' });
  await stream.close();
});

test('ACCEPT then KILL back to back: killed during launch (the fetch never finishes)', async () => {
  // An artifact server that never answers keeps the task in its launch phase.
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await start();
    const stream = await subscribe(master);
    const [offer] = await stream.offers();
    const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/spark.tgz`;
    const task = commandTask(offer!, 'early', 'sleep 60', { command: { value: 'sleep 60', uris: [{ value: uri }] } });
    await stream.launch([offer!], [task]);
    await stream.call({ type: 'KILL', kill: { task_id: { value: 'early' } } });
    const killed = await stream.update('early');
    expect(killed).toMatchObject({ state: 'TASK_KILLED', reason: 'REASON_TASK_KILLED_DURING_LAUNCH', source: 'SOURCE_AGENT' });
    expect(killed.uuid).toHaveLength(16);
    await stream.close();
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('SHUTDOWN of a command task executor kills the task', async () => {
  await start();
  const stream = await subscribe(master);
  const [offer] = await stream.offers();
  await stream.launch([offer!], [commandTask(offer!, 'victim', 'sleep 60')]);
  await stream.acknowledge(await stream.update('victim'));
  await stream.acknowledge(await stream.update('victim'));
  await stream.call({ type: 'SHUTDOWN', shutdown: { executor_id: { value: 'victim' }, agent_id: offer!.agent_id } });
  expect((await stream.update('victim')).state).toBe('TASK_KILLED');
  await stream.close();
});

describe('reconciliation', () => {
  test.each([false, true])('implicit and explicit answers (partition aware: %s)', async (pa) => {
    await start();
    const stream = await subscribe(master, pa ? { capabilities: [{ type: 'PARTITION_AWARE' }] } : {});
    const [offer] = await stream.offers();
    const agentId = offer!.agent_id;
    await stream.launch([offer!], [commandTask(offer!, 'long', 'sleep 60'), commandTask(offer!, 'short', 'true')]);
    const finished: TaskStatus[] = [];
    for (let done = 0; done < 2;) {
      const event = await stream.waitFor((e) => e.type === 'UPDATE');
      const status = event.update!.status;
      if (status.state === 'TASK_FINISHED') finished.push(status);
      else await stream.acknowledge(status);
      if (status.state === 'TASK_FINISHED' || (status.task_id.value === 'long' && status.state === 'TASK_RUNNING')) done += 1;
    }

    await stream.call({ type: 'RECONCILE', reconcile: {} });
    const implicit = [await stream.nextEvent(), await stream.nextEvent()].map((e) => e.update!.status);
    const byTask = new Map(implicit.map((s) => [s.task_id.value, s]));
    expect(byTask.get('long')).toMatchObject({
      state: 'TASK_RUNNING', source: 'SOURCE_MASTER', reason: 'REASON_RECONCILIATION',
      message: 'Reconciliation: Latest task state', agent_id: agentId, executor_id: { value: 'long' },
    });
    expect(byTask.get('short')?.state).toBe('TASK_FINISHED'); // terminal but not ACKed yet
    for (const s of implicit) expect(s.uuid).toBeUndefined();

    await stream.acknowledge(finished[0]!);
    await stream.call({ type: 'RECONCILE', reconcile: {} });
    expect((await stream.drain()).map((e) => e.update?.status.task_id.value)).toEqual(['long']);

    await stream.call({ type: 'RECONCILE', reconcile: { tasks: [
      { task_id: { value: 'long' } },
      { task_id: { value: 'short' }, agent_id: agentId },
      { task_id: { value: 'ghost' } },
      { task_id: { value: 'ghost' }, agent_id: { value: 'no-such-agent' } },
    ] } });
    const explicit = (await stream.drain()).map((e) => e.update!.status);
    expect(explicit.map((s) => [s.state, s.message])).toEqual([
      ['TASK_RUNNING', 'Reconciliation: Latest task state'],
      [pa ? 'TASK_GONE' : 'TASK_LOST', 'Reconciliation: Task is unknown to the agent'],
      [pa ? 'TASK_UNKNOWN' : 'TASK_LOST', 'Reconciliation: Task is unknown'],
      [pa ? 'TASK_UNKNOWN' : 'TASK_LOST', 'Reconciliation: Task is unknown'],
    ]);
    for (const s of explicit) expect(s).toMatchObject({ source: 'SOURCE_MASTER', reason: 'REASON_RECONCILIATION' });

    // KILL of an unknown task answers like explicit reconciliation.
    await stream.call({ type: 'KILL', kill: { task_id: { value: 'ghost' } } });
    expect(await stream.update('ghost')).toMatchObject({ state: pa ? 'TASK_UNKNOWN' : 'TASK_LOST', message: 'Reconciliation: Task is unknown' });
    await stream.close();
  });

  test('a task whose first update has not arrived reconciles as TASK_STAGING', async () => {
    // A launcher that never reports: the task stays where the master put it.
    await start({
      launchTask: () => {
        const { promise, resolve } = Promise.withResolvers<void>();
        return { pid: undefined, kill: () => resolve(), done: promise };
      },
    });
    const stream = await subscribe(master);
    const [offer] = await stream.offers();
    await stream.launch([offer!], [commandTask(offer!, 'staged', 'true')]);
    await stream.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 'staged' } }] } });
    expect((await stream.update('staged')).state).toBe('TASK_STAGING');
    await stream.close();
  });
});
