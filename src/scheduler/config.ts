// The dispatcher-side settings the scheduler core needs, read from the dispatcher's Spark
// properties (`spark.mesos.*` keys as Spark's MesosClusterDispatcher reads them). Every problem
// is reported at once; a non-numeric queue weight is a start-up error, as in Spark.

import { readRetryOverrides, resolveRetryPolicy, SPARK_RETRY_POLICY, type RetryPolicy } from './backoff.ts';
import { BACKEND_KEY, BACKENDS, DEFAULT_QUEUE, isBackend, type Backend } from './driver.ts';
import {
  parseBoolean, parseDurationMs, parseInteger, parseNumber, splitCommaList, type Parsed,
} from './spark-values.ts';

export const QUEUE_PREFIX = 'spark.mesos.dispatcher.queue.';
export const DRIVER_DEFAULT_PREFIX = 'spark.mesos.dispatcher.driverDefault.';
/** `spark.mesos.dispatcher.backend.<queue>`: the backend of the queue's drivers that name none. */
export const QUEUE_BACKEND_PREFIX = `${BACKEND_KEY}.`;
export const KUBERNETES_ENABLED_KEY = 'spark.mesos.dispatcher.kubernetes.enabled';
export const KUBERNETES_MASTER_KEY = 'spark.mesos.dispatcher.kubernetes.master';
/** The API server as a pod in the cluster reaches it (Spark's `k8s://https://kubernetes.default.svc`). */
export const DEFAULT_KUBERNETES_MASTER = 'https://kubernetes.default.svc';

export interface DispatcherConfig {
  /** Mesos master as drivers should reach it, without `mesos://` (e.g. `zk://zk:2181/mesos`). */
  readonly master: string;
  /** `spark.home`, else the dispatcher's SPARK_HOME: where spark-submit lives on the agents. */
  readonly sparkHome: string | undefined;
  /** The dispatcher's `spark.executor.extraLibraryPath` (first entry of LD_LIBRARY_PATH). */
  readonly executorLibraryPath: string | undefined;
  /** Queue name → priority (higher first); always contains `default` → 0. */
  readonly queues: ReadonlyMap<string, number>;
  /** New submissions are rejected while this many drivers are launched. */
  readonly maxDrivers: number;
  /** Finished drivers kept before the oldest tenth is forgotten. */
  readonly retainedDrivers: number;
  /** Refuse filter on declined offers. */
  readonly rejectOfferDurationSeconds: number;
  readonly fetcherCacheEnable: boolean;
  /** URIs fetched for every driver, before the driver's own. */
  readonly uris: readonly string[];
  /** Properties every driver gets unless it sets them itself. */
  readonly driverDefaults: Readonly<Record<string, string>>;
  readonly retryPolicy: RetryPolicy;
  /** The backend of a driver that names none (`spark.mesos.dispatcher.backend`; default mesos). */
  readonly defaultBackend: Backend;
  /** Per queue, the backend of its drivers that name none (overrides `defaultBackend`). */
  readonly queueBackends: ReadonlyMap<string, Backend>;
  readonly kubernetes: {
    /** Drivers may run as pods (the operator watches and creates them); off, they are rejected. */
    readonly enabled: boolean;
    /** The API server drivers' spark-submit talks to, without `k8s://`. */
    readonly master: string;
  };
}

export type ConfigResult =
  | { ok: true; config: DispatcherConfig; warnings: string[] }
  | { ok: false; errors: string[] };

/**
 * Reads the dispatcher configuration from its Spark properties and process environment.
 * Defaults are Spark's: maxDrivers 200, retainedDrivers 200, retry wait cap 60 s, refuse 120 s.
 */
export function parseDispatcherConfig(
  props: Readonly<Record<string, string>>, env: Readonly<Record<string, string | undefined>> = {},
): ConfigResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const take = <T>(parsed: Parsed<T>, fallback: T): T => {
    if (parsed.ok) return parsed.value;
    errors.push(parsed.error);
    return fallback;
  };
  const read = <T>(key: string, fallback: T, parse: (key: string, raw: string) => Parsed<T>): T => {
    const raw = props[key];
    return raw === undefined ? fallback : take(parse(key, raw), fallback);
  };

  const master = (props['spark.master'] ?? '').replace(/^mesos:\/\//, '');
  if (master === '') errors.push('spark.master: not set (the Mesos master drivers should use, e.g. host:5050 or zk://host:2181/mesos)');

  const queues = new Map<string, number>([[DEFAULT_QUEUE, 0]]);
  for (const [key, raw] of Object.entries(props)) {
    if (!key.startsWith(QUEUE_PREFIX)) continue;
    const name = key.slice(QUEUE_PREFIX.length);
    const weight = take(parseNumber(key, raw), 0);
    if (name === DEFAULT_QUEUE) warnings.push(`${key}: the default queue always has priority 0; the value is ignored`);
    else if (name === '') errors.push(`${key}: the queue name is empty`);
    else queues.set(name, weight);
  }

  const driverDefaults: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith(DRIVER_DEFAULT_PREFIX)) driverDefaults[key.slice(DRIVER_DEFAULT_PREFIX.length)] = value;
  }

  const retry = readRetryOverrides(props);
  errors.push(...retry.problems);

  const backendText = props[BACKEND_KEY] ?? 'mesos';
  if (!isBackend(backendText)) errors.push(`${BACKEND_KEY}: '${backendText}' is not ${BACKENDS.join(' or ')}`);
  const defaultBackend: Backend = isBackend(backendText) ? backendText : 'mesos';
  const queueBackends = new Map<string, Backend>();
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith(QUEUE_BACKEND_PREFIX)) continue;
    const queue = key.slice(QUEUE_BACKEND_PREFIX.length);
    if (!isBackend(value)) errors.push(`${key}: '${value}' is not ${BACKENDS.join(' or ')}`);
    else if (!queues.has(queue)) errors.push(`${key}: queue '${queue}' is not declared (declare it with ${QUEUE_PREFIX}${queue}=<priority>)`);
    else queueBackends.set(queue, value);
  }
  const kubernetesDefault = defaultBackend === 'kubernetes' || [...queueBackends.values()].includes('kubernetes');
  const kubernetesEnabled = read(KUBERNETES_ENABLED_KEY, kubernetesDefault, parseBoolean);
  if (kubernetesDefault && !kubernetesEnabled) {
    errors.push(`${KUBERNETES_ENABLED_KEY}: false, but ${BACKEND_KEY} (or ${QUEUE_BACKEND_PREFIX}<queue>) makes kubernetes a default backend`);
  }
  const kubernetesMaster = (props[KUBERNETES_MASTER_KEY] ?? DEFAULT_KUBERNETES_MASTER).replace(/^k8s:\/\//, '');
  if (!/^https?:\/\/\S+$/.test(kubernetesMaster)) {
    errors.push(`${KUBERNETES_MASTER_KEY}: '${kubernetesMaster}' is not an http(s) URL of the Kubernetes API server`);
  }

  const config: DispatcherConfig = {
    master,
    sparkHome: props['spark.home'] ?? env['SPARK_HOME'],
    executorLibraryPath: props['spark.executor.extraLibraryPath'],
    queues,
    maxDrivers: read('spark.mesos.maxDrivers', 200, (k, r) => parseInteger(k, r, 0)),
    retainedDrivers: read('spark.mesos.retainedDrivers', 200, (k, r) => parseInteger(k, r, 0)),
    rejectOfferDurationSeconds: read('spark.mesos.rejectOfferDuration', 120_000, (k, r) => parseDurationMs(k, r, 's')) / 1000,
    fetcherCacheEnable: read('spark.mesos.fetcherCache.enable', false, parseBoolean),
    uris: splitCommaList(props['spark.mesos.uris']),
    driverDefaults,
    retryPolicy: resolveRetryPolicy(SPARK_RETRY_POLICY, retry.overrides),
    defaultBackend,
    queueBackends,
    kubernetes: { enabled: kubernetesEnabled, master: kubernetesMaster },
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config, warnings };
}
