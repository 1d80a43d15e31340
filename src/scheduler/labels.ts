// Spark's `k1:v1,k2:v2` label syntax (with `\,` and `\:` escapes), used by
// `spark.mesos.driver.labels` and `spark.mesos.network.labels`. Pure; errors are returned.

export const DRIVER_LABELS_KEY = 'spark.mesos.driver.labels';

/** Labels we put on every driver task so a restarted operator can adopt it. */
export const DRIVER_LABEL_KEYS = {
  submissionId: 'spark-mesos-dispatcher/submission-id',
  namespace: 'spark-mesos-dispatcher/namespace',
  name: 'spark-mesos-dispatcher/name',
  uid: 'spark-mesos-dispatcher/uid',
} as const;

/** A key and its value, as task and network labels carry them. */
export interface Label {
  readonly key: string;
  readonly value: string;
}

export type ParsedLabels = { ok: true; labels: Label[] } | { ok: false; error: string };

/** Java's `String.split`: trailing empty strings are dropped. */
function javaSplit(text: string, separator: RegExp): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const unescape = (part: string): string => part.replaceAll('\\,', ',').replaceAll('\\:', ':');

/**
 * Parses `text` read from property `key`. Each comma-separated piece must split into exactly a
 * key and a value on an unescaped `:`; otherwise the result names the piece (Spark's
 * "Malformed label: <piece>", prefixed with the property).
 */
export function parseLabels(key: string, text: string): ParsedLabels {
  if (text === '') return { ok: true, labels: [] };
  const labels: Label[] = [];
  for (const piece of javaSplit(text, /(?<!\\),/)) {
    const parts = javaSplit(piece, /(?<!\\):/);
    if (parts.length !== 2) return { ok: false, error: `${key}: Malformed label: ${piece}` };
    labels.push({ key: unescape(parts[0] ?? ''), value: unescape(parts[1] ?? '') });
  }
  return { ok: true, labels };
}
