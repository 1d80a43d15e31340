// The time port. Everything that waits takes a Clock, so tests drive time with a fake clock
// instead of sleeping.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};

/** A source of uniform numbers in [0, 1); injected so that jitter is reproducible in tests. */
export type Random = () => number;
export const systemRandom: Random = Math.random;
