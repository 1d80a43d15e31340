// The liveness and readiness verdicts behind /healthz and /readyz, as pure functions of what
// the operator reports through the HealthSource port (and, for liveness, how long the event
// loop was last blocked). No I/O: the server renders the verdicts.
import type { DetectionHealth } from '../mesos/master-source.ts';

/** What the operator tells the probes. Each call must be cheap and must not throw. */
export interface HealthSource {
  /** The SparkDriver informer has listed every watched namespace. */
  cachesSynced(): boolean;
  /** This replica holds the Lease (always true without leader election). */
  leader(): boolean;
  /** The Mesos scheduler client is subscribed. */
  mesosSubscribed(): boolean;
  /** Master detection through ZooKeeper, when the master is a `zk://` URL. */
  masterDetection?(): DetectionHealth | undefined;
  /** SIGTERM (or a fatal error) started the shutdown. */
  shuttingDown(): boolean;
  /** The REST API and the UI listen (absent: nothing to wait for). */
  serving?(): boolean;
}

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  /** Why it fails; absent when it passes. */
  readonly message?: string;
  /** Something degraded that does not fail the check. */
  readonly warning?: string;
}

export interface Verdict {
  readonly ok: boolean;
  readonly checks: readonly Check[];
}

/** The longest event-loop stall since the last probe that still counts as alive. */
export const DEFAULT_MAX_EVENT_LOOP_DELAY_MS = 10_000;

function check(name: string, failure: () => string | undefined): Check {
  let message: string | undefined;
  try {
    message = failure();
  } catch (error) {
    message = `the check failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return message === undefined ? { name, ok: true } : { name, ok: false, message };
}

function verdict(checks: Check[]): Verdict {
  return { ok: checks.every((c) => c.ok), checks };
}

const notShuttingDown = (health: HealthSource): Check =>
  check('shutdown', () => (health.shuttingDown() ? 'the process is shutting down' : undefined));

/**
 * Alive while the process is not shutting down and the event loop was not blocked longer than
 * `maxDelayMs` since the previous probe. (A loop blocked right now cannot answer at all: the
 * probe's timeout covers that.)
 */
export function liveness(health: HealthSource, eventLoopDelayMs: number, maxDelayMs = DEFAULT_MAX_EVENT_LOOP_DELAY_MS): Verdict {
  return verdict([
    notShuttingDown(health),
    check('eventLoop', () => (eventLoopDelayMs > maxDelayMs
      ? `the event loop was blocked for ${Math.round(eventLoopDelayMs)} ms (limit ${maxDelayMs} ms)`
      : undefined)),
  ]);
}

/**
 * Ready when not shutting down, the caches are synced and, on the leader, the Mesos
 * subscription is up. A follower with synced caches is ready: it serves the REST API and the UI
 * from its cache; only the leader needs Mesos.
 *
 * ZooKeeper being unreachable only warns: the subscription goes on with the last known leader
 * (the `mesos` check fails if that is lost too), and every replica shares the same ZooKeeper,
 * so failing readiness would take them all out of their Service, REST submissions and UI
 * included, while drivers still schedule.
 */
export function readiness(health: HealthSource): Verdict {
  const detection = safely(() => health.masterDetection?.());
  const detectionProblem = detection?.problem === undefined ? '' : ` (${detection.problem})`;
  const checks = [
    notShuttingDown(health),
    check('caches', () => (health.cachesSynced() ? undefined : 'the SparkDriver cache has not synced yet')),
    check('servers', () => (health.serving?.() === false ? 'the REST API and the web UI are not listening yet' : undefined)),
    check('mesos', () => (health.leader() && !health.mesosSubscribed()
      ? `this replica leads but is not subscribed to the Mesos master${detectionProblem}`
      : undefined)),
  ];
  if (detection !== undefined) checks.push(zooKeeperCheck(detection));
  return verdict(checks);
}

function zooKeeperCheck(detection: DetectionHealth): Check {
  if (detection.connected && detection.problem === undefined) return { name: 'zookeeper', ok: true };
  const using = detection.leader === undefined ? 'no leading master known' : `using the last known leader ${detection.leader}`;
  const problem = detection.problem ?? `ZooKeeper at ${detection.zookeeper} is unreachable`;
  return { name: 'zookeeper', ok: true, warning: `${problem}; ${using}` };
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
