// SparkDriver resources in every phase for the UI tests, their statuses built the way the operator
// builds them (the core's DriverStatus through toResourceStatus, step by step so the attempt
// history is real), plus a hostile driver and one full of secrets.

import { invalidSpecStatus, toResourceStatus } from '../../src/sparkdriver/driver-status.ts';
import { parseSparkDriver, SPARK_DRIVER, SPARK_DRIVER_API_VERSION, type SparkDriver } from '../../src/sparkdriver/sparkdriver.ts';
import type { SparkDriverStatus } from '../../src/sparkdriver/sparkdriver-status.ts';
import type { TaskState, TaskStatusReason } from '../../src/mesos/types.ts';
import { parseDispatcherConfig, type DispatcherConfig } from '../../src/scheduler/config.ts';
import type { Attempt, DriverStatus } from '../../src/scheduler/driver.ts';
import type { TaskStatusSummary } from '../../src/scheduler/task-status.ts';
import { taskStateOfName } from '../../src/mesos/translation.ts';
import { uiDriverFrom, type UiDriver, type UiSnapshot } from '../../src/ui/index.ts';

export const T0 = Date.parse('2024-03-01T10:00:00Z');
export const NOW = T0 + 3_600_000;
export const FW = '4f6a8c2e-1b3d-4e5f-9a7b-8c9d0e1f2a3b-0000';
export const PROXY = 'https://mesos.example.com/mesos';
export const HISTORY = 'https://history.example.com:18080';
export const MASTER = 'mesos://master.mesos:5050';

export function dispatcherConfig(): DispatcherConfig {
  const parsed = parseDispatcherConfig({ 'spark.master': MASTER, 'spark.home': '/opt/spark' });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.config;
}

const sec = (s: number) => T0 + s * 1000;

export const summary = (
  taskId: string, state: TaskState, extra: { reason?: TaskStatusReason; message?: string; agentId?: string; at?: number } = {},
): TaskStatusSummary => ({
  taskId, state: taskStateOfName(state), agentId: extra.agentId ?? 'agent-S1',
  ...(extra.reason !== undefined && { reason: extra.reason }),
  ...(extra.message !== undefined && { message: extra.message }),
  ...(extra.at !== undefined && { timestamp: extra.at / 1000 }),
  source: 'SOURCE_EXECUTOR',
});

export const attempt = (taskId: string, launchedAtMs: number, last?: TaskStatusSummary, agentId = 'agent-S1'): Attempt => ({
  taskId, agentId, launchedAtMs,
  ...(last !== undefined && { lastStatus: last }),
  ...(last?.state === 'running' && { runningSinceMs: launchedAtMs + 2_000 }),
});

interface DriverInput {
  readonly name: string;
  readonly id: string;
  readonly createdAt: number;
  readonly spec?: Record<string, unknown>;
  readonly props?: Record<string, string>;
  /**
   * Properties the CRD now refuses, put in after parsing: the UI shows what keeps a driver from
   * being planned (in practice a dispatcher-dependent problem, such as no Spark home).
   */
  readonly unplannableProps?: Record<string, string>;
  /** Core statuses in order, each with the time it was written. */
  readonly steps?: readonly (readonly [DriverStatus, number])[];
  readonly status?: (previous: SparkDriverStatus | undefined) => SparkDriverStatus;
}

export function makeResource(input: DriverInput): SparkDriver {
  const spec = {
    appResource: 'https://repo.example.com/jars/app.jar',
    mainClass: 'org.example.SparkPi',
    arguments: ['100'],
    submissionId: input.id,
    ...input.spec,
    sparkProperties: { 'spark.app.name': input.name, 'spark.driver.memory': '1g', ...input.props },
  };
  let status: SparkDriverStatus | undefined;
  const queue = typeof input.spec?.queue === 'string' ? input.spec.queue : 'default';
  for (const [driver, at] of input.steps ?? []) {
    status = toResourceStatus(status, driver, { nowMs: at, generation: 1, submissionId: input.id, queue, frameworkId: FW });
  }
  if (input.status !== undefined) status = input.status(status);
  const parsed = parseSparkDriver({
    apiVersion: SPARK_DRIVER_API_VERSION, kind: SPARK_DRIVER.kind,
    metadata: { name: input.name, namespace: 'spark-jobs', uid: `uid-${input.name}`, creationTimestamp: new Date(input.createdAt).toISOString(), generation: 1 },
    spec,
    ...(status !== undefined && { status }),
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  if (input.unplannableProps === undefined) return parsed.resource;
  const { resource } = parsed;
  return { ...resource, spec: { ...resource.spec, sparkProperties: { ...resource.spec.sparkProperties, ...input.unplannableProps } } };
}

const c = (attempts: number, retries = 0) => ({ attempts, retries });

/** The driver with the hostile name, arguments, properties, environment and Mesos message. */
export const HOSTILE_ID = 'driver-20240301100900-0666';
export const HOSTILE_NAME = `<script>document.title='pwned';window.pwned=1</script>"quoted" & 'single'`;
export const HOSTILE_ARGS = ['"><script>window.pwned=2</script>', `it's & "quoted"`, 'javascript:alert(1)'];

/** The driver whose properties and environment hold secrets that must never appear. */
export const SECRETS_ID = 'driver-20240301101000-0007';
export const SECRET_VALUES = ['AKIA-S3-SECRET-VALUE', 'hunter2-db-password', 'tok-0123456789', 'p4ss-in-url', 'wJalr-ENV-SECRET', 'env-token-999', 'sub-opts-pw'];

export function allResources(): SparkDriver[] {
  const a0 = (s: number, last?: TaskStatusSummary) => attempt('driver-20240301100300-0003', sec(s), last);
  return [
    makeResource({ name: 'pending', id: 'driver-20240301100000-0001', createdAt: sec(0) }),
    makeResource({
      name: 'queued-python', id: 'driver-20240301100100-0002', createdAt: sec(60),
      spec: { mainClass: '', appResource: 'https://repo.example.com/py/pi.py', queue: 'urgent' },
      steps: [[{ phase: 'queued', ...c(0) }, sec(61)]],
    }),
    makeResource({
      name: 'running', id: 'driver-20240301100300-0003', createdAt: sec(180),
      steps: [
        [{ phase: 'launched', ...c(1), killRequested: false, attempt: a0(185) }, sec(185)],
        [{ phase: 'launched', ...c(1), killRequested: false, attempt: a0(185, summary('driver-20240301100300-0003', 'TASK_RUNNING', { at: sec(187) })) }, sec(187)],
      ],
    }),
    makeResource({
      name: 'staging', id: 'driver-20240301100400-0004', createdAt: sec(240),
      steps: [[{ phase: 'launched', ...c(1), killRequested: false, attempt: attempt('driver-20240301100400-0004', sec(3590), undefined, 'agent-S2') }, sec(3590)]],
    }),
    retryingResource(),
    rerunResource(),
    finishedResource('succeeded', 'driver-20240301100700-0007', 'succeeded', 'TaskFinished', 'TASK_FINISHED'),
    finishedResource('failed', 'driver-20240301100710-0008', 'failed', 'TaskFailed', 'TASK_FAILED', 'REASON_COMMAND_EXECUTOR_FAILED', 'Command exited with status 1'),
    finishedResource('killed', 'driver-20240301100720-0009', 'killed', 'KillRequested', 'TASK_KILLED'),
    lostAfterRetriesResource(),
    makeResource({
      name: 'launch-error', id: 'driver-20240301100740-0011', createdAt: sec(460), unplannableProps: { 'spark.mesos.driver.labels': 'x' },
      steps: [[{ phase: 'finished', ...c(0), outcome: 'error', reason: 'InvalidDriver', message: 'spark.mesos.driver.labels: Malformed label: x', finishedAtMs: sec(461) }, sec(461)]],
    }),
    makeResource({
      name: 'rejected', id: 'driver-20240301100750-0012', createdAt: sec(470), unplannableProps: { 'spark.mesos.driver.constraints': 'zone:a:b' },
      status: (prev) => invalidSpecStatus(prev, ["spec.sparkProperties[spark.mesos.driver.constraints]: bad constraint string 'zone:a:b'"], { nowMs: sec(471), generation: 1, submissionId: 'driver-20240301100750-0012', frameworkId: FW }),
    }),
    hostileResource(),
    secretsResource(),
  ];
}

function retryingResource(): SparkDriver {
  const id = 'driver-20240301100500-0005';
  const failure = summary(id, 'TASK_FAILED', { reason: 'REASON_COMMAND_EXECUTOR_FAILED', message: 'exit 1', at: sec(3000) });
  return makeResource({
    name: 'retrying', id, createdAt: sec(300), spec: { supervise: true },
    steps: [
      [{ phase: 'launched', ...c(1), killRequested: false, attempt: attempt(id, sec(305)) }, sec(305)],
      [{ phase: 'retrying', ...c(1, 1), waitSeconds: 1, failedAtMs: sec(3000), nextRetryAtMs: NOW + 30_000, lastFailure: failure }, sec(3000)],
    ],
  });
}

/** Failed once, relaunched as `-retry-1`, running: links must name the retry's task. */
function rerunResource(): SparkDriver {
  const id = 'driver-20240301100600-0006';
  const retry1 = `${id}-retry-1`;
  const failure = summary(id, 'TASK_LOST', { reason: 'REASON_AGENT_DISCONNECTED', at: sec(1000) });
  return makeResource({
    name: 'rerun', id, createdAt: sec(360), spec: { supervise: true, retryPolicy: { maxRetries: 3, maxWaitSeconds: 30 } },
    steps: [
      [{ phase: 'launched', ...c(1), killRequested: false, attempt: attempt(id, sec(365)) }, sec(365)],
      [{ phase: 'retrying', ...c(1, 1), waitSeconds: 1, failedAtMs: sec(1000), nextRetryAtMs: sec(1001), lastFailure: failure }, sec(1000)],
      [{ phase: 'launched', ...c(2, 1), killRequested: false, attempt: attempt(retry1, sec(1002), summary(retry1, 'TASK_RUNNING', { agentId: 'agent-S3', at: sec(1004) }), 'agent-S3') }, sec(1004)],
    ],
  });
}

function finishedResource(
  name: string, id: string, outcome: 'succeeded' | 'failed' | 'killed', reason: 'TaskFinished' | 'TaskFailed' | 'KillRequested',
  state: TaskState, mesosReason?: TaskStatusReason, message?: string,
): SparkDriver {
  const last = summary(id, state, { ...(mesosReason !== undefined && { reason: mesosReason }), ...(message !== undefined && { message }), at: sec(900) });
  return makeResource({
    name, id, createdAt: sec(420),
    steps: [
      [{ phase: 'launched', ...c(1), killRequested: false, attempt: attempt(id, sec(430), summary(id, 'TASK_RUNNING', { at: sec(432) })) }, sec(432)],
      [{ phase: 'finished', ...c(1), outcome, reason, message: message ?? state, finishedAtMs: sec(900), lastAttempt: attempt(id, sec(430), last) }, sec(900)],
    ],
  });
}

function lostAfterRetriesResource(): SparkDriver {
  const id = 'driver-20240301100730-0010';
  const lost = (taskId: string, at: number) => summary(taskId, 'TASK_LOST', { reason: 'REASON_AGENT_REMOVED', at: sec(at) });
  const steps: [DriverStatus, number][] = [];
  for (let i = 0; i < 3; i += 1) {
    const taskId = i === 0 ? id : `${id}-retry-${i}`;
    steps.push([{ phase: 'launched', ...c(i + 1, i), killRequested: false, attempt: attempt(taskId, sec(500 + i * 100)) }, sec(500 + i * 100)]);
    if (i < 2) steps.push([{ phase: 'retrying', ...c(i + 1, i + 1), waitSeconds: 2 ** i, failedAtMs: sec(550 + i * 100), nextRetryAtMs: sec(560 + i * 100), lastFailure: lost(taskId, 550 + i * 100) }, sec(550 + i * 100)]);
  }
  const last = `${id}-retry-2`;
  steps.push([{ phase: 'finished', ...c(3, 2), outcome: 'lost', reason: 'RetriesExhausted', message: 'gave up after 2 retries', finishedAtMs: sec(760), lastAttempt: attempt(last, sec(700), lost(last, 760)) }, sec(760)]);
  return makeResource({ name: 'lost-after-retries', id, createdAt: sec(450), spec: { supervise: true, retryPolicy: { maxRetries: 2 } }, steps });
}

function hostileResource(): SparkDriver {
  const id = HOSTILE_ID;
  const agent = 'agent"><script>window.pwned=5</script>';
  const running = summary(id, 'TASK_RUNNING', { agentId: agent, message: '<script>window.pwned=4</script> & "done"', at: sec(542) });
  return makeResource({
    name: 'hostile', id, createdAt: sec(540),
    spec: { arguments: HOSTILE_ARGS, appResource: 'https://repo.example.com/app.jar?x=<script>window.pwned=6</script>', mainClass: 'Main"><script>window.pwned=7</script>' },
    props: {
      'spark.app.name': HOSTILE_NAME,
      'spark.hostile.property': '<img src=x onerror="window.pwned=8">',
      'spark.hostile.link': 'javascript:alert(document.cookie)',
      'spark.mesos.driverEnv.HOSTILE_ENV': '</td></tr><script>window.pwned=9</script>&amp;',
    },
    steps: [[{ phase: 'launched', ...c(1), killRequested: false, attempt: attempt(id, sec(541), running, agent) }, sec(542)]],
  });
}

function secretsResource(): SparkDriver {
  const id = SECRETS_ID;
  return makeResource({
    name: 'with-credentials', id, createdAt: sec(600),
    props: {
      'spark.hadoop.fs.s3a.secret.key': 'AKIA-S3-SECRET-VALUE',
      'spark.mesos.driver.secret.values': 'svc-user,hunter2-db-password',
      'spark.mesos.driver.secret.envkeys': 'DB_USER,DB_PASSWORD',
      'spark.authenticate.token': 'tok-0123456789',
      'spark.executor.uri': 'https://deploy:p4ss-in-url@repo.example.com/spark-3.5.1-bin-hadoop3.tgz',
      'spark.mesos.driverEnv.AWS_SECRET_ACCESS_KEY': 'wJalr-ENV-SECRET',
      'spark.plain.setting': 'visible-value',
    },
    spec: { environmentVariables: { SPARK_DRIVER_TOKEN: 'env-token-999', SPARK_SUBMIT_OPTS: '-Dspark.ssl.keyPassword=sub-opts-pw', PLAIN_ENV: 'plain-env-value' } },
    steps: [[{ phase: 'queued', ...c(0) }, sec(601)]],
  });
}

export function uiDrivers(resources: readonly SparkDriver[] = allResources()): UiDriver[] {
  const config = dispatcherConfig();
  return resources.map((r) => uiDriverFrom(r, config, { frameworkId: FW }));
}

export function makeSnapshot(overrides: Partial<UiSnapshot> = {}): UiSnapshot {
  return {
    frameworkId: FW, masterUrl: MASTER, leader: true, mesosProxyBaseUrl: PROXY, historyServerUrl: HISTORY,
    drivers: uiDrivers(), ...overrides,
  };
}
