// The two things configuration needs from the machine it runs on: reading small text files
// (properties, credentials, tokens, kubeconfig presence) and the host's name and user. They are
// ports so that `loadConfig` stays pure and its tests pass in-memory files.
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';

/**
 * Reads a UTF-8 text file. Returns undefined when nothing exists at `path`; any other failure
 * (a directory, no permission) throws, and the caller reports it against the flag or key.
 */
export type ReadTextFile = (path: string) => string | undefined;

export const readTextFileSync: ReadTextFile = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
};

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** What the dispatcher would otherwise ask the operating system. */
export interface SystemInfo {
  readonly hostname: string;
  /** The OS user running the dispatcher (Mesos FrameworkInfo.user unless SPARK_USER is set). */
  readonly username: string;
}

export function systemInfo(env: Readonly<Record<string, string | undefined>> = process.env): SystemInfo {
  let username: string;
  try {
    username = userInfo().username;
  } catch {
    // Containers often run under a uid with no passwd entry.
    username = env['USER'] ?? 'root';
  }
  return { hostname: hostname(), username };
}
