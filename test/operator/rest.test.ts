// spark-submit's REST protocol end to end: requests as Spark's client sends them create
// SparkDrivers, which the operator runs on the Mesos emulator; status and kill read and write them.
import { request } from 'undici';
import { Operator } from '../../src/operator/operator.ts';
import { KubeSubmissionStore } from '../../src/operator/submission-store.ts';
import { startRestServer } from '../../src/rest/index.ts';
import type { RestServer } from '../../src/rest/server.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { parseDispatcherConfig } from '../../src/scheduler/index.ts';
import { CLIENT_POST_HEADERS, JVM_CREATE_REQUEST } from '../rest/spark-client-fixtures.ts';
import { waitFor } from '../support/wait.ts';
import { driverManifest, getDriver, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';
import type { Json } from '../devcluster/kube/support.ts';

let cluster: Cluster;
let operator: Operator;
let rest: RestServer;

beforeEach(async () => {
  cluster = await startCluster();
  const parsed = parseDispatcherConfig({ 'spark.master': `mesos://${new URL(cluster.mesos.url).host}`, 'spark.home': cluster.sparkHome });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  operator = new Operator({
    kube: cluster.client, identity: 'rest-test', dispatcher: parsed.config,
    mesos: { master: cluster.mesos.url, framework: { user: 'spark', name: 'rest-test', failoverTimeoutSeconds: 3600, checkpoint: true } },
    stateNamespace: 'default', stateConfigMapName: 'dispatcher-state', clock: systemClock, random: Math.random, log: silentLogger,
  });
  await operator.start();
  const store = new KubeSubmissionStore({
    kube: cluster.client, informer: operator.informer, namespace: 'default', clock: systemClock, maxDrivers: 200, dispatcher: parsed.config,
  });
  rest = await startRestServer({ store, host: '127.0.0.1', port: 0 });
});

afterEach(async () => {
  await rest.close();
  await operator.stop();
  await cluster.close();
});

/** Spark's JVM create request, pointing at the test jar, with the given application arguments. */
function createBody(args: string[]): string {
  return JVM_CREATE_REQUEST
    .replaceAll('http://repo/app.jar', `file://${cluster.appJar}`)
    .replace('"SPARK_EXECUTOR_URI" : "http://repo/spark-3.5.1-bin-hadoop3.tgz"', '"SPARK_SCALA_VERSION" : "2.12"')
    .replace('"appArgs" : [ "100" ]', `"appArgs" : [ ${args.map((a) => JSON.stringify(a)).join(', ')} ]`);
}

async function call(method: 'GET' | 'POST', path: string, body?: string): Promise<Json> {
  const response = await request(`${rest.url}${path}`, { method, headers: CLIENT_POST_HEADERS, ...(body !== undefined && { body }) });
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  return await response.body.json() as Json;
}

async function statusUntil(id: string, state: string): Promise<Json> {
  return waitFor(async () => {
    const answer = await call('GET', `/v1/submissions/status/${id}`);
    return answer.driverState === state ? answer : undefined;
  }, `driver ${id} to be ${state}`, 20_000);
}

test('create, status and kill as spark-submit sends them', async () => {
  const created = await call('POST', '/v1/submissions/create', createBody(['100']));
  expect(created.message).toBeUndefined();
  expect(created).toMatchObject({ action: 'CreateSubmissionResponse', success: true, submissionId: expect.stringMatching(/^driver-\d{14}-\d{4}$/) });
  const id = created.submissionId as string;
  const resource = await getDriver(cluster, id);
  expect(resource?.spec).toMatchObject({ submissionId: id, mainClass: 'org.apache.spark.examples.SparkPi', arguments: ['100'] });

  const finished = await statusUntil(id, 'FINISHED');
  expect(finished).toMatchObject({ action: 'SubmissionStatusResponse', success: true, submissionId: id });
  expect(finished.message).toContain('state: TASK_FINISHED');

  const long = (await call('POST', '/v1/submissions/create', createBody(['sleep']))).submissionId as string;
  expect(long).not.toBe(id);
  await statusUntil(long, 'RUNNING');
  const kill = await call('POST', `/v1/submissions/kill/${long}`);
  expect(kill).toMatchObject({ action: 'KillSubmissionResponse', success: true, submissionId: long });
  const killed = await statusUntil(long, 'FINISHED');
  expect(killed.message).toContain('state: TASK_KILLED');

  expect(await call('POST', `/v1/submissions/kill/${id}`)).toMatchObject({ success: false });
  expect(await call('GET', '/v1/submissions/status/driver-20000101000000-0001')).toMatchObject({ driverState: 'NOT_FOUND', success: false });
});

describe('create under API faults: one resource per create that took, and the answer says so', () => {
  const restDrivers = async (): Promise<Json[]> => ((await cluster.client.list<Json>({ group: 'sparkmesos.io', version: 'v1alpha1', plural: 'sparkdrivers' })).items)
    .filter((d) => d.metadata.labels?.['sparkmesos.io/submitted-via'] === 'rest');

  test('the answer to a create that happened is lost: read back, answered success once', async () => {
    cluster.kube.server.faults.loseNextAnswer({ verb: 'create', resource: 'sparkdrivers' });
    const created = await call('POST', '/v1/submissions/create', createBody(['x']));
    expect(created).toMatchObject({ success: true, submissionId: expect.stringMatching(/^driver-/) });
    const drivers = await restDrivers();
    expect(drivers.map((d) => d.metadata.name)).toEqual([created.submissionId]);
  });

  test('a create that failed before it happened (500, 503) is tried again', async () => {
    cluster.kube.server.faults.failNext({ verb: 'create', resource: 'sparkdrivers', code: 500 });
    cluster.kube.server.faults.failNext({ verb: 'create', resource: 'sparkdrivers', code: 503 });
    const created = await call('POST', '/v1/submissions/create', createBody(['x']));
    expect(created).toMatchObject({ success: true });
    expect((await restDrivers()).map((d) => d.metadata.name)).toEqual([created.submissionId]);
  });

  test('a resource the API server refuses is a Spark-protocol refusal with the reason, not a 500', async () => {
    cluster.kube.server.faults.failNext({ verb: 'create', resource: 'sparkdrivers', code: 422, message: 'SparkDriver "x" is invalid: spec.arguments: Too many: 600: must have at most 512 items' });
    const created = await call('POST', '/v1/submissions/create', createBody(['x']));
    expect(created).toMatchObject({ success: false, message: expect.stringContaining('spec.arguments: Too many') });
    expect(await restDrivers()).toEqual([]);
  });
});

describe('input that could never start is refused at submit, through kubectl and REST alike, never with a 5xx', () => {
  /** A Spark create request with these changes to its fields. */
  const createWith = (change: (request: Json) => void): string => {
    const request = JSON.parse(createBody(['x'])) as Json;
    change(request);
    return JSON.stringify(request);
  };
  const post = async (body: string): Promise<{ code: number; json: Json }> => {
    const response = await request(`${rest.url}/v1/submissions/create`, { method: 'POST', headers: CLIENT_POST_HEADERS, body });
    return { code: response.statusCode, json: await response.body.json() as Json };
  };

  test.each<[string, (r: Json) => void, Json, RegExp]>([
    ['memory that is not a size', (r) => { r.sparkProperties['spark.driver.memory'] = 'lots'; },
      { sparkProperties: { 'spark.driver.memory': 'lots' } }, /spark\.driver\.memory must be a memory size|Property 'spark\.driver\.memory' expected memory value/],
    ['zero cores', (r) => { r.sparkProperties['spark.driver.cores'] = '0'; },
      { sparkProperties: { 'spark.driver.cores': '0' } }, /spark\.driver\.cores must be a number of CPUs greater than 0/],
    ['an infinite number of cores', (r) => { r.sparkProperties['spark.driver.cores'] = '1e400'; },
      { sparkProperties: { 'spark.driver.cores': '1e400' } }, /spark\.driver\.cores must be/],
    ['10^20 GiB', (r) => { r.sparkProperties['spark.driver.memory'] = '100000000000000000000g'; },
      { sparkProperties: { 'spark.driver.memory': '100000000000000000000g' } }, /spark\.driver\.memory must be a memory size from 1m to 16t|Property 'spark\.driver\.memory' expected memory value/],
    ['513 Spark properties', (r) => { for (let i = 0; i < 513; i += 1) r.sparkProperties[`spark.x${i}`] = 'y'; },
      { sparkProperties: Object.fromEntries(Array.from({ length: 513 }, (_, i) => [`spark.x${i}`, 'y'])) }, /Too many/],
    ['a NUL in an argument', (r) => { r.appArgs = ['a\u0000b']; }, { arguments: ['a\u0000b'] }, /should match '\^\[\^\\0\]\*\$'/],
    ['ten 16,000-character arguments', (r) => { r.appArgs = Array.from({ length: 10 }, () => 'x'.repeat(16_000)); },
      { arguments: Array.from({ length: 10 }, () => 'x'.repeat(16_000)) }, /command line has a fixed size limit/],
  ])('%s', async (_name, change, spec, message) => {
    const answer = await post(createWith(change));
    expect(answer.code).toBeLessThan(500);
    // A refusal: success false, or Spark's own validation error (an ErrorResponse, which has no success field).
    expect(answer.json.success).not.toBe(true);
    expect(answer.json.message).toMatch(message);
    const applied = await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'bad', spec) });
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toMatch(message);
  });

  test('a property the dispatcher parses is refused with the CRD\'s own message', async () => {
    const answer = await post(createWith((r) => { r.sparkProperties['spark.mesos.driver.constraints'] = 'zone:a:b'; }));
    expect(answer.json).toMatchObject({ success: false, message: expect.stringContaining("spark.mesos.driver.constraints must be constraints attribute:value1,value2 separated by ';'") });
  });

  test('a queue the dispatcher does not declare is refused at submit, as admission would reject it', async () => {
    const answer = await post(createWith((r) => { r.sparkProperties['spark.mesos.dispatcher.queue'] = 'nope'; }));
    expect(answer.json).toMatchObject({ success: false, message: expect.stringContaining("queue 'nope' is not declared (declared: default)") });
  });

  test('a client version too long for an annotation is refused', async () => {
    const answer = await post(createWith((r) => { r.clientSparkVersion = 'x'.repeat(256 * 1024); }));
    expect(answer.json).toMatchObject({ success: false, message: expect.stringContaining('clientSparkVersion') });
  });
});
