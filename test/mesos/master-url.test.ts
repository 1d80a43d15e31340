import { MasterUrlError, parseMasterUrls, resolveRedirect } from '../../src/mesos/master-url.ts';
import { backoffDelayMs } from '../../src/runtime/backoff.ts';

describe('parseMasterUrls', () => {
  test.each([
    ['mesos://h1:5050,h2:5051', ['http://h1:5050', 'http://h2:5051']],
    ['mesos://m1', ['http://m1:5050']],
    ['h1:5050', ['http://h1:5050']],
    ['http://127.0.0.1:4000', ['http://127.0.0.1:4000']],
    ['https://master.example:443/', ['https://master.example']],
    [' mesos://a:1 , b:2 ', ['http://a:1', 'http://b:2']],
  ])('%s', (input, expected) => {
    expect(parseMasterUrls(input)).toEqual(expected);
  });

  test.each([
    ['', /empty/],
    ['mesos://zk://zk1:2181/mesos', /ZooKeeper master detection .* is not supported; list the masters/],
    ['mesos://h1:5050,,h2', /empty host/],
    ['mesos://bad host:5050', /'bad host:5050' .* is not a valid host:port/],
  ])('rejects %j', (input, message) => {
    expect(() => parseMasterUrls(input)).toThrow(MasterUrlError);
    expect(() => parseMasterUrls(input)).toThrow(message);
  });
});

describe('resolveRedirect', () => {
  test.each([
    ['//leader:5050/master/api/v1/scheduler', 'http://old:5050', 'http://leader:5050'],
    ['//leader:5050/master/api/v1/scheduler', 'https://old:5050', 'https://leader:5050'],
    ['leader:5050', 'http://old:5050', 'http://leader:5050'],
    ['http://leader:6060/x', 'https://old:5050', 'http://leader:6060'],
  ])('%s from %s', (location, current, expected) => {
    expect(resolveRedirect(location, current)).toBe(expected);
  });

  test('an unusable Location is an error that quotes it', () => {
    expect(() => resolveRedirect('//', 'http://old:5050')).toThrow(/unusable Location '\/\/'/);
  });
});

describe('backoffDelayMs', () => {
  const policy = { initialMs: 500, maxMs: 15_000 };
  test('doubles from the initial delay up to the cap, with half of it jittered', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, () => 0))).toEqual([250, 500, 1000, 2000, 4000, 7500, 7500]);
    expect([0, 1, 5, 50].map((n) => backoffDelayMs(n, policy, () => 0.999999))).toEqual([500, 1000, 15_000, 15_000]);
  });
});
