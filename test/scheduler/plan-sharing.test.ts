import { sameValues, withPartsOf } from '../../src/scheduler/plan-sharing.ts';
import { planDriverTask } from '../../src/scheduler/index.ts';
import { makeConfig, makeSpec } from './fixtures.ts';

const config = makeConfig();
const plan = (id: string, environment: Record<string, string>, props: Record<string, string> = {}) => {
  const planned = planDriverTask(makeSpec(id, { environment, props }), config);
  if (!planned.ok) throw new Error(planned.problems.join('; '));
  return planned.plan;
};

test('a plan takes the parts equal to the previous plan\'s and keeps its own otherwise', () => {
  const first = plan('a', { SPARK_USER: 'etl' });
  const second = plan('b', { SPARK_USER: 'etl' });
  expect(withPartsOf(first, undefined)).toBe(first);
  const shared = withPartsOf(second, first);
  expect(shared).not.toBe(second);
  for (const part of ['environment', 'uris', 'container', 'sizing', 'constraints', 'secretEnvironment'] as const) expect(shared[part]).toBe(first[part]);
  expect(shared.command).toBe(second.command);
  expect(shared.labels).toBe(second.labels);
  expect({ ...shared }).toEqual({ ...second });
});

test('environments are equal only with the same names holding the same values', () => {
  const first = plan('a', { SPARK_USER: 'etl' });
  for (const environment of [{ SPARK_USER: 'ml' }, { SPARK_HOME: 'etl' }, { SPARK_USER: 'etl', TZ: 'UTC' }, {}]) {
    const other = plan('c', environment);
    expect(withPartsOf(other, first).environment).toBe(other.environment);
  }
});

test('parts of JSON values are compared in depth, not by identity', () => {
  const withUris = (uris: string) => plan('d', {}, { 'spark.mesos.uris': uris });
  const first = withUris('http://repo/a.conf,http://repo/b.conf');
  expect(withPartsOf(withUris('http://repo/a.conf,http://repo/b.conf'), first).uris).toBe(first.uris);
  const reordered = withUris('http://repo/b.conf,http://repo/a.conf');
  expect(withPartsOf(reordered, first).uris).toBe(reordered.uris);
  // Parts that differ stay the plan's own.
  const alone = plan('e', { X: '1' }, { 'spark.driver.memory': '2g', 'spark.mesos.uris': 'http://repo/c.conf', 'spark.mesos.executor.docker.image': 'spark:3' });
  const apart = withPartsOf(alone, plan('f', {}, { 'spark.mesos.driver.constraints': 'zone:a' }));
  expect(apart.environment).toBe(alone.environment);
  expect(apart.uris).toBe(alone.uris);
});

test('the other parts are equal by structure: arrays and objects, in depth', () => {
  expect(sameValues([{ value: 'x', cache: false }], [{ value: 'x', cache: false }])).toBe(true);
  expect(sameValues([{ value: 'x', cache: false }], [{ value: 'x', cache: true }])).toBe(false);
  expect(sameValues([1, 2], [1, 2, 3])).toBe(false);
  expect(sameValues({ a: undefined }, { b: undefined })).toBe(false);
  expect(sameValues({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  expect(sameValues([], {})).toBe(false);
  expect(sameValues({}, [])).toBe(false);
  expect(sameValues(null, {})).toBe(false);
  expect(sameValues(Number.NaN, Number.NaN)).toBe(false);
});
