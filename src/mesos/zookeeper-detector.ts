// The leading master read from ZooKeeper, and followed: a child watch on the masters' znode
// (an existence watch while it does not exist) re-reads the contenders on every change. The
// session is the library's to keep (it reconnects to the other servers of the ensemble and
// re-arms the watches); an expired session, or one that stops answering, is replaced by a new
// one. While ZooKeeper cannot be reached the last known leader stays in use, and health() says so.
import { createRequire } from 'node:module';
import type * as ZooKeeper from 'node-zookeeper-client';
import type { Client, Event as WatchEvent } from 'node-zookeeper-client';
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from '../runtime/logger.ts';
import type { DetectionHealth, MasterChoice, MasterSource } from './master-source.ts';
import type { ZooKeeperUrl } from './master-url.ts';
import { electedContender, MASTER_INFO_JSON_LABEL, masterOrigin, MasterInfoError } from './zookeeper-leader.ts';

type ZooKeeperLibrary = typeof ZooKeeper;
let library: ZooKeeperLibrary | undefined;

/**
 * The ZooKeeper client library, loaded the first time a detector connects: most dispatchers are
 * given their masters directly, and the library with its dependencies costs every process that
 * loads it a few MiB.
 */
function zookeeperLibrary(): ZooKeeperLibrary {
  library ??= createRequire(import.meta.url)('node-zookeeper-client') as ZooKeeperLibrary;
  return library;
}

/** Mesos' own MASTER_DETECTOR_ZK_SESSION_TIMEOUT. */
export const DEFAULT_ZOOKEEPER_SESSION_TIMEOUT_MS = 10_000;

export interface ZooKeeperDetectorOptions {
  url: ZooKeeperUrl;
  sessionTimeoutMs?: number;
  clock: Clock;
  logger: Logger;
}

export class ZooKeeperMasterDetector implements MasterSource {
  private readonly o: ZooKeeperDetectorOptions;
  private readonly sessionTimeoutMs: number;
  private client: Client | undefined;
  /** The one child/existence watcher of the current client: the library dedupes watchers by identity. */
  private watcher: (event: WatchEvent) => void = () => undefined;
  private onChange: () => void = () => undefined;
  private choice: MasterChoice;
  private connected = false;
  private problem: string | undefined;
  private reads = 0;
  private cancelProbe: (() => void) | undefined;
  private cancelConnectDeadline: (() => void) | undefined;
  private stopped = false;

  constructor(options: ZooKeeperDetectorOptions) {
    this.o = options;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_ZOOKEEPER_SESSION_TIMEOUT_MS;
    this.choice = { kind: 'none', reason: `connecting to ZooKeeper at ${options.url.redacted}` };
  }

  start(onChange: () => void): void {
    this.onChange = onChange;
    this.connect();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.drop();
    return Promise.resolve();
  }

  current(): MasterChoice {
    return this.choice;
  }

  failed(): void {
    // The leader is whoever ZooKeeper says; a master that fails us is replaced by a watch event.
  }

  health(): DetectionHealth {
    return {
      zookeeper: this.o.url.redacted, path: this.o.url.path, connected: this.connected,
      leader: this.choice.kind === 'master' ? this.choice.origin : undefined,
      problem: this.problem ?? (this.choice.kind === 'none' ? this.choice.reason : undefined),
    };
  }

  private connect(): void {
    const { url } = this.o;
    const zookeeper = zookeeperLibrary();
    const client = zookeeper.createClient(url.servers.map((s) => `${s.host}:${s.port}`).join(','), {
      sessionTimeout: this.sessionTimeoutMs, spinDelay: Math.min(1000, this.sessionTimeoutMs / 4), retries: 0,
    });
    if (url.digest) client.addAuthInfo('digest', Buffer.from(`${url.digest.username}:${url.digest.password}`));
    this.client = client;
    this.watcher = (event: WatchEvent): void => {
      if (this.client === client) this.read(client, `${event.getName()} on ${event.getPath()}`);
    };
    client.on('state', (state) => {
      if (this.client !== client) return;
      if (state === zookeeper.State.SYNC_CONNECTED) {
        this.cancelConnectDeadline?.();
        this.setConnected(true, undefined);
        this.read(client, 'connected');
        this.probe(client);
      } else if (state === zookeeper.State.DISCONNECTED) {
        this.setConnected(false, `lost the connection to ZooKeeper at ${url.redacted}`);
        this.connectDeadline();
      } else if (state === zookeeper.State.EXPIRED) {
        this.renew('the ZooKeeper session expired');
      } else if (state === zookeeper.State.AUTH_FAILED) {
        const user = url.digest ? ` for user '${url.digest.username}'` : '';
        this.setConnected(false, `ZooKeeper at ${url.redacted} refused the digest credentials${user}`);
        this.cancelProbe = this.o.clock.setTimer(this.sessionTimeoutMs, () => this.renew('retrying after an authentication failure'));
      }
    });
    client.connect();
    this.connectDeadline();
  }

  /**
   * A server that accepts the connection but never answers the handshake holds the library
   * for ever; as Mesos does, give up on a handle that stays unconnected and open a new one
   * (after three session timeouts, so that a session expiry is normally seen as such first).
   */
  private connectDeadline(): void {
    this.cancelConnectDeadline?.();
    const ms = Math.max(3 * this.sessionTimeoutMs, 10_000);
    this.cancelConnectDeadline = this.o.clock.setTimer(ms, () => this.renew(`no ZooKeeper connection for ${ms / 1000} s`));
  }

  /** Replaces the session: the detector owns no ephemeral node, so a new session loses nothing. */
  private renew(why: string): void {
    if (this.stopped) return;
    this.o.logger.warn({ zookeeper: this.o.url.redacted }, `${why}; opening a new ZooKeeper session`);
    this.drop();
    this.setConnected(false, `${why}; reconnecting to ZooKeeper at ${this.o.url.redacted}`);
    this.connect();
  }

  private drop(): void {
    this.cancelProbe?.();
    this.cancelProbe = undefined;
    this.cancelConnectDeadline?.();
    this.cancelConnectDeadline = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeAllListeners();
    closeSession(client);
  }

  /**
   * The library has no read timeout: a silent network partition would leave it "connected" for
   * ever. A cheap request every third of the session timeout must be answered within two thirds.
   */
  private probe(client: Client): void {
    this.cancelProbe?.();
    const interval = Math.max(100, Math.floor(this.sessionTimeoutMs / 3));
    this.cancelProbe = this.o.clock.setTimer(interval, () => {
      if (this.client !== client) return;
      const stall = this.o.clock.setTimer(interval * 2, () => this.renew('ZooKeeper stopped answering'));
      this.cancelProbe = stall;
      client.exists(this.o.url.path, () => {
        stall();
        if (this.client === client && this.connected) this.probe(client);
      });
    });
  }

  private read(client: Client, why: string): void {
    const watcher = this.watcher;
    const read = ++this.reads;
    const { path, redacted } = this.o.url;
    const current = (): boolean => this.client === client && read === this.reads;
    client.getChildren(path, watcher, (error, children) => {
      if (!current()) return;
      if (error) {
        if (error.name === 'NO_NODE') {
          this.choose({ kind: 'none', reason: `no Mesos master is registered in ZooKeeper: ${path} does not exist (${redacted})` });
          // Learn when it appears; if it appeared in between, read again at once.
          client.exists(path, watcher, (existsError, stat) => {
            if (!existsError && stat && current()) this.read(client, 'created');
          });
        } else if (error.name !== 'CONNECTION_LOSS') {
          // A lost connection re-reads on reconnection; anything else is retried after a pause.
          this.problem = `reading ${path} in ZooKeeper failed: ${error.toString()}`;
          this.o.clock.setTimer(this.sessionTimeoutMs / 3, () => current() && this.read(client, 'retry'));
        }
        return;
      }
      this.fetchLeader(client, children, current, why);
    });
  }

  private fetchLeader(client: Client, children: string[], current: () => boolean, why: string): void {
    const { path, redacted } = this.o.url;
    const contender = electedContender(children);
    if (!contender) {
      this.choose({ kind: 'none', reason: `no Mesos master is registered in ZooKeeper under ${path} (no ${MASTER_INFO_JSON_LABEL}_ node; ${redacted})` });
      return;
    }
    const node = `${path === '/' ? '' : path}/${contender.name}`;
    client.getData(node, (error, data) => {
      if (!current()) return;
      if (error) {
        // The leader left between the two reads: the child watch brings the next one.
        if (error.name !== 'NO_NODE' && error.name !== 'CONNECTION_LOSS') this.problem = `reading ${node} in ZooKeeper failed: ${error.toString()}`;
        return;
      }
      try {
        this.choose({ kind: 'master', origin: masterOrigin(contender, data, path) }, why);
      } catch (parseError) {
        if (!(parseError instanceof MasterInfoError)) throw parseError;
        this.choose({ kind: 'none', reason: parseError.message });
      }
    });
  }

  private choose(choice: MasterChoice, why?: string): void {
    this.problem = undefined;
    const before = this.choice;
    this.choice = choice;
    const same = before.kind === 'master'
      ? choice.kind === 'master' && before.origin === choice.origin
      : choice.kind === 'none' && before.reason === choice.reason;
    if (same) return;
    if (choice.kind === 'master') this.o.logger.info({ zookeeper: this.o.url.redacted, leader: choice.origin, why }, 'detected the leading Mesos master');
    else this.o.logger.warn({ zookeeper: this.o.url.redacted }, choice.reason);
    this.onChange();
  }

  private setConnected(connected: boolean, problem: string | undefined): void {
    const changed = connected !== this.connected;
    this.connected = connected;
    this.problem = problem;
    if (!connected) this.cancelProbe?.();
    if (changed) this.onChange();
  }
}

/**
 * `close()` throws when the client has not opened its socket yet; it then closes itself once
 * connected (its state is already CLOSING), so nothing is lost by ignoring that.
 */
export function closeSession(client: Client): void {
  try {
    client.close();
  } catch {
    // see above
  }
}
