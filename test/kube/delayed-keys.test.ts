// Delayed keys on one timer: each key comes due once, at its time, in time order (then in the
// order they were scheduled); a key scheduled again moves; one timer is pending at most.
import { DelayedKeys } from '../../src/kube/delayed-keys.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

function setUp(): { clock: FakeClock; keys: DelayedKeys; due: [string, number][] } {
  const clock = new FakeClock(0);
  const due: [string, number][] = [];
  const keys = new DelayedKeys(clock, (key) => due.push([key, clock.now()]));
  return { clock, keys, due };
}

test('keys come due at their times, in order, ties in the order they were scheduled, on one timer', () => {
  const { clock, keys, due } = setUp();
  keys.schedule('c', 300);
  keys.schedule('a', 100);
  keys.schedule('b', 100);
  keys.schedule('d', 200);
  expect(clock.pending).toBe(1);
  expect(keys.size).toBe(4);
  clock.advance(150);
  expect(due).toEqual([['a', 100], ['b', 100]]);
  clock.advance(1000);
  expect(due).toEqual([['a', 100], ['b', 100], ['d', 200], ['c', 300]]);
  expect([keys.size, clock.pending]).toEqual([0, 0]);
});

test('a key scheduled again comes due once, at its new time, earlier or later', () => {
  const { clock, keys, due } = setUp();
  keys.schedule('a', 500);
  keys.schedule('b', 400);
  keys.schedule('a', 100);
  keys.schedule('b', 600);
  expect(keys.at('a')).toBe(100);
  clock.advance(1000);
  expect(due).toEqual([['a', 100], ['b', 600]]);
  expect(clock.pending).toBe(0);
});

test('a key scheduled from its own due call waits for its new time; clear drops everything', () => {
  const clock = new FakeClock(0);
  const due: number[] = [];
  const keys: DelayedKeys = new DelayedKeys(clock, (key) => {
    due.push(clock.now());
    if (due.length < 3) keys.schedule(key, clock.now() + 50);
  });
  keys.schedule('k', 10);
  clock.advance(1000);
  expect(due).toEqual([10, 60, 110]);
  keys.schedule('x', 2000);
  keys.schedule('y', 3000);
  keys.clear();
  clock.advance(5000);
  expect([due.length, keys.size, clock.pending]).toEqual([3, 0, 0]);
});

test('many keys at many times all come due, in time order', () => {
  const { clock, keys, due } = setUp();
  const times = Array.from({ length: 2000 }, (_, i) => ((i * 7919) % 1000) + 1);
  times.forEach((t, i) => keys.schedule(`k${i}`, t));
  clock.advance(2000);
  expect(due).toHaveLength(2000);
  expect(due.map(([, t]) => t)).toEqual([...times].sort((a, b) => a - b));
});
