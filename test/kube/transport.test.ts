// The Kubernetes transport's request line: the server's path prefix (an API server behind a
// proxy, as a kubeconfig may name it) comes before every path, and a query's defined values join
// the path's own.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeTransport } from '../../src/kube/transport.ts';
import { systemClock } from '../../src/runtime/clock.ts';

let server: Server;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"kind":"Status"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function transport(prefix: string): KubeTransport {
  const { port } = server.address() as AddressInfo;
  return new KubeTransport({
    access: { server: `http://127.0.0.1:${port}${prefix}`, tls: { rejectUnauthorized: true }, headers: () => Promise.resolve({ Authorization: 'Bearer t' }) },
    clock: systemClock,
  });
}

test('paths go under the server\'s prefix, with the query\'s defined values after the path\'s own', async () => {
  seen.length = 0;
  const behindProxy = transport('/k8s/clusters/c-1');
  const direct = transport('');
  try {
    expect(await behindProxy.request('GET', '/api/v1/namespaces/a%20b/pods')).toEqual({ kind: 'Status' });
    await behindProxy.request('GET', '/api/v1/pods', { query: { labelSelector: 'app in (x,y)', limit: 5, continue: undefined } });
    await direct.request('GET', '/api/v1/pods?watch=false', { query: { watch: true, resourceVersion: '7' } });
    await direct.request('PATCH', '/apis/sparkmesos.io/v1alpha1/namespaces/d/sparkdrivers/x/status', { body: { status: {} } });
  } finally {
    await Promise.all([behindProxy.close(), direct.close()]);
  }
  expect(seen).toEqual([
    'GET /k8s/clusters/c-1/api/v1/namespaces/a%20b/pods Bearer t',
    'GET /k8s/clusters/c-1/api/v1/pods?labelSelector=app+in+%28x%2Cy%29&limit=5 Bearer t',
    'GET /api/v1/pods?watch=true&resourceVersion=7 Bearer t',
    'PATCH /apis/sparkmesos.io/v1alpha1/namespaces/d/sparkdrivers/x/status Bearer t',
  ]);
});
