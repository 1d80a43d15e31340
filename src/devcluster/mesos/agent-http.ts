// An emulated agent's own HTTP endpoint: the files API over its sandboxes, reached the way a
// real agent's is (`http://<agent>:5051/files/read?path=...`), under the virtual path the agent
// attaches for each executor, `/frameworks/<fw>/executors/<executor>/runs/latest`, or the
// sandbox's real path. Nothing outside the agent's own directory is served. `/health` answers
// too; everything else is a 404.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makePendingSandboxLinks } from './agent.ts';
import { confine, serveFiles, text } from './files.ts';

export interface AgentHttp {
  readonly port: number;
  /** Serves the sandboxes of this agent from now on (its ID is known once it registers). */
  bind(agentDir: string): void;
  close(): Promise<void>;
}

/** Virtual `/frameworks/...` paths live under the agent's directory; real paths must too. */
function agentResolver(agentDir: string): (requested: string) => Promise<string | undefined> {
  return (requested) => confine(requested.startsWith('/frameworks/') ? join(agentDir, requested) : requested, agentDir);
}

export async function startAgentHttp(host: string): Promise<AgentHttp> {
  let agentDir: string | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://agent');
    const files = /^\/files\/(browse|read|download)(?:\.json)?$/.exec(url.pathname);
    if (files?.[1] && agentDir !== undefined) {
      makePendingSandboxLinks();
      serveFiles(files[1], url.searchParams, agentResolver(agentDir), res).catch((error: unknown) => {
        if (!res.headersSent) text(res, 500, `Internal emulator error: ${(error as Error).message}`);
        else res.destroy();
      });
      return;
    }
    text(res, url.pathname === '/health' ? 200 : 404, '');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    bind(dir) {
      agentDir = dir;
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
