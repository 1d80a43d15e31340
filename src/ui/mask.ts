// Secret masking for what the UI shows: Spark properties and environment variables whose name
// or value matches the redaction pattern (Spark's `spark.redaction.regex`, by default
// `(?i)secret|password|token|access[.]key`), credentials embedded in URLs, and the same
// properties where they reappear as `--conf k=v` on the driver's command line. Pure.

/** Spark's default `spark.redaction.regex`. */
export const DEFAULT_REDACTION_PATTERN = /secret|password|token|access[.]key/i;

export const MASK = '*********(redacted)';

/** A copy of a pattern without global/sticky state, so `test` is repeatable. */
function stateless(pattern: RegExp): RegExp {
  return pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
}

/** `scheme://user:pass@host` → `scheme://*********(redacted)@host`, anywhere in the text. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/(\/\/)[^/@\s"']+@/g, `$1${MASK}@`);
}

/** Spark's rule: the value is hidden when the key or the value matches; URL credentials always go. */
export function maskValue(key: string, value: string, pattern: RegExp = DEFAULT_REDACTION_PATTERN): string {
  const p = stateless(pattern);
  return p.test(key) || p.test(value) ? MASK : maskUrlCredentials(value);
}

/** Every entry of a map through `maskValue`, sorted by key. */
export function maskEntries(
  values: Readonly<Record<string, string>>, pattern: RegExp = DEFAULT_REDACTION_PATTERN,
): [string, string][] {
  return Object.keys(values).sort().map((key) => [key, maskValue(key, values[key] ?? '', pattern)]);
}

// A `--conf` token as shellEscape writes it: bare, or double-quoted with backslash escapes.
const CONF_TOKEN = /(--conf )("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+)/g;

function unquote(token: string): { text: string; quote: string } {
  if (token.startsWith('"')) return { text: token.slice(1, -1).replace(/\\(.)/g, '$1'), quote: '"' };
  if (token.startsWith("'")) return { text: token.slice(1, -1), quote: "'" };
  return { text: token, quote: '' };
}

/**
 * The command line with every `--conf k=v` whose key or value looks secret shown as
 * `--conf k=*********(redacted)`, and URL credentials masked everywhere.
 */
export function maskCommandLine(command: string, pattern: RegExp = DEFAULT_REDACTION_PATTERN): string {
  const p = stateless(pattern);
  const masked = command.replace(CONF_TOKEN, (whole, prefix: string, token: string) => {
    const { text, quote } = unquote(token);
    const eq = text.indexOf('=');
    if (eq < 0) return whole;
    const key = text.slice(0, eq);
    const value = text.slice(eq + 1);
    if (!p.test(key) && !p.test(value)) return whole;
    const shown = quote === '"' ? key.replace(/["`$\\]/g, '\\$&') : key;
    return `${prefix}${quote}${shown}=${MASK}${quote}`;
  });
  return maskUrlCredentials(masked);
}
