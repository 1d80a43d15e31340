// The SUBSCRIBE stream's life: which master (the source, then 307 redirects), the stream ID, the
// heartbeat watchdog, resubscribing with the saved framework ID after a jittered backoff, and
// going at once to a new leader that master detection names. Every state change is in `enter`.
import { DEFAULT_RECONNECT_BACKOFF, backoffDelayMs } from '../runtime/backoff.ts';
import type { BackoffPolicy } from '../runtime/backoff.ts';
import type { Clock, Random } from '../runtime/clock.ts';
import type { Logger } from '../runtime/logger.ts';
import type { MasterSource } from './master-source.ts';
import type { MesosTransport } from './transport.ts';
import type { Call, Event, MasterInfo } from './types.ts';
import { Watchdog } from './watchdog.ts';

export type SubscriptionState =
  | 'idle'
  /** No master is known: waiting for master detection to name one. */
  | 'detecting'
  | 'subscribing'
  | 'subscribed'
  /** The stream is gone; resubscribing after a backoff. */
  | 'disconnected'
  | 'stopped';

export interface Subscribed { frameworkId: string; heartbeatIntervalSeconds: number; master: string; masterInfo?: MasterInfo }

export interface SubscriptionOptions {
  source: MasterSource;
  transport: MesosTransport;
  /** The SUBSCRIBE call, with the framework ID to fail over to (undefined: register anew). */
  subscribeCall: (frameworkId: string | undefined) => Call;
  frameworkId?: string | undefined;
  /** Missed heartbeats after which a silent stream is declared dead (default 5). */
  missedHeartbeats?: number | undefined;
  backoff?: BackoffPolicy | undefined;
  /** Redirects followed in a row before backing off (default 9, as mesos-go). */
  maxRedirects?: number | undefined;
  clock: Clock;
  random: Random;
  log: Logger;
  onSubscribed: (subscribed: Subscribed) => void;
  /** Every event after SUBSCRIBED, ERROR excepted. */
  onEvent: (event: Event) => void;
  /** The master refused or ended the subscription for good (an ERROR event); it has stopped. */
  onRefused: (message: string) => void;
  onDisconnected: (reason: string, retryInMs: number) => void;
  /** The source's view changed (a leader detected, ZooKeeper lost or back). */
  onDetection: () => void;
}

type StreamEnd =
  | { kind: 'redirect'; origin: string }
  | { kind: 'refused'; message: string }
  | { kind: 'lost'; reason: string; wasSubscribed: boolean }
  /** Master detection named another leader: go there now. */
  | { kind: 'superseded'; leader: string; wasSubscribed: boolean };

/** Why the stream was cut from outside the stream itself. */
type Abort = { kind: 'lost'; reason: string } | { kind: 'superseded'; leader: string };

export const DEFAULT_HEARTBEAT_SECONDS = 15;

export class Subscription {
  private readonly o: SubscriptionOptions;
  private current: SubscriptionState = 'idle';
  private frameworkIdValue: string | undefined;
  private streamIdValue: string | undefined;
  /** The master of the current (or, between attempts, the last) SUBSCRIBE. */
  private originValue: string | undefined;
  private abortStream: ((why: Abort) => void) | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(options: SubscriptionOptions) {
    this.o = options;
    this.frameworkIdValue = options.frameworkId;
  }

  get state(): SubscriptionState {
    return this.current;
  }

  private get stopped(): boolean {
    return this.current === 'stopped';
  }

  get frameworkId(): string | undefined {
    return this.frameworkIdValue;
  }

  /** The stream ID and master of the live subscription, if there is one. */
  get live(): { streamId: string; origin: string; frameworkId: string } | undefined {
    const { streamIdValue: streamId, originValue: origin, frameworkIdValue: frameworkId } = this;
    return this.current === 'subscribed' && streamId && origin && frameworkId ? { streamId, origin, frameworkId } : undefined;
  }

  start(): void {
    if (this.loop) return;
    this.o.source.start(() => this.sourceChanged());
    this.loop = this.run();
  }

  /** Closes the stream (the master then starts the failover timeout) and stops resubscribing. */
  async stop(): Promise<void> {
    this.enter('stopped');
    this.abortStream?.({ kind: 'lost', reason: 'client stopped' });
    this.wake?.();
    await this.loop;
    await this.o.source.stop();
    await this.o.transport.close();
  }

  /** A call learned that the subscription is gone: start over rather than wait for the watchdog. */
  reset(reason: string): void {
    this.abortStream?.({ kind: 'lost', reason });
  }

  private enter(state: SubscriptionState): void {
    if (this.current === 'stopped') return;
    this.current = state;
    if (state !== 'subscribed') this.streamIdValue = undefined;
  }

  private sourceChanged(): void {
    this.o.onDetection();
    const choice = this.o.source.current();
    // A new leader is worth going to at once; the same one is left to the backoff.
    if (choice.kind !== 'master' || (choice.origin === this.originValue && this.current !== 'detecting')) return;
    this.abortStream?.({ kind: 'superseded', leader: choice.origin });
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { source, log } = this.o;
    let failures = 0;
    let redirects = 0;
    let redirectTo: string | undefined;
    while (!this.stopped) {
      const choice = source.current();
      if (choice.kind === 'none' && redirectTo === undefined) {
        this.enter('detecting');
        log.warn({}, `waiting for a Mesos master: ${choice.reason}`);
        await this.pause(undefined);
        continue;
      }
      const origin = redirectTo ?? (choice.kind === 'master' ? choice.origin : '');
      const end = await this.subscribeOnce(origin);
      if (this.stopped) break;
      if (end.kind === 'refused') {
        this.enter('stopped');
        log.error({ master: origin }, `Mesos master refused the subscription: ${end.message}`);
        this.o.onRefused(end.message);
        break;
      }
      if (end.kind === 'redirect' && redirects < (this.o.maxRedirects ?? 9)) {
        redirects += 1;
        log.info({ from: origin, to: end.origin }, 'following the redirect to the leading master');
        redirectTo = end.origin;
        continue;
      }
      redirects = 0;
      redirectTo = undefined;
      if (end.kind === 'superseded') {
        failures = 0;
        log.info({ from: origin, to: end.leader }, 'master detection named a new leading master');
        if (end.wasSubscribed) this.o.onDisconnected(`a new leading master was detected: ${end.leader}`, 0);
        continue;
      }
      failures = end.kind === 'lost' && end.wasSubscribed ? 0 : failures + 1;
      // A master that failed us may no longer lead: the source moves on (a static list does).
      if (failures > 0) source.failed();
      const reason = end.kind === 'lost' ? end.reason : `too many redirects (last to ${end.origin})`;
      const retryInMs = backoffDelayMs(failures, this.o.backoff ?? DEFAULT_RECONNECT_BACKOFF, this.o.random);
      this.enter('disconnected');
      log.warn({ master: origin, retryInMs }, `Mesos subscription lost: ${reason}`);
      this.o.onDisconnected(reason, retryInMs);
      await this.pause(retryInMs);
    }
  }

  /** Waits `ms` (for ever when undefined) or until stop or master detection wakes it. */
  private pause(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const cancel = ms === undefined ? undefined : this.o.clock.setTimer(ms, () => done());
      const done = (): void => {
        cancel?.();
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }

  private async subscribeOnce(origin: string): Promise<StreamEnd> {
    this.enter('subscribing');
    this.originValue = origin;
    const controller = new AbortController();
    let wasSubscribed = false;
    let aborted: Abort | undefined;
    const ended = (): StreamEnd | undefined => aborted && { ...aborted, wasSubscribed };
    this.abortStream = (why) => {
      aborted ??= why;
      controller.abort(new Error(why.kind === 'lost' ? why.reason : `superseded by ${why.leader}`));
    };
    const missed = this.o.missedHeartbeats ?? 5;
    const watchdog = new Watchdog(this.o.clock, (limitMs) => this.abortStream?.({
      kind: 'lost', reason: `no event from the master for ${limitMs / 1000} s (${missed} heartbeats missed)`,
    }));
    watchdog.arm(DEFAULT_HEARTBEAT_SECONDS * 1000 * missed);
    try {
      const answer = await this.o.transport.subscribe(origin, this.o.subscribeCall(this.frameworkIdValue), controller.signal);
      if (answer.kind === 'redirect') return answer;
      if (answer.kind === 'failed') return { kind: 'lost', reason: answer.reason, wasSubscribed };
      for await (const event of answer.events(() => watchdog.reset())) {
        if (event.type === 'ERROR') return { kind: 'refused', message: event.error?.message ?? 'ERROR event without a message' };
        if (event.type !== 'SUBSCRIBED') {
          this.o.onEvent(event);
          continue;
        }
        wasSubscribed = true;
        const subscribed = event.subscribed!;
        const interval = this.heartbeatSeconds(subscribed.heartbeat_interval_seconds, origin);
        this.frameworkIdValue = subscribed.framework_id.value;
        this.enter('subscribed');
        this.streamIdValue = answer.streamId;
        watchdog.arm(interval * 1000 * missed);
        this.o.log.info({ master: origin, frameworkId: this.frameworkIdValue }, 'subscribed to the Mesos master');
        this.o.onSubscribed({
          frameworkId: this.frameworkIdValue, heartbeatIntervalSeconds: interval, master: origin,
          ...(subscribed.master_info !== undefined && { masterInfo: subscribed.master_info }),
        });
      }
      return ended() ?? { kind: 'lost', reason: 'the master closed the event stream', wasSubscribed };
    } catch (error) {
      return ended() ?? { kind: 'lost', reason: (error as Error).message, wasSubscribed };
    } finally {
      watchdog.disarm();
      if (!controller.signal.aborted) controller.abort(new Error('stream ended'));
      this.abortStream = undefined;
      this.enter('disconnected');
    }
  }

  /** A master announcing no usable interval must not make the watchdog fire at once, in a loop. */
  private heartbeatSeconds(announced: number | undefined, origin: string): number {
    if (announced === undefined) return DEFAULT_HEARTBEAT_SECONDS;
    if (Number.isFinite(announced) && announced > 0) return announced;
    this.o.log.warn({ master: origin, announced }, `the master announced heartbeat_interval_seconds ${announced}; watching for ${DEFAULT_HEARTBEAT_SECONDS} s heartbeats instead`);
    return DEFAULT_HEARTBEAT_SECONDS;
  }
}
