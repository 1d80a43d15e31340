// A seeded source of randomness for the chaos suite and its fuzzer: the same seed gives the same
// fault plan, workload and generated inputs (mulberry32: small, fast, and good enough for this).
import type { Random } from '../../src/runtime/clock.ts';

/** A Random in [0, 1) that repeats for a seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Dice {
  readonly random: Random;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  float(min: number, max: number): number {
    return min + this.random() * (max - min);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** A seed for an independent stream (the emulators', the fuzzer's). */
  fork(): number {
    return Math.floor(this.random() * 2 ** 32);
  }
}
