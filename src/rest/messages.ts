// The response messages of Spark's REST submission protocol v1: their fields, the exact texts
// the original answers with for each create, kill and status outcome, and the JSON rendering
// (keys in alphabetical order, absent fields left out, Jackson's layout). Pure.

import { jacksonJson, type JacksonObject } from './jackson-json.ts';
import type { CreateOutcome, DriverState, KillOutcome, SubmissionStatusView } from './store.ts';

export const PROTOCOL_VERSION = 'v1';
/** Spark's own status code for "unknown protocol version". */
export const SC_UNKNOWN_PROTOCOL_VERSION = 468;
/** The Spark version we answer as: the last line that shipped the Mesos dispatcher. */
export const DEFAULT_SERVER_SPARK_VERSION = '3.5.1';

export type ResponseMessage =
  | {
    readonly action: 'CreateSubmissionResponse';
    readonly success: boolean;
    readonly submissionId?: string;
    readonly message?: string;
    readonly unknownFields?: readonly string[];
  }
  | {
    readonly action: 'KillSubmissionResponse';
    readonly success: boolean;
    readonly submissionId: string;
    readonly message: string;
  }
  | {
    readonly action: 'SubmissionStatusResponse';
    readonly success: boolean;
    readonly submissionId: string;
    readonly driverState: DriverState | 'NOT_FOUND';
    readonly message?: string;
    readonly workerId?: string;
    readonly workerHostPort?: string;
  }
  | {
    readonly action: 'ErrorResponse';
    readonly message: string;
    /** Set only with HTTP 468, so a client could retry with a version we speak. */
    readonly highestProtocolVersion?: string;
  };

/** A response message with the HTTP status and any extra headers it goes out with. */
export interface Reply {
  readonly status: number;
  readonly message: ResponseMessage;
  /** E.g. `Allow` on 405 or `WWW-Authenticate` on 401. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The JSON text of a response, byte for byte as Spark's Jackson mapper writes it: the message's
 * fields plus `serverSparkVersion`, sorted by name, `unknownFields` only when non-empty.
 */
export function renderResponse(message: ResponseMessage, serverSparkVersion: string): string {
  const fields: JacksonObject = { ...message, serverSparkVersion };
  const sorted = Object.fromEntries(
    Object.entries(fields)
      .filter(([key, value]) => value !== undefined && !(key === 'unknownFields' && Array.isArray(value) && value.length === 0))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return jacksonJson(sorted);
}

export function errorReply(status: number, message: string, headers?: Readonly<Record<string, string>>): Reply {
  return { status, message: { action: 'ErrorResponse', message }, ...(headers !== undefined && { headers }) };
}

/** The create response; `unknownFields` are the request's top-level fields we do not know. */
export function createResponse(outcome: CreateOutcome, unknownFields: readonly string[]): ResponseMessage {
  const unknown = unknownFields.length > 0 ? { unknownFields } : {};
  switch (outcome.kind) {
    case 'created':
      return { action: 'CreateSubmissionResponse', success: true, submissionId: outcome.submissionId, ...unknown };
    case 'rejected':
      return { action: 'CreateSubmissionResponse', success: false, message: outcome.message, ...unknown };
  }
}

/** The original's kill answers (MesosClusterScheduler.killDriver), one per outcome. */
export const KILL_ANSWERS: Readonly<Record<KillOutcome, { readonly success: boolean; readonly message: string }>> = {
  'killing-running': { success: true, message: 'Killing running driver' },
  'removed-queued': { success: true, message: "Removed driver while it's still pending" },
  'removed-retrying': { success: true, message: "Removed driver while it's being retried" },
  'already-finished': { success: false, message: 'Driver already terminated' },
  'not-found': { success: false, message: 'Cannot find driver' },
};

export function killResponse(submissionId: string, outcome: KillOutcome): ResponseMessage {
  return { action: 'KillSubmissionResponse', submissionId, ...KILL_ANSWERS[outcome] };
}

/** The status response: the driver's state and message, or NOT_FOUND with `success: false`. */
export function statusResponse(submissionId: string, view: SubmissionStatusView | undefined): ResponseMessage {
  if (view === undefined) {
    return { action: 'SubmissionStatusResponse', success: false, submissionId, driverState: 'NOT_FOUND' };
  }
  return {
    action: 'SubmissionStatusResponse',
    success: true,
    submissionId,
    driverState: view.driverState,
    ...(view.message !== undefined && { message: view.message }),
    ...(view.workerId !== undefined && { workerId: view.workerId }),
    ...(view.workerHostPort !== undefined && { workerHostPort: view.workerHostPort }),
  };
}
