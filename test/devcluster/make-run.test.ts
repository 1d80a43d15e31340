// `make run` as a newcomer meets it, on one instance: the banner's suggestions work pasted line by
// line; every example in examples/ succeeds as written against the stub Spark artifacts; a
// finished driver's logs read through the UI and the kubectl plugin until its sandbox is gone; a
// second `make run` refuses without touching the first one's files; Ctrl-C stops every process.
// Then `make run ZK=1`, whose masters elect their leader in a real ZooKeeper (a JVM that must stop too).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitFor } from '../support/wait.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUN = path.join(ROOT, 'src/devcluster/run.ts');
const LONG = 180_000;
const dir = mkdtempSync(path.join(tmpdir(), 'devcluster-'));
const home = mkdtempSync(path.join(tmpdir(), 'devcluster-home-'));
const kubeconfig = path.join(dir, 'kubeconfig');
const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: home, PATH: `${path.join(ROOT, '.tools')}:${process.env.PATH}` };
const exec = promisify(execFile);
const kubectl = (...args: string[]) => exec(path.join(ROOT, '.tools/kubectl'), args, { env, cwd: ROOT, timeout: LONG });

/** Every live descendant of `pid`. */
function descendants(pid: number): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = out.split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
  return children.flatMap((c) => [c, ...descendants(c)]);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function startRun(workDir: string) {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', RUN], {
    cwd: ROOT, env: { ...process.env, DEVCLUSTER_DIR: workDir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { text: '' };
  child.stdout.on('data', (c: Buffer) => { output.text += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { output.text += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output, exited };
}

const first = startRun(dir);

beforeAll(async () => {
  await waitFor(() => first.output.text.includes('Press Ctrl-C to stop everything.'), 'the startup banner', 60_000);
}, LONG);

afterAll(async () => {
  // Normally the last test stopped it; if a test failed first, stop it the same way, then make
  // sure nothing it started outlives the suite (an orphaned dispatcher would hold the ports).
  if (first.child.exitCode === null) {
    const started = descendants(first.child.pid!);
    first.child.kill('SIGINT');
    await waitFor(() => first.child.exitCode !== null, 'make run to stop', 30_000).catch(() => undefined);
    for (const pid of [first.child.pid!, ...started]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
}, LONG);

test('the banner\'s suggestions all work, pasted line by line into a shell', async () => {
  expect(first.output.text).toMatch(/Web UI\s+http:\/\/127\.0\.0\.1:8081\//);
  const banner = first.output.text.split('\n');
  const start = banner.findIndex((l) => l.startsWith('Two example drivers were submitted:'));
  const end = banner.findIndex((l, i) => i > start && !l.startsWith('  '));
  const lines = banner.slice(start + 1, end).map((l) => l.trim());
  expect(lines[0]).toBe(`cd ${ROOT}`);
  expect(lines).toContain('kubectl sparkdriver logs spark-pi');
  // One shell, as a person pastes: each line must succeed before the next.
  const shell = await exec('bash', ['-e', '-c', lines.join('\n')], { env: { ...process.env, HOME: home }, cwd: home, timeout: LONG });
  expect(shell.stdout).toMatch(/^NAME +PHASE +OUTCOME[^\n]*\nspark-pi +/);
  expect(shell.stdout.match(/condition met/g)).toHaveLength(4);
  // spark-pi's through the plugin, spark-pi-on-pods' pod log through kubectl, spark-pi-supervised's.
  expect(shell.stdout.match(/Pi is roughly 3\.14159/g)).toHaveLength(3);
  expect(shell.stdout).toMatch(/spark-submit --name SparkPi --master k8s:\/\/http:\/\/127\.0\.0\.1:\d+ --deploy-mode client /);
  expect(shell.stdout).toContain('"success" : true');
  // README's quick start is the same commands (its export names .devcluster/ under $PWD).
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const quickStart = /In another terminal, in the repository[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split('\n') ?? [];
  expect(quickStart[0]).toBe('export KUBECONFIG=$PWD/.devcluster/kubeconfig PATH=$PWD/.tools:$PATH');
  expect(quickStart.length).toBeGreaterThan(3);
  expect(lines).toEqual(expect.arrayContaining(quickStart.slice(1)));
}, LONG);

test('every file in examples/ succeeds as written, under a name of its own', async () => {
  const examples = readdirSync(path.join(ROOT, 'examples')).sort();
  expect(examples).toEqual([
    'scheduledsparkdriver.yaml', 'spark-defaults.conf', 'sparkdriver-kubernetes.yaml', 'sparkdriver-python.yaml', 'sparkdriver.yaml', 'submit-with-curl.sh',
  ]);
  // spark-defaults.conf configures a dispatcher, not a driver: test/config/examples.test.ts loads
  // it; make run created the schedule (every minute there), the next test follows it.
  const manifests = examples.filter((f) => f.endsWith('.yaml') && f !== 'scheduledsparkdriver.yaml');
  const names = manifests.map((f) => /^ {2}name: (\S+)$/m.exec(readFileSync(path.join(ROOT, 'examples', f), 'utf8'))?.[1]);
  expect(new Set([...names, 'spark-pi']).size).toBe(names.length + 1);
  await kubectl('apply', ...manifests.flatMap((f) => ['-f', path.join('examples', f)]));
  const curl = await exec('sh', [path.join(ROOT, 'examples/submit-with-curl.sh')], { env, cwd: ROOT, timeout: LONG });
  const submissionId = /"submissionId" : "([^"]+)"/.exec(curl.stdout)?.[1];
  expect(submissionId).toMatch(/^driver-\d{14}-\d{4}$/);
  const waited = await kubectl('wait', '--for=condition=Succeeded', '--timeout=120s', ...names.map((n) => `sd/${n!}`), `sd/${submissionId!}`);
  expect(waited.stdout.match(/condition met/g)).toHaveLength(names.length + 1);
  // The drivers ran what the examples name: the PySpark one fetched its helpers.zip, unpacked.
  const python = await exec(path.join(ROOT, '.tools/kubectl-sparkdriver'), ['logs', 'pi-python', '--stderr'], { env, timeout: LONG });
  expect(python.stdout).toMatch(/Extracted '[^']*helpers\.zip'/);
}, LONG);

test('the example schedule runs: its first run succeeds, kubectl get ssd and the UI show it', async () => {
  // The first whole minute after it was created: up to a minute of real time.
  await waitFor(async () => (await kubectl('get', 'sd', '-l', 'sparkmesos.io/scheduled-driver=nightly-pi', '-o', 'jsonpath={.items[*].status.outcome}')).stdout
    .includes('Succeeded'), 'a run of nightly-pi to succeed', 90_000);
  const [header, row] = (await kubectl('get', 'ssd')).stdout.trim().split('\n');
  expect(header!.split(/\s{2,}/)).toEqual(['NAME', 'SCHEDULE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'NEXT SCHEDULE', 'AGE']);
  expect(row).toMatch(/^nightly-pi\s+\* \* \* \* \*\s+false\s+\d+\s+\d+s\s+\d{4}-\d\d-\d\dT\d\d:\d\d:00Z\s+\S+$/);
  const page = (await (await fetch('http://127.0.0.1:8081/')).text()).replaceAll('<wbr>', '');
  expect(page).toContain('default/nightly-pi');
}, LONG);

test('a finished driver\'s logs, in the UI and with the plugin, until Mesos removes its sandbox', async () => {
  const page = await (await fetch('http://127.0.0.1:8081/logs?id=default/spark-pi')).text();
  expect(page).toContain('Pi is roughly 3.14159');
  expect(page).toContain('The attempt has ended: the log is complete.');
  const plugin = path.join(ROOT, '.tools/kubectl-sparkdriver');
  expect((await exec(plugin, ['logs', 'spark-pi'], { env, timeout: LONG })).stdout).toMatch(/^spark-submit .*\nPi is roughly 3\.14159\n$/);
  // What Mesos' garbage collection does to a finished task's sandbox.
  const taskId = (await kubectl('get', 'sd', 'spark-pi', '-o', 'jsonpath={.status.currentAttempt.taskId}')).stdout;
  const executors = execFileSync('find', [path.join(dir, 'mesos'), '-type', 'd', '-name', taskId], { encoding: 'utf8' }).trim().split('\n');
  for (const executor of executors) rmSync(executor, { recursive: true, force: true });
  const gone = await exec(plugin, ['logs', 'spark-pi'], { env, timeout: LONG }).catch((error: { code: number; stderr: string }) => error);
  expect(gone).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: The sandbox of attempt 1 no longer exists on agent \S+: Mesos removed it after the task ended \(garbage collection\)/) });
  expect(await (await fetch('http://127.0.0.1:8081/logs?id=default/spark-pi')).text()).toContain('no longer exists');
}, LONG);

test('a second make run says it is already running and touches nothing of the first', async () => {
  const before = { kubeconfig: readFileSync(kubeconfig, 'utf8'), mtime: statSync(kubeconfig).mtimeMs, agents: readdirSync(path.join(dir, 'mesos', 'slaves')) };
  const again = startRun(dir);
  expect(await again.exited).toBe(1);
  expect(again.output.text).toBe(`make run: already running (pid ${first.child.pid}, kubeconfig ${kubeconfig}); use it, or stop it (Ctrl-C where it runs, or kill ${first.child.pid}) first\n`);
  expect({ kubeconfig: readFileSync(kubeconfig, 'utf8'), mtime: statSync(kubeconfig).mtimeMs, agents: readdirSync(path.join(dir, 'mesos', 'slaves')) }).toEqual(before);
  // From another directory, the ports give the first one away.
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'devcluster-other-'));
  try {
    const other = startRun(elsewhere);
    expect(await other.exited).toBe(1);
    expect(other.output.text).toMatch(/^make run: already running, or something else is: ports 7077 \(REST API\), 8081 \(web UI\), 8080 \(metrics\), 8090 \(artifacts\) are in use on 127\.0\.0\.1/);
    expect(readdirSync(elsewhere)).toEqual([]);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
  expect((await fetch('http://127.0.0.1:8080/readyz')).status).toBe(200);
}, LONG);

test('Ctrl-C stops everything it started and releases the work directory', async () => {
  const started = descendants(first.child.pid!);
  expect(started.length).toBeGreaterThan(0);
  first.child.kill('SIGINT');
  expect(await first.exited).toBe(0);
  await waitFor(() => started.every((pid) => !alive(pid)), 'every started process to end');
  expect(readdirSync(dir)).not.toContain('run.pid');
}, LONG);

test('make run ZK=1: masters elected in a real ZooKeeper; the example driver finishes, and Ctrl-C stops everything', async () => {
  const zkDir = mkdtempSync(path.join(tmpdir(), 'devcluster-zk-'));
  const run = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', RUN], {
    cwd: ROOT, env: { ...process.env, DEVCLUSTER_DIR: zkDir, DEVCLUSTER_ZK: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  run.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  run.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  const exited = new Promise<number | null>((resolve) => run.once('exit', resolve));
  try {
    await waitFor(() => output.includes('Press Ctrl-C to stop everything.'), 'the startup banner', 60_000);
    expect(output).toMatch(/ZooKeeper\s+127\.0\.0\.1:\d+\s+masters register under \/mesos/);
    const zkEnv = { ...process.env, KUBECONFIG: path.join(zkDir, 'kubeconfig'), HOME: zkDir };
    await waitFor(() => execFileSync(path.join(ROOT, '.tools/kubectl'), ['get', 'sd', 'spark-pi', '-o', 'jsonpath={.status.phase}/{.status.outcome}'], { env: zkEnv, encoding: 'utf8' })
      === 'Finished/Succeeded', 'spark-pi to succeed', 60_000);
    expect((await fetch('http://127.0.0.1:8080/readyz')).status).toBe(200);
    const started = descendants(run.pid!);
    run.kill('SIGINT');
    expect(await exited).toBe(0);
    await waitFor(() => started.every((pid) => !alive(pid)), 'every started process to end');
  } finally {
    if (run.exitCode === null) run.kill('SIGKILL');
    rmSync(zkDir, { recursive: true, force: true });
  }
}, LONG);
