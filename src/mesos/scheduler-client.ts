// The Mesos v1 scheduler client the operator uses: typed events from the subscription, the
// offers outstanding on it, and the calls, sent in order on the (pipelined) call connection with
// the current Mesos-Stream-Id. The stream's life is subscription.ts; HTTP is transport.ts; where
// the masters are is master-source.ts (a list) or zookeeper-detector.ts. It knows nothing of Spark.
import { MesosApiError } from './api-errors.ts';
import type { BackoffPolicy } from '../runtime/backoff.ts';
import * as calls from './calls.ts';
import type { WireFormat } from './codec.ts';
import { StaticMasters } from './master-source.ts';
import type { DetectionHealth, MasterSource } from './master-source.ts';
import { parseMasterLocation } from './master-url.ts';
import { Subscription } from './subscription.ts';
import type { SubscriptionState } from './subscription.ts';
import { MesosTransport } from './transport.ts';
import type { Call, Event, Filters, FrameworkInfo, KillPolicy, MasterInfo, Offer, OfferOperation, TaskStatus } from './types.ts';
import { ZooKeeperMasterDetector } from './zookeeper-detector.ts';
import type { Clock, Random } from '../runtime/clock.ts';
import { systemClock, systemRandom } from '../runtime/clock.ts';
import { silentLogger } from '../runtime/logger.ts';
import type { Logger } from '../runtime/logger.ts';

export type SchedulerEvent =
  | { type: 'subscribed'; frameworkId: string; heartbeatIntervalSeconds: number; master: string; masterInfo?: MasterInfo }
  | { type: 'offers'; offers: Offer[] }
  | { type: 'rescind'; offerId: string }
  | { type: 'update'; status: TaskStatus }
  | { type: 'failure'; agentId?: string; executorId?: string; status?: number }
  | { type: 'message'; agentId: string; executorId: string; data: Uint8Array }
  /** The master's HEARTBEAT: nothing to do but note that the stream is alive. */
  | { type: 'heartbeat' }
  /** The master refused or ended the subscription (e.g. "Framework failed over"); the client has stopped. */
  | { type: 'error'; message: string }
  /** The stream is gone; the client resubscribes after `retryInMs`. */
  | { type: 'disconnected'; reason: string; retryInMs: number }
  /** Master detection through ZooKeeper changed: connected or not, which leader, what is wrong. */
  | { type: 'detection'; health: DetectionHealth };

export type ClientState = SubscriptionState;

export interface SchedulerClientOptions {
  /** `mesos://h1:5050,h2:5050`, `host:port`, an http(s) URL, or `mesos://zk://…/path`. */
  master: string;
  frameworkInfo: FrameworkInfo;
  /** A framework ID saved from an earlier run: the client fails over to it. */
  frameworkId?: string;
  suppressedRoles?: string[];
  format?: WireFormat;
  credentials?: { principal: string; secret: string };
  /** Missed heartbeats after which a silent stream is declared dead (default 5). */
  missedHeartbeats?: number;
  backoff?: BackoffPolicy;
  /** Redirects followed in a row before backing off (default 9, as mesos-go). */
  maxRedirects?: number;
  maxRecordBytes?: number;
  callTimeoutMs?: number;
  /** ZooKeeper session timeout of master detection (default 10 s, as Mesos). */
  zooKeeperSessionTimeoutMs?: number;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  onEvent: (event: SchedulerEvent) => void;
}

/** The error of a call on offers that can no longer be used. */
export function staleOffers(offerIds: readonly string[]): MesosApiError {
  return new MesosApiError('MESOS_STALE_OFFER', `offer(s) ${offerIds.join(', ')} are no longer outstanding (rescinded, already used, or from an earlier subscription)`);
}

export class MesosSchedulerClient {
  private readonly options: SchedulerClientOptions;
  private readonly log: Logger;
  private readonly source: MasterSource;
  private readonly transport: MesosTransport;
  private readonly subscription: Subscription;
  private readonly offers = new Map<string, Offer>();

  constructor(options: SchedulerClientOptions) {
    this.options = options;
    const clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger;
    const location = parseMasterLocation(options.master);
    this.source = location.kind === 'static'
      ? new StaticMasters(location.origins)
      : new ZooKeeperMasterDetector({
        url: location.zookeeper, clock, logger: this.log,
        ...(options.zooKeeperSessionTimeoutMs !== undefined && { sessionTimeoutMs: options.zooKeeperSessionTimeoutMs }),
      });
    this.transport = new MesosTransport({
      format: options.format ?? 'protobuf', credentials: options.credentials, callTimeoutMs: options.callTimeoutMs, maxRecordBytes: options.maxRecordBytes,
    });
    this.subscription = new Subscription({
      source: this.source, transport: this.transport, clock, random: options.random ?? systemRandom, log: this.log,
      frameworkId: options.frameworkId, missedHeartbeats: options.missedHeartbeats, backoff: options.backoff, maxRedirects: options.maxRedirects,
      subscribeCall: (frameworkId) => calls.subscribeCall(options.frameworkInfo, frameworkId, options.suppressedRoles),
      onSubscribed: (subscribed) => {
        // Offers never survive a resubscription, and the master sends no RESCIND for them.
        this.offers.clear();
        this.emit({ type: 'subscribed', ...subscribed });
      },
      onEvent: (event) => this.dispatch(event),
      onRefused: (message) => this.emit({ type: 'error', message }),
      onDisconnected: (reason, retryInMs) => this.emit({ type: 'disconnected', reason, retryInMs }),
      onDetection: () => {
        const health = this.source.health();
        if (health) this.emit({ type: 'detection', health });
      },
    });
  }

  get state(): ClientState {
    return this.subscription.state;
  }

  /** The master this client is subscribed to, if it is. */
  get subscribedMaster(): string | undefined {
    return this.subscription.live?.origin;
  }

  get frameworkId(): string | undefined {
    return this.subscription.frameworkId;
  }

  /** How master detection through ZooKeeper is doing; undefined with a static master list. */
  get masterDetection(): DetectionHealth | undefined {
    return this.source.health();
  }

  /** The offers received and not yet accepted, declined or rescinded on the current stream. */
  outstandingOffers(): Offer[] {
    return this.subscription.live ? [...this.offers.values()] : [];
  }

  /** The offer with this ID, if it is outstanding on the current stream. */
  outstandingOffer(offerId: string): Offer | undefined {
    return this.subscription.live ? this.offers.get(offerId) : undefined;
  }

  start(): void {
    this.subscription.start();
  }

  /** Closes the stream (the master then starts the failover timeout) and stops reconnecting. */
  async stop(): Promise<void> {
    await this.subscription.stop();
  }

  /** Ends the framework for good: its tasks are killed and the framework ID can never be reused. */
  async teardown(): Promise<void> {
    await this.send(calls.teardownCall(this.requireFrameworkId()));
    await this.stop();
  }

  async accept(offerIds: string[], operations: OfferOperation[], filters?: Filters): Promise<void> {
    await this.sendOfferCall(offerIds, () => calls.acceptCall(this.requireFrameworkId(), offerIds, operations, filters));
  }

  async decline(offerIds: readonly string[], filters?: Filters): Promise<void> {
    await this.sendOfferCall(offerIds, () => calls.declineCall(this.requireFrameworkId(), offerIds, filters));
  }

  async revive(roles?: string[]): Promise<void> {
    await this.send(calls.reviveCall(this.requireFrameworkId(), roles));
  }

  async suppress(roles?: string[]): Promise<void> {
    await this.send(calls.suppressCall(this.requireFrameworkId(), roles));
  }

  async kill(taskId: string, agentId?: string, killPolicy?: KillPolicy): Promise<void> {
    await this.send(calls.killCall(this.requireFrameworkId(), taskId, agentId, killPolicy));
  }

  /** ACKs an update that asked for it (translation.ts's acknowledgementOf says which do). */
  async acknowledge(update: calls.UpdateToAcknowledge): Promise<void> {
    await this.send(calls.acknowledgeCall(this.requireFrameworkId(), update));
  }

  /** Explicit reconciliation of the given tasks, or implicit reconciliation with an empty list. */
  async reconcile(tasks: readonly { taskId: string; agentId?: string }[]): Promise<void> {
    await this.send(calls.reconcileCall(this.requireFrameworkId(), tasks));
  }

  private requireFrameworkId(): string {
    const live = this.subscription.live;
    if (!live) throw new MesosApiError('MESOS_NOT_SUBSCRIBED', `not subscribed to a Mesos master (state ${this.state})`);
    return live.frameworkId;
  }

  /**
   * An ACCEPT or DECLINE uses its offers up; if the call fails, it may never have reached the
   * master, where the offers are then still outstanding: they stay declinable on this stream.
   */
  private async sendOfferCall(offerIds: readonly string[], build: () => Call): Promise<void> {
    const stale = offerIds.filter((id) => !this.offers.has(id));
    if (stale.length > 0) throw staleOffers(stale);
    const call = build();
    const taken = offerIds.map((id) => this.offers.get(id)).filter((o): o is Offer => o !== undefined);
    for (const id of offerIds) this.offers.delete(id);
    const streamId = this.subscription.live?.streamId;
    try {
      await this.send(call);
    } catch (error) {
      if (streamId !== undefined && this.subscription.live?.streamId === streamId) for (const offer of taken) this.offers.set(offer.id.value, offer);
      throw error;
    }
  }

  /** Sends one call on the call connection, after every call sent before it (not waiting for their answers). */
  private async send(call: Call): Promise<void> {
    const live = this.subscription.live;
    if (!live) throw new MesosApiError('MESOS_NOT_SUBSCRIBED', `cannot send ${call.type ?? 'call'}: not subscribed`);
    try {
      await this.transport.send(live.origin, call, live.streamId);
    } catch (error) {
      const code = error instanceof MesosApiError ? error.code : undefined;
      if (code === 'MESOS_NOT_SUBSCRIBED' || code === 'MESOS_NOT_LEADER') {
        this.subscription.reset(`${call.type ?? 'call'} answered ${(error as MesosApiError).status ?? code}`);
      }
      throw error;
    }
  }

  /** A throwing listener is the caller's bug; it must not tear down the subscription. */
  private emit(event: SchedulerEvent): void {
    try {
      this.options.onEvent(event);
    } catch (error) {
      this.log.error({ err: error, event: event.type }, 'scheduler event listener threw');
    }
  }

  private dispatch(event: Event): void {
    switch (event.type) {
      case 'OFFERS': {
        const offers = event.offers?.offers ?? [];
        for (const offer of offers) this.offers.set(offer.id.value, offer);
        this.emit({ type: 'offers', offers });
        return;
      }
      case 'RESCIND':
        if (event.rescind) {
          this.offers.delete(event.rescind.offer_id.value);
          this.emit({ type: 'rescind', offerId: event.rescind.offer_id.value });
        }
        return;
      case 'UPDATE':
        if (event.update) this.emit({ type: 'update', status: event.update.status });
        return;
      case 'FAILURE': {
        const failure = event.failure ?? {};
        const out: SchedulerEvent = { type: 'failure' };
        if (failure.agent_id) out.agentId = failure.agent_id.value;
        if (failure.executor_id) out.executorId = failure.executor_id.value;
        if (failure.status !== undefined) out.status = failure.status;
        this.emit(out);
        return;
      }
      case 'MESSAGE':
        if (event.message) {
          const { agent_id, executor_id, data } = event.message;
          this.emit({ type: 'message', agentId: agent_id.value, executorId: executor_id.value, data });
        }
        return;
      case 'HEARTBEAT':
        this.emit({ type: 'heartbeat' });
        return;
      default:
        // Inverse offers and operation updates need nothing from a dispatcher.
        return;
    }
  }
}

