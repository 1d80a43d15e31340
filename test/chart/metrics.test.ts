// The PrometheusRule's alerts and the Grafana dashboard's panels ask only for series the
// dispatcher exports: every metric name in their expressions is in a real scrape of the
// dispatcher's registry (histograms as _bucket/_sum/_count), and every label they match on
// exactly exists there with that value (labels Prometheus adds to targets aside).
import { createMetrics } from '../../src/metrics/index.ts';
import { parsePrometheusText, type Sample } from '../support/prometheus-text.ts';
import { MONITORING_API, find, render } from './helm.ts';
import type { Manifest } from './helm.ts';
import { vectorSelectors } from './promql.ts';
import type { VectorSelector } from './promql.ts';

/** Labels a Prometheus target gets from service discovery, not from the dispatcher. */
const TARGET_LABELS = new Set(['namespace', 'job', 'pod', 'instance', 'service', 'endpoint', 'container']);
const LEASE = 'smd-spark-mesos-dispatcher';

let samples: Map<string, Sample[]>;
let families: string[];
let rule: Manifest;
let dashboard: { panels: { title: string; type: string; targets?: { expr: string }[] }[]; templating: { list: { name: string; definition?: string }[] } };

beforeAll(async () => {
  // A scrape of the dispatcher's own registry, with every scrape-time source bound as the operator binds them.
  const metrics = createMetrics({ leaseName: LEASE });
  metrics.bindSources({
    drivers: () => [], workQueue: () => ({ depth: 0, inFlight: 0, delayed: 0, adds: 0, retries: 0 }), workers: () => ({ active: 0, max: 4 }), leader: () => true,
  });
  // With a zk:// master, master detection reports its ZooKeeper connection.
  metrics.observeMesosEvent({ type: 'detection', health: { zookeeper: 'zk://zk1:2181/mesos', path: '/mesos', connected: true, leader: 'http://m1:5050', problem: undefined } });
  const scraped = parsePrometheusText(await metrics.registry.metrics());
  families = [...scraped.keys()];
  samples = new Map();
  for (const family of scraped.values()) {
    for (const sample of family.samples) samples.set(sample.name, [...(samples.get(sample.name) ?? []), sample]);
  }
  const ms = await render({ set: ['prometheusRule.enabled=true', 'grafanaDashboard.enabled=true'], apiVersions: [MONITORING_API] });
  rule = find(ms, 'PrometheusRule');
  dashboard = JSON.parse(find(ms, 'ConfigMap', 'smd-spark-mesos-dispatcher-dashboard').data['spark-mesos-dispatcher.json'] as string);
});

/** What is wrong with one selector against the scrape; empty when it selects exported series. */
function problems(selector: VectorSelector): string[] {
  const series = samples.get(selector.metric);
  if (series === undefined) return [`${selector.metric} is not exported`];
  const found: string[] = [];
  for (const m of selector.matchers) {
    if (TARGET_LABELS.has(m.label)) continue;
    if (!series.some((s) => m.label in s.labels)) found.push(`${selector.metric} has no label ${m.label}`);
    else if (m.op === '=' && !m.value.startsWith('$') && !series.some((s) => s.labels[m.label] === m.value)) {
      found.push(`${selector.metric} has no series with ${m.label}="${m.value}"`);
    }
  }
  return found;
}

const alerts = (): { alert: string; expr: string }[] => (rule.spec.groups as Manifest[]).flatMap((g) => g.rules as { alert: string; expr: string }[]);
const panelTargets = (): { panel: string; expr: string }[] =>
  dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

test('the expression reader finds metric names and matchers, not functions, groupings, durations or strings', () => {
  expect(vectorSelectors('histogram_quantile(0.99, sum by (le, call) (rate(x_bucket{a="1",b=~"x|y"}[$__rate_interval]))) > bool 0.5 or on() absent(up{job="j"}) offset 5m')).toEqual([
    { metric: 'x_bucket', matchers: [{ label: 'a', op: '=', value: '1' }, { label: 'b', op: '=~', value: 'x|y' }] },
    { metric: 'up', matchers: [{ label: 'job', op: '=', value: 'j' }] },
  ]);
  expect(vectorSelectors('max(foo) by (phase) / ignoring(phase) group_left sum without (pod) (bar)').map((s) => s.metric)).toEqual(['foo', 'bar']);
  // The check is not vacuous: an unknown metric, label or value is reported.
  expect(problems({ metric: 'sparkdispatcher_drivers_total', matchers: [] })).toEqual(['sparkdispatcher_drivers_total is not exported']);
  expect(problems({ metric: 'sparkdispatcher_drivers', matchers: [{ label: 'phase', op: '=', value: 'Stuck' }] })).toEqual(['sparkdispatcher_drivers has no series with phase="Stuck"']);
  expect(problems({ metric: 'sparkdispatcher_drivers', matchers: [{ label: 'state', op: '=', value: 'Queued' }] })).toEqual(['sparkdispatcher_drivers has no label state']);
});

test('the PrometheusRule alerts on no leader, Mesos not subscribed, drivers stuck in Queued, retry storms and reconcile errors', () => {
  expect(alerts().map((a) => a.alert)).toEqual([
    'SparkMesosDispatcherNoLeader', 'SparkMesosDispatcherMesosNotSubscribed', 'SparkMesosDispatcherDriversStuckQueued',
    'SparkMesosDispatcherDriverRetryStorm', 'SparkMesosDispatcherReconcileRetryStorm', 'SparkMesosDispatcherReconcileErrors',
  ]);
});

test('every alert expression selects only series the dispatcher exports, with labels and values it sets', () => {
  for (const { alert, expr } of alerts()) {
    const selectors = vectorSelectors(expr);
    expect({ alert, selectors: selectors.length > 0 }).toEqual({ alert, selectors: true });
    expect({ alert, problems: selectors.flatMap(problems) }).toEqual({ alert, problems: [] });
    // Each picks this release's series.
    for (const s of selectors) expect(s.matchers).toEqual(expect.arrayContaining([{ label: 'namespace', op: '=', value: 'dispatcher' }, { label: 'job', op: '=', value: `${LEASE}-metrics` }]));
  }
});

test('every dashboard panel queries only series the dispatcher exports', () => {
  const targets = panelTargets();
  expect(targets.length).toBeGreaterThan(20);
  for (const { panel, expr } of targets) {
    const selectors = vectorSelectors(expr);
    expect({ panel, selectors: selectors.length > 0 }).toEqual({ panel, selectors: true });
    expect({ panel, problems: selectors.flatMap(problems) }).toEqual({ panel, problems: [] });
  }
  for (const variable of dashboard.templating.list.filter((v) => v.definition !== undefined)) {
    expect(vectorSelectors(variable.definition!.replace(/^label_values\((.*), \w+\)$/, '$1')).flatMap(problems)).toEqual([]);
  }
});

test('the dashboard shows every dispatcher, controller, work-queue and leader-election metric', () => {
  const shown = new Set(panelTargets().flatMap(({ expr }) => vectorSelectors(expr).map((s) => s.metric.replace(/_(bucket|sum|count)$/, ''))));
  const ours = families.filter((n) => /^(sparkdispatcher|controller_runtime|workqueue|leader_election)_/.test(n));
  expect(ours.filter((n) => !shown.has(n))).toEqual([]);
});
