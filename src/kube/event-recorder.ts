// Kubernetes Events (core/v1) about an object, de-duplicated like client-go's EventCorrelator: a
// repeat of the same event within the window bumps `count` and `lastTimestamp` on the existing
// Event with a merge patch, and many similar events (same reason, varying message) are combined.
// Recording never throws: an Event that cannot be written is logged and dropped.

import { systemClock } from '../runtime/clock.ts';
import type { Clock } from '../runtime/clock.ts';
import { FailureSummary } from '../runtime/failure-summary.ts';
import { errorText, silentLogger } from '../runtime/logger.ts';
import type { Logger } from '../runtime/logger.ts';
import { isNotFound } from './api-error.ts';
import { Fifo } from './fifo.ts';
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
   * Event writes in flight at once (default 4). Events are best effort: in a burst the rest wait
   * their turn, and the connections stay free for the status writes that launches wait for.
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

interface PendingEvent {
  key: string;
  involved: Record<string, string | undefined>;
  type: EventType;
  reason: string;
  text: string;
  now: number;
  done: () => void;
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
  /** Events that could not be written: while the API is down, one line per window. */
  private readonly failures: FailureSummary;
  private readonly logger: Logger;
  private readonly windowMs: number;
  private readonly maxSimilar: number;
  private readonly cacheSize: number;
  private readonly seen = new Map<string, Seen>();
  private readonly similar = new Map<string, Similar>();
  /**
   * Events waiting for a place among the writes in flight, each a small record: in a burst
   * (10,000 admissions) thousands wait, and leave the connections to the status writes.
   */
  private readonly waiting = new Fifo<PendingEvent>();
  /** Keys queued or being written, with the repeats of each waiting behind it. */
  private readonly keysInHand = new Map<string, PendingEvent[]>();
  private readonly maxInFlight: number;
  private inFlight = 0;
  private sequence = 0;

  constructor(options: EventRecorderOptions) {
    this.o = options;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.failures = new FailureSummary(this.clock, (fields, message) => this.logger.warn(fields, message));
    this.windowMs = options.windowMs ?? 600_000;
    this.maxSimilar = options.maxSimilar ?? 10;
    this.cacheSize = options.cacheSize ?? 4096;
    this.maxInFlight = options.maxInFlight ?? 4;
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
    // The UID names the object (across kinds and incarnations); the rest only when it has none.
    const objectId = `${meta.uid ?? `${object.apiVersion ?? ''}/${object.kind ?? ''}/${meta.namespace ?? ''}/${meta.name ?? ''}`}|${type}|${reason}`;
    const { key, text } = this.aggregate(objectId, message, now);
    return new Promise((done) => this.enqueue({ key, involved, type, reason, text, now, done }));
  }

  /** Writes of one key run in order (a repeat must find the Event its predecessor created). */
  private enqueue(pending: PendingEvent): void {
    const behind = this.keysInHand.get(pending.key);
    if (behind !== undefined) {
      behind.push(pending);
      return;
    }
    this.keysInHand.set(pending.key, []);
    this.waiting.push(pending);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight) {
      const next = this.waiting.shift();
      if (next === undefined) return;
      this.inFlight += 1;
      void this.write(next.key, next.involved, next.type, next.reason, next.text, next.now).finally(() => {
        this.inFlight -= 1;
        next.done();
        const behind = this.keysInHand.get(next.key);
        const following = behind?.shift();
        if (following === undefined) this.keysInHand.delete(next.key);
        else this.waiting.push(following);
        this.pump();
      });
    }
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
      this.failures.report({ reason, object: `${involved.namespace ?? ''}/${involved.name ?? ''}`, err: errorText(err) }, 'could not write an Event');
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
