import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, connect, type AddressInfo, type Socket } from 'node:net';
import { Client, type buildConnector } from 'undici';
import { coalesceWrites, coalescingConnector } from '../../src/runtime/coalesced-writes.ts';

/** Counts the socket's hand-overs to the system (one write(2)/writev(2) each). */
function countWrites(socket: Socket): () => number {
  let writes = 0;
  const internals = socket as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  for (const method of ['_write', '_writev'] as const) {
    const original = internals[method].bind(socket);
    internals[method] = (...args: unknown[]) => {
      writes += 1;
      original(...args);
    };
  }
  return () => writes;
}

describe('coalesceWrites', () => {
  let server: ReturnType<typeof createTcpServer>;
  let received: Promise<string>;

  beforeEach(async () => {
    server = createTcpServer();
    received = new Promise((resolve) => server.once('connection', (s) => {
      let all = '';
      s.on('data', (chunk: Buffer) => (all += chunk.toString()));
      s.on('end', () => resolve(all));
    }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  async function connected(): Promise<Socket> {
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    return socket;
  }

  /** What undici does for each request with a body. */
  function sendAsUndiciDoes(socket: Socket, i: number): void {
    socket.cork();
    socket.write(`head-${i};`);
    socket.write(`body-${i};`);
    socket.uncork();
  }

  test('writes made in one turn leave in one system call, in order', async () => {
    const socket = coalesceWrites(await connected());
    const writes = countWrites(socket);
    for (let i = 0; i < 12; i++) sendAsUndiciDoes(socket, i);
    expect(writes()).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes()).toBe(1);
    socket.end();
    expect(await received).toBe(Array.from({ length: 12 }, (_, i) => `head-${i};body-${i};`).join(''));
  });

  test('without it, each corked request is a system call of its own (what it saves)', async () => {
    const socket = await connected();
    const writes = countWrites(socket);
    for (let i = 0; i < 12; i++) sendAsUndiciDoes(socket, i);
    expect(writes()).toBe(12);
    socket.end();
    await received;
  });

  test('a write without a cork waits behind the corked ones; end() in the same turn still sends everything', async () => {
    const socket = coalesceWrites(await connected());
    sendAsUndiciDoes(socket, 0);
    socket.write('plain;');
    sendAsUndiciDoes(socket, 1);
    socket.end('last;');
    expect(await received).toBe('head-0;body-0;plain;head-1;body-1;last;');
  });
});

describe('coalescingConnector through undici', () => {
  let server: Server;
  let origin: string;

  beforeEach(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => res.end(`${req.url} ${body}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('pipelined requests sent together cost one write and are answered in order', async () => {
    const coalescing = coalescingConnector();
    let writes: () => number = () => 0;
    const connector: buildConnector.connector = (target, callback) => coalescing(target, (...args: buildConnector.CallbackArgs) => {
      if (args[0] === null) writes = countWrites(args[1]);
      callback(...args);
    });
    const client = new Client(origin, { pipelining: 16, connect: connector });
    // As the Mesos transport sends its calls: undici pipelines only requests it may repeat.
    const call = (path: string, body: string) => client.request({ method: 'POST', path, body: Buffer.from(body), idempotent: true, blocking: false });
    try {
      // The connection opens with the first request; the rest are then written together.
      const first = await call('/call/first', 'x');
      expect(await first.body.text()).toBe('/call/first x');
      const before = writes();
      const answers = await Promise.all(Array.from({ length: 12 }, async (_, i) => {
        const response = await call(`/call/${i}`, `body ${i}`);
        return response.body.text();
      }));
      expect(answers).toEqual(Array.from({ length: 12 }, (_, i) => `/call/${i} body ${i}`));
      expect(writes() - before).toBe(1);
    } finally {
      await client.close();
    }
  });

  test('a refused connection is reported as an error, not a socket', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = new Client(`http://127.0.0.1:${port}`, { connect: coalescingConnector() });
    await expect(client.request({ method: 'POST', path: '/', body: Buffer.from('x') })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await client.close();
  });
});
