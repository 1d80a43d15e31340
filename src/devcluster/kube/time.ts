// Kubernetes time formats: metav1.Time (RFC 3339, whole seconds), metav1.MicroTime (exactly six
// fractional digits, as the real server's parse layout demands) and apimachinery's HumanDuration
// used for "AGE" cells.

/** metav1.Time as serialized: `2026-01-01T00:00:00Z`. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** metav1.MicroTime as serialized: `2026-01-01T00:00:00.123000Z`. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const MICRO_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';
const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(.*)$/;

/**
 * Checks a MicroTime string the way Go's time.Parse with the MicroTime layout does; returns the
 * Go error text (`parsing time "…" as "…": cannot parse "…" as "…"`) or undefined when valid.
 */
export function microTimeError(value: string): string | undefined {
  const prefix = `parsing time ${JSON.stringify(value)} as ${JSON.stringify(MICRO_LAYOUT)}`;
  const m = STAMP.exec(value);
  if (!m) return `${prefix}: cannot parse ${JSON.stringify(value)} as "2006"`;
  const rest = m[2] ?? '';
  const frac = /^\.(\d{6})(.*)$/.exec(rest);
  if (!frac) return `${prefix}: cannot parse ${JSON.stringify(rest)} as ".000000"`;
  const zone = frac[2] ?? '';
  if (!/^(Z|[+-]\d{2}:\d{2})$/.test(zone)) return `${prefix}: cannot parse ${JSON.stringify(zone)} as "Z07:00"`;
  if (Number.isNaN(Date.parse(value))) return `${prefix}: day out of range`;
  return undefined;
}

/** Parses a metav1.Time given by a client (fractions allowed) into ms, or undefined. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !STAMP.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** apimachinery duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** The "AGE" cell for a timestamp string, as the server's table convertor renders it. */
export function ageCell(timestamp: unknown, now: number): string {
  if (timestamp === undefined || timestamp === null || timestamp === '') return '<unknown>';
  const t = parseTime(timestamp);
  return t === undefined ? '<invalid>' : humanDuration(now - t);
}
