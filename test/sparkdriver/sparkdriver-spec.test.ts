// The SparkDriver spec: parsing (good and bad, with field paths), the submission ID derivation,
// and the way to the core's DriverSpec through toSubmission and specFromSubmission.

import fc from 'fast-check';
import { specFromSubmission, type DriverSpec } from '../../src/scheduler/driver.ts';
import { restoreScheduler } from '../../src/scheduler/recovery.ts';
import { driverView } from '../../src/scheduler/scheduler.ts';
import { toResourceStatus } from '../../src/sparkdriver/driver-status.ts';
import { fieldPath, parseSparkDriver, parseSparkDriverSpec, type SparkDriver } from '../../src/sparkdriver/sparkdriver.ts';
import { submissionIdOf, toDriverRecord, toSubmission } from '../../src/sparkdriver/sparkdriver-submission.ts';
import { makeConfig } from '../scheduler/fixtures.ts';

const APP = 'http://repo/app.jar';
const UID = '1B4E28BA-2fa1-11d2-883f-0016d3cca427';
const CREATED = '2024-01-31T23:59:59Z';

function resource(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): SparkDriver {
  const parsed = parseSparkDriver({
    apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver',
    metadata: { name: 'pi', namespace: 'jobs', uid: UID, creationTimestamp: CREATED, generation: 1, ...metadata },
    spec: { appResource: APP, ...spec },
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.resource;
}

describe('parseSparkDriverSpec', () => {
  test('applies the defaults of a minimal spec', () => {
    expect(parseSparkDriverSpec({ appResource: APP })).toStrictEqual({
      ok: true, spec: { appResource: APP, arguments: [], sparkProperties: {}, environmentVariables: {}, kill: false },
    });
  });

  test('keeps every field of a full spec', () => {
    const spec = {
      appResource: APP, mainClass: 'org.example.Main', arguments: ['1', '--x'], sparkProperties: { 'spark.app.name': 'pi' },
      environmentVariables: { SPARK_HOME: '/opt/spark' }, supervise: true, queue: 'urgent',
      retryPolicy: { maxRetries: -1, maxWaitSeconds: 30, resetAfterSeconds: 600 }, kill: true, ttlSecondsAfterFinished: 0,
      submissionId: 'driver-20240131235959-0001',
    };
    expect(parseSparkDriverSpec(spec)).toStrictEqual({ ok: true, spec });
  });

  test('drops unknown fields, as the API server prunes them', () => {
    expect(parseSparkDriverSpec({ appResource: APP, colour: 'red' })).toMatchObject({ ok: true, spec: { appResource: APP } });
  });

  const bad: [string, unknown, string[]][] = [
    ['not an object', 'x', ['spec: Invalid input: expected object, received string']],
    ['missing appResource', {}, ['spec.appResource: Invalid input: expected string, received undefined']],
    ['empty appResource', { appResource: '' }, ['spec.appResource: must not be empty']],
    ['a number argument', { appResource: APP, arguments: ['a', 2] }, ['spec.arguments[1]: Invalid input: expected string, received number']],
    ['a number property', { appResource: APP, sparkProperties: { 'spark.driver.cores': 2 } },
      ['spec.sparkProperties[spark.driver.cores]: Invalid input: expected string, received number']],
    ['a string supervise', { appResource: APP, supervise: 'yes' }, ['spec.supervise: Invalid input: expected boolean, received string']],
    ['an empty queue', { appResource: APP, queue: '' }, ['spec.queue: must not be empty']],
    ['maxRetries below -1', { appResource: APP, retryPolicy: { maxRetries: -2 } }, ['spec.retryPolicy.maxRetries: Too small: expected number to be >=-1']],
    ['a fractional wait', { appResource: APP, retryPolicy: { maxWaitSeconds: 1.5 } }, ['spec.retryPolicy.maxWaitSeconds: Invalid input: expected int, received number']],
    ['a negative TTL', { appResource: APP, ttlSecondsAfterFinished: -1 }, ['spec.ttlSecondsAfterFinished: Too small: expected number to be >=0']],
    ['a submission ID with a slash', { appResource: APP, submissionId: 'a/b' },
      ["spec.submissionId: submission ID 'a/b' contains whitespace, a slash or a control character"]],
    ['a submission ID like a retry task', { appResource: APP, submissionId: 'driver-1-retry-2' },
      ["spec.submissionId: submission ID 'driver-1-retry-2' ends like a retry task ID (-retry-<n>)"]],
    ['a malformed supervise property', { appResource: APP, sparkProperties: { 'spark.driver.supervise': 'maybe' } },
      ['spec.sparkProperties: spark.driver.supervise must be true or false']],
    ['a malformed retry property', { appResource: APP, sparkProperties: { 'spark.mesos.driver.supervise.maxRetries': 'many' } },
      ['spec.sparkProperties: spark.mesos.driver.supervise.maxRetries must be -1 (unlimited) or a whole number of retries']],
    ['two problems at once', { appResource: '', kill: 'no' }, ['spec.appResource: must not be empty', 'spec.kill: Invalid input: expected boolean, received string']],
  ];
  test.each(bad)('refuses %s', (_name, spec, problems) => {
    expect(parseSparkDriverSpec(spec)).toStrictEqual({ ok: false, problems });
  });

  test('a malformed property is refused even where an explicit field overrides it (the CRD cannot tell them apart)', () => {
    expect(parseSparkDriverSpec({ appResource: APP, supervise: false, sparkProperties: { 'spark.driver.supervise': 'maybe' } }).ok).toBe(false);
  });
});

test('fieldPath writes Kubernetes-style paths', () => {
  expect(fieldPath('spec', ['arguments', 0])).toBe('spec.arguments[0]');
  expect(fieldPath('spec', ['sparkProperties', 'spark.app.name'])).toBe('spec.sparkProperties[spark.app.name]');
  expect(fieldPath('spec', [])).toBe('spec');
});

describe('parseSparkDriver', () => {
  test('needs the metadata of a stored object', () => {
    expect(parseSparkDriver({ metadata: { name: 'x' }, spec: { appResource: APP } })).toStrictEqual({
      ok: false,
      problems: [
        'metadata.namespace: Invalid input: expected string, received undefined',
        'metadata.uid: Invalid input: expected string, received undefined',
        'metadata.creationTimestamp: Invalid input: expected string, received undefined',
      ],
    });
  });

  test('keeps what it can of a status it does not fully recognise, the recovery record above all', () => {
    const scheduler = { phase: 'launched', attempts: 1, retries: 0, killRequested: false, attempt: { taskId: 't', agentId: 'a', launchedAtMs: 5 } };
    const r = parseSparkDriver({
      metadata: { name: 'x', namespace: 'n', uid: 'u', creationTimestamp: CREATED }, spec: { appResource: APP },
      status: { phase: 'Exploded', retries: 0, scheduler },
    });
    expect(r.ok && r.resource.status).toStrictEqual({ retries: 0, scheduler });
    expect(r.ok && toDriverRecord(r.resource)).toMatchObject({ ok: true, record: { status: scheduler } });
  });

  test('a part that reads as it is stays the object\'s own (the cache\'s, frozen), not a copy', () => {
    const status = { phase: 'Queued', retries: 0, conditions: [{ type: 'Accepted', status: 'True', reason: 'Queued', message: 'm', lastTransitionTime: CREATED }] };
    const spec = { appResource: APP, arguments: ['1'], sparkProperties: { 'spark.app.name': 'x' }, environmentVariables: {}, kill: false };
    const labels = { team: 'etl' };
    const r = parseSparkDriver({ metadata: { name: 'x', namespace: 'n', uid: 'u', creationTimestamp: CREATED, labels }, spec, status });
    expect(r.ok && r.resource.spec).toBe(spec);
    expect(r.ok && r.resource.metadata.labels).toBe(labels);
    expect(r.ok && r.resource.status?.conditions).toBe(status.conditions);
    // Defaults are filled in around the object's own values.
    const partial = { appResource: APP, arguments: ['1'] };
    const defaulted = parseSparkDriver({ metadata: { name: 'x', namespace: 'n', uid: 'u', creationTimestamp: CREATED }, spec: partial });
    expect(defaulted.ok && defaulted.resource.spec).toStrictEqual({ ...partial, sparkProperties: {}, environmentVariables: {}, kill: false });
    expect(defaulted.ok && defaulted.resource.spec.arguments).toBe(partial.arguments);
  });

  test('a frozen spec (the cache\'s) is read once: the versions a status write brings share it and its reading', () => {
    const metadata = { name: 'x', namespace: 'n', uid: 'u', creationTimestamp: CREATED };
    const spec = Object.freeze({ appResource: APP, arguments: Object.freeze(['1']) });
    const first = parseSparkDriver({ metadata: { ...metadata, resourceVersion: '1' }, spec });
    const second = parseSparkDriver({ metadata: { ...metadata, resourceVersion: '2' }, spec, status: { phase: 'Queued', retries: 0 } });
    // Defaulted, so not the object itself: the same reading of it.
    expect(first.ok && first.resource.spec).toStrictEqual({ ...spec, sparkProperties: {}, environmentVariables: {}, kill: false });
    expect(second.ok && second.resource.spec).toBe(first.ok && first.resource.spec);
    // An invalid frozen spec stays invalid; a spec that is not frozen is read each time.
    const invalid = Object.freeze({ appResource: 7 });
    expect(parseSparkDriver({ metadata, spec: invalid })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^spec\.appResource: /)] });
    expect(parseSparkDriver({ metadata, spec: invalid })).toMatchObject({ ok: false });
    const editable: Record<string, unknown> = { appResource: APP };
    expect(parseSparkDriver({ metadata, spec: editable }).ok).toBe(true);
    editable.appResource = 7;
    expect(parseSparkDriver({ metadata, spec: editable }).ok).toBe(false);
  });

  test('the status is read when it is first used, once, and is then a field like any other', () => {
    const metadata = { name: 'x', namespace: 'n', uid: 'u', creationTimestamp: CREATED };
    let reads = 0;
    const status = { retries: 0, get phase() { reads++; return 'Queued'; } };
    const r = parseSparkDriver({ metadata, spec: { appResource: APP }, status });
    if (!r.ok) throw new Error(r.problems.join('; '));
    expect(reads).toBe(0);
    expect(Object.keys(r.resource)).toContain('status');
    const first = r.resource.status;
    expect(first).toStrictEqual({ phase: 'Queued', retries: 0 });
    expect(r.resource.status).toBe(first);
    expect(JSON.parse(JSON.stringify(r.resource))).toMatchObject({ status: { phase: 'Queued', retries: 0 } });
    const readsAfterUse = reads;
    void r.resource.status;
    expect(reads).toBe(readsAfterUse);
    // A frozen resource is read on first use all the same.
    const frozen = parseSparkDriver({ metadata, spec: { appResource: APP }, status: { phase: 'Queued' } });
    expect(frozen.ok && Object.freeze(frozen.resource).status).toStrictEqual({ phase: 'Queued' });
    // No status, or one that is not an object: no status field at all.
    for (const none of [undefined, null, 'Running']) {
      const n = parseSparkDriver({ metadata, spec: { appResource: APP }, status: none });
      expect(n.ok && Object.keys(n.resource)).not.toContain('status');
    }
  });

  test('never throws, whatever it is given', () => {
    fc.assert(fc.property(fc.anything(), fc.anything(), (spec, status) => {
      const r = parseSparkDriver({ metadata: { name: 'x', namespace: 'n', uid: 'u', creationTimestamp: CREATED }, spec, status });
      if (r.ok) toDriverRecord(r.resource);
    }));
    for (const spec of [{ appResource: APP, sparkProperties: 'x', retryPolicy: 'y' }, { appResource: APP, retryPolicy: [] }]) {
      expect(parseSparkDriverSpec(spec).ok).toBe(false);
    }
  });
});

describe('submissionIdOf', () => {
  test('derives driver-<UTC creation time>-<first 8 hex digits of the UID>', () => {
    expect(submissionIdOf(resource({}))).toBe('driver-20240131235959-1b4e28ba');
    expect(submissionIdOf(resource({}, { creationTimestamp: '2024-02-29T08:05:03+02:00', uid: '00ab-cd' }))).toBe('driver-20240229060503-00abcd');
  });

  test('prefers spec.submissionId, as the REST API sets it', () => {
    expect(submissionIdOf(resource({ submissionId: 'driver-20240131235959-0001' }))).toBe('driver-20240131235959-0001');
  });

  test('is deterministic and a valid task ID', () => {
    const a = resource({});
    expect(submissionIdOf(a)).toBe(submissionIdOf(structuredClone(a)));
    expect(parseSparkDriverSpec({ appResource: APP, submissionId: submissionIdOf(a) }).ok).toBe(true);
  });
});

describe('toSubmission', () => {
  const base: DriverSpec = {
    submissionId: 'driver-20240131235959-1b4e28ba', submittedAtMs: Date.parse(CREATED), appResource: APP, mainClass: '',
    appArgs: [], sparkProperties: {}, environment: {}, supervise: false, queue: 'default',
    resource: { namespace: 'jobs', name: 'pi', uid: UID },
  };
  const cases: [string, Record<string, unknown>, Partial<DriverSpec>][] = [
    ['a minimal spec gets the core defaults', {}, {}],
    ['Spark properties decide when no field is set', {
      mainClass: 'org.example.Main', arguments: ['10'], environmentVariables: { A: 'b' },
      sparkProperties: {
        'spark.driver.supervise': 'true', 'spark.mesos.dispatcher.queue': 'urgent', 'spark.mesos.driver.supervise.maxRetries': '5',
        'spark.mesos.cluster.retry.wait.max': '10', 'spark.mesos.driver.supervise.retryResetAfter': '2min',
      },
    }, {
      mainClass: 'org.example.Main', appArgs: ['10'], environment: { A: 'b' }, supervise: true, queue: 'urgent',
      retryPolicy: { maxRetries: 5, maxWaitSeconds: 10, resetAfterMs: 120_000 },
    }],
    ['explicit fields win over the properties', {
      supervise: false, queue: 'batch', retryPolicy: { maxRetries: -1, resetAfterSeconds: 30 },
      sparkProperties: { 'spark.driver.supervise': 'true', 'spark.mesos.dispatcher.queue': 'urgent', 'spark.mesos.driver.supervise.maxRetries': '5' },
    }, { supervise: false, queue: 'batch', retryPolicy: { maxRetries: -1, resetAfterMs: 30_000 } }],
  ];
  test.each(cases)('%s', (_name, spec, want) => {
    const built = specFromSubmission(toSubmission(resource(spec)));
    expect(built.ok && { ...built.spec, sparkProperties: {} }).toStrictEqual({ ...base, ...want, sparkProperties: {} });
  });

  test('hands the spec\'s own arguments, properties and environment to the core, not copies', () => {
    const r = resource({ arguments: ['10'], sparkProperties: { 'spark.app.name': 'pi' }, environmentVariables: { A: 'b' } });
    const input = toSubmission(r);
    expect(input.appArgs).toBe(r.spec.arguments);
    expect(input.sparkProperties).toBe(r.spec.sparkProperties);
    expect(input.environment).toBe(r.spec.environmentVariables);
    expect(toSubmission(resource({ sparkProperties: {} })).sparkProperties).toStrictEqual({ 'spark.app.name': 'pi' });
  });

  test('writes the explicit fields into the properties the driver sees', () => {
    const input = toSubmission(resource({ supervise: true, queue: 'batch', retryPolicy: { maxWaitSeconds: 7 }, sparkProperties: { 'spark.app.name': 'pi' } }));
    expect(input.sparkProperties).toStrictEqual({
      'spark.app.name': 'pi', 'spark.driver.supervise': 'true', 'spark.mesos.dispatcher.queue': 'batch', 'spark.mesos.cluster.retry.wait.max': '7',
    });
  });
});

describe('toDriverRecord', () => {
  test('carries the kill intent and the recorded status into restoreScheduler', () => {
    const driver = resource({ kill: true, sparkProperties: { 'spark.app.name': 'pi', 'spark.driver.memory': '1000m' } });
    const status = toResourceStatus(undefined, { phase: 'queued', attempts: 0, retries: 0 }, {
      nowMs: 1_000, generation: 1, submissionId: submissionIdOf(driver), queue: 'default',
    });
    const r = toDriverRecord({ ...driver, status });
    expect(r.ok && r.record.spec.killRequested).toBe(true);
    expect(r.ok && r.record.status).toStrictEqual({ phase: 'queued', attempts: 0, retries: 0 });
    if (!r.ok) return;
    const { state } = restoreScheduler(makeConfig(), [r.record], 2_000);
    expect(driverView(state, submissionIdOf(driver))?.status).toMatchObject({ phase: 'finished', outcome: 'killed', reason: 'KillRequested' });
  });

  test('a driver without status is a record without status (admitted on restore)', () => {
    const r = toDriverRecord(resource({}));
    expect(r.ok && 'status' in r.record).toBe(false);
  });
});
