// Submission IDs: `driver-<yyyyMMddHHmmss>-<NNNN>` in UTC, the counter padded to four digits.
import { SUBMISSION_ID_PATTERN, submissionIdAt } from '../../src/rest/submission-id.ts';

describe('submissionIdAt', () => {
  test.each<[string, number, number, string]>([
    ['the reference example', Date.UTC(2024, 0, 31, 23, 59, 59), 1, 'driver-20240131235959-0001'],
    ['milliseconds are dropped', Date.UTC(2024, 0, 31, 23, 59, 59, 999), 2, 'driver-20240131235959-0002'],
    ['every field zero-padded', Date.UTC(2026, 1, 3, 4, 5, 6), 42, 'driver-20260203040506-0042'],
    ['the counter grows past 9999 without wrapping', Date.UTC(2024, 11, 1), 10_000, 'driver-20241201000000-10000'],
    ['counter zero', Date.UTC(2024, 11, 1), 0, 'driver-20241201000000-0000'],
    ['the epoch', 0, 7, 'driver-19700101000000-0007'],
    ['a four-digit year before 1000', Date.UTC(999, 0, 1), 1, 'driver-09990101000000-0001'],
  ])('%s', (_name, nowMs, counter, id) => {
    expect(submissionIdAt(nowMs, counter)).toBe(id);
    expect(id).toMatch(SUBMISSION_ID_PATTERN);
  });

  test('the timestamp is UTC whatever the process time zone', () => {
    // 2024-02-01 00:59:59 in Central Europe is still January 31st in UTC.
    expect(submissionIdAt(Date.parse('2024-02-01T00:59:59+01:00'), 1)).toBe('driver-20240131235959-0001');
  });

  test.each<[number, number]>([[Date.UTC(2024, 0, 1), -1], [Date.UTC(2024, 0, 1), 1.5], [Date.UTC(2024, 0, 1), Number.NaN], [Number.NaN, 1], [8.64e15 + 1, 1], [Date.UTC(10_000, 0, 1), 1], [Date.UTC(-1, 0, 1), 1]])(
    'refuses time %p with counter %p', (nowMs, counter) => {
      expect(() => submissionIdAt(nowMs, counter)).toThrow(RangeError);
    });

  test('the pattern refuses other forms', () => {
    for (const id of ['driver-2024013123595-0001', 'driver-20240131235959-001', 'app-20240131235959-0001', 'driver-20240131235959-0001-retry-1']) {
      expect(id).not.toMatch(SUBMISSION_ID_PATTERN);
    }
  });
});
