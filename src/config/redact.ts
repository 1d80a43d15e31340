// The effective configuration as it may be shown: in the start-up log, for `--verbose`, on the
// web UI. Secrets are replaced: the Mesos secret, the REST token, and every Spark property whose
// key or value matches `spark.redaction.regex`, as Spark's `Utils.redact` decides.
import type { OperatorConfig } from './config.ts';
import { redactMasterUrl } from '../mesos/master-url.ts';
import type { MasterLocation } from '../mesos/master-url.ts';

export const REDACTED = '[redacted]';

/** Spark's rule: a property is hidden when its key or its value matches the pattern. */
export function redactProperties(
  props: Readonly<Record<string, string>>, pattern: RegExp, replacement = REDACTED,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(props).map(([key, value]) => [key, pattern.test(key) || pattern.test(value) ? replacement : value]),
  );
}

const hide = (value: string | undefined): string | undefined => (value === undefined ? undefined : REDACTED);

/** Spark's redaction, and the password of a `zk://user:password@…` master wherever it appears. */
function redactSparkProperties(props: Readonly<Record<string, string>>, pattern: RegExp): Record<string, string> {
  const redacted = redactProperties(props, pattern);
  const master = redacted['spark.master'];
  if (master !== undefined) redacted['spark.master'] = redactMasterUrl(master);
  return redacted;
}

function redactLocation(location: MasterLocation): MasterLocation {
  if (location.kind === 'static' || location.zookeeper.digest === undefined) return location;
  return { kind: 'zookeeper', zookeeper: { ...location.zookeeper, digest: { username: location.zookeeper.digest.username, password: REDACTED } } };
}

/** A plain, JSON-ready copy of the configuration with every secret replaced by `[redacted]`. */
export function redactConfig(config: OperatorConfig) {
  const pattern = config.redactionPattern;
  return {
    ...config,
    sparkProperties: redactSparkProperties(config.sparkProperties, pattern),
    dispatcher: {
      ...config.dispatcher,
      master: redactMasterUrl(config.dispatcher.master),
      queues: Object.fromEntries(config.dispatcher.queues),
      // Driver defaults are Spark properties too, e.g. a default S3 secret key.
      driverDefaults: redactProperties(config.dispatcher.driverDefaults, pattern),
    },
    mesos: {
      ...config.mesos, master: redactMasterUrl(config.mesos.master), masterLocation: redactLocation(config.mesos.masterLocation), secret: hide(config.mesos.secret),
    },
    rest: { ...config.rest, authToken: hide(config.rest.authToken) },
    redactionPattern: String(pattern),
  };
}

export type RedactedConfig = ReturnType<typeof redactConfig>;

/** What Spark's `--verbose` prints, in its words, with the properties redacted. */
export function verboseReport(config: OperatorConfig): string[] {
  const props = redactSparkProperties(config.sparkProperties, config.redactionPattern);
  return [
    `Using host: ${config.network.host}`,
    `Using port: ${config.rest.port}`,
    `Using webUiPort: ${config.ui.port}`,
    `Framework Name: ${config.mesos.frameworkName}`,
    ...(config.propertiesFile === undefined ? [] : [`Using properties file: ${config.propertiesFile}`]),
    'Spark Config properties set:',
    ...Object.keys(props).sort().map((key) => `(${key},${props[key]})`),
  ];
}
