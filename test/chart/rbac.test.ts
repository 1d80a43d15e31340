// The chart's RBAC is sufficient and minimal. The dispatcher (the operator, its leader election
// and its REST API, in process, configured from the rendered Deployment's own command line) runs
// end to end against the Kubernetes API emulator: drivers submitted with kubectl and with the
// REST API run, finish, are killed, deleted and expired; an invalid one is edited (its Event is
// counted up); a ScheduledSparkDriver creates a run that succeeds and is pruned; the leader steps down and a successor takes over after Mesos removed the
// framework, so the framework ID is forgotten and saved again. The emulator logs every request;
// each one the dispatcher sent (told apart by its User-Agent) must be allowed by the Roles and
// ClusterRoles the chart binds to its service account, and each thing those grant must have
// been used. Both RBAC layouts run: all namespaces (ClusterRole) and a list of namespaces
// (a Role per namespace), the second with the kubernetes backend on: its drivers run as pods
// (one adopting its pod name's owner check, one killed) and a pod's log is read through the
// dispatcher, so the pod grants are proven used; the first proves none are given without it.
// The `helm test` Pod's script runs against the live dispatcher too.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { createKubeClient } from '../../src/kube/kube-client.ts';
import type { KubeClient } from '../../src/kube/kube-client.ts';
import { createMetrics, startMetricsServer } from '../../src/metrics/index.ts';
import { Operator } from '../../src/operator/operator.ts';
import { ScheduledDrivers } from '../../src/scheduled/scheduled-drivers.ts';
import type { Clock } from '../../src/runtime/clock.ts';
import { KubeSubmissionStore } from '../../src/operator/submission-store.ts';
import { startRestServer } from '../../src/rest/index.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { parseDispatcherConfig } from '../../src/scheduler/index.ts';
import type { OperatorConfig } from '../../src/config/index.ts';
import type { RequestRecord } from '../../src/devcluster/kube/request-log.ts';
import { CLIENT_POST_HEADERS, JVM_CREATE_REQUEST } from '../rest/spark-client-fixtures.ts';
import { waitFor } from '../support/wait.ts';
import { applyPredatingRules, driverManifest, SPARK_IMAGE, startCluster } from '../operator/harness.ts';
import { DriverLogs, findAttempt } from '../../src/logs/driver-logs.ts';
import { SandboxFiles } from '../../src/mesos/sandbox-files.ts';
import { PodLogs } from '../../src/pods/pod-logs.ts';
import { parseSparkDriver } from '../../src/sparkdriver/sparkdriver.ts';
import { FINALIZER } from '../../src/operator/driver-controller.ts';
import type { Cluster } from '../operator/harness.ts';
import type { Json } from '../devcluster/kube/support.ts';
import { CI_VALUES, NAMESPACE, find, render } from './helm.ts';
import type { Manifest } from './helm.ts';
import { Rbac, describeGrant, describeRequest } from './rbac.ts';
import type { ResourceRequest } from './rbac.ts';
import { renderedDispatcher } from './rendered-config.ts';

/** The dispatcher's requests carry this User-Agent; the test's own (kubectl, polling) do not. */
const DISPATCHER_AGENT = 'spark-mesos-dispatcher/under-test';
const TEST_AGENT = 'chart-rbac-test';
const REST_TOKEN = 'rbac-test-token';
const SPARK_DRIVERS = { group: 'sparkmesos.io', version: 'v1alpha1', plural: 'sparkdrivers' };
const EVENTS = { group: '', version: 'v1', plural: 'events' };
const CONFIG_MAPS = { group: '', version: 'v1', plural: 'configmaps' };
const PODS = { group: '', version: 'v1', plural: 'pods' };

interface Run {
  manifests: Manifest[];
  config: OperatorConfig;
  requests: RequestRecord[];
  helmTest: { code: number; output: string };
}

const runs = new Map<string, Run>();
const SCENARIOS: [string, string][] = [
  ['all namespaces (ClusterRole)', CI_VALUES.find((f) => f.endsWith('default-values.yaml'))!],
  ['listed namespaces (a Role in each)', CI_VALUES.find((f) => f.endsWith('namespaced-rbac-values.yaml'))!],
];

beforeAll(async () => {
  for (const [name, values] of SCENARIOS) runs.set(name, await exercise(await render({ files: [values] })));
}, 60_000);

async function exercise(manifests: Manifest[]): Promise<Run> {
  const loaded = renderedDispatcher(manifests).result;
  if (!loaded.ok) throw new Error(`the rendered command line does not load: ${loaded.errors.join('; ')}`);
  const { config } = loaded;
  const k = config.kubernetes;
  const driverNamespaces = k.namespaces === 'all' ? ['default'] : [...k.namespaces];
  const cluster = await startCluster();
  const dir = await mkdtemp(path.join(tmpdir(), 'chart-rbac-'));
  const operators: Operator[] = [];
  const schedulers: ScheduledDrivers[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    for (const ns of new Set([k.operatorNamespace, k.submissionNamespace, ...driverNamespaces])) {
      if (ns !== 'default') await kubectl(cluster, ['create', 'namespace', ns]);
    }
    const probe = createKubeClient({ kubeConfig: { from: 'file', path: cluster.kube.kubeconfigPath }, userAgent: TEST_AGENT });
    const parsed = parseDispatcherConfig({ 'spark.master': `mesos://${new URL(cluster.mesos.url).host}`, 'spark.home': cluster.sparkHome });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    // The kubernetes backend as the rendered chart sets it.
    const dispatcher = { config: { ...parsed.config, kubernetes: config.dispatcher.kubernetes } };
    /** A replica as main.ts builds it, from the rendered configuration (lease timings shortened for the test). */
    const replica = (identity: string): { operator: Operator; kube: KubeClient } => {
      const kube = createKubeClient({ kubeConfig: { from: 'file', path: cluster.kube.kubeconfigPath }, userAgent: DISPATCHER_AGENT });
      const operator: Operator = new Operator({
        kube, identity, dispatcher: dispatcher.config,
        ...(k.namespaces !== 'all' && { namespaces: k.namespaces }),
        // A zero failover timeout: the master removes the framework as soon as its leader lets go.
        mesos: { master: cluster.mesos.url, framework: { user: 'spark', name: config.mesos.frameworkName, failoverTimeoutSeconds: 0, checkpoint: true } },
        stateNamespace: k.operatorNamespace, stateConfigMapName: k.frameworkIdConfigMap,
        leaderElection: { leaseName: k.leaderElection.leaseName, leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200 },
        metrics: createMetrics({ leaseName: k.leaderElection.leaseName, processMetrics: false }),
        clock: systemClock, random: Math.random, log: silentLogger,
        onFatal: () => { void scheduled.stop().then(() => operator.stop()); },
        onLeading: () => scheduled.lead(),
      });
      const scheduled = new ScheduledDrivers({
        kube, drivers: operator.informer, identity, clock: MINUTE_AHEAD, random: Math.random, log: silentLogger,
        ...(k.namespaces !== 'all' && { namespaces: k.namespaces }),
      });
      schedulers.push(scheduled);
      scheduled.start();
      operators.push(operator);
      return { operator, kube };
    };

    const replicas = [replica('replica-a'), replica('replica-b')];
    await Promise.all(replicas.map((r) => r.operator.start()));
    const leader = await waitFor(() => replicas.find((r) => r.operator.isLeader), 'a leader', 10_000);
    const follower = replicas.find((r) => r !== leader)!;
    await waitFor(() => leader.operator.mesosClient?.state === 'subscribed', 'the Mesos subscription');

    // Any replica serves the REST API; here the follower does, with a bearer token.
    const store = new KubeSubmissionStore({ kube: follower.kube, informer: follower.operator.informer, namespace: k.submissionNamespace, clock: systemClock, maxDrivers: 200 });
    const rest = await startRestServer({ store, host: '127.0.0.1', port: 0, auth: { kind: 'bearer', token: REST_TOKEN } });
    closers.push(() => rest.close());
    const metricsServer = await startMetricsServer({
      registry: createMetrics({ processMetrics: false }).registry, host: '127.0.0.1', port: 0, eventLoopDelayMs: () => 0,
      health: {
        cachesSynced: () => leader.operator.informer.hasSynced(), leader: () => leader.operator.isLeader,
        mesosSubscribed: () => leader.operator.mesosClient?.state === 'subscribed', shuttingDown: () => false,
      },
    });
    closers.push(() => metricsServer.close());

    await Promise.all([
      ...driverNamespaces.map((ns) => driverLifecycles(cluster, probe, ns)),
      ...driverNamespaces.map((ns) => scheduledLifecycle(cluster, probe, ns)),
      ...(config.dispatcher.kubernetes.enabled ? driverNamespaces.map((ns) => podLifecycles(cluster, probe, leader.kube, ns)) : []),
      restLifecycle(cluster, probe, rest.url, k.submissionNamespace),
    ]);
    const tokenFile = path.join(dir, 'token');
    await writeFile(tokenFile, REST_TOKEN);
    const helmTest = await runHelmTest(find(manifests, 'Pod'), { METRICS_URL: metricsServer.url, REST_URL: rest.url, TOKEN_FILE: tokenFile });

    // The leader steps down (SIGTERM): the Lease is released, and with a zero failover timeout
    // Mesos removes the framework. The follower takes over, is told the framework is gone,
    // forgets its ID and steps down; a new replica registers a new framework and saves its ID.
    const frameworkId = async (): Promise<string | undefined> => {
      try {
        return (await probe.get<Json>({ ...CONFIG_MAPS, namespace: k.operatorNamespace, name: k.frameworkIdConfigMap })).data?.frameworkId as string | undefined;
      } catch {
        return undefined;
      }
    };
    const first = await frameworkId();
    expect(first).toBeDefined();
    await leader.operator.stop();
    await waitFor(async () => (await frameworkId()) === undefined, 'the removed framework ID to be forgotten', 15_000);
    await waitFor(() => !follower.operator.isLeader, 'the follower to step down', 15_000);
    const successor = replica('replica-c');
    await successor.operator.start();
    await waitFor(async () => { const id = await frameworkId(); return id !== undefined && id !== first; }, 'a new framework ID', 15_000);
    await driverSucceeds(cluster, probe, driverNamespaces[0]!, 'after-takeover');

    for (const x of schedulers) await x.stop();
    for (const o of operators) await o.stop();
    const requests = cluster.kube.server.requests().filter((r) => r.userAgent === DISPATCHER_AGENT);
    return { manifests, config, requests, helmTest };
  } finally {
    for (const close of closers) await close();
    for (const x of schedulers) await x.stop();
    for (const o of operators) await o.stop();
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function kubectl(cluster: Cluster, args: string[], stdin?: string): Promise<string> {
  const result = await cluster.kube.kubectl(args, stdin === undefined ? {} : { stdin });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const apply = (cluster: Cluster, namespace: string, name: string, spec: Json = {}): Promise<string> => {
  const manifest = JSON.parse(driverManifest(cluster, name, spec)) as Json;
  manifest.metadata.namespace = namespace;
  return kubectl(cluster, ['apply', '-f', '-'], JSON.stringify(manifest));
};

async function driver(probe: KubeClient, namespace: string, name: string): Promise<Json | undefined> {
  try {
    return await probe.get<Json>({ ...SPARK_DRIVERS, namespace, name });
  } catch {
    return undefined;
  }
}

async function until(probe: KubeClient, namespace: string, name: string, what: string, match: (d: Json | undefined) => boolean): Promise<void> {
  let last: Json | undefined;
  try {
    await waitFor(async () => match(last = await driver(probe, namespace, name)), `${namespace}/${name}: ${what}`, 20_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last status ${JSON.stringify({ phase: last?.status?.phase, outcome: last?.status?.outcome, message: last?.status?.message })}`, { cause: error });
  }
}

async function driverSucceeds(cluster: Cluster, probe: KubeClient, namespace: string, name: string): Promise<void> {
  await apply(cluster, namespace, name);
  await until(probe, namespace, name, 'Succeeded, finalizer gone', (d) => d?.status?.outcome === 'Succeeded' && (d.metadata.finalizers ?? []).length === 0);
}

/** kubectl's drivers in one namespace: run to the end, deleted while running, expired by TTL, and an invalid one edited. */
async function driverLifecycles(cluster: Cluster, probe: KubeClient, ns: string): Promise<void> {
  await Promise.all([
    driverSucceeds(cluster, probe, ns, 'pi'),
    (async () => {
      await apply(cluster, ns, 'long', { arguments: ['sleep'] });
      await until(probe, ns, 'long', 'running', (d) => d?.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
      await kubectl(cluster, ['delete', '-n', ns, 'sparkdriver', 'long', '--timeout=30s']);
    })(),
    (async () => {
      await apply(cluster, ns, 'short', { ttlSecondsAfterFinished: 1 });
      await until(probe, ns, 'short', 'expired', (d) => d === undefined);
    })(),
    (async () => {
      // A driver from before 0.2 carries the kill-task finalizer: the dispatcher removes it once it finished.
      const manifest = JSON.parse(driverManifest(cluster, 'legacy')) as Json;
      manifest.metadata = { name: 'legacy', namespace: ns, finalizers: [FINALIZER] };
      await kubectl(cluster, ['apply', '-f', '-'], JSON.stringify(manifest));
      await until(probe, ns, 'legacy', 'finished without the finalizer', (d) => d?.status?.phase === 'Finished' && !(d.metadata.finalizers ?? []).includes(FINALIZER));
    })(),
    (async () => {
      // Refused by today's CRD: it stands for a driver created before the rule existed.
      await applyPredatingRules(cluster, JSON.stringify({ ...JSON.parse(driverManifest(cluster, 'invalid', { sparkProperties: { 'spark.driver.supervise': 'sometimes' } })), metadata: { name: 'invalid', namespace: ns } }), ns);
      await until(probe, ns, 'invalid', 'rejected', (d) => d?.status?.outcome === 'Rejected');
      // An edit makes the dispatcher look again; the same warning counts up the existing Event.
      await kubectl(cluster, ['patch', '-n', ns, 'sparkdriver', 'invalid', '--type=merge', '-p', '{"spec":{"ttlSecondsAfterFinished":3600}}']);
      await waitFor(async () => {
        const events = await probe.list(EVENTS, { namespace: ns, fieldSelector: 'involvedObject.name=invalid' });
        return (events.items as Json[]).some((e) => e.reason === 'InvalidSpec' && e.count === 2);
      }, `${ns}/invalid: the InvalidSpec Event counted twice`);
    })(),
  ]);
}

/**
 * Drivers on the kubernetes backend in one namespace: one runs to the end and its pod's log is
 * read through the dispatcher's client; one finds its pod's name taken (by a pod that is not its
 * own: it is looked at, then the driver runs under the next name); one is killed.
 */
async function podLifecycles(cluster: Cluster, probe: KubeClient, dispatcher: KubeClient, ns: string): Promise<void> {
  const onPods = { backend: 'kubernetes', sparkProperties: { 'spark.kubernetes.container.image': SPARK_IMAGE } };
  await Promise.all([
    (async () => {
      await apply(cluster, ns, 'pod-pi', onPods);
      await until(probe, ns, 'pod-pi', 'Succeeded', (d) => d?.status?.outcome === 'Succeeded');
      const parsed = parseSparkDriver(await driver(probe, ns, 'pod-pi'));
      const attempt = parsed.ok ? findAttempt(parsed.resource) : { problem: parsed.problems.join('; ') };
      if ('problem' in attempt) throw new Error(attempt.problem);
      const read = await new DriverLogs(new SandboxFiles({ masters: () => [] }), new PodLogs(dispatcher)).read(attempt, 'stdout', 0);
      expect(read).toMatchObject({ ok: true, data: expect.stringContaining('spark-submit --name pod-pi') });
    })(),
    (async () => {
      await probe.create(PODS, ns, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-taken-driver' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: SPARK_IMAGE, command: ['true'] }] } });
      await apply(cluster, ns, 'pod-taken', onPods);
      await until(probe, ns, 'pod-taken', 'Succeeded under the next name', (d) => d?.status?.outcome === 'Succeeded' && d.status.currentAttempt?.agentId === 'pod-taken-driver-retry-1');
    })(),
    (async () => {
      await apply(cluster, ns, 'pod-long', { ...onPods, arguments: ['sleep'] });
      await until(probe, ns, 'pod-long', 'running', (d) => d?.status?.currentAttempt?.mesos?.state === 'TASK_RUNNING');
      await kubectl(cluster, ['patch', '-n', ns, 'sparkdriver', 'pod-long', '--type=merge', '-p', '{"spec":{"kill":true}}']);
      await until(probe, ns, 'pod-long', 'killed', (d) => d?.status?.outcome === 'Killed');
    })(),
  ]);
}

/**
 * The ScheduledSparkDriver controller's clock runs a minute ahead of the API server's: a
 * schedule of every minute is due as soon as it is created (caught up), without waiting.
 */
const MINUTE_AHEAD: Clock = { now: () => Date.now() + 61_000, setTimer: (ms, fn) => systemClock.setTimer(ms, fn) };

/** A ScheduledSparkDriver whose run succeeds and, with a history of 0, is deleted; then it is deleted itself. */
async function scheduledLifecycle(cluster: Cluster, probe: KubeClient, ns: string): Promise<void> {
  const template = (JSON.parse(driverManifest(cluster, 'template')) as Json).spec as Json;
  const manifest = { apiVersion: 'sparkmesos.io/v1alpha1', kind: 'ScheduledSparkDriver', metadata: { name: 'every-minute', namespace: ns },
    spec: { schedule: '* * * * *', concurrencyPolicy: 'Forbid', successfulRunHistoryLimit: 0, template } };
  await kubectl(cluster, ['apply', '-f', '-'], JSON.stringify(manifest));
  const ref = { group: 'sparkmesos.io', version: 'v1alpha1', plural: 'scheduledsparkdrivers', namespace: ns, name: 'every-minute' };
  await waitFor(async () => {
    const status = (await probe.get<Json>(ref)).status as Json | undefined;
    return status?.lastSuccessfulTime !== undefined && status.activeCount === 0;
  }, `${ns}/every-minute: a run succeeded`, 20_000);
  await kubectl(cluster, ['delete', '-n', ns, 'ssd', 'every-minute']);
}

/** spark-submit's create, status and kill through the REST API. */
async function restLifecycle(cluster: Cluster, probe: KubeClient, url: string, ns: string): Promise<void> {
  const call = async (method: 'GET' | 'POST', route: string, body?: string): Promise<Json> => {
    const response = await request(`${url}${route}`, { method, headers: { ...CLIENT_POST_HEADERS, authorization: `Bearer ${REST_TOKEN}` }, ...(body !== undefined && { body }) });
    return await response.body.json() as Json;
  };
  const create = JVM_CREATE_REQUEST.replaceAll('http://repo/app.jar', `file://${cluster.appJar}`)
    .replace('"SPARK_EXECUTOR_URI" : "http://repo/spark-3.5.1-bin-hadoop3.tgz"', '"SPARK_SCALA_VERSION" : "2.12"')
    .replace('"appArgs" : [ "100" ]', '"appArgs" : [ "sleep" ]');
  const created = await call('POST', '/v1/submissions/create', create);
  expect(created).toMatchObject({ success: true });
  const id = created.submissionId as string;
  await waitFor(async () => (await call('GET', `/v1/submissions/status/${id}`)).driverState === 'RUNNING', `${id} running`, 20_000);
  expect(await call('POST', `/v1/submissions/kill/${id}`)).toMatchObject({ success: true });
  await until(probe, ns, id, 'killed', (d) => d?.status?.phase === 'Finished');
  expect(await call('GET', '/v1/submissions/status/driver-20000101000000-0001')).toMatchObject({ driverState: 'NOT_FOUND' });
}

/** The `helm test` Pod's own script, run with the machine's sh and curl against the live servers. */
async function runHelmTest(pod: Manifest, env: Record<string, string>): Promise<{ code: number; output: string }> {
  const container = pod.spec.containers[0] as Manifest;
  const [shell, flags, script] = container.command as string[];
  expect(Object.keys(env).sort()).toEqual((container.env as Manifest[]).map((e) => e.name as string).sort());
  return new Promise((resolve) => {
    execFile(shell!, [flags!, script!], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr });
    });
  });
}

const asRequest = (r: RequestRecord): ResourceRequest =>
  ({ verb: r.verb, group: r.group, resource: r.resource, subresource: r.subresource, namespace: r.namespace, name: r.name });

describe.each(SCENARIOS)('%s', (scenario) => {
  const run = (): Run => runs.get(scenario)!;
  const rbac = (): Rbac => {
    const sa = find(run().manifests, 'ServiceAccount');
    expect(find(run().manifests, 'Deployment').spec.template.spec.serviceAccountName).toBe(sa.metadata.name);
    return new Rbac(run().manifests, { namespace: NAMESPACE, name: sa.metadata.name as string });
  };

  test('the dispatcher went through the whole lifecycle, and the helm test script passed against it', () => {
    const { requests, helmTest } = run();
    const seen = new Set(requests.map((r) => `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''}`));
    for (const what of ['list sparkdrivers', 'watch sparkdrivers', 'create sparkdrivers', 'get sparkdrivers', 'patch sparkdrivers', 'delete sparkdrivers',
      'patch sparkdrivers/status', 'list scheduledsparkdrivers', 'watch scheduledsparkdrivers', 'patch scheduledsparkdrivers/status', 'create events', 'patch events', 'create leases', 'get leases', 'update leases', 'create configmaps', 'get configmaps', 'update configmaps']) {
      expect(seen).toContain(what);
    }
    const podVerbs = ['create pods', 'get pods', 'list pods', 'watch pods', 'delete pods', 'get pods/log'];
    if (run().config.dispatcher.kubernetes.enabled) for (const what of podVerbs) expect(seen).toContain(what);
    else expect([...seen].filter((what) => what.includes('pods'))).toEqual([]);
    expect({ code: helmTest.code, output: helmTest.output }).toEqual({ code: 0, output: expect.stringContaining('"driverState" : "NOT_FOUND"') });
  });

  test('the dispatcher only made resource requests, never discovery or other paths', () => {
    expect(run().requests.filter((r) => !r.resourceRequest).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  test('every request the dispatcher made is allowed by the rules the chart binds to its service account', () => {
    const authz = rbac();
    expect(authz.dangling).toEqual([]);
    const forbidden = [...new Set(run().requests.map(asRequest).filter((r) => authz.allowing(r).length === 0).map(describeRequest))];
    expect(forbidden).toEqual([]);
  });

  test('every verb the chart grants was used: nothing is granted that the dispatcher never does', () => {
    const authz = rbac();
    const requests = run().requests.map(asRequest).map((r) => ({ r, allowing: authz.allowing(r) }));
    const unused = authz.grants().filter((g) => !requests.some(({ r, allowing }) => Rbac.uses(g, r, allowing))).map(describeGrant);
    expect(unused).toEqual([]);
  });

  test('no wildcard, no secrets, no cluster-scoped resource beyond the SparkDriver and ScheduledSparkDriver watches', () => {
    const authz = rbac();
    for (const { rule } of authz.bound) {
      expect([...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs]).not.toContain('*');
      expect(rule.resources).not.toContain('secrets');
      expect(rule.nonResourceURLs).toBeUndefined();
    }
    // Pods only with the kubernetes backend.
    const podRules = authz.bound.filter((b) => b.rule.resources?.some((r) => r.startsWith('pods')));
    expect(podRules.length > 0).toBe(run().config.dispatcher.kubernetes.enabled);
    const clusterWide = authz.bound.filter((b) => b.scope === '*').flatMap((b) => b.rule.resources ?? []);
    const driverResources = ['sparkdrivers', 'sparkdrivers/status', 'scheduledsparkdrivers', 'scheduledsparkdrivers/status', 'events'];
    expect(clusterWide.filter((r) => !driverResources.includes(r))).toEqual([]);
    // The Lease and the framework ID ConfigMap: only in the release namespace, and only by name except create.
    for (const b of authz.bound.filter((x) => x.rule.resources?.some((r) => r === 'leases' || r === 'configmaps'))) {
      expect(b.scope).toBe(NAMESPACE);
      if (!b.rule.verbs.includes('create')) expect(b.rule.resourceNames?.length).toBe(1);
    }
  });
});

test('the authorizer itself: scope, subresources, resource names and verbs decide', () => {
  const manifests: Manifest[] = [
    { kind: 'Role', metadata: { name: 'r', namespace: 'a' }, rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['cm'], verbs: ['get'] }] },
    { kind: 'RoleBinding', metadata: { name: 'r', namespace: 'a' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'x' }] },
    { kind: 'ClusterRole', metadata: { name: 'c' }, rules: [{ apiGroups: ['g'], resources: ['things'], verbs: ['list'] }] },
    { kind: 'ClusterRoleBinding', metadata: { name: 'c' }, roleRef: { kind: 'ClusterRole', name: 'c' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'x' }] },
    { kind: 'RoleBinding', metadata: { name: 'other', namespace: 'a' }, roleRef: { kind: 'Role', name: 'missing' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'x' }] },
  ];
  const authz = new Rbac(manifests, { namespace: 'x', name: 'sa' });
  const req = (over: Partial<ResourceRequest>): ResourceRequest => ({ verb: 'get', group: '', resource: 'configmaps', subresource: '', namespace: 'a', name: 'cm', ...over });
  expect(authz.allowing(req({}))).toHaveLength(1);
  expect(authz.allowing(req({ namespace: 'b' }))).toHaveLength(0);
  expect(authz.allowing(req({ name: 'other' }))).toHaveLength(0);
  expect(authz.allowing(req({ verb: 'update' }))).toHaveLength(0);
  expect(authz.allowing(req({ verb: 'list', group: 'g', resource: 'things', namespace: '', name: '' }))).toHaveLength(1);
  expect(authz.allowing(req({ verb: 'list', group: 'g', resource: 'things', subresource: 'status', namespace: 'a', name: '' }))).toHaveLength(0);
  expect(authz.dangling).toEqual(['RoleBinding/other → Role/a/missing']);
  expect(new Rbac(manifests, { namespace: 'x', name: 'someone-else' }).bound).toEqual([]);
});
