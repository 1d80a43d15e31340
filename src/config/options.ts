// The dispatcher's command-line options as data: Spark's MesosClusterDispatcher options first,
// then the operator's own. The parser and the usage text are both derived from this table, so
// an option cannot exist without being documented.

export type OptionKey =
  | 'host' | 'port' | 'webUiPort' | 'name' | 'master' | 'zk' | 'propertiesFile' | 'conf' | 'verbose' | 'help'
  | 'kubeconfig' | 'namespaces' | 'submissionNamespace' | 'leaderElection' | 'leaderElectionNamespace'
  | 'leaseName' | 'leaseDuration' | 'renewDeadline' | 'retryPeriod' | 'metricsPort' | 'bindAddress'
  | 'restAuthTokenFile' | 'logLevel' | 'logFormat' | 'frameworkIdConfigMap';

export type OptionSpec =
  /** Takes one value; repeated, the last one wins (as in Spark). */
  | { readonly kind: 'value'; readonly key: OptionKey; readonly names: readonly string[]; readonly arg: string; readonly help: readonly string[] }
  /** Takes one value each time and accumulates (`--conf`). */
  | { readonly kind: 'list'; readonly key: OptionKey; readonly names: readonly string[]; readonly arg: string; readonly help: readonly string[] }
  /** Takes no value; sets `key` to `sets`. */
  | { readonly kind: 'flag'; readonly key: OptionKey; readonly names: readonly string[]; readonly sets: boolean; readonly help: readonly string[] };

export const DEFAULTS = {
  port: 7077,
  webUiPort: 8081,
  metricsPort: 8080,
  name: 'Spark Cluster',
  bindAddress: '0.0.0.0',
  submissionNamespace: 'default',
  leaseName: 'spark-mesos-dispatcher',
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  frameworkIdConfigMap: 'spark-mesos-dispatcher-framework-id',
  logLevel: 'info',
  logFormat: 'json',
} as const;

export const SPARK_OPTIONS: readonly OptionSpec[] = [
  { kind: 'value', key: 'host', names: ['-h', '--host'], arg: 'HOST', help: [
    'Host name to advertise (Mesos framework hostname, web UI URL);',
    'no \':\' allowed. Default: SPARK_LOCAL_HOSTNAME, SPARK_LOCAL_IP or',
    'this machine\'s name; SPARK_PUBLIC_DNS overrides it. Servers',
    'listen on --bind-address.'] },
  { kind: 'flag', key: 'help', names: ['--help'], sets: true, help: ['Show this help message and exit.'] },
  { kind: 'flag', key: 'verbose', names: ['--verbose'], sets: true, help: ['Print the effective configuration, secrets redacted.'] },
  { kind: 'value', key: 'port', names: ['-p', '--port'], arg: 'PORT', help: [`REST submission port (default: ${DEFAULTS.port})`] },
  { kind: 'value', key: 'webUiPort', names: ['--webui-port'], arg: 'WEBUI_PORT', help: [`Web UI port (default: ${DEFAULTS.webUiPort})`] },
  { kind: 'value', key: 'name', names: ['--name'], arg: 'NAME', help: [
    'Framework name to show in the Mesos UI, also spark.app.name',
    `(default: ${DEFAULTS.name})`] },
  { kind: 'value', key: 'master', names: ['-m', '--master'], arg: 'MASTER', help: [
    'URI for connecting to the Mesos masters (required), e.g.',
    'mesos://host:5050, mesos://m1:5050,m2:5050 or',
    'mesos://zk://zk1:2181,zk2:2181/mesos'] },
  { kind: 'value', key: 'zk', names: ['-z', '--zk'], arg: 'ZOOKEEPER', help: [
    'Accepted and ignored: the state lives in Kubernetes now.'] },
  { kind: 'value', key: 'propertiesFile', names: ['--properties-file'], arg: 'FILE', help: [
    'Path to a custom Spark properties file. Default is',
    'spark-defaults.conf in SPARK_CONF_DIR, else in SPARK_HOME/conf,',
    'else conf/spark-defaults.conf, if it exists.'] },
  { kind: 'list', key: 'conf', names: ['--conf'], arg: 'PROP=VALUE', help: [
    'Arbitrary Spark configuration property (spark.* keys only).',
    'Takes precedence over the properties file.'] },
];

export const OPERATOR_OPTIONS: readonly OptionSpec[] = [
  { kind: 'value', key: 'kubeconfig', names: ['--kubeconfig'], arg: 'PATH', help: [
    'Kubeconfig for the Kubernetes API. Default: the pod\'s service',
    'account in a cluster, else $KUBECONFIG, else ~/.kube/config.'] },
  { kind: 'value', key: 'namespaces', names: ['--namespaces'], arg: 'NS[,NS...]', help: [
    'Namespaces whose SparkDrivers are watched (default: all).'] },
  { kind: 'value', key: 'submissionNamespace', names: ['--submission-namespace'], arg: 'NS', help: [
    'Namespace where REST submissions create SparkDrivers',
    `(default: ${DEFAULTS.submissionNamespace}).`] },
  { kind: 'flag', key: 'leaderElection', names: ['--leader-election'], sets: true, help: [
    'Elect a leader through a Lease, so replicas can run side by',
    'side (the default).'] },
  { kind: 'flag', key: 'leaderElection', names: ['--no-leader-election'], sets: false, help: [
    'Lead at once without a Lease; for a single replica only.'] },
  { kind: 'value', key: 'leaderElectionNamespace', names: ['--leader-election-namespace'], arg: 'NS', help: [
    'Namespace of the Lease and the framework ID ConfigMap',
    '(default: POD_NAMESPACE, else the pod\'s namespace in a cluster,',
    'else the submission namespace).'] },
  { kind: 'value', key: 'leaseName', names: ['--lease-name'], arg: 'NAME', help: [`Lease name (default: ${DEFAULTS.leaseName}).`] },
  { kind: 'value', key: 'leaseDuration', names: ['--lease-duration'], arg: 'DURATION', help: [
    'How long followers wait before taking over an unrenewed Lease',
    '(default: 15s). Durations take ms, s, m, h: 15s, 500ms, 1m30s.'] },
  { kind: 'value', key: 'renewDeadline', names: ['--renew-deadline'], arg: 'DURATION', help: [
    'How long the leader tries to renew before it steps down',
    '(default: 10s).'] },
  { kind: 'value', key: 'retryPeriod', names: ['--retry-period'], arg: 'DURATION', help: ['Interval between Lease attempts (default: 2s).'] },
  { kind: 'value', key: 'metricsPort', names: ['--metrics-port'], arg: 'PORT', help: [
    `Port of /metrics, /healthz and /readyz (default: ${DEFAULTS.metricsPort}).`] },
  { kind: 'value', key: 'bindAddress', names: ['--bind-address'], arg: 'ADDRESS', help: [
    'IP address the REST API, web UI and metrics listen on',
    `(default: ${DEFAULTS.bindAddress}).`] },
  { kind: 'value', key: 'restAuthTokenFile', names: ['--rest-auth-token-file'], arg: 'PATH', help: [
    'File with a bearer token the REST API then requires (default:',
    'no authentication, as in Spark).'] },
  { kind: 'value', key: 'logLevel', names: ['--log-level'], arg: 'LEVEL', help: [
    `trace, debug, info, warn or error (default: ${DEFAULTS.logLevel}).`] },
  { kind: 'value', key: 'logFormat', names: ['--log-format'], arg: 'FORMAT', help: [
    `json, one object a line, or pretty (default: ${DEFAULTS.logFormat}).`] },
  { kind: 'value', key: 'frameworkIdConfigMap', names: ['--framework-id-configmap'], arg: 'NAME', help: [
    'ConfigMap keeping the Mesos framework ID across restarts',
    `(default: ${DEFAULTS.frameworkIdConfigMap}).`] },
];

export const ALL_OPTIONS: readonly OptionSpec[] = [...SPARK_OPTIONS, ...OPERATOR_OPTIONS];

/** The name messages use for an option: its long form. */
export function flagName(key: OptionKey): string {
  const spec = ALL_OPTIONS.find((s) => s.key === key);
  const names = spec?.names ?? [];
  return names[names.length - 1] ?? key;
}

const COLUMN = 32;

function renderSection(title: string, specs: readonly OptionSpec[]): string[] {
  const out = [`${title}:`];
  for (const spec of specs) {
    const label = spec.names.map((n) => (spec.kind === 'flag' ? n : `${n} ${spec.arg}`)).join(', ');
    const [first = '', ...rest] = spec.help;
    // A label too long for the column gets its help on the next line.
    if (label.length + 4 <= COLUMN) out.push(`  ${label.padEnd(COLUMN - 2)}${first}`);
    else out.push(`  ${label}`, `${' '.repeat(COLUMN)}${first}`);
    for (const line of rest) out.push(`${' '.repeat(COLUMN)}${line}`);
  }
  return out;
}

/** The usage text; its first line is Spark's. */
export const USAGE = [
  'Usage: MesosClusterDispatcher [options]',
  '',
  ...renderSection('Options', SPARK_OPTIONS),
  '',
  ...renderSection('Kubernetes operator options', OPERATOR_OPTIONS),
].join('\n');
