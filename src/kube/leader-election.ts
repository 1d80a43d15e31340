// Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics: a candidate takes
// the lease when it is free or when the record it observed has not changed for the lease duration
// (by its own clock, so clock skew between hosts does not matter), the leader renews every retry
// period and steps down when it could not renew for the renew deadline. All timing is on the Clock.

import { systemClock, systemRandom } from '../runtime/clock.ts';
import type { Clock, Random } from '../runtime/clock.ts';
import { errorText, silentLogger } from '../runtime/logger.ts';
import type { Logger } from '../runtime/logger.ts';
import { isAlreadyExists, isNotFound } from './api-error.ts';
import { LEASES } from './kube-client.ts';
import type { KubeClient, KubeObject, ObjectRef } from './kube-client.ts';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  /** This candidate's identity (a pod name, hostname + uuid…); must be unique. */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  onStartedLeading?: () => void;
  onStoppedLeading?: () => void;
  /** A different holder was observed (also called with this identity on acquiring). */
  onNewLeader?: (identity: string) => void;
}

/** Kubernetes MicroTime: RFC 3339 in UTC with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

type State = 'idle' | 'candidate' | 'leading' | 'stopped';

/**
 * One candidate. After it stops leading (renewals failed, or another holder was seen) it stays
 * stopped: client-go's elector returns, and the operator should exit so that it restarts clean.
 */
export class LeaderElector {
  private readonly o: LeaderElectionOptions;
  private readonly ref: ObjectRef;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private state: State = 'idle';
  /** The record as last read or written, and when (by our clock) it last changed. */
  private observed: LeaseSpec | undefined;
  private observedRaw = '';
  private observedAt = 0;
  private observedLease: Lease | undefined;
  /** When the last successful acquire or renew request was sent. */
  private renewSentAtMs = Number.NEGATIVE_INFINITY;
  private lastReportedLeader = '';
  private cancelTick = (): void => undefined;
  private cancelDeadline = (): void => undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(options: LeaderElectionOptions) {
    this.o = options;
    this.ref = { ...LEASES, namespace: options.namespace, name: options.name };
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
    this.logger = options.logger ?? silentLogger;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs)) {
      throw new Error('leader election needs leaseDuration > renewDeadline > retryPeriod');
    }
  }

  /** Starts trying to acquire the lease (at once, then every retry period with jitter). */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'candidate';
    this.tick();
  }

  isLeader(): boolean {
    return this.state === 'leading';
  }

  /**
   * Whether this replica may still act as the leader at `nowMs`: it leads, and its last successful
   * renewal was sent less than the renew deadline ago. A rival can take the lease only a whole
   * lease duration after it saw that renewal, which is later, so a leader that checks this before
   * each action never overlaps with its successor, even when its own timers run late.
   */
  holdsLease(nowMs: number): boolean {
    return this.state === 'leading' && nowMs < this.renewSentAtMs + this.renewDeadlineMs;
  }

  /** The holder last observed ('' when none). */
  leader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /** Resolves when no lease request is in flight. */
  idle(): Promise<void> {
    return this.inFlight;
  }

  /** Stops without touching the lease (as a crash would): a successor waits out the lease. */
  async stop(): Promise<void> {
    const wasLeading = this.state === 'leading';
    this.state = 'stopped';
    this.cancelTick();
    this.cancelDeadline();
    await this.inFlight;
    if (wasLeading) this.o.onStoppedLeading?.();
  }

  /**
   * Stops and, if leading, gives the lease up (holder cleared, duration 1 s, as client-go's
   * ReleaseOnCancel) so that a successor takes over at once. Never throws.
   */
  async release(): Promise<void> {
    const wasLeading = this.state === 'leading';
    await this.stop();
    const lease = this.observedLease;
    if (!wasLeading || !lease || this.observed?.holderIdentity !== this.o.identity) return;
    const now = microTime(this.clock.now());
    try {
      await this.o.client.replace<Lease>(this.ref, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: this.observed.leaseTransitions ?? 0 },
      });
      this.logger.info({ lease: this.ref.name, identity: this.o.identity }, 'released the lease');
    } catch (err) {
      this.logger.warn({ lease: this.ref.name, err: errorText(err) }, 'could not release the lease; successors wait for it to expire');
    }
  }

  private tick(): void {
    const attempt = this.tryAcquireOrRenew().then((ok) => this.afterAttempt(ok), (err: unknown) => {
      this.logger.error({ lease: this.ref.name, err: errorText(err) }, 'lease attempt failed unexpectedly');
      this.afterAttempt(false);
    });
    this.inFlight = attempt;
  }

  private afterAttempt(ok: boolean): void {
    if (this.state === 'stopped') return;
    if (ok && this.state === 'candidate') {
      this.state = 'leading';
      this.logger.info({ lease: this.ref.name, identity: this.o.identity }, 'became leader');
      this.o.onStartedLeading?.();
    }
    if (ok && this.state === 'leading') this.armDeadline();
    // Candidates retry with jitter (client-go's JitterUntil, factor 1.2) so that a fleet does not
    // hit the API server in lockstep; the leader renews on the exact period.
    const delay = this.state === 'leading' ? this.retryPeriodMs : this.retryPeriodMs * (1 + 1.2 * this.random());
    this.cancelTick = this.clock.setTimer(delay, () => this.tick());
  }

  /** The leader steps down if no renewal succeeds within the renew deadline, even if a request hangs. */
  private armDeadline(): void {
    this.cancelDeadline();
    this.cancelDeadline = this.clock.setTimer(this.renewDeadlineMs, () => this.stepDown('could not renew the lease in time'));
  }

  /** Leadership is over for good: client-go's elector returns, and the process should exit. */
  private stepDown(why: string): void {
    if (this.state !== 'leading') return;
    this.logger.warn({ lease: this.ref.name, identity: this.o.identity }, `${why}; stepping down`);
    this.state = 'stopped';
    this.cancelTick();
    this.cancelDeadline();
    this.o.onStoppedLeading?.();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const nowMs = this.clock.now();
    const now = microTime(nowMs);
    const mine: LeaseSpec = {
      holderIdentity: this.o.identity, leaseDurationSeconds: Math.max(1, Math.round(this.leaseDurationMs / 1000)),
      acquireTime: now, renewTime: now, leaseTransitions: 0,
    };
    let current: Lease;
    try {
      current = await this.o.client.get<Lease>(this.ref);
    } catch (err) {
      if (!isNotFound(err)) return this.failed('get', err);
      try {
        const created = await this.o.client.create<Lease>(LEASES, this.o.namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.o.name }, spec: mine });
        this.observe(created, nowMs);
        this.renewSentAtMs = nowMs;
        return true;
      } catch (createErr) {
        return isAlreadyExists(createErr) ? false : this.failed('create', createErr);
      }
    }
    this.observe(current, nowMs);
    const old = current.spec ?? {};
    const holder = old.holderIdentity ?? '';
    const leading = holder === this.o.identity;
    const durationMs = (old.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && !leading && this.observedAt + durationMs > nowMs) return false;
    const next: LeaseSpec = leading
      ? { ...mine, acquireTime: old.acquireTime ?? now, leaseTransitions: old.leaseTransitions ?? 0 }
      : { ...mine, leaseTransitions: (old.leaseTransitions ?? 0) + 1 };
    try {
      // PUT carrying the resourceVersion we read: a rival's write in between makes this a 409.
      this.observe(await this.o.client.replace<Lease>(this.ref, { ...current, spec: { ...old, ...next } }), nowMs);
      this.renewSentAtMs = nowMs;
      return true;
    } catch (err) {
      return this.failed('update', err);
    }
  }

  private observe(lease: Lease, nowMs: number): void {
    const spec = lease.spec ?? {};
    const raw = JSON.stringify([spec.holderIdentity, spec.leaseDurationSeconds, spec.acquireTime, spec.renewTime, spec.leaseTransitions]);
    this.observedLease = lease;
    if (raw !== this.observedRaw) {
      this.observedRaw = raw;
      this.observed = spec;
      this.observedAt = nowMs;
    }
    const holder = spec.holderIdentity ?? '';
    if (holder !== '' && holder !== this.lastReportedLeader) {
      this.lastReportedLeader = holder;
      this.o.onNewLeader?.(holder);
    }
    // Someone else holds it while we think we lead (our renewals were lost): stop at once rather
    // than wait for the deadline, to keep the overlap short.
    if (holder !== this.o.identity) this.stepDown(`the lease is held by ${holder || 'nobody'}`);
  }

  private failed(verb: string, err: unknown): boolean {
    this.logger.warn({ lease: this.ref.name, verb, err: errorText(err) }, 'lease request failed');
    return false;
  }
}
