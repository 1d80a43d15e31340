// The request side, pure: routing with the original's path errors, and create bodies turned into
// a ValidatedSubmission or the original's 400 text (plus our fixes, each marked as such).
import { parseSubmitRequest, routeRequest, type Route } from '../../src/rest/protocol.ts';
import { JVM_CREATE_REQUEST, PLEASE, PYTHON_CREATE_REQUEST } from './spark-client-fixtures.ts';

const error = (status: number, message: string, extra: object = {}): Route =>
  ({ type: 'reply', reply: { status, message: { action: 'ErrorResponse', message, ...extra } } });

describe('routeRequest', () => {
  test.each<[string, string, Route]>([
    ['POST', '/v1/submissions/create', { type: 'create' }],
    ['POST', '/v1/submissions/create/', { type: 'create' }],
    ['POST', '/v1/submissions/create/extra?x=1', { type: 'create' }],
    ['GET', '/v1/submissions/status/driver-20240131235959-0001', { type: 'status', submissionId: 'driver-20240131235959-0001' }],
    ['HEAD', '/v1/submissions/status/d1', { type: 'status', submissionId: 'd1' }],
    ['GET', '/v1/submissions/status/d1/extra/segments', { type: 'status', submissionId: 'd1' }],
    ['GET', '/v1/submissions/status/d1?verbose=true', { type: 'status', submissionId: 'd1' }],
    ['GET', '/v1/submissions/status/driver%2D1', { type: 'status', submissionId: 'driver-1' }],
    ['POST', '/v1/submissions/kill/d1', { type: 'kill', submissionId: 'd1' }],
    ['POST', 'http://d:7077/v1/submissions/kill/d1', { type: 'kill', submissionId: 'd1' }],
    // The original's ErrorServlet and its missing-ID answers.
    ['GET', '/', error(400, `Missing protocol version.${PLEASE}`)],
    ['POST', '/v1', error(400, `Missing the /submissions prefix.${PLEASE}`)],
    ['GET', '/v1/', error(400, `Missing the /submissions prefix.${PLEASE}`)],
    ['GET', '/v1/submissions', error(400, `Missing an action: please specify one of /create, /kill, or /status.${PLEASE}`)],
    ['POST', '/v1/submissions/launch', error(400, `Missing an action: please specify one of /create, /kill, or /status.${PLEASE}`)],
    ['POST', '/v1/submissions/killall', error(400, `Missing an action: please specify one of /create, /kill, or /status.${PLEASE}`)],
    ['POST', '/v2/submissions/create', error(468, `Unknown protocol version 'v2'.${PLEASE}`, { highestProtocolVersion: 'v1' })],
    ['GET', '/v0', error(468, `Unknown protocol version 'v0'.${PLEASE}`, { highestProtocolVersion: 'v1' })],
    ['GET', '/api/v1/applications', error(468, `Unknown protocol version 'api'.${PLEASE}`, { highestProtocolVersion: 'v1' })],
    ['GET', '/v1/submissions/status', error(400, 'Submission ID is missing in status request.')],
    ['GET', '/v1/submissions/status/', error(400, 'Submission ID is missing in status request.')],
    ['GET', '/v1/submissions/status//d1', error(400, 'Submission ID is missing in status request.')],
    ['POST', '/v1/submissions/kill', error(400, 'Submission ID is missing in kill request.')],
    // Intentional divergence from the original: it called `v1` an unknown version here (468).
    ['GET', '/v1/jobs', error(400, `Missing the /submissions prefix.${PLEASE}`)],
    // Intentional divergence: Jetty answered these with an HTML page (405) or a 400 page.
    ['GET', '/v1/submissions/create', { type: 'reply', reply: { status: 405, message: { action: 'ErrorResponse', message: 'HTTP method GET is not supported by this URL: use POST.' }, headers: { allow: 'POST' } } }],
    ['GET', '/v1/submissions/kill/d1', { type: 'reply', reply: { status: 405, message: { action: 'ErrorResponse', message: 'HTTP method GET is not supported by this URL: use POST.' }, headers: { allow: 'POST' } } }],
    ['POST', '/v1/submissions/status/d1', { type: 'reply', reply: { status: 405, message: { action: 'ErrorResponse', message: 'HTTP method POST is not supported by this URL: use GET.' }, headers: { allow: 'GET, HEAD' } } }],
    ['DELETE', '/v1/submissions/status/d1', { type: 'reply', reply: { status: 405, message: { action: 'ErrorResponse', message: 'HTTP method DELETE is not supported by this URL: use GET.' }, headers: { allow: 'GET, HEAD' } } }],
    ['GET', '/v1/submissions/status/%E0%A4%A', error(400, `Malformed path /v1/submissions/status/%E0%A4%A.${PLEASE}`)],
  ])('%s %s', (method, path, route) => {
    expect(routeRequest(method, path)).toEqual(route);
  });

  test('any method reaches the ErrorServlet answers, as in the original', () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      expect(routeRequest(method, '/v2/x')).toEqual(error(468, `Unknown protocol version 'v2'.${PLEASE}`, { highestProtocolVersion: 'v1' }));
    }
  });
});

const CREATE_FAILED = 'Malformed request: org.apache.spark.deploy.rest.SubmitRestProtocolException: Validation of message CreateSubmissionRequest failed!\nCaused by: ';
const missing = (field: string): string => `${CREATE_FAILED}org.apache.spark.deploy.rest.SubmitRestMissingFieldException: '${field}' is missing in message CreateSubmissionRequest.`;
const badProperty = (key: string, type: string, value: string): string =>
  `${CREATE_FAILED}org.apache.spark.deploy.rest.SubmitRestProtocolException: Property '${key}' expected ${type} value: actual was '${value}'.`;
const mismatch = (type: string, from: string, chain: string): string =>
  `Malformed request: com.fasterxml.jackson.databind.exc.MismatchedInputException: Cannot deserialize value of type \`${type}\` from ${from} (through reference chain: org.apache.spark.deploy.rest.CreateSubmissionRequest${chain})`;
const MAP = 'scala.collection.immutable.Map<java.lang.String,java.lang.String>';

const base = {
  action: 'CreateSubmissionRequest',
  appArgs: ['100'],
  appResource: 'http://repo/app.jar',
  clientSparkVersion: '3.5.1',
  environmentVariables: {},
  mainClass: 'org.apache.spark.examples.SparkPi',
  sparkProperties: { 'spark.app.name': 'SparkPi' },
};
const withFields = (fields: Record<string, unknown>): string => JSON.stringify({ ...base, ...fields });
const withProps = (props: Record<string, unknown>): string => withFields({ sparkProperties: { ...base.sparkProperties, ...props } });
const without = (field: string): string => JSON.stringify(Object.fromEntries(Object.entries(base).filter(([k]) => k !== field)));

describe('parseSubmitRequest: what spark-submit sends', () => {
  test('a JVM application', () => {
    expect(parseSubmitRequest(JVM_CREATE_REQUEST)).toEqual({
      ok: true,
      unknownFields: [],
      submission: {
        appResource: 'http://repo/app.jar',
        mainClass: 'org.apache.spark.examples.SparkPi',
        appArgs: ['100'],
        sparkProperties: {
          'spark.app.name': 'SparkPi', 'spark.driver.memory': '2000M', 'spark.driver.supervise': 'true',
          'spark.jars': 'http://repo/app.jar', 'spark.master': 'mesos://d:7077', 'spark.submit.deployMode': 'cluster',
        },
        environmentVariables: { SPARK_EXECUTOR_URI: 'http://repo/spark-3.5.1-bin-hadoop3.tgz' },
        appName: 'SparkPi',
        clientSparkVersion: '3.5.1',
      },
    });
  });

  test('a Python application: an empty main class is fine', () => {
    const parsed = parseSubmitRequest(PYTHON_CREATE_REQUEST);
    expect(parsed.ok && parsed.submission).toMatchObject({
      mainClass: '', appResource: 'http://repo/pi.py', appArgs: ['10'], appName: 'pi.py',
      environmentVariables: { MESOS_NATIVE_JAVA_LIBRARY: '/usr/local/lib/libmesos.so', SPARK_SCALA_VERSION: '2.12' },
    });
    expect(parsed.ok && parsed.submission.sparkProperties['spark.submit.pyFiles']).toBe('http://repo/deps.zip');
  });

  test('unknown top-level fields are listed in document order and the request still goes through', () => {
    const parsed = parseSubmitRequest(JSON.stringify({ zeta: 1, ...base, driverCores: 2, alpha: null }));
    expect(parsed.ok && parsed.unknownFields).toEqual(['zeta', 'driverCores', 'alpha']);
  });

  test('message is a known field, and scalars are coerced to text as Jackson does', () => {
    const parsed = parseSubmitRequest(withFields({ message: 'hi', appArgs: [1, true, 2.5], sparkProperties: { 'spark.app.name': 7, 'spark.driver.cores': 2 } }));
    expect(parsed.ok && parsed.unknownFields).toEqual([]);
    expect(parsed.ok && parsed.submission).toMatchObject({ appArgs: ['1', 'true', '2.5'], sparkProperties: { 'spark.app.name': '7', 'spark.driver.cores': '2' }, appName: '7' });
  });

  test('property names that look like Object internals stay plain keys', () => {
    const parsed = parseSubmitRequest('{"action":"CreateSubmissionRequest","appArgs":[],"appResource":"a","clientSparkVersion":"3","environmentVariables":{"__proto__":"x"},"mainClass":"M","sparkProperties":{"spark.app.name":"n","constructor":"c"}}');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(Object.getPrototypeOf(parsed.submission.environmentVariables)).toBe(Object.prototype);
    expect(Object.entries(parsed.submission.environmentVariables)).toEqual([['__proto__', 'x']]);
    expect(parsed.submission.sparkProperties['constructor']).toBe('c');
  });

  test('valid property values of every checked kind pass', () => {
    const parsed = parseSubmitRequest(withProps({
      'spark.driver.supervise': 'FALSE', 'spark.driver.cores': '1.5', 'spark.cores.max': '10000',
      'spark.driver.memory': '512', 'spark.executor.memory': '256m', 'spark.driver.memoryOverhead': '1g',
    }));
    expect(parsed.ok).toBe(true);
  });
});

describe('parseSubmitRequest: the 400 answers', () => {
  test.each<[string, string, string]>([
    ['an empty body', '', 'Malformed request: com.fasterxml.jackson.databind.exc.MismatchedInputException: No content to map due to end-of-input'],
    ['a JSON array', '[1]', 'Malformed request: org.apache.spark.deploy.rest.SubmitRestMissingFieldException: Action field not found in JSON:\n[1]'],
    ['no action', '{"appResource":"x"}', 'Malformed request: org.apache.spark.deploy.rest.SubmitRestMissingFieldException: Action field not found in JSON:\n{"appResource":"x"}'],
    ['an action that is not a string', '{"action":5}', 'Malformed request: org.apache.spark.deploy.rest.SubmitRestMissingFieldException: Action field not found in JSON:\n{"action":5}'],
    ['a known message of another type', '{"action":"KillSubmissionResponse","serverSparkVersion":"3.5.1","submissionId":"d","success":true}', 'Received message of unexpected type KillSubmissionResponse.'],
    ['another type that fails its own validation', '{"action":"ErrorResponse","serverSparkVersion":"3.5.1"}',
      "Malformed request: org.apache.spark.deploy.rest.SubmitRestProtocolException: Validation of message ErrorResponse failed!\nCaused by: org.apache.spark.deploy.rest.SubmitRestMissingFieldException: 'message' is missing in message ErrorResponse."],
    // Intentional divergence: the original failed to load a class of that name and sent an HTML 500.
    ['an unknown action', '{"action":"LaunchDriverRequest"}', "Malformed request: org.apache.spark.deploy.rest.SubmitRestProtocolException: Unknown action 'LaunchDriverRequest': this server accepts CreateSubmissionRequest."],
    ['an inherited name is not an action', '{"action":"toString"}', "Malformed request: org.apache.spark.deploy.rest.SubmitRestProtocolException: Unknown action 'toString': this server accepts CreateSubmissionRequest."],
    ['no clientSparkVersion', without('clientSparkVersion'), missing('clientSparkVersion')],
    ['a null clientSparkVersion', withFields({ clientSparkVersion: null }), missing('clientSparkVersion')],
    ['no sparkProperties', without('sparkProperties'), `${CREATE_FAILED}org.apache.spark.deploy.rest.SubmitRestProtocolException: No Spark properties set!`],
    ['no appResource', without('appResource'), missing('appResource')],
    ['no appArgs', without('appArgs'), missing('appArgs')],
    ['no environmentVariables', without('environmentVariables'), missing('environmentVariables')],
    ['no spark.app.name', withFields({ sparkProperties: { 'spark.master': 'mesos://d:7077' } }), missing('spark.app.name')],
    ['spark.driver.supervise not a boolean', withProps({ 'spark.driver.supervise': 'nope, never' }), badProperty('spark.driver.supervise', 'boolean', 'nope, never')],
    ['spark.driver.cores not numeric', withProps({ 'spark.driver.cores': 'one hundred feet' }), badProperty('spark.driver.cores', 'numeric', 'one hundred feet')],
    ['spark.cores.max not numeric', withProps({ 'spark.cores.max': 'two men' }), badProperty('spark.cores.max', 'numeric', 'two men')],
    ['spark.driver.memory not a memory string', withProps({ 'spark.driver.memory': '1.5g' }), badProperty('spark.driver.memory', 'memory', '1.5g')],
    ['spark.executor.memory not a memory string', withProps({ 'spark.executor.memory': 'lots' }), badProperty('spark.executor.memory', 'memory', 'lots')],
    ['the checks run in the original order', withProps({ 'spark.executor.memory': 'lots', 'spark.driver.supervise': 'maybe' }), badProperty('spark.driver.supervise', 'boolean', 'maybe')],
    ['no mainClass: the Mesos server\'s own check, unwrapped', without('mainClass'), "Malformed request: org.apache.spark.deploy.rest.SubmitRestMissingFieldException: Main class 'mainClass' is missing."],
    ['validation comes before the main class check', JSON.stringify({ ...JSON.parse(without('mainClass')) as object, appResource: null }), missing('appResource')],
    ['a number where a string map is expected', withFields({ sparkProperties: 5 }), mismatch(MAP, 'Integer value (token `JsonToken.VALUE_NUMBER_INT`)', '["sparkProperties"]')],
    ['an array where a string map is expected', withFields({ environmentVariables: ['A=1'] }), mismatch(MAP, 'Array value (token `JsonToken.START_ARRAY`)', '["environmentVariables"]')],
    ['an object as a property value', withProps({ 'spark.driver.cores': { value: 2 } }), mismatch('java.lang.String', 'Object value (token `JsonToken.START_OBJECT`)', '["sparkProperties"]["spark.driver.cores"]')],
    ['a null property value', withProps({ 'spark.jars': null }), mismatch('java.lang.String', 'null value', '["sparkProperties"]["spark.jars"]')],
    ['a string where an array is expected', withFields({ appArgs: '100' }), mismatch('java.lang.String[]', 'String value (token `JsonToken.VALUE_STRING`)', '["appArgs"]')],
    ['an array inside appArgs', withFields({ appArgs: ['1', ['2']] }), mismatch('java.lang.String', 'Array value (token `JsonToken.START_ARRAY`)', '["appArgs"]["1"]')],
    ['an object as appResource', withFields({ appResource: { url: 'x' } }), mismatch('java.lang.String', 'Object value (token `JsonToken.START_OBJECT`)', '["appResource"]')],
    ['the first badly typed field in document order wins', withFields({ mainClass: false, appResource: [] }), mismatch('java.lang.String', 'Array value (token `JsonToken.START_ARRAY`)', '["appResource"]')],
    ['binding errors come before validation', JSON.stringify({ action: 'CreateSubmissionRequest', sparkProperties: true }), mismatch(MAP, 'Boolean value (token `JsonToken.VALUE_TRUE`)', '["sparkProperties"]')],
  ])('%s', (_name, body, message) => {
    expect(parseSubmitRequest(body)).toEqual({ ok: false, reply: { status: 400, message: { action: 'ErrorResponse', message } } });
  });

  test('invalid JSON names Jackson\'s parse exception and carries the parser\'s words', () => {
    const parsed = parseSubmitRequest('{"action": "CreateSubmissionRequest",');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reply.status).toBe(400);
    expect(parsed.reply.message).toEqual({ action: 'ErrorResponse', message: expect.stringMatching(/^Malformed request: com\.fasterxml\.jackson\.core\.JsonParseException: \S/) });
  });

  test('surrounding whitespace is not an error', () => {
    expect(parseSubmitRequest(`\n  ${JVM_CREATE_REQUEST}\n`).ok).toBe(true);
  });
});
