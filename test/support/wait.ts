// Bounded waiting for things that happen on real sockets and processes. These bound how long a
// test may hang; they never stand in for the passing of time, which a FakeClock drives.

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Collects events and lets a test await the next one that matches. */
export class EventLog<E> {
  readonly all: E[] = [];
  private cursor = 0;

  readonly push = (event: E): void => {
    this.all.push(event);
  };

  /** The first matching event after the ones already taken; it and everything before it are taken. */
  async take<S extends E>(match: (event: E) => event is S, what: string, timeoutMs?: number): Promise<S>;
  async take(match: (event: E) => boolean, what: string, timeoutMs?: number): Promise<E>;
  async take(match: (event: E) => boolean, what: string, timeoutMs = 10_000): Promise<E> {
    const index = await waitFor(() => {
      for (let i = this.cursor; i < this.all.length; i += 1) if (match(this.all[i] as E)) return i + 1;
      return undefined;
    }, what, timeoutMs);
    this.cursor = index;
    return this.all[index - 1] as E;
  }

  /** Events after the ones already taken. */
  rest(): E[] {
    return this.all.slice(this.cursor);
  }
}
