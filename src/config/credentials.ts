// The Mesos principal and secret, found the way Spark's `MesosSchedulerUtils.buildCredentials`
// finds them: the conf value, then the environment variable, then the file named in the conf,
// then the file named in the environment; the first one set wins. Messages never hold a value.
import type { ReadTextFile } from './system.ts';

interface Source {
  /** The conf key or environment variable, as messages and the start-up log name it. */
  readonly name: string;
  readonly from: 'conf' | 'env';
  /** The setting holds a path whose content is the value. */
  readonly file: boolean;
}

const source = (name: string, from: 'conf' | 'env', file: boolean): Source => ({ name, from, file });

/** Spark's order of preference, first to last. */
export const CREDENTIAL_SOURCES = {
  principal: [
    source('spark.mesos.principal', 'conf', false), source('SPARK_MESOS_PRINCIPAL', 'env', false),
    source('spark.mesos.principal.file', 'conf', true), source('SPARK_MESOS_PRINCIPAL_FILE', 'env', true),
  ],
  secret: [
    source('spark.mesos.secret', 'conf', false), source('SPARK_MESOS_SECRET', 'env', false),
    source('spark.mesos.secret.file', 'conf', true), source('SPARK_MESOS_SECRET_FILE', 'env', true),
  ],
} as const;

export interface MesosCredentials {
  readonly principal: string | undefined;
  readonly secret: string | undefined;
  /** The key or variable each came from, so the start-up log can say so without the value. */
  readonly principalSource: string | undefined;
  readonly secretSource: string | undefined;
}

export interface CredentialsResult {
  readonly credentials: MesosCredentials;
  readonly errors: string[];
  readonly warnings: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the principal and the secret. Deviations from Spark, both deliberate: an empty
 * environment variable counts as unset (as Kubernetes and shell templating leave them), and
 * line breaks at the end of a credential file are dropped (`echo secret > file` adds one, which
 * Spark would have sent to Mesos as part of the secret).
 */
export function resolveMesosCredentials(props: Readonly<Record<string, string>>, env: Env, readFile: ReadTextFile): CredentialsResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const principal = resolveOne(CREDENTIAL_SOURCES.principal, props, env, readFile, errors, warnings);
  const principalErrors = errors.length;
  const secret = resolveOne(CREDENTIAL_SOURCES.secret, props, env, readFile, errors, warnings);
  if (secret.value !== undefined && principal.source === undefined && principalErrors === 0) {
    // Spark's message (its SparkException interpolates the config entries' keys).
    errors.push('spark.mesos.principal must be configured when spark.mesos.secret is set');
  }
  return {
    credentials: { principal: principal.value, secret: secret.value, principalSource: principal.source, secretSource: secret.source },
    errors,
    warnings,
  };
}

function resolveOne(
  sources: readonly Source[], props: Readonly<Record<string, string>>, env: Env, readFile: ReadTextFile,
  errors: string[], warnings: string[],
): { value: string | undefined; source: string | undefined } {
  const lookup = (s: Source): string | undefined => {
    if (s.from === 'conf') return props[s.name];
    const value = env[s.name];
    return value === '' ? undefined : value;
  };
  const present = sources.filter((s) => lookup(s) !== undefined);
  const [winner, ...ignored] = present;
  if (winner === undefined) return { value: undefined, source: undefined };
  for (const other of ignored) warnings.push(`${other.name} is ignored: ${winner.name} takes precedence`);

  const setting = lookup(winner) ?? '';
  if (setting === '') {
    errors.push(`${winner.name}: is empty`);
    return { value: undefined, source: winner.name };
  }
  if (!winner.file) return { value: setting, source: winner.name };

  let content: string | undefined;
  try {
    content = readFile(setting);
  } catch (error) {
    errors.push(`${winner.name}: cannot read '${setting}': ${(error as Error).message}`);
    return { value: undefined, source: winner.name };
  }
  if (content === undefined) {
    errors.push(`${winner.name}: file '${setting}' does not exist`);
    return { value: undefined, source: winner.name };
  }
  const value = content.replace(/[\r\n]+$/, '');
  if (value === '') {
    errors.push(`${winner.name}: file '${setting}' is empty`);
    return { value: undefined, source: winner.name };
  }
  return { value, source: winner.name };
}
