// The web UI server: node:http on a configurable address (port 8081 by default) serving the
// overview `/`, the driver page `/driver?id=<submissionId>`, the stylesheet `/static/ui.css` and
// 404 pages, rendered from a fresh snapshot per request. Every response forbids scripts
// (Content-Security-Policy) and content sniffing; pages are never cached.
import { listenHttp, type ListeningServer, type RequestHandler } from '../runtime/http-server.ts';
import { errorText, silentLogger, type Logger } from '../runtime/logger.ts';
import { html } from './html.ts';
import { page, STYLESHEET, STYLESHEET_PATH } from './layout.ts';
import { renderPage } from './render.ts';
import type { UiSource } from './snapshot.ts';

export const DEFAULT_UI_PORT = 8081;
export const DEFAULT_UI_HOST = '0.0.0.0';

/** No scripts, no plugins, no framing, no forms; styles and images only from the UI itself. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

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

/** The request handler alone, for embedding in another server or testing. */
export function createUiHandler(options: UiServerOptions): RequestHandler {
  const log = options.log ?? silentLogger;
  const now = options.now ?? Date.now;
  return (req, res) => {
    let reply: Reply;
    try {
      reply = answer(options.source, req.method ?? 'GET', req.url ?? '/', now());
    } catch (error) {
      log.error({ path: pathOf(req.url), error: errorText(error) }, 'web UI page failed');
      reply = {
        status: 500,
        contentType: HTML_TYPE,
        body: page('Internal error', html`<h1>Internal error</h1><p>The page could not be rendered; the dispatcher log has the details.</p>`, now()),
      };
    }
    log.debug({ method: req.method, path: pathOf(req.url), status: reply.status }, 'web UI request');
    const body = Buffer.from(reply.body, 'utf8');
    res.writeHead(reply.status, {
      ...SECURITY_HEADERS,
      ...reply.headers,
      'content-type': reply.contentType,
      'content-length': String(body.length),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** The path alone: a query string is not logged. */
function pathOf(url: string | undefined): string {
  return (url ?? '').split(/[?#]/, 1)[0] ?? '';
}

function answer(source: UiSource, method: string, target: string, nowMs: number): Reply {
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, contentType: 'text/plain; charset=utf-8', body: 'Method Not Allowed\n', headers: { allow: 'GET, HEAD' } };
  }
  let url: URL;
  try {
    url = new URL(target, 'http://ui.invalid');
  } catch {
    return { status: 400, contentType: 'text/plain; charset=utf-8', body: 'Bad Request\n' };
  }
  if (url.pathname === STYLESHEET_PATH) return { status: 200, contentType: 'text/css; charset=utf-8', body: STYLESHEET };
  if (url.pathname === '/favicon.ico') return { status: 204, contentType: 'image/x-icon', body: '' };
  const rendered = renderPage(source.snapshot(), url.pathname, url.searchParams, nowMs);
  return { status: rendered.status, contentType: HTML_TYPE, body: rendered.html };
}

/** Starts the server and resolves once it listens. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? DEFAULT_UI_HOST;
  const server = await listenHttp(createUiHandler(options), host, options.port ?? DEFAULT_UI_PORT);
  (options.log ?? silentLogger).info({ host, port: server.port }, 'web UI listening');
  return server;
}
