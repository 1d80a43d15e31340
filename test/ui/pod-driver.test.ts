// A driver on the kubernetes backend in the UI: its page names the pod where Mesos drivers name
// their agent, shows the pod's command line and environment (no Mesos framework ID), and links
// no Mesos sandbox or history entry (a pod has neither); its logs are the pod's.
import { parseDispatcherConfig } from '../../src/scheduler/index.ts';
import { renderDriver, uiDriverFrom } from '../../src/ui/index.ts';
import { sectionOf, tableRows, textOf } from './html-helpers.ts';
import { attempt, FW, HISTORY, makeResource, MASTER, NOW, PROXY, summary, T0 } from './fixtures.ts';

test('a driver pod\'s page: the pod, its command line and environment, no Mesos links', () => {
  const parsed = parseDispatcherConfig({ 'spark.master': MASTER, 'spark.home': '/opt/spark', 'spark.mesos.dispatcher.kubernetes.enabled': 'true' });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const id = 'driver-20240301100000-0042';
  const resource = makeResource({
    name: 'pod-pi', id, createdAt: T0, spec: { backend: 'kubernetes' }, props: { 'spark.kubernetes.container.image': 'apache/spark:3.5.1' },
    steps: [[{ phase: 'launched', attempts: 1, retries: 0, killRequested: false, attempt: attempt(id, T0 + 1000, summary(id, 'TASK_RUNNING', { agentId: 'pod-pi-driver' }), 'pod-pi-driver') }, T0 + 3000]],
    status: (previous) => ({ ...previous!, backend: 'kubernetes' }),
  });
  const driver = uiDriverFrom(resource, parsed.config, { frameworkId: FW });
  const page = renderDriver({ frameworkId: FW, masterUrl: MASTER, leader: true, mesosProxyBaseUrl: PROXY, historyServerUrl: HISTORY, drivers: [driver] }, id, NOW);
  expect(page.status).toBe(200);
  expect(tableRows(page.html, 'launched-state-table')).toEqual(expect.arrayContaining([
    ['Pod', 'pod-pi-driver'], ['Logs', 'stdout · stderr'], ['Sandbox', '—'], ['History', '—'],
  ]));
  expect(textOf(sectionOf(page.html, 'driver-command'))).toContain('"$SPARK_HOME"/bin/spark-submit --name pod-pi --master k8s://https://kubernetes.default.svc --deploy-mode client');
  expect(page.html).not.toContain('SPARK_SUBMIT_OPTS');
});
