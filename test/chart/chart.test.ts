// The Helm chart as `helm lint --strict` and `helm template` see it, with its default values and
// with every file in ci/: every rendered manifest validates against its kind's schema, the
// restricted security context and probes are there, the objects refer to each other correctly,
// and the dispatcher's own configuration loader accepts the command line and properties file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { CRD_FILE } from '../../src/sparkdriver/crd.ts';
import { SCHEDULED_CRD_FILE } from '../../src/scheduled/crd.ts';
import { CHART, CI_VALUES, MONITORING_API, NAMESPACE, find, helm, label, render, templateArgs } from './helm.ts';
import type { Manifest } from './helm.ts';
import { validateManifest } from './kube-schema.ts';
import { MESOS_SECRET, POD_NAME, REST_TOKEN, renderedDispatcher } from './rendered-config.ts';

/** The default values, then each ci/ file: [name, values files]. */
const VALUE_SETS: [string, string[]][] = [['defaults', []], ...CI_VALUES.map((f): [string, string[]] => [path.basename(f), [f]])];
const ALL_FEATURES = CI_VALUES.find((f) => f.endsWith('all-features-values.yaml'))!;
const NAMESPACED = CI_VALUES.find((f) => f.endsWith('namespaced-rbac-values.yaml'))!;

const rendered = new Map<string, Manifest[]>();
beforeAll(async () => {
  await Promise.all(VALUE_SETS.map(async ([name, files]) => {
    rendered.set(name, await render({ files, apiVersions: [MONITORING_API], includeCrds: true }));
  }));
});
const manifestsOf = (name: string): Manifest[] => rendered.get(name)!;
const pods = (ms: readonly Manifest[]): Manifest => find(ms, 'Deployment').spec.template;
const dispatcherContainer = (ms: readonly Manifest[]): Manifest => (pods(ms).spec.containers as Manifest[]).find((c) => c.name === 'dispatcher')!;
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

test('Chart.yaml: apiVersion v2, an application chart whose appVersion is the package version', async () => {
  const chart = parse(await readFile(path.join(CHART, 'Chart.yaml'), 'utf8')) as Manifest;
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
  expect(chart).toMatchObject({ apiVersion: 'v2', name: 'spark-mesos-dispatcher', type: 'application', appVersion: pkg.version });
});

test('ci/ holds the default, namespaced-RBAC and all-features values', () => {
  expect(CI_VALUES.map((f) => path.basename(f))).toEqual(['all-features-values.yaml', 'default-values.yaml', 'namespaced-rbac-values.yaml']);
});

test.each(VALUE_SETS)('helm lint --strict passes with %s', async (_name, files) => {
  const result = await helm(['lint', '--strict', CHART, '--namespace', NAMESPACE, ...files.flatMap((f) => ['-f', f])]);
  expect(result.stderr).toBe('');
  expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
  expect(result.code).toBe(0);
});

test.each(VALUE_SETS)('with %s every rendered manifest validates against the schema of its kind', (name) => {
  const manifests = manifestsOf(name);
  expect(manifests.length).toBeGreaterThan(10);
  const problems = manifests.flatMap((m) => validateManifest(m).map((p) => `${label(m)}: ${p}`));
  expect(problems).toEqual([]);
});

test('the validation catches what the API server would refuse: wrong types, missing fields, unknown fields', () => {
  const deployment = structuredClone(find(manifestsOf('defaults'), 'Deployment'));
  deployment.spec.replicas = 'two';
  deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
  delete deployment.spec.selector;
  const rule = structuredClone(find(manifestsOf('all-features-values.yaml'), 'PrometheusRule'));
  rule.spec.groups[0].rules[0].fro = '5m';
  expect(validateManifest(deployment)).toEqual(expect.arrayContaining([
    'data/spec/replicas must be integer', 'data/spec must have required property selector',
    '/spec/template/spec/containers[0]/securityContext/readOnlyRootFileSystem: unknown field "readOnlyRootFileSystem" (V1SecurityContext)',
  ]));
  expect(validateManifest(rule)).toEqual(['/spec/groups/0/rules/0 must NOT have additional properties "fro"']);
  expect(validateManifest({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })).toEqual([expect.stringContaining('no schema for v1/Secret')]);
});

test.each(VALUE_SETS)('with %s every object carries the app.kubernetes.io labels and lives in the release namespace', (name) => {
  for (const m of manifestsOf(name).filter((x) => x.kind !== 'CustomResourceDefinition')) {
    expect({ object: label(m), labels: m.metadata.labels }).toEqual({
      object: label(m),
      labels: expect.objectContaining({
        'app.kubernetes.io/name': 'spark-mesos-dispatcher', 'app.kubernetes.io/instance': 'smd', 'app.kubernetes.io/version': '0.1.0',
        'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/part-of': 'spark-mesos-dispatcher', 'helm.sh/chart': 'spark-mesos-dispatcher-0.1.0',
        'app.kubernetes.io/component': expect.any(String),
      }),
    });
    const elsewhere = m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding' || m.kind === 'Role' || m.kind === 'RoleBinding'
      || (m.kind === 'ConfigMap' && m.metadata.name.endsWith('-dashboard'));
    if (!elsewhere) expect({ object: label(m), namespace: m.metadata.namespace }).toEqual({ object: label(m), namespace: NAMESPACE });
  }
  expect(manifestsOf(name).filter((m) => m.kind === 'Secret')).toEqual([]);
});

test('the defaults: two replicas with leader election, a restricted pod, probes, resources, /tmp, graceful termination', () => {
  const ms = manifestsOf('defaults');
  const deployment = find(ms, 'Deployment');
  expect(deployment.spec.replicas).toBe(2);
  const { spec } = deployment.spec.template;
  const container = dispatcherContainer(ms);
  expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(container.securityContext).toEqual({
    allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
    capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
  expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
  expect(container.resources).toEqual({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { cpu: expect.any(String), memory: expect.any(String) } });
  const tmp = (container.volumeMounts as Manifest[]).find((v) => v.mountPath === '/tmp');
  expect((spec.volumes as Manifest[]).find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
  // Lease release, Mesos stream close and the status writes in flight take seconds, not 30.
  expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
  expect(container.env).toEqual(expect.arrayContaining([
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    // The image's start script sizes the V8 heap from it.
    { name: 'SMD_MEMORY_LIMIT_MIB', valueFrom: { resourceFieldRef: { containerName: 'dispatcher', resource: 'limits.memory', divisor: '1Mi' } } },
  ]));
  expect(container.args).toEqual(expect.arrayContaining(['--leader-election', '--lease-duration=15s']));
  expect(spec.serviceAccountName).toBe(find(ms, 'ServiceAccount').metadata.name);
  expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
  expect(find(ms, 'PodDisruptionBudget').spec.minAvailable).toBe(1);
  // Optional parts stay off.
  for (const kind of ['Ingress', 'NetworkPolicy', 'ServiceMonitor', 'PrometheusRule']) expect(ms.filter((m) => m.kind === kind)).toEqual([]);
  expect(ms.filter((m) => m.kind === 'ConfigMap').map((m) => m.metadata.name)).toEqual(['smd-spark-mesos-dispatcher-config']);
});

test.each(VALUE_SETS)('with %s the Services, PDB, ServiceMonitor, Ingress and NetworkPolicy point at ports and pods that exist', (name) => {
  const ms = manifestsOf(name);
  const template = pods(ms);
  const podLabels = template.metadata.labels as Record<string, string>;
  const container = dispatcherContainer(ms);
  const portNames = (container.ports as Manifest[]).map((p) => p.name as string);
  expect(matches(find(ms, 'Deployment').spec.selector.matchLabels, podLabels)).toBe(true);
  // Helm 4 applies server-side: a duplicate list key (env name, port) fails the install.
  const envNames = (container.env as Manifest[]).map((e) => e.name as string);
  expect(new Set(envNames).size).toBe(envNames.length);
  expect(new Set(portNames).size).toBe(portNames.length);

  const services = ms.filter((m) => m.kind === 'Service');
  expect(services.map((s) => [s.metadata.labels['app.kubernetes.io/component'], s.spec.ports[0].targetPort]).sort()).toEqual([['metrics', 'metrics'], ['rest', 'rest'], ['ui', 'ui']]);
  for (const service of services) expect(matches(service.spec.selector, podLabels)).toBe(true);
  const portOf = (n: string): number => (container.ports as Manifest[]).find((p) => p.name === n)!.containerPort as number;
  expect([portOf('rest'), portOf('ui'), portOf('metrics')]).toEqual([7077, 8081, 8080]);

  for (const pdb of ms.filter((m) => m.kind === 'PodDisruptionBudget')) {
    expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(pdb.spec.minAvailable).toBeLessThan(find(ms, 'Deployment').spec.replicas);
  }
  for (const monitor of ms.filter((m) => m.kind === 'ServiceMonitor')) {
    const selected = services.filter((s) => matches(monitor.spec.selector.matchLabels, s.metadata.labels));
    expect(selected.map((s) => s.metadata.name)).toEqual(['smd-spark-mesos-dispatcher-metrics']);
    expect(monitor.spec.endpoints.map((e: Manifest) => e.port)).toEqual(['metrics']);
  }
  for (const ingress of ms.filter((m) => m.kind === 'Ingress')) {
    const backends = (ingress.spec.rules as Manifest[]).flatMap((r) => r.http.paths.map((p: Manifest) => p.backend.service));
    expect(backends).toEqual([{ name: 'smd-spark-mesos-dispatcher-ui', port: { name: 'ui' } }]);
  }
  for (const policy of ms.filter((m) => m.kind === 'NetworkPolicy')) {
    expect(matches(policy.spec.podSelector.matchLabels, podLabels)).toBe(true);
    const rest = (policy.spec.ingress as Manifest[]).find((r) => r.ports.some((p: Manifest) => p.port === 'rest'))!;
    // The REST API is never open to all: `from` is always there, and the helm test pod is in it.
    expect(rest.from.length).toBeGreaterThan(0);
    const testPod = find(ms, 'Pod');
    expect(rest.from.some((peer: Manifest) => peer.podSelector && matches(peer.podSelector.matchLabels, testPod.metadata.labels))).toBe(true);
    for (const rule of policy.spec.ingress as Manifest[]) for (const p of rule.ports) expect(portNames).toContain(p.port);
  }
});

test.each(VALUE_SETS)('with %s the dispatcher\'s own loader accepts the rendered command line, environment and properties file', (name) => {
  const { result } = renderedDispatcher(manifestsOf(name));
  if (!result.ok) throw new Error(`loadConfig refused the rendered Deployment: ${result.errors.join('; ')}`);
  const { config } = result;
  expect(config.kubernetes).toMatchObject({
    connection: { mode: 'in-cluster' }, operatorNamespace: NAMESPACE, frameworkIdConfigMap: 'smd-spark-mesos-dispatcher-framework-id',
    leaderElection: { enabled: true, leaseName: 'smd-spark-mesos-dispatcher' },
  });
  expect(config.network.bindAddress).toBe('0.0.0.0');
  expect(config.mesos.webuiUrl).toMatch(/^https?:\/\//);
});

test('the defaults: all namespaces, REST submissions into the release namespace, no credentials', () => {
  const { result, args } = renderedDispatcher(manifestsOf('defaults'));
  if (!result.ok) throw new Error(result.errors.join('; '));
  expect(result.config.kubernetes).toMatchObject({ namespaces: 'all', submissionNamespace: NAMESPACE, leaderElection: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 } });
  expect(result.config.mesos).toMatchObject({ master: 'leader.mesos:5050', principal: undefined, secret: undefined, failoverTimeoutSeconds: 2_147_483_647, webuiUrl: `http://smd-spark-mesos-dispatcher-ui.${NAMESPACE}.svc:8081` });
  expect(result.config.rest.authToken).toBeUndefined();
  expect(args).not.toContain('--namespaces');
  expect(result.warnings).toEqual([]);
});

test('all features: credentials from the mounted Secrets, the role, failover timeout and spark.mesos.* defaults from values', () => {
  const ms = manifestsOf('all-features-values.yaml');
  const { result, env } = renderedDispatcher(ms);
  if (!result.ok) throw new Error(result.errors.join('; '));
  const { config } = result;
  expect(config.mesos).toMatchObject({
    master: 'leader.mesos:5050', frameworkName: 'Spark Cluster (production)', role: 'spark', user: 'spark',
    principal: 'spark-dispatcher', principalSource: 'spark.mesos.principal', secret: MESOS_SECRET, secretSource: 'SPARK_MESOS_SECRET_FILE',
    failoverTimeoutSeconds: 7 * 86_400, webuiUrl: 'https://spark-dispatcher.example.com',
  });
  expect(config.rest.authToken).toBe(REST_TOKEN);
  expect(config.kubernetes).toMatchObject({ namespaces: 'all', submissionNamespace: 'spark-jobs', leaderElection: { leaseDurationMs: 20_000 } });
  expect(config.dispatcher).toMatchObject({ maxDrivers: 500, retainedDrivers: 500, rejectOfferDurationSeconds: 60, fetcherCacheEnable: true, sparkHome: '/opt/spark' });
  expect(config.sparkProperties).toMatchObject({
    'spark.mesos.driver.labels': 'team:data\\,platform',
    'spark.mesos.dispatcher.driverDefault.spark.executor.extraJavaOptions': '-Dlog4j.configuration=file:/etc/spark/log4j.properties -XX:+UseG1GC',
  });
  expect(env.POD_NAME).toBe(POD_NAME);
  // The secret is a file from an existing Secret, never a value in the chart's output.
  const text = JSON.stringify(ms);
  expect(text).not.toContain(MESOS_SECRET);
  const container = dispatcherContainer(ms);
  const secretVolumes = (pods(ms).spec.volumes as Manifest[]).filter((v) => v.secret).map((v) => v.secret);
  expect(secretVolumes).toEqual([
    { secretName: 'mesos-credentials', defaultMode: 0o440, items: [{ key: 'spark-dispatcher', path: 'secret' }] },
    { secretName: 'spark-dispatcher-rest', defaultMode: 0o440, items: [{ key: 'token', path: 'token' }] },
  ]);
  expect((container.env as Manifest[]).some((e) => /SECRET$/.test(e.name as string) && e.value !== undefined && !String(e.value).startsWith('/'))).toBe(false);
  const dashboard = find(ms, 'ConfigMap', 'smd-spark-mesos-dispatcher-dashboard');
  expect(dashboard.metadata).toMatchObject({ namespace: 'monitoring', labels: { grafana_dashboard: '1' }, annotations: { grafana_folder: 'Spark' } });
  expect(JSON.parse(dashboard.data['spark-mesos-dispatcher.json'] as string)).toMatchObject({ uid: 'spark-mesos-dispatcher', title: 'Spark Mesos Dispatcher' });
});

test('namespaced RBAC: --namespaces lists the watched namespaces and REST submissions go to one of them', () => {
  const { result } = renderedDispatcher(manifestsOf('namespaced-rbac-values.yaml'));
  if (!result.ok) throw new Error(result.errors.join('; '));
  expect(result.config.kubernetes).toMatchObject({ namespaces: ['spark-jobs', 'spark-adhoc'], submissionNamespace: 'spark-adhoc' });
  expect(result.config.mesos).toMatchObject({ master: 'm1.mesos:5050,m2.mesos:5050,m3.mesos:5050', role: 'spark/batch' });
  const roles = manifestsOf('namespaced-rbac-values.yaml').filter((m) => m.kind === 'Role' || m.kind === 'ClusterRole');
  expect(roles.map((r) => `${r.kind}/${r.metadata.namespace}/${r.metadata.name}`).sort()).toEqual([
    'Role/dispatcher/smd-spark-mesos-dispatcher-state', 'Role/spark-adhoc/smd-spark-mesos-dispatcher', 'Role/spark-adhoc/smd-spark-mesos-dispatcher-submission',
    'Role/spark-jobs/smd-spark-mesos-dispatcher',
  ]);
});

test('one replica without leader election: no Lease rules, no PDB', async () => {
  const ms = await render({ set: ['replicaCount=1', 'leaderElection.enabled=false'] });
  expect(dispatcherContainer(ms).args).toContain('--no-leader-election');
  expect(ms.filter((m) => m.kind === 'PodDisruptionBudget')).toEqual([]);
  const state = find(ms, 'Role', 'smd-spark-mesos-dispatcher-state');
  expect(state.rules.flatMap((r: Manifest) => r.resources)).not.toContain('leases');
  const { result } = renderedDispatcher(ms);
  expect(result.ok && result.config.kubernetes.leaderElection.enabled).toBe(false);
});

test('the ServiceMonitor and PrometheusRule need the Prometheus Operator\'s API; without it NOTES says they were skipped', async () => {
  const without = await helm(templateArgs({ files: [ALL_FEATURES] }));
  const kinds = without.stdout.match(/^kind: \w+$/gm) ?? [];
  expect(kinds).not.toContain('kind: ServiceMonitor');
  expect(kinds).not.toContain('kind: PrometheusRule');
  const notes = await helm(['install', 'smd', CHART, '--dry-run=client', '--namespace', NAMESPACE, '-f', ALL_FEATURES]);
  expect(notes.stdout).toContain('WARNING: serviceMonitor.enabled is true, but the cluster has no monitoring.coreos.com/v1 API');
  expect(notes.stdout).toContain('WARNING: prometheusRule.enabled is true');
  expect(notes.stdout).toContain('--api-versions monitoring.coreos.com/v1 or set assumePrometheusOperatorApi=true');
});

test('helm template renders them with --api-versions monitoring.coreos.com/v1, or when assumePrometheusOperatorApi forces them', async () => {
  for (const args of [templateArgs({ files: [ALL_FEATURES], apiVersions: [MONITORING_API] }),
    [...templateArgs({ files: [ALL_FEATURES] }), '--set', 'assumePrometheusOperatorApi=true']]) {
    const rendered = await helm(args);
    expect(rendered.code).toBe(0);
    const kinds = rendered.stdout.match(/^kind: \w+$/gm) ?? [];
    expect(kinds).toEqual(expect.arrayContaining(['kind: ServiceMonitor', 'kind: PrometheusRule']));
  }
});

test('NOTES.txt tells how to submit, reach the UI, find the leader and run the helm test', async () => {
  const notes = await helm(['install', 'smd', CHART, '--dry-run=client', '--namespace', NAMESPACE, '-f', NAMESPACED]);
  expect(notes.code).toBe(0);
  expect(notes.stdout).toContain('spark-submit --deploy-mode cluster --master mesos://smd-spark-mesos-dispatcher.dispatcher.svc:7077');
  expect(notes.stdout).toContain('kubectl wait -n spark-adhoc --for=condition=Succeeded sparkdriver/<name>');
  expect(notes.stdout).toContain('kubectl port-forward -n dispatcher svc/smd-spark-mesos-dispatcher-ui 8081');
  expect(notes.stdout).toContain('kubectl get lease -n dispatcher smd-spark-mesos-dispatcher');
  expect(notes.stdout).toContain('helm test smd -n dispatcher');
  expect(notes.stdout).toContain('The REST API asks for no credentials');
});

test('the helm test hook is a restricted Pod annotated helm.sh/hook: test', () => {
  const pod = find(manifestsOf('defaults'), 'Pod');
  expect(pod.metadata.annotations['helm.sh/hook']).toBe('test');
  expect(pod.spec.restartPolicy).toBe('Never');
  expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
});

test('the CRDs in the chart\'s crds/ are the generated ones, byte for byte, and helm installs them', async () => {
  for (const file of [CRD_FILE, SCHEDULED_CRD_FILE]) {
    const [chartCopy, generated] = await Promise.all([readFile(path.join(CHART, 'crds', path.basename(file)), 'utf8'), readFile(file, 'utf8')]);
    if (chartCopy !== generated) throw new Error(`charts/spark-mesos-dispatcher/${file} differs from ${file}: run \`make crds\``);
  }
  const crds = manifestsOf('defaults').filter((m) => m.kind === 'CustomResourceDefinition');
  expect(crds.map((c) => c.metadata.name).sort()).toEqual(['scheduledsparkdrivers.sparkmesos.io', 'sparkdrivers.sparkmesos.io']);
});
