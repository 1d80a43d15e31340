// Everything about a driver's task that does not depend on the offer: sizing, constraints,
// command line, environment, URIs, labels and container (Mesos) or the pod's needs (Kubernetes),
// checked together so that one pass over a spec yields either a plan or every problem with it.
// The core's own data: the backend's translation turns a plan, with the attempt's task ID, agent
// and resources, into its task (a TaskInfo, or a Pod).

import { buildCommandLine, driverExecutorUri, isContainerLocalAppJar } from './command-line.ts';
import type { DispatcherConfig } from './config.ts';
import { CONSTRAINTS_KEY, parseConstraints, type Constraint } from './constraints.ts';
import { driverContainer, type ContainerPlan } from './container.ts';
import { BACKEND_KEY, specFromSubmission, submissionIdProblem, type Backend, type DriverSpec, type SubmissionInput } from './driver.ts';
import { DRIVER_LABEL_KEYS, DRIVER_LABELS_KEY, parseLabels, type Label } from './labels.ts';
import type { ClaimedResource } from './offers.ts';
import { planPod, type PodPlan } from './pod-plan.ts';
import { driverSecrets, type SecretVariable } from './secrets.ts';
import { driverSizing, type DriverSizing } from './sizing.ts';
import { parseBoolean, splitCommaList } from './spark-values.ts';

export const DRIVER_ENV_PREFIX = 'spark.mesos.driverEnv.';
const FETCHER_CACHE_KEY = 'spark.mesos.fetcherCache.enable';
const RESERVED_LABEL_KEYS: ReadonlySet<string> = new Set(Object.values(DRIVER_LABEL_KEYS));

/** A file the agent fetches into the sandbox before the task starts. */
export interface FetchUri {
  readonly value: string;
  /** Whether the agent's fetcher cache may serve it. */
  readonly cache: boolean;
}

export interface TaskPlan {
  readonly name: string;
  /** The shell command line. */
  readonly command: string;
  /** Plain variables in order; SPARK_SUBMIT_OPTS gets the driver framework ID per attempt (attemptEnvironment). */
  readonly environment: ReadonlyMap<string, string>;
  readonly secretEnvironment: readonly SecretVariable[];
  readonly uris: readonly FetchUri[];
  readonly labels: readonly Label[];
  readonly container: ContainerPlan;
  readonly sizing: DriverSizing;
  readonly constraints: readonly Constraint[];
  /** Present on the kubernetes backend (whose plan has no URIs, labels, container or constraints). */
  readonly pod?: PodPlan;
}

export type PlanResult = { ok: true; plan: TaskPlan } | { ok: false; problems: string[] };

const STAND_IN_SIZING: DriverSizing = { cpus: 1, driverMemoryMiB: 1, overheadMiB: 0, containerMemoryMiB: 1 };

/** The backend a driver runs on: its own choice, else its queue's default, else the dispatcher's. */
export function backendOf(spec: DriverSpec, config: DispatcherConfig): Backend {
  return spec.backend ?? config.queueBackends.get(spec.queue) ?? config.defaultBackend;
}

/** Dispatcher driver defaults overlaid by the driver's own properties. */
export function effectiveConf(spec: DriverSpec, config: DispatcherConfig): Readonly<Record<string, string>> {
  return { ...config.driverDefaults, ...spec.sparkProperties };
}

/** One property of `effectiveConf`, without building the whole overlay. */
export function effectiveProperty(spec: DriverSpec, config: DispatcherConfig, key: string): string | undefined {
  return spec.sparkProperties[key] ?? config.driverDefaults[key];
}

/**
 * Plans the task of `spec`, or lists every problem that prevents it, each naming the property
 * (or field) at fault. Deterministic in (spec, config), so the plan a driver made at admission
 * is the plan it would make at launch.
 */
export function planDriverTask(spec: DriverSpec, config: DispatcherConfig): PlanResult {
  if (backendOf(spec, config) === 'kubernetes') return planPodTask(spec, config);
  const conf = effectiveConf(spec, config);
  const problems: string[] = [];
  const idProblem = submissionIdProblem(spec.submissionId);
  if (idProblem !== undefined) problems.push(idProblem);
  const sizing = driverSizing(conf);
  if (!sizing.ok) problems.push(...sizing.problems);
  const constraints = parseConstraints(conf[CONSTRAINTS_KEY] ?? '');
  if (!constraints.ok) problems.push(constraints.error);
  const labels = driverLabels(spec, conf);
  if (!labels.ok) problems.push(labels.error);
  const secrets = driverSecrets(conf);
  if (!secrets.ok) problems.push(...secrets.problems);
  const container = driverContainer(conf, secrets.ok ? secrets.secrets.volumes : []);
  if (!container.ok) problems.push(...container.problems);
  const uris = driverUris(spec, conf, config);
  if (!uris.ok) problems.push(uris.error);
  // With bad sizing the command is still built, with stand-in sizes, to report its own problems.
  const command = buildCommandLine({ conf, spec, config, sizing: sizing.ok ? sizing.sizing : STAND_IN_SIZING, backend: 'mesos' });
  if (!command.ok) problems.push(...command.problems);

  if (!sizing.ok || !constraints.ok || !labels.ok || !secrets.ok || !container.ok || !uris.ok || !command.ok || problems.length > 0) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    plan: {
      ...commonParts(spec, conf, command.command),
      secretEnvironment: secrets.secrets.environment,
      uris: uris.uris,
      labels: labels.labels,
      container: container.container,
      sizing: sizing.sizing,
      constraints: constraints.constraints,
    },
  };
}

const NO_CONTAINER: ContainerPlan = { type: 'mesos', portMappings: [], parameters: [], volumes: [] };

/** The kubernetes backend's plan: the same sizing, command line and environment, and a pod. */
function planPodTask(spec: DriverSpec, config: DispatcherConfig): PlanResult {
  const conf = effectiveConf(spec, config);
  const problems: string[] = [];
  if (!config.kubernetes.enabled) {
    problems.push(`${BACKEND_KEY}: kubernetes is not enabled on this dispatcher (spark.mesos.dispatcher.kubernetes.enabled; chart value kubernetesBackend.enabled)`);
  }
  const idProblem = submissionIdProblem(spec.submissionId);
  if (idProblem !== undefined) problems.push(idProblem);
  const sizing = driverSizing(conf);
  if (!sizing.ok) problems.push(...sizing.problems);
  const pod = planPod(spec, spec.sparkProperties, conf);
  if (!pod.ok) problems.push(...pod.problems);
  const command = buildCommandLine({ conf, spec, config, sizing: sizing.ok ? sizing.sizing : STAND_IN_SIZING, backend: 'kubernetes' });
  if (!command.ok) problems.push(...command.problems);
  if (!sizing.ok || !pod.ok || !command.ok || problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    plan: {
      ...commonParts(spec, conf, command.command),
      secretEnvironment: [],
      uris: [],
      labels: [],
      container: NO_CONTAINER,
      sizing: sizing.sizing,
      constraints: [],
      pod: pod.pod,
    },
  };
}

/** What the plans of both backends share: the task's name, its command line and its plain environment. */
function commonParts(spec: DriverSpec, conf: Readonly<Record<string, string>>, command: string): Pick<TaskPlan, 'name' | 'command' | 'environment'> {
  return { name: `Driver for ${conf['spark.app.name'] ?? ''}`, command, environment: plainEnvironment(spec, conf) };
}

/**
 * `spark.mesos.driverEnv.*` (prefix stripped), then the submitted environment. A later value
 * replaces an earlier one of the same name (Spark sent both; Mesos kept the later). Submitted
 * MESOS_* variables are dropped: they describe the submitting machine, not the agent, and
 * would override the sandbox's own (Spark forwarded them).
 */
function plainEnvironment(spec: DriverSpec, conf: Readonly<Record<string, string>>): Map<string, string> {
  const environment = new Map<string, string>();
  for (const key of Object.keys(conf).filter((k) => k.startsWith(DRIVER_ENV_PREFIX)).sort()) {
    environment.set(key.slice(DRIVER_ENV_PREFIX.length), conf[key] ?? '');
  }
  for (const name of Object.keys(spec.environment).sort()) {
    if (!name.startsWith('MESOS_')) environment.set(name, spec.environment[name] ?? '');
  }
  return environment;
}

function driverLabels(
  spec: DriverSpec, conf: Readonly<Record<string, string>>,
): { ok: true; labels: Label[] } | { ok: false; error: string } {
  const parsed = parseLabels(DRIVER_LABELS_KEY, conf[DRIVER_LABELS_KEY] ?? '');
  if (!parsed.ok) return parsed;
  const reserved = parsed.labels.find((label) => RESERVED_LABEL_KEYS.has(label.key));
  if (reserved !== undefined) return { ok: false, error: `${DRIVER_LABELS_KEY}: label key '${reserved.key}' is reserved for the dispatcher` };
  // Array literals of their final length: a queued driver keeps them, and a spread or a push
  // leaves spare capacity behind (about 0.3 KB a driver).
  const { resource } = spec;
  const identity: Label[] = resource === undefined ? [{ key: DRIVER_LABEL_KEYS.submissionId, value: spec.submissionId }] : [
    { key: DRIVER_LABEL_KEYS.submissionId, value: spec.submissionId },
    { key: DRIVER_LABEL_KEYS.namespace, value: resource.namespace },
    { key: DRIVER_LABEL_KEYS.name, value: resource.name },
    { key: DRIVER_LABEL_KEYS.uid, value: resource.uid },
  ];
  return { ok: true, labels: parsed.labels.length === 0 ? identity : parsed.labels.concat(identity) };
}

/**
 * The app resource (unless it is used in place in the container), the dispatcher's then the
 * driver's `spark.mesos.uris`, the Python files, then the executor URI; cacheable when either
 * side enables `spark.mesos.fetcherCache.enable`.
 */
function driverUris(
  spec: DriverSpec, conf: Readonly<Record<string, string>>, config: DispatcherConfig,
): { ok: true; uris: FetchUri[] } | { ok: false; error: string } {
  const cacheRaw = conf[FETCHER_CACHE_KEY];
  const cache = cacheRaw === undefined ? { ok: true as const, value: false } : parseBoolean(FETCHER_CACHE_KEY, cacheRaw);
  if (!cache.ok) return cache;
  const appResource = spec.appResource.replace(/^file:/, '').replace(/^local:/, '');
  const executorUri = driverExecutorUri(conf, spec);
  const values = [
    ...(isContainerLocalAppJar(conf, spec.appResource) ? [] : [appResource]),
    ...config.uris,
    ...splitCommaList(conf['spark.mesos.uris']),
    ...splitCommaList(conf['spark.submit.pyFiles']),
    ...(executorUri !== undefined ? [executorUri] : []),
  ];
  const useCache = cache.value || config.fetcherCacheEnable;
  return { ok: true, uris: values.map((value) => ({ value: value.trim(), cache: useCache })) };
}

/** A task the core decided to launch, planned: what the backend's translation turns into its task. */
export interface PlannedTask {
  readonly taskId: string;
  readonly agentId: string;
  /** The dispatcher's framework ID; the driver registers as `<it>-<taskId>`. */
  readonly frameworkId: string;
  readonly resources: readonly ClaimedResource[];
  readonly plan: TaskPlan;
}

/**
 * A task the scheduling pass decided to launch, with its plan: the one admission made when it
 * came with the launch (planning is deterministic in (spec, config)), else made here.
 */
export function plannedTask(
  config: DispatcherConfig,
  launch: { readonly agentId: string; readonly frameworkId: string },
  task: { readonly taskId: string; readonly resources: readonly ClaimedResource[]; readonly spec: DriverSpec; readonly prepared: TaskPlan | undefined },
): { ok: true; task: PlannedTask } | { ok: false; problems: string[] } {
  const plan = task.prepared === undefined ? planDriverTask(task.spec, config) : { ok: true as const, plan: task.prepared };
  if (!plan.ok) return plan;
  return { ok: true, task: { taskId: task.taskId, agentId: launch.agentId, frameworkId: launch.frameworkId, resources: task.resources, plan: plan.plan } };
}

/** An environment variable of the task: a plain value or a secret. */
export type TaskVariable = { readonly name: string; readonly value: string } | SecretVariable;

/**
 * The task's environment for one attempt: the plan's, the driver's framework ID added (Mesos;
 * a pod's own facts come from the downward API instead), secrets last.
 */
export function attemptEnvironment(task: PlannedTask): TaskVariable[] {
  if (task.plan.pod !== undefined) return [...task.plan.environment].map(([name, value]) => ({ name, value }));
  // The driver registers its own framework under this ID (Spark's SPARK_SUBMIT_OPTS trick).
  const frameworkIdOption = ` -Dspark.mesos.driver.frameworkId=${task.frameworkId}-${task.taskId}`;
  const variables: TaskVariable[] = [];
  let hasSubmitOpts = false;
  for (const [name, value] of task.plan.environment) {
    hasSubmitOpts ||= name === 'SPARK_SUBMIT_OPTS';
    variables.push({ name, value: name === 'SPARK_SUBMIT_OPTS' ? value + frameworkIdOption : value });
  }
  if (!hasSubmitOpts) variables.push({ name: 'SPARK_SUBMIT_OPTS', value: frameworkIdOption });
  variables.push(...task.plan.secretEnvironment);
  return variables;
}

/**
 * Why a submission could never start under this dispatcher, or nothing: the checks admission
 * makes (the Spark properties the core reads, the whole task plan, the queue), for callers that
 * want to refuse it before it is queued (the REST API).
 */
export function submissionProblems(input: SubmissionInput, config: DispatcherConfig): string[] {
  const built = specFromSubmission(input);
  if (!built.ok) return built.problems;
  // A submission checked before its SparkDriver exists (the REST API's) will have one.
  const spec = built.spec.resource !== undefined ? built.spec : { ...built.spec, resource: { namespace: '', name: built.spec.submissionId, uid: '' } };
  const plan = planDriverTask(spec, config);
  const queue = undeclaredQueueProblem(built.spec.queue, config);
  return [...(plan.ok ? [] : plan.problems), ...(queue === undefined ? [] : [queue])];
}

/** Why admission rejects a driver for its queue (one the dispatcher does not declare), or nothing. */
export function undeclaredQueueProblem(queue: string, config: DispatcherConfig): string | undefined {
  if (config.queues.has(queue)) return undefined;
  return `queue '${queue}' is not declared (declared: ${[...config.queues.keys()].join(', ')}); ` +
    `declare it with spark.mesos.dispatcher.queue.${queue}=<priority>`;
}
