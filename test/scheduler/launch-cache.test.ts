// What the core keeps of a driver to launch it: a queued driver its request and the plan its
// admission made; a launched, retrying or finished driver only its request. The first launch
// carries the admission's plan; a relaunch plans its task anew, to the same plan.
import { createScheduler, planDriverTask, plannedTask, step, type SchedulerState } from '../../src/scheduler/index.ts';
import { launches, makeConfig, makeOffer, makeSpec, offersReceived, statusReceived } from './fixtures.ts';

const launchOf = (state: SchedulerState, id: string) => state.drivers.get(id)?.launch;

test('the plan goes with the launch; the launch carries it, and a relaunch plans anew to the same plan', () => {
  const config = makeConfig();
  const state = createScheduler(config);
  step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
  const spec = makeSpec('a', { supervise: true });
  step(state, { type: 'DriverSubmitted', spec }, 1);
  const queuedPlan = launchOf(state, 'a')?.plan;
  expect(queuedPlan?.command).toMatch(/spark-submit --name a /);
  const fresh = planDriverTask(spec, config);
  expect(fresh.ok && { ...fresh.plan }).toEqual({ ...queuedPlan });

  const first = launches(step(state, offersReceived([makeOffer('o1', 4, 8192)]), 2));
  expect(first.map((t) => t.prepared)).toEqual([queuedPlan]);
  expect(first[0]?.prepared).toBe(queuedPlan);
  expect(launchOf(state, 'a')?.plan).toBeUndefined();
  expect(launchOf(state, 'a')?.cpusMilli).toBeGreaterThan(0);

  step(state, statusReceived('a', 'TASK_FAILED'), 3);
  const relaunch = launches(step(state, offersReceived([makeOffer('o2', 4, 8192)]), 60_000));
  expect(relaunch.map((t) => [t.taskId, t.prepared])).toEqual([['a-retry-1', undefined]]);
  const plan = (task: (typeof first)[number]) => {
    const planned = plannedTask(config, { agentId: 'agent', frameworkId: 'fw' }, task);
    return planned.ok ? { ...planned.task.plan } : planned.problems;
  };
  expect(plan(relaunch[0]!)).toEqual(plan(first[0]!));
});

test('a finished driver keeps no plan', () => {
  const state = createScheduler(makeConfig());
  step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
  step(state, { type: 'DriverSubmitted', spec: makeSpec('b', { killRequested: false }) }, 1);
  expect(launchOf(state, 'b')?.plan).toBeDefined();
  step(state, { type: 'KillRequested', submissionId: 'b' }, 2);
  expect(state.drivers.get('b')?.status.phase).toBe('finished');
  expect(launchOf(state, 'b')?.plan).toBeUndefined();
});

test('queued drivers from one template share the parts of their plans that agree, and only those', () => {
  const config = makeConfig();
  const state = createScheduler(config);
  step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
  const template = { environment: { SPARK_USER: 'etl' }, props: { 'spark.mesos.executor.docker.image': 'spark:3.5', 'spark.mesos.uris': 'http://repo/a.conf' } };
  step(state, { type: 'DriverSubmitted', spec: makeSpec('a', template) }, 1);
  step(state, { type: 'DriverSubmitted', spec: makeSpec('b', template) }, 1);
  step(state, { type: 'DriverSubmitted', spec: makeSpec('c', { ...template, environment: { SPARK_USER: 'ml' } }) }, 1);
  const [a, b, c] = ['a', 'b', 'c'].map((id) => launchOf(state, id)?.plan);
  for (const part of ['environment', 'uris', 'container', 'sizing', 'secretEnvironment'] as const) expect(b?.[part]).toBe(a?.[part]);
  expect(c?.environment).not.toBe(b?.environment);
  expect(c?.environment.get('SPARK_USER')).toBe('ml');
  expect(c?.container).toBe(b?.container);
  // Each driver's own parts stay its own, and every plan is the one it would make alone.
  expect(b?.labels).not.toEqual(a?.labels);
  for (const [id, plan] of [['a', a], ['b', b], ['c', c]] as const) {
    const spec = id === 'c' ? makeSpec('c', { ...template, environment: { SPARK_USER: 'ml' } }) : makeSpec(id, template);
    const alone = planDriverTask(spec, config);
    expect(alone.ok && { ...alone.plan }).toEqual({ ...plan });
  }
});
