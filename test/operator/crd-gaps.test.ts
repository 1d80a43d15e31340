// Manifests the fuzzer found that the API server accepts (the CRD's rules cannot see what is
// wrong) and the operator's admission then refuses at once, ending the driver Error/InvalidDriver
// with the reason: each can never start. REST refuses them all at submit. Marked `failing` until
// the CRD refuses them too; each then fails here, to be turned into a plain test.
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
  // 96,000 characters are within the CEL total, but each `"` is escaped to two bytes: 192 KB.
  ['arguments within the character total whose quoted command line is over 120 KiB', { arguments: Array.from({ length: 6 }, () => '"'.repeat(16_000)) }],
];

test.each(CASES)('admission refuses %s, and so does REST', (name, spec) => {
  const manifest = JSON.parse(driverManifest(cluster, 'gap', spec)) as Json;
  const resource = { ...manifest, metadata: { ...manifest.metadata, uid: 'u', creationTimestamp: '2026-01-01T00:00:00Z' } };
  const parsed = parseSparkDriver(resource);
  const record = parsed.ok ? toDriverRecord(parsed.resource) : undefined;
  const config = parseDispatcherConfig({ 'spark.master': 'mesos://m:5050', 'spark.home': '/opt/spark' });
  if (!config.ok || record === undefined || !record.ok) throw new Error(`${name}: the operator cannot read it`);
  expect(submissionProblems(record.record.spec, config.config)).not.toEqual([]);
});

test.failing.each(CASES)('kubectl apply refuses %s', async (_name, spec) => {
  const applied = await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, 'gap', spec) });
  await cluster.kube.kubectl(['delete', 'sparkdriver', 'gap', '--ignore-not-found']);
  expect(applied.code).not.toBe(0);
});
