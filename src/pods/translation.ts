// The translation between the scheduler core's words and Kubernetes Pods: the one place that
// knows Pod shapes. Out: a planned task as the driver Pod Spark's own Kubernetes cluster mode
// would create (its spark-submit line, image, sizing, service account, node selectors, the
// labels Spark's executors find their driver by, an ownerReference to the SparkDriver). In: a
// pod's phase and container states as a task status in the core's vocabulary, with the exit code
// and reason (Completed, Error, OOMKilled, Evicted) in its message. Pure.

import { createHash } from 'node:crypto';
import {
  POD_FACTS, type DriverResourceRef, type PlannedTask, type TaskState, type TaskUpdate,
} from '../scheduler/index.ts';
import type { KubeObject } from '../kube/kube-client.ts';

export const PODS = { group: '', version: 'v1', plural: 'pods' } as const;
/** Spark's name for the driver container (what `kubectl logs` shows by default). */
export const DRIVER_CONTAINER = 'spark-kubernetes-driver';
export const MANAGED_BY = { key: 'app.kubernetes.io/managed-by', value: 'spark-mesos-dispatcher' } as const;
/** Labels Spark's executors and its tooling look for on a driver pod. */
export const SPARK_APP_SELECTOR = 'spark-app-selector';
export const SPARK_ROLE = 'spark-role';
export const TASK_ID_ANNOTATION = 'sparkmesos.io/task-id';
export const DRIVER_UID_LABEL = 'sparkmesos.io/driver-uid';
/** What the pod backend watches: the driver pods this dispatcher created. */
export const DRIVER_POD_SELECTOR = `${MANAGED_BY.key}=${MANAGED_BY.value},${SPARK_ROLE}=driver`;

interface EnvVar { name: string; value?: string; valueFrom?: object }

/** A container's state, as the kubelet reports it. */
interface ContainerStatus {
  name?: string;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: object;
    terminated?: { exitCode?: number; reason?: string; message?: string };
  };
}

/** The parts of a Pod this project reads. */
export interface Pod extends KubeObject {
  spec?: { nodeName?: string; containers?: { name?: string }[] };
  status?: {
    phase?: string; reason?: string; message?: string;
    conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
  };
}

/** A pod to create. */
export interface PodManifest extends KubeObject {
  metadata: NonNullable<KubeObject['metadata']> & { name: string; namespace: string };
  spec: object;
}

/** Spark's application ID of one attempt: executors are labelled with it and find their driver by it. */
export function applicationId(task: Pick<PlannedTask, 'taskId'>, resource: DriverResourceRef): string {
  return `spark-${createHash('sha256').update(`${resource.uid}/${task.taskId}`).digest('hex').slice(0, 32)}`;
}

const fieldRef = (name: string, fieldPath: string): EnvVar => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
const entries = (list: readonly { key: string; value: string }[]): Record<string, string> => Object.fromEntries(list.map(({ key, value }) => [key, value]));

/** The driver pod of a planned task (`task.agentId` is its name), owned by the SparkDriver `resource`. */
export function podOf(task: PlannedTask, resource: DriverResourceRef): PodManifest {
  const { plan } = task;
  const pod = plan.pod;
  if (pod === undefined) throw new Error(`task ${task.taskId} is not planned for the kubernetes backend`);
  const appId = applicationId(task, resource);
  const memory = `${plan.sizing.containerMemoryMiB}Mi`;
  const env: EnvVar[] = [
    ...[...plan.environment].map(([name, value]) => ({ name, value })),
    ...pod.secretEnvironment.map((s) => ({ name: s.name, valueFrom: { secretKeyRef: { name: s.secretName, key: s.key } } })),
    // Last, so that nothing submitted can stand in for the pod's own facts.
    fieldRef(POD_FACTS.podName, 'metadata.name'),
    fieldRef(POD_FACTS.namespace, 'metadata.namespace'),
    fieldRef(POD_FACTS.host, 'status.podIP'),
    fieldRef('SPARK_DRIVER_BIND_ADDRESS', 'status.podIP'),
    { name: POD_FACTS.applicationId, value: appId },
  ];
  const volumes = pod.secretVolumes.map((v, i) => ({ name: `secret-${i}`, secret: { secretName: v.secretName } }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: task.agentId,
      namespace: resource.namespace,
      labels: {
        ...entries(pod.labels),
        [SPARK_APP_SELECTOR]: appId, [SPARK_ROLE]: 'driver', [MANAGED_BY.key]: MANAGED_BY.value, [DRIVER_UID_LABEL]: resource.uid,
      },
      annotations: { ...entries(pod.annotations), [TASK_ID_ANNOTATION]: task.taskId },
      ownerReferences: [{ apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver', name: resource.name, uid: resource.uid, controller: true }],
    },
    spec: {
      restartPolicy: 'Never',
      ...(pod.serviceAccountName !== undefined && { serviceAccountName: pod.serviceAccountName }),
      ...(pod.nodeSelector.length > 0 && { nodeSelector: entries(pod.nodeSelector) }),
      containers: [{
        name: DRIVER_CONTAINER,
        image: pod.image,
        ...(pod.imagePullPolicy !== undefined && { imagePullPolicy: pod.imagePullPolicy }),
        // exec: spark-submit becomes the container's main process, which gets its SIGTERM.
        command: ['/bin/sh', '-c', `exec ${plan.command}`],
        env,
        resources: { requests: { cpu: String(plan.sizing.cpus), memory }, limits: { memory } },
        ...(volumes.length > 0 && { volumeMounts: pod.secretVolumes.map((v, i) => ({ name: `secret-${i}`, mountPath: v.mountPath, readOnly: true })) }),
      }],
      ...(volumes.length > 0 && { volumes }),
    },
  };
}

/**
 * What the pod backend caches of a driver pod: what `taskUpdateOfPod` and a kill read (metadata,
 * the node, the grace period, the status), not the container spec with its long command line.
 */
export function podCacheTransform(obj: KubeObject): KubeObject {
  const pod = obj as Pod & { spec?: { terminationGracePeriodSeconds?: number } };
  const spec = pod.spec ?? {};
  return {
    ...(pod.apiVersion !== undefined && { apiVersion: pod.apiVersion }), ...(pod.kind !== undefined && { kind: pod.kind }),
    ...(pod.metadata !== undefined && { metadata: pod.metadata }),
    spec: {
      ...(spec.nodeName !== undefined && { nodeName: spec.nodeName }),
      ...(spec.terminationGracePeriodSeconds !== undefined && { terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds }),
    },
    ...(pod.status !== undefined && { status: pod.status }),
  } as KubeObject;
}

/** The task a driver pod runs, from its annotation; undefined for a pod that is not one. */
export function taskIdOfPod(pod: Pod): string | undefined {
  return pod.metadata?.annotations?.[TASK_ID_ANNOTATION];
}

/** Whether `pod` is the one this attempt of this SparkDriver created (a pod of the same name may be another's). */
export function isPodOf(pod: Pod, taskId: string, resource: DriverResourceRef): boolean {
  return taskIdOfPod(pod) === taskId && (pod.metadata?.ownerReferences ?? []).some((o) => o.uid === resource.uid);
}

function update(taskId: string, podName: string, state: TaskState, stateName: string, message: string | undefined, neverReachedAnAgent = false): TaskUpdate {
  return {
    status: { taskId, state, agentId: podName, ...(message !== undefined && message !== '' && { message }) },
    stateName, neverReachedAnAgent, backend: 'kubernetes',
  };
}

/** "container spark-kubernetes-driver terminated with OOMKilled (exit code 137)". */
function termination(statuses: readonly ContainerStatus[]): string | undefined {
  const ended = statuses.find((c) => c.state?.terminated !== undefined && c.state.terminated.exitCode !== 0) ?? statuses.find((c) => c.state?.terminated);
  const t = ended?.state?.terminated;
  if (t === undefined) return undefined;
  const detail = t.message !== undefined && t.message !== '' ? `: ${t.message}` : '';
  return `container ${ended?.name ?? '?'} terminated with ${t.reason ?? 'no reason'} (exit code ${t.exitCode ?? '?'})${detail}`;
}

function waiting(pod: Pod): string | undefined {
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled !== undefined) return `not scheduled: ${unscheduled.reason ?? ''}${unscheduled.message ? `: ${unscheduled.message}` : ''}`;
  const c = (pod.status?.containerStatuses ?? []).find((s) => s.state?.waiting?.reason !== undefined);
  const w = c?.state?.waiting;
  return w === undefined ? undefined : `container ${c?.name ?? '?'} waiting: ${w.reason ?? ''}${w.message ? `: ${w.message}` : ''}`;
}

/**
 * A driver pod's status in the core's words, or undefined for a pod that runs no task. Pending:
 * staging until a node has it, then starting; Running: running (killing once it is being
 * deleted); Succeeded: finished; Failed: failed with the container's exit code and reason
 * (Error, OOMKilled), except an eviction, which is the node's doing: lost, as a Mesos agent's loss
 * is (a supervised driver is relaunched). Unknown (the node is out of touch): unreachable.
 */
export function taskUpdateOfPod(pod: Pod): TaskUpdate | undefined {
  const taskId = taskIdOfPod(pod);
  const name = pod.metadata?.name;
  if (taskId === undefined || name === undefined) return undefined;
  const phase = pod.status?.phase ?? 'Pending';
  const statuses = pod.status?.containerStatuses ?? [];
  const stateName = `pod phase ${phase}`;
  switch (phase) {
    case 'Succeeded':
      return update(taskId, name, 'finished', stateName, termination(statuses));
    case 'Failed':
      if (pod.status?.reason === 'Evicted') {
        return update(taskId, name, 'lost', stateName, `evicted: ${pod.status.message ?? ''}${termination(statuses) ? `; ${termination(statuses)}` : ''}`);
      }
      return update(taskId, name, 'failed', stateName, termination(statuses) ?? pod.status?.message ?? pod.status?.reason);
    case 'Unknown':
      return update(taskId, name, 'unreachable', stateName, pod.status?.message);
    default: {
      if (pod.metadata?.deletionTimestamp !== undefined) return update(taskId, name, 'killing', `${stateName}, terminating`, undefined);
      if (phase === 'Running') return update(taskId, name, 'running', stateName, undefined);
      return update(taskId, name, pod.spec?.nodeName === undefined ? 'staging' : 'starting', stateName, waiting(pod));
    }
  }
}

/** The pod was deleted (by someone else) before it ended. */
export function podGoneUpdate(taskId: string, podName: string): TaskUpdate {
  return update(taskId, podName, 'lost', 'pod deleted', `pod ${podName} was deleted before it ended`);
}

/** The pod was never created (its launch withheld, or the API server unreachable): the core may queue the driver again. */
export function podNeverCreatedUpdate(taskId: string, podName: string, why: string): TaskUpdate {
  return update(taskId, podName, 'dropped', 'pod not created', `pod ${podName} was not created: ${why}`, true);
}

/** The API server refused the pod for good (invalid, forbidden): the attempt ends in error. */
export function podRefusedUpdate(taskId: string, podName: string, why: string): TaskUpdate {
  return update(taskId, podName, 'error', 'pod refused', `the API server refused pod ${podName}: ${why}`);
}
