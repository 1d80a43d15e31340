// The optional `/__admin/*` HTTP surface of a standalone emulator: the same test hooks as the
// EmulatedMesosMaster methods, for tests and tools in another process. Not part of Mesos.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, text } from './files.ts';
import type { AgentLoss } from './master.ts';

/** How a master answers scheduler calls: as the leader, redirecting to it, or not at all. */
export type Leadership =
  | { mode: 'leader' }
  /** Another master leads: `leader` is `host:port` or an http(s) URL. */
  | { mode: 'redirect'; leader: string }
  | { mode: 'none' }
  | { mode: 'recovering' };

export interface AdminHooks {
  allocate(): void;
  pauseHeartbeats(): void;
  resumeHeartbeats(): void;
  dropFramework(frameworkId: string): boolean;
  setLeadership(leadership: Leadership): void;
  restart(): Promise<void>;
  crash(): Promise<void>;
  addAgent(options: { resources?: string; attributes?: string; hostname?: string }): string;
  removeAgent(agentId: string, loss: AgentLoss): boolean;
}

/**
 * POST /__admin/allocate · /__admin/heartbeats/pause · /__admin/heartbeats/resume ·
 * /__admin/frameworks/<id>/drop · /__admin/leadership {mode, leader?} · /__admin/restart · /__admin/crash ·
 * /__admin/agents {resources?, attributes?, hostname?} → {id} · DELETE /__admin/agents/<id>?loss=gone
 */
export async function serveAdmin(hooks: AdminHooks, path: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const body = method === 'POST' ? await readJson(req) : {};
  if (body === undefined) return text(res, 400, 'Expecting a JSON object body');
  const framework = /^\/__admin\/frameworks\/([^/]+)\/drop$/.exec(path);
  const agent = /^\/__admin\/agents\/([^/]+)$/.exec(path);
  if (method === 'POST' && path === '/__admin/allocate') hooks.allocate();
  else if (method === 'POST' && path === '/__admin/heartbeats/pause') hooks.pauseHeartbeats();
  else if (method === 'POST' && path === '/__admin/heartbeats/resume') hooks.resumeHeartbeats();
  else if (method === 'POST' && framework?.[1]) {
    if (!hooks.dropFramework(decodeURIComponent(framework[1]))) return text(res, 404, 'No such subscribed framework');
  } else if (method === 'POST' && path === '/__admin/leadership') {
    const leadership = toLeadership(body);
    if (!leadership) return text(res, 400, "Expecting {mode: 'leader'|'none'|'recovering'} or {mode: 'redirect', leader}");
    hooks.setLeadership(leadership);
  } else if (method === 'POST' && (path === '/__admin/restart' || path === '/__admin/crash')) {
    // Answer first: both close every connection, this one included.
    json(res, {});
    if (!res.writableFinished) await new Promise((resolve) => res.once('finish', resolve));
    await (path === '/__admin/restart' ? hooks.restart() : hooks.crash());
    return;
  } else if (method === 'POST' && path === '/__admin/agents') {
    const options: { resources?: string; attributes?: string; hostname?: string } = {};
    for (const key of ['resources', 'attributes', 'hostname'] as const) if (typeof body[key] === 'string') options[key] = body[key];
    try {
      return json(res, { id: hooks.addAgent(options) });
    } catch (error) {
      return text(res, 400, (error as Error).message);
    }
  } else if (method === 'DELETE' && agent?.[1]) {
    const loss: AgentLoss = query.get('loss') === 'gone' ? 'gone' : 'unreachable';
    if (!hooks.removeAgent(decodeURIComponent(agent[1]), loss)) return text(res, 404, 'No such agent');
  } else {
    return text(res, 404, '');
  }
  return json(res, {});
}

function toLeadership(body: Record<string, unknown>): Leadership | undefined {
  const mode = body.mode;
  if (mode === 'leader' || mode === 'none' || mode === 'recovering') return { mode };
  if (mode === 'redirect' && typeof body.leader === 'string') return { mode, leader: body.leader };
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8').trim();
  if (raw === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}
