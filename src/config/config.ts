// `loadConfig`: the dispatcher's whole start-up configuration from argv, the environment and a
// few files, validated at once into one frozen OperatorConfig. Every problem found is reported
// together, each naming its flag, key or variable; secrets never appear in a message.
import { parseDispatcherConfig, type DispatcherConfig } from '../scheduler/config.ts';
import { parseCommandLine, type CommandLine } from './command-line.ts';
import { resolveMesosCredentials } from './credentials.ts';
import { parseDispatcherKeys } from './dispatcher-keys.ts';
import type { LogFormat, LogLevel } from './flag-values.ts';
import { resolveKubeConnection, resolveOperatorNamespace, type KubeConnection } from './kubernetes.ts';
import { loadSparkProperties } from './spark-properties.ts';
import { readTextFileSync, systemInfo, type ReadTextFile, type SystemInfo } from './system.ts';
import type { MasterLocation } from '../mesos/master-url.ts';
import { deepFreeze } from '../runtime/deep-freeze.ts';

export interface OperatorConfig {
  /** `--verbose`: print the effective configuration (redacted) at start-up. */
  readonly verbose: boolean;
  /** The properties file that was read, if any. */
  readonly propertiesFile: string | undefined;
  /** The dispatcher's Spark properties: file < `--conf`, then `spark.master` and `spark.app.name` from the command line. */
  readonly sparkProperties: Readonly<Record<string, string>>;
  /** The scheduler core's settings (queues, limits, retry policy, driver defaults). */
  readonly dispatcher: DispatcherConfig;
  readonly mesos: {
    /** The master after `mesos://`, e.g. `m1:5050,m2:5050` or `zk://zk1:2181/mesos`; also `spark.master`. May hold a ZooKeeper password: show it through `redactMasterUrl`. */
    readonly master: string;
    /** The masters to try in order, or the ZooKeeper URL that names the leader. */
    readonly masterLocation: MasterLocation;
    readonly frameworkName: string;
    /** FrameworkInfo.user: SPARK_USER, else the OS user (Spark's `getCurrentUserName`). */
    readonly user: string;
    /** FrameworkInfo.hostname: SPARK_PUBLIC_DNS, else `spark.driver.host`, else the host. */
    readonly hostname: string;
    /** `spark.mesos.dispatcher.webui.url`, else `http://<public address>:<web UI port>`. */
    readonly webuiUrl: string;
    readonly role: string | undefined;
    readonly principal: string | undefined;
    readonly secret: string | undefined;
    readonly principalSource: string | undefined;
    readonly secretSource: string | undefined;
    /** Spark's dispatcher uses Integer.MAX_VALUE s; `spark.mesos.dispatcher.failoverTimeout` overrides. */
    readonly failoverTimeoutSeconds: number;
    /** Always true, as in Spark: agents keep drivers running while the dispatcher fails over. */
    readonly checkpoint: true;
    readonly gpuResources: boolean;
  };
  readonly kubernetes: {
    readonly connection: KubeConnection;
    readonly namespaces: readonly string[] | 'all';
    readonly submissionNamespace: string;
    /** Namespace of the Lease and the framework ID ConfigMap. */
    readonly operatorNamespace: string;
    readonly frameworkIdConfigMap: string;
    readonly leaderElection: {
      readonly enabled: boolean;
      readonly leaseName: string;
      readonly leaseDurationMs: number;
      readonly renewDeadlineMs: number;
      readonly retryPeriodMs: number;
    };
  };
  readonly network: {
    /** Where the REST API, the web UI and the metrics listen. */
    readonly bindAddress: string;
    /** `--host`, else SPARK_LOCAL_HOSTNAME, SPARK_LOCAL_IP or the machine's name. */
    readonly host: string;
    /** SPARK_PUBLIC_DNS, else the host: how people and Mesos reach the dispatcher. */
    readonly publicAddress: string;
  };
  readonly rest: {
    readonly port: number;
    /** Bearer token every request must carry; undefined: no authentication, as in Spark. */
    readonly authToken: string | undefined;
    readonly authTokenFile: string | undefined;
  };
  readonly ui: {
    readonly port: number;
    /** `spark.mesos.dispatcher.historyServer.url`, without a trailing slash. */
    readonly historyServerUrl: string | undefined;
    /** `spark.mesos.proxy.baseURL`, without a trailing slash. */
    readonly proxyBaseUrl: string | undefined;
  };
  readonly metrics: { readonly port: number };
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  /** `spark.redaction.regex` (Spark's default if unset): keys or values it matches are hidden. */
  readonly redactionPattern: RegExp;
}

/**
 * `ok: false` with `exitCode` 0 is `--help`: print `usage` and exit 0. With `exitCode` 1, print
 * the errors, then `usage` when present, and exit 1.
 */
export type LoadConfigResult =
  | { ok: true; config: OperatorConfig; warnings: string[] }
  | { ok: false; errors: string[]; usage: string | undefined; exitCode: 0 | 1 };

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(
  argv: readonly string[], env: Env, readFile: ReadTextFile = readTextFileSync, system: SystemInfo = systemInfo(env),
): LoadConfigResult {
  const parsed = parseCommandLine(argv);
  if (parsed.kind === 'help') return { ok: false, errors: [], usage: parsed.usage, exitCode: 0 };
  const cl = parsed.kind === 'ok' ? parsed.commandLine : parsed.partial;
  const errors = parsed.kind === 'ok' ? [] : [...parsed.errors];
  const warnings = parsed.kind === 'ok' ? [...parsed.warnings] : [];
  const collect = <T extends { errors?: readonly string[]; warnings?: readonly string[] }>(r: T): T => {
    errors.push(...(r.errors ?? []));
    warnings.push(...(r.warnings ?? []));
    return r;
  };

  const spark = collect(loadSparkProperties(cl, env, readFile));
  const props = spark.properties;
  const dispatcher = parseDispatcherConfig(props, env);
  if (dispatcher.ok) warnings.push(...dispatcher.warnings);
  // Without a usable --master, spark.master is unset; that was already reported against the flag.
  else errors.push(...dispatcher.errors.filter((e) => cl.master !== undefined || !e.startsWith('spark.master:')));
  const keys = parseDispatcherKeys(props);
  if (keys.ok) warnings.push(...keys.warnings);
  else errors.push(...keys.errors);
  const { credentials } = collect(resolveMesosCredentials(props, env, readFile));
  const kube = resolveKubeConnection(cl.kubeconfig, env, readFile);
  if (!kube.ok) errors.push(kube.error);
  const authToken = readToken(cl.restAuthTokenFile, readFile, errors);

  if (errors.length > 0 || !dispatcher.ok || !keys.ok || !kube.ok || cl.master === undefined) {
    return { ok: false, errors, usage: parsed.kind === 'invalid' ? parsed.usage : undefined, exitCode: 1 };
  }

  const host = cl.host ?? (env['SPARK_LOCAL_HOSTNAME'] || env['SPARK_LOCAL_IP'] || system.hostname);
  const publicAddress = env['SPARK_PUBLIC_DNS'] || host;
  const config: OperatorConfig = {
    verbose: cl.verbose,
    propertiesFile: spark.file,
    sparkProperties: props,
    dispatcher: { ...dispatcher.config, queues: readOnlyMap(dispatcher.config.queues), queueBackends: readOnlyMap(dispatcher.config.queueBackends) },
    mesos: {
      master: cl.master.master,
      masterLocation: cl.master.location,
      frameworkName: cl.name,
      user: env['SPARK_USER'] || system.username,
      hostname: env['SPARK_PUBLIC_DNS'] || keys.keys.driverHost || host,
      webuiUrl: keys.keys.webuiUrl ?? `http://${publicAddress}:${cl.webUiPort}`,
      role: keys.keys.role,
      ...credentials,
      failoverTimeoutSeconds: keys.keys.failoverTimeoutSeconds,
      checkpoint: true,
      gpuResources: keys.keys.gpuResources,
    },
    kubernetes: {
      connection: kube.connection,
      namespaces: cl.namespaces,
      submissionNamespace: cl.submissionNamespace,
      operatorNamespace: resolveOperatorNamespace(cl.leaderElectionNamespace, env, readFile, cl.submissionNamespace),
      frameworkIdConfigMap: cl.frameworkIdConfigMap,
      leaderElection: {
        enabled: cl.leaderElection, leaseName: cl.leaseName,
        leaseDurationMs: cl.leaseDurationMs, renewDeadlineMs: cl.renewDeadlineMs, retryPeriodMs: cl.retryPeriodMs,
      },
    },
    network: { bindAddress: cl.bindAddress, host, publicAddress },
    rest: { port: cl.port, authToken, authTokenFile: cl.restAuthTokenFile },
    ui: { port: cl.webUiPort, historyServerUrl: keys.keys.historyServerUrl, proxyBaseUrl: keys.keys.proxyBaseUrl },
    metrics: { port: cl.metricsPort },
    log: { level: cl.logLevel, format: cl.logFormat },
    redactionPattern: keys.keys.redactionPattern,
  };
  return { ok: true, config: deepFreeze(config), warnings };
}

/** The REST bearer token: trailing line breaks and spaces dropped, never empty. */
function readToken(path: CommandLine['restAuthTokenFile'], readFile: ReadTextFile, errors: string[]): string | undefined {
  if (path === undefined) return undefined;
  let text: string | undefined;
  try {
    text = readFile(path);
  } catch (error) {
    errors.push(`--rest-auth-token-file: cannot read '${path}': ${(error as Error).message}`);
    return undefined;
  }
  const token = text?.trim();
  if (text === undefined) errors.push(`--rest-auth-token-file: file '${path}' does not exist`);
  else if (token === '') errors.push(`--rest-auth-token-file: file '${path}' is empty`);
  return token || undefined;
}

/** A copy whose mutators throw: `Object.freeze` alone does not stop `Map.prototype.set`. */
function readOnlyMap<K, V>(map: ReadonlyMap<K, V>): ReadonlyMap<K, V> {
  const copy = new Map(map);
  const refuse = (): never => {
    throw new TypeError('the configuration is frozen');
  };
  Object.defineProperties(copy, { set: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  return Object.freeze(copy);
}
