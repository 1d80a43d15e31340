// values.schema.json and the chart's own checks refuse wrong values before anything reaches the
// cluster, with a message that names the value and says what is wrong: `helm template` and
// `helm lint --strict` both fail with it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHART, NAMESPACE, helm, templateArgs } from './helm.ts';
import type { HelmResult } from './helm.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'chart-values-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** [what is wrong, values (YAML), what the message must say]: values.schema.json's refusals. */
const WRONG: [string, string, string][] = [
  ['a misspelt key', 'replicas: 3', "at '': additional properties 'replicas' not allowed"],
  ['a misspelt nested key', 'mesos:\n  mastr: mesos://m:5050', "at '/mesos': additional properties 'mastr' not allowed"],
  ['a number as text', 'replicaCount: two', "at '/replicaCount': got string, want integer"],
  ['no replicas', 'replicaCount: 0', "at '/replicaCount': minimum: got 0, want 1"],
  ['a master that is not mesos://', 'mesos:\n  master: http://m1:5050', "at '/mesos/master': 'http://m1:5050' does not match pattern"],
  ['ZooKeeper credentials in the master URL', 'mesos:\n  master: mesos://zk://ops:hunter2@zk1:2181/mesos', "at '/mesos/master': value must be 'no ZooKeeper credentials in mesos.master"],
  ['the Mesos secret in plain text', 'mesos:\n  secret: hunter2', "at '/mesos/secret': got string, want object"],
  ['the Mesos secret in sparkConf', 'sparkConf:\n  spark.mesos.secret: hunter2', "at '/sparkConf/spark.mesos.secret': value must be 'use mesos.secret.existingSecret: no plain-text secrets in values'"],
  ['a secret without a principal', 'mesos:\n  secret:\n    existingSecret: mesos-credentials', "at '/mesos/principal': minLength: got 0, want 1"],
  ['a sparkConf key that is not spark.*', 'sparkConf:\n  mesos.role: spark', "'mesos.role' does not match pattern"],
  ['a sparkConf value that is a list', 'sparkConf:\n  spark.mesos.uris: [a, b]', "at '/sparkConf/spark.mesos.uris'"],
  ['a Mesos role with a space', 'mesos:\n  role: my role', "at '/mesos/role': 'my role' does not match pattern"],
  ['an unknown pull policy', 'image:\n  pullPolicy: Sometimes', "at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'"],
  ['a duration without a unit', 'leaderElection:\n  leaseDuration: "15"', "at '/leaderElection/leaseDuration': '15' does not match pattern"],
  ['an unknown log format', 'log:\n  format: xml', "at '/log/format': value must be one of 'json', 'pretty'"],
  ['a namespace that is not a DNS label', 'watchNamespaces: [Spark_Jobs]', "at '/watchNamespaces/0': 'Spark_Jobs' does not match pattern"],
  ['an unknown Service type', 'service:\n  rest:\n    type: ExternalName\n    port: 7077', "at '/service/rest/type': value must be one of 'ClusterIP', 'NodePort', 'LoadBalancer'"],
  ['a port out of range', 'containerPorts:\n  rest: 70770\n  ui: 8081\n  metrics: 8080', "at '/containerPorts/rest': maximum: got 70,770, want 65,535"],
  ['an error ratio above 1', 'prometheusRule:\n  enabled: true\n  reconcileErrorRatio: 2', "at '/prometheusRule/reconcileErrorRatio': maximum: got 2, want 1"],
  ['an environment variable the chart sets', 'extraEnv:\n  - name: POD_NAME\n    value: x', "at '/extraEnv/0/name': value must be 'set by the chart"],
  ['an Ingress without hosts', 'ingress:\n  enabled: true\n  hosts: []', "at '/ingress/hosts': minItems: got 0, want 1"],
];

/** Checks across values, which the templates make with `fail`. */
const INCONSISTENT: [string, string, string][] = [
  ['two replicas without leader election', 'leaderElection:\n  enabled: false', 'leaderElection.enabled=false runs without a Lease, so it allows one replica only (replicaCount is 2)'],
  ['a submission namespace that is not watched', 'watchNamespaces: [spark-jobs]\nsubmissionNamespace: elsewhere', 'submissionNamespace "elsewhere" is not among watchNamespaces [spark-jobs]'],
  ['one port for two servers', 'containerPorts:\n  rest: 8080\n  ui: 8081\n  metrics: 8080', 'containerPorts must be three different ports (rest 8080, ui 8081, metrics 8080)'],
];

/** `helm template` and `helm lint --strict` with `yaml` as the values file. */
function templateAndLint(name: string, yaml: string): Promise<[HelmResult, HelmResult]> {
  const file = path.join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
  writeFileSync(file, `${yaml}\n`);
  return Promise.all([
    helm(templateArgs({ files: [file] })),
    helm(['lint', '--strict', CHART, '--namespace', NAMESPACE, '-f', file]),
  ]);
}

test.each(WRONG)('%s is refused by helm template and helm lint --strict', async (name, yaml, message) => {
  const [template, lint] = await templateAndLint(name, yaml);
  expect(template.code).not.toBe(0);
  expect(template.stderr).toContain(message);
  expect(lint.code).not.toBe(0);
  expect(lint.stdout + lint.stderr).toContain(message);
});

// helm 4's lint only logs a template's `fail` (and exits 0); template, install and upgrade fail.
test.each(INCONSISTENT)('%s is refused by helm template (helm lint reports it)', async (name, yaml, message) => {
  const [template, lint] = await templateAndLint(name, yaml);
  expect(template.code).not.toBe(0);
  expect(template.stderr).toContain(message);
  expect((lint.stdout + lint.stderr).replaceAll('\\"', '"')).toContain(message);
});

test('a ZooKeeper master renders into --master', async () => {
  const file = path.join(dir, 'zookeeper-master.yaml');
  writeFileSync(file, 'mesos:\n  master: mesos://zk://zk1:2181,zk2:2181/mesos\n');
  const result = await helm(templateArgs({ files: [file] }));
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('- "--master=mesos://zk://zk1:2181,zk2:2181/mesos"');
});

test('the schema still accepts every key in values.yaml (the defaults render)', async () => {
  const result = await helm(templateArgs());
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
});
