import { MasterUrlError, parseMasterLocation, redactMasterUrl, resolveRedirect } from '../../src/mesos/master-url.ts';
import { backoffDelayMs } from '../../src/runtime/backoff.ts';

describe('parseMasterLocation: a list of masters', () => {
  test.each([
    ['mesos://h1:5050,h2:5051', ['http://h1:5050', 'http://h2:5051']],
    ['mesos://m1', ['http://m1:5050']],
    ['h1:5050', ['http://h1:5050']],
    ['http://127.0.0.1:4000', ['http://127.0.0.1:4000']],
    ['https://master.example:443/', ['https://master.example']],
    [' mesos://a:1 , b:2 ', ['http://a:1', 'http://b:2']],
  ])('%s', (input, expected) => {
    expect(parseMasterLocation(input)).toEqual({ kind: 'static', origins: expected });
  });

  test.each([
    ['', /empty/],
    ['mesos://h1:5050,,h2', /empty host/],
    ['mesos://bad host:5050', /'bad host:5050' .* is not a valid host:port/],
  ])('rejects %j', (input, message) => {
    expect(() => parseMasterLocation(input)).toThrow(MasterUrlError);
    expect(() => parseMasterLocation(input)).toThrow(message);
  });
});

describe('parseMasterLocation: zk:// as Mesos reads it', () => {
  test.each([
    ['mesos://zk://zk1:2181,zk2:2182,zk3/mesos', { servers: [{ host: 'zk1', port: 2181 }, { host: 'zk2', port: 2182 }, { host: 'zk3', port: 2181 }], path: '/mesos', redacted: 'zk://zk1:2181,zk2:2182,zk3/mesos' }],
    ['zk://127.0.0.1:2181/a/b/', { servers: [{ host: '127.0.0.1', port: 2181 }], path: '/a/b', redacted: 'zk://127.0.0.1:2181/a/b/' }],
    ['ZK://zk:2181/', { servers: [{ host: 'zk', port: 2181 }], path: '/', redacted: 'zk://zk:2181/' }],
    // The credentials end at the last '@', so a password may hold '@' and ':'.
    ['mesos://zk://ops:p@ss:w0rd@zk1:2181/mesos', {
      servers: [{ host: 'zk1', port: 2181 }], path: '/mesos', digest: { username: 'ops', password: 'p@ss:w0rd' }, redacted: 'zk://ops:***@zk1:2181/mesos',
    }],
  ])('%s', (input, expected) => {
    expect(parseMasterLocation(input)).toEqual({ kind: 'zookeeper', zookeeper: expected });
  });

  test.each([
    ['zk://zk1:2181', 'the ZooKeeper URL zk://zk1:2181 has no path: name the znode the masters register under, e.g. zk://zk1:2181/mesos'],
    ['zk:///mesos', 'the ZooKeeper URL zk:///mesos has an empty host in its server list'],
    ['zk://zk1:2181,/mesos', 'the ZooKeeper URL zk://zk1:2181,/mesos has an empty host in its server list'],
    ['zk://zk1:0/mesos', "the ZooKeeper URL zk://zk1:0/mesos names 'zk1:0', whose port is not a number from 1 to 65535"],
    ['zk://zk1:21x81/mesos', "the ZooKeeper URL zk://zk1:21x81/mesos names 'zk1:21x81', whose port is not a number from 1 to 65535"],
    ['zk://[::1]:2181/mesos', "the ZooKeeper URL zk://[::1]:2181/mesos names '[::1]:2181': IPv6 ZooKeeper addresses are not supported; use a host name"],
    ['zk://bad_host:2181/mesos', "the ZooKeeper URL zk://bad_host:2181/mesos names 'bad_host:2181', which is not a valid host:port"],
    ['zk://zk1:2181/mesos//x', 'the ZooKeeper URL zk://zk1:2181/mesos//x has an empty segment in its path /mesos//x'],
    ['zk://zk1:2181/mesos/../x', "the ZooKeeper URL zk://zk1:2181/mesos/../x has a relative segment '..' in its path /mesos/../x"],
    ['zk://justatoken@zk1:2181/mesos', "the ZooKeeper URL zk://***@zk1:2181/mesos has credentials that are not 'user:password'"],
    ['zk://ops:secret@zk1:99999/mesos', "the ZooKeeper URL zk://ops:***@zk1:99999/mesos names 'zk1:99999', whose port is not a number from 1 to 65535"],
  ])('rejects %s with a message that names the problem and never the password', (input, message) => {
    let thrown: unknown;
    try {
      parseMasterLocation(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MasterUrlError);
    expect((thrown as Error).message).toBe(message);
    expect((thrown as Error).message).not.toMatch(/secret|justatoken/);
  });
});

describe('redactMasterUrl', () => {
  test.each([
    ['zk://ops:s3cret@zk1:2181/mesos', 'zk://ops:***@zk1:2181/mesos'],
    ['mesos://zk://ops:a@b@zk1:2181,zk2/mesos', 'mesos://zk://ops:***@zk1:2181,zk2/mesos'],
    ['zk://token@zk1:2181/mesos', 'zk://***@zk1:2181/mesos'],
    ['zk://zk1:2181,zk2:2181/mesos', 'zk://zk1:2181,zk2:2181/mesos'],
    ['m1:5050,m2:5050', 'm1:5050,m2:5050'],
  ])('%s', (input, expected) => {
    expect(redactMasterUrl(input)).toBe(expected);
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
