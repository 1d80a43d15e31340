// Generated submissions for the fuzzer: every text field drawn from shell payloads (each would
// create a marker file if a shell ever ran it), shell metacharacters, Unicode, control characters
// and NUL, and sizes at and over the submission limits, plus the Spark properties the dispatcher
// interprets with hostile values. `@MARK@` in a payload stands for the input's marker path.
import fc from 'fast-check';

export interface FuzzSubmission {
  appResource: string;
  mainClass: string;
  appArgs: string[];
  sparkProperties: Record<string, string>;
  environmentVariables: Record<string, string>;
  clientSparkVersion: string;
  /** Manifests only: an explicit spec.submissionId. */
  submissionId?: string;
}

export const MARK = '@MARK@';

const PAYLOADS = [
  '$(touch @MARK@)', '`touch @MARK@`', ';touch @MARK@', '; touch @MARK@ #', '|touch @MARK@', '&&touch @MARK@', '||touch @MARK@',
  '&touch @MARK@', '\ntouch @MARK@\n', '\rtouch @MARK@', "'$(touch @MARK@)'", "';touch @MARK@;'", '";touch @MARK@;"', '"$(touch @MARK@)"',
  '\\"$(touch @MARK@)\\"', '${IFS}touch${IFS}@MARK@', '>@MARK@', '>>@MARK@', '<(touch @MARK@)', '$((`touch @MARK@`))', '\\`touch @MARK@\\`',
  "'\"'\"'$(touch @MARK@)'\"'\"'", '${x:-$(touch @MARK@)}', 'a\\\ntouch @MARK@', "$'\\x3btouch @MARK@'", '"a" ; touch @MARK@ ; "b"',
  "'a' ; touch @MARK@ ; 'b'", '*$(touch @MARK@)*', '~/$(touch @MARK@)', '{a,$(touch @MARK@)}', '[$(touch @MARK@)]', '\\$(touch @MARK@)',
  '$(touch @MARK@)\u2028', '"\u0085$(touch @MARK@)"', 'x\u0000$(touch @MARK@)', '%0atouch%20@MARK@', 'a=b;touch @MARK@', '!$(touch @MARK@)',
];

const META = [...'ab01 \t\n\r\'"`$\\;|&()<>*?~[]{}!#=,:%^\u0000\u0001\u001b\u007f\u0085\u2028é€😀'];

/** One text field: payloads and metacharacters above all, sometimes large or multi-byte. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PAYLOADS) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ unit: fc.constantFrom(...META), maxLength: 8 }), fc.constantFrom(...PAYLOADS)).map(([a, p]) => a + p) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...META), maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '-', '--conf', '-Dx=$(touch @MARK@)', "''", '""', "'x'", '"x"', "'", '"') },
);

/** A long value: at and around the 16 KiB field limit, with multi-byte and escaped characters. */
const long: fc.Arbitrary<string> = fc.tuple(fc.constantFrom('a', '€', '😀', '"', '$', "'"), fc.integer({ min: 4000, max: 16_500 }))
  .map(([ch, n]) => ch.repeat(Math.ceil(n / ch.length)));

const plausible = (...values: string[]): fc.Arbitrary<string> => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: text });

/** Properties the dispatcher reads, with values that are right, wrong, huge or hostile. */
const INTERPRETED: Record<string, fc.Arbitrary<string>> = {
  'spark.driver.memory': plausible('1g', '512m', '1e400', '99999999999g', '-1g', '0', '1t', '16t', '17t', 'NaN', '0x10'),
  'spark.driver.cores': plausible('1', '0.5', '1e400', '0', '-1', '4096', '4097', 'Infinity', '1.0000000001'),
  'spark.driver.memoryOverhead': plausible('0', '384', '1e9', '-5'),
  'spark.mesos.driver.memoryOverhead': plausible('64', '1e400'),
  'spark.driver.memoryOverheadFactor': plausible('0.1', '10', '11', 'NaN'),
  'spark.driver.supervise': plausible('true', 'false', 'TRUE', 'yes'),
  'spark.mesos.driver.supervise.maxRetries': plausible('-1', '3', '-2', '1e3'),
  'spark.mesos.cluster.retry.wait.max': plausible('2', '-1', '999999999999'),
  'spark.mesos.driver.supervise.retryResetAfter': plausible('30min', '1d', '1y'),
  'spark.mesos.executor.docker.image': plausible('spark:3.5.1', ' ', 'img;touch @MARK@'),
  'spark.executor.uri': plausible('http://repo/spark-3.5.1-bin-hadoop3.tgz', 'http://repo/a b.tgz', 'http://repo/;touch @MARK@.tgz'),
  'spark.mesos.executor.home': text,
  'spark.submit.pyFiles': plausible('http://repo/a.py,http://repo/b.py', 'a.py,$(touch @MARK@).py'),
  'spark.driver.extraLibraryPath': plausible('/opt/lib:/usr/lib', '$(touch @MARK@)'),
  'spark.mesos.uris': plausible('http://repo/x.txt,http://repo/y.txt'),
  'spark.mesos.driver.labels': plausible('a:b,c:d', 'a:$(touch @MARK@)', 'spark-mesos-dispatcher/uid:x'),
  'spark.mesos.driver.constraints': plausible('rack:r1', 'zone:[1-5]', 'x:{a,b}', ':::', 'zone:a:b'),
  'spark.mesos.driverEnv.FOO': text,
  'spark.mesos.dispatcher.queue': plausible('default', 'nope'),
  'spark.mesos.appJar.local.resolution.mode': plausible('host', 'container', 'elsewhere'),
  'spark.mesos.containerizer': plausible('docker', 'mesos', 'rkt'),
  'spark.mesos.driver.secret.names': plausible('a,b'),
  'spark.mesos.driver.secret.values': plausible('s1,s2'),
  'spark.mesos.driver.secret.envkeys': plausible('A,B'),
};

const propertyKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...Object.keys(INTERPRETED)),
  text.map((t) => `spark.fuzz.${t}`),
  text,
);

const properties: fc.Arbitrary<Record<string, string>> = fc.tuple(
  fc.oneof({ weight: 12, arbitrary: text }, { weight: 1, arbitrary: fc.constant(undefined) }),
  fc.array(fc.tuple(propertyKey, text), { maxLength: 6 }),
  fc.array(fc.constantFrom(...Object.keys(INTERPRETED)).chain((k) => INTERPRETED[k]!.map((v) => [k, v] as const)), { maxLength: 4 }),
).map(([name, random, interpreted]) => ({
  ...Object.fromEntries(random), ...Object.fromEntries(interpreted), ...(name !== undefined && { 'spark.app.name': name }),
}));

const envName: fc.Arbitrary<string> = fc.oneof(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/), text, fc.constantFrom('SPARK_EXECUTOR_URI', 'MESOS_SANDBOX', 'PATH', 'LD_PRELOAD', 'A=B', ''));

/** Sizes at and over the limits: many entries, long values, large totals. */
const big: fc.Arbitrary<Partial<FuzzSubmission>> = fc.oneof(
  fc.array(long, { minLength: 1, maxLength: 12 }).map((appArgs) => ({ appArgs })),
  fc.integer({ min: 500, max: 520 }).map((n) => ({ appArgs: Array.from({ length: n }, (_, i) => `a${i}`) })),
  fc.integer({ min: 500, max: 520 }).map((n) => ({ sparkProperties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`spark.fuzz.k${i}`, 'v'])) })),
  fc.integer({ min: 500, max: 520 }).map((n) => ({ environmentVariables: Object.fromEntries(Array.from({ length: n }, (_, i) => [`V${i}`, 'v'])) })),
  fc.array(long, { minLength: 30, maxLength: 40 }).map((values) => ({ environmentVariables: Object.fromEntries(values.map((v, i) => [`BIG${i}`, v])) })),
  fc.array(long, { minLength: 1, maxLength: 8 }).map((values) => ({ sparkProperties: Object.fromEntries(values.map((v, i) => [`spark.fuzz.long${i}`, v])) })),
  long.map((clientSparkVersion) => ({ clientSparkVersion })),
  long.map((mainClass) => ({ mainClass })),
);

export const submission: fc.Arbitrary<FuzzSubmission> = fc.record({
  appResource: fc.oneof(fc.constant('file:///opt/app.jar'), text.map((t) => `http://repo/${t}.jar`), text.map((t) => `file:///tmp/${t}`), text),
  mainClass: fc.oneof(fc.constant('org.example.Main'), fc.constant(''), text),
  appArgs: fc.array(text, { maxLength: 8 }),
  sparkProperties: properties,
  environmentVariables: fc.dictionary(envName, text, { maxKeys: 4 }),
  // (Most inputs are otherwise valid, so that the replay sees what they carry.)
  clientSparkVersion: fc.oneof({ weight: 6, arbitrary: fc.constant('3.5.1') }, { weight: 1, arbitrary: text }),
  submissionId: fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.oneof(text, fc.constantFrom('driver-1-retry-1', '.', 'a/b', 'ok-id')) }),
  big: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: big }),
}).map(({ big: extra, submissionId, ...rest }) => ({
  ...rest, ...extra,
  sparkProperties: { ...rest.sparkProperties, ...extra?.sparkProperties },
  environmentVariables: { ...rest.environmentVariables, ...extra?.environmentVariables },
  ...(submissionId !== undefined && { submissionId }),
}));

/** A REST body that is not a well-formed create request: it must get an answer, never a crash or a 5xx. */
export const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.record({ action: fc.constantFrom('CreateSubmissionRequest', 'KillSubmissionRequest', '__proto__'), sparkProperties: fc.jsonValue(), appArgs: fc.jsonValue(),
    environmentVariables: fc.jsonValue(), appResource: fc.jsonValue(), mainClass: fc.jsonValue(), clientSparkVersion: fc.jsonValue() }, { requiredKeys: ['action'] })
    .map((o) => JSON.stringify(o)),
  fc.constantFrom('{"action":"CreateSubmissionRequest","__proto__":{"x":1}}', '{"action":"CreateSubmissionRequest","sparkProperties":{"__proto__":"x","constructor":"y"}}',
    '[', '{"action":', '{"action":"CreateSubmissionRequest","appArgs":[1e400]}', '\uFEFF{}', `${'['.repeat(10_000)}${']'.repeat(10_000)}`),
);

/** The input with every `@MARK@` replaced by `marker`. */
export function withMarker(input: FuzzSubmission, marker: string): FuzzSubmission {
  const swap = (s: string): string => s.replaceAll(MARK, marker);
  const swapMap = (m: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(m).map(([k, v]) => [swap(k), swap(v)]));
  return {
    appResource: swap(input.appResource), mainClass: swap(input.mainClass), appArgs: input.appArgs.map(swap),
    sparkProperties: swapMap(input.sparkProperties), environmentVariables: swapMap(input.environmentVariables),
    clientSparkVersion: swap(input.clientSparkVersion), ...(input.submissionId !== undefined && { submissionId: swap(input.submissionId) }),
  };
}
