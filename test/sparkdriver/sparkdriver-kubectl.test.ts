// The generated CRD and the examples against the Kubernetes API emulator with the real kubectl:
// the CRD installs, the examples validate, the schema refuses bad resources with 422s, the CEL
// rules keep the submission immutable except kill and the TTL, a status written through
// client-node's status subresource shows in the printer columns and satisfies `kubectl wait`.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { CRD_FILE } from '../../src/sparkdriver/crd.ts';
import { fromResourceStatus, toResourceStatus } from '../../src/sparkdriver/driver-status.ts';
import { parseSparkDriver, SPARK_DRIVER } from '../../src/sparkdriver/sparkdriver.ts';
import { submissionIdOf, toDriverRecord } from '../../src/sparkdriver/sparkdriver-submission.ts';
import type { DriverStatus } from '../../src/scheduler/driver.ts';
import { startEmulator, type Emulator, type Json } from '../devcluster/kube/support.ts';

const SLOW = 60_000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = (p: string) => path.join(root, p);
const API = { group: SPARK_DRIVER.group, version: SPARK_DRIVER.version, plural: SPARK_DRIVER.plural, namespace: 'default' };

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator();
  const crd = await emu.kubectl(['apply', '-f', file(CRD_FILE)]);
  expect(crd.stderr).toBe('');
  expect(crd.stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/sparkdrivers.sparkmesos.io created');
  const established = await emu.kubectl(['wait', '--for=condition=Established', 'crd/sparkdrivers.sparkmesos.io', '--timeout=20s']);
  expect(established.code).toBe(0);
}, SLOW);

afterAll(async () => {
  await emu.close();
}, SLOW);

const manifest = (name: string, spec: string) =>
  `apiVersion: sparkmesos.io/v1alpha1\nkind: SparkDriver\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

async function getJson(name: string): Promise<Json> {
  const r = await emu.kubectl(['get', 'sd', name, '-o', 'json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Json;
}

/** kubectl's table output as rows keyed by header; cells are cut at the header's columns. */
function table(stdout: string): Record<string, string>[] {
  const [header = '', ...lines] = stdout.trimEnd().split('\n');
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], at: m.index }));
  return lines.map((line) => Object.fromEntries(starts.map(({ name, at }, i) =>
    [name, line.slice(at, starts[i + 1]?.at ?? line.length).trim()])));
}

async function patchStatus(name: string, status: unknown): Promise<void> {
  await emu.kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObjectStatus(
    { ...API, name, body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

test('the examples apply, get their defaults, and read back as drivers', async () => {
  for (const [example, name] of [['examples/sparkdriver.yaml', 'spark-pi-supervised'], ['examples/sparkdriver-python.yaml', 'pi-python']]) {
    const r = await emu.kubectl(['apply', '-f', file(example!)]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`sparkdriver.sparkmesos.io/${name} created`);
    const parsed = parseSparkDriver(await getJson(name!));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.resource.spec.kill).toBe(false);
    expect(submissionIdOf(parsed.resource)).toMatch(/^driver-\d{14}-[0-9a-f]{8}$/);
    expect(toDriverRecord(parsed.resource).ok).toBe(true);
  }
  const python = parseSparkDriver(await getJson('pi-python'));
  expect(python.ok && python.resource.spec).toMatchObject({ appResource: 'http://127.0.0.1:8090/pi.py', queue: 'default' });
}, SLOW);

test('a resource that breaks the schema gets a 422 with the field and the rule', async () => {
  const cases: [string, string, string][] = [
    ['bad-retries', '  appResource: http://repo/app.jar\n  retryPolicy:\n    maxRetries: -2\n',
      'The SparkDriver "bad-retries" is invalid: spec.retryPolicy.maxRetries: Invalid value: -2: spec.retryPolicy.maxRetries in body should be greater than or equal to -1'],
    ['bad-id', '  appResource: http://repo/app.jar\n  submissionId: driver-1-retry-2\n',
      `The SparkDriver "bad-id" is invalid: spec.submissionId: Invalid value: "string": submissionId must be usable as a Mesos task ID: not '.' or '..', and not ending like a retry task ID (-retry-<n>)`],
    ['no-app', '  mainClass: org.example.Main\n', 'The SparkDriver "no-app" is invalid: spec.appResource: Required value'],
  ];
  for (const [name, spec, message] of cases) {
    emu.server.clearRequests();
    const r = await emu.kubectl(['apply', '-f', '-'], { stdin: manifest(name, spec) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
    expect(emu.server.requests().filter((q) => q.verb === 'create' && q.resource === 'sparkdrivers').map((q) => q.code)).toEqual([422]);
  }
}, SLOW);

test('the submission is immutable; kill may go to true once and the TTL may change', async () => {
  const spec = '  appResource: http://repo/app.jar\n  sparkProperties:\n    spark.app.name: Fixed\n';
  expect((await emu.kubectl(['apply', '-f', '-'], { stdin: manifest('fixed', spec) })).stdout.trim()).toBe('sparkdriver.sparkmesos.io/fixed created');

  const moved = await emu.kubectl(['apply', '-f', '-'], { stdin: manifest('fixed', spec.replace('app.jar', 'other.jar')) });
  expect(moved.stderr).toContain('The SparkDriver "fixed" is invalid: spec.appResource: Invalid value: "string": appResource is immutable: create a new SparkDriver to change the submission');
  const props = await emu.kubectl(['patch', 'sd', 'fixed', '--type=merge', '-p', '{"spec":{"sparkProperties":{"spark.driver.memory":"2g"}}}']);
  expect(props.stderr).toContain('spec.sparkProperties: Invalid value: "object": sparkProperties is immutable');
  const added = await emu.kubectl(['patch', 'sd', 'fixed', '--type=merge', '-p', '{"spec":{"queue":"urgent"}}']);
  expect(added.stderr).toContain('mainClass, supervise, queue, retryPolicy, submissionId, backend cannot be added or removed once the SparkDriver is created');
  // The backend too: moving a driver to Kubernetes is a new SparkDriver.
  const backend = await emu.kubectl(['patch', 'sd', 'fixed', '--type=merge', '-p', '{"spec":{"backend":"kubernetes"}}']);
  expect(backend.stderr).toContain('backend cannot be added or removed once the SparkDriver is created');

  const ttl = await emu.kubectl(['patch', 'sd', 'fixed', '--type=merge', '-p', '{"spec":{"ttlSecondsAfterFinished":60}}']);
  expect(ttl.stdout.trim()).toBe('sparkdriver.sparkmesos.io/fixed patched');
  const ttl2 = await emu.kubectl(['patch', 'sd', 'fixed', '--type=merge', '-p', '{"spec":{"ttlSecondsAfterFinished":3600}}']);
  expect(ttl2.stdout.trim()).toBe('sparkdriver.sparkmesos.io/fixed patched');
  const kill = await emu.kubectl(['patch', 'sd', 'fixed', '--type=merge', '-p', '{"spec":{"kill":true}}']);
  expect(kill.stdout.trim()).toBe('sparkdriver.sparkmesos.io/fixed patched');
  const unkill = await emu.kubectl(['patch', 'sd', 'fixed', '--type=merge', '-p', '{"spec":{"kill":false}}']);
  expect(unkill.stderr).toContain('spec.kill: Invalid value: "boolean": kill cannot be undone: spec.kill may change from false to true only');

  const stored = await getJson('fixed');
  expect(stored.spec).toEqual({
    appResource: 'http://repo/app.jar', sparkProperties: { 'spark.app.name': 'Fixed' }, arguments: [], environmentVariables: {}, kill: true, ttlSecondsAfterFinished: 3600,
  });
  expect(stored.metadata.generation).toBe(4);
}, SLOW);

test('a status written through /status shows in the printer columns, reads back, and satisfies kubectl wait', async () => {
  await emu.kubectl(['apply', '-f', file('examples/sparkdriver.yaml')]);
  const pi = parseSparkDriver(await getJson('spark-pi-supervised'));
  if (!pi.ok) throw new Error(pi.problems.join('; '));
  const id = submissionIdOf(pi.resource);
  const nowMs = Date.now();
  const running: DriverStatus = {
    phase: 'launched', attempts: 1, retries: 0, killRequested: false,
    attempt: { taskId: id, agentId: 'agent-7', launchedAtMs: nowMs - 2_000, runningSinceMs: nowMs - 1_000, lastStatus: { taskId: id, state: 'running', timestamp: (nowMs - 1_000) / 1000 } },
  };
  await patchStatus('spark-pi-supervised', toResourceStatus(undefined, running, { nowMs, generation: 1, submissionId: id, queue: 'default', frameworkId: 'fw-1' }));
  expect(fromResourceStatus((await getJson('spark-pi-supervised')).status)).toStrictEqual(running);

  const get = table((await emu.kubectl(['get', 'sparkdrivers'])).stdout);
  expect(Object.keys(get[0]!)).toEqual(['NAME', 'PHASE', 'OUTCOME', 'MESOS STATE', 'RETRIES', 'AGENT', 'QUEUE', 'AGE']);
  expect(get.find((r) => r.NAME === 'spark-pi-supervised')).toMatchObject({
    PHASE: 'Launched', OUTCOME: '', 'MESOS STATE': 'TASK_RUNNING', RETRIES: '0', AGENT: 'agent-7', QUEUE: 'default',
  });
  const wide = table((await emu.kubectl(['get', 'sd', 'spark-pi-supervised', '-o', 'wide'])).stdout);
  expect(wide[0]).toMatchObject({ 'SUBMISSION ID': id, TASK: id, READY: 'True', REASON: 'Running' });
  const byCategory = await emu.kubectl(['get', 'spark']);
  expect(byCategory.stdout).toMatch(/^spark-pi-supervised\s+Launched\s+TASK_RUNNING/m);

  const done: DriverStatus = {
    phase: 'finished', attempts: 1, retries: 0, outcome: 'succeeded', reason: 'TaskFinished', message: `Task ${id} ended with TASK_FINISHED`, finishedAtMs: nowMs + 5_000,
  };
  const python = parseSparkDriver(await getJson('pi-python'));
  if (!python.ok) throw new Error(python.problems.join('; '));
  await patchStatus('pi-python', toResourceStatus(undefined, done, { nowMs: nowMs + 5_000, generation: 1, submissionId: submissionIdOf(python.resource), queue: 'default' }));
  const wait = await emu.kubectl(['wait', '--for=condition=Succeeded', 'sd/pi-python', '--timeout=20s']);
  expect(wait.stdout.trim()).toBe('sparkdriver.sparkmesos.io/pi-python condition met');
  const notYet = await emu.kubectl(['wait', '--for=condition=Succeeded', 'sd/spark-pi-supervised', '--timeout=1s']);
  expect(notYet.code).not.toBe(0);
}, SLOW);

test('the CRD file is the one in crds/', async () => {
  const r = await emu.kubectl(['get', 'crd', 'sparkdrivers.sparkmesos.io', '-o', 'json']);
  const served = JSON.parse(r.stdout) as Json;
  const generated = parse(await readFile(file(CRD_FILE), 'utf8')) as Json;
  expect(served.spec.versions[0].schema).toEqual(generated.spec.versions[0].schema);
}, SLOW);
