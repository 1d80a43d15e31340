// Keys each due at a time, on one timer: the earliest due time's. A timer per key costs a closure
// and a runtime timer each (some 400 bytes), and a dispatcher keeps one delayed key per finished
// driver (its TTL) for a day.

import type { Clock } from '../runtime/clock.ts';

interface Due { readonly at: number; readonly seq: number; readonly key: string }

const earlier = (a: Due, b: Due): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class DelayedKeys {
  private readonly clock: Clock;
  private readonly onDue: (key: string) => void;
  /** The due time of each key; the heap may also hold older entries of a key, which are skipped. */
  private readonly dueAt = new Map<string, number>();
  /** A binary min-heap by time, then by order of scheduling. */
  private heap: Due[] = [];
  private seq = 0;
  private timer: { at: number; cancel: () => void } | undefined;

  constructor(clock: Clock, onDue: (key: string) => void) {
    this.clock = clock;
    this.onDue = onDue;
  }

  get size(): number {
    return this.dueAt.size;
  }

  /** When `key` is due, if it is waiting. */
  at(key: string): number | undefined {
    return this.dueAt.get(key);
  }

  /** Makes `key` due at `at` (replacing its earlier time); `onDue` is called once, then. */
  schedule(key: string, at: number): void {
    this.dueAt.set(key, at);
    this.push({ at, seq: this.seq++, key });
    this.arm();
  }

  clear(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.dueAt.clear();
    this.heap = [];
  }

  /** Sets the timer for the earliest due key, unless it is set for that time already. */
  private arm(): void {
    const next = this.peek();
    if (next === undefined) {
      this.timer?.cancel();
      this.timer = undefined;
      return;
    }
    if (this.timer !== undefined && this.timer.at === next.at) return;
    this.timer?.cancel();
    const at = next.at;
    this.timer = { at, cancel: this.clock.setTimer(at - this.clock.now(), () => this.fire(at)) };
  }

  private fire(at: number): void {
    if (this.timer?.at === at) this.timer = undefined;
    const now = Math.max(this.clock.now(), at);
    for (let next = this.peek(); next !== undefined && next.at <= now; next = this.peek()) {
      this.pop();
      this.dueAt.delete(next.key);
      this.onDue(next.key);
    }
    this.arm();
  }

  /** The earliest entry still current, dropping stale ones on the way. */
  private peek(): Due | undefined {
    for (let top = this.heap[0]; top !== undefined; top = this.heap[0]) {
      if (this.dueAt.get(top.key) === top.at) return top;
      this.pop();
    }
    return undefined;
  }

  private push(due: Due): void {
    const heap = this.heap;
    let i = heap.push(due) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(due, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = due;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const child = left + 1 < heap.length && earlier(heap[left + 1]!, heap[left]!) ? left + 1 : left;
      if (!earlier(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}
