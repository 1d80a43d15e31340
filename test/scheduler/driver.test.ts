import fc from 'fast-check';
import { specFromSubmission, submissionIdCandidates, taskIdFor, type SubmissionInput } from '../../src/scheduler/driver.ts';
import { createScheduler, driverView, step } from '../../src/scheduler/scheduler.ts';
import { makeConfig, makeOffer, offersReceived, statusReceived } from './fixtures.ts';

const submission = (sparkProperties: Record<string, string>): SubmissionInput => ({
  submissionId: 'driver-20240131235959-0001', submittedAtMs: 5, appResource: 'http://repo/app.jar', mainClass: 'Main',
  appArgs: ['1'], sparkProperties: { 'spark.app.name': 'x', ...sparkProperties }, environment: {},
});

describe('task IDs', () => {
  test('the submission ID for the first attempt, <id>-retry-<n> after (Spark\'s scheme)', () => {
    expect([0, 1, 2, 12].map((n) => taskIdFor('driver-1', n))).toEqual(['driver-1', 'driver-1-retry-1', 'driver-1-retry-2', 'driver-1-retry-12']);
  });

  test('a task ID maps back to its submission', () => {
    expect(submissionIdCandidates('driver-1-retry-12')).toEqual(['driver-1-retry-12', 'driver-1']);
    expect(submissionIdCandidates('driver-1')).toEqual(['driver-1']);
  });
});

describe('specFromSubmission', () => {
  test('reads supervise, queue and retry settings from the Spark properties', () => {
    const result = specFromSubmission(submission({
      'spark.driver.supervise': 'TRUE', 'spark.mesos.dispatcher.queue': 'urgent', 'spark.mesos.driver.supervise.maxRetries': '3',
    }));
    expect(result).toEqual({
      ok: true,
      spec: { ...submission({}), sparkProperties: expect.any(Object), supervise: true, queue: 'urgent', retryPolicy: { maxRetries: 3 } },
    });
  });

  test('defaults: not supervised, default queue, no retry overrides', () => {
    expect(specFromSubmission(submission({}))).toEqual({ ok: true, spec: { ...submission({}), supervise: false, queue: 'default' } });
  });

  test('bad values are reported per key', () => {
    expect(specFromSubmission(submission({ 'spark.driver.supervise': 'yes', 'spark.mesos.driver.supervise.maxRetries': 'lots' }))).toEqual({
      ok: false,
      problems: ["spark.driver.supervise: 'yes' is not true or false", "spark.mesos.driver.supervise.maxRetries: 'lots' is not a whole number"],
    });
  });
});

describe('bad input never escapes a step', () => {
  const KEYS = [
    'spark.app.name', 'spark.driver.cores', 'spark.driver.memory', 'spark.driver.memoryOverhead', 'spark.mesos.driver.memoryOverhead',
    'spark.driver.memoryOverheadFactor', 'spark.mesos.driver.constraints', 'spark.mesos.driver.labels', 'spark.mesos.network.labels',
    'spark.mesos.network.name', 'spark.mesos.driver.secret.names', 'spark.mesos.driver.secret.values', 'spark.mesos.driver.secret.envkeys',
    'spark.mesos.driver.secret.filenames', 'spark.mesos.executor.docker.image', 'spark.mesos.executor.docker.portmaps',
    'spark.mesos.executor.docker.volumes', 'spark.mesos.executor.docker.parameters', 'spark.mesos.containerizer',
    'spark.mesos.executor.docker.forcePullImage', 'spark.mesos.appJar.local.resolution.mode', 'spark.mesos.fetcherCache.enable',
    'spark.executor.uri', 'spark.submit.pyFiles', 'spark.mesos.uris', 'spark.mesos.cluster.retry.wait.max',
  ];
  const value = fc.oneof(fc.constantFrom('', ' ', ':', ';', ',', 'a:b', 'x', '1', '-1', '0.5', '1g', 'true', 'docker', 'a=b', '\\', 'NaN'), fc.string({ maxLength: 8 }));

  test('property: random property values give a queued driver or one finished with a message; others still launch', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 }), fc.constantFrom('default', 'nope'), (props, queue) => {
      const state = createScheduler(makeConfig());
      const input = specFromSubmission(submission(props));
      const spec = input.ok ? { ...input.spec, queue } : undefined;
      if (spec !== undefined) step(state, { type: 'DriverSubmitted', spec }, 1);
      step(state, { type: 'DriverSubmitted', spec: { ...submission({}), submissionId: 'good', supervise: false, queue: 'default', submittedAtMs: 9 } }, 2);
      const effects = step(state, offersReceived([makeOffer('o1', 64, 1_000_000, { attributes: [{ name: 'gpus', type: 'SCALAR', scalar: { value: 1 } }] })]), 3);
      step(state, statusReceived('driver-20240131235959-0001', 'TASK_FAILED'), 4);
      expect(effects.some((e) => e.type === 'LaunchTasks' && e.tasks.some((t) => t.taskId === 'good'))).toBe(true);
      const status = spec === undefined ? undefined : driverView(state, spec.submissionId)?.status;
      if (status?.phase === 'finished' && (status.outcome === 'error' || status.outcome === 'rejected')) {
        expect(status.message).toMatch(/spark\.|queue|submission ID|appResource|no Spark/);
      }
    }), { numRuns: 200 });
  });
});
