// loadConfig end to end: argv, environment and in-memory files become one frozen OperatorConfig,
// or every problem at once, each naming its flag or key.
import { loadConfig, type LoadConfigResult, type OperatorConfig } from '../../src/config/config.ts';
import { USAGE } from '../../src/config/options.ts';
import { memoryFiles, SYSTEM, UNREADABLE } from './fixtures.ts';

type Files = Parameters<typeof memoryFiles>[0];
const BASE = ['--master', 'mesos://m1:5050,m2:5050', '--kubeconfig', '/kube/config'];
const BASE_FILES: Files = { '/kube/config': 'apiVersion: v1' };

function load(argv: string[], env: Record<string, string> = {}, files: Files = {}): LoadConfigResult {
  return loadConfig(argv, env, memoryFiles({ ...BASE_FILES, ...files }).readFile, SYSTEM);
}

function loaded(argv: string[], env: Record<string, string> = {}, files: Files = {}): { config: OperatorConfig; warnings: string[] } {
  const result = load(argv, env, files);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result;
}

function errorsOf(argv: string[], env: Record<string, string> = {}, files: Files = {}): string[] {
  const result = load(argv, env, files);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('loadConfig: a whole configuration', () => {
  test('Spark\'s defaults with the operator\'s', () => {
    const { config, warnings } = loaded(BASE);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      verbose: false,
      propertiesFile: undefined,
      sparkProperties: { 'spark.master': 'm1:5050,m2:5050', 'spark.app.name': 'Spark Cluster' },
      dispatcher: { master: 'm1:5050,m2:5050', maxDrivers: 200, retainedDrivers: 200 },
      mesos: {
        master: 'm1:5050,m2:5050', masterLocation: { kind: 'static', origins: ['http://m1:5050', 'http://m2:5050'] }, frameworkName: 'Spark Cluster',
        user: 'spark', hostname: 'dispatcher-host', webuiUrl: 'http://dispatcher-host:8081', role: undefined,
        principal: undefined, secret: undefined, failoverTimeoutSeconds: 2_147_483_647, checkpoint: true, gpuResources: false,
      },
      kubernetes: {
        connection: { mode: 'kubeconfig', paths: ['/kube/config'], source: '--kubeconfig' },
        namespaces: 'all', submissionNamespace: 'default', operatorNamespace: 'default',
        frameworkIdConfigMap: 'spark-mesos-dispatcher-framework-id',
        leaderElection: { enabled: true, leaseName: 'spark-mesos-dispatcher', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      },
      network: { bindAddress: '0.0.0.0', host: 'dispatcher-host', publicAddress: 'dispatcher-host' },
      rest: { port: 7077, authToken: undefined },
      ui: { port: 8081, historyServerUrl: undefined, proxyBaseUrl: undefined },
      metrics: { port: 8080 },
      log: { level: 'info', format: 'json' },
    });
    expect(config.dispatcher.queues).toEqual(new Map([['default', 0]]));
  });

  test('properties file < --conf, then --master and --name, which Spark sets last', () => {
    const file = [
      'spark.mesos.maxDrivers 5', 'spark.mesos.role=from-file', 'spark.master=mesos://elsewhere:5050',
      'spark.app.name=From File', 'not.spark=1', 'spark.mesos.dispatcher.queue.urgent=2',
    ].join('\n');
    const { config, warnings } = loaded(
      [...BASE, '--properties-file', '/etc/d.conf', '--conf', 'spark.mesos.role=from-conf', '--name', 'Dispatch'],
      {}, { '/etc/d.conf': file },
    );
    expect(config.sparkProperties).toEqual({
      'spark.mesos.maxDrivers': '5', 'spark.mesos.role': 'from-conf', 'spark.master': 'm1:5050,m2:5050',
      'spark.app.name': 'Dispatch', 'spark.mesos.dispatcher.queue.urgent': '2',
    });
    expect([config.propertiesFile, config.mesos.role, config.dispatcher.maxDrivers, config.mesos.frameworkName])
      .toEqual(['/etc/d.conf', 'from-conf', 5, 'Dispatch']);
    expect(config.dispatcher.queues.get('urgent')).toBe(2);
    expect(warnings).toEqual([
      '/etc/d.conf:5: Ignoring non-Spark config property: not.spark',
      'spark.master: the value from /etc/d.conf is replaced by --master',
      'spark.app.name: the value from /etc/d.conf is replaced by --name',
    ]);
  });

  test('the same master in the file, with or without mesos://, is no override worth a warning', () => {
    const files = { '/a.conf': 'spark.master=mesos://m1:5050,m2:5050\nspark.app.name=Spark Cluster' };
    expect(loaded([...BASE, '--properties-file', '/a.conf'], {}, files).warnings).toEqual([]);
  });

  test.each([
    ['SPARK_CONF_DIR', { SPARK_CONF_DIR: '/sc', SPARK_HOME: '/sh' }, '/sc/spark-defaults.conf'],
    ['SPARK_HOME/conf', { SPARK_HOME: '/sh/' }, '/sh/conf/spark-defaults.conf'],
    ['conf/ under the working directory', {}, 'conf/spark-defaults.conf'],
  ])('the default properties file comes from %s, if it exists', (_name, env, path) => {
    expect(loaded(BASE, env, { [path]: 'spark.mesos.role=r' }).config).toMatchObject({ propertiesFile: path, mesos: { role: 'r' } });
    expect(loaded(BASE, env).config.propertiesFile).toBeUndefined();
  });

  test('host, public address, user and web UI URL follow Spark\'s environment variables', () => {
    const env = { SPARK_LOCAL_HOSTNAME: 'local-name', SPARK_PUBLIC_DNS: 'public.example', SPARK_USER: 'svc' };
    expect(loaded(BASE, env).config).toMatchObject({
      network: { host: 'local-name', publicAddress: 'public.example' },
      mesos: { user: 'svc', hostname: 'public.example', webuiUrl: 'http://public.example:8081' },
    });
    expect(loaded([...BASE, '-h', 'flag-host', '--webui-port', '9090', '--conf', 'spark.driver.host=drv']).config).toMatchObject({
      network: { host: 'flag-host', publicAddress: 'flag-host' },
      mesos: { hostname: 'drv', webuiUrl: 'http://flag-host:9090' },
    });
    expect(loaded([...BASE, '--conf', 'spark.mesos.dispatcher.webui.url=https://ui.example/']).config.mesos.webuiUrl).toBe('https://ui.example');
  });

  test('Mesos keys: role, GPUs, failover timeout, UI links', () => {
    const { config } = loaded([...BASE,
      '--conf', 'spark.mesos.role=spark/prod', '--conf', 'spark.mesos.gpus.max=2', '--conf', 'spark.mesos.dispatcher.failoverTimeout=7d',
      '--conf', 'spark.mesos.dispatcher.historyServer.url=http://hs:18080/', '--conf', 'spark.mesos.proxy.baseURL=https://proxy']);
    expect(config.mesos).toMatchObject({ role: 'spark/prod', gpuResources: true, failoverTimeoutSeconds: 604_800 });
    expect(config.ui).toEqual({ port: 8081, historyServerUrl: 'http://hs:18080', proxyBaseUrl: 'https://proxy' });
  });

  test('credentials come through the injected reader', () => {
    const { config } = loaded([...BASE, '--conf', 'spark.mesos.principal.file=/p'], { SPARK_MESOS_SECRET_FILE: '/s' }, { '/p': 'fw\n', '/s': 'pw\n' });
    expect(config.mesos).toMatchObject({ principal: 'fw', secret: 'pw', principalSource: 'spark.mesos.principal.file', secretSource: 'SPARK_MESOS_SECRET_FILE' });
  });

  test('the REST token is read from its file and trimmed', () => {
    expect(loaded([...BASE, '--rest-auth-token-file', '/t'], {}, { '/t': 'tok\n' }).config.rest).toEqual({ port: 7077, authToken: 'tok', authTokenFile: '/t' });
  });

  test('keys that mean nothing any more are warned about', () => {
    const { warnings } = loaded([...BASE, '--conf', 'spark.deploy.recoveryMode=ZOOKEEPER', '--conf', 'spark.mesos.driver.failoverTimeout=60']);
    expect(warnings).toEqual([
      'spark.deploy.recoveryMode: ignored; the dispatcher keeps its state in Kubernetes now',
      'spark.mesos.driver.failoverTimeout: read by drivers, not by the dispatcher; to give every driver a default, set spark.mesos.dispatcher.driverDefault.spark.mesos.driver.failoverTimeout (the dispatcher\'s own is spark.mesos.dispatcher.failoverTimeout)',
    ]);
  });
});

describe('loadConfig: Kubernetes', () => {
  const MASTER = ['--master', 'mesos://m:5050'];
  test.each([
    ['--kubeconfig', [...MASTER, '--kubeconfig', '/k'], { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '443' }, { '/k': 'x' },
      { mode: 'kubeconfig', paths: ['/k'], source: '--kubeconfig' }],
    ['in-cluster', MASTER, { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '443', KUBECONFIG: '/k' }, { '/k': 'x' },
      { mode: 'in-cluster' }],
    ['$KUBECONFIG, existing files only', MASTER, { KUBECONFIG: '/a:/missing:/b' }, { '/a': 'x', '/b': 'y' },
      { mode: 'kubeconfig', paths: ['/a', '/b'], source: 'KUBECONFIG' }],
    ['~/.kube/config', MASTER, { HOME: '/home/me' }, { '/home/me/.kube/config': 'x' },
      { mode: 'kubeconfig', paths: ['/home/me/.kube/config'], source: '~/.kube/config' }],
  ])('%s', (_name, argv, env, files, connection) => {
    expect(loaded(argv, env, files).config.kubernetes.connection).toEqual(connection);
  });

  test.each([
    ['a missing --kubeconfig', [...MASTER, '--kubeconfig', '/nope'], {}, "--kubeconfig: file '/nope' does not exist"],
    ['a $KUBECONFIG naming nothing', MASTER, { KUBECONFIG: '/x:/y' }, "KUBECONFIG: none of '/x', '/y' can be read"],
    ['nothing at all', MASTER, { HOME: '/h' },
      '--kubeconfig: not given, not running in a cluster, KUBECONFIG not set and /h/.kube/config does not exist; say where the Kubernetes API is'],
  ])('%s is an error', (_name, argv, env, error) => {
    expect(errorsOf(argv, env)).toEqual([error]);
  });

  test.each([
    ['the flag', ['--leader-election-namespace', 'ops'], { POD_NAMESPACE: 'pod-ns' }, 'ops'],
    ['POD_NAMESPACE', [], { POD_NAMESPACE: 'pod-ns' }, 'pod-ns'],
    ['the service account in a cluster', [], { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1' }, 'sa-ns'],
    ['the submission namespace', ['--submission-namespace', 'subs'], {}, 'subs'],
  ])('the operator namespace comes from %s', (_name, args, env, namespace) => {
    const files = { '/var/run/secrets/kubernetes.io/serviceaccount/namespace': 'sa-ns\n' };
    expect(loaded([...BASE, ...args], env, files).config.kubernetes.operatorNamespace).toBe(namespace);
  });
});

describe('loadConfig: problems', () => {
  test('--help is exit 0 with the usage', () => {
    expect(load(['--help'])).toEqual({ ok: false, errors: [], usage: USAGE, exitCode: 0 });
  });

  test('Spark\'s command-line errors exit 1, with the usage where Spark shows it', () => {
    expect(load(['--kubeconfig', '/kube/config'])).toEqual({ ok: false, errors: ['--master is required'], usage: USAGE, exitCode: 1 });
    expect(load(['--master', 'm:5050', '--kubeconfig', '/kube/config'])).toEqual({
      ok: false, errors: ['--master: Cluster dispatcher only supports mesos (uri begins with mesos://)'], usage: undefined, exitCode: 1,
    });
  });

  test('every problem at once, flags and keys alike, never a secret value', () => {
    const file = 'spark.mesos.secret=s3cr3t-value\nspark.mesos.dispatcher.queue.urgent=high';
    const errors = errorsOf(
      ['--bogus', '--port', 'x', '--kubeconfig', '/kube/config', '--properties-file', '/d.conf', '--conf', 'spark.mesos.gpus.max=many',
        '--conf', 'spark.mesos.role=-bad', '--conf', 'spark.mesos.dispatcher.webui.url=ftp://x', '--conf', 'spark.authenticate.secret=zz',
        '--conf', 'spark.mesos.dispatcher.failoverTimeout=soon', '--conf', 'spark.mesos.maxDrivers=-1', '--rest-auth-token-file', '/missing'],
      {}, { '/d.conf': file },
    );
    expect(errors).toEqual([
      "Unrecognized option: '--bogus'",
      "--port: 'x' is not a port number (0-65535)",
      '--master is required',
      "spark.mesos.dispatcher.queue.urgent: 'high' is not a number",
      "spark.mesos.maxDrivers: '-1' must be at least 0",
      'spark.authenticate.secret: the MesosClusterDispatcher does not support authentication via spark.authenticate.secret (use --rest-auth-token-file to protect the REST API)',
      "spark.mesos.role: '-bad' is not a valid Mesos role",
      "spark.mesos.gpus.max: 'many' is not a whole number of GPUs",
      "spark.mesos.dispatcher.webui.url: 'ftp://x' is not an http(s) URL",
      "spark.mesos.dispatcher.failoverTimeout: 'soon' is not a duration (use a whole number with a unit: ms, s, m, min, h or d)",
      'spark.mesos.principal must be configured when spark.mesos.secret is set',
      "--rest-auth-token-file: file '/missing' does not exist",
    ]);
    expect(errors.join('\n')).not.toMatch(/s3cr3t|zz/);
  });

  test('the properties file is read even when the command line is wrong, and its problems join the rest', () => {
    expect(errorsOf(['--properties-file', '/gone.conf', '--kubeconfig', '/kube/config'])).toEqual([
      '--master is required', '--properties-file: Properties file /gone.conf does not exist',
    ]);
    // As with java.util.Properties, a file with a bad line is not applied at all.
    expect(errorsOf([...BASE, '--properties-file', '/d.conf'], {}, { '/d.conf': 'spark.mesos.maxDrivers=x\nbroken=\\uXY' })).toEqual([
      "/d.conf:2: malformed \\uxxxx escape in the value of 'broken'",
    ]);
  });

  test.each([
    ['unreadable token file', { '/t': UNREADABLE }, "--rest-auth-token-file: cannot read '/t': EACCES: permission denied, open '/t'"],
    ['empty token file', { '/t': ' \n' }, "--rest-auth-token-file: file '/t' is empty"],
  ])('%s', (_name, files, error) => {
    expect(errorsOf([...BASE, '--rest-auth-token-file', '/t'], {}, files)).toEqual([error]);
  });
});

describe('loadConfig: the result is frozen', () => {
  test('deeply, including the queue map', () => {
    const { config } = loaded(BASE);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.mesos.masterLocation)).toBe(true);
    expect(Object.isFrozen(config.dispatcher.retryPolicy)).toBe(true);
    expect(() => {
      (config.kubernetes.leaderElection as { enabled: boolean }).enabled = false;
    }).toThrow(TypeError);
    expect(() => (config.dispatcher.queues as Map<string, number>).set('sneaky', 1)).toThrow('the configuration is frozen');
    expect(config.redactionPattern.test('spark.mesos.secret')).toBe(true);
  });
});
