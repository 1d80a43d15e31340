// The logging port: the subset of pino's API the code uses, so modules take a logger as a
// dependency and tests pass a silent or recording one. Secrets are redacted at the root.
import { pino } from 'pino';

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

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'secret', '*.secret', 'password', '*.password', 'authorization', '*.authorization', 'headers.authorization',
  'credentials.secret', '*.credentials.secret', 'token', '*.token',
];

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'spark-mesos-dispatcher',
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
}
