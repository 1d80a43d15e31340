// Redaction: the effective configuration as logged and printed for --verbose shows no secret,
// following Spark's rule (a key or a value matching spark.redaction.regex is hidden).
import { loadConfig, type OperatorConfig } from '../../src/config/config.ts';
import { REDACTED, redactConfig, redactProperties, verboseReport } from '../../src/config/redact.ts';
import { memoryFiles, SYSTEM } from './fixtures.ts';

const SECRETS = ['mesos-pw', 'rest-tok', 's3-key-value', 'db-pass', 'token-in-a-value'];

function configWith(extra: string[] = []): OperatorConfig {
  const files = memoryFiles({ '/k': 'x', '/token': 'rest-tok\n', '/secret': 'mesos-pw' });
  const result = loadConfig([
    '--master', 'mesos://m:5050', '--kubeconfig', '/k', '--rest-auth-token-file', '/token', '--verbose',
    '--conf', 'spark.mesos.principal=fw', '--conf', 'spark.mesos.secret.file=/secret',
    '--conf', 'spark.mesos.dispatcher.driverDefault.spark.hadoop.fs.s3a.access.key=s3-key-value',
    '--conf', 'spark.jdbc.password=db-pass', '--conf', 'spark.custom.header=Bearer token-in-a-value',
    '--conf', 'spark.mesos.role=analytics', ...extra,
  ], {}, files.readFile, SYSTEM);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

describe('redactConfig', () => {
  test('the password of a zk:// master shows as *** wherever the master appears, --verbose included', () => {
    const config = configWith(['--master', 'mesos://zk://ops:hunter2@zk1:2181,zk2:2181/mesos']);
    expect(config.mesos.masterLocation).toMatchObject({ kind: 'zookeeper', zookeeper: { digest: { username: 'ops', password: 'hunter2' } } });
    const redacted = redactConfig(config);
    const shown = JSON.stringify([redacted, verboseReport(config)]);
    expect(shown).not.toContain('hunter2');
    expect(redacted.mesos.master).toBe('zk://ops:***@zk1:2181,zk2:2181/mesos');
    expect(redacted.sparkProperties['spark.master']).toBe('zk://ops:***@zk1:2181,zk2:2181/mesos');
    expect(verboseReport(config)).toContain('(spark.master,zk://ops:***@zk1:2181,zk2:2181/mesos)');
  });

  test('no secret survives into the JSON, and everything else does', () => {
    const redacted = redactConfig(configWith());
    const json = JSON.stringify(redacted);
    for (const secret of SECRETS) expect(json).not.toContain(secret);
    expect(redacted.mesos).toMatchObject({ principal: 'fw', secret: REDACTED, secretSource: 'spark.mesos.secret.file', role: 'analytics' });
    expect(redacted.rest).toEqual({ port: 7077, authToken: REDACTED, authTokenFile: '/token' });
    expect(redacted.sparkProperties).toMatchObject({
      'spark.mesos.principal': 'fw',
      'spark.mesos.secret.file': REDACTED,
      'spark.jdbc.password': REDACTED,
      'spark.custom.header': REDACTED,
      'spark.mesos.dispatcher.driverDefault.spark.hadoop.fs.s3a.access.key': REDACTED,
      'spark.mesos.role': 'analytics',
    });
    expect(redacted.dispatcher.driverDefaults).toEqual({ 'spark.hadoop.fs.s3a.access.key': REDACTED });
    expect(redacted.dispatcher.queues).toEqual({ default: 0 });
    expect(redacted.redactionPattern).toBe('/secret|password|token|access[.]?key/i');
  });

  test('absent secrets stay absent rather than appearing redacted', () => {
    const result = loadConfig(['--master', 'mesos://m:5050', '--kubeconfig', '/k'], {}, memoryFiles({ '/k': 'x' }).readFile, SYSTEM);
    if (!result.ok) throw new Error(result.errors.join());
    expect(redactConfig(result.config).mesos.secret).toBeUndefined();
    expect(redactConfig(result.config).rest.authToken).toBeUndefined();
  });

  test('leaves the frozen configuration untouched', () => {
    const config = configWith();
    redactConfig(config);
    expect(config.mesos.secret).toBe('mesos-pw');
    expect(config.rest.authToken).toBe('rest-tok');
  });

  test('spark.redaction.regex replaces the default pattern, as in Spark', () => {
    const redacted = redactConfig(configWith(['--conf', 'spark.redaction.regex=(?i)role|secret', '--conf', 'spark.x.password=visible']));
    expect(redacted.sparkProperties['spark.mesos.role']).toBe(REDACTED);
    expect(redacted.sparkProperties['spark.x.password']).toBe('visible');
    // The Mesos secret and the REST token are hidden whatever the pattern says.
    expect(redacted.mesos.secret).toBe(REDACTED);
  });
});

describe('redactProperties', () => {
  test.each([
    [{ 'spark.a': 'plain' }, { 'spark.a': 'plain' }],
    [{ 'spark.SECRET.x': 'v' }, { 'spark.SECRET.x': REDACTED }],
    [{ 'spark.a': 'my-Password-1' }, { 'spark.a': REDACTED }],
    [{ 'spark.s3.accesskey': 'v', 'spark.s3.access.key': 'v' }, { 'spark.s3.accesskey': REDACTED, 'spark.s3.access.key': REDACTED }],
  ])('%j', (props, expected) => {
    expect(redactProperties(props, /secret|password|token|access[.]?key/i)).toEqual(expected);
  });
});

describe('verboseReport', () => {
  test('prints what Spark\'s --verbose prints, redacted', () => {
    const lines = verboseReport(configWith());
    expect(lines.slice(0, 5)).toEqual([
      'Using host: dispatcher-host', 'Using port: 7077', 'Using webUiPort: 8081', 'Framework Name: Spark Cluster',
      'Spark Config properties set:',
    ]);
    expect(lines).toContain('(spark.jdbc.password,[redacted])');
    expect(lines).toContain('(spark.master,m:5050)');
    for (const secret of SECRETS) expect(lines.join('\n')).not.toContain(secret);
  });
});
