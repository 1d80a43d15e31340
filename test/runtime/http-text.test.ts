import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, Client } from 'undici';
import { requestText } from '../../src/runtime/http-text.ts';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let origin: string;
let route: Route;
/** Requests whose bodies the server read whole, by path. */
let received: string[];

beforeEach(async () => {
  received = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`);
      route(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('an answer sent in pieces comes back whole, a character split between pieces included', async () => {
  const euro = Buffer.from('€', 'utf8'); // three bytes
  route = (_req, res) => {
    res.writeHead(201, { 'content-type': 'text/plain', 'retry-after': '7' });
    res.write(Buffer.concat([Buffer.from('price: '), euro.subarray(0, 1)]));
    setImmediate(() => {
      res.write(euro.subarray(1));
      res.end(' 5');
    });
  };
  const client = new Client(origin);
  try {
    const answer = await requestText(client, { method: 'POST', path: '/things?x=1', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(answer).toEqual({ statusCode: 201, headers: expect.objectContaining({ 'retry-after': '7' }) as unknown, text: 'price: € 5' });
    expect(received).toEqual(['POST /things?x=1 {"a":1}']);
  } finally {
    await client.close();
  }
});

test('an error status and an empty answer are answers, not failures', async () => {
  route = (req, res) => {
    if (req.url === '/missing') res.writeHead(404).end('{"reason":"NotFound"}');
    else res.writeHead(202).end();
  };
  const agent = new Agent();
  try {
    await expect(requestText(agent, { origin, method: 'GET', path: '/missing' })).resolves.toMatchObject({ statusCode: 404, text: '{"reason":"NotFound"}' });
    await expect(requestText(agent, { origin, method: 'POST', path: '/empty' })).resolves.toMatchObject({ statusCode: 202, text: '' });
  } finally {
    await agent.close();
  }
});

test('a signal already aborted sends nothing; one aborted while the answer is awaited rejects at once with its reason', async () => {
  const unanswered: ServerResponse[] = [];
  route = (_req, res) => unanswered.push(res);
  const client = new Client(origin);
  try {
    const before = new AbortController();
    before.abort(new Error('deadline passed before sending'));
    await expect(requestText(client, { method: 'GET', path: '/never' }, before.signal)).rejects.toThrow('deadline passed before sending');

    const during = new AbortController();
    const pending = requestText(client, { method: 'GET', path: '/hangs' }, during.signal);
    await waitUntil(() => unanswered.length === 1);
    during.abort(new Error('timed out'));
    await expect(pending).rejects.toThrow('timed out');
    expect(received).toEqual(['GET /hangs ']);
  } finally {
    await client.destroy();
  }
});

test('a connection cut in the middle of an answer rejects', async () => {
  route = (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('only part of it');
    setImmediate(() => res.socket?.destroy());
  };
  const client = new Client(origin);
  try {
    await expect(requestText(client, { method: 'GET', path: '/cut' })).rejects.toThrow();
  } finally {
    await client.destroy();
  }
});

test('a refused connection rejects with undici\'s error', async () => {
  const client = new Client('http://127.0.0.1:1');
  try {
    await expect(requestText(client, { method: 'GET', path: '/' })).rejects.toThrow(/ECONNREFUSED/);
  } finally {
    await client.destroy();
  }
});

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}
