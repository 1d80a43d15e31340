import { attributesOf } from '../../src/mesos/translation.ts';
import type { Attribute } from '../../src/mesos/types.ts';
import { matchConstraints, parseConstraints } from '../../src/scheduler/constraints.ts';

const parsed = (text: string) => {
  const result = parseConstraints(text);
  if (!result.ok) throw new Error(result.error);
  return result.constraints.map((c) => [c.attribute, c.values]);
};

describe('parseConstraints', () => {
  test.each([
    ['', []],
    ['   ', []],
    ['os:centos7;zone:us-east-1a,us-east-1b', [['os', ['centos7']], ['zone', ['us-east-1a', 'us-east-1b']]]],
    ['os:', [['os', []]]],
    [' os:centos7 ; zone:a ', [['os', ['centos7']], ['zone', ['a']]]],
    ['zone:a,b,', [['zone', ['a', 'b']]]],
    ['zone:,a', [['zone', ['', 'a']]]],
    ['ports:7500', [['ports', ['7500']]]],
  ])('%j parses', (text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });

  test.each([
    ['os;zone:us-east', "entry 'os' must have exactly one ':'"],
    ['os:a:b', "entry 'os:a:b' must have exactly one ':'"],
    ['os:a;', "it has an empty entry (a stray ';'?)"],
    [';os:a', 'it has an empty entry'],
    ['os:a;os:b', "attribute 'os' appears more than once"],
    [':a', "entry ':a' has no attribute name"],
  ])('%j is rejected with a message naming the key, the string and the fault', (text, why) => {
    const result = parseConstraints(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain(`spark.mesos.driver.constraints: bad constraint string '${text}'`);
      expect(result.error).toContain(why);
    }
  });
});

const verdict = (constraint: string, attributes: Attribute[]) => {
  const result = parseConstraints(constraint);
  if (!result.ok) throw new Error(result.error);
  return matchConstraints(result.constraints, attributesOf(attributes), 'agent-host');
};

const scalarAttr = (name: string, value: number): Attribute => ({ name, type: 'SCALAR', scalar: { value } });
const textAttr = (name: string, value: string): Attribute => ({ name, type: 'TEXT', text: { value } });
const setAttr = (name: string, items: string[]): Attribute => ({ name, type: 'SET', set: { item: items } });
const rangesAttr = (name: string, ranges: [number, number][]): Attribute =>
  ({ name, type: 'RANGES', ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) } });

describe('matchConstraints, every attribute type (Spark\'s cases plus real multi-range agents)', () => {
  test.each<[string, string, Attribute[], 'match' | 'no-match']>([
    ['scalar below', 'gpus:2', [scalarAttr('gpus', 3)], 'match'],
    ['scalar equal', 'gpus:3', [scalarAttr('gpus', 3)], 'match'],
    ['scalar above', 'gpus:4', [scalarAttr('gpus', 3)], 'no-match'],
    ['scalar any of several', 'gpus:8,2', [scalarAttr('gpus', 3)], 'match'],
    ['range below', 'ports:6000', [rangesAttr('ports', [[7000, 8000]])], 'no-match'],
    ['range inside', 'ports:7500', [rangesAttr('ports', [[7000, 8000]])], 'match'],
    ['range edge', 'ports:8000', [rangesAttr('ports', [[7000, 8000]])], 'match'],
    ['range above', 'ports:8002', [rangesAttr('ports', [[7000, 8000]])], 'no-match'],
    ['range any of several', 'ports:5000,7500,8300', [rangesAttr('ports', [[7000, 8000]])], 'match'],
    ['range in the second of several ranges (Spark never matched)', 'ports:31500', [rangesAttr('ports', [[7000, 8000], [31000, 32000]])], 'match'],
    ['range between ranges', 'ports:9000', [rangesAttr('ports', [[7000, 8000], [31000, 32000]])], 'no-match'],
    ['text equal', 'os:centos7', [textAttr('os', 'centos7')], 'match'],
    ['text different', 'os:ubuntu', [textAttr('os', 'centos7')], 'no-match'],
    ['text any of several', 'os:ubuntu,centos7', [textAttr('os', 'centos7')], 'match'],
    ['set subset, text presence', 'os:;zone:us-east-1a,us-east-1c', [setAttr('zone', ['us-east-1a', 'us-east-1b', 'us-east-1c']), textAttr('os', 'ubuntu')], 'match'],
    ['set not a subset', 'zone:us-east-1a,us-west-2', [setAttr('zone', ['us-east-1a', 'us-east-1b'])], 'no-match'],
    ['presence of a missing attribute', 'os:', [setAttr('zone', ['a'])], 'no-match'],
    ['presence, centos', 'os:', [textAttr('os', 'centos')], 'match'],
    ['presence, ubuntu', 'os:', [textAttr('os', 'ubuntu')], 'match'],
    ['presence of a scalar', 'gpus:', [scalarAttr('gpus', 0)], 'match'],
    ['all constraints must hold', 'os:ubuntu;gpus:1', [textAttr('os', 'ubuntu'), scalarAttr('gpus', 0)], 'no-match'],
    ['no constraints', '', [], 'match'],
    ['the last attribute of a repeated name wins', 'os:b', [textAttr('os', 'a'), textAttr('os', 'b')], 'match'],
  ])('%s', (_name, constraint, attributes, expected) => {
    expect(verdict(constraint, attributes)).toBe(expected);
  });

  test.each([
    ['scalar', 'gpus:lots', [scalarAttr('gpus', 3)], "attribute 'gpus' is a scalar on agent agent-host, so its values must be numbers, but got 'lots'"],
    ['range', 'ports:7500.5', [rangesAttr('ports', [[7000, 8000]])], "attribute 'ports' is a range on agent agent-host, so its values must be whole numbers, but got '7500.5'"],
  ])('a non-numeric value for a %s attribute is an error, not an exception', (_kind, constraint, attributes, message) => {
    expect(verdict(constraint, attributes)).toEqual({ error: `spark.mesos.driver.constraints: ${message}` });
  });
});
