// `make run` as a newcomer meets it: the example driver reaches Finished, and Ctrl-C (SIGINT)
// stops every process it started, task processes included; the same with `make run ZK=1`,
// whose masters elect their leader in a real ZooKeeper (a JVM that must stop too).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../support/wait.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

test.each([
  ['make run', '', /Mesos master \(emulated\)\s+http:\/\/127\.0\.0\.1:\d+/],
  ['make run ZK=1', '1', /ZooKeeper\s+127\.0\.0\.1:\d+\s+masters register under \/mesos/],
])('%s: the example driver finishes, and Ctrl-C stops everything it started', async (_name, zk, banner) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'devcluster-'));
  const run = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', path.join(ROOT, 'src/devcluster/run.ts')], {
    cwd: ROOT, env: { ...process.env, DEVCLUSTER_DIR: dir, STUB_SECONDS: '0', DEVCLUSTER_ZK: zk }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  run.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  run.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  const exited = new Promise<number | null>((resolve) => run.once('exit', resolve));
  try {
    await waitFor(() => output.includes('Press Ctrl-C to stop everything.'), 'the startup banner', 30_000);
    expect(output).toMatch(/Web UI\s+http:\/\/127\.0\.0\.1:8081\//);
    expect(output).toMatch(banner);
    const kubectl = path.join(ROOT, '.tools/kubectl');
    const env = { ...process.env, KUBECONFIG: path.join(dir, 'kubeconfig'), HOME: dir };
    await waitFor(() => {
      const phase = execFileSync(kubectl, ['get', 'sd', 'spark-pi', '-o', 'jsonpath={.status.phase}/{.status.outcome}'], { env, encoding: 'utf8' });
      return phase === 'Finished/Succeeded';
    }, 'spark-pi to succeed', 30_000);
    // The UI shows it (a browser breaks long words at <wbr>), and the dispatcher reports ready.
    const page = (await (await fetch('http://127.0.0.1:8081/')).text()).replaceAll('<wbr>', '');
    expect(page).toContain('default/spark-pi');
    expect(page).toContain('Succeeded');
    expect((await fetch('http://127.0.0.1:8080/readyz')).status).toBe(200);
    const started = descendants(run.pid!);
    expect(started.length).toBeGreaterThan(0);
    run.kill('SIGINT');
    expect(await exited).toBe(0);
    await waitFor(() => started.every((pid) => !alive(pid)), 'every started process to end');
  } finally {
    if (run.exitCode === null) run.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
