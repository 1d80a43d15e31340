// What the server adds around the protocol, over real HTTP: the body size limit, optional
// authentication, a request log without secrets, and a clean start and stop.
import { Readable } from 'node:stream';
import { request } from 'undici';
import { createRestHandler } from '../../src/rest/index.ts';
import { FakeSubmissionStore } from './fake-submission-store.ts';
import { errorText, ID, JSON_TYPE, recordingLogger, RestHarness, statusText, type Logged } from './http-harness.ts';
import { CLIENT_POST_HEADERS, JVM_CREATE_REQUEST } from './spark-client-fixtures.ts';

const h = new RestHarness();
afterEach(() => h.stop());

describe('request body limit', () => {
  const padded = (size: number): string => JVM_CREATE_REQUEST + ' '.repeat(size - Buffer.byteLength(JVM_CREATE_REQUEST));
  const TOO_LARGE = errorText('Request body too large: this server accepts at most 1048576 bytes.');

  test('a body of exactly 1 MiB is read', async () => {
    await h.start();
    expect((await h.create(padded(1024 * 1024))).status).toBe(200);
  });

  test('one byte more is refused with 413 and the connection is closed', async () => {
    await h.start();
    const answer = await h.create(padded(1024 * 1024 + 1));
    expect(answer).toMatchObject({ status: 413, contentType: JSON_TYPE, text: TOO_LARGE });
    expect(answer.headers['connection']).toBe('close');
    expect(h.store.created).toEqual([]);
  });

  test('a chunked body without a length is cut off at the limit too', async () => {
    await h.start();
    const chunks = Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 0x20));
    const answer = await h.call('POST', '/v1/submissions/create', { body: Readable.from(chunks), headers: { 'content-type': 'application/json' } });
    expect(answer).toMatchObject({ status: 413, text: TOO_LARGE });
  });

  test('the limit is configurable and applies to every path', async () => {
    await h.start({ maxBodyBytes: 16 });
    expect(await h.call('POST', `/v1/submissions/kill/${ID}`, { body: 'x'.repeat(17) })).toMatchObject({
      status: 413, text: errorText('Request body too large: this server accepts at most 16 bytes.'),
    });
    expect((await h.call('POST', `/v1/submissions/kill/${ID}`, { body: 'x'.repeat(16) })).status).toBe(200);
  });
});

describe('authentication', () => {
  const UNAUTHORIZED = errorText('Unauthorized: this server requires credentials (an Authorization header).');

  test('off by default: spark-submit needs no credentials', async () => {
    await h.start();
    expect((await h.create(JVM_CREATE_REQUEST)).status).toBe(200);
  });

  test('bearer: no header, a wrong token or another scheme get a JSON 401; the right token gets through', async () => {
    await h.start({ auth: { kind: 'bearer', token: 's3cr3t-t0ken' } });
    for (const authorization of [undefined, 'Bearer wrong', 'Bearer s3cr3t-t0ke', 'Bearer s3cr3t-t0ken2', 'Basic czNjcjN0LXQwa2Vu', 's3cr3t-t0ken']) {
      const answer = await h.create(JVM_CREATE_REQUEST, { ...CLIENT_POST_HEADERS, ...(authorization !== undefined && { authorization }) });
      expect(answer).toMatchObject({ status: 401, contentType: JSON_TYPE, text: UNAUTHORIZED });
      expect(answer.headers['www-authenticate']).toBe('Bearer realm="spark-rest"');
    }
    expect(h.store.created).toEqual([]);
    expect((await h.create(JVM_CREATE_REQUEST, { ...CLIENT_POST_HEADERS, authorization: 'Bearer s3cr3t-t0ken' })).status).toBe(200);
    expect((await h.create(JVM_CREATE_REQUEST, { ...CLIENT_POST_HEADERS, authorization: 'bearer s3cr3t-t0ken' })).status).toBe(200);
  });

  test('basic: user and password must both match', async () => {
    await h.start({ auth: { kind: 'basic', username: 'spark', password: 'p:ss wörd' } });
    const basic = (credentials: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });
    for (const credentials of ['spark:wrong', 'other:p:ss wörd', 'spark:p:ss wörd ', 'spark']) {
      const answer = await h.call('GET', `/v1/submissions/status/${ID}`, { headers: basic(credentials) });
      expect(answer).toMatchObject({ status: 401, text: UNAUTHORIZED });
      expect(answer.headers['www-authenticate']).toBe('Basic realm="spark-rest", charset="UTF-8"');
    }
    expect(await h.call('GET', `/v1/submissions/status/${ID}`, { headers: basic('spark:p:ss wörd') })).toMatchObject({ status: 200, text: statusText('NOT_FOUND', false) });
  });

  test('every path is guarded, so nothing is learned without credentials', async () => {
    await h.start({ auth: { kind: 'bearer', token: 't' } });
    expect((await h.call('GET', '/v2/x')).status).toBe(401);
    expect((await h.call('GET', '/v1/submissions/create')).status).toBe(401);
  });

  test('an unusable configuration is refused at start-up', () => {
    const fake = new FakeSubmissionStore();
    expect(() => createRestHandler({ store: fake, auth: { kind: 'bearer', token: '' } })).toThrow('bearer token must not be empty');
    expect(() => createRestHandler({ store: fake, auth: { kind: 'basic', username: 'a:b', password: 'c' } })).toThrow("must not contain ':'");
    expect(() => createRestHandler({ store: fake, auth: { kind: 'basic', username: 'a', password: '' } })).toThrow('must not be empty');
    expect(() => createRestHandler({ store: fake, maxBodyBytes: -1 })).toThrow(RangeError);
  });
});

describe('request log', () => {
  test('one line per request with what matters, and never a secret', async () => {
    const records: Logged[] = [];
    await h.start({ log: recordingLogger(records), auth: { kind: 'bearer', token: 'BEARER-SECRET' } });
    const body = JVM_CREATE_REQUEST
      .replace('"http://repo/app.jar",\n  "clientSparkVersion"', '"https://ci:REPO-PASSWORD@repo/app.jar",\n  "clientSparkVersion"')
      .replace('"spark.jars" : "http://repo/app.jar",', [
        '"spark.mesos.secret" : "MESOS-SECRET",', '"spark.ssl.keyStorePassword" : "KEYSTORE-PASSWORD",',
        '"spark.hadoop.fs.s3a.access.key" : "S3-ACCESS-KEY",', '"spark.authenticate.token" : "AUTH-TOKEN",',
        '"spark.executor.uri" : "https://u:URI-PASSWORD@repo/spark.tgz",',
      ].join('\n    '))
      .replace('"SPARK_EXECUTOR_URI"', '"SPARK_MESOS_SECRET" : "ENV-SECRET",\n    "SPARK_EXECUTOR_URI"');
    const headers = { ...CLIENT_POST_HEADERS, authorization: 'Bearer BEARER-SECRET' };
    expect((await h.call('POST', '/v1/submissions/create?token=QUERY-SECRET', { body, headers })).status).toBe(200);
    expect((await h.call('GET', `/v1/submissions/status/${ID}`, { headers })).status).toBe(200);
    await h.call('GET', `/v1/submissions/status/${ID}`, { headers: { authorization: 'Bearer WRONG-GUESS' } });

    const logged = JSON.stringify(records);
    for (const secret of ['BEARER-SECRET', 'REPO-PASSWORD', 'MESOS-SECRET', 'KEYSTORE-PASSWORD', 'S3-ACCESS-KEY', 'AUTH-TOKEN', 'URI-PASSWORD', 'ENV-SECRET', 'QUERY-SECRET', 'WRONG-GUESS']) {
      expect(logged).not.toContain(secret);
    }
    const requests = records.filter((r) => r.msg === 'REST request');
    expect(requests.map((r) => [r.obj['method'], r.obj['path'], r.obj['status']])).toEqual([
      ['POST', '/v1/submissions/create', 200], ['GET', `/v1/submissions/status/${ID}`, 200], ['GET', `/v1/submissions/status/${ID}`, 401],
    ]);
    expect(requests[0]!.obj).toMatchObject({ appName: 'SparkPi', submissionId: ID, appResource: 'https://[redacted]@repo/app.jar' });
    expect(requests[1]!.obj).toMatchObject({ submissionId: ID, driverState: 'QUEUED' });
    // A refusal carries its reason.
    expect(requests[2]!.obj['reason']).toMatch(/^Unauthorized/);
    const submission = records.find((r) => r.msg === 'REST submission')!;
    expect(submission.level).toBe('debug');
    expect(submission.obj['sparkProperties']).toMatchObject({
      'spark.mesos.secret': '[redacted]', 'spark.ssl.keyStorePassword': '[redacted]', 'spark.hadoop.fs.s3a.access.key': '[redacted]',
      'spark.authenticate.token': '[redacted]', 'spark.executor.uri': 'https://[redacted]@repo/spark.tgz', 'spark.driver.memory': '2000M',
    });
    expect(submission.obj['environmentVariables']).toMatchObject({ SPARK_MESOS_SECRET: '[redacted]' });
  });
});

describe('lifecycle', () => {
  test('listens where it is told and stops on close', async () => {
    const started = await h.start();
    expect(started.url).toBe(`http://127.0.0.1:${started.port}`);
    expect(started.port).toBeGreaterThan(0);
    await h.stop();
    await expect(request(`${started.url}/`)).rejects.toThrow();
  });

  test('close waits for a keep-alive client without hanging', async () => {
    await h.start();
    await h.call('GET', '/');
    await h.stop();
  });
});
