// The two ways the UI serves an attempt's log, both read through the agent's files API by the
// dispatcher (so a browser or the kubectl plugin needs no route to the agents):
//   GET /logs?id=<driver>&attempt=<n>&file=stdout|stderr[&end=<byte>][&follow=<n>]  the HTML page
//   GET /logs/read?id=<driver>&attempt=<n>&file=...&offset=<o>[&length=<l>]       JSON, the agent's
//       `/files/read` answer (offset -1: the size) plus the attempt it read
// `attempt` defaults to the current one; `id` is a submission ID or the resource's name.

import { attemptsOf, findAttempt, isLogFile, type AttemptLocation, type DriverLogs, type LogFile } from '../logs/driver-logs.ts';
import { idOf, phaseOf } from './driver-facts.ts';
import { LOG_WINDOW_BYTES, renderLogPage, renderNoAttemptPage, type LogContent } from './log-page.ts';
import { errorPage, lookupDriver, lookupFailurePage, type RenderedPage } from './render.ts';
import type { UiDriver, UiSnapshot } from './snapshot.ts';

export const LOGS_PATH = '/logs';
export const LOG_READ_PATH = '/logs/read';

interface Target { readonly kind: 'target'; readonly driver: UiDriver; readonly attempt: AttemptLocation; readonly file: LogFile }
type NoTarget =
  | { readonly kind: 'failed'; readonly status: 300 | 400 | 404; readonly message: string; readonly page: () => RenderedPage }
  | { readonly kind: 'no-attempt'; readonly driver: UiDriver; readonly message: string };

/** The driver, attempt and file a query names, or why it names none. */
function target(snapshot: UiSnapshot, query: URLSearchParams, nowMs: number): Target | NoTarget {
  const found = lookupDriver(snapshot, query.get('id'));
  if (!found.ok) return { kind: 'failed', status: found.status, message: found.message, page: () => lookupFailurePage(found, nowMs) };
  const badRequest = (message: string): NoTarget => ({ kind: 'failed', status: 400, message, page: () => errorPage(400, 'Bad request', message, nowMs) });
  const file = query.get('file') ?? 'stdout';
  if (!isLogFile(file)) return badRequest('file must be stdout or stderr');
  const rawAttempt = query.get('attempt');
  const number = rawAttempt === null || rawAttempt === '' ? undefined : Number(rawAttempt);
  if (number !== undefined && !(Number.isSafeInteger(number) && number > 0)) return badRequest('attempt must be a positive whole number');
  const attempt = findAttempt(found.driver.resource, number);
  if ('problem' in attempt) return { kind: 'no-attempt', driver: found.driver, message: attempt.problem };
  return { kind: 'target', driver: found.driver, attempt, file };
}

const NO_LOGS = 'This dispatcher cannot read logs: it was started without a Mesos master to find the agents through.';

/** The log page: the window ending at `end` (default: the end of the file), or the reason there is none. */
export async function logPage(snapshot: UiSnapshot, query: URLSearchParams, nowMs: number, logs: DriverLogs | undefined): Promise<RenderedPage> {
  const found = target(snapshot, query, nowMs);
  if (found.kind === 'failed') return found.page();
  if (found.kind === 'no-attempt') return { status: 404, html: renderNoAttemptPage(found.driver, found.message, nowMs) };
  const follow = integer(query.get('follow')) ?? 0;
  const content = logs === undefined ? { kind: 'problem' as const, message: NO_LOGS }
    : await readWindow(logs, found, follow > 0 ? undefined : integer(query.get('end')));
  const input = { ...found, attempts: attemptsOf(found.driver.resource), follow, content };
  return { status: content.kind === 'window' ? 200 : 404, html: renderLogPage(input, nowMs) };
}

/** The 64 KiB window ending at `end` (clamped to the file), read in two agent calls: the size, then the bytes. */
async function readWindow(logs: DriverLogs, { attempt, file }: Target, end: number | undefined): Promise<LogContent> {
  const size = await logs.read(attempt, file, -1);
  if (!size.ok) return { kind: 'problem', message: size.message };
  const last = end !== undefined && end >= 0 ? Math.min(end, size.offset) : size.offset;
  const start = Math.max(0, last - LOG_WINDOW_BYTES);
  if (last === start) return { kind: 'window', start, end: last, size: size.offset, data: '' };
  const read = await logs.read(attempt, file, start, last - start);
  if (!read.ok) return { kind: 'problem', message: read.message };
  return { kind: 'window', start, end: start + Buffer.byteLength(read.data), size: size.offset, data: read.data };
}

export interface JsonReply { readonly status: number; readonly body: Readonly<Record<string, unknown>> }

/** The JSON read: the agent's `{data, offset}` for this attempt's file, plus the attempt and the driver. */
export async function logRead(snapshot: UiSnapshot, query: URLSearchParams, nowMs: number, logs: DriverLogs | undefined): Promise<JsonReply> {
  const found = target(snapshot, query, nowMs);
  if (found.kind === 'failed') return { status: found.status === 300 ? 409 : found.status, body: { message: found.message } };
  // A driver not launched yet will be, unless it finished without ever launching (rejected, killed in the queue).
  if (found.kind === 'no-attempt') return { status: 404, body: { message: found.message, pending: phaseOf(found.driver) !== 'Finished' } };
  if (logs === undefined) return { status: 503, body: { message: NO_LOGS } };
  const offset = integer(query.get('offset')) ?? -1;
  const length = integer(query.get('length'));
  if (offset < -1 || (length !== undefined && length < 0)) return { status: 400, body: { message: 'offset must be -1 or more, length 0 or more' } };
  const read = await logs.read(found.attempt, found.file, offset, length);
  if (!read.ok) return { status: read.status, body: { message: read.message, pending: read.pending } };
  const { driver, attempt } = found;
  return {
    status: 200,
    body: {
      data: read.data, offset: read.offset,
      attempt: { number: attempt.number, taskId: attempt.taskId, agentId: attempt.agentId, finished: attempt.finished },
      driver: { namespace: driver.resource.metadata.namespace, name: driver.resource.metadata.name, submissionId: idOf(driver), phase: phaseOf(driver) },
    },
  };
}

function integer(value: string | null): number | undefined {
  return value !== null && /^-?\d{1,15}$/.test(value) ? Number(value) : undefined;
}
