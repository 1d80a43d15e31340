// The user guide's "Move drivers to Kubernetes" chapter, step by step, as written: its values
// enable the backend and its RBAC; its SparkDriver runs as a pod with its own shell commands; its
// spark-submit line moves a driver through the REST API; its sparkConf moves a queue and the
// default (an admitted driver stays where it is); and its table of Mesos-only keys is what the
// dispatcher refuses, with what it says to use instead.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { parse } from 'yaml';
import type { Operator } from '../../src/operator/operator.ts';
import { KubeSubmissionStore } from '../../src/operator/submission-store.ts';
import { startRestServer } from '../../src/rest/index.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { MESOS_ONLY_KEYS } from '../../src/scheduler/pod-plan.ts';
import { parseDispatcherConfig, type DispatcherConfig } from '../../src/scheduler/index.ts';
import { find, render } from '../chart/helm.ts';
import type { Json } from '../devcluster/kube/support.ts';
import { driverManifest, inProcessOperator, startCluster, waitForDriver, type Cluster } from '../operator/harness.ts';
import { CLIENT_POST_HEADERS, JVM_CREATE_REQUEST } from '../rest/spark-client-fixtures.ts';
import { codeSpans, readDoc, REPO, section, tableRows } from './markdown.ts';

const CHAPTER = 'Move drivers to Kubernetes';
const guide = readDoc('docs/user-guide.md');
const exec = promisify(execFile);

/** The fenced blocks of a subsection of the chapter, in order, with their language. */
function blocks(title: string): { lang: string; text: string }[] {
  const text = section(section(guide, CHAPTER), title);
  return [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] ?? '', text: m[2] ?? '' }));
}
const yamlBlock = (title: string, index = 0): Json => parse(blocks(title).filter((b) => b.lang === 'yaml')[index]!.text) as Json;

let cluster: Cluster | undefined;
const operators: Operator[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const operator of operators.splice(0)) await operator.stop();
  await cluster?.close();
  cluster = undefined;
});

/** A cluster and an operator configured with the dispatcher properties `props`. */
async function dispatcher(props: Record<string, string>): Promise<{ cluster: Cluster; config: DispatcherConfig; operator: Operator }> {
  cluster ??= await startCluster();
  const parsed = parseDispatcherConfig({ 'spark.master': `mesos://${new URL(cluster.mesos.url).host}`, 'spark.home': cluster.sparkHome, ...props });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const operator = inProcessOperator(cluster, `migration-${operators.length}`, { dispatcher: parsed.config });
  operators.push(operator);
  await operator.start();
  return { cluster, config: parsed.config, operator };
}

const stringProps = (conf: Json): Record<string, string> => Object.fromEntries(Object.entries(conf).map(([k, v]) => [k, String(v)]));
const finished = (c: Cluster, name: string): Promise<Json> => waitForDriver(c, name, 'Finished', (d) => d.status?.phase === 'Finished');

test('Enable it: the values set the property and grant the pods, and only then', async () => {
  const values = yamlBlock('Enable it');
  expect(values).toEqual({ kubernetesBackend: { enabled: true } });
  const dir = await mkdtemp(path.join(tmpdir(), 'migration-values-'));
  try {
    await writeFile(path.join(dir, 'values.yaml'), blocks('Enable it')[0]!.text);
    const on = await render({ files: [path.join(dir, 'values.yaml')] });
    const off = await render();
    const podRules = (manifests: Json[]): string[] => manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role')
      .flatMap((r) => (r.rules as Json[]).filter((rule) => (rule.resources as string[]).some((x) => x.startsWith('pods'))).map((rule) => `${(rule.resources as string[]).join()}: ${(rule.verbs as string[]).join()}`));
    expect(podRules(on)).toEqual(['pods: create,get,list,watch,delete', 'pods/log: get']);
    expect(podRules(off)).toEqual([]);
    expect(find(on, 'ConfigMap').data['spark-defaults.conf']).toContain('spark.mesos.dispatcher.kubernetes.enabled=true');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('Move one driver: the SparkDriver and the commands beside it, as written', async () => {
  const { cluster: c } = await dispatcher({ 'spark.mesos.dispatcher.kubernetes.enabled': 'true' });
  const [manifest, commands] = blocks('Move one driver');
  expect(manifest?.lang).toBe('yaml');
  const dir = await mkdtemp(path.join(tmpdir(), 'migration-'));
  closers.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'spark-pi.yaml'), manifest!.text);
  const env = { ...process.env, KUBECONFIG: c.kube.kubeconfigPath, KUBECACHEDIR: path.join(dir, 'cache'), PATH: `${path.join(REPO, '.tools')}:${process.env.PATH}` };
  const shell = await exec('bash', ['-e', '-c', commands!.text], { cwd: dir, env, timeout: 60_000 });
  expect(shell.stdout).toContain('sparkdriver.sparkmesos.io/spark-pi condition met');
  expect(shell.stdout).toMatch(/spark-submit --name SparkPi --master k8s:\/\/https:\/\/kubernetes\.default\.svc --deploy-mode client /);
  expect((await finished(c, 'spark-pi')).status).toMatchObject({ outcome: 'Succeeded', backend: 'kubernetes', currentAttempt: { agentId: 'spark-pi-driver' } });
});

test('Move one driver with spark-submit: the property the REST API reads; refused where the backend is off', async () => {
  const line = blocks('Move one driver').find((b) => b.text.includes('spark-submit'))!.text.replace(/\\\n\s*/g, '');
  const confs = Object.fromEntries([...line.matchAll(/--conf (\S+?)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  expect(confs).toEqual({ 'spark.mesos.dispatcher.backend': 'kubernetes', 'spark.kubernetes.container.image': 'apache/spark:3.5.1' });
  // What spark-submit sends for that line: Spark's create request with the two properties.
  const body = JSON.parse(JVM_CREATE_REQUEST) as Json;
  body.sparkProperties = { ...body.sparkProperties, ...confs };
  body.environmentVariables = {};
  let restUrl = '';
  const create = async (config: DispatcherConfig, operator: Operator): Promise<Json> => {
    const store = new KubeSubmissionStore({ kube: cluster!.client, informer: operator.informer, namespace: 'default', clock: systemClock, maxDrivers: 200, dispatcher: config });
    const rest = await startRestServer({ store, host: '127.0.0.1', port: 0 });
    closers.push(() => rest.close());
    restUrl = rest.url;
    const response = await request(`${rest.url}/v1/submissions/create`, { method: 'POST', headers: CLIENT_POST_HEADERS, body: JSON.stringify(body) });
    return await response.body.json() as Json;
  };
  const on = await dispatcher({ 'spark.mesos.dispatcher.kubernetes.enabled': 'true' });
  const created = await create(on.config, on.operator);
  expect(created).toMatchObject({ success: true });
  const done = await finished(on.cluster, created.submissionId as string);
  expect(done.status).toMatchObject({ outcome: 'Succeeded', backend: 'kubernetes' });
  // spark-submit --status reads it as it reads a Mesos driver's.
  const status = await request(`${restUrl}/v1/submissions/status/${created.submissionId as string}`, { headers: CLIENT_POST_HEADERS });
  expect(await status.body.json()).toMatchObject({ success: true, driverState: 'FINISHED' });
  const off = parseDispatcherConfig({ 'spark.master': 'm:5050', 'spark.home': '/spark' });
  if (!off.ok) throw new Error(off.errors.join());
  expect(await create(off.config, on.operator)).toMatchObject({ success: false, message: expect.stringContaining('kubernetes is not enabled on this dispatcher') });
});

test('Move a whole queue: its drivers that name no backend run as pods, with the default image', async () => {
  const conf = stringProps(yamlBlock('Move a whole queue').sparkConf as Json);
  const { cluster: c } = await dispatcher(conf);
  const plain = (name: string, spec: Json): string => {
    const manifest = JSON.parse(driverManifest(c, name, spec)) as Json;
    return JSON.stringify(manifest);
  };
  await c.kube.kubectl(['apply', '-f', '-'], { stdin: plain('in-batch', { queue: 'batch' }) });
  await c.kube.kubectl(['apply', '-f', '-'], { stdin: plain('elsewhere', {}) });
  expect((await finished(c, 'in-batch')).status).toMatchObject({ outcome: 'Succeeded', backend: 'kubernetes' });
  const other = await finished(c, 'elsewhere');
  expect(other.status.outcome).toBe('Succeeded');
  expect(other.status.backend).toBeUndefined();
});

test('Move the default: new drivers run as pods unless they say mesos; an admitted driver keeps its backend', async () => {
  const before = await dispatcher({ 'spark.mesos.dispatcher.kubernetes.enabled': 'true' });
  const c = before.cluster;
  await c.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(c, 'admitted', { arguments: ['sleep'] }) });
  await waitForDriver(c, 'admitted', 'running on Mesos', (d) => d.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
  await before.operator.stop();
  const conf = stringProps(yamlBlock('Move the default').sparkConf as Json);
  expect(conf).toEqual({ 'spark.mesos.dispatcher.backend': 'kubernetes' });
  const after = await dispatcher({ ...conf, 'spark.mesos.dispatcher.driverDefault.spark.kubernetes.container.image': 'apache/spark:3.5.1' });
  await c.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(c, 'new') });
  await c.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(c, 'stays', { backend: 'mesos' }) });
  expect((await finished(c, 'new')).status).toMatchObject({ outcome: 'Succeeded', backend: 'kubernetes' });
  expect((await finished(c, 'stays')).status.backend).toBeUndefined();
  await after.operator.schedulerLoop?.idle();
  const admitted = (await c.client.get<Json>({ group: 'sparkmesos.io', version: 'v1alpha1', plural: 'sparkdrivers', namespace: 'default', name: 'admitted' }));
  expect(admitted.status).toMatchObject({ phase: 'Launched', attempts: expect.any(Array) });
  expect(admitted.status.backend).toBeUndefined();
  expect(admitted.status.currentAttempt.mesos.state).toBe('TASK_RUNNING');
});

test('What differs: every Mesos-only key of the table is refused on pods, saying what to use instead', async () => {
  const rows = tableRows(section(section(guide, CHAPTER), 'What differs'));
  const documented = rows.flatMap((r) => codeSpans(r.cells[0] ?? '')).map((k) => k.replace(/\*$/, ''));
  const refused = MESOS_ONLY_KEYS.map((r) => r.key);
  // Every refused key has a row (a prefix as `prefix*`), and every row but the constraints is refused.
  for (const key of refused) expect(documented).toContain(key);
  expect(documented.filter((k) => !refused.includes(k))).toEqual(['spark.mesos.driver.constraints']);
  const { cluster: c } = await dispatcher({ 'spark.mesos.dispatcher.kubernetes.enabled': 'true' });
  await c.kube.kubectl(['apply', '-f', '-'], {
    stdin: driverManifest(c, 'mesos-keys', {
      backend: 'kubernetes',
      sparkProperties: { 'spark.kubernetes.container.image': 'apache/spark:3.5.1', 'spark.mesos.executor.docker.image': 'spark:3', 'spark.mesos.driver.constraints': 'rack:a,b' },
    }),
  });
  const refusedDriver = await finished(c, 'mesos-keys');
  expect(refusedDriver.status).toMatchObject({ outcome: 'Error', message: expect.stringContaining('spark.mesos.executor.docker.image: a Mesos-only setting, which the kubernetes backend cannot honour; use spark.kubernetes.container.image') });
  expect(refusedDriver.status.message).toContain("'rack:a,b' has no exact node selector");
  // An exact constraint becomes the node selector the chapter names.
  await c.kube.kubectl(['apply', '-f', '-'], {
    stdin: driverManifest(c, 'placed', { backend: 'kubernetes', sparkProperties: { 'spark.kubernetes.container.image': 'apache/spark:3.5.1', 'spark.mesos.driver.constraints': 'hostname:emulated-node' } }),
  });
  expect((await finished(c, 'placed')).status.outcome).toBe('Succeeded');
  const pod = await c.client.get<Json>({ group: '', version: 'v1', plural: 'pods', namespace: 'default', name: 'placed-driver' });
  expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'emulated-node' });
});
