// The web UI server: node:http on a configurable address (port 8081 by default) serving the
// overview `/`, the driver page `/driver?id=<submission ID or resource name>`, an attempt's logs
// (`/logs`, and `/logs/read` as JSON for the kubectl plugin), the kill form's POST `/kill`, the
// stylesheet and 404 pages, rendered from a fresh snapshot per request. Every response forbids
// scripts (Content-Security-Policy), framing and content sniffing; pages are never cached.
import type { IncomingMessage } from 'node:http';
import type { DriverLogs } from '../logs/driver-logs.ts';
import { listenHttp, type ListeningServer, type RequestHandler } from '../runtime/http-server.ts';
import { errorText, silentLogger, type Logger } from '../runtime/logger.ts';
import { idOf, phaseOf } from './driver-facts.ts';
import { html } from './html.ts';
import {
  csrfCookie, csrfTokenOf, isKillResult, KILL_PATH, killControl, killRefusal, newCsrfToken, type KillPort, type KillResult,
} from './kill.ts';
import { page, STYLESHEET, STYLESHEET_PATH } from './layout.ts';
import { LOG_READ_PATH, LOGS_PATH, logPage, logRead } from './log-routes.ts';
import { errorPage, lookupDriver, lookupFailurePage, renderDriver, renderPage } from './render.ts';
import type { UiSource } from './snapshot.ts';

export const DEFAULT_UI_PORT = 8081;
export const DEFAULT_UI_HOST = '0.0.0.0';

/** No scripts, no plugins, no framing; styles and images only from the UI itself; forms only to it. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

export interface UiServerOptions {
  readonly source: UiSource;
  readonly log?: Logger;
  /** Bind address; default 0.0.0.0. */
  readonly host?: string;
  /** Default 8081; 0 picks a free port. */
  readonly port?: number;
  /** The clock durations are measured against; default `Date.now`. */
  readonly now?: () => number;
  /** Reads attempts' stdout and stderr through the agents; without it the log pages say so. */
  readonly logs?: DriverLogs | undefined;
  /** Kills from the driver page; without it there is no kill button. */
  readonly kill?: KillPort | undefined;
}

/** Where it listens (`url` has no trailing slash), and a graceful `close`. */
export type UiServer = ListeningServer;

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const HTML_TYPE = 'text/html; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const MAX_FORM_BYTES = 4096;

const htmlReply = (status: number, body: string, headers?: Record<string, string>): Reply => ({ status, contentType: HTML_TYPE, body, ...(headers && { headers }) });

/** The request handler alone, for embedding in another server or testing. */
export function createUiHandler(options: UiServerOptions): RequestHandler {
  const log = options.log ?? silentLogger;
  const now = options.now ?? Date.now;
  return (req, res) => {
    void answer(options, req, now()).catch((error: unknown) => {
      log.error({ path: pathOf(req.url), error: errorText(error) }, 'web UI page failed');
      return htmlReply(500, page('Internal error', html`<h1>Internal error</h1><p>The page could not be rendered; the dispatcher log has the details.</p>`, now()));
    }).then((reply) => {
      log.debug({ method: req.method, path: pathOf(req.url), status: reply.status }, 'web UI request');
      const body = Buffer.from(reply.body, 'utf8');
      res.writeHead(reply.status, {
        ...SECURITY_HEADERS, ...reply.headers, 'content-type': reply.contentType, 'content-length': String(body.length),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  };
}

/** The path alone: a query string is not logged. */
function pathOf(url: string | undefined): string {
  return (url ?? '').split(/[?#]/, 1)[0] ?? '';
}

async function answer(options: UiServerOptions, req: IncomingMessage, nowMs: number): Promise<Reply> {
  const method = req.method ?? 'GET';
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://ui.invalid');
  } catch {
    return { status: 400, contentType: TEXT_TYPE, body: 'Bad Request\n' };
  }
  if (url.pathname === KILL_PATH && options.kill !== undefined) {
    if (method === 'POST') return kill(options, options.kill, req, nowMs);
    return { status: 405, contentType: TEXT_TYPE, body: 'Method Not Allowed\n', headers: { allow: 'POST' } };
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, contentType: TEXT_TYPE, body: 'Method Not Allowed\n', headers: { allow: 'GET, HEAD' } };
  }
  if (url.pathname === STYLESHEET_PATH) return { status: 200, contentType: 'text/css; charset=utf-8', body: STYLESHEET };
  if (url.pathname === '/favicon.ico') return { status: 204, contentType: 'image/x-icon', body: '' };
  const snapshot = options.source.snapshot();
  if (url.pathname === LOGS_PATH) {
    const rendered = await logPage(snapshot, url.searchParams, nowMs, options.logs);
    return htmlReply(rendered.status, rendered.html);
  }
  if (url.pathname === LOG_READ_PATH) {
    const reply = await logRead(snapshot, url.searchParams, nowMs, options.logs);
    return { status: reply.status, contentType: 'application/json', body: JSON.stringify(reply.body) };
  }
  if (url.pathname === '/driver' && options.kill !== undefined) {
    // The page carries the kill form's token; the cookie holding it is set once per browser.
    const cookie = csrfTokenOf(req.headers);
    const token = cookie ?? newCsrfToken();
    const result = url.searchParams.get('kill');
    const rendered = renderDriver(snapshot, url.searchParams.get('id'), nowMs, {
      kill: killControl(options.kill, req.headers, token), killResult: isKillResult(result) ? result : undefined,
    });
    return htmlReply(rendered.status, rendered.html, cookie === undefined ? { 'set-cookie': csrfCookie(token) } : undefined);
  }
  const rendered = renderPage(snapshot, url.pathname, url.searchParams, nowMs);
  return htmlReply(rendered.status, rendered.html);
}

/** POST /kill: checked, then `spec.kill` set, then back to the driver page with the result. */
async function kill(options: UiServerOptions, port: KillPort, req: IncomingMessage, nowMs: number): Promise<Reply> {
  const form = await readForm(req);
  if (form === undefined) return htmlReply(400, errorPage(400, 'Bad request', 'Expecting a small application/x-www-form-urlencoded form.', nowMs).html);
  const refusal = killRefusal(port, req.headers, form.get('csrf'));
  if (refusal !== undefined) return htmlReply(403, page('Kill refused', html`<nav class="back"><a href="./">← Back to Drivers</a></nav><h1>Kill refused</h1><p id="error-message">${refusal}</p>`, nowMs));
  const found = lookupDriver(options.source.snapshot(), form.get('id'));
  if (!found.ok) {
    const failure = lookupFailurePage(found, nowMs);
    return htmlReply(failure.status, failure.html);
  }
  const { driver } = found;
  let result: KillResult = 'finished';
  if (phaseOf(driver) !== 'Finished') {
    result = await port.request(driver.resource.metadata.namespace, driver.resource.metadata.name) ? 'requested' : 'gone';
  }
  (options.log ?? silentLogger).info({ driver: idOf(driver), result }, 'kill requested from the web UI');
  const location = `driver?${new URLSearchParams({ id: idOf(driver), kill: result }).toString()}`;
  return { status: 303, contentType: TEXT_TYPE, body: `See ${location}\n`, headers: { location } };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Starts the server and resolves once it listens. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? DEFAULT_UI_HOST;
  const server = await listenHttp(createUiHandler(options), host, options.port ?? DEFAULT_UI_PORT);
  (options.log ?? silentLogger).info({ host, port: server.port }, 'web UI listening');
  return server;
}
