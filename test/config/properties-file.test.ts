// Spark properties files: java.util.Properties syntax, Spark's trimming, and messages that name
// the file and line without showing a value.
import { parseProperties, readPropertiesFile, trimExceptCrLf } from '../../src/config/properties-file.ts';
import { memoryFiles, UNREADABLE } from './fixtures.ts';

function parse(text: string): Record<string, string> {
  const result = parseProperties(text, 'test.conf');
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return { ...result.properties };
}

describe('parseProperties: one line', () => {
  test.each([
    ['key=value', { key: 'value' }],
    ['key = value', { key: 'value' }],
    ['key:value', { key: 'value' }],
    ['key : value', { key: 'value' }],
    ['key value', { key: 'value' }],
    ['key\t\tvalue', { key: 'value' }],
    ['key\fvalue', { key: 'value' }],
    ['   key=value', { key: 'value' }],
    ['key', { key: '' }],
    ['key=', { key: '' }],
    ['key==value', { key: '=value' }],
    ['key = = value', { key: '= value' }],
    ['key:=value', { key: '=value' }],
    ['key value=with=equals', { key: 'value=with=equals' }],
    ['spark.driver.extraJavaOptions=-Da=b -Dc=d', { 'spark.driver.extraJavaOptions': '-Da=b -Dc=d' }],
    ['url=http://host:8080/path#frag', { url: 'http://host:8080/path#frag' }],
  ])('%j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });
});

describe('parseProperties: escapes', () => {
  test.each([
    ['a\\=b=c', { 'a=b': 'c' }],
    ['a\\:b:c', { 'a:b': 'c' }],
    ['a\\ b c', { 'a b': 'c' }],
    ['a\\\\=c', { 'a\\': 'c' }],
    ['k=tab\\there', { k: 'tab\there' }],
    ['k=\\u0041\\u00e9', { k: 'Aé' }],
    ['k=\\q\\"', { k: 'q"' }],
    ['k=C:\\\\dir', { k: 'C:\\dir' }],
    ['k=ends with newline\\n', { k: 'ends with newline\n' }],
    ['k=\\ \\ padded', { k: 'padded' }],
  ])('%j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });
});

describe('parseProperties: lines, comments and continuations', () => {
  test.each([
    ['comments with # and ! are skipped', '# a comment\n! another\n  # indented\nk=v', { k: 'v' }],
    ['a comment line never continues', '# comment \\\nk=v', { k: 'v' }],
    ['blank lines are skipped', '\n   \n\t\nk=v\n\n', { k: 'v' }],
    ['continuation drops the next line\'s leading whitespace', 'k=one \\\n     two', { k: 'one two' }],
    ['continuation over several lines', 'k=a\\\n b\\\n c', { k: 'abc' }],
    ['a continued line starting with # is not a comment', 'k=a\\\n  #b', { k: 'a#b' }],
    ['an even number of backslashes does not continue', 'k=x\\\\\nj=y', { k: 'x\\', j: 'y' }],
    ['a continuation into an empty line ends there', 'k=a\\\n\nj=b', { k: 'a', j: 'b' }],
    ['a trailing backslash at the end of the text is dropped', 'k=a\\', { k: 'a' }],
    ['the key itself may continue', 'spark.\\\n  master=m', { 'spark.master': 'm' }],
    ['CRLF line ends', 'a=1\r\nb=2\r\n', { a: '1', b: '2' }],
    ['CR line ends', 'a=1\rb=2', { a: '1', b: '2' }],
    ['a byte-order mark is ignored', '\uFEFFspark.a=1', { 'spark.a': '1' }],
    ['values are trimmed as Spark does', 'k=  spaced  \t', { k: 'spaced' }],
  ])('%s', (_name, text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  test('a repeated key: the later line wins, with a warning naming both lines', () => {
    const result = parseProperties('spark.a=1\n\nspark.a=2\n', 'x.conf');
    expect(result).toEqual({
      ok: true,
      properties: { 'spark.a': '2' },
      lines: { 'spark.a': 3 },
      warnings: ["x.conf:3: 'spark.a' is also set on line 1; the later value wins"],
    });
  });

  test('line numbers count natural lines, so continued entries report where they start', () => {
    const result = parseProperties('a=1\\\n  2\nb=3', 'x.conf');
    expect(result.ok && result.lines).toEqual({ a: 1, b: 3 });
  });
});

describe('parseProperties: errors', () => {
  test('a malformed \\u escape names the file, the line and the key, but not the value', () => {
    const result = parseProperties('spark.ok=1\nspark.mesos.secret=hunter2\\u12', 'conf/spark-defaults.conf');
    expect(result).toEqual({
      ok: false,
      errors: ["conf/spark-defaults.conf:2: malformed \\uxxxx escape in the value of 'spark.mesos.secret'"],
    });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  test('every bad line is reported', () => {
    const result = parseProperties('a\\uZZZZ=1\nb=\\u00\nc=ok', 'f');
    expect(result).toEqual({
      ok: false,
      errors: ['f:1: malformed \\uxxxx escape in a key', "f:2: malformed \\uxxxx escape in the value of 'b'"],
    });
  });
});

describe('trimExceptCrLf', () => {
  test.each([
    ['  a b  ', 'a b'],
    ['\t\fa\u0001', 'a'],
    ['\na\r', '\na\r'],
    ['   ', ''],
  ])('%j', (input, expected) => {
    expect(trimExceptCrLf(input)).toBe(expected);
  });
});

describe('readPropertiesFile', () => {
  test('reads through the injected reader', () => {
    const files = memoryFiles({ '/etc/spark.conf': 'spark.a 1' });
    expect(readPropertiesFile('/etc/spark.conf', files.readFile)).toMatchObject({ ok: true, properties: { 'spark.a': '1' } });
    expect(files.reads).toEqual(['/etc/spark.conf']);
  });

  test('a missing file is Spark\'s error', () => {
    expect(readPropertiesFile('/nope.conf', memoryFiles({}).readFile)).toEqual({
      ok: false, errors: ['Properties file /nope.conf does not exist'],
    });
  });

  test('an unreadable file says why', () => {
    expect(readPropertiesFile('/locked.conf', memoryFiles({ '/locked.conf': UNREADABLE }).readFile)).toEqual({
      ok: false, errors: ["Properties file /locked.conf cannot be read: EACCES: permission denied, open '/locked.conf'"],
    });
  });
});
