// The Mesos v1 scheduler HTTP client: one long-lived SUBSCRIBE stream (RecordIO over a chunked
// POST) that yields typed events, and a serialized call connection carrying Mesos-Stream-Id.
// It owns reconnection: heartbeat watchdog, jittered backoff, several masters, 307 redirects,
// and framework failover with the saved framework ID. It knows nothing about Spark.
import { Client } from 'undici';
import { MesosApiError, errorForStatus } from './api-errors.ts';
import { DEFAULT_RECONNECT_BACKOFF, backoffDelayMs } from '../runtime/backoff.ts';
import type { BackoffPolicy } from '../runtime/backoff.ts';
import * as calls from './calls.ts';
import { CONTENT_TYPE, decodeEvent, encodeCall } from './codec.ts';
import type { WireFormat } from './codec.ts';
import { SCHEDULER_PATH, parseMasterUrls, resolveRedirect } from './master-url.ts';
import { DEFAULT_MAX_RECORD_BYTES, RecordIODecoder } from './recordio.ts';
import type { Call, Event, Filters, FrameworkInfo, KillPolicy, MasterInfo, Offer, OfferOperation, TaskStatus } from './types.ts';
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
  | { type: 'disconnected'; reason: string; retryInMs: number };

export type ClientState = 'idle' | 'subscribing' | 'subscribed' | 'disconnected' | 'stopped';

export interface SchedulerClientOptions {
  /** `mesos://h1:5050,h2:5050`, `host:port`, or an http(s) URL. */
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
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  onEvent: (event: SchedulerEvent) => void;
}

type StreamEnd =
  | { kind: 'redirect'; origin: string }
  | { kind: 'refused'; message: string }
  | { kind: 'lost'; reason: string; wasSubscribed: boolean };

const DEFAULT_HEARTBEAT_SECONDS = 15;

export class MesosSchedulerClient {
  private readonly options: SchedulerClientOptions;
  private readonly format: WireFormat;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly log: Logger;
  private readonly masters: string[];
  private masterIndex = 0;
  private leader: string | undefined;
  private streamClient: Client | undefined;
  private callClient: Client | undefined;
  private clientsOrigin: string | undefined;
  private currentState: ClientState = 'idle';
  private stopped = false;
  private currentFrameworkId: string | undefined;
  private streamId: string | undefined;
  private abortStream: ((reason: Error) => void) | undefined;
  private cancelRetry: (() => void) | undefined;
  private wakeRetry: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private callChain: Promise<unknown> = Promise.resolve();
  private readonly offers = new Map<string, Offer>();

  constructor(options: SchedulerClientOptions) {
    this.options = options;
    this.format = options.format ?? 'protobuf';
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
    this.log = options.logger ?? silentLogger;
    this.masters = parseMasterUrls(options.master);
    this.currentFrameworkId = options.frameworkId;
  }

  get state(): ClientState {
    return this.currentState;
  }

  get frameworkId(): string | undefined {
    return this.currentFrameworkId;
  }

  /** The offers received and not yet accepted, declined or rescinded on the current stream. */
  outstandingOffers(): Offer[] {
    return [...this.offers.values()];
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  /** Closes the stream (the master then starts the failover timeout) and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.currentState = 'stopped';
    this.cancelRetry?.();
    this.wakeRetry?.();
    this.abortStream?.(new Error('client stopped'));
    await this.loop;
    await this.closeClients();
  }

  /** Ends the framework for good: its tasks are killed and the framework ID can never be reused. */
  async teardown(): Promise<void> {
    await this.send(calls.teardownCall(this.requireFrameworkId()));
    await this.stop();
  }

  async accept(offerIds: string[], operations: OfferOperation[], filters?: Filters): Promise<void> {
    this.takeOffers(offerIds);
    await this.send(calls.acceptCall(this.requireFrameworkId(), offerIds, operations, filters));
  }

  async decline(offerIds: string[], filters?: Filters): Promise<void> {
    this.takeOffers(offerIds);
    await this.send(calls.declineCall(this.requireFrameworkId(), offerIds, filters));
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

  /** ACKs an update if it carries a uuid; returns whether an ACK was sent. */
  async acknowledge(status: TaskStatus): Promise<boolean> {
    const call = calls.acknowledgeCall(this.requireFrameworkId(), status);
    if (!call) return false;
    await this.send(call);
    return true;
  }

  /** ACKs the update with this uuid (the exact bytes received) for the task on the agent. */
  async acknowledgeUpdate(taskId: string, agentId: string, uuid: Uint8Array): Promise<void> {
    await this.send({
      framework_id: { value: this.requireFrameworkId() },
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: { value: agentId }, task_id: { value: taskId }, uuid },
    });
  }

  /** Explicit reconciliation of the given tasks, or implicit reconciliation with an empty list. */
  async reconcile(tasks: { taskId: string; agentId?: string }[]): Promise<void> {
    await this.send(calls.reconcileCall(this.requireFrameworkId(), tasks));
  }

  /** Sends one call on the call connection, after every call sent before it has been answered. */
  send(call: Call): Promise<void> {
    const result = this.callChain.then(() => this.post(call));
    this.callChain = result.catch(() => undefined);
    return result;
  }

  private requireFrameworkId(): string {
    if (this.currentState !== 'subscribed' || !this.currentFrameworkId) {
      throw new MesosApiError('MESOS_NOT_SUBSCRIBED', `not subscribed to a Mesos master (state ${this.currentState})`);
    }
    return this.currentFrameworkId;
  }

  private takeOffers(offerIds: string[]): void {
    const stale = offerIds.filter((id) => !this.offers.has(id));
    if (stale.length > 0) {
      throw new MesosApiError('MESOS_STALE_OFFER', `offer(s) ${stale.join(', ')} are no longer outstanding (rescinded, already used, or from an earlier subscription)`);
    }
    for (const id of offerIds) this.offers.delete(id);
  }

  private async post(call: Call): Promise<void> {
    const streamId = this.streamId;
    const client = this.callClient;
    if (this.currentState !== 'subscribed' || !streamId || !client) {
      throw new MesosApiError('MESOS_NOT_SUBSCRIBED', `cannot send ${call.type ?? 'call'}: not subscribed`);
    }
    const timeout = this.options.callTimeoutMs ?? 30_000;
    let response;
    try {
      response = await client.request({
        method: 'POST', path: SCHEDULER_PATH, body: Buffer.from(encodeCall(call, this.format)),
        headers: { ...this.headers(), 'mesos-stream-id': streamId }, headersTimeout: timeout, bodyTimeout: timeout,
      });
    } catch (cause) {
      throw new MesosApiError('MESOS_UNAVAILABLE', `${call.type ?? 'call'} failed: ${(cause as Error).message}`, undefined, { cause });
    }
    const body = await response.body.text();
    if (response.statusCode === 202 || response.statusCode === 200) return;
    const error = errorForStatus(response.statusCode, body);
    // The subscription this call relied on is gone: start over rather than wait for the watchdog.
    if (error.code === 'MESOS_NOT_SUBSCRIBED' || error.code === 'MESOS_NOT_LEADER') {
      this.abortStream?.(new Error(`${call.type ?? 'call'} answered ${response.statusCode}`));
    }
    throw error;
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPE[this.format],
      accept: CONTENT_TYPE[this.format],
    };
    const credentials = this.options.credentials;
    if (credentials) {
      headers.authorization = `Basic ${Buffer.from(`${credentials.principal}:${credentials.secret}`).toString('base64')}`;
    }
    return headers;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let redirects = 0;
    while (!this.stopped) {
      const origin = this.leader ?? this.masters[this.masterIndex % this.masters.length] ?? this.masters[0]!;
      const end = await this.subscribeOnce(origin);
      if (this.stopped) break;
      if (end.kind === 'refused') {
        this.stopped = true;
        this.currentState = 'stopped';
        this.log.error({ master: origin }, `Mesos master refused the subscription: ${end.message}`);
        this.emit({ type: 'error', message: end.message });
        break;
      }
      if (end.kind === 'redirect' && redirects < (this.options.maxRedirects ?? 9)) {
        redirects += 1;
        this.log.info({ from: origin, to: end.origin }, 'following the redirect to the leading master');
        this.leader = end.origin;
        continue;
      }
      redirects = 0;
      failures = end.kind === 'lost' && end.wasSubscribed ? 0 : failures + 1;
      const reason = end.kind === 'lost' ? end.reason : `too many redirects (last to ${end.origin})`;
      // A master that failed us may no longer lead: go back to the configured list, next entry.
      this.leader = undefined;
      if (failures > 0) this.masterIndex = (this.masterIndex + 1) % this.masters.length;
      const retryInMs = backoffDelayMs(failures, this.options.backoff ?? DEFAULT_RECONNECT_BACKOFF, this.random);
      this.currentState = 'disconnected';
      this.log.warn({ master: origin, retryInMs }, `Mesos subscription lost: ${reason}`);
      this.emit({ type: 'disconnected', reason, retryInMs });
      await this.pause(retryInMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.cancelRetry = undefined;
        this.wakeRetry = undefined;
        resolve();
      };
      this.cancelRetry = this.clock.setTimer(ms, done);
      this.wakeRetry = done;
    });
  }

  private useOrigin(origin: string): { stream: Client; call: Client } {
    if (this.clientsOrigin !== origin || !this.streamClient || !this.callClient) {
      void this.closeClients();
      // The stream occupies its own socket for as long as it lives; calls go on another.
      this.streamClient = new Client(origin, { bodyTimeout: 0, headersTimeout: 30_000 });
      this.callClient = new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000 });
      this.clientsOrigin = origin;
    }
    return { stream: this.streamClient, call: this.callClient };
  }

  private async closeClients(): Promise<void> {
    const open = [this.streamClient, this.callClient].filter((c): c is Client => c !== undefined);
    this.streamClient = undefined;
    this.callClient = undefined;
    this.clientsOrigin = undefined;
    await Promise.all(open.map((c) => c.destroy().catch(() => undefined)));
  }

  private async subscribeOnce(origin: string): Promise<StreamEnd> {
    this.currentState = 'subscribing';
    const { stream } = this.useOrigin(origin);
    const controller = new AbortController();
    this.abortStream = (reason) => controller.abort(reason);
    const watchdog = new Watchdog(this.clock, () => controller.abort(new Error(
      `no event from the master for ${watchdog.limitMs / 1000} s (${this.missedLimit()} heartbeats missed)`)));
    watchdog.arm(DEFAULT_HEARTBEAT_SECONDS * 1000 * this.missedLimit());
    let wasSubscribed = false;
    try {
      const call = calls.subscribeCall(this.options.frameworkInfo, this.currentFrameworkId, this.options.suppressedRoles);
      const response = await stream.request({
        method: 'POST', path: SCHEDULER_PATH, body: Buffer.from(encodeCall(call, this.format)),
        headers: this.headers(), signal: controller.signal,
      });
      if (response.statusCode === 307) {
        const location = response.headers.location;
        await response.body.dump();
        if (typeof location !== 'string') return { kind: 'lost', reason: '307 without a Location header', wasSubscribed };
        return { kind: 'redirect', origin: resolveRedirect(location, origin) };
      }
      if (response.statusCode !== 200) {
        const text = await response.body.text();
        return { kind: 'lost', reason: errorForStatus(response.statusCode, text).message, wasSubscribed };
      }
      const streamId = response.headers['mesos-stream-id'];
      if (typeof streamId !== 'string') {
        await response.body.dump();
        return { kind: 'lost', reason: 'SUBSCRIBE answered 200 without a Mesos-Stream-Id header', wasSubscribed };
      }
      const decoder = new RecordIODecoder(this.options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
      for await (const chunk of response.body) {
        watchdog.reset();
        for (const record of decoder.push(chunk as Uint8Array)) {
          const event = decodeEvent(record, this.format);
          if (event.type === 'ERROR') {
            controller.abort(new Error('subscription refused'));
            return { kind: 'refused', message: event.error?.message ?? 'ERROR event without a message' };
          }
          if (event.type === 'SUBSCRIBED') {
            wasSubscribed = true;
            this.streamId = streamId;
            watchdog.arm(this.onSubscribed(event, origin) * 1000 * this.missedLimit());
          } else {
            this.dispatch(event);
          }
        }
      }
      decoder.end();
      return { kind: 'lost', reason: 'the master closed the event stream', wasSubscribed };
    } catch (error) {
      const reason = controller.signal.aborted ? String((controller.signal.reason as Error).message) : (error as Error).message;
      if (!controller.signal.aborted) controller.abort(error);
      return { kind: 'lost', reason, wasSubscribed };
    } finally {
      watchdog.disarm();
      this.abortStream = undefined;
      this.streamId = undefined;
      this.offers.clear();
      if (!this.stopped) this.currentState = 'disconnected';
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

  private missedLimit(): number {
    return this.options.missedHeartbeats ?? 5;
  }

  /** Handles SUBSCRIBED; returns the heartbeat interval in seconds. */
  private onSubscribed(event: Event, origin: string): number {
    const subscribed = event.subscribed!;
    const frameworkId = subscribed.framework_id.value;
    const interval = subscribed.heartbeat_interval_seconds ?? DEFAULT_HEARTBEAT_SECONDS;
    this.currentFrameworkId = frameworkId;
    // Offers never survive a resubscription, and the master sends no RESCIND for them.
    this.offers.clear();
    this.currentState = 'subscribed';
    this.log.info({ master: origin, frameworkId }, 'subscribed to the Mesos master');
    const out: SchedulerEvent = { type: 'subscribed', frameworkId, heartbeatIntervalSeconds: interval, master: origin };
    if (subscribed.master_info) out.masterInfo = subscribed.master_info;
    this.emit(out);
    return interval;
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

/** Declares a stream dead when nothing arrives for `limitMs`; every byte received resets it. */
class Watchdog {
  limitMs = 0;
  private cancel: (() => void) | undefined;
  private readonly clock: Clock;
  private readonly onExpire: () => void;

  constructor(clock: Clock, onExpire: () => void) {
    this.clock = clock;
    this.onExpire = onExpire;
  }

  arm(limitMs: number): void {
    this.limitMs = limitMs;
    this.reset();
  }

  reset(): void {
    this.cancel?.();
    this.cancel = this.clock.setTimer(this.limitMs, this.onExpire);
  }

  disarm(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}
