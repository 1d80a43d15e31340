// `kubectl sparkdriver logs` against a dispatcher's web UI reading an emulated agent: the whole
// file across several 64 KiB reads, stderr, an older attempt, lookup by submission ID, the
// namespace from the kubeconfig context, follow until the attempt ends, and the errors a person
// meets (unknown driver, not launched, no dispatcher, bad usage). kubectl finds the plugin that
// `make install` put in .tools/.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMesosMaster, type EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { DriverLogs } from '../../src/logs/driver-logs.ts';
import { SandboxFiles } from '../../src/mesos/sandbox-files.ts';
import { startUiServer, uiDriverFrom, type UiServer, type UiSnapshot } from '../../src/ui/index.ts';
import { driverWithAttempts, ended, running, writeSandboxFile } from '../logs/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { dispatcherConfig } from '../ui/fixtures.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const PLUGIN = join(ROOT, 'src/cli/kubectl-sparkdriver.ts');
const BIG = Array.from({ length: 20_000 }, (_, i) => `event ${i}\n`).join('');

let master: EmulatedMesosMaster;
let server: UiServer;
let snapshot: UiSnapshot;
let liveLog: string;
let agent: string;
let tmp: string;
const config = dispatcherConfig();

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'plugin-'));
  master = await startMesosMaster({ agents: 1, agentHttp: true });
  [agent] = master.agentIds as [string];
  writeSandboxFile(master, agent, 'driver-big', 'stdout', 'attempt one\n');
  writeSandboxFile(master, agent, 'driver-big-retry-1', 'stdout', BIG);
  writeSandboxFile(master, agent, 'driver-big-retry-1', 'stderr', 'ERROR boom\n');
  liveLog = join(writeSandboxFile(master, agent, 'driver-live', 'stdout', 'step 1\n'), 'stdout');
  snapshot = {
    masterUrl: 'mesos://test', leader: true,
    drivers: [
      driverWithAttempts('big', [ended('driver-big', agent), ended('driver-big-retry-1', agent)]),
      driverWithAttempts('live', [running('driver-live', agent)], 'Launched'),
      driverWithAttempts('waiting', [], 'Queued'),
      driverWithAttempts('later', [], 'Queued'),
    ].map((r) => uiDriverFrom(r, config)),
  };
  server = await startUiServer({
    source: { snapshot: () => snapshot }, host: '127.0.0.1', port: 0,
    logs: new DriverLogs(new SandboxFiles({ masters: () => [master.url] })),
  });
});
afterAll(async () => {
  await server?.close();
  await master?.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Run { code: number | null; stdout: string; stderr: string }

function plugin(args: string[], env: NodeJS.ProcessEnv = {}, onStdout?: (all: string) => void, onStderr?: (all: string) => void): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', PLUGIN, ...args], {
      env: { PATH: process.env.PATH, HOME: tmp, SPARK_DISPATCHER_URL: server.url, KUBECTL_PATH: '/nonexistent/kubectl', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr);
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

test('prints the whole stdout of the latest attempt, several agent reads long; stderr; an older attempt', async () => {
  const all = await plugin(['logs', 'big', '-n', 'jobs']);
  expect({ code: all.code, stderr: all.stderr }).toEqual({ code: 0, stderr: '' });
  expect(all.stdout.length).toBe(BIG.length);
  expect(all.stdout === BIG).toBe(true);
  expect(await plugin(['logs', 'big', '-n', 'jobs', '--stderr'])).toEqual({ code: 0, stdout: 'ERROR boom\n', stderr: '' });
  expect(await plugin(['logs', 'jobs/big', '--attempt', '1'])).toEqual({ code: 0, stdout: 'attempt one\n', stderr: '' });
  // A submission ID works from any namespace; --dispatcher wins over the environment.
  expect(await plugin(['logs', 'driver-big', '--attempt=1', '--dispatcher', server.url], { SPARK_DISPATCHER_URL: 'http://127.0.0.1:1' }))
    .toEqual({ code: 0, stdout: 'attempt one\n', stderr: '' });
});

test('the namespace comes from the kubeconfig context, through kubectl', async () => {
  const kubeconfig = join(tmp, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: c',
    'clusters: [{name: k, cluster: {server: "http://127.0.0.1:1"}}]', 'users: [{name: u, user: {}}]',
    'contexts: [{name: c, context: {cluster: k, user: u, namespace: jobs}}]', '',
  ].join('\n'));
  const run = await plugin(['logs', 'big', '--attempt', '1'], { KUBECONFIG: kubeconfig, KUBECTL_PATH: join(ROOT, '.tools/kubectl') });
  expect(run).toEqual({ code: 0, stdout: 'attempt one\n', stderr: '' });
});

test('-f prints what comes until the attempt ends', async () => {
  let seen = '';
  const following = plugin(['logs', '-f', 'live', '-n', 'jobs'], {}, (out) => { seen = out; });
  await waitFor(() => seen === 'step 1\n', 'the first line');
  appendFileSync(liveLog, 'step 2\n');
  await waitFor(() => seen === 'step 1\nstep 2\n', 'the appended line');
  appendFileSync(liveLog, 'done\n');
  snapshot = { ...snapshot, drivers: snapshot.drivers.map((d) => (d.resource.metadata.name === 'live'
    ? uiDriverFrom(driverWithAttempts('live', [ended('driver-live', agent)]), config) : d)) };
  expect(await following).toEqual({ code: 0, stdout: 'step 1\nstep 2\ndone\n', stderr: '' });
});

test('-f on a queued driver waits for it to launch, then follows it to the end', async () => {
  let seen = '';
  let told = '';
  const following = plugin(['logs', 'later', '-n', 'jobs', '--follow'], {}, (out) => { seen = out; }, (err) => { told = err; });
  const replace = (driver: ReturnType<typeof uiDriverFrom>) => {
    snapshot = { ...snapshot, drivers: snapshot.drivers.map((d) => (d.resource.metadata.name === 'later' ? driver : d)) };
  };
  await waitFor(() => told.includes('Waiting...'), 'the plugin to say it waits');
  // Launched, but its sandbox not there yet: still waiting.
  replace(uiDriverFrom(driverWithAttempts('later', [running('driver-later', agent)], 'Launched'), config));
  writeSandboxFile(master, agent, 'driver-later', 'stdout', 'started\n');
  await waitFor(() => seen === 'started\n', 'the launched driver\'s first line');
  replace(uiDriverFrom(driverWithAttempts('later', [ended('driver-later', agent)]), config));
  expect(await following).toEqual({ code: 0, stdout: 'started\n', stderr: 'jobs/later has not been launched yet, so it has no logs. Waiting...\n' });
});

test('errors say what is wrong; usage errors exit 2', async () => {
  expect(await plugin(['logs', 'nope', '-n', 'jobs'])).toEqual({ code: 1, stdout: '', stderr: 'error: Cannot find driver nope\n' });
  expect(await plugin(['logs', 'waiting', '-n', 'jobs'])).toEqual({ code: 1, stdout: '', stderr: 'error: jobs/waiting has not been launched yet, so it has no logs.\n' });
  expect(await plugin(['logs', 'big', '-n', 'jobs', '--attempt', '9'])).toMatchObject({ code: 1, stderr: 'error: jobs/big has no attempt 9 on record; its status keeps attempts 1 to 2.\n' });
  const down = await plugin(['logs', 'big'], { SPARK_DISPATCHER_URL: 'http://127.0.0.1:1' });
  expect(down.code).toBe(1);
  expect(down.stderr).toMatch(/^error: cannot reach the dispatcher at http:\/\/127\.0\.0\.1:1: .*\(set --dispatcher or SPARK_DISPATCHER_URL\)\n$/);
  for (const args of [[], ['logs'], ['tail', 'x'], ['logs', 'x', '--attempt', '0'], ['logs', 'x', '--bogus']]) {
    const run = await plugin(args);
    expect({ args, code: run.code }).toEqual({ args, code: 2 });
    expect(run.stderr).toContain('Usage:');
  }
  const help = await plugin(['--help']);
  expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
  expect(help.stdout).toContain('kubectl sparkdriver logs NAME [--stderr] [-f] [--attempt N]');
});

test('kubectl finds the plugin make install put in .tools/', async () => {
  const kubectl = await new Promise<Run>((done) => {
    const child = spawn(join(ROOT, '.tools/kubectl'), ['sparkdriver', '--help'], {
      env: { PATH: `${join(ROOT, '.tools')}:${process.env.PATH}`, HOME: tmp }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
  expect({ code: kubectl.code, stderr: kubectl.stderr }).toEqual({ code: 0, stderr: '' });
  expect(kubectl.stdout).toContain('Read the logs of a SparkDriver');
});
