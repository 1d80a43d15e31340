// The submission rules: the TypeScript check and the CRD's CEL rule agree on every value tried
// (hand-picked edges, the inputs that once could never start, and generated strings), with the
// same message; the totals likewise.
import fc from 'fast-check';
import { sparkDriverOpenApiSchema } from '../../src/sparkdriver/crd.ts';
import { parseSparkDriverSpec } from '../../src/sparkdriver/sparkdriver.ts';
import { driverContainer } from '../../src/scheduler/container.ts';
import { validateRules } from '../../src/devcluster/kube/schema/cel.ts';
import type { Schema } from '../../src/devcluster/kube/schema/schema.ts';
import {
  COMMAND_TOO_LONG, ENVIRONMENT_TOO_LARGE, LIMITS, PROPERTY_RULES, propertyProblems, totalProblems,
} from '../../src/scheduler/submission-rules.ts';

const SCHEMA = sparkDriverOpenApiSchema() as Schema;

/** The messages the CRD's CEL rules give for this spec (as the API server would evaluate them). */
function celMessages(spec: Record<string, unknown>): string[] {
  const obj = { apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver', metadata: {}, spec: { appResource: 'http://repo/app.jar', arguments: [], sparkProperties: {}, environmentVariables: {}, kill: false, ...spec } };
  return validateRules(obj, SCHEMA, { present: false }).map((e) => e.detail ?? '');
}

const SAMPLES: Record<string, string[]> = {
  // Whitespace JavaScript's \s knows and the CEL class does not: both checks must still agree.
  'spark.app.name': ['SparkPi', 'a b', ' ', '', '\t', '\u000b', '\f', '\u00a0', ' \u2028 '],
  'spark.driver.memory': ['1', '1m', '512m', '2g', '2G', '1024kb', '1048576b', '1048575b', '16t', '17t', '16384g', '16385g', '0', '0m', '-1g', 'lots', '1e400', '100000000000000000000g', '1.5g', '2 g', ''],
  'spark.driver.memoryOverhead': ['0', '384', '384m', '1g', '-1', 'x'],
  'spark.mesos.driver.memoryOverhead': ['0', '64', '1p', '1pb'],
  'spark.driver.cores': ['1', '1.5', '0.1', '0', '0.0', '4096', '4096.5', '4097', '-1', '1e400', '1e2', 'NaN', 'Infinity', ' 1', '1.', '.5'],
  'spark.driver.memoryOverheadFactor': ['0', '0.1', '10', '10.1', '-0.1', 'x'],
  'spark.driver.supervise': ['true', 'false', 'TRUE', 'False', 'yes', 'maybe', ''],
  'spark.mesos.driver.supervise.maxRetries': ['-1', '0', '5', '-2', 'many', '1.5'],
  'spark.mesos.cluster.retry.wait.max': ['0', '60', '-1', '1m'],
  'spark.mesos.driver.supervise.retryResetAfter': ['30min', '10s', '100', '1h', '2d', '5x', '-1s', ''],
  'spark.mesos.containerizer': ['docker', 'mesos', 'Docker', 'rkt'],
  'spark.mesos.appJar.local.resolution.mode': ['host', 'container', 'HOST', 'Container', 'elsewhere', '', ' host'],
  'spark.mesos.executor.docker.image': ['spark:3.5', ' ', '', '\t', '\u00a0'],
  'spark.mesos.driver.labels': [
    '', 'a:b', 'a:b,c:d', 'a:b,', 'a:b,,', ',,', 'no-colon', 'a:b:c', 'a:b:', ':b', 'a:', ',a:b', 'a:b,,c:d',
    'a\\:x:b', 'a:b\\,c', 'a\\:b', 'a\\\\:b', 'a:b\\', 'a:\\', 'a:\\\\', 'a:b\\:', 'a:b\\,', 'a\\:', 'a:b:\\', 'spark-mesos-dispatcher/uid:x', 'a:b,spark-mesos-dispatcher/name:x',
    'x-spark-mesos-dispatcher/uid:x', 'spark-mesos-dispatcher/uidx:y',
  ],
  'spark.mesos.executor.docker.forcePullImage': ['true', 'False', 'yes'],
  'spark.mesos.fetcherCache.enable': ['true', 'FALSE', '1'],
  'spark.mesos.executor.docker.portmaps': ['80:8080', '80:8080:udp, 443:443', '', ' , ', '80', '80:x', '65536:1', '00080:1', '1:2:', '1:2:tcp:x', '1:2: udp'],
  'spark.mesos.executor.docker.parameters': ['a=b', 'a=', ' a = b ,c=d', '=b', 'ab', ' =b'],
  'spark.mesos.executor.docker.volumes': ['/a', '/a:/b', '/a:/b:ro', '/a:ro', 'ro', ' rw ', 'ro:rw', '/a::ro', '/a:', '/a:/b:/c', '/a: :ro', ' /a '],
  'spark.mesos.network.labels': ['a:b', 'a'],
  'spark.mesos.driver.constraints': ['', ' ', 'zone:a', 'zone:a,b;rack:', 'zone:a:b', ':a', ' :a', 'zone', 'zone:a;', 'zone:a; zone :b', 'zone:a;zone:b', ' zone:a;zone:b', 'a b:c', '\u00a0:x'],
};

describe('each property rule: TypeScript and CEL agree, with one message', () => {
  const cases = PROPERTY_RULES.flatMap((rule) => (SAMPLES[rule.key] ?? []).map((value) => ({ key: rule.key, value, rule })));
  test('every rule has samples, good and bad', () => {
    for (const rule of PROPERTY_RULES) {
      const samples = SAMPLES[rule.key] ?? [];
      expect({ key: rule.key, good: samples.some(rule.accepts), bad: samples.some((v) => !rule.accepts(v)) }).toEqual({ key: rule.key, good: true, bad: true });
    }
  });
  test.each(cases)('$key = $value', ({ key, value, rule }) => {
    const expected = PROPERTY_RULES.filter((r) => r.key === key && !r.accepts(value)).map((r) => `${key} ${r.message}`);
    expect(rule.accepts(value) || expected.includes(`${key} ${rule.message}`)).toBe(true);
    expect(propertyProblems({ [key]: value })).toEqual(expected);
    expect(celMessages({ sparkProperties: { [key]: value } })).toEqual(expected);
  });
});

test('generated memory and cores values: TypeScript and CEL agree', () => {
  const memory = fc.tuple(fc.stringMatching(/^[0-9]{0,12}$/), fc.constantFrom('', 'b', 'k', 'kb', 'm', 'M', 'g', 'gb', 't', 'p', 'pb', 'x', '.5g'))
    .map(([digits, unit]) => `${digits}${unit}`);
  const cores = fc.stringMatching(/^-?[0-9]{0,6}(\.[0-9]{0,10})?(e[0-9]{1,3})?$/);
  fc.assert(fc.property(memory, cores, (mem, cpus) => {
    const props = { 'spark.driver.memory': mem, 'spark.driver.cores': cpus };
    expect(celMessages({ sparkProperties: props }).sort()).toEqual(propertyProblems(props).sort());
  }), { numRuns: 300 });
});

test('the inputs that once could never start are refused by both checks', () => {
  const bad: Record<string, unknown>[] = [
    { sparkProperties: { 'spark.driver.memory': 'lots' } },
    { sparkProperties: { 'spark.driver.cores': '0' } },
    { sparkProperties: { 'spark.driver.cores': '1e400' } },
    { sparkProperties: { 'spark.driver.memory': '100000000000000000000g' } },
    { arguments: Array.from({ length: 10 }, () => 'x'.repeat(16_000)) },
    { environmentVariables: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`V${i}`, 'x'.repeat(16_000)])) },
  ];
  for (const spec of bad) {
    const ts = parseSparkDriverSpec({ appResource: 'http://repo/app.jar', ...spec });
    expect(ts.ok).toBe(false);
    const messages = ts.ok ? [] : ts.problems.map((p) => p.replace(/^spec(\.sparkProperties)?: /, ''));
    expect(celMessages(spec).sort()).toEqual(messages.sort());
  }
});

test('generated labels, constraints and secret lists: TypeScript and CEL agree', () => {
  const text = (alphabet: string[]) => fc.array(fc.constantFrom(...alphabet), { maxLength: 14 }).map((chars) => chars.join(''));
  const labels = text(['a', 'b', ':', ',', '\\', ' ', 'spark-mesos-dispatcher/uid']);
  const constraints = text(['a', 'b', ':', ',', ';', ' ', '\t', '\u00a0']);
  const list = text(['x', ',', ' ', '\u00a0']);
  fc.assert(fc.property(labels, constraints, list, list, list, list, (l, c, names, values, envkeys, filenames) => {
    const props = {
      'spark.mesos.driver.labels': l, 'spark.mesos.driver.constraints': c, 'spark.mesos.driver.secret.names': names,
      'spark.mesos.driver.secret.values': values, 'spark.mesos.driver.secret.envkeys': envkeys, 'spark.mesos.driver.secret.filenames': filenames,
    };
    expect(celMessages({ sparkProperties: props }).sort()).toEqual(propertyProblems(props).sort());
  }), { numRuns: 1000 });
});

test('generated Docker lists: the rules accept exactly what the container plan can read', () => {
  const entry = fc.array(fc.constantFrom('1', '0', '6', '5', ':', '=', 'a', 'ro', 'rw', 'r', ' ', '\u00a0', '/'), { maxLength: 8 }).map((chars) => chars.join(''));
  const list = fc.array(entry, { maxLength: 3 }).map((entries) => entries.join(','));
  const keys = ['portmaps', 'parameters', 'volumes'].map((k) => `spark.mesos.executor.docker.${k}`);
  fc.assert(fc.property(fc.constantFrom(...keys), list, (key, value) => {
    const planned = driverContainer({ 'spark.mesos.executor.docker.image': 'spark', [key]: value }, []).ok;
    const props = { [key]: value };
    expect(propertyProblems(props).length === 0).toBe(planned);
    expect(celMessages({ sparkProperties: props })).toEqual(propertyProblems(props));
  }), { numRuns: 2000 });
});

test('secrets: the lists pair up, and names and values exclude each other', () => {
  const secrets = (props: Record<string, string>) => Object.fromEntries(Object.entries(props).map(([k, v]) => [`spark.mesos.driver.secret.${k}`, v]));
  for (const ok of [{ names: 'a,b', envkeys: 'A,B' }, { values: 'v', filenames: '/f' }, { names: 'a' }, { envkeys: ' , ' }]) {
    expect(propertyProblems(secrets(ok))).toEqual([]);
    expect(celMessages({ sparkProperties: secrets(ok) })).toEqual([]);
  }
  for (const bad of [{ envkeys: 'TOKEN' }, { names: 'a', envkeys: 'A,B' }, { names: 'a', values: 'v' }, { values: 'a,b', filenames: '/f' }]) {
    expect(propertyProblems(secrets(bad))).toHaveLength(1);
    expect(celMessages({ sparkProperties: secrets(bad) })).toEqual(propertyProblems(secrets(bad)));
  }
});

test('totals: the submitted share of the command line and the environment', () => {
  const args = (n: number) => ['x'.repeat(n)];
  const limit = LIMITS.submittedCommandBytes;
  expect(totalProblems({ arguments: args(limit), sparkProperties: {}, environmentVariables: {} })).toEqual([]);
  expect(totalProblems({ arguments: args(limit + 1), sparkProperties: {}, environmentVariables: {} })).toEqual([COMMAND_TOO_LONG]);
  expect(totalProblems({ arguments: [], sparkProperties: { k: 'v'.repeat(limit) }, environmentVariables: {} })).toEqual([COMMAND_TOO_LONG]);
  // Counted as the command line carries them: a quote is escaped, a non-ASCII character is several bytes.
  expect(totalProblems({ arguments: ['"'.repeat(limit / 2 + 1)], sparkProperties: {}, environmentVariables: {} })).toEqual([COMMAND_TOO_LONG]);
  expect(totalProblems({ arguments: ['é'.repeat(limit / 2)], sparkProperties: {}, environmentVariables: {} })).toEqual([]);
  expect(totalProblems({ arguments: ['😀'.repeat(limit / 4 + 1)], sparkProperties: {}, environmentVariables: {} })).toEqual([COMMAND_TOO_LONG]);
  for (const spec of [{ arguments: ['"'.repeat(limit / 2 + 1)] }, { arguments: ['😀'.repeat(limit / 4 + 1)] }, { arguments: ['é'.repeat(limit / 2)] }]) {
    expect(celMessages(spec)).toEqual(totalProblems({ sparkProperties: {}, environmentVariables: {}, ...spec }));
  }
  expect(totalProblems({ arguments: [], sparkProperties: {}, environmentVariables: { K: 'v'.repeat(LIMITS.environmentChars) } })).toEqual([ENVIRONMENT_TOO_LARGE]);
});
