// What a driver pod needs beyond the command line, in the core's words: the image, the service
// account, node selectors, labels, annotations and Kubernetes Secrets, read from the `spark.
// kubernetes.*` keys Spark's own Kubernetes cluster mode reads. Also what has no meaning on a pod:
// the Mesos-only keys a driver sets for itself are refused, each with what to use instead, and a
// Mesos constraint becomes a node selector only where the mapping is exact. The pod translation
// (src/pods/translation.ts) shapes a Pod from this. Pure.

import { CONSTRAINTS_KEY, parseConstraints } from './constraints.ts';
import type { DriverSpec } from './driver.ts';
import type { Label } from './labels.ts';

/** The environment variables through which a driver pod learns its own facts (downward API). */
export const POD_FACTS = {
  podName: 'SPARK_DRIVER_POD_NAME',
  namespace: 'SPARK_DRIVER_NAMESPACE',
  host: 'SPARK_DRIVER_HOST',
  applicationId: 'SPARK_APPLICATION_ID',
} as const;

export const IMAGE_KEY = 'spark.kubernetes.container.image';
export const DRIVER_IMAGE_KEY = 'spark.kubernetes.driver.container.image';
export const PULL_POLICY_KEY = 'spark.kubernetes.container.image.pullPolicy';
export const SERVICE_ACCOUNT_KEY = 'spark.kubernetes.authenticate.driver.serviceAccountName';
const NODE_SELECTOR_PREFIXES = ['spark.kubernetes.node.selector.', 'spark.kubernetes.driver.node.selector.'];
const LABEL_PREFIX = 'spark.kubernetes.driver.label.';
const ANNOTATION_PREFIX = 'spark.kubernetes.driver.annotation.';
const SECRET_KEY_REF_PREFIX = 'spark.kubernetes.driver.secretKeyRef.';
const SECRET_MOUNT_PREFIX = 'spark.kubernetes.driver.secrets.';
/** The node label Mesos' `hostname` constraint stands for. */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;

export interface SecretKeyVariable { readonly name: string; readonly secretName: string; readonly key: string }
export interface SecretMount { readonly secretName: string; readonly mountPath: string }

export interface PodPlan {
  readonly image: string;
  readonly imagePullPolicy?: (typeof PULL_POLICIES)[number];
  readonly serviceAccountName?: string;
  readonly nodeSelector: readonly Label[];
  /** The submission's own labels and annotations; the translation adds the dispatcher's. */
  readonly labels: readonly Label[];
  readonly annotations: readonly Label[];
  readonly secretEnvironment: readonly SecretKeyVariable[];
  readonly secretVolumes: readonly SecretMount[];
}

export type PodPlanResult = { ok: true; pod: PodPlan } | { ok: false; problems: string[] };

/**
 * Keys that only mean something to Mesos, with what a driver pod uses instead. A driver that sets
 * one of these for itself is refused on the Kubernetes backend (rather than silently running
 * without its secrets, network or image); the dispatcher's own defaults for them are ignored.
 */
export const MESOS_ONLY_KEYS: readonly { readonly key: string; readonly prefix?: true; readonly instead: string }[] = [
  { key: 'spark.mesos.driver.labels', instead: `${LABEL_PREFIX}<name>=<value>` },
  { key: 'spark.mesos.driver.secret.', prefix: true, instead: `${SECRET_KEY_REF_PREFIX}<VARIABLE>=<secret>:<key> or ${SECRET_MOUNT_PREFIX}<secret>=<path>` },
  { key: 'spark.mesos.network.', prefix: true, instead: 'nothing: a pod joins the cluster network' },
  { key: 'spark.mesos.executor.docker.image', instead: IMAGE_KEY },
  { key: 'spark.mesos.executor.docker.', prefix: true, instead: 'the pod spec (ports, volumes) Spark sets up from spark.kubernetes.* keys' },
  { key: 'spark.mesos.containerizer', instead: `nothing: a pod always runs ${IMAGE_KEY}` },
  { key: 'spark.mesos.executor.home', instead: 'the image\'s SPARK_HOME' },
  { key: 'spark.executor.uri', instead: `an image with Spark in it (${IMAGE_KEY})` },
  { key: 'spark.mesos.uris', instead: 'spark.jars or spark.files: spark-submit downloads them in the pod' },
  { key: 'spark.mesos.fetcherCache.enable', instead: 'nothing: there is no Mesos fetcher' },
  { key: 'spark.mesos.appJar.local.resolution.mode', instead: 'nothing: a local:// path always names a file in the image' },
];

const isPullPolicy = (value: string | undefined): value is (typeof PULL_POLICIES)[number] =>
  value !== undefined && (PULL_POLICIES as readonly string[]).includes(value);

function mesosOnlyProblems(own: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(own).sort()) {
    const rule = MESOS_ONLY_KEYS.find((r) => (r.prefix === true ? key.startsWith(r.key) : key === r.key));
    if (rule !== undefined) problems.push(`${key}: a Mesos-only setting, which the kubernetes backend cannot honour; use ${rule.instead}`);
  }
  return problems;
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes' label key rule: an optional DNS-subdomain prefix and a name of at most 63 characters. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  return LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
}

export function isLabelValue(value: string): boolean {
  return value === '' || LABEL_NAME.test(value);
}

/** `<prefix><name>=<value>` properties as entries, in key order. */
function prefixed(conf: Readonly<Record<string, string>>, prefix: string): Label[] {
  return Object.keys(conf).filter((k) => k.startsWith(prefix)).sort().map((k) => ({ key: k.slice(prefix.length), value: conf[k] ?? '' }));
}

/**
 * Node selectors for a Mesos constraint, where one means exactly the same: `attribute:value`
 * with one value that is not a number (a text attribute equal to the value; a number would be
 * Mesos' "at most" on a scalar). `hostname` becomes `kubernetes.io/hostname`.
 */
function constraintSelectors(text: string): { ok: true; selectors: Label[] } | { ok: false; problems: string[] } {
  const parsed = parseConstraints(text);
  if (!parsed.ok) return { ok: false, problems: [parsed.error] };
  const problems: string[] = [];
  const selectors: Label[] = [];
  for (const c of parsed.constraints) {
    const value = c.values[0];
    const key = c.attribute === 'hostname' ? HOSTNAME_LABEL : c.attribute;
    if (c.values.length !== 1 || value === undefined || c.numbers !== undefined || !isLabelKey(key) || !isLabelValue(value)) {
      problems.push(`${CONSTRAINTS_KEY}: '${c.attribute}:${c.values.join(',')}' has no exact node selector (only attribute:value, `
        + `one value that is not a number, and valid as a label); use spark.kubernetes.node.selector.<label>=<value>`);
    } else {
      selectors.push({ key, value });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, selectors };
}

/**
 * Plans the pod of `spec`. `own` are the driver's own properties (a Mesos-only key there is an
 * error); `conf` the effective ones (dispatcher defaults overlaid by the driver's).
 */
export function planPod(spec: DriverSpec, own: Readonly<Record<string, string>>, conf: Readonly<Record<string, string>>): PodPlanResult {
  const problems: string[] = [];
  if (spec.resource === undefined) problems.push('the kubernetes backend runs the drivers of SparkDriver resources only (its pod lives beside the resource)');
  problems.push(...mesosOnlyProblems(own));
  const image = conf[DRIVER_IMAGE_KEY] ?? conf[IMAGE_KEY];
  if (image === undefined || image.trim() === '') problems.push(`${IMAGE_KEY}: not set (the image with Spark the driver pod runs)`);
  const pullPolicy = conf[PULL_POLICY_KEY];
  if (pullPolicy !== undefined && !isPullPolicy(pullPolicy)) {
    problems.push(`${PULL_POLICY_KEY}: '${pullPolicy}' is not ${PULL_POLICIES.join(', ')}`);
  }
  const account = conf[SERVICE_ACCOUNT_KEY];
  if (account !== undefined && !(account.length <= 253 && DNS_SUBDOMAIN.test(account))) {
    problems.push(`${SERVICE_ACCOUNT_KEY}: '${account}' is not a service account name (a lowercase DNS subdomain)`);
  }
  const fromConstraints = constraintSelectors(own[CONSTRAINTS_KEY] ?? '');
  if (!fromConstraints.ok) problems.push(...fromConstraints.problems);
  const nodeSelector = [...(fromConstraints.ok ? fromConstraints.selectors : []), ...NODE_SELECTOR_PREFIXES.flatMap((p) => prefixed(conf, p))];
  const labels = prefixed(conf, LABEL_PREFIX);
  const annotations = prefixed(conf, ANNOTATION_PREFIX);
  for (const [what, entries, checkValue] of [['node selector', nodeSelector, true], ['label', labels, true], ['annotation', annotations, false]] as const) {
    for (const { key, value } of entries) {
      if (!isLabelKey(key)) problems.push(`${what} '${key}': not a valid Kubernetes label key`);
      else if (checkValue && !isLabelValue(value)) problems.push(`${what} '${key}': '${value}' is not a valid label value (at most 63 characters: letters, digits, '-', '_', '.')`);
    }
  }
  const secretEnvironment: SecretKeyVariable[] = [];
  for (const { key: name, value } of prefixed(conf, SECRET_KEY_REF_PREFIX)) {
    const [secretName = '', key = '', ...rest] = value.split(':');
    if (rest.length > 0 || secretName === '' || key === '') problems.push(`${SECRET_KEY_REF_PREFIX}${name}: '${value}' is not <secret>:<key>`);
    else secretEnvironment.push({ name, secretName, key });
  }
  const secretVolumes = prefixed(conf, SECRET_MOUNT_PREFIX).map(({ key, value }) => ({ secretName: key, mountPath: value }));
  for (const { secretName, mountPath } of secretVolumes) {
    if (!mountPath.startsWith('/')) problems.push(`${SECRET_MOUNT_PREFIX}${secretName}: '${mountPath}' is not an absolute path in the container`);
  }
  if (problems.length > 0 || image === undefined) return { ok: false, problems };
  return {
    ok: true,
    pod: {
      image,
      ...(isPullPolicy(pullPolicy) && { imagePullPolicy: pullPolicy }),
      ...(account !== undefined && { serviceAccountName: account }),
      nodeSelector, labels, annotations, secretEnvironment, secretVolumes,
    },
  };
}

/** Longest pod name Kubernetes accepts (a DNS subdomain). */
const MAX_POD_NAME = 253;

/**
 * The pod of attempt `index` (0-based) of the SparkDriver `resourceName`: `<name>-driver`, then
 * `<name>-driver-retry-<n>`, as the task IDs are numbered. Deterministic, so creating it again
 * after a crash or failover finds the pod already there instead of starting a second one. A
 * name too long to fit is shortened and marked with a hash of the whole, to stay distinct.
 */
export function driverPodName(resourceName: string, index: number): string {
  const suffix = index === 0 ? '-driver' : `-driver-retry-${index}`;
  if (resourceName.length + suffix.length <= MAX_POD_NAME) return `${resourceName}${suffix}`;
  const hash = fnv1a(resourceName).toString(16).padStart(8, '0');
  const kept = resourceName.slice(0, MAX_POD_NAME - suffix.length - hash.length - 1).replace(/[-.]+$/, '');
  return `${kept}-${hash}${suffix}`;
}

/** 32-bit FNV-1a: a short, stable digest (not a security measure). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
