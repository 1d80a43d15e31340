// What the core keeps of a driver to launch it: a queued driver its request and the costly parts
// of its plan (command line, sizing); a launched, retrying or finished driver only its request.
// A relaunch plans its task anew, to the same plan.
import { createScheduler, plannedTask, step, type SchedulerState } from '../../src/scheduler/index.ts';
import { launches, makeConfig, makeOffer, makeSpec, offersReceived, statusReceived } from './fixtures.ts';

const launchOf = (state: SchedulerState, id: string) => state.drivers.get(id)?.launch;

test('the plan parts go with the launch; the launch still plans with them, and a relaunch without them to the same plan', () => {
  const config = makeConfig();
  const state = createScheduler(config);
  step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
  step(state, { type: 'DriverSubmitted', spec: makeSpec('a', { supervise: true }) }, 1);
  const queued = launchOf(state, 'a');
  expect(queued?.command).toMatch(/spark-submit --name a /);
  expect(queued?.sizing).toBeDefined();

  const first = launches(step(state, offersReceived([makeOffer('o1', 4, 8192)]), 2));
  expect(first.map((t) => t.prepared.command)).toEqual([queued?.command]);
  expect(launchOf(state, 'a')).toEqual({ ...queued, command: undefined, sizing: undefined });

  step(state, statusReceived('a', 'TASK_FAILED'), 3);
  const relaunch = launches(step(state, offersReceived([makeOffer('o2', 4, 8192)]), 60_000));
  expect(relaunch.map((t) => [t.taskId, t.prepared.command])).toEqual([['a-retry-1', undefined]]);
  const plan = (task: (typeof first)[number]) => {
    const planned = plannedTask(config, { agentId: 'agent', frameworkId: 'fw' }, task);
    return planned.ok ? { ...planned.task.plan } : planned.problems;
  };
  expect(plan(relaunch[0]!)).toEqual(plan(first[0]!));
});

test('a finished driver keeps no plan parts', () => {
  const state = createScheduler(makeConfig());
  step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
  step(state, { type: 'DriverSubmitted', spec: makeSpec('b', { killRequested: false }) }, 1);
  step(state, { type: 'KillRequested', submissionId: 'b' }, 2);
  expect(state.drivers.get('b')?.status.phase).toBe('finished');
  expect(launchOf(state, 'b')?.command).toBeUndefined();
});
