// Gives memory back after a burst of work. V8 keeps what a burst made it grow into: its heap
// stays at the size it reached, and the pages a collection freed stay with the process, until a
// memory-reducing collection, which V8 runs by itself only in a process that goes quiet (one
// serving watches and scrapes rarely does). So when the resident memory has grown well past
// where it was and the event loop has then been nearly idle for a while (the burst is over),
// this runs one such collection. It costs a few full collections' worth of CPU, so the next one
// waits at least 20 times as long as the last one took. It needs node's --expose-gc
// (scripts/start.sh passes it); without it, it does nothing.

import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';

const MiB = 1024 * 1024;

export interface MemoryReclaimerOptions {
  clock: Clock;
  log: Logger;
  /** The resident memory now, in bytes (default: the process's). */
  residentBytes?: () => number;
  /** The share of time the event loop was busy since the last call, 0 to 1 (default: the process's). */
  busyShare?: () => number;
  /** A collection that gives freed memory back (default: V8's last-resort collection, if exposed). */
  collect?: (() => void) | undefined;
  /** How often memory is looked at (default 2 s). */
  intervalMs?: number;
  /** Growth past the lowest level seen since the last collection that makes one worth it (default 24 MiB). */
  growthBytes?: number;
  /** Looks in a row with the event loop nearly idle that make the burst over (default 3). */
  quietLooks?: number;
  /** The least time between two collections (default 5 s; longer after a slow collection). */
  minGapMs?: number;
}

type ExposedGc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** V8's collection of everything it can, giving pages back; undefined without --expose-gc. */
function lastResortCollection(): (() => void) | undefined {
  const gc = (globalThis as { gc?: ExposedGc }).gc;
  return gc === undefined ? undefined : () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/** Busy less than this share of the time between two looks: nearly idle. */
const QUIET_SHARE = 0.1;

/** The event loop's busy share since the previous call. */
function eventLoopBusyShare(): () => number {
  let previous: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const share = performance.eventLoopUtilization(now, previous).utilization;
    previous = now;
    return share;
  };
}

export class MemoryReclaimer {
  private readonly o: MemoryReclaimerOptions;
  private readonly residentBytes: () => number;
  private readonly busyShare: () => number;
  private readonly collect: (() => void) | undefined;
  private baseline = 0;
  /** Looks in a row that found the event loop nearly idle. */
  private quiet = 0;
  /** When the next collection may run at the earliest. */
  private nextAllowedAt = Number.NEGATIVE_INFINITY;
  private cancel: (() => void) | undefined;
  private count = 0;

  constructor(options: MemoryReclaimerOptions) {
    this.o = options;
    this.residentBytes = options.residentBytes ?? (() => process.memoryUsage.rss());
    this.busyShare = options.busyShare ?? eventLoopBusyShare();
    this.collect = 'collect' in options ? options.collect : lastResortCollection();
  }

  /** Collections run so far. */
  get reclaims(): number {
    return this.count;
  }

  start(): void {
    if (this.collect === undefined || this.cancel !== undefined) return;
    this.baseline = this.residentBytes();
    this.busyShare();
    this.schedule();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  private schedule(): void {
    this.cancel = this.o.clock.setTimer(this.o.intervalMs ?? 2_000, () => {
      this.look();
      if (this.cancel !== undefined) this.schedule();
    });
  }

  private look(): void {
    const now = this.residentBytes();
    this.quiet = this.busyShare() < QUIET_SHARE ? this.quiet + 1 : 0;
    const started = this.o.clock.now();
    const due = this.quiet >= (this.o.quietLooks ?? 3) && started >= this.nextAllowedAt;
    if (this.collect !== undefined && due && now - this.baseline >= (this.o.growthBytes ?? 24 * MiB)) {
      this.collect();
      this.count += 1;
      const tookMs = this.o.clock.now() - started;
      this.nextAllowedAt = started + Math.max(this.o.minGapMs ?? 5_000, 20 * tookMs);
      const after = this.residentBytes();
      this.o.log.debug({ beforeMiB: Math.round(now / MiB), afterMiB: Math.round(after / MiB), ms: tookMs }, 'memory given back after a burst of work');
      // The level after the collection is the new starting point: a live set that grew for good
      // (more drivers) is not collected again until it grows as much once more.
      this.baseline = after;
      this.quiet = 0;
      return;
    }
    this.baseline = Math.min(this.baseline, now);
  }
}
