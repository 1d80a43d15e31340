// The scheduler core with drivers on the kubernetes backend: started without offers once the pods
// are listed, gated by spark.mesos.maxDrivers in priority order, retried, killed and reconciled as
// Mesos drivers are, in the same lifecycle; and never placed on a Mesos offer.
import type { DriverRecord, DriverSpec } from '../../src/scheduler/driver.ts';
import type { Effect } from '../../src/scheduler/effects.ts';
import type { SchedulerInput } from '../../src/scheduler/inputs.ts';
import { driverPodName } from '../../src/scheduler/pod-plan.ts';
import { restoreScheduler } from '../../src/scheduler/recovery.ts';
import { createScheduler, driverCounts, driverView, step, type SchedulerState } from '../../src/scheduler/scheduler.ts';
import { planDriverTask } from '../../src/scheduler/task-plan.ts';
import type { TaskState } from '../../src/scheduler/task-status.ts';
import { makeConfig, makeOffer, makeSpec, offersReceived } from './fixtures.ts';

const KUBERNETES = { 'spark.mesos.dispatcher.kubernetes.enabled': 'true' };
const IMAGE = { 'spark.kubernetes.container.image': 'spark:3.5.1' };

function podSpec(id: string, overrides: Partial<DriverSpec> & { props?: Record<string, string> } = {}): DriverSpec {
  const { props, ...rest } = overrides;
  return makeSpec(id, {
    backend: 'kubernetes', resource: { namespace: 'ns', name: `sd-${id}`, uid: `uid-${id}` }, props: { ...IMAGE, ...props }, ...rest,
  });
}

function scheduler(props: Record<string, string> = {}): SchedulerState {
  const state = createScheduler(makeConfig({ ...KUBERNETES, ...props }));
  step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
  step(state, { type: 'KubernetesSynced' }, 0);
  return state;
}

const types = (effects: Effect[]) => effects.map((e) => e.type);
const starts = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'StartTask' ? [e.taskId] : []));
const statusOf = (state: SchedulerState, id: string) => driverView(state, id)?.status;

function podUpdate(taskId: string, state: TaskState, extra: { reason?: string; message?: string; agentId?: string } = {}): SchedulerInput {
  return {
    type: 'TaskStatusReceived',
    update: {
      status: { taskId, state, ...extra }, stateName: state === 'running' ? 'Running' : state === 'finished' ? 'Succeeded' : 'Failed',
      neverReachedAnAgent: false, backend: 'kubernetes',
    },
  };
}

describe('starting without offers', () => {
  test('a kubernetes driver starts at once, as its deterministic pod; no offer interest', () => {
    const state = scheduler();
    const effects = step(state, { type: 'DriverSubmitted', spec: podSpec('a') }, 5);
    // Queued, then launched in the same step: the shell writes the newest status once.
    expect(types(effects)).toEqual(['PersistDriver', 'PersistDriver', 'StartTask']);
    expect(effects[2]).toMatchObject({ type: 'StartTask', backend: 'kubernetes', taskId: 'a' });
    expect(statusOf(state, 'a')).toMatchObject({ phase: 'launched', attempts: 1, attempt: { taskId: 'a', agentId: 'sd-a-driver', launchedAtMs: 5 } });
  });

  test('nothing starts before the pods are listed; then the queue starts', () => {
    const state = createScheduler(makeConfig(KUBERNETES));
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
    expect(types(step(state, { type: 'DriverSubmitted', spec: podSpec('a') }, 5))).toEqual(['PersistDriver']);
    expect(statusOf(state, 'a')?.phase).toBe('queued');
    expect(starts(step(state, { type: 'KubernetesSynced' }, 6))).toEqual(['a']);
  });

  test('spark.mesos.maxDrivers holds kubernetes drivers in priority order; a finish frees a place', () => {
    const state = createScheduler(makeConfig({ ...KUBERNETES, 'spark.mesos.maxDrivers': '2', 'spark.mesos.dispatcher.queue.urgent': '5' }));
    for (const [id, queue, at] of [['low1', 'default', 1], ['low2', 'default', 2], ['hot', 'urgent', 3]] as const) {
      step(state, { type: 'DriverSubmitted', spec: podSpec(id, { queue, submittedAtMs: at }) }, 10);
    }
    expect(starts(step(state, { type: 'KubernetesSynced' }, 11))).toEqual(['hot', 'low1']);
    expect(driverCounts(state)).toMatchObject({ queued: 1, launched: 2 });
    expect(starts(step(state, podUpdate('hot', 'running'), 12))).toEqual([]);
    expect(starts(step(state, podUpdate('hot', 'finished'), 13))).toEqual(['low2']);
    expect(statusOf(state, 'hot')).toMatchObject({ phase: 'finished', outcome: 'succeeded' });
  });

  test('Mesos offers never place a kubernetes driver, and Mesos drivers beside it are unaffected', () => {
    const state = scheduler({ 'spark.mesos.maxDrivers': '2' });
    step(state, { type: 'DriverSubmitted', spec: podSpec('pod') }, 1);
    const mesos = step(state, { type: 'DriverSubmitted', spec: makeSpec('task') }, 2);
    expect(types(mesos)).toEqual(['PersistDriver', 'ReviveOffers', 'ScheduleWake']);
    const offered = step(state, offersReceived([makeOffer('o1', 8, 8000)]), 3);
    expect(offered.find((e) => e.type === 'LaunchTasks')).toMatchObject({ tasks: [{ taskId: 'task' }] });
  });

  test('invalid on kubernetes: a Mesos-only key of its own, no image, or a backend the dispatcher does not enable', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: podSpec('m', { props: { 'spark.mesos.driver.labels': 'a:b', 'spark.mesos.executor.docker.image': 'x' } }) }, 1);
    expect(statusOf(state, 'm')).toMatchObject({
      phase: 'finished', outcome: 'error', reason: 'InvalidDriver',
      message: 'spark.mesos.driver.labels: a Mesos-only setting, which the kubernetes backend cannot honour; use spark.kubernetes.driver.label.<name>=<value>; '
        + 'spark.mesos.executor.docker.image: a Mesos-only setting, which the kubernetes backend cannot honour; use spark.kubernetes.container.image',
    });
    step(state, { type: 'DriverSubmitted', spec: makeSpec('noimage', { backend: 'kubernetes', resource: { namespace: 'ns', name: 'n', uid: 'u' } }) }, 1);
    expect(statusOf(state, 'noimage')).toMatchObject({ outcome: 'error', message: 'spark.kubernetes.container.image: not set (the image with Spark the driver pod runs)' });
    const off = createScheduler(makeConfig());
    step(off, { type: 'DriverSubmitted', spec: podSpec('off') }, 1);
    expect(statusOf(off, 'off')).toMatchObject({ outcome: 'error', message: expect.stringContaining('kubernetes is not enabled on this dispatcher') });
  });

  test('the dispatcher\'s default backend applies to a driver that names none, and is fixed at admission', () => {
    const state = scheduler({ 'spark.mesos.dispatcher.backend': 'kubernetes' });
    const { backend: _, ...unnamed } = podSpec('d');
    expect(starts(step(state, { type: 'DriverSubmitted', spec: unnamed }, 1))).toEqual(['d']);
    expect(driverView(state, 'd')?.spec.backend).toBe('kubernetes');
  });

  test('a queue\'s backend applies to its drivers that name none; a driver\'s own choice wins', () => {
    const state = scheduler({ 'spark.mesos.dispatcher.queue.pods': '1', 'spark.mesos.dispatcher.backend.pods': 'kubernetes' });
    const { backend: _, ...unnamed } = podSpec('q', { queue: 'pods' });
    expect(starts(step(state, { type: 'DriverSubmitted', spec: unnamed }, 1))).toEqual(['q']);
    const own = step(state, { type: 'DriverSubmitted', spec: podSpec('m', { queue: 'pods', backend: 'mesos' }) }, 2);
    expect(types(own)).toEqual(['PersistDriver', 'ReviveOffers', 'ScheduleWake']);
    expect(driverView(state, 'm')?.spec.backend).toBe('mesos');
  });
});

describe('the lifecycle on kubernetes', () => {
  test('a supervised failure retries after Spark\'s backoff, as the next pod', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: podSpec('s', { supervise: true }) }, 0);
    const failed = step(state, podUpdate('s', 'failed', { reason: 'REASON_CONTAINER_LIMITATION_MEMORY', message: 'OOMKilled' }), 1000);
    expect(statusOf(state, 's')).toMatchObject({ phase: 'retrying', retries: 1, nextRetryAtMs: 2000 });
    expect(failed.filter((e) => e.type === 'ScheduleWake')).toEqual([{ type: 'ScheduleWake', atMs: 2000 }]);
    expect(types(failed)).not.toContain('ReviveOffers');
    expect(starts(step(state, { type: 'TimerFired' }, 1999))).toEqual([]);
    expect(starts(step(state, { type: 'TimerFired' }, 2000))).toEqual(['s-retry-1']);
    expect(statusOf(state, 's')).toMatchObject({ phase: 'launched', attempt: { taskId: 's-retry-1', agentId: 'sd-s-driver-retry-1' } });
  });

  test('a kill deletes the pod; its end finishes the driver killed', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: podSpec('k') }, 0);
    step(state, podUpdate('k', 'running'), 1);
    expect(step(state, { type: 'KillRequested', submissionId: 'k' }, 2)).toContainEqual(
      { type: 'KillTask', taskId: 'k', agentId: 'sd-k-driver', backend: 'kubernetes' },
    );
    step(state, podUpdate('k', 'failed', { message: 'exit code 143' }), 3);
    expect(statusOf(state, 'k')).toMatchObject({ phase: 'finished', outcome: 'killed', reason: 'KillRequested' });
  });

  test('a live pod of an earlier attempt, or of no known driver, is deleted', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: podSpec('d', { supervise: true }) }, 0);
    step(state, podUpdate('d', 'failed'), 1);
    step(state, { type: 'TimerFired' }, 1000 + 1);
    expect(step(state, podUpdate('d', 'running', { agentId: 'sd-d-driver' }), 2000)).toContainEqual(
      { type: 'KillTask', taskId: 'd', agentId: 'sd-d-driver', backend: 'kubernetes' },
    );
    expect(step(state, podUpdate('stray', 'running', { agentId: 'stray-driver' }), 2001)).toContainEqual(
      { type: 'KillTask', taskId: 'stray', agentId: 'stray-driver', backend: 'kubernetes' },
    );
  });

  test('a deleted driver\'s pod is deleted', () => {
    const state = scheduler();
    step(state, { type: 'DriverSubmitted', spec: podSpec('x') }, 0);
    expect(step(state, { type: 'DriverRemoved', submissionId: 'x' }, 1)).toContainEqual(
      { type: 'KillTask', taskId: 'x', agentId: 'sd-x-driver', backend: 'kubernetes' },
    );
  });
});

describe('recovery', () => {
  const launched = (id: string, extra: object = {}, killRequested = false): DriverRecord => ({
    spec: podSpec(id),
    status: { phase: 'launched', attempts: 1, retries: 0, attempt: { taskId: id, agentId: `sd-${id}-driver`, launchedAtMs: 1, ...extra }, killRequested },
  });

  test('once the pods are listed: a launch without news is made again (adopting its pod), the rest reconciled', () => {
    const records = [
      launched('fresh'),
      launched('running', { lastStatus: { taskId: 'running', state: 'running' } }),
      launched('killing', { lastStatus: { taskId: 'killing', state: 'running' } }, true),
    ];
    const { state } = restoreScheduler(makeConfig(KUBERNETES), records, 10);
    expect(step(state, { type: 'Subscribed', frameworkId: 'fw' }, 11).filter((e) => e.type === 'ReconcileTasks')).toEqual([{ type: 'ReconcileTasks', tasks: [] }]);
    const effects = step(state, { type: 'KubernetesSynced' }, 12);
    expect(effects.map((e) => [e.type, 'taskId' in e ? e.taskId : 'tasks' in e ? e.tasks.map((t) => t.taskId).join() : ''])).toEqual([
      ['KillTask', 'killing'], ['StartTask', 'fresh'], ['ReconcileTasks', 'killing,running'],
    ]);
  });
});

describe('the plan of a driver pod', () => {
  test('one command builder: the Mesos line\'s options and properties, in client mode against the API server, the pod\'s facts from its environment', () => {
    const config = makeConfig(KUBERNETES);
    const spec = podSpec('p', {
      appArgs: ['100'], props: { 'spark.submit.pyFiles': 'http://h/a.py,http://h/b.zip', 'spark.kubernetes.namespace': 'mine', 'spark.mesos.driverEnv.A': '1' },
      environment: { SPARK_USER: 'me' },
    });
    const pod = planDriverTask(spec, config);
    const mesos = planDriverTask({ ...spec, backend: 'mesos' }, config);
    if (!pod.ok || !mesos.ok) throw new Error('unplannable');
    expect(pod.plan.command).toBe([
      '"$SPARK_HOME"/bin/spark-submit --name p --master k8s://https://kubernetes.default.svc --deploy-mode client',
      '--driver-cores 1.0 --driver-memory 1000M --class org.example.Main --py-files http://h/a.py,http://h/b.zip',
      '--conf spark.app.name=p --conf spark.driver.memory=1000m --conf spark.kubernetes.container.image=spark:3.5.1',
      '--conf spark.mesos.driver.memoryOverhead=0 --conf spark.mesos.driverEnv.A=1',
      '--conf spark.submit.pyFiles=http://h/a.py,http://h/b.zip',
      '--conf spark.app.id="$SPARK_APPLICATION_ID" --conf spark.driver.host="$SPARK_DRIVER_HOST"',
      '--conf spark.kubernetes.driver.pod.name="$SPARK_DRIVER_POD_NAME" --conf spark.kubernetes.namespace="$SPARK_DRIVER_NAMESPACE"',
      'http://repo/app.jar 100',
    ].join(' '));
    // The same sizing and environment as on Mesos, which runs from its sandbox instead.
    expect(mesos.plan.command).toContain('--master mesos://mesos-master:5050 --driver-cores 1.0 --driver-memory 1000M');
    expect(pod.plan.sizing).toEqual(mesos.plan.sizing);
    expect(pod.plan.environment).toEqual(mesos.plan.environment);
    expect(pod.plan.pod).toEqual({
      image: 'spark:3.5.1', nodeSelector: [], labels: [], annotations: [], secretEnvironment: [], secretVolumes: [],
    });
  });

  test('the spark.kubernetes.* keys Spark reads for the driver pod; constraints as node selectors only where exact', () => {
    const config = makeConfig(KUBERNETES);
    const plan = (props: Record<string, string>) => {
      const result = planDriverTask(podSpec('p', { props }), config);
      return result.ok ? result.plan.pod : result.problems;
    };
    expect(plan({
      'spark.kubernetes.authenticate.driver.serviceAccountName': 'spark', 'spark.kubernetes.container.image.pullPolicy': 'Never',
      'spark.kubernetes.driver.label.team': 'data', 'spark.kubernetes.driver.annotation.note': 'any text',
      'spark.kubernetes.node.selector.disk': 'ssd', 'spark.mesos.driver.constraints': 'hostname:node-1;zone:eu-1',
      'spark.kubernetes.driver.secretKeyRef.DB_PASSWORD': 'db:password', 'spark.kubernetes.driver.secrets.tls': '/etc/tls',
    })).toEqual({
      image: 'spark:3.5.1', imagePullPolicy: 'Never', serviceAccountName: 'spark',
      nodeSelector: [{ key: 'kubernetes.io/hostname', value: 'node-1' }, { key: 'zone', value: 'eu-1' }, { key: 'disk', value: 'ssd' }],
      labels: [{ key: 'team', value: 'data' }], annotations: [{ key: 'note', value: 'any text' }],
      secretEnvironment: [{ name: 'DB_PASSWORD', secretName: 'db', key: 'password' }], secretVolumes: [{ secretName: 'tls', mountPath: '/etc/tls' }],
    });
    expect(plan({ 'spark.mesos.driver.constraints': 'rack:a,b;cpus:4;gpu:' })).toEqual([
      "spark.mesos.driver.constraints: 'rack:a,b' has no exact node selector (only attribute:value, one value that is not a number, and valid as a label); use spark.kubernetes.node.selector.<label>=<value>",
      "spark.mesos.driver.constraints: 'cpus:4' has no exact node selector (only attribute:value, one value that is not a number, and valid as a label); use spark.kubernetes.node.selector.<label>=<value>",
      "spark.mesos.driver.constraints: 'gpu:' has no exact node selector (only attribute:value, one value that is not a number, and valid as a label); use spark.kubernetes.node.selector.<label>=<value>",
    ]);
  });

  test('pod names are deterministic per attempt and always valid', () => {
    expect([driverPodName('pi', 0), driverPodName('pi', 3)]).toEqual(['pi-driver', 'pi-driver-retry-3']);
    const long = driverPodName('x'.repeat(253), 12);
    expect(long.length).toBeLessThanOrEqual(253);
    expect(long).toMatch(/^x+-[0-9a-f]{8}-driver-retry-12$/);
    expect(driverPodName('x'.repeat(253), 12)).toBe(long);
  });
});
