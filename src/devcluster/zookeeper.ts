// Real ZooKeeper servers for `make run ZK=1` and the tests: Debian's `zookeeper` package (see
// scripts/system-deps.sh), one standalone server or a 3-member ensemble on free loopback ports,
// each in its own directory, started in the foreground so that killing the process is a crash.
// The ports come from below the kernel's ephemeral range, and a stopped member keeps its client
// port bound, so that nothing else (another test's server) takes it before it restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
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
  /** ZooKeeper's tick (default 2000 ms): the servers grant session timeouts from 2 ticks to 60 s. */
  tickTimeMs?: number;
}

export class ZooKeeperMember {
  readonly id: number;
  readonly clientPort: number;
  private readonly dir: string;
  private process: ChildProcess | undefined;
  /** Holds the client port while the member is down. */
  private placeholder: Server | undefined;

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
  async launch(): Promise<void> {
    if (this.process) return;
    await closeServer(this.placeholder);
    this.placeholder = undefined;
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

  /** Resolves once `srvr` reports a serving mode (standalone, leader or follower), from this member's data. */
  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!/^Mode: (standalone|leader|follower)$/m.test(await this.command('srvr'))) {
      if (!this.process) throw new Error(`ZooKeeper member ${this.id} exited; see ${path.join(this.dir, 'server.log')}`);
      if (Date.now() > deadline) throw new Error(`ZooKeeper member ${this.id} did not serve within ${timeoutMs} ms; see ${path.join(this.dir, 'server.log')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!(await this.command('conf')).includes(`dataDir=${path.join(this.dir, 'data')}`)) {
      throw new Error(`another server answers on ${this.address}, not ZooKeeper member ${this.id}`);
    }
  }

  /** `leader`, `follower` or `standalone`; undefined while not serving. */
  async mode(): Promise<string | undefined> {
    return /^Mode: (\w+)$/m.exec(await this.command('srvr'))?.[1];
  }

  /** SIGKILL: the member vanishes as in a crash (its port stays reserved for `launch`). */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // It accepts and drops at once, as a refused connection would: clients retry, and do not hang.
    this.placeholder = await listenOn(this.clientPort, (socket) => socket.destroy()).catch(() => undefined);
  }

  /** Stops the member for good. */
  async stop(): Promise<void> {
    await this.kill();
    await closeServer(this.placeholder);
    this.placeholder = undefined;
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
        `minSessionTimeout=${2 * tick}`, 'maxSessionTimeout=60000',
        'admin.enableServer=false', '4lw.commands.whitelist=srvr,conf,cons', 'standaloneEnabled=true',
        ...(count > 1 ? peers : []), '',
      ].join('\n'));
      return new ZooKeeperMember(i + 1, ports[i]!, memberDir);
    });
    const ensemble = new ZooKeeperEnsemble(members, dir, ownsDir);
    try {
      for (const member of members) await member.launch();
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
    await Promise.all(this.members.map((m) => m.stop()));
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Below Linux's ephemeral range (32768+), where no `listen(0)` or outgoing connection lands. */
const PORT_RANGE = { from: 20_000, to: 32_000 };

/** Distinct free loopback ports picked at random in PORT_RANGE, all held until every one is picked. */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let tries = 0; servers.length < count; tries += 1) {
      if (tries > 1000) throw new Error(`no ${count} free ports between ${PORT_RANGE.from} and ${PORT_RANGE.to}`);
      const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from));
      const server = await listenOn(port).catch(() => undefined);
      if (server) servers.push(server);
    }
    return servers.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map(closeServer));
  }
}

function listenOn(port: number, onConnection?: (socket: Socket) => void): Promise<Server> {
  const server = createServer(onConnection);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}
