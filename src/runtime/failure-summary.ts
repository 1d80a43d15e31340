// One line for a run of like failures. While the API server is down, every driver whose status
// or Event is waiting fails again at each retry: thousands of lines a minute that say one thing.
// The first failure is logged at once; the others in the next `windowMs` are counted and logged
// as one line when the window ends (with the last one's fields and message); a failure after it
// starts anew.
import type { Clock } from './clock.ts';

type Log = (fields: object, message: string) => void;

export class FailureSummary {
  private readonly clock: Clock;
  private readonly log: Log;
  private readonly windowMs: number;
  private open = false;
  private more = 0;
  private last: { fields: object; message: string } | undefined;

  constructor(clock: Clock, log: Log, windowMs = 10_000) {
    this.clock = clock;
    this.log = log;
    this.windowMs = windowMs;
  }

  report(fields: object, message: string): void {
    if (this.open) {
      this.more += 1;
      this.last = { fields, message };
      return;
    }
    this.log(fields, message);
    this.open = true;
    this.clock.setTimer(this.windowMs, () => this.close());
  }

  private close(): void {
    this.open = false;
    const { more, last } = this;
    this.more = 0;
    this.last = undefined;
    if (last === undefined) return;
    this.log({ ...last.fields, repeats: more }, `${more} more like it in the last ${Math.round(this.windowMs / 1000)} s; the last: ${last.message}`);
  }
}
