import { newerResourceVersion, replacingMergePatch } from '../../src/operator/merge-patch.ts';

describe('replacingMergePatch', () => {
  test('nulls every key any known value has and the desired value lacks, at every depth', () => {
    const known = [
      { phase: 'Retrying', nextRetryTime: 't', currentAttempt: { taskId: 'a', mesos: { state: 'TASK_FAILED', reason: 'R' } } },
      { phase: 'Launched', extra: 1 },
    ];
    const desired = { phase: 'Launched', currentAttempt: { taskId: 'b', mesos: { state: 'TASK_RUNNING' } }, attempts: [{ taskId: 'a' }] };
    expect(replacingMergePatch(known, desired)).toEqual({
      phase: 'Launched', nextRetryTime: null, extra: null, attempts: [{ taskId: 'a' }],
      currentAttempt: { taskId: 'b', mesos: { state: 'TASK_RUNNING', reason: null } },
    });
  });

  test('a known scalar replaced by an object, and no known value at all', () => {
    expect(replacingMergePatch([{ a: 1 }, undefined], { a: { b: 2 } })).toEqual({ a: { b: 2 } });
    expect(replacingMergePatch([], { a: [1] })).toEqual({ a: [1] });
  });
});

test.each([
  ['10', '9', '10'], ['9', '10', '10'], ['abc', '10', 'abc'], [undefined, '5', '5'], ['5', undefined, '5'],
])('newerResourceVersion(%j, %j) = %j', (a, b, want) => {
  expect(newerResourceVersion(a, b)).toBe(want);
});
