// The logging port: the subset of pino's API the code uses, so modules take a logger as a
// dependency and tests pass a silent or recording one; main passes pino. Secret-looking fields
// are censored at the root logger (redactSecrets).

export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/** Field names whose values never reach a log line, at the top of a line's fields or nested. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['secret', 'password', 'token', 'authorization']);
/** How deep into a line's fields they are looked for (`credentials.secret` is at depth 1). */
const SECRET_DEPTH = 3;
export const LOG_CENSOR = '[redacted]';

/**
 * `fields` with every secret-named value censored, as pino's `formatters.log`. It copies only
 * the objects on the way to a secret: a line without one (nearly all) costs a walk of its keys
 * and allocates nothing. pino's own `redact` cloned and re-parsed its paths for every field of
 * every line: a sixth of all the operator allocated in a launch burst.
 */
export function redactSecrets(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    const value = fields[key];
    let kept = value;
    if (SECRET_FIELDS.has(key)) kept = value === undefined ? value : LOG_CENSOR;
    else if (depth + 1 < SECRET_DEPTH && isPlainObject(value)) kept = redactSecrets(value, depth + 1);
    if (kept !== value) {
      copy ??= { ...fields };
      copy[key] = kept;
    }
  }
  return copy ?? fields;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** pino's options for the dispatcher's root logger: its name, the level, and the secrets kept out. */
export function rootLoggerOptions(level: string): { name: string; level: string; formatters: { log: typeof redactSecrets } } {
  return { name: 'spark-mesos-dispatcher', level, formatters: { log: (fields) => redactSecrets(fields) } };
}

/** A printable summary of a caught value, for log fields. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
