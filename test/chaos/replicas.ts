// The operator replicas of a chaos run: real `node src/main.ts` processes with Lease leader
// election, each logging to its own file. A replica that exits (killed, crashed at a hook, or
// stopped because it could no longer lead) is started again in its slot while the run wants it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Cluster } from '../operator/harness.ts';
import { operatorCommand } from '../operator/process.ts';

export type CrashPoint = 'after-intent' | 'after-accept';

export interface Replica {
  readonly slot: number;
  readonly name: string;
  readonly child: ChildProcess;
  readonly crashAt: CrashPoint | undefined;
  identity: string | undefined;
  restUrl: string | undefined;
  /** It logged that it leads (and has not exited since). */
  leading: boolean;
  killedByUs: boolean;
  exited: Promise<void>;
}

export interface ExitCounts {
  /** SIGKILLs sent by the run. */
  killed: number;
  /** Deaths at an SMD_CRASH_AT hook. */
  crashHooks: number;
  /** Exits the operator chose: it could no longer lead (lease lost, framework taken over). */
  stepDowns: number;
  /** Any other exit (a start that failed). */
  other: number;
}

const LEASE: [string, string, string] = ['2s', '1500ms', '250ms'];

export class Replicas {
  private readonly cluster: Cluster;
  private readonly logDir: string;
  private readonly slots: (Replica | undefined)[];
  private starts = 0;
  private keepRunning = true;
  readonly exits: ExitCounts = { killed: 0, crashHooks: 0, stepDowns: 0, other: 0 };

  constructor(cluster: Cluster, logDir: string, count: number) {
    this.cluster = cluster;
    this.logDir = logDir;
    this.slots = Array.from({ length: count }, () => undefined);
  }

  startAll(): void {
    for (let slot = 0; slot < this.slots.length; slot += 1) this.start(slot, undefined);
  }

  live(): Replica[] {
    return this.slots.filter((r): r is Replica => r !== undefined);
  }

  leader(): Replica | undefined {
    return this.live().find((r) => r.leading);
  }

  /** A replica serving the REST API, preferring `index` modulo the ones that serve. */
  restUrl(index: number): string | undefined {
    const serving = this.live().flatMap((r) => (r.restUrl === undefined ? [] : [r.restUrl]));
    return serving[index % Math.max(1, serving.length)];
  }

  /** SIGKILLs the replica; it comes back (with the crash hook `restartWith`, if any). */
  kill(replica: Replica, restartWith?: CrashPoint): void {
    if (replica.child.exitCode !== null || replica.child.signalCode !== null) return;
    replica.killedByUs = true;
    this.exits.killed += 1;
    replica.child.kill('SIGKILL');
    void replica.exited.then(() => {
      if (this.keepRunning && this.slots[replica.slot] === undefined) this.start(replica.slot, restartWith);
    });
  }

  /** Stops restarting, then ends every replica with SIGTERM (SIGKILL if it does not exit). */
  async stop(): Promise<void> {
    this.keepRunning = false;
    const running = this.live();
    for (const r of running) r.child.kill('SIGTERM');
    const deadline = setTimeout(() => {
      for (const r of running) r.child.kill('SIGKILL');
    }, 10_000);
    await Promise.all(running.map((r) => r.exited));
    clearTimeout(deadline);
  }

  private start(slot: number, crashAt: CrashPoint | undefined): void {
    const name = `replica${slot}-${String(this.starts++).padStart(4, '0')}`;
    const args = operatorCommand(this.cluster, {
      logLevel: process.env.CHAOS_LOG_LEVEL ?? 'info', lease: LEASE,
      args: ['--bind-address', '127.0.0.1', '--submission-namespace', 'default'],
    });
    const child = spawn(process.execPath, args, {
      env: { ...process.env, HOME: this.cluster.kube.dir, POD_NAME: name, ...(crashAt !== undefined && { SMD_CRASH_AT: crashAt }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(path.join(this.logDir, `${name}.log`));
    let exitedResolve: () => void = () => undefined;
    const replica: Replica = {
      slot, name, child, crashAt, identity: undefined, restUrl: undefined, leading: false, killedByUs: false,
      exited: new Promise((resolve) => { exitedResolve = resolve; }),
    };
    this.slots[slot] = replica;
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.observe(replica, line);
    });
    child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
    child.once('exit', (code, signal) => {
      replica.leading = false;
      log.end();
      if (this.slots[slot] === replica) this.slots[slot] = undefined;
      if (signal === 'SIGKILL' && !replica.killedByUs) this.exits.crashHooks += 1;
      else if (!replica.killedByUs && code === 1) this.exits.stepDowns += 1;
      else if (!replica.killedByUs && this.keepRunning) this.exits.other += 1;
      exitedResolve();
      // Exits the run did not ask for: the replica comes back as a plain one.
      if (!replica.killedByUs && this.keepRunning) this.start(slot, undefined);
    });
  }

  private observe(replica: Replica, line: string): void {
    if (line.includes('"msg":"leading: ')) replica.leading = true;
    if (!line.includes('"msg":"spark-mesos-dispatcher started"')) return;
    const started = JSON.parse(line) as { identity?: string; rest?: string };
    replica.identity = started.identity;
    replica.restUrl = started.rest;
  }
}
