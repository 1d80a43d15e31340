// At most N requests at once; the others wait their turn in order. A waiting request is a
// resolver in a queue (tens of bytes), where a request handed to the HTTP client waiting for a
// connection holds its whole machinery (several KB): a burst of 10,000 status writes and Events
// held that way cost tens of MB of heap, which V8 then kept.
import { Fifo } from './fifo.ts';

export class RequestGate {
  private readonly limit: number;
  private running = 0;
  private readonly queue = new Fifo<() => void>();

  constructor(limit: number) {
    if (!(limit >= 1)) throw new Error(`a request gate needs a limit of at least 1, not ${limit}`);
    this.limit = limit;
  }

  /** Requests let through and not yet done, and requests waiting. */
  get stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queue.length };
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
    const next = this.queue.shift();
    if (next === undefined) this.running -= 1;
    else next();
  }
}
