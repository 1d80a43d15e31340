// An emulated agent's own endpoint, as a dispatcher reaches a real one: found through the
// master's `/master/slaves`, it serves the files API over its sandboxes under the executor's
// virtual path with the real `/files/read` paging (offset -1 answers the size, 16-page cap,
// offset past the end, bad numbers), and nothing of other agents or outside its directory.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startMesosMaster, type EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { commandTask, followToTerminal, getJson, getUrl, subscribe } from './mesos-harness.ts';

let master: EmulatedMesosMaster;
afterEach(async () => master?.close());

interface AgentJson { id: string; pid: string; hostname: string; port: number }

async function agentUrl(agentId: string): Promise<string> {
  const { json } = await getJson(master, '/master/slaves');
  const agent = (json as { slaves: AgentJson[] }).slaves.find((a) => a.id === agentId);
  return `http://${agent!.pid.slice(agent!.pid.indexOf('@') + 1)}`;
}

const get = getUrl;

test('each agent listens on its own port, the one /master/slaves, /state and offers name', async () => {
  master = await startMesosMaster({ agents: 2, agentHttp: true });
  const { json } = await getJson(master, '/master/slaves');
  const agents = (json as { slaves: AgentJson[] }).slaves;
  expect(agents).toHaveLength(2);
  expect(new Set(agents.map((a) => a.port)).size).toBe(2);
  for (const agent of agents) {
    expect(agent.pid).toBe(`slave(1)@127.0.0.1:${agent.port}`);
    expect((await get(`http://127.0.0.1:${agent.port}/health`)).status).toBe(200);
  }
  const stream = await subscribe(master);
  const offers = await stream.offers();
  expect(offers.map((o) => o.url?.address.port).sort()).toEqual(agents.map((a) => a.port).sort());
  await stream.close();
});

test('/files/read at the agent: virtual path, size, paging, the 16-page cap and the real errors', async () => {
  master = await startMesosMaster({ agents: 2, agentHttp: true });
  const stream = await subscribe(master);
  const [offer] = await stream.offers();
  const agentId = offer!.agent_id.value;
  // 70,000 bytes of stdout: more than one 16-page read.
  await stream.launch([offer!], [commandTask(offer!, 'talker', "head -c 70000 /dev/zero | tr '\\0' 'x'; echo oops >&2")]);
  expect((await followToTerminal(stream, 'talker')).at(-1)?.state).toBe('TASK_FINISHED');
  const base = await agentUrl(agentId);
  const stdout = encodeURIComponent(`/frameworks/${stream.frameworkId}/executors/talker/runs/latest/stdout`);
  const read = (query: string) => get(`${base}/files/read?path=${stdout}${query}`);

  expect((await read('')).json).toEqual({ data: '', offset: 70_000 });
  expect((await read('&offset=-1')).json).toEqual({ data: '', offset: 70_000 });
  expect((await read('&offset=10&length=5')).json).toEqual({ data: 'xxxxx', offset: 10 });
  const capped = (await read('&offset=0')).json as { data: string; offset: number };
  expect(capped).toEqual({ data: 'x'.repeat(65_536), offset: 0 });
  expect((await read('&offset=65536&length=-1')).json).toEqual({ data: 'x'.repeat(70_000 - 65_536), offset: 65_536 });
  expect((await read('&offset=69998&length=100')).json).toEqual({ data: 'xx', offset: 69_998 });
  expect((await read('&offset=80000')).json).toEqual({ data: '', offset: 80_000 });
  expect((await read('&offset=5&length=0')).json).toEqual({ data: '', offset: 5 });

  for (const [query, status, body] of [
    ['&offset=-2', 400, 'Negative offset provided: -2.\n'],
    ['&offset=0&length=-5', 400, 'Negative length provided: -5.\n'],
    ['&offset=ten', 400, 'Failed to parse offset'],
    ['&offset=0&length=1.5', 400, 'Failed to parse length'],
  ] as const) {
    const reply = await read(query);
    expect({ query, status: reply.status }).toEqual({ query, status });
    expect(reply.text).toContain(body);
  }
  const stderr = encodeURIComponent(`/frameworks/${stream.frameworkId}/executors/talker/runs/latest/stderr`);
  // The command executor writes its own lines around the task's, as the real one does.
  expect((await get(`${base}/files/read?path=${stderr}&offset=0`)).json).toEqual({ data: expect.stringContaining('\noops\n'), offset: 0 });
  expect((await get(`${base}/files/read?offset=0`)).status).toBe(400);
  const sandboxDir = encodeURIComponent(`/frameworks/${stream.frameworkId}/executors/talker/runs/latest`);
  expect((await get(`${base}/files/read?path=${sandboxDir}&offset=0`)).text).toBe('Cannot read a directory.\n');
  const browse = (await get(`${base}/files/browse?path=${sandboxDir}`)).json as { path: string }[];
  expect(browse.map((e) => e.path)).toEqual([`${decodeURIComponent(sandboxDir)}/stderr`, `${decodeURIComponent(sandboxDir)}/stdout`]);

  // The other agent has no such sandbox; a path outside the agent's directory is not served.
  const other = master.agentIds.find((id) => id !== agentId)!;
  expect((await get(`${await agentUrl(other)}/files/read?path=${stdout}&offset=0`)).status).toBe(404);
  await writeFile(join(master.workDir, 'outside.txt'), 'not for you');
  for (const path of [join(master.workDir, 'outside.txt'), `/frameworks/../../../outside.txt`]) {
    const reply = await get(`${base}/files/read?path=${encodeURIComponent(path)}&offset=0`);
    expect(reply.status).toBe(404);
    expect(reply.text).not.toContain('not for you');
  }

  // A garbage-collected sandbox is a 404; a removed agent no longer answers.
  await rm(master.task(stream.frameworkId, 'talker')?.sandboxDir ?? join(master.workDir, 'slaves', agentId), { recursive: true, force: true });
  expect((await read('&offset=0')).status).toBe(404);
  master.removeAgent(agentId, 'gone');
  await expect(get(`${base}/health`)).rejects.toThrow();
  await stream.close();
});
