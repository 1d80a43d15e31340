// The emulator's read-only surfaces: `/state` shaped like the real master's (with secrets
// masked), the files API over task sandboxes (confined to the work dir), and the standalone CLI.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { FakeClock } from '../fakes/fake-clock.ts';
import { startMesosMaster, type EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { commandTask, followToTerminal, getJson, subscribe } from './mesos-harness.ts';

let master: EmulatedMesosMaster;

afterEach(async () => {
  await master?.close();
});

type StateJson = {
  id: string; leader_info: { id: string; port: number };
  slaves: Record<string, unknown>[];
  frameworks: (Record<string, unknown> & { tasks: Record<string, unknown>[]; completed_tasks: Record<string, unknown>[] })[];
  completed_frameworks: unknown[];
};

test('/state: leader, agents, frameworks and tasks with resources, command (secrets masked), labels, container', async () => {
  const clock = new FakeClock();
  master = await startMesosMaster({ clock, agents: [{ attributes: 'rack:r1;level:3;zone:[1-5];tags:{a,b}', resources: 'cpus:4;mem:4096;disk:100;ports:[31000-32000];cpus(spark):1' }] });
  const stream = await subscribe(master, { name: 'state-test', failover_timeout: 60, labels: { labels: [{ key: 'team', value: 'data' }] } });
  const [offer] = await stream.offers();
  const task = commandTask(offer!, 'shown', 'echo "$PLAIN $HIDDEN"; sleep 60', {
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 64 } },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 31001 }] } },
    ],
    labels: { labels: [{ key: 'spark-driver', value: 'yes' }] },
    container: { type: 'MESOS' },
  });
  task.command!.environment = { variables: [
    { name: 'PLAIN', value: 'visible' },
    { name: 'HIDDEN', type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from('hunter2') } } },
  ] };
  await stream.launch([offer!], [task]);
  await stream.acknowledge(await stream.update('shown'));
  await stream.update('shown'); // RUNNING, left unACKed

  for (const path of ['/state', '/master/state', '/state.json']) {
    const { status, json, text } = await getJson(master, path);
    expect(status).toBe(200);
    expect(text).not.toContain('hunter2');
    const state = json as StateJson;
    expect(state.id).toBe(master.masterId);
    expect(state.leader_info).toMatchObject({ id: master.masterId, port: master.port });
    expect(state.slaves[0]).toMatchObject({
      id: offer!.agent_id.value, hostname: 'localhost',
      resources: { cpus: 5, mem: 4096, disk: 100, gpus: 0, ports: '[31000-32000]' },
      used_resources: { cpus: 0.5, mem: 64, disk: 0, gpus: 0, ports: '[31000-31001]' },
      reserved_resources: { spark: { cpus: 1, mem: 0, disk: 0, gpus: 0 } },
      attributes: { rack: 'r1', level: 3, zone: '[1-5]', tags: '{a,b}' },
    });
    const framework = state.frameworks[0]!;
    expect(framework).toMatchObject({
      id: stream.frameworkId, name: 'state-test', user: 'tester', active: true, connected: true, role: '*',
      failover_timeout: 60, labels: [{ key: 'team', value: 'data' }], TASK_RUNNING: 1,
    });
    expect(framework.tasks).toHaveLength(1);
    expect(framework.tasks[0]).toMatchObject({
      id: 'shown', name: 'shown', framework_id: stream.frameworkId, executor_id: '', slave_id: offer!.agent_id.value,
      state: 'TASK_RUNNING', resources: { cpus: 0.5, mem: 64, disk: 0, gpus: 0, ports: '[31000-31001]' },
      labels: [{ key: 'spark-driver', value: 'yes' }], container: { type: 'MESOS' },
      command: {
        value: 'echo "$PLAIN $HIDDEN"; sleep 60', shell: true,
        environment: { variables: [
          { name: 'PLAIN', type: 'VALUE', value: 'visible' },
          { name: 'HIDDEN', type: 'SECRET', secret: { type: 'VALUE', value: { data: '******' } } },
        ] },
      },
    });
    expect((framework.tasks[0]!.statuses as { state: string }[]).map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
    expect(framework.completed_tasks).toEqual([]);
    expect(state.completed_frameworks).toEqual([]);
  }
  await stream.close();
});

describe('files API', () => {
  let outside: string;

  beforeEach(async () => {
    outside = await mkdtemp(join(tmpdir(), 'mesos-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'not for you');
  });

  afterEach(async () => {
    await rm(outside, { recursive: true, force: true });
  });

  test('browse, read and download a sandbox; escapes are refused', async () => {
    master = await startMesosMaster({ agents: 1 });
    const stream = await subscribe(master);
    const [offer] = await stream.offers();
    await stream.launch([offer!], [commandTask(offer!, 'talker', 'echo hi; echo oops >&2')]);
    const view = master.task(stream.frameworkId, 'talker');
    const sandbox = view!.sandboxDir;
    expect(sandbox).toMatch(new RegExp(`/slaves/${offer!.agent_id.value}/frameworks/${stream.frameworkId}/executors/talker/runs/[0-9a-f-]{36}$`));
    expect((await followToTerminal(stream, 'talker')).at(-1)?.state).toBe('TASK_FINISHED');

    const q = encodeURIComponent;
    const browse = await getJson(master, `/files/browse?path=${q(sandbox)}`);
    expect(browse.status).toBe(200);
    const entries = browse.json as { path: string; size: number; mode: string; nlink: number; mtime: number; uid: string; gid: string }[];
    expect(entries.map((e) => e.path).sort()).toEqual([join(sandbox, 'stderr'), join(sandbox, 'stdout')]);
    expect(entries[0]).toMatchObject({ mode: expect.stringMatching(/^-[rwx-]{9}$/), nlink: 1 });

    const size = await getJson(master, `/files/read?path=${q(join(sandbox, 'stdout'))}`);
    expect(size.json).toEqual({ data: '', offset: 3 });
    const read = await getJson(master, `/files/read?path=${q(join(sandbox, 'stdout'))}&offset=0&length=100`);
    expect(read.json).toEqual({ data: 'hi\n', offset: 0 });
    const partial = await getJson(master, `/files/read.json?path=${q(join(sandbox, 'stdout'))}&offset=1&length=1`);
    expect(partial.json).toEqual({ data: 'i', offset: 1 });
    const relative = sandbox.slice(master.workDir.length + 1);
    expect((await getJson(master, `/files/browse?path=${q(relative)}`)).status).toBe(200);

    const download = await request(`${master.url}/files/download?path=${q(join(sandbox, 'stdout'))}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(await download.body.text()).toBe('hi\n');

    expect((await getJson(master, '/files/read?offset=0')).status).toBe(400);
    expect((await getJson(master, `/files/read?path=${q(sandbox)}&offset=0`)).status).toBe(400);
    expect((await getJson(master, `/files/read?path=${q(join(sandbox, 'nope'))}&offset=0`)).status).toBe(404);
    const escapes = [`${sandbox}/../../../../../../../../..${outside}/secret.txt`, `${outside}/secret.txt`, '../../../../../../etc/passwd'];
    for (const path of escapes) {
      for (const action of ['browse', 'read', 'download']) {
        const reply = await getJson(master, `/files/${action}?path=${q(path)}&offset=0`);
        expect(reply.status).toBe(404);
        expect(reply.text).not.toContain('not for you');
      }
    }
    await stream.close();
  });
});

test('the CLI starts 3 agents, prints its address, and stops on SIGTERM', async () => {
  const workDir = await mkdtemp(join(tmpdir(), 'mesos-cli-'));
  const child = spawn(process.execPath, ['src/devcluster/mesos/cli.ts', '--port', '0', '--work-dir', workDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Mesos master emulator listening on (http:\/\/127\.0\.0\.1:\d+) \(3 agents\)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`CLI exited early with ${code}: ${out}`)));
    });
    const res = await request(`${url}/state`);
    const state = (await res.body.json()) as StateJson;
    expect(state.slaves).toHaveLength(3);
    expect(state.slaves[0]).toMatchObject({ resources: { cpus: 4, mem: 4096, disk: 10240, gpus: 0, ports: '[31000-32000]' } });
    // The standalone process serves the test hooks under /__admin/.
    const added = await request(`${url}/__admin/agents`, { method: 'POST', body: JSON.stringify({ resources: 'cpus:1;mem:512;gpus:1', attributes: 'rack:r9' }) });
    const { id } = (await added.body.json()) as { id: string };
    const after = (await (await request(`${url}/state`)).body.json()) as StateJson;
    expect(after.slaves.find((s) => s.id === id)).toMatchObject({ attributes: { rack: 'r9' }, resources: { gpus: 1 } });
    const removed = await request(`${url}/__admin/agents/${id}`, { method: 'DELETE' });
    expect(removed.statusCode).toBe(200);
    await removed.body.dump();
    const leadership = await request(`${url}/__admin/leadership`, { method: 'POST', body: JSON.stringify({ mode: 'none' }) });
    expect(leadership.statusCode).toBe(200);
    await leadership.body.dump();
    const refused = await request(`${url}/api/v1/scheduler`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.statusCode).toBe(503);
    await refused.body.dump();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    child.kill('SIGKILL');
    await rm(workDir, { recursive: true, force: true });
  }
});
