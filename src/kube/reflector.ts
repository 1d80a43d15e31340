// One list+watch loop for one scope (a namespace, or all of them): list in pages, watch from the
// list's resourceVersion with bookmarks, relist on 410 Gone, reconnect with jittered backoff, and
// restart a watch that has been silent too long. It feeds a sink and keeps no objects itself.

import { backoffDelayMs } from '../runtime/backoff.ts';
import type { BackoffPolicy } from '../runtime/backoff.ts';
import type { Clock, Random } from '../runtime/clock.ts';
import { errorText } from '../runtime/logger.ts';
import type { Logger } from '../runtime/logger.ts';
import { isNotFound, KubeApiError } from './api-error.ts';
import { collectionPath } from './kube-client.ts';
import type { KubeClient, KubeObject, ResourceType } from './kube-client.ts';

/** Where a reflector delivers what it learns. */
export interface ReflectorSink<T> {
  /** The whole scope as just listed: the sink diffs it against what it holds. */
  replace(namespace: string | undefined, items: T[]): void;
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void;
}

/** Counters shared by the reflectors of one informer (for metrics). */
export interface ReflectorStats {
  lists: number;
  /** Lists after the first one: after a 410 Gone or a failed list. */
  relists: number;
  listErrors: number;
  watches: number;
  watchErrors: number;
  /** Watches answered with 410 Gone (resourceVersion too old). */
  expired: number;
  /** Watches the silence watchdog ended. */
  watchdogRestarts: number;
  events: number;
}

export interface ReflectorOptions<T> {
  client: KubeClient;
  resource: ResourceType;
  /** undefined: all namespaces. */
  namespace: string | undefined;
  labelSelector: string | undefined;
  pageSize: number;
  clock: Clock;
  random: Random;
  backoff: BackoffPolicy;
  /** A watch with no event (bookmarks included) for this long is restarted; 0 disables. */
  silenceTimeoutMs: number;
  watchTimeoutSeconds: () => number;
  logger: Logger;
  stats: ReflectorStats;
  sink: ReflectorSink<T>;
  onSynced: () => void;
}

export class Reflector<T extends KubeObject> {
  private readonly o: ReflectorOptions<T>;
  private readonly path: string;
  private running = false;
  /** Bumped by stop(): answers to requests made before are dropped. */
  private epoch = 0;
  private listedOnce = false;
  private toldNotServed = false;
  private resourceVersion = '';
  /** Consecutive attempts that achieved nothing; an event on a watch resets it. */
  private failures = 0;
  /** Identifies the live watch; callbacks of a replaced or aborted one are ignored. */
  private watchToken: object | undefined;
  private lastActivity = 0;
  private abortWatch = (): void => undefined;
  private cancelWatchdog = (): void => undefined;
  private cancelRetry = (): void => undefined;

  constructor(options: ReflectorOptions<T>) {
    this.o = options;
    this.path = collectionPath(options.resource, options.namespace);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.epoch += 1;
    this.list();
  }

  stop(): void {
    this.running = false;
    this.epoch += 1;
    this.endWatch();
    this.cancelRetry();
  }

  private list(): void {
    const epoch = this.epoch;
    this.fetchAll().then((list) => {
      if (epoch !== this.epoch) return;
      this.o.stats.lists += 1;
      if (this.listedOnce) this.o.stats.relists += 1;
      this.listedOnce = true;
      this.resourceVersion = list.resourceVersion;
      this.o.sink.replace(this.o.namespace, list.items);
      this.o.onSynced();
      this.watch();
    }, (err: unknown) => {
      if (epoch !== this.epoch) return;
      this.o.stats.listErrors += 1;
      if (!isNotFound(err)) {
        this.o.logger.warn({ path: this.path, err: errorText(err) }, 'list failed; retrying');
      } else if (!this.toldNotServed) {
        // The resource type is not served (its CRD not installed yet, e.g. after a `helm upgrade`,
        // which leaves CRDs alone): said once, then retried quietly until it appears.
        this.toldNotServed = true;
        this.o.logger.warn({ path: this.path }, 'the API server does not serve this resource (is its CRD installed?); retrying until it does');
      } else {
        this.o.logger.debug({ path: this.path }, 'resource still not served; retrying');
      }
      this.retry(err, () => this.list());
    }).catch((err: unknown) => {
      // A bug below us (the sink, or a client whose watch throws): keep the loop alive.
      this.o.logger.error({ path: this.path, err: errorText(err) }, 'applying a list failed; relisting');
      if (epoch === this.epoch) this.retry(err, () => this.list());
    });
  }

  /** Every page; a 410 on a continue token (expired) fails the whole list, which then restarts. */
  private async fetchAll(): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let cont: string | undefined;
    for (;;) {
      const page = await this.o.client.list<T>(this.o.resource, {
        ...(this.o.namespace === undefined ? {} : { namespace: this.o.namespace }),
        ...(this.o.labelSelector === undefined ? {} : { labelSelector: this.o.labelSelector }),
        limit: this.o.pageSize,
        ...(cont === undefined ? {} : { continue: cont }),
      });
      items.push(...page.items);
      cont = page.continue;
      // Every page belongs to the snapshot of the first; the last one's resourceVersion is it.
      if (cont === undefined) return { items, resourceVersion: page.resourceVersion };
    }
  }

  private watch(): void {
    const token = {};
    this.watchToken = token;
    let delivered = false;
    this.o.stats.watches += 1;
    this.lastActivity = this.o.clock.now();
    this.armWatchdog(token);
    const abort = this.o.client.watch(this.path, {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: this.o.watchTimeoutSeconds(),
      ...(this.o.labelSelector === undefined ? {} : { labelSelector: this.o.labelSelector }),
    }, (event) => {
      if (this.watchToken !== token) return;
      delivered = true;
      this.lastActivity = this.o.clock.now();
      this.o.stats.events += 1;
      if (event.type !== 'BOOKMARK') this.o.sink.apply(event.type, event.object as T);
      // resourceVersion is opaque: taken as the resume point, never compared.
      const rv = event.object.metadata?.resourceVersion;
      if (rv) this.resourceVersion = rv;
    }, (err) => {
      if (this.watchToken !== token) return;
      this.endWatch();
      if (delivered) this.failures = 0;
      if (err?.isGone) {
        this.o.stats.expired += 1;
        this.o.logger.info({ path: this.path, resourceVersion: this.resourceVersion }, 'watch expired (410); relisting');
        this.retry(err, () => this.list());
        return;
      }
      if (err) {
        this.o.stats.watchErrors += 1;
        this.o.logger.warn({ path: this.path, err: err.message }, 'watch failed; reconnecting');
      }
      this.retry(err, () => this.watch());
    });
    // A client may end a watch before returning (a fake, or an instant failure): keep the abort
    // only if this watch is still the live one.
    if (this.watchToken === token) this.abortWatch = abort;
  }

  /**
   * Runs `next` at once after a clean end or a 410 if the previous attempt achieved something;
   * otherwise after a jittered exponential delay, never shorter than the server's Retry-After.
   */
  private retry(err: unknown, next: () => void): void {
    if (!this.running) return;
    const attempt = this.failures;
    this.failures += 1;
    const apiErr = err instanceof KubeApiError ? err : undefined;
    if (attempt === 0 && (err === undefined || apiErr?.isGone === true)) {
      next();
      return;
    }
    const delay = Math.max(backoffDelayMs(attempt, this.o.backoff, this.o.random), apiErr?.retryAfterMs ?? 0);
    const epoch = this.epoch;
    this.cancelRetry = this.o.clock.setTimer(delay, () => {
      if (epoch === this.epoch) next();
    });
  }

  private armWatchdog(token: object): void {
    const limit = this.o.silenceTimeoutMs;
    if (limit <= 0) return;
    const idle = this.o.clock.now() - this.lastActivity;
    this.cancelWatchdog = this.o.clock.setTimer(limit - idle, () => {
      if (this.watchToken !== token) return;
      if (this.o.clock.now() - this.lastActivity < limit) {
        this.armWatchdog(token);
        return;
      }
      // A watch can stall without an error (dead TCP, a middlebox): start a new one from the
      // last resourceVersion, so nothing is missed.
      this.o.stats.watchdogRestarts += 1;
      this.o.logger.warn({ path: this.path, silentMs: limit }, 'watch silent too long; restarting it');
      this.endWatch();
      this.watch();
    });
  }

  private endWatch(): void {
    this.watchToken = undefined;
    this.abortWatch();
    this.abortWatch = () => undefined;
    this.cancelWatchdog();
    this.cancelWatchdog = () => undefined;
  }
}
