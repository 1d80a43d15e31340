// Driver secrets (`spark.mesos.driver.secret.{names,values,envkeys,filenames}`): reference or
// value secrets delivered as environment variables or files, as Spark's
// MesosSchedulerBackendUtil reads them. Messages never include secret values.

import { splitCommaList } from './spark-values.ts';

const PREFIX = 'spark.mesos.driver.secret.';
export const SECRET_NAMES_KEY = `${PREFIX}names`;
export const SECRET_VALUES_KEY = `${PREFIX}values`;
export const SECRET_ENV_KEYS_KEY = `${PREFIX}envkeys`;
export const SECRET_FILENAMES_KEY = `${PREFIX}filenames`;

/** A secret by the name the secret store knows it by, or given by value. */
export type SecretRef = { readonly type: 'reference'; readonly name: string } | { readonly type: 'value'; readonly value: string };

/** An environment variable whose value is a secret. */
export interface SecretVariable {
  readonly name: string;
  readonly secret: SecretRef;
}

/** A secret mounted as a read-only file in the container. */
export interface SecretFile {
  readonly containerPath: string;
  readonly secret: SecretRef;
}

export interface DriverSecrets {
  readonly environment: SecretVariable[];
  readonly volumes: SecretFile[];
}

export type SecretsResult = { ok: true; secrets: DriverSecrets } | { ok: false; problems: string[] };

/**
 * Reads the driver's secrets. Reference secrets (`names`) and value secrets (`values`) are
 * zipped in order with `envkeys` (→ SECRET environment variables) and `filenames` (→ read-only
 * SECRET volumes); secrets with neither destination produce nothing, as in Spark.
 */
export function driverSecrets(conf: Readonly<Record<string, string>>): SecretsResult {
  const names = splitCommaList(conf[SECRET_NAMES_KEY]);
  const values = splitCommaList(conf[SECRET_VALUES_KEY]);
  const envKeys = splitCommaList(conf[SECRET_ENV_KEYS_KEY]);
  const fileNames = splitCommaList(conf[SECRET_FILENAMES_KEY]);
  const problems: string[] = [];
  if (names.length > 0 && values.length > 0) {
    problems.push(`${SECRET_NAMES_KEY} and ${SECRET_VALUES_KEY}: Cannot specify both value-type and reference-type secrets.`);
  }
  const secrets: SecretRef[] = names.length > 0
    ? names.map((name) => ({ type: 'reference', name }))
    : values.map((value) => ({ type: 'value', value }));
  const countProblem = (key: string, what: string, count: number): void => {
    if (count > 0 && count !== secrets.length) {
      problems.push(`${key}: ${count} ${what} for ${secrets.length} secrets; give exactly one per secret, in the same order`);
    }
  };
  countProblem(SECRET_ENV_KEYS_KEY, 'environment keys', envKeys.length);
  countProblem(SECRET_FILENAMES_KEY, 'file paths', fileNames.length);
  if (problems.length > 0) return { ok: false, problems };

  const pairs = <T>(destinations: string[], make: (destination: string, secret: SecretRef) => T): T[] =>
    destinations.flatMap((destination, i) => {
      const secret = secrets[i];
      return secret === undefined ? [] : [make(destination, secret)];
    });
  return {
    ok: true,
    secrets: {
      environment: pairs(envKeys, (name, secret) => ({ name, secret })),
      volumes: pairs(fileNames, (containerPath, secret) => ({ containerPath, secret })),
    },
  };
}
