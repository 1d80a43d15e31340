// The metrics server over real HTTP: /healthz and /readyz in every state the HealthSource can
// report, /metrics in the text format, and the edges (HEAD, wrong method, unknown path, a
// collector that fails).
import { Gauge, Registry } from 'prom-client';
import type { HealthSource } from '../../src/metrics/health.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { DEFAULT_METRICS_PORT, startMetricsServer, type MetricsServer } from '../../src/metrics/server.ts';
import { parsePrometheusText } from '../support/prometheus-text.ts';

interface State { synced: boolean; leader: boolean; subscribed: boolean; shuttingDown: boolean; serving?: boolean }

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(state: State, options: { registry?: Registry; eventLoopDelayMs?: () => number } = {}): Promise<MetricsServer> {
  const health: HealthSource = {
    cachesSynced: () => state.synced, leader: () => state.leader, mesosSubscribed: () => state.subscribed, shuttingDown: () => state.shuttingDown,
    serving: () => state.serving ?? true,
  };
  server = await startMetricsServer({
    registry: options.registry ?? new Registry(), health, host: '127.0.0.1', port: 0, eventLoopDelayMs: options.eventLoopDelayMs ?? (() => 0),
  });
  return server;
}

async function get(s: MetricsServer, path: string, method = 'GET'): Promise<{ status: number; body: string; json: unknown; headers: Headers }> {
  const res = await fetch(`${s.url}${path}`, { method });
  const body = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: res.status, body, json, headers: res.headers };
}

const ready = { synced: true, leader: true, subscribed: true, shuttingDown: false };

describe('/readyz', () => {
  test.each<{ name: string; state: State; failing: { name: string; message: string }[] }>([
    { name: 'starting: caches not synced', state: { synced: false, leader: false, subscribed: false, shuttingDown: false },
      failing: [{ name: 'caches', message: 'the SparkDriver cache has not synced yet' }] },
    { name: 'a follower with synced caches is ready', state: { synced: true, leader: false, subscribed: false, shuttingDown: false }, failing: [] },
    { name: 'a leader not yet subscribed to Mesos', state: { synced: true, leader: true, subscribed: false, shuttingDown: false },
      failing: [{ name: 'mesos', message: 'this replica leads but is not subscribed to the Mesos master' }] },
    { name: 'a subscribed leader', state: ready, failing: [] },
    { name: 'the REST API and the UI not listening yet', state: { ...ready, serving: false },
      failing: [{ name: 'servers', message: 'the REST API and the web UI are not listening yet' }] },
    { name: 'shutting down', state: { ...ready, shuttingDown: true }, failing: [{ name: 'shutdown', message: 'the process is shutting down' }] },
    { name: 'everything wrong at once', state: { synced: false, leader: true, subscribed: false, shuttingDown: true },
      failing: [
        { name: 'shutdown', message: 'the process is shutting down' },
        { name: 'caches', message: 'the SparkDriver cache has not synced yet' },
        { name: 'mesos', message: 'this replica leads but is not subscribed to the Mesos master' },
      ] },
  ])('$name', async ({ state, failing }) => {
    const s = await start(state);
    const res = await get(s, '/readyz');
    expect(res.status).toBe(failing.length === 0 ? 200 : 503);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = res.json as { status: string; checks: { name: string; ok: boolean; message?: string }[] };
    expect(body.status).toBe(failing.length === 0 ? 'ok' : 'failing');
    expect(body.checks.map((c) => c.name)).toEqual(['shutdown', 'caches', 'servers', 'mesos']);
    expect(body.checks.filter((c) => !c.ok).map(({ name, message }) => ({ name, message }))).toEqual(failing);
  });

  test('readiness follows the state as it changes: start-up, leadership, subscription', async () => {
    const state: State = { synced: false, leader: false, subscribed: false, shuttingDown: false };
    const s = await start(state);
    const status = async () => (await get(s, '/readyz')).status;
    expect(await status()).toBe(503);
    state.synced = true;
    expect(await status()).toBe(200);
    state.leader = true;
    expect(await status()).toBe(503);
    state.subscribed = true;
    expect(await status()).toBe(200);
    state.subscribed = false;
    expect(await status()).toBe(503);
  });

  test('a health source that throws fails its check with the reason instead of the request', async () => {
    const state = { ...ready };
    server = await startMetricsServer({
      registry: new Registry(), host: '127.0.0.1', port: 0, eventLoopDelayMs: () => 0,
      health: { ...{ leader: () => state.leader, mesosSubscribed: () => true, shuttingDown: () => false }, cachesSynced: () => { throw new Error('no informer'); } },
    });
    const res = await get(server, '/readyz');
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ checks: [{ name: 'shutdown', ok: true }, { name: 'caches', ok: false, message: 'the check failed: no informer' }, { name: 'servers', ok: true }, { name: 'mesos', ok: true }] });
  });
});

describe('/healthz', () => {
  test('alive whatever the readiness (caches, leadership, Mesos do not matter)', async () => {
    const s = await start({ synced: false, leader: true, subscribed: false, shuttingDown: false });
    const res = await get(s, '/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok', checks: [{ name: 'shutdown', ok: true }, { name: 'eventLoop', ok: true }] });
  });

  test('503 once shutting down', async () => {
    const s = await start({ ...ready, shuttingDown: true });
    const res = await get(s, '/healthz');
    expect(res.status).toBe(503);
    expect(res.json).toEqual({
      status: 'failing', checks: [{ name: 'shutdown', ok: false, message: 'the process is shutting down' }, { name: 'eventLoop', ok: true }],
    });
  });

  test('503 when the event loop was blocked longer than the limit since the last probe', async () => {
    const delays = [12_345, 3];
    const s = await start(ready, { eventLoopDelayMs: () => delays.shift() ?? 0 });
    const blocked = await get(s, '/healthz');
    expect(blocked.status).toBe(503);
    expect(blocked.json).toMatchObject({ checks: [{ name: 'shutdown', ok: true }, { name: 'eventLoop', ok: false, message: 'the event loop was blocked for 12345 ms (limit 10000 ms)' }] });
    expect((await get(s, '/healthz')).status).toBe(200);
  });

  test('the default event-loop monitor measures a real stall', async () => {
    server = await startMetricsServer({
      registry: new Registry(), host: '127.0.0.1', port: 0, maxEventLoopDelayMs: 300,
      health: { cachesSynced: () => true, leader: () => false, mesosSubscribed: () => false, shuttingDown: () => false },
    });
    expect((await get(server, '/healthz')).status).toBe(200);
    const until = Date.now() + 700;
    while (Date.now() < until) { /* block the event loop */ }
    const stalled = await get(server, '/healthz');
    expect(stalled.status).toBe(503);
    expect(stalled.json).toMatchObject({ checks: [{ ok: true }, { name: 'eventLoop', ok: false, message: expect.stringMatching(/^the event loop was blocked for \d+ ms \(limit 300 ms\)$/) }] });
    // The window restarts with each probe.
    expect((await get(server, '/healthz')).status).toBe(200);
  });
});

describe('/metrics and the edges', () => {
  test('the registry in the text format, with Node process metrics', async () => {
    const metrics = createMetrics();
    const s = await start(ready, { registry: metrics.registry });
    const res = await get(s, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheusText(res.body);
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('process_start_time_seconds')?.type).toBe('gauge');
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(families.get('nodejs_heap_size_used_bytes')?.type).toBe('gauge');
    expect(families.get('sparkdispatcher_drivers')?.type).toBe('gauge');
  });

  test('query strings are ignored; HEAD has the headers without a body', async () => {
    const s = await start(ready);
    expect((await get(s, '/readyz?verbose')).status).toBe(200);
    const head = await get(s, '/healthz', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
  });

  test('unknown paths are 404, other methods 405 with Allow', async () => {
    const s = await start(ready);
    const missing = await get(s, '/');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('not found: / (try /metrics, /healthz or /readyz)\n');
    const post = await get(s, '/metrics', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  test('a collector that throws answers 500 and the server keeps serving', async () => {
    const registry = new Registry();
    new Gauge({ name: 'broken', help: 'throws', registers: [registry], collect() { throw new Error('source gone'); } });
    const s = await start(ready, { registry });
    const res = await get(s, '/metrics');
    expect(res.status).toBe(500);
    expect(res.body).toBe('collecting metrics failed: source gone\n');
    expect((await get(s, '/healthz')).status).toBe(200);
  });

  test('the default port is 8080; a port in use is reported, not swallowed', async () => {
    expect(DEFAULT_METRICS_PORT).toBe(8080);
    const first = await start(ready);
    await expect(startMetricsServer({
      registry: new Registry(), host: '127.0.0.1', port: first.port,
      health: { cachesSynced: () => true, leader: () => true, mesosSubscribed: () => true, shuttingDown: () => false },
    })).rejects.toThrow(/EADDRINUSE/);
  });
});
