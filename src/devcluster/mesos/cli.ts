// Standalone Mesos master emulator: `node src/devcluster/mesos/cli.ts --port 5050 --agents 3
// --work-dir DIR`. Prints its address, runs until SIGINT/SIGTERM, then kills its tasks.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEFAULT_AGENT_RESOURCES, startMesosMaster } from './index.ts';

const USAGE = `Usage: node src/devcluster/mesos/cli.ts [options]
  --host HOST              address to listen on (default 127.0.0.1)
  --port PORT              port to listen on (default 5050; 0 picks a free one)
  --agents N               number of agents (default 3)
  --resources TEXT         resources of each agent (default ${DEFAULT_AGENT_RESOURCES})
  --attributes TEXT        attributes of each agent, e.g. rack:r1;zone:[1-5]
  --work-dir DIR           where task sandboxes go (default .devcluster/mesos)
  --roles A,B              role whitelist (default: any role)
  --offer-timeout SECONDS  rescind offers held longer than this
  --principal P --secret S require HTTP basic authentication
Each agent serves the files API over its sandboxes on its own port (see /master/slaves).
Test hooks are served under /__admin/ (see src/devcluster/mesos/admin.ts).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '5050' },
      agents: { type: 'string', default: '3' },
      resources: { type: 'string', default: DEFAULT_AGENT_RESOURCES },
      attributes: { type: 'string' },
      'work-dir': { type: 'string', default: '.devcluster/mesos' },
      roles: { type: 'string' },
      'offer-timeout': { type: 'string' },
      principal: { type: 'string' },
      secret: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  const agents = Number(values.agents);
  if (!Number.isInteger(port) || port < 0 || !Number.isInteger(agents) || agents < 0) {
    throw new Error(`--port and --agents must be non-negative integers\n${USAGE}`);
  }
  const master = await startMesosMaster({
    host: values.host,
    port,
    adminApi: true,
    agentHttp: true,
    workDir: resolve(values['work-dir']),
    agents: Array.from({ length: agents }, () => ({
      resources: values.resources,
      ...(values.attributes !== undefined ? { attributes: values.attributes } : {}),
    })),
    ...(values.roles !== undefined ? { roles: values.roles.split(',').map((r) => r.trim()) } : {}),
    ...(values['offer-timeout'] !== undefined ? { offerTimeoutMs: Number(values['offer-timeout']) * 1000 } : {}),
    ...(values.principal !== undefined ? { credentials: [{ principal: values.principal, secret: values.secret ?? '' }] } : {}),
  });
  console.log(`Mesos master emulator listening on ${master.url} (${agents} agents)`);
  console.log(`Sandboxes under ${master.workDir}; state at ${master.url}/state`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}, stopping the emulator and its tasks`);
    master.close().then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
