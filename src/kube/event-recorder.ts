// Kubernetes Events (core/v1) about an object, de-duplicated like client-go's EventCorrelator: a
// repeat of the same event within the window bumps `count` and `lastTimestamp` on the existing
// Event with a merge patch, and many similar events (same reason, varying message) are combined.
// Recording never throws: an Event that cannot be written is logged and dropped.

import { systemClock } from '../runtime/clock.ts';
import type { Clock } from '../runtime/clock.ts';
import { errorText, silentLogger } from '../runtime/logger.ts';
import type { Logger } from '../runtime/logger.ts';
import { isNotFound } from './api-error.ts';
import { RequestGate } from './request-gate.ts';
import { CORE_EVENTS } from './kube-client.ts';
import type { KubeClient, KubeObject } from './kube-client.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: KubeClient;
  /** source.component and reportingComponent, e.g. `sparkdriver-operator`. */
  component: string;
  /** source.host and reportingInstance, e.g. the pod name. */
  instance?: string;
  /** Repeats within this window update one Event (default 10 min, client-go's aggregation interval). */
  windowMs?: number;
  /** Distinct messages for one object+reason within the window before they are combined (default 10). */
  maxSimilar?: number;
  /** Remembered events (default 4096, as client-go's LRU). */
  cacheSize?: number;
  /**
   * Event writes in flight at once (default 4). Events are best effort: in a burst (10,000
   * admissions) the rest wait as a few hundred bytes each, not as built requests, and leave the
   * connections to the status writes that launches wait for.
   */
  maxInFlight?: number;
  clock?: Clock;
  logger?: Logger;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  lastAt: number;
}

interface Similar {
  messages: Set<string>;
  lastAt: number;
}

/** metav1.Time: RFC 3339 in whole seconds. */
const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EventRecorder {
  private readonly o: EventRecorderOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly windowMs: number;
  private readonly maxSimilar: number;
  private readonly cacheSize: number;
  private readonly seen = new Map<string, Seen>();
  private readonly similar = new Map<string, Similar>();
  /** Writes of one event key run in order, so a repeat never races the create it updates. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly gate: RequestGate;
  private sequence = 0;

  constructor(options: EventRecorderOptions) {
    this.o = options;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.windowMs = options.windowMs ?? 600_000;
    this.maxSimilar = options.maxSimilar ?? 10;
    this.cacheSize = options.cacheSize ?? 4096;
    this.gate = new RequestGate(options.maxInFlight ?? 4);
  }

  /**
   * Records an event about `object`. `reason` is CamelCase (`Launched`, `RetriesExhausted`). The
   * promise settles when the write is done and never rejects; callers need not await it.
   */
  event(object: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const now = this.clock.now();
    const meta = object.metadata ?? {};
    const involved = {
      apiVersion: object.apiVersion, kind: object.kind, name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion,
    };
    const objectId = JSON.stringify([involved.apiVersion, involved.kind, involved.namespace, involved.name, involved.uid, type, reason]);
    const { key, text } = this.aggregate(objectId, message, now);
    const previous = this.chains.get(key) ?? Promise.resolve();
    const write = previous.then(() => this.gate.through(() => this.write(key, involved, type, reason, text, now)));
    this.chains.set(key, write);
    void write.finally(() => {
      if (this.chains.get(key) === write) this.chains.delete(key);
    });
    return write;
  }

  /**
   * client-go's EventAggregator: past `maxSimilar` distinct messages, further ones all update one
   * combined Event (keyed without the message) instead of creating one each.
   */
  private aggregate(objectId: string, message: string, now: number): { key: string; text: string } {
    let entry = this.similar.get(objectId);
    if (!entry || now - entry.lastAt > this.windowMs) entry = { messages: new Set(), lastAt: now };
    entry.messages.add(message);
    entry.lastAt = now;
    this.remember(this.similar, objectId, entry);
    return entry.messages.size > this.maxSimilar
      ? { key: `${objectId}|combined`, text: `(combined from similar events): ${message}` }
      : { key: `${objectId}|${message}`, text: message };
  }

  private async write(key: string, involved: Record<string, string | undefined>, type: EventType, reason: string, message: string, now: number): Promise<void> {
    const seen = this.seen.get(key);
    try {
      if (seen && now - seen.lastAt <= this.windowMs) {
        try {
          await this.o.client.patchMerge({ ...CORE_EVENTS, namespace: seen.namespace, name: seen.name }, {
            count: seen.count + 1, lastTimestamp: rfc3339(now), message,
          });
          this.remember(this.seen, key, { ...seen, count: seen.count + 1, lastAt: now });
          return;
        } catch (err) {
          // The Event expired or was deleted: start a new one, as client-go does.
          if (!isNotFound(err)) throw err;
        }
      }
      const namespace = involved.namespace || 'default';
      const name = `${involved.name ?? 'object'}.${(BigInt(now) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16)}`;
      const stamp = rfc3339(now);
      await this.o.client.create(CORE_EVENTS, namespace, {
        apiVersion: 'v1', kind: 'Event', metadata: { name, namespace },
        involvedObject: Object.fromEntries(Object.entries(involved).filter(([, v]) => v !== undefined)),
        type, reason, message, count: 1, firstTimestamp: stamp, lastTimestamp: stamp,
        source: { component: this.o.component, ...(this.o.instance ? { host: this.o.instance } : {}) },
        reportingComponent: this.o.component, reportingInstance: this.o.instance ?? '',
      } as KubeObject);
      this.remember(this.seen, key, { name, namespace, count: 1, lastAt: now });
    } catch (err) {
      this.logger.warn({ reason, object: `${involved.namespace ?? ''}/${involved.name ?? ''}`, err: errorText(err) }, 'could not write an Event');
    }
  }

  /** Inserts as most recent and evicts the least recent beyond the cache size. */
  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.cacheSize) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  }
}
