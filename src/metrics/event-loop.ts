// Measures how long the event loop was blocked, for the liveness probe: a timer re-armed every
// `intervalMs` records how late it fires, and a read also counts a timer that is overdue right
// now (a stall that just ended before the timer could run). Real time on purpose: it measures
// this process, so it cannot take the injected Clock. (perf_hooks' monitorEventLoopDelay misses
// a stall that ends in the iteration it began in, so it is not used here.)

import { performance } from 'node:perf_hooks';

export interface EventLoopMonitor {
  /** The longest delay (ms) seen since the previous call; each call starts a new window. */
  maxDelayMs(): number;
  stop(): void;
}

export function startEventLoopMonitor(intervalMs = 250): EventLoopMonitor {
  let expectedAt = performance.now() + intervalMs;
  let worst = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    timer = setTimeout(() => {
      const now = performance.now();
      worst = Math.max(worst, now - expectedAt);
      expectedAt = now + intervalMs;
      arm();
    }, intervalMs);
    // Never the reason the process stays up.
    timer.unref();
  };
  arm();
  return {
    maxDelayMs() {
      const now = performance.now();
      const delay = Math.max(worst, now - expectedAt, 0);
      // Lateness up to now is reported; the overdue timer, when it runs, measures from here.
      worst = 0;
      expectedAt = Math.max(expectedAt, now);
      return delay;
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
