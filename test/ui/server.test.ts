// The web UI server over HTTP: routes, status codes, content types, the security headers on
// every response, HEAD, refused methods, a fresh snapshot per request, and a 500 page when the
// snapshot fails.

import { createUiHandler, CONTENT_SECURITY_POLICY, startUiServer, type UiServer, type UiSnapshot } from '../../src/ui/index.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeSnapshot, NOW } from './fixtures.ts';

let server: UiServer;
let snapshot: UiSnapshot = makeSnapshot();
let calls = 0;

beforeAll(async () => {
  server = await startUiServer({
    source: { snapshot: () => { calls += 1; return snapshot; } }, host: '127.0.0.1', port: 0, now: () => NOW,
  });
});
afterAll(async () => server.close());

const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);

function expectSecurityHeaders(res: Response): void {
  expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  expect(res.headers.get('content-security-policy')).toContain("script-src 'none'");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('cache-control')).toBe('no-store');
}

test('listens where asked and reports its URL', () => {
  expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  expect(server.port).toBeGreaterThan(0);
});

test('overview, driver page and stylesheet', async () => {
  const overview = await get('/');
  expect(overview.status).toBe(200);
  expect(overview.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expectSecurityHeaders(overview);
  expect(await overview.text()).toContain('<h2>Queued Drivers <span class="count">(3)</span></h2>');

  const driver = await get('/driver?id=driver-20240301100300-0003');
  expect(driver.status).toBe(200);
  expectSecurityHeaders(driver);
  expect(await driver.text()).toContain('<title>Details for Job driver-20240301100300-0003</title>');

  const css = await get('/static/ui.css');
  expect(css.status).toBe(200);
  expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  expectSecurityHeaders(css);
  expect(await css.text()).toContain('table.data tbody tr:nth-child(even)');
});

test('404 for unknown paths and IDs, 400 without an ID', async () => {
  for (const [path, status, text] of [
    ['/nope', 404, 'There is no page at /nope.'],
    ['/driver?id=driver-unknown', 404, 'Cannot find driver driver-unknown'],
    ['/driver', 400, 'requirement failed: Missing id parameter'],
    ['/static/other.css', 404, 'Page not found'],
  ] as const) {
    const res = await get(path);
    expect(res.status).toBe(status);
    expectSecurityHeaders(res);
    expect(await res.text()).toContain(text);
  }
});

test('HEAD has headers only; other methods are refused', async () => {
  const head = await get('/', { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1000);
  expect(await head.text()).toBe('');
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const res = await get('/', { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  }
});

test('every request reads a fresh snapshot', async () => {
  const before = calls;
  snapshot = { ...makeSnapshot(), drivers: [] };
  expect(await (await get('/')).text()).toContain('No queued drivers.');
  snapshot = makeSnapshot();
  expect(await (await get('/')).text()).not.toContain('No queued drivers.');
  expect(calls - before).toBe(2);
});

test('a failing snapshot gives a 500 page, logged, without details', async () => {
  const errors: object[] = [];
  const log = { debug() {}, info() {}, warn() {}, error(obj: object) { errors.push(obj); }, child() { return log; } };
  const failing = createServer(createUiHandler({ source: { snapshot: () => { throw new Error('cache <unsynced>'); } }, log }));
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(failing.address() as AddressInfo).port}/?secret=x`);
    expect(res.status).toBe(500);
    expectSecurityHeaders(res);
    const body = await res.text();
    expect(body).toContain('Internal error');
    expect(body).not.toContain('unsynced');
    expect(errors).toEqual([{ path: '/', error: 'cache <unsynced>' }]);
  } finally {
    await new Promise((resolve) => failing.close(resolve));
  }
});
