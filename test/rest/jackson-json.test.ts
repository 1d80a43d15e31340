// Jackson's pretty-printed layout and string escapes, pinned against texts Spark's own suites
// expect (SubmitRestProtocolSuite) and against Jackson's DefaultPrettyPrinter rules.
import { jacksonJson, jacksonString, type JacksonValue } from '../../src/rest/jackson-json.ts';

describe('jacksonJson: DefaultPrettyPrinter layout', () => {
  test.each<[string, JacksonValue, string]>([
    ['an empty object', {}, '{ }'],
    ['an empty array', [], '[ ]'],
    ['scalars', { s: 'x', t: true, f: false, n: 42, z: null }, '{\n  "s" : "x",\n  "t" : true,\n  "f" : false,\n  "n" : 42,\n  "z" : null\n}'],
    ['arrays stay on one line', { a: ['x', 'y'] }, '{\n  "a" : [ "x", "y" ]\n}'],
    ['undefined entries are left out', { a: undefined, b: 'x' }, '{\n  "b" : "x"\n}'],
    ['keys keep the given order', { z: '1', a: '2' }, '{\n  "z" : "1",\n  "a" : "2"\n}'],
    ['nested objects indent two more spaces', { o: { p: { q: 'r' } } }, '{\n  "o" : {\n    "p" : {\n      "q" : "r"\n    }\n  }\n}'],
    ['an empty nested object', { o: {} }, '{\n  "o" : { }\n}'],
    ['arrays do not add a level for objects inside them', { a: [{ k: 'v' }] }, '{\n  "a" : [ {\n    "k" : "v"\n  } ]\n}'],
  ])('%s', (_name, value, text) => {
    expect(jacksonJson(value)).toBe(text);
  });

  test('the CreateSubmissionRequest text of SubmitRestProtocolSuite', () => {
    const request = {
      action: 'CreateSubmissionRequest',
      appArgs: ['two slices', 'a hint of cinnamon'],
      appResource: 'honey-walnut-cherry.jar',
      clientSparkVersion: '1.2.3',
      environmentVariables: { PATH: '/dev/null' },
      mainClass: 'org.apache.spark.examples.SparkPie',
      sparkProperties: { 'spark.driver.extraLibraryPath': 'pickle.jar', 'spark.jars': 'mayonnaise.jar,ketchup.jar' },
    };
    expect(jacksonJson(request)).toBe(`{
  "action" : "CreateSubmissionRequest",
  "appArgs" : [ "two slices", "a hint of cinnamon" ],
  "appResource" : "honey-walnut-cherry.jar",
  "clientSparkVersion" : "1.2.3",
  "environmentVariables" : {
    "PATH" : "/dev/null"
  },
  "mainClass" : "org.apache.spark.examples.SparkPie",
  "sparkProperties" : {
    "spark.driver.extraLibraryPath" : "pickle.jar",
    "spark.jars" : "mayonnaise.jar,ketchup.jar"
  }
}`);
  });
});

describe('jacksonString: Jackson escapes', () => {
  test.each<[string, string, string]>([
    ['quote and backslash', 'a"b\\c', '"a\\"b\\\\c"'],
    ['short escapes', '\b\f\n\r\t', '"\\b\\f\\n\\r\\t"'],
    ['other controls as upper-case \\u00XX', '\u0000\u001f\u000b', '"\\u0000\\u001F\\u000B"'],
    ['slash, DEL and non-ASCII stay as they are', '/\u007fé€😀', '"/\u007fé€😀"'],
    ['protobuf text', 'task_id {\n  value: "d"\n}\n', '"task_id {\\n  value: \\"d\\"\\n}\\n"'],
  ])('%s', (_name, input, output) => {
    expect(jacksonString(input)).toBe(output);
  });

  test('the text parses back to the same string', () => {
    const all = Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(i)).join('') + 'é\u2028😀';
    expect(JSON.parse(jacksonString(all))).toBe(all);
  });
});
