// The metrics and probe server: node:http on a configurable address (port 8080 by default)
// serving /metrics in the Prometheus text format from the registry, /healthz (liveness) and
// /readyz (readiness) as small JSON verdicts with status 200 or 503. GET and HEAD only.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttp, type ListeningServer } from '../runtime/http-server.ts';
import type { Registry } from 'prom-client';
import { errorText, silentLogger, type Logger } from '../runtime/logger.ts';
import { startEventLoopMonitor } from './event-loop.ts';
import { DEFAULT_MAX_EVENT_LOOP_DELAY_MS, liveness, readiness, type HealthSource, type Verdict } from './health.ts';

export const DEFAULT_METRICS_PORT = 8080;
export const DEFAULT_METRICS_HOST = '0.0.0.0';

export interface MetricsServerOptions {
  readonly registry: Registry;
  readonly health: HealthSource;
  /** Bind address; default 0.0.0.0 (Prometheus and the kubelet are remote). */
  readonly host?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  readonly log?: Logger;
  /** Longest event-loop stall between two liveness probes that still counts as alive (default 10 s). */
  readonly maxEventLoopDelayMs?: number;
  /** The longest event-loop delay (ms) since the previous call. Default: measured while the server runs. */
  readonly eventLoopDelayMs?: () => number;
}

/** Where it listens (`url` has no trailing slash), and a graceful `close`. */
export type MetricsServer = ListeningServer;

interface Context {
  readonly registry: Registry;
  readonly health: HealthSource;
  readonly maxDelayMs: number;
  readonly eventLoopDelayMs: () => number;
  readonly log: Logger;
}

/** Starts the server and resolves once it listens. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? DEFAULT_METRICS_HOST;
  const log = options.log ?? silentLogger;
  const monitor = options.eventLoopDelayMs === undefined ? startEventLoopMonitor() : undefined;
  const context: Context = {
    registry: options.registry,
    health: options.health,
    maxDelayMs: options.maxEventLoopDelayMs ?? DEFAULT_MAX_EVENT_LOOP_DELAY_MS,
    eventLoopDelayMs: options.eventLoopDelayMs ?? (() => monitor?.maxDelayMs() ?? 0),
    log,
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handle(context, req, res).catch((error: unknown) => {
      log.error({ err: errorText(error), path: req.url }, 'metrics server response failed');
      res.destroy();
    });
  };
  let server: ListeningServer;
  try {
    server = await listenHttp(handler, host, options.port ?? DEFAULT_METRICS_PORT);
  } catch (error) {
    monitor?.stop();
    throw error;
  }
  log.info({ host, port: server.port }, 'metrics server listening (/metrics, /healthz, /readyz)');
  return {
    ...server,
    close: () => {
      monitor?.stop();
      return server.close();
    },
  };
}

async function handle(context: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== '/metrics' && path !== '/healthz' && path !== '/readyz') {
    send(req, res, 404, 'text/plain; charset=utf-8', `not found: ${path} (try /metrics, /healthz or /readyz)\n`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    send(req, res, 405, 'text/plain; charset=utf-8', `method ${req.method ?? ''} not allowed\n`);
    return;
  }
  switch (path) {
    case '/metrics': {
      let text: string;
      try {
        text = await context.registry.metrics();
      } catch (error) {
        context.log.error({ err: errorText(error) }, 'collecting metrics failed');
        send(req, res, 500, 'text/plain; charset=utf-8', `collecting metrics failed: ${errorText(error)}\n`);
        return;
      }
      send(req, res, 200, context.registry.contentType, text);
      return;
    }
    case '/healthz':
      sendVerdict(req, res, liveness(context.health, context.eventLoopDelayMs(), context.maxDelayMs));
      return;
    default:
      sendVerdict(req, res, readiness(context.health));
  }
}

function sendVerdict(req: IncomingMessage, res: ServerResponse, verdict: Verdict): void {
  const body = { status: verdict.ok ? 'ok' : 'failing', checks: verdict.checks };
  send(req, res, verdict.ok ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);
}

function send(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}
