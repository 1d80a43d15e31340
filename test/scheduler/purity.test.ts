import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The core must stay pure: time and randomness come in as arguments, effects go out as data, and
// it speaks its own words (no Mesos import, no Mesos task state name).
const SOURCE_DIR = join(import.meta.dirname, '../../src/scheduler');
const FORBIDDEN: [string, RegExp][] = [
  ['node: imports', /from ['"]node:/],
  ['imports from outside the core', /from ['"]\.\.\//],
  ['Date.now()', /Date\.now\s*\(/],
  ['argument-less new Date()', /new Date\s*\(\s*\)/],
  ['Math.random', /Math\.random/],
  ['timers', /\b(setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/],
  ['promises', /\basync\b|\bawait\b|\bPromise\b/],
  ['Mesos task state, reason or source names', /['"`](TASK|REASON|SOURCE)_[A-Z_]+['"`]/],
];

describe('src/scheduler is pure', () => {
  const files = readdirSync(SOURCE_DIR).filter((f) => f.endsWith('.ts'));
  test('there are source files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });
  test.each(files)('%s', (file) => {
    const source = readFileSync(join(SOURCE_DIR, file), 'utf8');
    const found = FORBIDDEN.filter(([, pattern]) => pattern.test(source)).map(([what]) => what);
    expect(found).toEqual([]);
  });
});
