// Real ZooKeeper servers for `make run ZK=1` and the tests: Debian's `zookeeper` package (see
// scripts/system-deps.sh), one standalone server or a 3-member ensemble on free loopback ports,
// each in its own directory, started in the foreground so that killing the process is a crash.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ZK_SERVER = '/usr/share/zookeeper/bin/zkServer.sh';

export function zooKeeperInstalled(): boolean {
  try {
    accessSync(ZK_SERVER, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface ZooKeeperOptions {
  /** 1 (standalone, the default) or 3 (a quorum that survives the loss of one member). */
  members?: 1 | 3;
  /** Where each member keeps its config, data and log; default: a temp dir, removed on close. */
  dir?: string;
  /** ZooKeeper's tick (default 2000 ms); sessions may last 2 to 60 s whatever it is... */
  tickTimeMs?: number;
  /** ...unless this is set: the shortest session timeout the servers grant (default 2 ticks). */
  minSessionTimeoutMs?: number;
}

export class ZooKeeperMember {
  readonly id: number;
  readonly clientPort: number;
  private readonly dir: string;
  private process: ChildProcess | undefined;

  constructor(id: number, clientPort: number, dir: string) {
    this.id = id;
    this.clientPort = clientPort;
    this.dir = dir;
  }

  get address(): string {
    return `127.0.0.1:${this.clientPort}`;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  /** Starts the JVM; `ready` waits until it serves clients (a quorum member needs its peers). */
  launch(): void {
    if (this.process) return;
    const log = openSync(path.join(this.dir, 'server.log'), 'a');
    const child = spawn(ZK_SERVER, ['start-foreground', path.join(this.dir, 'zoo.cfg')], {
      cwd: this.dir, stdio: ['ignore', log, log],
      env: { ...process.env, JMXDISABLE: 'true', SERVER_JVMFLAGS: '-Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k' },
    });
    closeSync(log);
    child.once('exit', () => {
      if (this.process === child) this.process = undefined;
    });
    this.process = child;
  }

  /** Resolves once `srvr` reports a serving mode (standalone, leader or follower). */
  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!/^Mode: (standalone|leader|follower)$/m.test(await this.command('srvr'))) {
      if (!this.process) throw new Error(`ZooKeeper member ${this.id} exited; see ${path.join(this.dir, 'server.log')}`);
      if (Date.now() > deadline) throw new Error(`ZooKeeper member ${this.id} did not serve within ${timeoutMs} ms; see ${path.join(this.dir, 'server.log')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** `leader`, `follower` or `standalone`; undefined while not serving. */
  async mode(): Promise<string | undefined> {
    return /^Mode: (\w+)$/m.exec(await this.command('srvr'))?.[1];
  }

  /** SIGKILL: the member vanishes as in a crash. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** A four-letter-word command; the answer, or '' when the member does not answer. */
  command(word: string): Promise<string> {
    return new Promise((resolve) => {
      let answer = '';
      const socket = connect(this.clientPort, '127.0.0.1', () => socket.end(word));
      socket.setTimeout(2000, () => socket.destroy());
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('utf8');
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(answer));
    });
  }
}

export class ZooKeeperEnsemble {
  readonly members: readonly ZooKeeperMember[];
  private readonly dir: string;
  private readonly ownsDir: boolean;

  private constructor(members: ZooKeeperMember[], dir: string, ownsDir: boolean) {
    this.members = members;
    this.dir = dir;
    this.ownsDir = ownsDir;
  }

  /** Writes each member's configuration, starts them all and waits until every one serves. */
  static async start(options: ZooKeeperOptions = {}): Promise<ZooKeeperEnsemble> {
    const count = options.members ?? 1;
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'zookeeper-'));
    const ports = await freePorts(count * 3);
    const tick = options.tickTimeMs ?? 2000;
    const peers = Array.from({ length: count }, (_, i) => `server.${i + 1}=127.0.0.1:${ports[count + i]!}:${ports[2 * count + i]!}`);
    const members = Array.from({ length: count }, (_, i) => {
      const memberDir = path.join(dir, `member-${i + 1}`);
      mkdirSync(path.join(memberDir, 'data'), { recursive: true });
      writeFileSync(path.join(memberDir, 'data', 'myid'), `${i + 1}\n`);
      writeFileSync(path.join(memberDir, 'zoo.cfg'), [
        `tickTime=${tick}`, 'initLimit=10', 'syncLimit=5',
        `dataDir=${path.join(memberDir, 'data')}`, `clientPort=${ports[i]!}`, 'clientPortAddress=127.0.0.1',
        `minSessionTimeout=${options.minSessionTimeoutMs ?? 2 * tick}`, 'maxSessionTimeout=60000',
        'admin.enableServer=false', '4lw.commands.whitelist=srvr,ruok,cons', 'standaloneEnabled=true',
        ...(count > 1 ? peers : []), '',
      ].join('\n'));
      return new ZooKeeperMember(i + 1, ports[i]!, memberDir);
    });
    const ensemble = new ZooKeeperEnsemble(members, dir, ownsDir);
    try {
      for (const member of members) member.launch();
      await Promise.all(members.map((m) => m.ready()));
    } catch (error) {
      await ensemble.close();
      throw error;
    }
    return ensemble;
  }

  /** `127.0.0.1:p1,127.0.0.1:p2,…`, the servers part of a `zk://` URL. */
  get connectString(): string {
    return this.members.map((m) => m.address).join(',');
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.kill()));
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Distinct free loopback ports, all held open until every one is picked. */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      servers.push(server);
    }
    return servers.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
