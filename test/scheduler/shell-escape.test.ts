import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { shellEscape } from '../../src/scheduler/shell-escape.ts';

/** Runs each word through `sh` as one printf argument and returns what sh passed on. */
function throughShell(words: readonly string[]): string[] {
  const script = words.map((w) => `printf '%s\\0' ${w}`).join('\n');
  const output = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  return output.split('\0').slice(0, -1);
}

describe('shellEscape: Spark\'s table (MesosClusterSchedulerSuite)', () => {
  test.each([
    ["'should be left untouched'", "'should be left untouched'"],
    ['"should be left untouched"', '"should be left untouched"'],
    ['harmless', 'harmless'],
    ['har-m.l3ss', 'har-m.l3ss'],
    ['should escape this " quote', '"should escape this \\" quote"'],
    ['shouldescape"quote', '"shouldescape\\"quote"'],
    ['should escape this $ dollar', '"should escape this \\$ dollar"'],
    ['should escape this ` backtick', '"should escape this \\` backtick"'],
    ['should escape this \\ backslash', '"should escape this \\\\ backslash"'],
    ['\\"?', '"\\\\\\"?"'],
    ...[' ', "'", '<', '>', '&', '|', '?', '*', ';', '!', '#', '(', ')'].map((c) => [`onlywrap${c}this`, `"onlywrap${c}this"`]),
  ])('%s -> %s', (input, expected) => {
    expect(shellEscape(input)).toBe(expected);
  });
});

describe('shellEscape: intentional divergences from the original', () => {
  test.each([
    ['empty word is kept as an empty argument (Spark dropped it)', '', '""'],
    ['pre-quoted text with command substitution is not trusted', '"$(reboot)"', '"\\"\\$(reboot)\\""'],
    ['pre-quoted text that closes its quote is not trusted', '"a" ; reboot ; "b"', '"\\"a\\" ; reboot ; \\"b\\""'],
    ['newline is quoted (it would end the command)', 'a\nreboot', '"a\nreboot"'],
    ['tab is quoted', 'a\tb', '"a\tb"'],
    ['tilde is quoted', '~root', '"~root"'],
    ['glob brackets are quoted', 'file[12]', '"file[12]"'],
    ['braces are quoted', 'a{b,c}', '"a{b,c}"'],
    ['single quote inside single quotes is not trusted', "'it's'", '"\'it\'s\'"'],
  ])('%s', (_name, input, expected) => {
    expect(shellEscape(input)).toBe(expected);
  });
});

describe('shellEscape through a real /bin/sh', () => {
  test('the table inputs reach the program as written (pre-quoted ones lose their quotes)', () => {
    const inputs = ['harmless', 'x y z', '--a=$2', 'a\nb', '$(touch /tmp/pwned)', '`id`', "it's", '"ok"', "'ok'", '', '~', '*'];
    const expected = inputs.map((s) => (s === '"ok"' || s === "'ok'" ? 'ok' : s));
    expect(throughShell(inputs.map(shellEscape))).toEqual(expected);
  });

  test('property: any text (no NUL) reaches the program as exactly one, unchanged argument', () => {
    const preQuoted = (s: string): boolean => s.length >= 3 && !/[\n\r\u0085\u2028\u2029]/.test(s)
      && ((s[0] === "'" && s.endsWith("'") && !s.slice(1, -1).includes("'"))
        || (s[0] === '"' && s.endsWith('"') && !/["`$\\]/.test(s.slice(1, -1))));
    const word = fc.string({ unit: fc.oneof(fc.constantFrom(...' \'"$`\\;|&<>()!#*?~[]{}^\n\t\r\u0001\u007f\u2028=:,-.'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 24 })
      .filter((s) => !s.includes('\0'));
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 20 }), (words) => {
      const expected = words.map((w) => (preQuoted(w) ? w.slice(1, -1) : w));
      expect(throughShell(words.map(shellEscape))).toEqual(expected);
    }), { numRuns: 40 });
  });
});
