// Where the subscription finds the master to subscribe to: a static list tried in turn, or the
// leader a detector reads from ZooKeeper. Either way, redirects to the leader are the
// subscription's business; a source only says where to start.
export type MasterChoice =
  | { kind: 'master'; origin: string }
  /** No master is known yet; `reason` says why (it names the ZooKeeper path). */
  | { kind: 'none'; reason: string };

/** How master detection is doing; only a ZooKeeper source has anything to report. */
export interface DetectionHealth {
  /** The ZooKeeper URL, password redacted. */
  zookeeper: string;
  /** The masters' znode. */
  path: string;
  connected: boolean;
  /** The leader in use (the last one known while ZooKeeper is unreachable). */
  leader: string | undefined;
  /** What is wrong, when something is. */
  problem: string | undefined;
}

export interface MasterSource {
  start(onChange: () => void): void;
  stop(): Promise<void>;
  current(): MasterChoice;
  /** The master last chosen could not be subscribed to. */
  failed(): void;
  health(): DetectionHealth | undefined;
}

/** The masters of `mesos://m1:5050,m2:5050`, tried in order, moving on from one that failed. */
export class StaticMasters implements MasterSource {
  private readonly origins: readonly string[];
  private index = 0;

  constructor(origins: readonly string[]) {
    if (origins.length === 0) throw new Error('a static master list needs at least one master');
    this.origins = origins;
  }

  start(): void {
    // Nothing to watch.
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  current(): MasterChoice {
    return { kind: 'master', origin: this.origins[this.index % this.origins.length]! };
  }

  failed(): void {
    this.index += 1;
  }

  health(): undefined {
    return undefined;
  }
}
