// The logging port: the subset of pino's API the code uses, so modules take a logger as a
// dependency and tests pass a silent or recording one; main passes pino. Secret-looking fields
// are redacted at the root logger.

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

/** Paths whose values never reach a log line (pino `redact` syntax). */
export const REDACTED_PATHS = [
  'secret', '*.secret', 'password', '*.password', 'token', '*.token', 'authorization', '*.authorization',
  'headers.authorization', 'credentials.secret', '*.credentials.secret',
];

/** A printable summary of a caught value, for log fields. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
