// What a Kubernetes API answer means to the operator: every failed request, watch ERROR event or
// network failure becomes one KubeApiError carrying the HTTP status, the Status reason and any
// Retry-After hint, and `isRetryable` is the single place that decides whether to try again.

/** The metav1.Status body the API server sends with every failure. */
export interface KubeStatus {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; retryAfterSeconds?: number; causes?: { reason?: string; message?: string; field?: string }[] };
}

/** `reason` values for failures that never reached the server (code 0). */
export type TransportReason = 'NetworkError' | 'Timeout';

export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  /** The HTTP status; 0 when no answer arrived (network error or client-side timeout). */
  readonly code: number;
  /** The Status reason (`Conflict`, `NotFound`, `Expired`, …), a TransportReason, or ''. */
  readonly reason: string;
  /** The server's hint (Retry-After header or details.retryAfterSeconds), in ms. */
  readonly retryAfterMs: number | undefined;
  readonly status: KubeStatus | undefined;

  constructor(code: number, reason: string, message: string, options: { status?: KubeStatus; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = reason;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }

  /** 409 from a stale resourceVersion (not AlreadyExists): re-read and try again. */
  get isConflict(): boolean {
    return this.code === 409 && this.reason !== 'AlreadyExists';
  }

  get isAlreadyExists(): boolean {
    return this.code === 409 && this.reason === 'AlreadyExists';
  }

  /** 410 Gone / Expired: the resourceVersion is too old; relist. */
  get isGone(): boolean {
    return this.code === 410;
  }

  get isNotFound(): boolean {
    return this.code === 404;
  }

  /** A Status (an HTTP answer's body or a watch ERROR event's object) as an error. */
  static fromStatus(status: KubeStatus, httpCode?: number, retryAfterHeader?: string | null): KubeApiError {
    const code = httpCode ?? status.code ?? 500;
    const reason = status.reason ?? '';
    const retryAfterMs = parseRetryAfter(retryAfterHeader) ?? secondsToMs(status.details?.retryAfterSeconds);
    const message = status.message ?? `the server answered ${code}${reason ? ` (${reason})` : ''}`;
    return new KubeApiError(code, reason, message, retryAfterMs === undefined ? { status } : { status, retryAfterMs });
  }

  /** A non-2xx HTTP answer whose body may or may not be a Status. */
  static fromResponse(code: number, bodyText: string, retryAfterHeader: string | null, what: string): KubeApiError {
    const parsed = parseStatus(bodyText);
    if (parsed) return KubeApiError.fromStatus(parsed, code, retryAfterHeader);
    const retryAfterMs = parseRetryAfter(retryAfterHeader);
    const message = `${what}: the server answered ${code}${bodyText.trim() ? `: ${bodyText.trim().slice(0, 200)}` : ''}`;
    return new KubeApiError(code, '', message, retryAfterMs === undefined ? {} : { retryAfterMs });
  }

  static transport(reason: TransportReason, what: string, cause: unknown): KubeApiError {
    const detail = cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message) : String(cause);
    return new KubeApiError(0, reason, `${what}: ${reason === 'Timeout' ? 'timed out' : detail}`, { cause });
  }
}

function parseStatus(text: string): KubeStatus | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && (v as KubeStatus).kind === 'Status') return v;
  } catch {
    // Not JSON: a proxy's HTML page or plain text; the caller falls back to the raw text.
  }
  return undefined;
}

const secondsToMs = (s: number | undefined): number | undefined => (typeof s === 'number' && s >= 0 ? s * 1000 : undefined);

/** Retry-After as delta-seconds (what the API server sends); HTTP dates are ignored. */
function parseRetryAfter(header: string | null | undefined): number | undefined {
  if (!header || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

export const isConflict = (err: unknown): boolean => err instanceof KubeApiError && err.isConflict;
export const isAlreadyExists = (err: unknown): boolean => err instanceof KubeApiError && err.isAlreadyExists;
export const isNotFound = (err: unknown): boolean => err instanceof KubeApiError && err.isNotFound;
export const isGone = (err: unknown): boolean => err instanceof KubeApiError && err.isGone;

/**
 * Whether trying the same thing again later can succeed: no answer at all, a stale-write conflict
 * (after re-reading), throttling (429) and server-side trouble (500/502/503/504, 408). Validation,
 * permission, not-found and AlreadyExists answers are final; anything that is not a KubeApiError
 * is a bug and is not retried either.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof KubeApiError)) return false;
  if (err.code === 0 || err.isConflict) return true;
  return [408, 429, 500, 502, 503, 504].includes(err.code);
}
