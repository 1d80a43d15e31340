// The dispatcher's command line: Spark's MesosClusterDispatcherArguments (same options, defaults
// and messages) plus the operator's flags from options.ts. Pure: argv in, a CommandLine, the
// help outcome, or every problem found out.
import type { z } from 'zod';
import {
  bindAddressValue, durationValue, hostValue, logFormatValue, logLevelValue, masterValue, namespaceListValue,
  namespaceValue, objectNameValue, pathValue, portValue, type LogFormat, type LogLevel, type MasterValue,
} from './flag-values.ts';
import { ALL_OPTIONS, DEFAULTS, flagName, USAGE, type OptionKey, type OptionSpec } from './options.ts';

export interface CommandLine {
  readonly master: MasterValue;
  /** `--host`; undefined leaves the default to the caller, which knows the environment. */
  readonly host: string | undefined;
  readonly port: number;
  readonly webUiPort: number;
  readonly name: string;
  readonly propertiesFile: string | undefined;
  /** `--conf` properties with `spark.*` keys, the last of a repeated key winning. */
  readonly conf: Readonly<Record<string, string>>;
  readonly verbose: boolean;
  readonly kubeconfig: string | undefined;
  readonly namespaces: readonly string[] | 'all';
  readonly submissionNamespace: string;
  readonly leaderElection: boolean;
  readonly leaderElectionNamespace: string | undefined;
  readonly leaseName: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly metricsPort: number;
  readonly bindAddress: string;
  readonly restAuthTokenFile: string | undefined;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly frameworkIdConfigMap: string;
}

/** What could be read from an invalid command line, so that other problems can be found too. */
export type PartialCommandLine = Omit<CommandLine, 'master'> & { readonly master: MasterValue | undefined };

/**
 * `help`: print the usage and exit 0. `invalid`: print the errors, then the usage when given,
 * and exit 1 (Spark shows the usage for unknown options and a missing master). A flag that
 * failed takes its default in `partial`.
 */
export type CommandLineResult =
  | { kind: 'ok'; commandLine: CommandLine; warnings: string[] }
  | { kind: 'help'; usage: string }
  | { kind: 'invalid'; errors: string[]; usage: string | undefined; partial: PartialCommandLine };

const VALUE_SCHEMAS = {
  master: masterValue, host: hostValue, port: portValue, webUiPort: portValue, name: pathValue,
  propertiesFile: pathValue, kubeconfig: pathValue, namespaces: namespaceListValue,
  submissionNamespace: namespaceValue, leaderElectionNamespace: namespaceValue, leaseName: objectNameValue,
  leaseDuration: durationValue, renewDeadline: durationValue, retryPeriod: durationValue,
  metricsPort: portValue, bindAddress: bindAddressValue, restAuthTokenFile: pathValue,
  logLevel: logLevelValue, logFormat: logFormatValue, frameworkIdConfigMap: objectNameValue,
};
type ValueKey = keyof typeof VALUE_SCHEMAS;
type Values = { -readonly [K in ValueKey]?: z.output<(typeof VALUE_SCHEMAS)[K]> };

interface Tokens {
  raw: Partial<Record<OptionKey, string>>;
  flags: Partial<Record<OptionKey, boolean>>;
  conf: Record<string, string>;
  help: boolean;
  errors: string[];
  warnings: string[];
  showUsage: boolean;
}

const BY_NAME = new Map<string, OptionSpec>(ALL_OPTIONS.flatMap((spec) => spec.names.map((n) => [n, spec] as const)));

export function parseCommandLine(argv: readonly string[]): CommandLineResult {
  const tokens = tokenize(argv);
  if (tokens.help) return { kind: 'help', usage: USAGE };
  const { values, errors, failed } = parseValues(tokens.raw);
  errors.unshift(...tokens.errors);
  if (tokens.raw.master === undefined) {
    errors.push('--master is required');
    tokens.showUsage = true;
  }
  const partial = { ...assemble(values, tokens), master: values.master };
  errors.push(...crossCheck(partial, failed, tokens.raw));
  if (errors.length > 0 || partial.master === undefined) {
    return { kind: 'invalid', errors, usage: tokens.showUsage ? USAGE : undefined, partial };
  }
  return { kind: 'ok', commandLine: { ...partial, master: partial.master }, warnings: tokens.warnings };
}

/** Splits argv into option values; `--opt=value` is accepted for long options, as spark-submit does. */
function tokenize(argv: readonly string[]): Tokens {
  const t: Tokens = { raw: {}, flags: {}, conf: {}, help: false, errors: [], warnings: [], showUsage: false };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const name = eq > 0 ? token.slice(0, eq) : token;
    const inline = eq > 0 ? token.slice(eq + 1) : undefined;
    const spec = BY_NAME.get(name);
    if (spec === undefined) {
      t.errors.push(`Unrecognized option: '${token}'`);
      t.showUsage = true;
      // An unknown option probably takes a value; skip it rather than report (and echo) it too.
      const next = argv[i + 1];
      if (token.startsWith('-') && inline === undefined && next !== undefined && !next.startsWith('-')) i += 1;
      continue;
    }
    if (spec.kind === 'flag') {
      if (inline !== undefined) t.errors.push(`${name}: takes no value`);
      else if (spec.key === 'help') t.help = true;
      else t.flags[spec.key] = spec.sets;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) {
      t.errors.push(`${name}: requires a value (${spec.arg})`);
      continue;
    }
    if (spec.key === 'conf') i = addConf(t, value, argv, i);
    else if (spec.key === 'zk') t.warnings.push(`${name}: ignored; the dispatcher keeps its state in Kubernetes now, not in ZooKeeper`);
    else t.raw[spec.key] = value;
  }
  return t;
}

/** Spark's `parseSparkConfProperty` plus its `spark.*` filter. Returns the index of the last token used. */
function addConf(t: Tokens, pair: string, argv: readonly string[], i: number): number {
  const eq = pair.indexOf('=');
  if (eq < 0) {
    t.errors.push(`--conf: Spark config without '=': ${pair} (write --conf ${pair}=VALUE)`);
    // `--conf key value` is the usual slip; the next token is then the value, which may be a
    // secret, so it is skipped rather than reported as an unrecognized option.
    const next = argv[i + 1];
    return next !== undefined && !next.startsWith('-') ? i + 1 : i;
  }
  const key = pair.slice(0, eq);
  if (key.startsWith('spark.')) t.conf[key] = pair.slice(eq + 1);
  else t.warnings.push(`--conf: Ignoring non-Spark config property: ${key}`);
  return i;
}

function parseValues(raw: Partial<Record<OptionKey, string>>): { values: Values; errors: string[]; failed: Set<OptionKey> } {
  const values: Values = {};
  const errors: string[] = [];
  const failed = new Set<OptionKey>();
  for (const key of Object.keys(VALUE_SCHEMAS) as ValueKey[]) {
    const text = raw[key];
    if (text === undefined) continue;
    const result = VALUE_SCHEMAS[key].safeParse(text);
    if (result.success) {
      // Each key's schema produced exactly that key's type.
      (values as Record<ValueKey, unknown>)[key] = result.data;
    } else {
      failed.add(key);
      for (const issue of result.error.issues) errors.push(`${flagName(key)}: ${issue.message}`);
    }
  }
  return { values, errors, failed };
}

function assemble(v: Values, t: Tokens): Omit<CommandLine, 'master'> {
  return {
    host: v.host,
    port: v.port ?? DEFAULTS.port,
    webUiPort: v.webUiPort ?? DEFAULTS.webUiPort,
    name: v.name ?? DEFAULTS.name,
    propertiesFile: v.propertiesFile,
    conf: t.conf,
    verbose: t.flags.verbose ?? false,
    kubeconfig: v.kubeconfig,
    namespaces: v.namespaces ?? 'all',
    submissionNamespace: v.submissionNamespace ?? DEFAULTS.submissionNamespace,
    leaderElection: t.flags.leaderElection ?? true,
    leaderElectionNamespace: v.leaderElectionNamespace,
    leaseName: v.leaseName ?? DEFAULTS.leaseName,
    leaseDurationMs: v.leaseDuration ?? DEFAULTS.leaseDurationMs,
    renewDeadlineMs: v.renewDeadline ?? DEFAULTS.renewDeadlineMs,
    retryPeriodMs: v.retryPeriod ?? DEFAULTS.retryPeriodMs,
    metricsPort: v.metricsPort ?? DEFAULTS.metricsPort,
    bindAddress: v.bindAddress ?? DEFAULTS.bindAddress,
    restAuthTokenFile: v.restAuthTokenFile,
    logLevel: v.logLevel ?? DEFAULTS.logLevel,
    logFormat: v.logFormat ?? DEFAULTS.logFormat,
    frameworkIdConfigMap: v.frameworkIdConfigMap ?? DEFAULTS.frameworkIdConfigMap,
  };
}

/** Checks between flags, skipping any pair where one side was already reported. */
function crossCheck(c: Omit<CommandLine, 'master'>, failed: Set<OptionKey>, raw: Partial<Record<OptionKey, string>>): string[] {
  const errors: string[] = [];
  const ok = (...keys: OptionKey[]): boolean => keys.every((k) => !failed.has(k));
  const shown = (key: OptionKey, fallbackMs: number): string => raw[key] ?? `${fallbackMs / 1000}s`;

  // The three servers share --bind-address, so equal ports cannot all bind (0 picks a free one).
  const ports: [OptionKey, number][] = [['port', c.port], ['webUiPort', c.webUiPort], ['metricsPort', c.metricsPort]];
  ports.forEach(([key, port], index) => {
    const clash = ports.slice(0, index).find(([other, p]) => p === port && port !== 0 && ok(key, other));
    if (clash) errors.push(`${flagName(key)}: ${port} is also the ${flagName(clash[0])}`);
  });

  // A Lease counts whole seconds.
  if (ok('leaseDuration') && c.leaseDurationMs < 1000) {
    errors.push(`--lease-duration: ${shown('leaseDuration', c.leaseDurationMs)} must be at least 1s`);
  }
  // client-go's rules: the lease outlives the renew deadline, which outlives 1.2 retry periods.
  if (ok('leaseDuration', 'renewDeadline') && c.leaseDurationMs <= c.renewDeadlineMs) {
    errors.push(`--lease-duration: ${shown('leaseDuration', c.leaseDurationMs)} must be longer than --renew-deadline (${shown('renewDeadline', c.renewDeadlineMs)})`);
  }
  if (ok('renewDeadline', 'retryPeriod') && c.renewDeadlineMs <= 1.2 * c.retryPeriodMs) {
    errors.push(`--renew-deadline: ${shown('renewDeadline', c.renewDeadlineMs)} must be longer than 1.2 × --retry-period (${shown('retryPeriod', c.retryPeriodMs)})`);
  }

  // Submissions land in a namespace nobody watches would never be scheduled.
  if (ok('namespaces', 'submissionNamespace') && c.namespaces !== 'all' && !c.namespaces.includes(c.submissionNamespace)) {
    errors.push(`--submission-namespace: '${c.submissionNamespace}' is not among the watched --namespaces (${c.namespaces.join(', ')})`);
  }
  return errors;
}
