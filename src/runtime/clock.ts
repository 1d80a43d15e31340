// The time port. Everything that waits takes a Clock, so tests drive time with a fake clock
// instead of sleeping.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** setTimeout's limit (about 24.8 days); longer delays are waited out in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const due = Date.now() + Math.max(0, ms);
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const left = due - Date.now();
      handle = setTimeout(left > MAX_TIMEOUT_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMEOUT_MS));
      handle.unref();
    };
    arm();
    return () => clearTimeout(handle);
  },
};

/** A source of uniform numbers in [0, 1); injected so that jitter is reproducible in tests. */
export type Random = () => number;
export const systemRandom: Random = Math.random;
