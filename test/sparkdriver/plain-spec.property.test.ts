// readPlainSpec accepts only specs the schema accepts, and reads them as the schema does (after
// parseSparkDriver's sharing of the input's values), field order included; and it does accept the
// common spec, so the schema is not what a burst runs.
import fc from 'fast-check';
import { LIMITS } from '../../src/scheduler/submission-rules.ts';
import { readPlainSpec } from '../../src/sparkdriver/plain-spec.ts';
import { parseSparkDriver, sparkDriverSpecSchema } from '../../src/sparkdriver/sparkdriver.ts';
import { withInputFields } from '../../src/runtime/same-json.ts';

const odd = fc.oneof(fc.constant(null), fc.integer(), fc.double(), fc.boolean(), fc.constant([]), fc.constant({}), fc.string({ maxLength: 4 }));
const long = (chars: number): string => 'x'.repeat(chars);
/** Mostly `good`, sometimes one of `bad`: most generated specs pass, many fail on one field. */
const mostly = <T>(good: fc.Arbitrary<T>, ...bad: fc.Arbitrary<unknown>[]): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: good, weight: 8 }, ...bad.map((arbitrary) => ({ arbitrary, weight: 1 })));

const text = fc.string({ maxLength: 12 });
const badValue = fc.oneof(fc.constant('a\0b'), fc.constant(long(LIMITS.valueChars + 1)), fc.integer(), fc.constant(null));
const propertyKey = fc.constantFrom('spark.app.name', 'spark.driver.memory', 'spark.driver.cores', 'spark.cores.max', 'spark.mesos.executor.docker.image', 'spark.eventLog.enabled');
const propertyValue = fc.constantFrom('etl', '1024m', '2', '4g', '', ' ', 'true', 'lots');
const goodMap = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>) => fc.dictionary(key, value, { maxKeys: 5, noNullPrototype: true });
const badMap = fc.oneof(
  fc.dictionary(fc.constantFrom('', 'a=b', 'n\0ul', long(LIMITS.keyChars + 1), '__proto__'), text, { minKeys: 1, maxKeys: 2 }),
  fc.dictionary(text, badValue, { minKeys: 1, maxKeys: 2 }),
  // Together over the command line's share of the submission.
  fc.constant(Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`spark.big.${i}`, long(LIMITS.valueChars)]))),
  fc.constant(Object.fromEntries(Array.from({ length: LIMITS.entries + 1 }, (_, i) => [`K${i}`, 'v']))),
  fc.constant(Object.create(null) as object), fc.constant(new Date(0)), odd,
);
const sparse = (): unknown[] => {
  const holes: unknown[] = ['a'];
  holes[2] = 'c';
  return holes;
};

const spec = fc.record({
  appResource: mostly(fc.constantFrom('http://repo/app.jar', 'local:///opt/app.py'), fc.constantFrom('', '   ', 'a\0b', long(LIMITS.urlChars + 1)), odd),
  mainClass: mostly(fc.constantFrom('org.example.Main', ''), fc.constantFrom('a\0b', long(LIMITS.nameChars + 1)), odd),
  arguments: mostly(fc.array(text, { maxLength: 4 }), fc.array(badValue, { minLength: 1, maxLength: 2 }),
    fc.constant(Array.from({ length: LIMITS.entries + 1 }, () => 'a')), fc.constant(sparse()), odd),
  sparkProperties: mostly(goodMap(propertyKey, propertyValue), badMap),
  environmentVariables: mostly(goodMap(fc.constantFrom('SPARK_USER', 'HOME', 'A_B'), text), badMap),
  supervise: mostly(fc.boolean(), odd),
  queue: mostly(fc.constantFrom('default', 'urgent'), fc.constantFrom('', long(254)), odd),
  retryPolicy: mostly(
    fc.record({ maxRetries: fc.integer({ min: -1, max: 5 }), maxWaitSeconds: fc.nat(60), resetAfterSeconds: fc.nat(600) }, { requiredKeys: [], noNullPrototype: true }),
    fc.constantFrom({ maxRetries: -2 }, { maxWaitSeconds: 1.5 }, { resetAfterSeconds: 2 ** 60 }, { colour: 1 }, { maxRetries: '1' }), odd),
  backend: mostly(fc.constantFrom('mesos', 'kubernetes'), fc.constantFrom('yarn', 'Mesos'), odd),
  kill: mostly(fc.boolean(), odd),
  ttlSecondsAfterFinished: mostly(fc.nat(86_400), fc.constantFrom(-1, 0.5, 2 ** 60), odd),
  submissionId: mostly(fc.constantFrom('driver-20240131235959-0001', 'etl-7'),
    fc.constantFrom('', '.', 'a/b', 'a b', 'x-retry-2', long(201)), odd),
  colour: fc.constant('red'),
}, { requiredKeys: ['appResource'], noNullPrototype: true });
/** Now and then a field present but undefined (JSON has none; the schema alone reads those). */
const specs = fc.tuple(spec, fc.nat(9)).map(([s, n]) => (n === 0 ? { ...s, unset: undefined } : s));

test('readPlainSpec accepts only what the schema accepts, and reads it the same, with the input\'s own values', () => {
  let plain = 0;
  let schemaOnly = 0;
  fc.assert(fc.property(fc.oneof({ arbitrary: specs, weight: 9 }, { arbitrary: odd, weight: 1 }), (raw) => {
    const read = readPlainSpec(raw);
    const parsed = sparkDriverSpecSchema.safeParse(raw);
    if (read === undefined) {
      if (parsed.success) schemaOnly++;
      return;
    }
    plain++;
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    const expected = withInputFields(parsed.data, raw);
    const actual = withInputFields(read, raw);
    expect(actual).toStrictEqual(expected);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
    const source = raw as Record<string, unknown>;
    for (const [key, value] of Object.entries(actual)) if (Object.hasOwn(source, key)) expect(value).toBe(source[key]);
  }), { numRuns: 4000 });
  // Not vacuous: many specs take the plain way, and the schema alone reads only the unusual.
  expect(plain).toBeGreaterThan(150);
  expect(schemaOnly).toBeLessThan(plain);
});

test('the common spec is read without the schema; a bad one still gets the schema\'s problems through parseSparkDriver', () => {
  const common = {
    appResource: 'http://repo/etl.jar', mainClass: 'com.example.Etl', arguments: ['--date', '2024-01-01'],
    sparkProperties: { 'spark.app.name': 'etl', 'spark.driver.cores': '1', 'spark.driver.memory': '1024m' },
    environmentVariables: { SPARK_USER: 'etl' },
  };
  expect(readPlainSpec(common)).toStrictEqual({ ...common, kill: false });
  expect(readPlainSpec({ ...common, kill: false })).toStrictEqual({ ...common, kill: false });
  const metadata = { name: 'etl', namespace: 'jobs', uid: 'u-1', creationTimestamp: '2024-01-31T23:59:59Z', generation: 1 };
  const problemsOf = (bad: Record<string, unknown>): string[] => {
    const parsed = parseSparkDriver({ metadata, spec: { ...common, ...bad } });
    return parsed.ok ? [] : parsed.problems;
  };
  expect(problemsOf({ arguments: ['a', 2] })).toStrictEqual(['spec.arguments[1]: Invalid input: expected string, received number']);
  expect(problemsOf({ sparkProperties: { 'spark.app.name': ' ' } })).toStrictEqual([expect.stringMatching(/^spec\.sparkProperties: spark\.app\.name must not be blank/)]);
});

test('the schema has the fields readPlainSpec reads, no more (a new field must be read there too)', () => {
  expect(Object.keys(sparkDriverSpecSchema.shape)).toStrictEqual([
    'appResource', 'mainClass', 'arguments', 'sparkProperties', 'environmentVariables', 'supervise', 'queue', 'retryPolicy',
    'backend', 'kill', 'ttlSecondsAfterFinished', 'submissionId',
  ]);
});
