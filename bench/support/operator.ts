// The operator under test as a real process from a production build, started as the image
// starts it: scripts/start.sh (the measured checkout's, else this one's) runs node on
// <dist>/main.js with the V8 flags for the chart's default memory limit. <dist> is SMD_DIST
// (another checkout's `dist/`) or this checkout's. Seen only from outside: its command line,
// its JSON log lines, /metrics, and VmRSS from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './cluster.ts';
import { onOperatorCore } from './pinning.ts';

export function operatorDist(): string {
  return path.resolve(process.env.SMD_DIST ?? path.join(ROOT, 'dist'));
}

/** How production starts the build: its checkout's start script, or this checkout's. */
export function startScript(): string {
  const own = path.join(operatorDist(), '..', 'scripts', 'start.sh');
  return existsSync(own) ? own : path.join(ROOT, 'scripts', 'start.sh');
}

/** The memory limit the operator is sized for: BENCH_MEMORY_LIMIT_MIB, else the chart's default limit. */
export function memoryLimitMiB(): number {
  const override = process.env.BENCH_MEMORY_LIMIT_MIB;
  if (override !== undefined && override !== '') return Number(override);
  const values = parse(readFileSync(path.join(ROOT, 'charts', 'spark-mesos-dispatcher', 'values.yaml'), 'utf8')) as
    { resources?: { limits?: { memory?: string } } };
  const limit = values.resources?.limits?.memory ?? '';
  const match = /^(\d+)(Mi|Gi)$/.exec(limit);
  if (match === null) throw new Error(`the chart's default memory limit '${limit}' is not in Mi or Gi`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

export interface OperatorOptions {
  masterUrl: string;
  kubeconfigPath: string;
  /** Extra `--conf spark.*=…` properties. */
  conf?: Record<string, string>;
  /** Node flags (e.g. `--heapsnapshot-signal=SIGUSR2`), passed in NODE_OPTIONS. */
  nodeArgs?: string[];
}

export interface LogLine { level: number; msg: string }

/** The most frequent of `lines`, `N × "message"`, IDs and numbers blanked so repeats count together. */
export function topMessages(lines: readonly LogLine[], top = 3): string {
  const byMessage = new Map<string, number>();
  for (const line of lines) {
    const err = (line as { err?: unknown }).err;
    const why = typeof err === 'string' ? ` (${err.split('\n', 1)[0]})` : '';
    const shape = `${line.msg}${why}`.replace(/[\w.-]*\d[\w.-]*/g, '…').slice(0, 160);
    byMessage.set(shape, (byMessage.get(shape) ?? 0) + 1);
  }
  return [...byMessage].sort((a, b) => b[1] - a[1]).slice(0, top).map(([msg, n]) => `${n} × "${msg}"`).join('; ');
}

export interface OperatorProcess {
  readonly pid: number;
  readonly metricsUrl: string;
  /** Resident set size now, in bytes (VmRSS); `peak` is VmHWM. */
  memory(): Promise<{ rss: number; peak: number }>;
  /** The /metrics text. */
  metrics(): Promise<string>;
  /** Lines logged at warn (40) or above so far. */
  warnings(): LogLine[];
  stop(): Promise<void>;
}

const PROPERTIES: Record<string, string> = {
  // Spark's default of 200 launched drivers would refuse most of a benchmark's submissions.
  'spark.mesos.maxDrivers': '1000000',
  'spark.home': '/opt/spark',
};

export async function startOperator(options: OperatorOptions): Promise<OperatorProcess> {
  const main = path.join(operatorDist(), 'main.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: run \`make build\` (in that checkout)`);
  const conf = Object.entries({ ...PROPERTIES, ...options.conf }).flatMap(([k, v]) => ['--conf', `${k}=${v}`]);
  // BENCH_OPERATOR_NODE_ARGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the operator.
  const extraNodeArgs = (process.env.BENCH_OPERATOR_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const nodeOptions = [...extraNodeArgs, ...(options.nodeArgs ?? [])].join(' ');
  const [command, commandArgs] = onOperatorCore('/bin/sh', [
    startScript(),
    '--master', `mesos://${new URL(options.masterUrl).host}`, '--kubeconfig', options.kubeconfigPath,
    '--no-leader-election', '--port', '0', '--webui-port', '0', '--metrics-port', '0', '--host', '127.0.0.1',
    '--bind-address', '127.0.0.1', '--log-level', 'info', ...conf,
  ]);
  const child = spawn(command, commandArgs, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, KUBECONFIG: options.kubeconfigPath, NODE: process.env.BENCH_NODE ?? process.execPath, SMD_DIST: operatorDist(),
      SMD_MEMORY_LIMIT_MIB: String(memoryLimitMiB()), NODE_OPTIONS: nodeOptions,
    },
  });
  const warnings: LogLine[] = [];
  let stderr = '';
  const metricsPort = new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the operator exited (${code}) before it served /metrics: ${stderr}`)));
    readLines(child, (line) => {
      if (line.msg.startsWith('metrics server listening') && typeof line.port === 'number') resolve(line.port);
      if (line.level >= 40) warnings.push({ level: line.level, msg: line.msg });
    });
  });
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid ?? 0;
  const metricsUrl = `http://127.0.0.1:${await metricsPort}/metrics`;
  return {
    pid,
    metricsUrl,
    async memory() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
      return { rss: kb('VmRSS'), peak: kb('VmHWM') };
    },
    async metrics() {
      const response = await fetch(metricsUrl);
      return response.text();
    },
    warnings: () => [...warnings],
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killLater = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killLater);
    },
  };
}

/** Calls `onLine` with each JSON log line of stdout (pino: `level`, `msg`, fields). */
function readLines(child: ChildProcess, onLine: (line: LogLine & Record<string, unknown>) => void): void {
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      try {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        if (typeof parsed.level === 'number') onLine({ ...parsed, level: parsed.level, msg: typeof parsed.msg === 'string' ? parsed.msg : '' });
      } catch {
        // Not a log line (the operator prints nothing else on stdout at info).
      }
    }
  });
}
