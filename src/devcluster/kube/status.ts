// Kubernetes `Status` objects and the ApiError that carries one to the HTTP layer. Messages,
// reasons and `details` follow apimachinery's errors package, since kubectl formats its output
// from them and controllers branch on `reason`/`code`.

import type { Obj } from './json.ts';
import { aggregate, errorBody, errorString } from './field-errors.ts';
import type { FieldError } from './field-errors.ts';

export interface GroupResource { group: string; resource: string }
export interface GroupKind { group: string; kind: string }

export class ApiError extends Error {
  readonly code: number;
  readonly status: Obj;
  readonly headers: Record<string, string>;

  constructor(status: Obj, headers: Record<string, string> = {}) {
    super(typeof status.message === 'string' ? status.message : 'error');
    this.name = 'ApiError';
    this.code = typeof status.code === 'number' ? status.code : 500;
    this.status = status;
    this.headers = headers;
  }
}

const REASONS: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Expired', 413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError',
  503: 'ServiceUnavailable', 504: 'Timeout',
};

export function reasonForCode(code: number): string {
  return REASONS[code] ?? 'Unknown';
}

export function failure(code: number, reason: string, message: string, details?: Obj): Obj {
  const status: Obj = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason };
  if (details && Object.keys(details).length > 0) status.details = details;
  status.code = code;
  return status;
}

/** "widgets.example.com" or "namespaces" for the core group. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function details(gr: GroupResource, name: string): Obj {
  const d: Obj = { name };
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(failure(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, details(gr, name)));
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(failure(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, details(gr, name)));
}

export const MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(gr: GroupResource, name: string, why: string = MODIFIED): ApiError {
  return new ApiError(failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, details(gr, name)));
}

export function forbidden(gr: GroupResource, name: string, why: string): ApiError {
  const prefix = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
  return new ApiError(failure(403, 'Forbidden', `${prefix} is forbidden: ${why}`, details(gr, name)));
}

/** 422 Invalid: `<Kind>.<group> "<name>" is invalid: <errors>` with one cause per field error. */
export function invalid(gk: GroupKind, name: string, errs: readonly FieldError[]): ApiError {
  const qualifiedKind = gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
  const causes = errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field }));
  const d: Obj = {};
  if (name) d.name = name;
  if (gk.group) d.group = gk.group;
  if (gk.kind) d.kind = gk.kind;
  d.causes = causes;
  const message = `${qualifiedKind} "${name}" is invalid: ${aggregate(errs.map(errorString))}`;
  return new ApiError(failure(422, 'Invalid', message, d));
}

export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, 'BadRequest', message));
}

export function expired(message: string): ApiError {
  return new ApiError(failure(410, 'Expired', message));
}

export function methodNotSupported(gr: GroupResource, action: string): ApiError {
  return new ApiError(failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`, details(gr, '')));
}

export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(failure(415, 'UnsupportedMediaType', message));
}

export function notAcceptable(message: string): ApiError {
  return new ApiError(failure(406, 'NotAcceptable', message));
}

export function internalError(message: string): ApiError {
  return new ApiError(failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }));
}

/** The 404 for a path the server does not serve at all. */
export function pathNotFound(): ApiError {
  return new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', {}));
}

/** A Status for an arbitrary code, used by fault injection. */
export function generic(code: number, message?: string, reason?: string): ApiError {
  const r = reason ?? reasonForCode(code);
  const headers: Record<string, string> = code === 429 || code === 503 ? { 'Retry-After': '1' } : {};
  const d: Obj = headers['Retry-After'] ? { retryAfterSeconds: 1 } : {};
  return new ApiError(failure(code, r, message ?? `injected fault (${r})`, d), headers);
}

export function success(gr: GroupResource, name: string, uid: string): Obj {
  const d: Obj = { name };
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  if (uid) d.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: d };
}
