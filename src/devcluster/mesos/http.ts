// The emulator's HTTP surface: the v1 scheduler endpoint with the real master's status codes,
// check order and plain-text bodies (§1.5), the streaming SUBSCRIBE response, `/state`,
// `/slaves`, the files API over the whole work dir (the real master has none; a convenience),
// `/metrics/snapshot` and `/health`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CodecError, CONTENT_TYPE, decodeCall, type WireFormat } from '../../mesos/codec.ts';
import type { Call } from '../../mesos/types.ts';
import { serveAdmin, type AdminHooks } from './admin.ts';
import type { CallFaults } from './call-faults.ts';
import { makePendingSandboxLinks } from './agent.ts';
import { handleCall } from './calls.ts';
import { confine, serveFiles, json, text } from './files.ts';
import { EventStream } from './framework.ts';
import { uuidString } from './ids.ts';
import type { MasterCore } from './master.ts';
import { metricsSnapshot } from './metrics.ts';
import { masterAgents, masterState, masterTasks } from './state.ts';
import { validateCall } from './validation.ts';
import type { Leadership } from './admin.ts';

export type { Leadership } from './admin.ts';

export interface Credential { principal: string; secret: string }

export interface HttpContext {
  core(): MasterCore;
  leadership(): Leadership;
  credentials: readonly Credential[] | undefined;
  /** Serves `/__admin/*` when present. */
  admin: AdminHooks | undefined;
  /** Injected faults of non-SUBSCRIBE calls (tests). */
  callFaults: CallFaults;
}

const SCHEDULER_PATHS = new Set(['/api/v1/scheduler', '/master/api/v1/scheduler']);
const STATE_PATHS = new Set(['/state', '/state.json', '/master/state', '/master/state.json']);
const AGENTS_PATHS = new Set(['/slaves', '/master/slaves']);
const TASKS_PATHS = new Set(['/tasks', '/tasks.json', '/master/tasks', '/master/tasks.json']);
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function requestListener(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  // Requests pipelined on one connection are carried out one after another, in order, as the
  // master does: a call held up (a delay, a call that never arrives) holds up those behind it.
  const inOrder = new WeakMap<Socket, Promise<void>>();
  return (req, res) => {
    const handled = (inOrder.get(req.socket) ?? Promise.resolve())
      .then(() => (req.socket.destroyed ? undefined : route(ctx, req, res)))
      .catch((error: unknown) => {
        if (!res.headersSent) text(res, 500, `Internal emulator error: ${(error as Error).message}`);
        else res.destroy();
      });
    inOrder.set(req.socket, handled);
  };
}

async function route(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const path = url.pathname;
  if (SCHEDULER_PATHS.has(path)) return scheduler(ctx, req, res);
  if (STATE_PATHS.has(path)) return json(res, masterState(ctx.core()));
  if (AGENTS_PATHS.has(path)) return json(res, masterAgents(ctx.core()));
  if (TASKS_PATHS.has(path)) return json(res, masterTasks(ctx.core(), url.searchParams));
  if (path === '/metrics/snapshot') return json(res, metricsSnapshot(ctx.core()));
  const files = /^\/files\/(browse|read|download)(?:\.json)?$/.exec(path);
  const workDir = ctx.core().config.workDir;
  if (files?.[1]) {
    makePendingSandboxLinks();
    return serveFiles(files[1], url.searchParams, (requested) => confine(requested, workDir), res);
  }
  if (path === '/health' || path === '/master/health') return text(res, 200, '');
  if (ctx.admin && path.startsWith('/__admin/')) return serveAdmin(ctx.admin, path, url.searchParams, req, res);
  return text(res, 404, '');
}

async function scheduler(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let principal: string | undefined;
  if (ctx.credentials) {
    principal = authenticate(req.headers.authorization, ctx.credentials);
    if (principal === undefined) return text(res, 401, '', { 'WWW-Authenticate': 'Basic realm="mesos-master-scheduler"' });
  }
  const leadership = ctx.leadership();
  if (leadership.mode === 'redirect') {
    const hostPort = leadership.leader.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
    return text(res, 307, '', { Location: `//${hostPort}/master/api/v1/scheduler` });
  }
  if (leadership.mode === 'none') return text(res, 503, 'No leader elected');
  if (leadership.mode === 'recovering') return text(res, 503, 'Master has not finished recovery');
  if (req.method !== 'POST') return text(res, 405, `Expecting one of { 'POST' }, but received '${req.method ?? ''}'`, { Allow: 'POST' });

  const contentType = req.headers['content-type'];
  if (contentType === undefined) return text(res, 400, "Expecting 'Content-Type' to be present");
  let format: WireFormat;
  // The master compares the whole header: a charset parameter is a different media type.
  if (contentType === CONTENT_TYPE.protobuf) format = 'protobuf';
  else if (contentType === CONTENT_TYPE.json) format = 'json';
  else return text(res, 415, `Expecting 'Content-Type' of ${CONTENT_TYPE.json} or ${CONTENT_TYPE.protobuf}`);
  const body = await readBody(req);
  if (body === undefined) return text(res, 413, 'Request body too large');
  let call: Call;
  try {
    call = decodeCall(body, format);
  } catch (error) {
    if (error instanceof CodecError) return text(res, 400, error.message);
    throw error;
  }
  const invalid = validateCall(call, principal);
  if (invalid !== undefined) return text(res, 400, `Failed to validate scheduler::Call: ${invalid}`);

  let accept: WireFormat = 'json';
  if (call.type === 'SUBSCRIBE' || call.type === 'RECONCILE_OPERATIONS') {
    const negotiated = negotiate(req.headers.accept);
    if (negotiated === undefined) {
      return text(res, 406, `Expecting 'Accept' to allow ${CONTENT_TYPE.json} or ${CONTENT_TYPE.protobuf}`);
    }
    accept = negotiated;
  }
  const fault = call.type === 'SUBSCRIBE' || call.type === undefined ? undefined : ctx.callFaults.take(call.type);
  if (fault?.kind === 'error') return text(res, fault.status ?? 500, fault.body ?? 'Injected failure');
  if (fault?.kind === 'drop') return void req.socket.destroy();
  // Never answered, nor anything sent after it on this connection: it stays open until the
  // scheduler gives up or the master closes.
  if (fault?.kind === 'blackhole') return new Promise<void>(() => undefined);
  if (fault?.kind === 'delay') await new Promise<void>((resolve) => ctx.core().clock.setTimer(fault.ms, resolve));
  const streamIdHeader = req.headers['mesos-stream-id'];
  const core = ctx.core();
  if (call.type === 'SUBSCRIBE') {
    if (streamIdHeader !== undefined) return text(res, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
    const streamId = uuidString(core.config.random);
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);
    res.writeHead(200, { 'Content-Type': CONTENT_TYPE[accept], 'Mesos-Stream-Id': streamId, 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    core.subscribe(call, new EventStream(res, streamId, accept), principal);
    return;
  }

  const frameworkId = call.framework_id?.value ?? '';
  const framework = core.frameworks.get(frameworkId);
  if (!framework) return text(res, 400, 'Framework cannot be found');
  if (principal !== undefined && framework.info.principal !== principal) {
    return text(res, 400, `Authenticated principal '${principal}' does not match principal '${framework.info.principal ?? ''}' set in \`FrameworkInfo\``);
  }
  if (!framework.connected || !framework.stream) return text(res, 403, 'Framework is not subscribed');
  if (streamIdHeader === undefined) return text(res, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
  if (streamIdHeader !== framework.stream.streamId) {
    return text(res, 400, `The stream ID '${String(streamIdHeader)}' included in this request didn't match the stream ID currently associated with framework ID ${framework.id}`);
  }
  framework.countCall(call.type ?? 'UNKNOWN');
  const result = handleCall(core, framework, call);
  if (fault?.kind === 'lost-answer') return void req.socket.destroy();
  return text(res, result.status, result.body ?? '');
}

function authenticate(header: string | undefined, credentials: readonly Credential[]): string | undefined {
  const match = header === undefined ? null : /^Basic\s+(\S+)$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const principal = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  return credentials.some((c) => c.principal === principal && c.secret === secret) ? principal : undefined;
}

/** libprocess `acceptsMediaType`, JSON checked first; no Accept header accepts anything. */
export function negotiate(accept: string | undefined): WireFormat | undefined {
  if (accept === undefined) return 'json';
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { range, q: q === undefined ? 1 : Number(q.slice(2)) };
  });
  // The most specific matching range decides (type/subtype > type/* > */*); q=0 refuses.
  const accepts = (mediaType: string): boolean => {
    const [type] = mediaType.split('/');
    for (const candidate of [mediaType, `${type}/*`, '*/*']) {
      const matching = ranges.filter((r) => r.range === candidate);
      if (matching.length > 0) return matching.some((r) => r.q > 0);
    }
    return false;
  };
  if (accepts(CONTENT_TYPE.json)) return 'json';
  if (accepts(CONTENT_TYPE.protobuf)) return 'protobuf';
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
