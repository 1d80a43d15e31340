// The dispatcher-side Spark keys outside the scheduler core's `parseDispatcherConfig`: what the
// Mesos framework registration, the web UI and redaction need, validated with zod. It also
// warns about keys that mean nothing here any more, and refuses Spark authentication as Spark does.
import { z } from 'zod';
import { parseDurationMs } from '../scheduler/spark-values.ts';
import { checked, type Check } from './flag-values.ts';

/** Spark's `Integer.MAX_VALUE` seconds: the master keeps the framework (and its drivers) ~68 years. */
export const SPARK_DISPATCHER_FAILOVER_TIMEOUT_SECONDS = 2_147_483_647;
/** Not a Spark key: Spark hard-codes the value above; this lets an operator lower it. */
export const FAILOVER_TIMEOUT_KEY = 'spark.mesos.dispatcher.failoverTimeout';
/** Spark's default `spark.redaction.regex`. */
export const SPARK_REDACTION_REGEX = '(?i)secret|password|token|access[.]?key';

export interface DispatcherKeys {
  readonly role: string | undefined;
  /** `spark.mesos.gpus.max` > 0: the framework advertises GPU_RESOURCES (drivers never take GPUs). */
  readonly gpuResources: boolean;
  readonly webuiUrl: string | undefined;
  readonly historyServerUrl: string | undefined;
  readonly proxyBaseUrl: string | undefined;
  readonly failoverTimeoutSeconds: number;
  readonly driverHost: string | undefined;
  readonly redactionPattern: RegExp;
}

/** Mesos's role rules: path components that are not `.`/`..`, no leading `-`, no whitespace. */
const roleValue = checked((raw): Check<string> => {
  const components = raw.split('/');
  const bad = raw === '' || /\s/.test(raw)
    || components.some((c) => c === '' || c === '.' || c === '..' || c.startsWith('-'));
  return bad ? { ok: false, error: `'${raw}' is not a valid Mesos role` } : { ok: true, value: raw };
});

const gpusValue = checked((raw): Check<number> => {
  const text = raw.trim();
  return /^\d+$/.test(text) ? { ok: true, value: Number(text) } : { ok: false, error: `'${raw}' is not a whole number of GPUs` };
});

const httpUrlValue = checked((raw): Check<string> => {
  const text = raw.trim();
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  return url && (url.protocol === 'http:' || url.protocol === 'https:')
    ? { ok: true, value: text.replace(/\/+$/, '') }
    : { ok: false, error: `'${raw}' is not an http(s) URL` };
});

const failoverValue = checked((raw): Check<number> => {
  const parsed = parseDurationMs(FAILOVER_TIMEOUT_KEY, raw, 's');
  // parseDurationMs names the key itself; the caller adds it again.
  if (!parsed.ok) return { ok: false, error: parsed.error.slice(FAILOVER_TIMEOUT_KEY.length + 2) };
  const seconds = parsed.value / 1000;
  return seconds <= SPARK_DISPATCHER_FAILOVER_TIMEOUT_SECONDS
    ? { ok: true, value: seconds }
    : { ok: false, error: `'${raw}' is longer than ${SPARK_DISPATCHER_FAILOVER_TIMEOUT_SECONDS}s` };
});

const hostValue = checked((raw): Check<string> => (raw.trim() === '' ? { ok: false, error: 'is empty' } : { ok: true, value: raw.trim() }));

/** A Java regex as Spark writes it; only a leading `(?i)` needs translating. */
const regexValue = checked((raw): Check<RegExp> => {
  const caseless = raw.startsWith('(?i)');
  try {
    return { ok: true, value: new RegExp(caseless ? raw.slice(4) : raw, caseless ? 'i' : '') };
  } catch {
    return { ok: false, error: `'${raw}' is not a regular expression this dispatcher can use` };
  }
});

const schema = z.object({
  'spark.mesos.role': roleValue.optional(),
  'spark.mesos.gpus.max': gpusValue.optional(),
  'spark.mesos.dispatcher.webui.url': httpUrlValue.optional(),
  'spark.mesos.dispatcher.historyServer.url': httpUrlValue.optional(),
  'spark.mesos.proxy.baseURL': httpUrlValue.optional(),
  [FAILOVER_TIMEOUT_KEY]: failoverValue.optional(),
  'spark.driver.host': hostValue.optional(),
  'spark.redaction.regex': regexValue.optional(),
});

/** Keys Spark's dispatcher read that the state in Kubernetes replaces. */
const RECOVERY_KEYS = ['spark.deploy.recoveryMode', 'spark.deploy.zookeeper.url', 'spark.deploy.zookeeper.dir'];

export type DispatcherKeysResult =
  | { ok: true; keys: DispatcherKeys; warnings: string[] }
  | { ok: false; errors: string[] };

export function parseDispatcherKeys(props: Readonly<Record<string, string>>): DispatcherKeysResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (props['spark.authenticate.secret'] !== undefined) {
    // Spark refuses this at start-up: its REST submission server cannot authenticate.
    errors.push('spark.authenticate.secret: the MesosClusterDispatcher does not support authentication via spark.authenticate.secret (use --rest-auth-token-file to protect the REST API)');
  }
  for (const key of RECOVERY_KEYS) {
    if (props[key] !== undefined) warnings.push(`${key}: ignored; the dispatcher keeps its state in Kubernetes now`);
  }
  if (props['spark.mesos.driver.failoverTimeout'] !== undefined) {
    warnings.push('spark.mesos.driver.failoverTimeout: read by drivers, not by the dispatcher; to give every driver a default, set '
      + `spark.mesos.dispatcher.driverDefault.spark.mesos.driver.failoverTimeout (the dispatcher's own is ${FAILOVER_TIMEOUT_KEY})`);
  }

  const parsed = schema.safeParse(props);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push(`${String(issue.path[0])}: ${issue.message}`);
  }
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  const p = parsed.data;
  return {
    ok: true,
    warnings,
    keys: {
      role: p['spark.mesos.role'],
      gpuResources: (p['spark.mesos.gpus.max'] ?? 0) > 0,
      webuiUrl: p['spark.mesos.dispatcher.webui.url'],
      historyServerUrl: p['spark.mesos.dispatcher.historyServer.url'],
      proxyBaseUrl: p['spark.mesos.proxy.baseURL'],
      failoverTimeoutSeconds: p[FAILOVER_TIMEOUT_KEY] ?? SPARK_DISPATCHER_FAILOVER_TIMEOUT_SECONDS,
      driverHost: p['spark.driver.host'],
      redactionPattern: p['spark.redaction.regex'] ?? new RegExp(SPARK_REDACTION_REGEX.slice(4), 'i'),
    },
  };
}
