// The heartbeat watchdog of a subscription stream.
import type { Clock } from '../runtime/clock.ts';

/** Declares a stream dead when nothing arrives for `limitMs`; every byte received resets it. */
export class Watchdog {
  private limitMs = 0;
  private cancel: (() => void) | undefined;
  private readonly clock: Clock;
  private readonly onExpire: (limitMs: number) => void;

  constructor(clock: Clock, onExpire: (limitMs: number) => void) {
    this.clock = clock;
    this.onExpire = onExpire;
  }

  arm(limitMs: number): void {
    this.limitMs = limitMs;
    this.reset();
  }

  reset(): void {
    this.cancel?.();
    this.cancel = this.clock.setTimer(this.limitMs, () => this.onExpire(this.limitMs));
  }

  disarm(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}
