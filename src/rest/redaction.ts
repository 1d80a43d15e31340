// Masks secrets in what the REST server logs about a submission: the values of properties and
// environment variables whose names look secret (Spark's own `spark.redaction.regex` default),
// and credentials embedded in URLs. Pure.

/** Spark's default `spark.redaction.regex`: `(?i)secret|password|token|access[.]key`. */
export const SECRET_KEY_PATTERN = /secret|password|token|access[.]key/i;

export const REDACTED = '[redacted]';

/** `scheme://user:pass@host` → `scheme://[redacted]@host`, anywhere in the text. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/(\/\/)[^/@\s]+@/g, `$1${REDACTED}@`);
}

/** A copy of `values` fit for a log line: secret-looking keys masked, URL credentials removed. */
export function maskSecrets(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) =>
    [key, SECRET_KEY_PATTERN.test(key) ? REDACTED : maskUrlCredentials(value)]));
}
