// Listening and closing for the dispatcher's HTTP servers (REST, UI, metrics): one place that
// waits for `listen`, reports the bound port, and closes gracefully (requests in flight finish,
// idle keep-alive sockets go).
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ListeningServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (IPv6 hosts bracketed), without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

export async function listenHttp(
  handler: RequestHandler, host: string, port: number,
): Promise<ListeningServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    host,
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
    }),
  };
}
