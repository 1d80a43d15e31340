// One container of the emulated kubelet as a real local process: its image is a local directory
// (the image's files, and the environment its image would set), its command and arguments are
// expanded the Kubernetes way (`$(VAR)`), stdout and stderr go, interleaved, to one log file as
// the container runtime writes them, and it leads its own process group so that a signal reaches
// everything it started. It reports how it ended, once.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { constants } from 'node:os';

/** What an image stands for on this machine. */
export interface LocalImage {
  /** The image's root directory: an absolute command inside it runs from here. */
  readonly root: string;
  /** The environment the image sets (Spark's images: SPARK_HOME). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ContainerLaunch {
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly image: LocalImage;
  readonly workingDir: string | undefined;
  readonly logFile: string;
}

export interface ContainerExit {
  readonly exitCode: number;
  /** The signal that ended it, if one did. */
  readonly signal?: NodeJS.Signals;
  /** The process could not be started at all (StartError). */
  readonly startError?: string;
}

export interface RunningContainer {
  readonly done: Promise<ContainerExit>;
  /** Signals the container's process group; false when it has ended already. */
  signal(signal: NodeJS.Signals): boolean;
}

/** `$(NAME)` → the variable's value; `$$(NAME)` stays literal `$(NAME)`; unknown names stay as written. */
export function expandVariables(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    return env[name] ?? match;
  });
}

/** The command's executable: an absolute path inside the image when it is there, else as written (the host's). */
function executable(file: string, image: LocalImage): string {
  if (!file.startsWith('/')) return file;
  const inImage = path.join(image.root, file);
  return existsSync(inImage) ? inImage : file;
}

export function startContainer(launch: ContainerLaunch): RunningContainer {
  const [file, ...args] = launch.command.map((part) => expandVariables(part, launch.env));
  mkdirSync(path.dirname(launch.logFile), { recursive: true });
  const log = openSync(launch.logFile, 'a');
  let ended = false;
  let resolveDone: (exit: ContainerExit) => void = () => undefined;
  const done = new Promise<ContainerExit>((resolve) => {
    resolveDone = resolve;
  });
  const finish = (exit: ContainerExit): void => {
    if (ended) return;
    ended = true;
    resolveDone(exit);
  };
  if (file === undefined || file === '') {
    closeSync(log);
    finish({ exitCode: 128, startError: 'no command specified' });
    return { done, signal: () => false };
  }
  const cwd = launch.workingDir === undefined ? launch.image.root : path.join(launch.image.root, launch.workingDir);
  const child = spawn(executable(file, launch.image), args, { cwd, env: { ...launch.env }, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.once('error', (error) => finish({ exitCode: 128, startError: error.message }));
  child.once('exit', (code, signal) => {
    // The runtime removes the container: nothing it started outlives it.
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    }
    finish(signal !== null ? { exitCode: 128 + (constants.signals[signal] ?? 0), signal } : { exitCode: code ?? 0 });
  });
  return {
    done,
    signal(signal) {
      if (ended || child.pid === undefined) return false;
      try {
        process.kill(-child.pid, signal);
        return true;
      } catch {
        return false;
      }
    },
  };
}
