import { sameData, withPartsOf } from '../../src/scheduler/plan-sharing.ts';
import { planDriverTask } from '../../src/scheduler/index.ts';
import { makeConfig, makeSpec } from './fixtures.ts';

test('plan data is equal by structure: maps, arrays and objects, in depth', () => {
  expect(sameData(new Map([['A', '1']]), new Map([['A', '1']]))).toBe(true);
  expect(sameData(new Map([['A', '1']]), new Map([['A', '2']]))).toBe(false);
  expect(sameData(new Map([['A', '1']]), new Map([['B', '1']]))).toBe(false);
  expect(sameData([{ value: 'x', cache: false }], [{ value: 'x', cache: false }])).toBe(true);
  expect(sameData([{ value: 'x', cache: false }], [{ value: 'x', cache: true }])).toBe(false);
  expect(sameData([1, 2], [1, 2, 3])).toBe(false);
  expect(sameData({ a: undefined }, { b: undefined })).toBe(false);
  expect(sameData({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  expect(sameData([], {})).toBe(false);
  expect(sameData(new Map(), {})).toBe(false);
  expect(sameData({}, new Map())).toBe(false);
  expect(sameData(null, {})).toBe(false);
  expect(sameData(Number.NaN, Number.NaN)).toBe(false);
});

test('a plan takes the parts equal to the previous plan\'s and keeps its own otherwise', () => {
  const config = makeConfig();
  const plan = (id: string, user: string) => {
    const planned = planDriverTask(makeSpec(id, { environment: { SPARK_USER: user } }), config);
    if (!planned.ok) throw new Error(planned.problems.join('; '));
    return planned.plan;
  };
  const first = plan('a', 'etl');
  const second = plan('b', 'etl');
  expect(withPartsOf(first, undefined)).toBe(first);
  const shared = withPartsOf(second, first);
  expect(shared).not.toBe(second);
  expect(shared.environment).toBe(first.environment);
  expect(shared.command).toBe(second.command);
  expect(shared.labels).toBe(second.labels);
  expect({ ...shared }).toEqual({ ...second });
  const other = plan('c', 'ml');
  expect(withPartsOf(other, first).environment).toBe(other.environment);
});
