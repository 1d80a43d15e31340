// The submission rules: the TypeScript check and the CRD's CEL rule agree on every value tried
// (hand-picked edges, the inputs that once could never start, and generated strings), with the
// same message; the totals likewise.
import fc from 'fast-check';
import { sparkDriverOpenApiSchema } from '../../src/sparkdriver/crd.ts';
import { parseSparkDriverSpec } from '../../src/sparkdriver/sparkdriver.ts';
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
    const expected = rule.accepts(value) ? [] : [`${key} ${rule.message}`];
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

test('totals: the submitted share of the command line and the environment', () => {
  const args = (n: number) => ['x'.repeat(n)];
  expect(totalProblems({ arguments: args(LIMITS.submittedCommandChars), sparkProperties: {}, environmentVariables: {} })).toEqual([]);
  expect(totalProblems({ arguments: args(LIMITS.submittedCommandChars + 1), sparkProperties: {}, environmentVariables: {} })).toEqual([COMMAND_TOO_LONG]);
  expect(totalProblems({ arguments: [], sparkProperties: { k: 'v'.repeat(LIMITS.submittedCommandChars) }, environmentVariables: {} })).toEqual([COMMAND_TOO_LONG]);
  expect(totalProblems({ arguments: [], sparkProperties: {}, environmentVariables: { K: 'v'.repeat(LIMITS.environmentChars) } })).toEqual([ENVIRONMENT_TOO_LARGE]);
});
