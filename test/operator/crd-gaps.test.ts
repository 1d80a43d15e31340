// Manifests the fuzzer found that the API server once accepted (the CRD's rules could not see
// what was wrong) and the operator's admission then refused at once, ending the driver
// Error/InvalidDriver: each could never start. The CRD, REST and admission refuse them all.
import { parseSparkDriver } from '../../src/sparkdriver/sparkdriver.ts';
import { toDriverRecord } from '../../src/sparkdriver/sparkdriver-submission.ts';
import { parseDispatcherConfig, submissionProblems } from '../../src/scheduler/index.ts';
import { driverManifest, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';
import type { Json } from '../devcluster/kube/support.ts';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ agents: 0 });
});
afterAll(async () => {
  await cluster.close();
});

const props = (p: Record<string, string>): Json => ({ sparkProperties: p });
const CASES: [string, Json][] = [
  ['an app jar resolution mode other than host or container', props({ 'spark.mesos.appJar.local.resolution.mode': 'elsewhere' })],
  ['secret environment keys without secrets', props({ 'spark.mesos.driver.secret.envkeys': 'TOKEN' })],
  ['a blank Docker image', props({ 'spark.mesos.executor.docker.image': ' ' })],
  ['a malformed driver label', props({ 'spark.mesos.driver.labels': 'no-colon' })],
  ['a driver label with a key reserved for the dispatcher', props({ 'spark.mesos.driver.labels': 'spark-mesos-dispatcher/uid:x' })],
  ['a malformed driver constraint', props({ 'spark.mesos.driver.constraints': 'zone:a:b' })],
  ['a blank application resource', { appResource: ' ' }],
  // 96,000 characters, but each `"` is escaped to two bytes: 192 KB.
  ['arguments whose quoted command line is over 120 KiB', { arguments: Array.from({ length: 6 }, () => '"'.repeat(16_000)) }],
  ['an attribute constrained twice', props({ 'spark.mesos.driver.constraints': 'zone:a;zone:b' })],
  ['a Docker port mapping out of range', props({ 'spark.mesos.executor.docker.image': 'spark', 'spark.mesos.executor.docker.portmaps': '80:70000' })],
  ['a Docker volume of a mode alone', props({ 'spark.mesos.executor.docker.image': 'spark', 'spark.mesos.executor.docker.volumes': 'ro' })],
  ['a malformed network label', props({ 'spark.mesos.network.labels': 'no-colon' })],
  ['secret names and values both', props({ 'spark.mesos.driver.secret.names': 'a', 'spark.mesos.driver.secret.values': 'b' })],
];

test.each(CASES)('the operator and REST refuse %s', (_name, spec) => {
  const manifest = JSON.parse(driverManifest(cluster, 'gap', spec)) as Json;
  const resource = { ...manifest, metadata: { ...manifest.metadata, uid: 'u', creationTimestamp: '2026-01-01T00:00:00Z' } };
  // Reading the resource (as the operator and REST both do) applies the CRD's rules; admission the rest.
  const parsed = parseSparkDriver(resource);
  const record = parsed.ok ? toDriverRecord(parsed.resource) : undefined;
  const config = parseDispatcherConfig({ 'spark.master': 'mesos://m:5050', 'spark.home': '/opt/spark' });
  if (!config.ok) throw new Error(config.errors.join('; '));
  const problems = !parsed.ok ? parsed.problems : record?.ok === true ? submissionProblems(record.record.spec, config.config) : ['unreadable'];
  expect(problems).not.toEqual([]);
});

test.each(CASES)('kubectl apply refuses %s', async (_name, spec) => {
  const applied = await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'gap', spec) });
  await cluster.kube.kubectl(['delete', 'sparkdriver', 'gap', '--ignore-not-found']);
  expect(applied.code).not.toBe(0);
});
