// Quoting of user-supplied words for the driver's `sh -c` command line. Output matches Spark's
// `shellEscape` wherever Spark was safe, and closes the holes it left (see the notes below), so
// that no input can end the word, start a new command or expand anything.

// Spark's trigger set, plus what it missed: `~` (tilde expansion), `[` `]` (globs), `{` `}`
// (brace expansion), `^`, and every control character (a newline would end the command).
// A lookup table by char code: this runs for every word of every launched driver.
const NEEDS_QUOTING = new Uint8Array(128);
for (const ch of ` '<>&|?*;!#\\()"$\`~[]{}^\u007f`) NEEDS_QUOTING[ch.charCodeAt(0)] = 1;
for (let code = 0; code < 0x20; code++) NEEDS_QUOTING[code] = 1;

function needsQuoting(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 128 && NEEDS_QUOTING[code] === 1) return true;
  }
  return false;
}

// Line terminators, which Java's `.` (in Spark's `^(".+"|'.+')$`) does not match.
const LINE_TERMINATOR = /[\n\r\u0085\u2028\u2029]/;

/**
 * Quotes `value` as one shell word.
 * - An already single-quoted word (`'…'`, no `'` or line break inside) is kept: nothing inside
 *   single quotes is special.
 * - An already double-quoted word is kept only if nothing inside can expand or end it (no `"`,
 *   `$`, backtick or `\`). Spark kept any `"…"`, so `"$(reboot)"` or `"a" ; reboot ; "b"` ran.
 * - The empty word becomes `""`. Spark dropped it, so an empty app argument vanished.
 * - Anything with a special character is wrapped in double quotes with `"`, `$`, backtick and
 *   `\` backslash-escaped; other words are returned as they are.
 */
export function shellEscape(value: string): string {
  if (value === '') return '""';
  if (!needsQuoting(value)) return value;
  if (isSafelyQuoted(value)) return value;
  return `"${value.replace(/["`$\\]/g, '\\$&')}"`;
}

function isSafelyQuoted(value: string): boolean {
  if (value.length < 3 || LINE_TERMINATOR.test(value)) return false;
  const quote = value[0];
  if (quote !== value[value.length - 1]) return false;
  const inner = value.slice(1, -1);
  if (quote === "'") return !inner.includes("'");
  if (quote === '"') return !/["`$\\]/.test(inner);
  return false;
}

/** Escapes `text` for use inside a double-quoted string that we open and close ourselves. */
export function escapeInsideDoubleQuotes(text: string): string {
  return text.replace(/["`$\\]/g, '\\$&');
}
