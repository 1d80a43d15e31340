// The REST submission server: node:http on a configurable address (port 7077 by default) that
// answers Spark's v1 create, status and kill requests through a SubmissionStore, in the
// original's JSON. Around the protocol: optional authentication, a body size limit, JSON errors
// for everything (never an HTML page), and a request log that never carries secrets.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttp, type ListeningServer, type RequestHandler } from '../runtime/http-server.ts';
import { silentLogger, type Logger } from '../runtime/logger.ts';
import { createAuthenticator, type Authenticator, type RestAuth } from './auth.ts';
import {
  createResponse, DEFAULT_SERVER_SPARK_VERSION, errorReply, killResponse, renderResponse,
  SC_UNKNOWN_PROTOCOL_VERSION, statusResponse, type Reply,
} from './messages.ts';
import { parseSubmitRequest, routeRequest, type Route } from './protocol.ts';
import { maskSecrets, maskUrlCredentials } from './redaction.ts';
import type { SubmissionStore } from './store.ts';

export const DEFAULT_REST_PORT = 7077;
export const DEFAULT_REST_HOST = '0.0.0.0';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface RestServerOptions {
  readonly store: SubmissionStore;
  readonly log?: Logger;
  /** Bind address; default 0.0.0.0 (spark-submit clients are remote). */
  readonly host?: string;
  /** Default 7077; 0 picks a free port. */
  readonly port?: number;
  /** Larger request bodies are refused with 413; default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Off by default, as in the original; when set, every request must carry these credentials. */
  readonly auth?: RestAuth;
  /** The `serverSparkVersion` every response carries; default 3.5.1. */
  readonly serverSparkVersion?: string;
}

/** Where it listens (`url` has no trailing slash), and a graceful `close`. */
export type RestServer = ListeningServer;

interface Context {
  readonly store: SubmissionStore;
  readonly log: Logger;
  readonly maxBodyBytes: number;
  readonly authenticator: Authenticator | undefined;
  readonly serverSparkVersion: string;
}

/** The request handler alone, for embedding in another server or testing. Throws on a bad `auth`. */
export function createRestHandler(options: RestServerOptions): RequestHandler {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw new RangeError(`maxBodyBytes must be a non-negative integer, got ${maxBodyBytes}`);
  const context: Context = {
    store: options.store,
    log: options.log ?? silentLogger,
    maxBodyBytes,
    authenticator: options.auth === undefined ? undefined : createAuthenticator(options.auth),
    serverSparkVersion: options.serverSparkVersion ?? DEFAULT_SERVER_SPARK_VERSION,
  };
  return (req, res) => {
    handle(context, req, res).catch((error: unknown) => {
      context.log.error({ error: error instanceof Error ? error.message : String(error) }, 'REST response failed');
      res.destroy();
    });
  };
}

/** Starts the server and resolves once it listens. */
export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const host = options.host ?? DEFAULT_REST_HOST;
  const server = await listenHttp(createRestHandler(options), host, options.port ?? DEFAULT_REST_PORT);
  (options.log ?? silentLogger).info({ host, port: server.port, auth: options.auth?.kind ?? 'none' }, 'REST submission server listening');
  return server;
}

async function handle(context: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  // Only the path is logged: a query string could carry anything (and an absolute-form target, credentials).
  const path = maskUrlCredentials((req.url ?? '').split(/[?#]/, 1)[0] ?? '');
  const entry: Record<string, unknown> = { method, path, remoteAddress: req.socket.remoteAddress };
  res.once('finish', () => {
    context.log.info({ ...entry, status: res.statusCode, durationMs: Math.round(performance.now() - started) }, 'REST request');
  });

  let reply: Reply;
  // When the body is left unread, the connection is closed rather than drained for the next request.
  let closeConnection = false;
  try {
    if (context.authenticator !== undefined && !context.authenticator.accepts(req.headers.authorization)) {
      reply = errorReply(401, 'Unauthorized: this server requires credentials (an Authorization header).', {
        'www-authenticate': context.authenticator.challenge,
      });
      closeConnection = true;
    } else {
      const body = await readBody(req, context.maxBodyBytes);
      if (body.kind === 'aborted') {
        context.log.debug(entry, 'REST request abandoned by the client');
        return;
      }
      if (body.kind === 'too-large') {
        reply = errorReply(413, `Request body too large: this server accepts at most ${context.maxBodyBytes} bytes.`);
        closeConnection = true;
      } else {
        reply = await answer(context, routeRequest(method, req.url ?? '/'), body.text, entry);
      }
    }
  } catch (error) {
    // The original let such errors become Jetty's HTML 500 page; spark-submit could not read it.
    const text = error instanceof Error ? error.message : String(error);
    context.log.error({ ...entry, error: text }, 'REST request failed');
    reply = errorReply(500, `Internal server error: ${text}`);
  }
  // A refusal is logged with its reason: the message the client was sent.
  const reason = (reply.message as { message?: unknown }).message;
  if (reply.status >= 400 && typeof reason === 'string') entry['reason'] = reason.split('\n', 1)[0]?.slice(0, 500);
  send(res, reply, context.serverSparkVersion, closeConnection);
}

async function answer(context: Context, route: Route, body: string, entry: Record<string, unknown>): Promise<Reply> {
  switch (route.type) {
    case 'reply':
      return route.reply;
    case 'create': {
      const parsed = parseSubmitRequest(body);
      if (!parsed.ok) return parsed.reply;
      const { submission, unknownFields } = parsed;
      Object.assign(entry, {
        appName: submission.appName,
        mainClass: submission.mainClass,
        appResource: maskUrlCredentials(submission.appResource),
        clientSparkVersion: submission.clientSparkVersion,
        ...(unknownFields.length > 0 && { unknownFields }),
      });
      context.log.debug({
        appName: submission.appName,
        appArgCount: submission.appArgs.length,
        sparkProperties: maskSecrets(submission.sparkProperties),
        environmentVariables: maskSecrets(submission.environmentVariables),
      }, 'REST submission');
      const outcome = await context.store.create(submission);
      Object.assign(entry, outcome.kind === 'created' ? { submissionId: outcome.submissionId } : { rejected: outcome.message });
      return { status: 200, message: createResponse(outcome, unknownFields) };
    }
    case 'status': {
      entry['submissionId'] = route.submissionId;
      const view = await context.store.status(route.submissionId);
      entry['driverState'] = view?.driverState ?? 'NOT_FOUND';
      return { status: 200, message: statusResponse(route.submissionId, view) };
    }
    case 'kill': {
      entry['submissionId'] = route.submissionId;
      const outcome = await context.store.kill(route.submissionId);
      entry['killOutcome'] = outcome;
      return { status: 200, message: killResponse(route.submissionId, outcome) };
    }
  }
}

function send(res: ServerResponse, reply: Reply, serverSparkVersion: string, closeConnection: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const text = renderResponse(reply.message, serverSparkVersion);
  res.statusCode = reply.status;
  if (reply.status === SC_UNKNOWN_PROTOCOL_VERSION) res.statusMessage = 'Unknown Protocol Version';
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (closeConnection) res.setHeader('connection', 'close');
  res.end(text);
}

type Body = { readonly kind: 'ok'; readonly text: string } | { readonly kind: 'too-large' } | { readonly kind: 'aborted' };

/**
 * Reads the whole body as UTF-8, up to `limit` bytes. Past the limit it stops keeping data (the
 * rest is discarded until the connection closes) and answers `too-large`; a declared
 * Content-Length over the limit is refused before anything is read.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (body: Body): void => {
      req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onAbort);
      if (body.kind === 'too-large') req.resume();
      resolve(body);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) finish({ kind: 'too-large' });
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '') });
    const onAbort = (): void => finish({ kind: 'aborted' });
    req.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onAbort);
  });
}
