// The memory reclaimer, on a FakeClock with a scripted resident size and event-loop load: it
// collects once memory has grown well past its lowest level and the loop has been nearly idle for
// a few looks, never while it is busy, at most once per gap (longer after a slow collection),
// takes the level after a collection as its new start, and does nothing without a collection.
import { MemoryReclaimer } from '../../src/runtime/memory-reclaimer.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

const MiB = 1024 * 1024;
const BUSY = 0.8;
const IDLE = 0.02;

function setUp(collect: (() => void) | null = () => undefined) {
  const clock = new FakeClock(0);
  let rss = 100 * MiB;
  let busy = IDLE;
  const collected: number[] = [];
  const reclaimer = new MemoryReclaimer({
    clock, log: silentLogger, residentBytes: () => rss, busyShare: () => busy, intervalMs: 1_000, growthBytes: 24 * MiB, quietLooks: 2, minGapMs: 10_000,
    collect: collect === null ? undefined : () => {
      collected.push(clock.now());
      collect();
      rss = 110 * MiB;
    },
  });
  reclaimer.start();
  /** One look, a second later, at `mib` resident with the loop busy or not. */
  const at = (mib: number, load = IDLE): void => {
    rss = mib * MiB;
    busy = load;
    clock.advance(1_000);
  };
  return { clock, reclaimer, collected, at };
}

test('a burst: nothing while the loop is busy (memory flat or not), one collection once it is idle a while, none after', () => {
  const { reclaimer, collected, at } = setUp();
  for (const mib of [110, 130, 170, 170, 170, 170]) at(mib, BUSY);
  at(170, IDLE);
  expect(collected).toEqual([]);
  at(170, IDLE);
  expect(collected).toEqual([8_000]);
  for (const mib of [111, 112, 112, 120]) at(mib);
  expect(reclaimer.reclaims).toBe(1);
});

test('a second burst soon after waits for the gap since the last collection, longer after a slow one', () => {
  const { collected, at } = setUp();
  for (const mib of [140, 140]) at(mib);
  expect(collected).toEqual([2_000]);
  at(160, BUSY);
  for (let i = 0; i < 8; i += 1) at(160);
  expect(collected).toEqual([2_000]);
  at(160);
  expect(collected).toEqual([2_000, 12_000]);

  const clock = new FakeClock(0);
  let rss = 100 * MiB;
  const times: number[] = [];
  const slow = new MemoryReclaimer({
    clock, log: silentLogger, residentBytes: () => rss, busyShare: () => IDLE, intervalMs: 1_000, quietLooks: 1, minGapMs: 1_000,
    collect: () => {
      times.push(clock.now());
      clock.advance(2_000); // a collection that took 2 s: the next waits 40 s
      rss = 100 * MiB;
    },
  });
  slow.start();
  for (let i = 0; i < 60; i += 1) {
    rss = 200 * MiB;
    clock.advance(1_000);
  }
  expect(times.slice(0, 2)).toEqual([1_000, 41_000]);
});

test('growth short of the threshold, however idle the loop, is left to V8', () => {
  const { collected, at } = setUp();
  for (let i = 0; i < 10; i += 1) at(120);
  expect(collected).toEqual([]);
});

test('the lowest level seen is the start: growth is measured from it', () => {
  const { collected, at } = setUp();
  at(90, BUSY);
  at(80, BUSY);
  at(100, BUSY);
  at(105);
  at(105);
  expect(collected).toEqual([5_000]);
});

test('without a collection to run (no --expose-gc) it never looks; stop() ends the looking', () => {
  const idle = setUp(null);
  expect(idle.clock.pending).toBe(0);
  const running = setUp();
  expect(running.clock.pending).toBe(1);
  running.reclaimer.stop();
  expect(running.clock.pending).toBe(0);
});
