// Leader election in ZooKeeper, as a real master does it (src/master/contender/zookeeper.cpp,
// src/zookeeper/group.cpp): each master joins the group under the path with an ephemeral
// sequential `json.info_<seq>` node holding its MasterInfo as JSON (stout's JSON: keys sorted),
// and the lowest sequence number leads. A master that loses its membership (the session
// expired) forgets everything, as a real one exits and is restarted, and contends again.
import zookeeper from 'node-zookeeper-client';
import type { Client } from 'node-zookeeper-client';
import type { MasterInfo } from '../../mesos/types.ts';
import { closeSession } from '../../mesos/zookeeper-detector.ts';
import { electedContender, MASTER_INFO_JSON_LABEL, masterOrigin } from '../../mesos/zookeeper-leader.ts';

export interface ZooKeeperContention {
  /** `host:port[,host:port…]` */
  servers: string;
  /** The masters' znode, e.g. `/mesos`. */
  path: string;
  /** Default 10 s, Mesos' `--zk_session_timeout`. */
  sessionTimeoutMs?: number;
  /** `user:password` of the `zk://user:password@…` URL: ZooKeeper digest authentication. */
  digest?: string;
}

/** What the election decides for the master it runs for. */
export interface ContendingMaster {
  masterInfo(): MasterInfo;
  /** This master leads now. */
  elected(): void;
  /** Another master leads (`leader` is its `http://host:port`), or none is known. */
  standby(leader: string | undefined): void;
  /** The membership is gone (session expired): forget everything before contending again. */
  lostMembership(): void;
}

/** Mesos' `--zk_session_timeout` default. */
const DEFAULT_SESSION_TIMEOUT_MS = 10_000;

/** The capabilities a 1.11 master announces (src/master/constants.cpp). */
const MASTER_CAPABILITIES = ['AGENT_UPDATE', 'AGENT_DRAINING', 'QUOTA_V2'];

export class MasterContender {
  private readonly o: ZooKeeperContention;
  private readonly master: ContendingMaster;
  private client: Client | undefined;
  private ownNode: string | undefined;
  private cancelDeadline: (() => void) | undefined;
  private stopped = false;

  constructor(options: ZooKeeperContention, master: ContendingMaster) {
    this.o = options;
    this.master = master;
  }

  /** The name of this master's node (`json.info_0000000003`) once it has joined. */
  get node(): string | undefined {
    return this.ownNode;
  }

  start(): void {
    const client = zookeeper.createClient(this.o.servers, { sessionTimeout: this.o.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS, spinDelay: 200 });
    if (this.o.digest !== undefined) client.addAuthInfo('digest', Buffer.from(this.o.digest));
    this.client = client;
    this.ownNode = undefined;
    client.once('connected', () => this.join(client));
    client.on('connected', () => this.cancelDeadline?.());
    client.on('disconnected', () => this.connectDeadline(client));
    client.on('expired', () => this.rejoin(client));
    client.connect();
  }

  /**
   * As Mesos' group does (src/zookeeper/group.cpp `timedout`), a session not reconnected within
   * its timeout counts as expired: ZooKeeper has expired it, or will before we hear of it.
   */
  private connectDeadline(client: Client): void {
    this.cancelDeadline?.();
    const timer = setTimeout(() => this.rejoin(client), this.o.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS);
    timer.unref();
    this.cancelDeadline = () => clearTimeout(timer);
  }

  /** The membership is gone: the master forgets everything, as a restarted one would, and contends anew. */
  private rejoin(client: Client): void {
    if (this.client !== client || this.stopped) return;
    closeSession(this.drop()!);
    this.master.lostMembership();
    this.start();
  }

  /** A clean shutdown: the session closes and the node goes at once. */
  withdraw(): void {
    this.stopped = true;
    const client = this.drop();
    if (client) closeSession(client);
  }

  /**
   * A crash: the socket closes without a goodbye, so the node stays until the session times out.
   * The library has no such call; marking it CLOSING first keeps it from reconnecting.
   */
  abandon(): void {
    this.stopped = true;
    const internals = (this.drop() as unknown as { connectionManager?: { state: number; socket?: { destroy(): void } } } | undefined)?.connectionManager;
    if (!internals) return;
    internals.state = -1;
    internals.socket?.destroy();
  }

  private drop(): Client | undefined {
    this.cancelDeadline?.();
    const client = this.client;
    this.client = undefined;
    client?.removeAllListeners();
    return client;
  }

  private join(client: Client): void {
    const base = this.o.path === '/' ? '' : this.o.path;
    // A failed step (the connection dropped) is retried shortly, as Mesos' group retries.
    const retry = (): void => {
      setTimeout(() => this.client === client && this.join(client), 200).unref();
    };
    client.mkdirp(this.o.path, (mkdirError) => {
      if (this.client !== client) return;
      if (mkdirError) return retry();
      const data = Buffer.from(stoutJson(this.masterInfoObject()));
      // Open, or with credentials readable by all and writable by its creator (EVERYONE_READ_CREATOR_ALL).
      const acl = this.o.digest === undefined
        ? [new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('world', 'anyone'))]
        : [new zookeeper.ACL(zookeeper.Permission.READ, new zookeeper.Id('world', 'anyone')), new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('auth', ''))];
      client.create(`${base}/${MASTER_INFO_JSON_LABEL}_`, data, acl, zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, (createError, created) => {
        if (this.client !== client) return;
        if (createError) return retry();
        this.ownNode = created.slice(created.lastIndexOf('/') + 1);
        this.elect(client);
      });
    });
  }

  private elect(client: Client): void {
    const base = this.o.path === '/' ? '' : this.o.path;
    client.getChildren(this.o.path, () => this.client === client && this.elect(client), (error, children) => {
      if (this.client !== client || error) return;
      const leader = electedContender(children);
      if (leader === undefined || !children.includes(this.ownNode ?? '')) return;
      if (leader.name === this.ownNode) {
        this.master.elected();
        return;
      }
      client.getData(`${base}/${leader.name}`, (dataError, data) => {
        if (this.client !== client) return;
        let origin: string | undefined;
        try {
          origin = dataError ? undefined : masterOrigin(leader, data, this.o.path);
        } catch {
          // A real master's detector fails on a leader it cannot read; a standby that knows no leader answers 503.
        }
        this.master.standby(origin);
      });
    });
  }

  private masterInfoObject(): Record<string, unknown> {
    return { ...this.master.masterInfo(), capabilities: MASTER_CAPABILITIES.map((type) => ({ type })) };
  }
}

/** JSON as stout writes it: object keys in sorted order (its JSON::Object is a std::map). */
export function stoutJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => (inner !== null && typeof inner === 'object' && !Array.isArray(inner)
    ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : inner));
}
