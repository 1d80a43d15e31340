// The pod translation, table-driven: a planned task becomes the driver Pod Spark's Kubernetes
// cluster mode would create, and a pod's phase and container states become the core's task
// status, with the exit code and reason (Completed, Error, OOMKilled, Evicted) in its message.
import { planDriverTask, plannedTask, type TaskState } from '../../src/scheduler/index.ts';
import { applicationId, isPodOf, podOf, taskUpdateOfPod, type Pod } from '../../src/pods/translation.ts';
import { makeConfig, makeSpec } from '../scheduler/fixtures.ts';
import type { Json } from '../devcluster/kube/support.ts';

const resource = { namespace: 'jobs', name: 'pi', uid: '0000-1111' };

function planned(props: Record<string, string> = {}) {
  const config = makeConfig({ 'spark.mesos.dispatcher.kubernetes.enabled': 'true' });
  const spec = makeSpec('driver-1', { backend: 'kubernetes', resource, props: { 'spark.kubernetes.container.image': 'apache/spark:3.5.1', ...props }, environment: { SPARK_USER: 'me' } });
  const plan = planDriverTask(spec, config);
  if (!plan.ok) throw new Error(plan.problems.join('; '));
  const task = plannedTask(config, { agentId: 'pi-driver-retry-1', frameworkId: '' }, { taskId: 'driver-1-retry-1', resources: [], spec, prepared: plan.plan });
  if (!task.ok) throw new Error(task.problems.join('; '));
  return task.task;
}

test('the driver pod: its name, owner, labels, image, command, environment and sizing', () => {
  const pod = podOf(planned({ 'spark.kubernetes.authenticate.driver.serviceAccountName': 'spark', 'spark.kubernetes.node.selector.zone': 'a' }), resource) as unknown as { metadata: Json; spec: Json };
  const appId = applicationId({ taskId: 'driver-1-retry-1' }, resource);
  expect(appId).toMatch(/^spark-[0-9a-f]{32}$/);
  expect(pod.metadata).toEqual({
    name: 'pi-driver-retry-1', namespace: 'jobs',
    labels: { 'spark-app-selector': appId, 'spark-role': 'driver', 'app.kubernetes.io/managed-by': 'spark-mesos-dispatcher', 'sparkmesos.io/driver-uid': '0000-1111' },
    annotations: { 'sparkmesos.io/task-id': 'driver-1-retry-1' },
    ownerReferences: [{ apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver', name: 'pi', uid: '0000-1111', controller: true }],
  });
  expect(pod.spec).toMatchObject({ restartPolicy: 'Never', serviceAccountName: 'spark', nodeSelector: { zone: 'a' } });
  const [container] = pod.spec.containers;
  expect(container).toMatchObject({
    name: 'spark-kubernetes-driver', image: 'apache/spark:3.5.1',
    resources: { requests: { cpu: '1', memory: '1000Mi' }, limits: { memory: '1000Mi' } },
  });
  expect(container.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
  expect(container.command[2]).toMatch(/^exec "\$SPARK_HOME"\/bin\/spark-submit --name driver-1 --master k8s:\/\/https:\/\/kubernetes\.default\.svc --deploy-mode client /);
  // The submitted environment, then the pod's own facts, which nothing submitted can stand in for.
  expect(container.env).toEqual([
    { name: 'SPARK_USER', value: 'me' },
    { name: 'SPARK_DRIVER_POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'SPARK_DRIVER_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    { name: 'SPARK_DRIVER_HOST', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'SPARK_DRIVER_BIND_ADDRESS', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'SPARK_APPLICATION_ID', value: appId },
  ]);
  expect(isPodOf(pod, 'driver-1-retry-1', resource)).toBe(true);
  expect(isPodOf(pod, 'driver-1', resource)).toBe(false);
  expect(isPodOf(pod, 'driver-1-retry-1', { ...resource, uid: 'another' })).toBe(false);
});

const base = (status: NonNullable<Pod['status']>, extra: Json = {}): Pod => ({
  metadata: { name: 'pi-driver', annotations: { 'sparkmesos.io/task-id': 'driver-1' }, ...extra.metadata },
  spec: extra.spec ?? { nodeName: 'node-1' }, status,
});
const terminated = (exitCode: number, reason: string) => [{ name: 'spark-kubernetes-driver', state: { terminated: { exitCode, reason } } }];

const CASES: [string, Pod, TaskState, string | undefined][] = [
  ['not yet scheduled', base({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] }, { spec: {} }),
    'staging', 'not scheduled: Unschedulable: 0/3 nodes are available'],
  ['pulling its image', base({ phase: 'Pending', containerStatuses: [{ name: 'spark-kubernetes-driver', state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } }] }),
    'starting', 'container spark-kubernetes-driver waiting: ErrImagePull: not found'],
  ['running', base({ phase: 'Running' }), 'running', undefined],
  ['being deleted', base({ phase: 'Running' }, { metadata: { name: 'pi-driver', annotations: { 'sparkmesos.io/task-id': 'driver-1' }, deletionTimestamp: '2026-01-01T00:00:00Z' } }), 'killing', undefined],
  ['Completed', base({ phase: 'Succeeded', containerStatuses: terminated(0, 'Completed') }), 'finished', 'container spark-kubernetes-driver terminated with Completed (exit code 0)'],
  ['Error', base({ phase: 'Failed', containerStatuses: terminated(1, 'Error') }), 'failed', 'container spark-kubernetes-driver terminated with Error (exit code 1)'],
  ['OOMKilled', base({ phase: 'Failed', containerStatuses: terminated(137, 'OOMKilled') }), 'failed', 'container spark-kubernetes-driver terminated with OOMKilled (exit code 137)'],
  ['Evicted', base({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }), 'lost', 'evicted: The node was low on resource: memory.'],
  ['node out of touch', base({ phase: 'Unknown' }), 'unreachable', undefined],
];

test.each(CASES)('a pod %s: its task\'s news', (_name, pod, state, message) => {
  expect(taskUpdateOfPod(pod)).toEqual({
    status: { taskId: 'driver-1', state, agentId: 'pi-driver', ...(message !== undefined && { message }) },
    stateName: expect.stringMatching(/^pod phase /), neverReachedAnAgent: false, backend: 'kubernetes',
  });
});

test('a pod that runs no task of this dispatcher has no news', () => {
  expect(taskUpdateOfPod({ metadata: { name: 'other' }, status: { phase: 'Running' } })).toBeUndefined();
});
