// spark-submit against the server over real HTTP (undici on 127.0.0.1:0, an in-memory store):
// its requests byte for byte get the original's responses byte for byte, in every driver state,
// and every error is the original's status code and message, always as JSON.
import { CREATED, errorText, ID, JSON_TYPE, killText, recordingLogger, RestHarness, statusText, type Logged } from './http-harness.ts';
import {
  FAILED_TASK_STATUS, JVM_CREATE_REQUEST, PLEASE, PYTHON_CREATE_REQUEST, RUNNING_TASK_STATUS,
} from './spark-client-fixtures.ts';

const h = new RestHarness();
afterEach(() => h.stop());

describe('spark-submit against the server', () => {
  test('create for a JVM application: the original\'s response, byte for byte', async () => {
    await h.start();
    const answer = await h.create(JVM_CREATE_REQUEST);
    expect(answer).toMatchObject({ status: 200, contentType: JSON_TYPE, text: CREATED });
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(CREATED)));
    expect(h.store.created).toEqual([expect.objectContaining({
      appResource: 'http://repo/app.jar', mainClass: 'org.apache.spark.examples.SparkPi', appArgs: ['100'], appName: 'SparkPi',
    })]);
    expect(h.store.created[0]!.sparkProperties['spark.submit.deployMode']).toBe('cluster');
  });

  test('on the wire: HttpURLConnection\'s exact request bytes and the whole response', async () => {
    await h.start();
    const body = Buffer.from(JVM_CREATE_REQUEST);
    const raw = await h.rawExchange([
      'POST /v1/submissions/create HTTP/1.1', 'Content-Type: application/json', 'charset: utf-8', 'User-Agent: Java/11.0.22',
      `Host: 127.0.0.1:${h.server.port}`, 'Accept: text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2', 'Connection: close',
      `Content-Length: ${body.length}`, '', '',
    ].join('\r\n') + JVM_CREATE_REQUEST);
    const [head = '', responseBody] = raw.split('\r\n\r\n');
    const [statusLine, ...headerLines] = head.split('\r\n');
    expect(statusLine).toBe('HTTP/1.1 200 OK');
    expect(headerLines).toEqual(expect.arrayContaining(['content-type: application/json; charset=utf-8', `content-length: ${Buffer.byteLength(CREATED)}`]));
    expect(responseBody).toBe(CREATED);
  });

  test('create for a Python application', async () => {
    await h.start();
    const answer = await h.create(PYTHON_CREATE_REQUEST);
    expect(answer).toMatchObject({ status: 200, contentType: JSON_TYPE, text: CREATED });
    expect(h.store.created[0]).toMatchObject({ mainClass: '', appResource: 'http://repo/pi.py', sparkProperties: { 'spark.submit.pyFiles': 'http://repo/deps.zip' } });
  });

  test('the client\'s flow: create, then poll the status until success', async () => {
    await h.start();
    await h.create(JVM_CREATE_REQUEST);
    expect(await h.status(ID)).toMatchObject({ status: 200, contentType: JSON_TYPE, text: statusText('QUEUED', true) });
  });

  test('each create gets the next ID', async () => {
    await h.start();
    await h.create(JVM_CREATE_REQUEST);
    expect((await h.create(PYTHON_CREATE_REQUEST)).text).toContain('"submissionId" : "driver-20240131235959-0002"');
  });

  test('a create refused by the store: success false with its message, HTTP 200', async () => {
    await h.start();
    h.store.maxRunning = 0;
    expect(await h.create(JVM_CREATE_REQUEST)).toMatchObject({ status: 200, text: `{
  "action" : "CreateSubmissionResponse",
  "message" : "Already reached maximum submission size",
  "serverSparkVersion" : "3.5.1",
  "success" : false
}` });
  });

  test('unknown fields are listed and the request still goes through', async () => {
    await h.start();
    const body = JVM_CREATE_REQUEST.replace('"appArgs"', '"driverCores" : "2",\n  "appArgs"');
    expect((await h.create(body)).text).toBe(`{
  "action" : "CreateSubmissionResponse",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "${ID}",
  "success" : true,
  "unknownFields" : [ "driverCores" ]
}`);
  });

  test('a UTF-8 byte-order mark before the JSON is accepted', async () => {
    await h.start();
    expect((await h.create(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JVM_CREATE_REQUEST)]))).status).toBe(200);
  });

  test.each<[string, string | undefined, string]>([
    ['QUEUED', undefined, statusText('QUEUED', true)],
    ['RUNNING', RUNNING_TASK_STATUS, statusText('RUNNING', true, RUNNING_TASK_STATUS)],
    ['RETRYING', FAILED_TASK_STATUS, statusText('RETRYING', true, FAILED_TASK_STATUS)],
    ['FINISHED', FAILED_TASK_STATUS.replace('TASK_FAILED', 'TASK_FINISHED'), statusText('FINISHED', true, FAILED_TASK_STATUS.replace('TASK_FAILED', 'TASK_FINISHED'))],
  ])('status of a %s driver', async (state, message, expected) => {
    await h.start();
    h.store.drivers.set(ID, { driverState: state as 'QUEUED', ...(message !== undefined && { message }) });
    expect(await h.status(ID)).toMatchObject({ status: 200, contentType: JSON_TYPE, text: expected });
  });

  test('status of an unknown driver: NOT_FOUND, success false, HTTP 200', async () => {
    await h.start();
    expect(await h.status(ID)).toMatchObject({ status: 200, contentType: JSON_TYPE, text: statusText('NOT_FOUND', false) });
  });

  test('HEAD on status: the headers of GET, no body', async () => {
    await h.start();
    h.store.drivers.set(ID, { driverState: 'QUEUED' });
    const answer = await h.call('HEAD', `/v1/submissions/status/${ID}`);
    expect(answer).toMatchObject({ status: 200, contentType: JSON_TYPE, text: '' });
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(statusText('QUEUED', true))));
  });

  test.each<[string, string, boolean, string, string]>([
    ['RUNNING', 'stays RUNNING until its task ends', true, 'Killing running driver', statusText('RUNNING', true)],
    ['QUEUED', 'is dropped', true, "Removed driver while it's still pending", statusText('NOT_FOUND', false)],
    ['RETRYING', 'is dropped', true, "Removed driver while it's being retried", statusText('NOT_FOUND', false)],
    ['FINISHED', 'stays FINISHED', false, 'Driver already terminated', statusText('FINISHED', true)],
  ])('kill a %s driver: it %s', async (state, _what, success, message, after) => {
    await h.start();
    h.store.drivers.set(ID, { driverState: state as 'QUEUED' });
    expect(await h.kill(ID)).toMatchObject({ status: 200, contentType: JSON_TYPE, text: killText(success, message) });
    expect((await h.status(ID)).text).toBe(after);
  });

  test('kill an unknown driver', async () => {
    await h.start();
    expect(await h.kill(ID)).toMatchObject({ status: 200, contentType: JSON_TYPE, text: killText(false, 'Cannot find driver') });
  });
});

describe('errors: the original\'s status codes and messages, always as JSON', () => {
  test.each<[string, string, number, string]>([
    ['no spark.app.name', JVM_CREATE_REQUEST.replace('"spark.app.name" : "SparkPi",', ''), 400,
      "Malformed request: org.apache.spark.deploy.rest.SubmitRestProtocolException: Validation of message CreateSubmissionRequest failed!\nCaused by: org.apache.spark.deploy.rest.SubmitRestMissingFieldException: 'spark.app.name' is missing in message CreateSubmissionRequest."],
    ['no appResource', JVM_CREATE_REQUEST.replace('"appResource" : "http://repo/app.jar",', ''), 400,
      "Malformed request: org.apache.spark.deploy.rest.SubmitRestProtocolException: Validation of message CreateSubmissionRequest failed!\nCaused by: org.apache.spark.deploy.rest.SubmitRestMissingFieldException: 'appResource' is missing in message CreateSubmissionRequest."],
    ['no mainClass', JVM_CREATE_REQUEST.replace('"mainClass" : "org.apache.spark.examples.SparkPi",', ''), 400,
      "Malformed request: org.apache.spark.deploy.rest.SubmitRestMissingFieldException: Main class 'mainClass' is missing."],
    ['a bad property type', JVM_CREATE_REQUEST.replace('"2000M"', '"2 gigs"'), 400,
      "Malformed request: org.apache.spark.deploy.rest.SubmitRestProtocolException: Validation of message CreateSubmissionRequest failed!\nCaused by: org.apache.spark.deploy.rest.SubmitRestProtocolException: Property 'spark.driver.memory' expected memory value: actual was '2 gigs'."],
    ['a number where a string map is expected', '{"action":"CreateSubmissionRequest","environmentVariables":42}', 400,
      'Malformed request: com.fasterxml.jackson.databind.exc.MismatchedInputException: Cannot deserialize value of type `scala.collection.immutable.Map<java.lang.String,java.lang.String>` from Integer value (token `JsonToken.VALUE_NUMBER_INT`) (through reference chain: org.apache.spark.deploy.rest.CreateSubmissionRequest["environmentVariables"])'],
    ['another message type', '{"action":"SubmissionStatusResponse","serverSparkVersion":"3.5.1","submissionId":"d","success":true}', 400,
      'Received message of unexpected type SubmissionStatusResponse.'],
    ['an unknown action (the original: an HTML 500)', '{"action":"Foo"}', 400,
      "Malformed request: org.apache.spark.deploy.rest.SubmitRestProtocolException: Unknown action 'Foo': this server accepts CreateSubmissionRequest."],
    ['no action', '{}', 400, 'Malformed request: org.apache.spark.deploy.rest.SubmitRestMissingFieldException: Action field not found in JSON:\n{}'],
    ['an empty body', '', 400, 'Malformed request: com.fasterxml.jackson.databind.exc.MismatchedInputException: No content to map due to end-of-input'],
  ])('create with %s', async (_name, body, code, message) => {
    await h.start();
    expect(await h.create(body)).toMatchObject({ status: code, contentType: JSON_TYPE, text: errorText(message) });
    expect(h.store.created).toEqual([]);
  });

  test('malformed JSON: 400 naming the parse exception', async () => {
    await h.start();
    const answer = await h.create('{"action" : "CreateSubmissionRequest", "appArgs" : [ "100" ');
    expect(answer).toMatchObject({ status: 400, contentType: JSON_TYPE });
    expect(JSON.parse(answer.text)).toEqual({
      action: 'ErrorResponse', serverSparkVersion: '3.5.1', message: expect.stringMatching(/^Malformed request: com\.fasterxml\.jackson\.core\.JsonParseException: /),
    });
  });

  test.each<[string, string, number, string, string]>([
    ['POST', '/v2/submissions/create', 468, `Unknown protocol version 'v2'.${PLEASE}`, '\n  "highestProtocolVersion" : "v1",'],
    ['GET', '/v2/submissions/status/d', 468, `Unknown protocol version 'v2'.${PLEASE}`, '\n  "highestProtocolVersion" : "v1",'],
    ['GET', '/', 400, `Missing protocol version.${PLEASE}`, ''],
    ['GET', '/v1', 400, `Missing the /submissions prefix.${PLEASE}`, ''],
    ['POST', '/v1/submissions', 400, `Missing an action: please specify one of /create, /kill, or /status.${PLEASE}`, ''],
    ['POST', '/v1/submissions/launch', 400, `Missing an action: please specify one of /create, /kill, or /status.${PLEASE}`, ''],
    ['GET', '/favicon.ico', 468, `Unknown protocol version 'favicon.ico'.${PLEASE}`, '\n  "highestProtocolVersion" : "v1",'],
    ['GET', '/v1/submissions/status', 400, 'Submission ID is missing in status request.', ''],
    ['POST', '/v1/submissions/kill/', 400, 'Submission ID is missing in kill request.', ''],
  ])('%s %s', async (method, path, code, message, extra) => {
    await h.start();
    expect(await h.call(method, path)).toMatchObject({ status: code, contentType: JSON_TYPE, text: errorText(message, extra) });
  });

  test('on the wire: the status line of a 468 has a reason phrase', async () => {
    await h.start();
    const raw = await h.rawExchange(`GET /v2/submissions/status/d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 468 Unknown Protocol Version');
  });

  test.each<[string, string, string]>([
    ['GET', '/v1/submissions/create', 'POST'],
    ['PUT', '/v1/submissions/create', 'POST'],
    ['GET', `/v1/submissions/kill/${ID}`, 'POST'],
    ['POST', `/v1/submissions/status/${ID}`, 'GET, HEAD'],
    ['DELETE', `/v1/submissions/status/${ID}`, 'GET, HEAD'],
  ])('wrong method %s %s: a JSON 405 (the original: an HTML page)', async (method, path, allow) => {
    await h.start();
    const answer = await h.call(method, path);
    expect(answer).toMatchObject({ status: 405, contentType: JSON_TYPE, text: errorText(`HTTP method ${method} is not supported by this URL: use ${allow.split(',')[0]}.`) });
    expect(answer.headers['allow']).toBe(allow);
    expect(h.store.killed).toEqual([]);
  });

  test('a failing store: 500 with a JSON ErrorResponse, which Spark\'s client reads as an error (not an HTML page)', async () => {
    const records: Logged[] = [];
    await h.start({ log: recordingLogger(records) });
    h.store.failWith = new Error('sparkdrivers.spark.apache.org is forbidden');
    for (const answer of [await h.create(JVM_CREATE_REQUEST), await h.status(ID), await h.kill(ID)]) {
      expect(answer).toMatchObject({ status: 500, contentType: JSON_TYPE, text: errorText('Internal server error: sparkdrivers.spark.apache.org is forbidden') });
    }
    expect(records.filter((r) => r.level === 'error')).toHaveLength(3);
  });
});
