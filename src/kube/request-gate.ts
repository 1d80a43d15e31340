// At most N requests at once; the others wait their turn in order. A waiting request is a
// resolver in a queue (tens of bytes), where a request handed to the HTTP client waiting for a
// connection holds its whole machinery (several KB): a burst of 10,000 status writes and Events
// held that way cost tens of MB of heap, which V8 then kept.

export class RequestGate {
  private readonly limit: number;
  private running = 0;
  private queue: (() => void)[] = [];
  /** The first waiting entry of `queue` (entries before it have been let through). */
  private head = 0;

  constructor(limit: number) {
    if (!(limit >= 1)) throw new Error(`a request gate needs a limit of at least 1, not ${limit}`);
    this.limit = limit;
  }

  /** Requests let through and not yet done, and requests waiting. */
  get stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queue.length - this.head };
  }

  /** Runs `request` once fewer than `limit` others run, after those that waited before it. */
  async through<T>(request: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running += 1;
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    try {
      return await request();
    } finally {
      this.release();
    }
  }

  /** Hands the place on to the first waiting request, if any (so no newcomer overtakes it). */
  private release(): void {
    if (this.head === this.queue.length) {
      this.running -= 1;
      return;
    }
    const next = this.queue[this.head] as () => void;
    this.head += 1;
    // Drop the let-through part now and then: the queue never grows with what already went.
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    next();
  }
}
