// zod schemas for the values command-line flags take: ports, durations, Kubernetes names, the
// Mesos master URL. Each turns the raw string into its typed value or one message saying what
// was wrong; the caller prefixes the flag's name.
import { isIP } from 'node:net';
import { z } from 'zod';
import { MasterUrlError, parseMasterLocation } from '../mesos/master-url.ts';
import type { MasterLocation } from '../mesos/master-url.ts';

export type Check<T> = { ok: true; value: T } | { ok: false; error: string };

/** A zod string schema that runs `check` and reports its message as the issue. */
export function checked<T>(check: (raw: string) => Check<T>) {
  return z.string().transform((raw, ctx): T => {
    const result = check(raw);
    if (result.ok) return result.value;
    ctx.addIssue(result.error);
    return z.NEVER;
  });
}

export const portValue = checked((raw) => {
  const text = raw.trim();
  return /^\d{1,5}$/.test(text) && Number(text) <= 65535
    ? { ok: true, value: Number(text) }
    : { ok: false, error: `'${raw}' is not a port number (0-65535)` };
});

const DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)/gy;
const MS_PER: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go-style duration (`15s`, `500ms`, `1m30s`, `1.5h`) in whole milliseconds, or undefined. */
export function parseDuration(raw: string): number | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  let total = 0;
  let position = 0;
  while (position < text.length) {
    DURATION_PART.lastIndex = position;
    const match = DURATION_PART.exec(text);
    const factor = MS_PER[match?.[2] ?? ''];
    if (!match || factor === undefined) return undefined;
    total += Number(match[1]) * factor;
    position = DURATION_PART.lastIndex;
  }
  return Math.round(total);
}

export const durationValue = checked((raw) => {
  const ms = parseDuration(raw);
  if (ms === undefined) return { ok: false, error: `'${raw}' is not a duration (use units ms, s, m or h, e.g. 15s, 500ms, 1m30s)` };
  if (ms <= 0) return { ok: false, error: `'${raw}' must be longer than 0` };
  return { ok: true, value: ms };
});

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function namespaceProblem(name: string): string | undefined {
  return DNS_LABEL.test(name) && name.length <= 63
    ? undefined
    : `'${name}' is not a valid namespace name (lower-case letters, digits and '-', at most 63 characters)`;
}

export const namespaceValue = checked((raw) => {
  const problem = namespaceProblem(raw);
  return problem === undefined ? { ok: true, value: raw } : { ok: false, error: problem };
});

/** Comma-separated namespaces; empty means all, represented as `'all'`. */
export const namespaceListValue = checked((raw): Check<readonly string[] | 'all'> => {
  const names = [...new Set(raw.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  if (names.length === 0) return { ok: true, value: 'all' };
  const problems = names.map(namespaceProblem).filter((p) => p !== undefined);
  return problems.length > 0 ? { ok: false, error: problems.join('; ') } : { ok: true, value: names };
});

/** A name for a Lease or ConfigMap (DNS-1123 subdomain). */
export const objectNameValue = checked((raw) =>
  DNS_SUBDOMAIN.test(raw) && raw.length <= 253
    ? { ok: true, value: raw }
    : { ok: false, error: `'${raw}' is not a valid object name (lower-case letters, digits, '-' and '.', at most 253 characters)` });

export const bindAddressValue = checked((raw) =>
  isIP(raw) !== 0 || raw === 'localhost'
    ? { ok: true, value: raw }
    : { ok: false, error: `'${raw}' is not an IP address (e.g. 0.0.0.0, 127.0.0.1 or ::)` });

/** Spark's `Utils.checkHost`: a host name without a port. */
export const hostValue = checked((raw) => {
  if (raw.trim() === '') return { ok: false, error: 'is empty' };
  return raw.includes(':')
    ? { ok: false, error: `'${raw}' is not a host name (no ':' allowed; please use hostname ${raw})` }
    : { ok: true, value: raw };
});

export const pathValue = checked((raw) => (raw === '' ? { ok: false, error: 'is empty' } : { ok: true, value: raw }));

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

function oneOf<const T extends readonly string[]>(choices: T) {
  return checked((raw): Check<T[number]> => {
    const value = raw.trim().toLowerCase();
    return choices.includes(value)
      ? { ok: true, value }
      : { ok: false, error: `'${raw}' is not one of ${choices.join(', ')}` };
  });
}

export const logLevelValue = oneOf(LOG_LEVELS);
export const logFormatValue = oneOf(LOG_FORMATS);

/** The Mesos master URL as Spark takes it: `mesos://` is required, then stripped. */
export interface MasterValue {
  /** Without `mesos://`: what becomes the dispatcher's `spark.master`. */
  readonly master: string;
  /** The masters to try, or the ZooKeeper URL that names the leader. */
  readonly location: MasterLocation;
}

export const masterValue = checked((raw): Check<MasterValue> => {
  if (!raw.startsWith('mesos://')) {
    return { ok: false, error: 'Cluster dispatcher only supports mesos (uri begins with mesos://)' };
  }
  try {
    return { ok: true, value: { master: raw.slice('mesos://'.length), location: parseMasterLocation(raw) } };
  } catch (error) {
    if (error instanceof MasterUrlError) return { ok: false, error: error.message };
    throw error;
  }
});
