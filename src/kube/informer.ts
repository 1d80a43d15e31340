// A cache of one resource kept current by list+watch (one reflector per watched namespace, or one
// for all), with level-based notifications: handlers learn which key changed and read its current
// object, never "which event fired". Cached objects are frozen and carry no managedFields.

import { systemClock, systemRandom } from '../runtime/clock.ts';
import type { Clock, Random } from '../runtime/clock.ts';
import type { BackoffPolicy } from '../runtime/backoff.ts';
import { errorText, silentLogger } from '../runtime/logger.ts';
import type { Logger } from '../runtime/logger.ts';
import type { KubeClient, KubeObject, ResourceType } from './kube-client.ts';
import { Reflector } from './reflector.ts';
import type { ReflectorSink, ReflectorStats } from './reflector.ts';
import { deepFreeze } from '../runtime/deep-freeze.ts';

export interface InformerOptions {
  client: KubeClient;
  resource: ResourceType;
  /** Namespaces to watch, each with its own list+watch; omitted or empty: all namespaces. */
  namespaces?: readonly string[];
  labelSelector?: string;
  /** List page size (default 500). */
  pageSize?: number;
  /** Reconnect delays (default 800 ms doubling to 30 s, as client-go's reflector). */
  backoff?: BackoffPolicy;
  /** A watch silent (no event, no bookmark) this long is restarted (default 180 s; 0: never). */
  silenceTimeoutMs?: number;
  /** Server-side watch timeout (default random in [300, 600) s, as client-go). */
  watchTimeoutSeconds?: number;
  /** Replays every cached key to the handlers this often, ±10 % (default 0: never). */
  resyncPeriodMs?: number;
  /**
   * Turns each object into what is cached (controller-runtime's cache transform): drop what no
   * reader needs, share repeated strings, keep the parts of `previous` (the version cached
   * before, frozen) that did not change. managedFields are always dropped.
   */
  transform?: (obj: KubeObject, previous: KubeObject | undefined) => KubeObject;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
}

/**
 * Called with the key (`namespace/name`, or `name` when cluster-scoped) of an object that was
 * added, changed or listed, with its cached object; undefined means it is gone.
 */
export type ChangeHandler<T> = (key: string, object: T | undefined) => void;

export type InformerStats = ReflectorStats & { resyncs: number; cached: number };

export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash === -1 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers = new Set<ChangeHandler<T>>();
  private readonly reflectors: Reflector<T>[];
  private readonly unsynced = new Set<Reflector<T>>();
  private readonly syncWaiters: ((synced: boolean) => void)[] = [];
  private readonly counters: InformerStats = {
    lists: 0, relists: 0, listErrors: 0, watches: 0, watchErrors: 0, expired: 0, watchdogRestarts: 0, events: 0, resyncs: 0, cached: 0,
  };
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly resyncPeriodMs: number;
  private readonly transform: ((obj: KubeObject, previous: KubeObject | undefined) => KubeObject) | undefined;
  private cancelResync = (): void => undefined;
  private running = false;

  constructor(options: InformerOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
    this.logger = options.logger ?? silentLogger;
    this.resyncPeriodMs = options.resyncPeriodMs ?? 0;
    this.transform = options.transform;
    const sink: ReflectorSink<T> = { replace: (ns, items) => this.replace(ns, items), apply: (type, obj) => this.apply(type, obj) };
    const scopes = options.namespaces && options.namespaces.length > 0 ? [...new Set(options.namespaces)] : [undefined];
    const fixedTimeout = options.watchTimeoutSeconds;
    this.reflectors = scopes.map((namespace) => {
      const reflector: Reflector<T> = new Reflector<T>({
        client: options.client, resource: options.resource, namespace, labelSelector: options.labelSelector,
        pageSize: options.pageSize ?? 500, clock: this.clock, random: this.random,
        backoff: options.backoff ?? { initialMs: 800, maxMs: 30_000 },
        silenceTimeoutMs: options.silenceTimeoutMs ?? 180_000,
        watchTimeoutSeconds: () => fixedTimeout ?? Math.floor(300 * (1 + this.random())),
        logger: this.logger, stats: this.counters, sink,
        onSynced: () => this.synced(reflector),
      });
      return reflector;
    });
  }

  /** Starts listing and watching; handlers registered before see the initial list. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const r of this.reflectors) this.unsynced.add(r);
    for (const r of this.reflectors) r.start();
    this.scheduleResync();
  }

  /** Stops every watch and timer; the cache keeps its last contents. */
  stop(): void {
    this.running = false;
    for (const r of this.reflectors) r.stop();
    this.cancelResync();
    for (const resolve of this.syncWaiters.splice(0)) resolve(false);
  }

  /** Whether every namespace has been listed at least once. */
  hasSynced(): boolean {
    return this.running && this.unsynced.size === 0;
  }

  /** Resolves true once synced, or false if stopped before. */
  whenSynced(): Promise<boolean> {
    if (this.hasSynced()) return Promise.resolve(true);
    if (!this.running) return Promise.resolve(false);
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** The cached object (frozen: copy it before changing anything). */
  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  keys(): string[] {
    return [...this.cache.keys()];
  }

  /** Registers a handler; the returned function removes it. Handlers should only enqueue keys. */
  onChange(handler: ChangeHandler<T>): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  stats(): InformerStats {
    return { ...this.counters, cached: this.cache.size };
  }

  private synced(reflector: Reflector<T>): void {
    this.unsynced.delete(reflector);
    if (this.hasSynced()) for (const resolve of this.syncWaiters.splice(0)) resolve(true);
  }

  /** A relist: what vanished from the scope is deleted, what is new or changed is stored. */
  private replace(namespace: string | undefined, items: T[]): void {
    const listed = new Map<string, T>();
    for (const item of items) listed.set(objectKey(item), item);
    for (const key of [...this.cache.keys()]) {
      if (listed.has(key) || (namespace !== undefined && splitKey(key).namespace !== namespace)) continue;
      this.cache.delete(key);
      this.notify(key, undefined);
    }
    for (const [key, item] of listed) {
      const old = this.cache.get(key);
      if (old && old.metadata?.resourceVersion === item.metadata?.resourceVersion) continue;
      this.store(key, item);
    }
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    const key = objectKey(obj);
    if (type !== 'DELETED') {
      this.store(key, obj);
    } else if (this.cache.delete(key)) {
      this.notify(key, undefined);
    }
  }

  private store(key: string, obj: T): void {
    // managedFields are large and useless to a controller; dropped before caching, as
    // controller-runtime's cache does.
    if (obj.metadata?.managedFields !== undefined) delete obj.metadata.managedFields;
    const frozen = deepFreeze(this.transform === undefined ? obj : this.transform(obj, this.cache.get(key)) as T);
    this.cache.set(key, frozen);
    this.notify(key, frozen);
  }

  private notify(key: string, obj: T | undefined): void {
    for (const handler of this.handlers) {
      try {
        handler(key, obj);
      } catch (err) {
        this.logger.error({ key, err: errorText(err) }, 'informer handler threw');
      }
    }
  }

  private scheduleResync(): void {
    if (this.resyncPeriodMs <= 0 || !this.running) return;
    const jittered = this.resyncPeriodMs * (0.9 + 0.2 * this.random());
    this.cancelResync = this.clock.setTimer(jittered, () => {
      this.counters.resyncs += 1;
      for (const [key, obj] of this.cache) this.notify(key, obj);
      this.scheduleResync();
    });
  }
}
