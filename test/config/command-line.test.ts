// The command line: Spark's MesosClusterDispatcherArgumentsSuite and the reference's table
// (unknown options, --help, --conf filtering, the master checks), then the operator's flags.
import { parseCommandLine, type CommandLine, type CommandLineResult } from '../../src/config/command-line.ts';
import { parseDuration } from '../../src/config/flag-values.ts';
import { ALL_OPTIONS, USAGE } from '../../src/config/options.ts';

const MASTER = ['--master', 'mesos://localhost:5050'];

function ok(argv: string[]): { commandLine: CommandLine; warnings: string[] } {
  const result = parseCommandLine(argv);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result;
}

function invalid(argv: string[]): Extract<CommandLineResult, { kind: 'invalid' }> {
  const result = parseCommandLine(argv);
  if (result.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
  return result;
}

describe('Spark\'s MesosClusterDispatcherArgumentsSuite', () => {
  test('spark config args are passed: key1=value1 is ignored, spark.mesos.key2=value2 applied', () => {
    const { commandLine, warnings } = ok([...MASTER, '--conf', 'key1=value1', '--conf', 'spark.mesos.key2=value2', '--verbose']);
    expect(commandLine.conf).toEqual({ 'spark.mesos.key2': 'value2' });
    expect(commandLine.verbose).toBe(true);
    expect(warnings).toEqual(['--conf: Ignoring non-Spark config property: key1']);
  });

  test('non-conf settings', () => {
    const { commandLine, warnings } = ok([
      '--master', 'mesos://localhost:5050', '--verbose', '--name', 'myFramework',
      '-p', '1212', '-h', 'localhost', '-z', 'zk://localhost:2181',
      '--webui-port', '2323',
    ]);
    expect(commandLine).toMatchObject({
      verbose: true, conf: {}, host: 'localhost', name: 'myFramework', webUiPort: 2323, port: 1212,
      master: { master: 'localhost:5050', location: { kind: 'static', origins: ['http://localhost:5050'] } },
    });
    // Intentional divergence: ZooKeeper recovery is gone, so -z is accepted but only warned about.
    expect(warnings).toEqual(['-z: ignored; the dispatcher keeps its state in Kubernetes now, not in ZooKeeper']);
  });
});

describe('defaults', () => {
  test('Spark\'s, then the operator\'s', () => {
    expect(ok(MASTER).commandLine).toEqual({
      master: { master: 'localhost:5050', location: { kind: 'static', origins: ['http://localhost:5050'] } },
      host: undefined, port: 7077, webUiPort: 8081, name: 'Spark Cluster', propertiesFile: undefined, conf: {},
      verbose: false, kubeconfig: undefined, namespaces: 'all', submissionNamespace: 'default',
      leaderElection: true, leaderElectionNamespace: undefined, leaseName: 'spark-mesos-dispatcher',
      leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, metricsPort: 8080,
      bindAddress: '0.0.0.0', restAuthTokenFile: undefined, logLevel: 'info', logFormat: 'json',
      frameworkIdConfigMap: 'spark-mesos-dispatcher-framework-id',
    });
  });
});

describe('--help', () => {
  test.each([
    [['--help']],
    [[...MASTER, '--help']],
    // Asking for help wins over anything else on the line, even mistakes.
    [['--bogus', '--port', 'x', '--help']],
  ])('%j prints the usage and exits 0', (argv) => {
    expect(parseCommandLine(argv)).toEqual({ kind: 'help', usage: USAGE });
  });

  test('the usage starts as Spark\'s and documents every option', () => {
    expect(USAGE.startsWith('Usage: MesosClusterDispatcher [options]\n')).toBe(true);
    for (const name of ALL_OPTIONS.flatMap((o) => o.names)) expect(USAGE).toMatch(new RegExp(`(^|[ ,])${name}[ ,\\n]`, 'm'));
  });
});

describe('Spark\'s exits with status 1', () => {
  test.each([
    ['no arguments: master required, with usage', [], ['--master is required'], true],
    ['master without mesos://', ['--master', 'localhost:5050'],
      ['--master: Cluster dispatcher only supports mesos (uri begins with mesos://)'], false],
    ['unknown long option', [...MASTER, '--blarg'], ["Unrecognized option: '--blarg'"], true],
    ['unknown short option', [...MASTER, '-bleg'], ["Unrecognized option: '-bleg'"], true],
    ['stray positional argument', [...MASTER, 'extra'], ["Unrecognized option: 'extra'"], true],
    // Its likely value is skipped: not reported twice, and --master after it still counts.
    ['unknown option with a value', ['--secret-thing', 'hunter2', ...MASTER], ["Unrecognized option: '--secret-thing'"], true],
    ['-h is --host, not help: it needs a value', [...MASTER, '-h'], ['-h: requires a value (HOST)'], false],
    ['--conf without =', [...MASTER, '--conf', 'spark.x'], ["--conf: Spark config without '=': spark.x (write --conf spark.x=VALUE)"], false],
  ])('%s', (_name, argv, errors, showsUsage) => {
    const result = invalid(argv);
    expect(result.errors).toEqual(errors);
    expect(result.usage).toBe(showsUsage ? USAGE : undefined);
  });

  test('`--conf key value`: the stray value, maybe a secret, is not echoed as an unknown option', () => {
    const result = invalid([...MASTER, '--conf', 'spark.mesos.secret', 'hunter2']);
    expect(result.errors).toEqual(["--conf: Spark config without '=': spark.mesos.secret (write --conf spark.mesos.secret=VALUE)"]);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  test('every problem is reported at once, in order, each naming its flag', () => {
    expect(invalid(['--blarg', '--port', 'abc', '--log-level', 'loud', '--leader-election=yes']).errors).toEqual([
      "Unrecognized option: '--blarg'",
      '--leader-election: takes no value',
      "--port: 'abc' is not a port number (0-65535)",
      "--log-level: 'loud' is not one of trace, debug, info, warn, error",
      '--master is required',
    ]);
  });
});

describe('option syntax', () => {
  test('--opt=value works for long options, as in spark-submit', () => {
    const { commandLine } = ok(['--master=mesos://m:5050', '--conf=spark.a=b=c', '--port=1', '--namespaces=a,b', '--submission-namespace=b']);
    expect([commandLine.master.master, commandLine.conf, commandLine.port, commandLine.namespaces]).toEqual(['m:5050', { 'spark.a': 'b=c' }, 1, ['a', 'b']]);
  });

  test('a repeated option: the last one wins; --conf keys too', () => {
    const { commandLine } = ok([...MASTER, '-p', '1', '--port', '2', '--conf', 'spark.a=1', '--conf', 'spark.a=2', '--no-leader-election']);
    expect([commandLine.port, commandLine.conf, commandLine.leaderElection]).toEqual([2, { 'spark.a': '2' }, false]);
    expect(ok([...MASTER, '--no-leader-election', '--leader-election']).commandLine.leaderElection).toBe(true);
  });

  test('--zk and -z take their value and are ignored with a warning', () => {
    const { commandLine, warnings } = ok([...MASTER, '--zk', 'zk://a:2181', '--verbose']);
    expect(commandLine.verbose).toBe(true);
    expect(warnings).toEqual(['--zk: ignored; the dispatcher keeps its state in Kubernetes now, not in ZooKeeper']);
  });
});

describe('flag values', () => {
  test.each([
    [['--port', '70000'], "--port: '70000' is not a port number (0-65535)"],
    [['--webui-port', '-1'], "--webui-port: '-1' is not a port number (0-65535)"],
    [['--metrics-port', '8o8o'], "--metrics-port: '8o8o' is not a port number (0-65535)"],
    [['--host', 'h:7077'], "--host: 'h:7077' is not a host name (no ':' allowed; please use hostname h:7077)"],
    [['--name', ''], '--name: is empty'],
    [['--master', 'mesos://zk://zk:2181'], '--master: the ZooKeeper URL zk://zk:2181 has no path: name the znode the masters register under, e.g. zk://zk1:2181/mesos'],
    [['--master', 'mesos://zk://ops:hunter2@zk:99999/mesos'], "--master: the ZooKeeper URL zk://ops:***@zk:99999/mesos names 'zk:99999', whose port is not a number from 1 to 65535"],
    [['--master', 'mesos://'], '--master: empty host in the Mesos master URL mesos://'],
    [['--lease-duration', '15'], "--lease-duration: '15' is not a duration (use units ms, s, m or h, e.g. 15s, 500ms, 1m30s)"],
    [['--retry-period', '0s'], "--retry-period: '0s' must be longer than 0"],
    [['--namespaces', 'ok,Bad_ns'], "--namespaces: 'Bad_ns' is not a valid namespace name (lower-case letters, digits and '-', at most 63 characters)"],
    [['--submission-namespace', '-x'], "--submission-namespace: '-x' is not a valid namespace name (lower-case letters, digits and '-', at most 63 characters)"],
    [['--lease-name', 'Lease'], "--lease-name: 'Lease' is not a valid object name (lower-case letters, digits, '-' and '.', at most 253 characters)"],
    [['--framework-id-configmap', 'a..b'], "--framework-id-configmap: 'a..b' is not a valid object name (lower-case letters, digits, '-' and '.', at most 253 characters)"],
    [['--bind-address', 'everywhere'], "--bind-address: 'everywhere' is not an IP address (e.g. 0.0.0.0, 127.0.0.1 or ::)"],
    [['--log-format', 'xml'], "--log-format: 'xml' is not one of json, pretty"],
    [['--kubeconfig', ''], '--kubeconfig: is empty'],
  ])('%j', (args, error) => {
    expect(invalid([...MASTER, ...args]).errors).toEqual([error]);
  });

  test('accepted values', () => {
    const { commandLine } = ok([
      ...MASTER, '--lease-duration', '1m30s', '--renew-deadline', '1.5s', '--retry-period', '500ms', '--bind-address', '::',
      '--log-level', 'DEBUG', '--log-format', 'pretty', '--namespaces', ' a , b ,a', '--submission-namespace', 'b',
      '--kubeconfig', '/k', '--rest-auth-token-file', '/t', '--leader-election-namespace', 'ops', '--properties-file', 'p.conf',
    ]);
    expect(commandLine).toMatchObject({
      leaseDurationMs: 90_000, renewDeadlineMs: 1_500, retryPeriodMs: 500, bindAddress: '::', logLevel: 'debug',
      logFormat: 'pretty', namespaces: ['a', 'b'], kubeconfig: '/k', restAuthTokenFile: '/t', leaderElectionNamespace: 'ops',
      propertiesFile: 'p.conf',
    });
    expect(ok([...MASTER, '--namespaces', '']).commandLine.namespaces).toBe('all');
  });
});

describe('checks between flags', () => {
  test.each([
    [['--webui-port', '7077'], ['--webui-port: 7077 is also the --port']],
    [['--metrics-port', '8081'], ['--metrics-port: 8081 is also the --webui-port']],
    [['--port', '0', '--webui-port', '0', '--metrics-port', '0'], []],
    [['--lease-duration', '10s'], ['--lease-duration: 10s must be longer than --renew-deadline (10s)']],
    [['--lease-duration', '900ms', '--renew-deadline', '600ms', '--retry-period', '100ms'], ['--lease-duration: 900ms must be at least 1s']],
    [['--retry-period', '9s'], ['--renew-deadline: 10s must be longer than 1.2 × --retry-period (9s)']],
    [['--namespaces', 'a,b'], ["--submission-namespace: 'default' is not among the watched --namespaces (a, b)"]],
    // A flag that is wrong on its own is not blamed again in the comparison.
    [['--lease-duration', 'soon', '--webui-port', 'x'], [
      "--webui-port: 'x' is not a port number (0-65535)",
      "--lease-duration: 'soon' is not a duration (use units ms, s, m or h, e.g. 15s, 500ms, 1m30s)",
    ]],
  ])('%j', (args, errors) => {
    const result = parseCommandLine([...MASTER, ...args]);
    expect(result.kind === 'invalid' ? result.errors : []).toEqual(errors);
  });
});

describe('parseDuration', () => {
  test.each([
    ['15s', 15_000], ['500ms', 500], ['1m', 60_000], ['1h', 3_600_000], ['1m30s', 90_000], ['1.5s', 1_500],
    ['.5s', 500], ['0s', 0], ['', undefined], ['15', undefined], ['15 s', undefined], ['1d', undefined], ['s', undefined],
  ])('%j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
