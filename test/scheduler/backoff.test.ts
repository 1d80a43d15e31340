import { readRetryOverrides, resolveRetryPolicy, retryWaitSeconds, SPARK_RETRY_POLICY } from '../../src/scheduler/backoff.ts';

describe('retryWaitSeconds', () => {
  test('Spark\'s sequence with the default 60 s cap: 1, 2, 4, 8, 16, 32, 60, 60', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryWaitSeconds(n, 60))).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
  });

  test.each([
    [10, [1, 2, 4, 8, 10, 10]],
    [1, [1, 1, 1, 1, 1, 1]],
    [0, [0, 0, 0, 0, 0, 0]],
  ])('cap %i s gives %j', (cap, expected) => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryWaitSeconds(n, cap))).toEqual(expected);
  });

  test('stays finite for absurd retry counts', () => {
    expect(retryWaitSeconds(5000, Number.MAX_SAFE_INTEGER)).toBe(2 ** 31);
  });
});

describe('retry policy settings', () => {
  test('driver settings override the dispatcher\'s; -1 lifts a dispatcher bound', () => {
    const dispatcher = resolveRetryPolicy(SPARK_RETRY_POLICY, { maxRetries: 3, resetAfterMs: 60_000 });
    expect(resolveRetryPolicy(dispatcher, { maxWaitSeconds: 10 })).toEqual({ maxWaitSeconds: 10, maxRetries: 3, resetAfterMs: 60_000 });
    expect(resolveRetryPolicy(dispatcher, { maxRetries: -1 })).toEqual({ maxWaitSeconds: 60, maxRetries: undefined, resetAfterMs: 60_000 });
    // A driver that overrides nothing shares the dispatcher's policy (one object, not one per driver).
    expect(resolveRetryPolicy(dispatcher, undefined)).toBe(dispatcher);
    expect(resolveRetryPolicy({ ...dispatcher, maxRetries: -1 }, undefined)).toEqual({ ...dispatcher, maxRetries: undefined });
  });

  test('reads the keys with their units', () => {
    expect(readRetryOverrides({
      'spark.mesos.cluster.retry.wait.max': '30', 'spark.mesos.driver.supervise.maxRetries': '5',
      'spark.mesos.driver.supervise.retryResetAfter': '10min',
    })).toEqual({ overrides: { maxWaitSeconds: 30, maxRetries: 5, resetAfterMs: 600_000 }, problems: [] });
    expect(readRetryOverrides({ 'spark.mesos.driver.supervise.retryResetAfter': '90' }).overrides).toEqual({ resetAfterMs: 90_000 });
  });

  test('names each bad key', () => {
    expect(readRetryOverrides({
      'spark.mesos.cluster.retry.wait.max': 'soon', 'spark.mesos.driver.supervise.maxRetries': '-2',
      'spark.mesos.driver.supervise.retryResetAfter': 'an hour',
    }).problems).toEqual([
      "spark.mesos.cluster.retry.wait.max: 'soon' is not a whole number",
      "spark.mesos.driver.supervise.maxRetries: '-2' must be at least -1",
      "spark.mesos.driver.supervise.retryResetAfter: 'an hour' is not a duration (use a whole number with a unit: ms, s, m, min, h or d)",
    ]);
  });
});
