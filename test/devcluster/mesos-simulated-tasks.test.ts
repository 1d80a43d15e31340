// Simulated tasks (no process) through the emulator's real status update path, and the
// `/metrics/snapshot` call counters: what the benchmark relies on to run thousands of tasks.
import { mkdtemp, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { TaskStatus } from '../../src/mesos/types.ts';
import type { EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { simulatedTasks } from '../../src/devcluster/mesos/simulated-task.ts';
import type { FakeClock } from '../fakes/fake-clock.ts';
import { commandTask, emulatorPerTest, followToTerminal, getJson, getUrl, subscribe } from './mesos-harness.ts';

let master: EmulatedMesosMaster;
let clock: FakeClock;
const start = emulatorPerTest((m, c) => {
  master = m;
  clock = c;
});

const states = (list: TaskStatus[]): string[] => list.map((s) => s.state);

test('a simulated task reports STARTING and RUNNING, each after the previous ACK, then FINISHED when its run time has passed', async () => {
  const launched: string[] = [];
  await start({ launchTask: simulatedTasks({ runMs: 5000, onLaunch: (id) => launched.push(id) }) });
  const stream = await subscribe(master);
  const [offer] = await stream.offers();
  expect((await stream.launch([offer!], [commandTask(offer!, 'sim', 'never run')])).status).toBe(202);
  expect(launched).toEqual(['sim']);
  clock.advance(0);
  const starting = await stream.update('sim');
  expect(starting).toMatchObject({ state: 'TASK_STARTING', source: 'SOURCE_EXECUTOR' });
  expect((await stream.drain()).filter((e) => e.type === 'UPDATE')).toEqual([]);
  await stream.acknowledge(starting);
  const running = await stream.update('sim');
  expect(running.state).toBe('TASK_RUNNING');
  await stream.acknowledge(running);
  expect(master.task(stream.frameworkId, 'sim')).toMatchObject({ state: 'TASK_RUNNING', pid: undefined });
  clock.advance(5000);
  const finished = await followToTerminal(stream, 'sim');
  expect(finished).toMatchObject([{ state: 'TASK_FINISHED', message: 'Command exited with status 0' }]);
  expect(master.task(stream.frameworkId, 'sim')).toBeUndefined();
  await stream.close();
});

test('a simulated task without a run time stays RUNNING until killed: KILLING (when capable), then KILLED', async () => {
  await start({ launchTask: simulatedTasks() });
  const stream = await subscribe(master, { capabilities: [{ type: 'TASK_KILLING_STATE' }] });
  const [offer] = await stream.offers();
  await stream.launch([offer!], [commandTask(offer!, 'forever', 'never run')]);
  clock.advance(0);
  await stream.acknowledge(await stream.update('forever'));
  await stream.acknowledge(await stream.update('forever'));
  clock.advance(3600_000);
  expect((await stream.drain()).filter((e) => e.type === 'UPDATE')).toEqual([]);
  await stream.call({ type: 'KILL', kill: { task_id: { value: 'forever' } } });
  await stream.call({ type: 'KILL', kill: { task_id: { value: 'forever' } } });
  clock.advance(0);
  const seen = await followToTerminal(stream, 'forever');
  expect(states(seen)).toEqual(['TASK_KILLING', 'TASK_KILLED']);
  expect(seen[1]?.message).toBe('Command terminated with signal Terminated');
  await stream.close();
});

test('a simulated task killed before it started ends TASK_KILLED during launch, with nothing before it', async () => {
  await start({ launchTask: simulatedTasks() });
  const stream = await subscribe(master);
  const [offer] = await stream.offers();
  await stream.launch([offer!], [commandTask(offer!, 'early', 'never run')]);
  await stream.call({ type: 'KILL', kill: { task_id: { value: 'early' } } });
  clock.advance(0);
  expect(await followToTerminal(stream, 'early')).toMatchObject([{ state: 'TASK_KILLED', reason: 'REASON_TASK_KILLED_DURING_LAUNCH' }]);
  await stream.close();
});

test('/metrics/snapshot counts each framework\'s calls by type, and the master message counters they imply', async () => {
  await start({ launchTask: simulatedTasks() });
  const stream = await subscribe(master, { name: 'bench framework' });
  const [offer] = await stream.offers();
  await stream.call({ type: 'DECLINE', decline: { offer_ids: [offer!.id] } });
  await stream.call({ type: 'REVIVE' });
  await stream.call({ type: 'REVIVE' });
  await stream.call({ type: 'SUPPRESS' });
  const { status, json } = await getJson(master, '/metrics/snapshot');
  expect(status).toBe(200);
  const prefix = `master/frameworks/bench%20framework/${stream.frameworkId}`;
  expect(json).toMatchObject({
    [`${prefix}/calls/revive`]: 2, [`${prefix}/calls/suppress`]: 1, [`${prefix}/calls/decline`]: 1, [`${prefix}/calls`]: 4,
    'master/messages_revive_offers': 2, 'master/messages_suppress_offers': 1, 'master/messages_decline_offers': 1,
    'master/frameworks_connected': 1, 'master/slaves_active': 1,
  });
  await stream.close();
});

test('every launched task gets its runs/latest link, and close waits for the links still being made', async () => {
  const workDir = await mkdtemp(join(tmpdir(), 'sandbox-links-'));
  try {
    await start({ workDir, agents: [{ resources: 'cpus:128;mem:65536' }], launchTask: simulatedTasks() });
    const stream = await subscribe(master);
    const [offer] = await stream.offers();
    const ids = Array.from({ length: 1000 }, (_, i) => `t${i}`);
    expect((await stream.launch([offer!], ids.map((id) => commandTask(offer!, id, 'never run')))).status).toBe(202);
    const sandboxes = ids.map((id) => master.task(stream.frameworkId, id)?.sandboxDir ?? '');
    expect(sandboxes.every((dir) => dir.startsWith(join(workDir, 'slaves', offer!.agent_id.value)))).toBe(true);
    await stream.close();
    await master.close();
    // The link is named `latest`, beside the run's directory, and names it.
    const links = await Promise.all(sandboxes.map((dir) => readlink(join(dir, '..', 'latest')).catch(() => undefined)));
    expect(links).toEqual(sandboxes.map((dir) => basename(dir)));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});

test('a launched task\'s sandbox reads under runs/latest at once, at its agent and at the master, though its links wait for the launches to pause', async () => {
  const workDir = await mkdtemp(join(tmpdir(), 'sandbox-links-'));
  try {
    await start({ workDir, agentHttp: true, launchTask: simulatedTasks() });
    const stream = await subscribe(master);
    const [offer] = await stream.offers();
    expect((await stream.launch([offer!], ['a', 'b'].map((id) => commandTask(offer!, id, 'never run')))).status).toBe(202);
    const run = master.task(stream.frameworkId, 'b')?.sandboxDir ?? '';
    const agent = ((await getJson(master, '/master/slaves')).json as { slaves: { pid: string }[] }).slaves[0]!;
    const atAgent = `http://${agent.pid.slice(agent.pid.indexOf('@') + 1)}/files/browse?path=` +
      encodeURIComponent(`/frameworks/${stream.frameworkId}/executors/b/runs/latest`);
    expect(await getUrl(atAgent)).toMatchObject({ status: 200, json: [] });
    const atMaster = `${master.url}/files/browse?path=${encodeURIComponent(join(run, '..', 'latest'))}`;
    expect(await getUrl(atMaster)).toMatchObject({ status: 200, json: [] });
    expect(await readlink(join(run, '..', 'latest'))).toBe(basename(run));
    await stream.close();
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});
