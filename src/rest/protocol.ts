// The request side of Spark's REST submission protocol v1: which handler a method and path
// reach (with the original's path errors), and a CreateSubmissionRequest body turned into a
// ValidatedSubmission or the original's 400 answer. Pure: no I/O, no store, no time.

import { bindCreateRequest, isObject, own, REST_PACKAGE } from './jackson-binding.ts';
import { isJavaBoolean, isJavaDouble, isSparkMemoryString } from './java-values.ts';
import { errorReply, PROTOCOL_VERSION, SC_UNKNOWN_PROTOCOL_VERSION, type Reply } from './messages.ts';
import type { ValidatedSubmission } from './store.ts';

export type Route =
  | { readonly type: 'create' }
  | { readonly type: 'status'; readonly submissionId: string }
  | { readonly type: 'kill'; readonly submissionId: string }
  /** Answered without the store: path errors, a missing ID, a wrong method. */
  | { readonly type: 'reply'; readonly reply: Reply };

// HEAD rides along with GET, as a servlet's doHead does.
const METHODS = { create: ['POST'], kill: ['POST'], status: ['GET', 'HEAD'] } as const;

const PLEASE = ` Please submit requests through http://[host]:[port]/${PROTOCOL_VERSION}/submissions/...`;

/**
 * Routes a request as Spark's servlets did: `/v1/submissions/{create,kill,status}[/<id>/…]` go to
 * their handler (the ID is the first segment after the action, extra segments are ignored); any
 * other path gets the ErrorServlet's 400 or 468. Unlike the original, a wrong method gets a JSON
 * 405 (not Jetty's HTML page) and `/v1/<other>` says the /submissions prefix is missing (the
 * original called `v1` an unknown version there).
 */
export function routeRequest(method: string, target: string): Route {
  const rawPath = pathOf(target);
  const segments = rawPath.replace(/^\//, '').split('/').map(decodeSegment);
  if (segments.some((s) => s === undefined)) {
    return { type: 'reply', reply: errorReply(400, `Malformed path ${rawPath}.${PLEASE}`) };
  }
  const parts = segments as string[];
  const [version, prefix, action] = parts;
  if (version === PROTOCOL_VERSION && prefix === 'submissions' && (action === 'create' || action === 'kill' || action === 'status')) {
    const allowed: readonly string[] = METHODS[action];
    if (!allowed.includes(method)) {
      const message = `HTTP method ${method} is not supported by this URL: use ${allowed[0]}.`;
      return { type: 'reply', reply: errorReply(405, message, { allow: allowed.join(', ') }) };
    }
    if (action === 'create') return { type: 'create' };
    const submissionId = parts[3];
    if (submissionId === undefined || submissionId === '') {
      return { type: 'reply', reply: errorReply(400, `Submission ID is missing in ${action} request.`) };
    }
    return { type: action, submissionId };
  }
  return { type: 'reply', reply: pathError(parts.filter((p) => p !== '')) };
}

function pathError(parts: readonly string[]): Reply {
  const [version, prefix] = parts;
  if (version === undefined) return errorReply(400, `Missing protocol version.${PLEASE}`);
  if (version === PROTOCOL_VERSION) {
    return prefix === 'submissions'
      ? errorReply(400, `Missing an action: please specify one of /create, /kill, or /status.${PLEASE}`)
      : errorReply(400, `Missing the /submissions prefix.${PLEASE}`);
  }
  return {
    status: SC_UNKNOWN_PROTOCOL_VERSION,
    message: { action: 'ErrorResponse', message: `Unknown protocol version '${version}'.${PLEASE}`, highestProtocolVersion: PROTOCOL_VERSION },
  };
}

function pathOf(target: string): string {
  const path = target.split(/[?#]/, 1)[0] ?? '';
  if (path.startsWith('/')) return path;
  // Absolute-form request targets (`http://host:port/v1/...`) are legal HTTP/1.1.
  try {
    return new URL(target).pathname;
  } catch {
    return path;
  }
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// CreateSubmissionRequest

export type SubmitParse =
  | { readonly ok: true; readonly submission: ValidatedSubmission; readonly unknownFields: readonly string[] }
  | { readonly ok: false; readonly reply: Reply };

const PROTOCOL_EXCEPTION = `${REST_PACKAGE}.SubmitRestProtocolException`;
const MISSING_FIELD_EXCEPTION = `${REST_PACKAGE}.SubmitRestMissingFieldException`;
const MISMATCHED_INPUT = 'com.fasterxml.jackson.databind.exc.MismatchedInputException';
const JSON_PARSE = 'com.fasterxml.jackson.core.JsonParseException';
const CREATE = 'CreateSubmissionRequest';

const malformed = (exceptionText: string): SubmitParse => ({ ok: false, reply: errorReply(400, `Malformed request: ${exceptionText}`) });

// The original printed the wrapper's stack instead of its cause, which hid the actual problem;
// we print the wrapper's line as it did and then the cause, and no stack.
const validationFailed = (type: string, cause: string): SubmitParse =>
  malformed(`${PROTOCOL_EXCEPTION}: Validation of message ${type} failed!\nCaused by: ${cause}`);
const missingField = (type: string, name: string): string => `${MISSING_FIELD_EXCEPTION}: '${name}' is missing in message ${type}.`;

/** The other messages of the protocol: fields their validation requires, in the order it checks them. */
const OTHER_MESSAGES: Readonly<Record<string, readonly string[]>> = {
  CreateSubmissionResponse: ['serverSparkVersion', 'success'],
  KillSubmissionResponse: ['serverSparkVersion', 'submissionId', 'success'],
  SubmissionStatusResponse: ['serverSparkVersion', 'submissionId', 'success'],
  ErrorResponse: ['serverSparkVersion', 'message'],
};

/**
 * Parses and validates a create body the way Spark's server did: JSON errors, a missing
 * `action`, fields of the wrong JSON type, and the message's validation (missing fields,
 * `No Spark properties set!`, a missing `spark.app.name`, badly typed properties) give a 400
 * `Malformed request: …`; another message type gives `Received message of unexpected type …`.
 * A missing `mainClass` is caught last, as the Mesos server did. Unknown top-level fields are
 * returned so the response can list them.
 */
export function parseSubmitRequest(body: string): SubmitParse {
  if (body.trim() === '') return malformed(`${MISMATCHED_INPUT}: No content to map due to end-of-input`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return malformed(`${JSON_PARSE}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const action = isObject(json) ? own(json, 'action') : undefined;
  if (!isObject(json) || typeof action !== 'string') {
    return malformed(`${MISSING_FIELD_EXCEPTION}: Action field not found in JSON:\n${body}`);
  }
  if (action === CREATE) return parseCreate(json);
  const required = Object.hasOwn(OTHER_MESSAGES, action) ? OTHER_MESSAGES[action] : undefined;
  if (required === undefined) {
    // The original tried to load a class of that name and failed with an HTML 500.
    return malformed(`${PROTOCOL_EXCEPTION}: Unknown action '${action}': this server accepts ${CREATE}.`);
  }
  const missing = required.find((name) => own(json, name) === undefined || own(json, name) === null);
  if (missing !== undefined) return validationFailed(action, missingField(action, missing));
  return { ok: false, reply: errorReply(400, `Received message of unexpected type ${action}.`) };
}

const PROPERTY_CHECKS: readonly (readonly [string, string, (value: string) => boolean])[] = [
  ['spark.driver.supervise', 'boolean', isJavaBoolean],
  ['spark.driver.cores', 'numeric', isJavaDouble],
  ['spark.cores.max', 'numeric', isJavaDouble],
  ['spark.driver.memory', 'memory', isSparkMemoryString],
  ['spark.executor.memory', 'memory', isSparkMemoryString],
];

function parseCreate(json: Readonly<Record<string, unknown>>): SubmitParse {
  // Jackson binds the fields before the message is validated, so a badly typed field wins.
  const bound = bindCreateRequest(json);
  if (!bound.ok) return malformed(`${MISMATCHED_INPUT}: ${bound.error}`);
  const { clientSparkVersion, appResource, mainClass, appArgs, sparkProperties, environmentVariables } = bound.fields;
  if (clientSparkVersion === undefined) return validationFailed(CREATE, missingField(CREATE, 'clientSparkVersion'));
  if (sparkProperties === undefined) return validationFailed(CREATE, `${PROTOCOL_EXCEPTION}: No Spark properties set!`);
  if (appResource === undefined) return validationFailed(CREATE, missingField(CREATE, 'appResource'));
  if (appArgs === undefined) return validationFailed(CREATE, missingField(CREATE, 'appArgs'));
  if (environmentVariables === undefined) return validationFailed(CREATE, missingField(CREATE, 'environmentVariables'));
  const appName = own(sparkProperties, 'spark.app.name');
  if (appName === undefined) return validationFailed(CREATE, missingField(CREATE, 'spark.app.name'));
  for (const [key, type, accepts] of PROPERTY_CHECKS) {
    const value = own(sparkProperties, key);
    if (value !== undefined && !accepts(value)) {
      return validationFailed(CREATE, `${PROTOCOL_EXCEPTION}: Property '${key}' expected ${type} value: actual was '${value}'.`);
    }
  }
  if (mainClass === undefined) return malformed(`${MISSING_FIELD_EXCEPTION}: Main class 'mainClass' is missing.`);
  return {
    ok: true,
    submission: { appResource, mainClass, appArgs, sparkProperties, environmentVariables, appName, clientSparkVersion },
    unknownFields: Object.keys(json).filter((key) => !bound.known.has(key)),
  };
}
