// The scheduler port against the Mesos master emulator over real HTTP, with a FakeClock: events
// arrive in the core's words, a planned task is launched as its TaskInfo, its updates are
// acknowledged through the one ACKNOWLEDGE path, and a rescinded offer is never accepted.
import { startMesosMaster, type EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import type { MesosEvent } from '../../src/mesos/mesos-port.ts';
import { SchedulerPort } from '../../src/mesos/scheduler-port.ts';
import type { Offer, PlannedTask, TaskPlan } from '../../src/scheduler/index.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { EventLog, waitFor } from '../support/wait.ts';

type Of<T extends MesosEvent['type']> = Extract<MesosEvent, { type: T }>;
const is = <T extends MesosEvent['type']>(type: T) => (e: MesosEvent): e is Of<T> => e.type === type;
const hasOffers = (e: MesosEvent): e is Of<'offers'> => e.type === 'offers' && e.offers.length > 0;

const open: { master: EmulatedMesosMaster; port: SchedulerPort }[] = [];

afterEach(async () => {
  for (const { master, port } of open.splice(0)) {
    await port.client.stop();
    await master.close();
  }
});

async function subscribedPort(offerTimeoutMs?: number) {
  const clock = new FakeClock();
  const master = await startMesosMaster({ clock, agents: 1, ...(offerTimeoutMs !== undefined && { offerTimeoutMs }) });
  const events = new EventLog<MesosEvent>();
  const port = new SchedulerPort({
    master: master.url, framework: { user: 'spark', name: 'port-test', failoverTimeoutSeconds: 3600, checkpoint: true },
    clock, random: () => 0.5, onEvent: events.push,
  });
  open.push({ master, port });
  port.client.start();
  const subscribed = await events.take(is('subscribed'), 'SUBSCRIBED');
  master.allocate();
  const { offers } = await events.take(hasOffers, 'an offer');
  return { clock, master, events, port, subscribed, offer: offers[0]! };
}

/** A task plan as the core would make it, running `command` in a Mesos container. */
function planned(offer: Offer, taskId: string, command: string, frameworkId: string): PlannedTask {
  const plan: TaskPlan = {
    name: `Driver for ${taskId}`, command, environment: new Map([['SPARK_USER', 'etl']]), secretEnvironment: [], uris: [],
    labels: [{ key: 'spark-mesos-dispatcher/submission-id', value: taskId }],
    container: { type: 'mesos', portMappings: [], parameters: [], volumes: [] },
    sizing: { cpus: 0.1, driverMemoryMiB: 32, overheadMiB: 0, containerMemoryMiB: 32 }, constraints: [],
  };
  const cpus = offer.cpus[0]!;
  const mem = offer.mem[0]!;
  return {
    taskId, agentId: offer.agentId, frameworkId, plan,
    resources: [{ name: 'cpus', index: cpus.index, role: cpus.role, amountMilli: 100 }, { name: 'mem', index: mem.index, role: mem.role, amountMilli: 32_000 }],
  };
}

test('offers and updates arrive in the core\'s words; a planned task runs and each update is acknowledged', async () => {
  const { master, events, port, subscribed, offer } = await subscribedPort();
  expect(offer).toMatchObject({ agentId: expect.any(String), frameworkId: subscribed.frameworkId });
  expect(offer.cpus[0]?.amountMilli).toBeGreaterThan(100);
  await port.launch(offer.id, [planned(offer, 'echo-task', 'echo hi', subscribed.frameworkId)], 0);
  const task = master.task(subscribed.frameworkId, 'echo-task');
  expect(task).toBeDefined();
  for (const state of ['starting', 'running', 'finished']) {
    const { update } = await events.take((e): e is Of<'update'> => e.type === 'update' && e.update.status.state === state, state);
    expect(update.stateName).toBe(`TASK_${state.toUpperCase()}`);
    expect(update.acknowledgement?.taskId).toBe('echo-task');
    await port.acknowledge(update.acknowledgement!);
  }
  // The terminal ACK moves the task to the master's completed list.
  await waitFor(() => {
    const fw = (master.state().frameworks as { completed_tasks: { id: string }[] }[])[0];
    return fw?.completed_tasks.some((t) => t.id === 'echo-task');
  }, 'the task to complete after its terminal ACK');
});

test('a rescinded offer reaches the core as a rescind, and launching on it fails without an ACCEPT', async () => {
  const { clock, master, events, port, subscribed, offer } = await subscribedPort(30_000);
  clock.advance(30_000);
  expect(await events.take(is('rescind'), 'the RESCIND')).toEqual({ type: 'rescind', offerId: offer.id });
  await expect(port.launch(offer.id, [planned(offer, 'late', 'echo late', subscribed.frameworkId)], 0)).rejects.toMatchObject({ code: 'MESOS_STALE_OFFER' });
  expect(master.task(subscribed.frameworkId, 'late')).toBeUndefined();
});

test('a task reported lost after its agent went is taken as the master recorded its end, when the master still has it', async () => {
  const { master, events, port, subscribed, offer } = await subscribedPort();
  await port.launch(offer.id, [planned(offer, 'done-task', 'echo done', subscribed.frameworkId)], 0);
  for (const state of ['starting', 'running']) {
    const { update } = await events.take((e): e is Of<'update'> => e.type === 'update' && e.update.status.state === state, state);
    await port.acknowledge(update.acknowledgement!);
  }
  // Its end is never acknowledged (the dispatcher that got it died); then the agent goes.
  await events.take((e): e is Of<'update'> => e.type === 'update' && e.update.status.state === 'finished', 'finished');
  expect(master.removeAgent(offer.agentId, 'gone')).toBe(true);
  await port.reconcile([{ taskId: 'done-task', agentId: offer.agentId }]);
  const { update } = await events.take((e): e is Of<'update'> => e.type === 'update' && e.update.status.reason === undefined && e.update.status.taskId === 'done-task', 'the answer');
  expect(update).toMatchObject({ stateName: 'TASK_FINISHED', neverReachedAnAgent: false, status: { state: 'finished', message: expect.stringContaining("the master's record") } });
  expect(update.acknowledgement).toBeUndefined();
});

test('a lost task the master has no other record of stays lost', async () => {
  const { events, port } = await subscribedPort();
  await port.reconcile([{ taskId: 'never-seen', agentId: 'gone-agent' }]);
  const { update } = await events.take((e): e is Of<'update'> => e.type === 'update' && e.update.status.taskId === 'never-seen', 'the answer');
  expect(update.status.state).toMatch(/^(lost|unknown)$/);
});
