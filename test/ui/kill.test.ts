// The kill button over HTTP: the driver page sets the CSRF cookie and carries the token; a POST
// is refused without the cookie, with another token, from another site, or (when the REST API
// requires credentials) without them, in which case the button is disabled; a good POST sets
// `spec.kill` on the resource and redirects to the driver page with the result.
import { createAuthenticator } from '../../src/rest/auth.ts';
import { startUiServer, type UiServer } from '../../src/ui/index.ts';
import type { KillPort } from '../../src/ui/kill.ts';
import { makeSnapshot, NOW } from './fixtures.ts';
import { textOf } from './html-helpers.ts';

const RUNNING = 'driver-20240301100300-0003';
const FINISHED = 'driver-20240301100700-0007';
const requests: string[] = [];
let gone = false;
const port: KillPort = {
  request: (namespace, name) => {
    requests.push(`${namespace}/${name}`);
    return Promise.resolve(!gone);
  },
};
const servers: UiServer[] = [];

async function start(kill: KillPort): Promise<UiServer> {
  const snapshot = makeSnapshot();
  const server = await startUiServer({ source: { snapshot: () => snapshot }, host: '127.0.0.1', port: 0, now: () => NOW, kill });
  servers.push(server);
  return server;
}
afterAll(async () => Promise.all(servers.map((s) => s.close())));
beforeEach(() => {
  requests.length = 0;
  gone = false;
});

/** The driver page's cookie and token, as a browser gets them. */
async function open(server: UiServer, id: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/driver?id=${id}`, { headers });
  const body = await res.text();
  const cookie = res.headers.get('set-cookie') ?? '';
  return { body, cookie, token: /name="csrf" value="([^"]+)"/.exec(body)?.[1], cookiePair: cookie.split(';')[0] ?? '' };
}

function post(server: UiServer, fields: Record<string, string>, headers: Record<string, string>) {
  return fetch(`${server.url}/kill`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...headers },
  });
}

test('the page sets an HttpOnly SameSite=Strict cookie whose token the form carries; a finished driver has no button', async () => {
  const server = await start(port);
  const page = await open(server, RUNNING);
  expect(page.cookie).toMatch(/^smd_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
  expect(page.token).toBe(page.cookiePair.split('=')[1]);
  expect(page.body).toContain('<form class="kill" id="kill" method="post" action="kill">');
  // A browser that has the cookie keeps it: the page uses its token and sets nothing.
  const again = await fetch(`${server.url}/driver?id=${RUNNING}`, { headers: { cookie: page.cookiePair } });
  expect(again.headers.get('set-cookie')).toBeNull();
  expect(await again.text()).toContain(`name="csrf" value="${page.token}"`);
  expect((await open(server, FINISHED)).body).not.toContain('id="kill"');
});

test('a good POST sets spec.kill and redirects to the driver page, which says so', async () => {
  const server = await start(port);
  const { token, cookiePair } = await open(server, RUNNING);
  const res = await post(server, { id: RUNNING, csrf: token! }, { cookie: cookiePair, origin: 'null' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe(`driver?id=${RUNNING}&kill=requested`);
  expect(requests).toEqual(['spark-jobs/running']);
  const after = await fetch(new URL(res.headers.get('location')!, `${server.url}/kill`), { headers: { cookie: cookiePair } });
  expect(textOf(await after.text())).toContain('Kill requested: the driver is stopped and finishes as Killed.');

  // By resource name too; a finished driver is not killed again; a vanished one says so.
  expect((await post(server, { id: 'spark-jobs/succeeded', csrf: token! }, { cookie: cookiePair })).headers.get('location'))
    .toBe(`driver?id=${FINISHED}&kill=finished`);
  gone = true;
  expect((await post(server, { id: RUNNING, csrf: token! }, { cookie: cookiePair })).headers.get('location')).toBe(`driver?id=${RUNNING}&kill=gone`);
  expect(requests).toEqual(['spark-jobs/running', 'spark-jobs/running']);
});

test('refused: no cookie, another token, another site, a foreign Origin, not a form; and GET is not a kill', async () => {
  const server = await start(port);
  const { token, cookiePair } = await open(server, RUNNING);
  const other = (await open(server, RUNNING)).token!;
  for (const [fields, headers, status] of [
    [{ id: RUNNING, csrf: token! }, {}, 403],
    [{ id: RUNNING, csrf: other }, { cookie: cookiePair }, 403],
    [{ id: RUNNING }, { cookie: cookiePair }, 403],
    [{ id: RUNNING, csrf: token! }, { cookie: cookiePair, 'sec-fetch-site': 'cross-site' }, 403],
    [{ id: RUNNING, csrf: token! }, { cookie: cookiePair, origin: 'https://evil.example' }, 403],
    [{ id: RUNNING, csrf: token! }, { cookie: cookiePair, 'content-type': 'text/plain' }, 400],
  ] as const) {
    const res = await post(server, fields, headers);
    expect({ headers, status: res.status }).toEqual({ headers, status });
  }
  const get = await fetch(`${server.url}/kill?id=${RUNNING}`);
  expect(get.status).toBe(405);
  expect(get.headers.get('allow')).toBe('POST');
  expect(requests).toEqual([]);
});

test('with REST authentication, the button is disabled without credentials, and the kill needs them', async () => {
  const server = await start({ ...port, authenticator: createAuthenticator({ kind: 'bearer', token: 's3cret' }) });
  const anonymous = await open(server, RUNNING);
  expect(anonymous.body).toContain('<button type="submit" disabled>Kill driver</button>');
  expect(textOf(anonymous.body)).toContain('Disabled: the REST API requires credentials and this request carries none.');
  const refused = await post(server, { id: RUNNING, csrf: anonymous.token ?? anonymous.cookiePair.split('=')[1]! }, { cookie: anonymous.cookiePair });
  expect(refused.status).toBe(403);
  expect(textOf(await refused.text())).toContain('Killing needs the credentials the REST API requires');

  const authorized = await open(server, RUNNING, { authorization: 'Bearer s3cret' });
  expect(authorized.body).toContain('<button type="submit">Kill driver</button>');
  const res = await post(server, { id: RUNNING, csrf: authorized.token! }, { cookie: authorized.cookiePair, authorization: 'Bearer s3cret' });
  expect(res.status).toBe(303);
  expect(requests).toEqual(['spark-jobs/running']);
});
