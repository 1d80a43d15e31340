// The operator as a real process (`node src/main.ts`), for tests that kill it or run two.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/main.ts');

export interface OperatorProcess {
  child: ChildProcess;
  /** Everything it logged so far (JSON lines). */
  output(): string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

export interface OperatorProcessOptions {
  env?: Record<string, string>;
  args?: string[];
  leaderElection?: boolean;
  /** Default debug. */
  logLevel?: string;
  /** Lease duration, renew deadline and retry period (default 3s, 2s, 500ms). */
  lease?: [string, string, string];
}

/** `node` and its arguments for an operator process on `cluster`. */
export function operatorCommand(cluster: Cluster, options: OperatorProcessOptions = {}): string[] {
  const [duration, renewDeadline, retryPeriod] = options.lease ?? ['3s', '2s', '500ms'];
  return [
    '--disable-warning=ExperimentalWarning', MAIN,
    '--master', `mesos://${new URL(cluster.mesos.url).host}`,
    '--kubeconfig', cluster.kube.kubeconfigPath,
    '--conf', `spark.home=${cluster.sparkHome}`,
    '--leader-election-namespace', 'default',
    '--port', '0', '--webui-port', '0', '--metrics-port', '0',
    '--log-level', options.logLevel ?? 'debug',
    ...(options.leaderElection === false ? ['--no-leader-election'] : ['--lease-duration', duration, '--renew-deadline', renewDeadline, '--retry-period', retryPeriod]),
    ...(options.args ?? []),
  ];
}

export function startOperatorProcess(cluster: Cluster, options: OperatorProcessOptions = {}): OperatorProcess {
  const args = operatorCommand(cluster, options);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, HOME: cluster.kube.dir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    kill: (signal = 'SIGKILL') => { child.kill(signal); },
  };
}

/**
 * A fresh cluster per test, and operator processes that are killed after it: `start` runs one
 * against the current cluster.
 */
export function clusterWithOperatorProcesses(): { cluster: () => Cluster; start: (options?: OperatorProcessOptions) => OperatorProcess } {
  let current: Cluster | undefined;
  const running: OperatorProcess[] = [];
  beforeEach(async () => {
    current = await startCluster();
  });
  afterEach(async () => {
    for (const p of running.splice(0)) {
      p.kill();
      await p.exited;
    }
    await current?.close();
  });
  const cluster = (): Cluster => {
    if (current === undefined) throw new Error('no cluster outside a test');
    return current;
  };
  return {
    cluster,
    start: (options) => {
      const p = startOperatorProcess(cluster(), options);
      running.push(p);
      return p;
    },
  };
}
