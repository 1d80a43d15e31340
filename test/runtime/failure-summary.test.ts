// A run of like failures costs two lines, not one per failure: the first at once, the rest
// summed up when the window ends; a failure after the window is logged at once again.
import { FailureSummary } from '../../src/runtime/failure-summary.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

function summary(): { clock: FakeClock; lines: [object, string][]; failures: FailureSummary } {
  const clock = new FakeClock(0);
  const lines: [object, string][] = [];
  return { clock, lines, failures: new FailureSummary(clock, (fields, message) => lines.push([fields, message]), 10_000) };
}

test('a thousand failures in a window are two lines: the first, then a count with the last one', () => {
  const { clock, lines, failures } = summary();
  for (let i = 0; i < 1000; i++) failures.report({ driver: `default/d-${i}` }, `write failed: 503 (try ${i})`);
  expect(lines).toEqual([[{ driver: 'default/d-0' }, 'write failed: 503 (try 0)']]);
  clock.advance(9_999);
  expect(lines).toHaveLength(1);
  clock.advance(1);
  expect(lines[1]).toEqual([{ driver: 'default/d-999', repeats: 999 }, '999 more like it in the last 10 s; the last: write failed: 503 (try 999)']);
});

test('a lone failure is one line; the next one, after the window, is logged at once', () => {
  const { clock, lines, failures } = summary();
  failures.report({ driver: 'default/a' }, 'first');
  clock.advance(10_000);
  expect(lines).toHaveLength(1);
  failures.report({ driver: 'default/b' }, 'second');
  expect(lines.map(([, message]) => message)).toEqual(['first', 'second']);
  failures.report({ driver: 'default/c' }, 'third');
  clock.advance(10_000);
  expect(lines.map(([, message]) => message)).toEqual(['first', 'second', '1 more like it in the last 10 s; the last: third']);
});
