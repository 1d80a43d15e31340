// Spark's credential precedence (MesosSchedulerUtils.buildCredentials and its suite): conf value,
// then SPARK_MESOS_* variable, then the conf's file, then the variable's file, for every
// combination of sources; files come through the injected reader; no message shows a value.
import { resolveMesosCredentials } from '../../src/config/credentials.ts';
import { memoryFiles, UNREADABLE } from './fixtures.ts';

type Letter = 'C' | 'E' | 'F' | 'G';

/** C: conf value, E: env value, F: file named in the conf, G: file named in the env. */
function sources(kind: 'principal' | 'secret', letters: string) {
  const KEY = `spark.mesos.${kind}`;
  const ENV = `SPARK_MESOS_${kind.toUpperCase()}`;
  const props: Record<string, string> = {};
  const env: Record<string, string> = {};
  if (letters.includes('C')) props[KEY] = `${kind}-from-conf`;
  if (letters.includes('E')) env[ENV] = `${kind}-from-env`;
  if (letters.includes('F')) props[`${KEY}.file`] = `/conf/${kind}`;
  if (letters.includes('G')) env[`${ENV}_FILE`] = `/env/${kind}`;
  return { props, env };
}

const FILES = {
  '/conf/principal': 'principal-from-conf-file\n', '/env/principal': 'principal-from-env-file',
  '/conf/secret': 'secret-from-conf-file\r\n', '/env/secret': 'secret-from-env-file',
};

const NAMES = (kind: string): Record<Letter, string> => ({
  C: `spark.mesos.${kind}`, E: `SPARK_MESOS_${kind.toUpperCase()}`,
  F: `spark.mesos.${kind}.file`, G: `SPARK_MESOS_${kind.toUpperCase()}_FILE`,
});
const VALUES = (kind: string): Record<Letter, string> => ({
  C: `${kind}-from-conf`, E: `${kind}-from-env`, F: `${kind}-from-conf-file`, G: `${kind}-from-env-file`,
});

// Every combination of the four sources and the one that wins: the first in C, E, F, G order.
const PRECEDENCE: [string, Letter | undefined][] = [
  ['', undefined],
  ['C', 'C'], ['E', 'E'], ['F', 'F'], ['G', 'G'],
  ['CE', 'C'], ['CF', 'C'], ['CG', 'C'], ['EF', 'E'], ['EG', 'E'], ['FG', 'F'],
  ['CEF', 'C'], ['CEG', 'C'], ['CFG', 'C'], ['EFG', 'E'],
  ['CEFG', 'C'],
];

describe.each(['principal', 'secret'] as const)('%s precedence', (kind) => {
  test.each(PRECEDENCE)('sources %j: %s wins', (letters, winner) => {
    const given = sources(kind, letters);
    // The secret needs a principal; give one through the conf when testing the secret.
    if (kind === 'secret') given.props['spark.mesos.principal'] = 'p';
    const files = memoryFiles(FILES);
    const result = resolveMesosCredentials(given.props, given.env, files.readFile);

    expect(result.errors).toEqual([]);
    expect(result.credentials[kind]).toBe(winner && VALUES(kind)[winner]);
    expect(result.credentials[`${kind}Source`]).toBe(winner && NAMES(kind)[winner]);
    // Only the winning file is ever read; a losing source is named in a warning, never read.
    expect(files.reads).toEqual(winner === 'F' || winner === 'G' ? [winner === 'F' ? `/conf/${kind}` : `/env/${kind}`] : []);
    const losers = [...letters].filter((l) => l !== winner) as Letter[];
    expect(result.warnings).toEqual(losers.map((l) => `${NAMES(kind)[l]} is ignored: ${NAMES(kind)[winner!]} takes precedence`));
  });
});

describe('credential problems', () => {
  const resolve = (props: Record<string, string>, env: Record<string, string> = {}, files: Parameters<typeof memoryFiles>[0] = {}) =>
    resolveMesosCredentials(props, env, memoryFiles(files).readFile);

  test('no credentials at all is fine: Mesos without authentication', () => {
    expect(resolve({})).toEqual({
      credentials: { principal: undefined, secret: undefined, principalSource: undefined, secretSource: undefined },
      errors: [], warnings: [],
    });
  });

  test('a principal without a secret is allowed, as in Spark', () => {
    expect(resolve({ 'spark.mesos.principal': 'p' }).credentials).toMatchObject({ principal: 'p', secret: undefined });
  });

  test.each([
    ['a secret without a principal is Spark\'s error', { 'spark.mesos.secret': 's3cr3t' }, {}, {},
      ['spark.mesos.principal must be configured when spark.mesos.secret is set']],
    ['a secret from the environment without a principal', {}, { SPARK_MESOS_SECRET: 's3cr3t' }, {},
      ['spark.mesos.principal must be configured when spark.mesos.secret is set']],
    ['a missing principal file (Spark: FileNotFoundException)', { 'spark.mesos.principal.file': '/does-not-exist' }, {}, {},
      ["spark.mesos.principal.file: file '/does-not-exist' does not exist"]],
    ['a missing file named by the environment', {}, { SPARK_MESOS_PRINCIPAL_FILE: '/does-not-exist' }, {},
      ["SPARK_MESOS_PRINCIPAL_FILE: file '/does-not-exist' does not exist"]],
    ['an unreadable secret file', { 'spark.mesos.principal': 'p', 'spark.mesos.secret.file': '/locked' }, {}, { '/locked': UNREADABLE },
      ["spark.mesos.secret.file: cannot read '/locked': EACCES: permission denied, open '/locked'"]],
    ['an empty secret file', { 'spark.mesos.principal': 'p' }, { SPARK_MESOS_SECRET_FILE: '/empty' }, { '/empty': '\n' },
      ["SPARK_MESOS_SECRET_FILE: file '/empty' is empty"]],
    ['an empty value in the conf', { 'spark.mesos.principal': '' }, {}, {}, ['spark.mesos.principal: is empty']],
    // A principal that failed is reported once; the secret is not blamed for lacking it.
    ['both files missing', { 'spark.mesos.principal.file': '/p', 'spark.mesos.secret.file': '/s' }, {}, {},
      ["spark.mesos.principal.file: file '/p' does not exist", "spark.mesos.secret.file: file '/s' does not exist"]],
  ])('%s', (_name, props, env, files, errors) => {
    const result = resolve(props, env, files);
    expect(result.errors).toEqual(errors);
    expect(JSON.stringify(result.errors)).not.toContain('s3cr3t');
  });

  test('an empty environment variable counts as unset (intentional divergence: Spark would use "")', () => {
    const result = resolve({ 'spark.mesos.principal.file': '/p' }, { SPARK_MESOS_PRINCIPAL: '' }, { '/p': 'from-file' });
    expect(result.credentials.principal).toBe('from-file');
    expect(result.warnings).toEqual([]);
  });

  test('line breaks at the end of a file are dropped; other whitespace is the secret\'s own', () => {
    const result = resolve({ 'spark.mesos.principal': 'p', 'spark.mesos.secret.file': '/s' }, {}, { '/s': ' two words \r\n\n' });
    expect(result.credentials.secret).toBe(' two words ');
  });

  test('a broken lower-precedence file is never read, so it is no error', () => {
    const result = resolve({ 'spark.mesos.principal': 'p' }, { SPARK_MESOS_PRINCIPAL_FILE: '/missing' });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual(['SPARK_MESOS_PRINCIPAL_FILE is ignored: spark.mesos.principal takes precedence']);
  });
});
