// The emulated command executor against real processes and real files in a temp dir. Grace
// periods and max_completion_time run on a FakeClock; tests only wait for real events (updates,
// a line in the task's stdout), never for time to pass.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchCommandTask, strsignal } from '../../src/devcluster/mesos/executor.ts';
import type { ExecutorUpdate, LaunchRequest, RunningCommandTask } from '../../src/devcluster/mesos/executor.ts';
import type { CommandInfo, TaskInfo, TaskState } from '../../src/mesos/types.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

/** Collects a task's updates and lets a test await a given state. */
class Recorder {
  readonly updates: ExecutorUpdate[] = [];
  private waiters: { state: TaskState; resolve: (u: ExecutorUpdate) => void }[] = [];

  readonly listener = (update: ExecutorUpdate): void => {
    this.updates.push(update);
    for (const w of this.waiters.filter((w) => w.state === update.state)) w.resolve(update);
    this.waiters = this.waiters.filter((w) => w.state !== update.state);
  };

  get states(): TaskState[] {
    return this.updates.map((u) => u.state);
  }

  get last(): ExecutorUpdate {
    const last = this.updates.at(-1);
    if (!last) throw new Error('no update yet');
    return last;
  }

  waitFor(state: TaskState): Promise<ExecutorUpdate> {
    const seen = this.updates.find((u) => u.state === state);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ state, resolve }));
  }
}

interface Launched { task: RunningCommandTask; recorder: Recorder; sandbox: string; clock: FakeClock }

let root: string;
let server: Server;
let baseUrl: string;
let hangingRequest: Promise<void>;
let markHangingRequest: () => void;
let sequence = 0;
const running: RunningCommandTask[] = [];

function resetHangingRequest(): void {
  hangingRequest = new Promise((resolve) => { markHangingRequest = resolve; });
}

function serve(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/hang') {
    markHangingRequest();
    return; // never answers
  }
  if (req.url === '/files/hello.txt') {
    res.end('hello over http\n');
    return;
  }
  res.statusCode = 404;
  res.end('not found');
}

beforeAll(async () => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'executor-test-')));
  resetHangingRequest();
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  // Whatever a failed test left behind: stop it and kill its process group.
  for (const task of running.splice(0)) {
    task.kill(0);
    if (task.pid !== undefined) {
      try { process.kill(-task.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    await task.done;
  }
  resetHangingRequest();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

function launch(
  command: CommandInfo,
  options: { task?: Partial<TaskInfo>; request?: Partial<LaunchRequest> } = {},
): Launched {
  const id = `task-${++sequence}`;
  const sandbox = path.join(root, 'slaves', 'agent-1', 'frameworks', 'fw-1', 'executors', id, 'runs', `c-${sequence}`);
  const clock = new FakeClock();
  const recorder = new Recorder();
  const task = launchCommandTask({
    task: { name: id, task_id: { value: id }, agent_id: { value: 'agent-1' }, command, ...options.task },
    frameworkId: 'fw-1',
    agentId: 'agent-1',
    frameworkUser: 'nobody',
    sandboxDir: sandbox,
    agentEndpoint: '127.0.0.1:5051',
    allocationRole: 'spark',
    checkpoint: true,
    taskKillingState: false,
    clock,
    ...options.request,
  }, recorder.listener);
  running.push(task);
  return { task, recorder, sandbox, clock };
}

function sandboxText(sandbox: string, file: string): string {
  return readFileSync(path.join(sandbox, file), 'utf8');
}

/** Waits (bounded, polling) for the task to print `text` to its stdout. */
async function waitForOutput(sandbox: string, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!sandboxText(sandbox, 'stdout').includes(text)) {
    if (Date.now() > deadline) throw new Error(`stdout never contained '${text}'`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** True while the process exists and is not a zombie (an orphan waits for init to reap it). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const TERMINAL: TaskState[] = ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED'];
// Survives SIGTERM (the trap outlives the killed `sleep`) and says so on stdout.
const STUBBORN = "trap 'echo got-term' TERM; echo ready; while :; do sleep 1; done";

describe('running a command', () => {
  test('a successful command goes STARTING → RUNNING → FINISHED and writes its stdout to the sandbox', async () => {
    const { task, recorder, sandbox } = launch({ value: 'echo hi; echo oops >&2' });
    await task.done;

    expect(recorder.updates).toEqual([
      { state: 'TASK_STARTING', source: 'SOURCE_EXECUTOR' },
      { state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR' },
      { state: 'TASK_FINISHED', source: 'SOURCE_EXECUTOR', message: 'Command exited with status 0' },
    ]);
    expect(sandboxText(sandbox, 'stdout')).toBe('hi\n');
    expect(sandboxText(sandbox, 'stderr')).toContain('oops\n');
    expect(sandboxText(sandbox, 'stderr')).toMatch(/^I\d{4} [\d:.]+ \d+ executor\] Starting task task-\d+$/m);
    expect(task.pid).toEqual(expect.any(Number));

    task.kill(); // after the terminal update: nothing more
    expect(recorder.updates).toHaveLength(3);
  });

  test('a non-zero exit is TASK_FAILED with the exit status', async () => {
    const { task, recorder } = launch({ value: 'exit 3' });
    await task.done;
    expect(recorder.states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
    expect(recorder.last).toEqual({ state: 'TASK_FAILED', source: 'SOURCE_EXECUTOR', message: 'Command exited with status 3' });
  });

  test('a command killed by a signal it sent itself is TASK_FAILED with the strsignal name', async () => {
    const { task, recorder } = launch({ value: 'kill -SEGV $$' });
    await task.done;
    expect(recorder.last).toEqual({ state: 'TASK_FAILED', source: 'SOURCE_EXECUTOR', message: 'Command terminated with signal Segmentation fault' });
  });

  test('the environment is clean, carries the MESOS_* variables, then CommandInfo.environment', async () => {
    process.env['EXECUTOR_TEST_LEAK'] = 'agent-only';
    const { task, sandbox } = launch({
      value: 'env; echo "cwd=$(pwd -P)"',
      environment: { variables: [
        { name: 'PLAIN', value: 'plain value' },
        { name: 'TYPED', type: 'VALUE', value: 'typed' },
        { name: 'PASSWORD', type: 'SECRET', secret: { type: 'VALUE', value: { data: new TextEncoder().encode('s3cret ✓') } } },
        { name: 'MESOS_ALLOCATION_ROLE', value: 'overridden' },
      ] },
    });
    await task.done;
    delete process.env['EXECUTOR_TEST_LEAK'];

    const lines = sandboxText(sandbox, 'stdout').trim().split('\n');
    const env = new Map(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(Object.fromEntries(['HOME', 'MESOS_SANDBOX', 'MESOS_DIRECTORY', 'MESOS_FRAMEWORK_ID', 'MESOS_EXECUTOR_ID',
      'MESOS_TASK_ID', 'MESOS_AGENT_ID', 'MESOS_SLAVE_ID', 'MESOS_AGENT_ENDPOINT', 'MESOS_CHECKPOINT',
      'MESOS_ALLOCATION_ROLE', 'PLAIN', 'TYPED', 'PASSWORD', 'cwd'].map((k) => [k, env.get(k)]))).toEqual({
      HOME: sandbox,
      MESOS_SANDBOX: sandbox,
      MESOS_DIRECTORY: sandbox,
      MESOS_FRAMEWORK_ID: 'fw-1',
      MESOS_EXECUTOR_ID: `task-${sequence}`,
      MESOS_TASK_ID: `task-${sequence}`,
      MESOS_AGENT_ID: 'agent-1',
      MESOS_SLAVE_ID: 'agent-1',
      MESOS_AGENT_ENDPOINT: '127.0.0.1:5051',
      MESOS_CHECKPOINT: '1',
      MESOS_ALLOCATION_ROLE: 'overridden',
      PLAIN: 'plain value',
      TYPED: 'typed',
      PASSWORD: 's3cret ✓',
      cwd: sandbox,
    });
    expect(env.get('PATH')).toBe(process.env['PATH']);
    expect(env.has('EXECUTOR_TEST_LEAK')).toBe(false);
  });

  test('shell=false execs value with arguments as the whole argv, arguments[0] being argv[0]', async () => {
    const { task, recorder, sandbox } = launch({ shell: false, value: 'cat', arguments: ['my-cat', '/proc/self/cmdline'] });
    await task.done;
    expect(recorder.last.state).toBe('TASK_FINISHED');
    expect(sandboxText(sandbox, 'stdout').split('\0')).toEqual(['my-cat', '/proc/self/cmdline', '']);
  });

  test('shell=false with a missing executable fails the container launch after TASK_STARTING', async () => {
    const { task, recorder } = launch({ shell: false, value: '/no/such/binary', arguments: ['binary'] });
    await task.done;
    expect(recorder.states).toEqual(['TASK_STARTING', 'TASK_FAILED']);
    expect(recorder.last).toMatchObject({ reason: 'REASON_CONTAINER_LAUNCH_FAILED', source: 'SOURCE_AGENT' });
    expect(recorder.last.message).toMatch(/^Failed to launch container: Failed to execute '\/no\/such\/binary': .*ENOENT/);
  });

  test('the task process group is killed when the command exits, so nothing it forked survives', async () => {
    const { task, recorder, sandbox } = launch({ value: 'sleep 30 & echo "bg=$!"' });
    await task.done;
    expect(recorder.last.state).toBe('TASK_FINISHED');
    const bg = Number(/bg=(\d+)/.exec(sandboxText(sandbox, 'stdout'))?.[1]);
    const deadline = Date.now() + 5000;
    while (isAlive(bg) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(isAlive(bg)).toBe(false);
  });

  test('strsignal names the common signals the way glibc does', () => {
    expect(['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGABRT', 'SIGSEGV'].map((s) => strsignal(s as NodeJS.Signals)))
      .toEqual(['Terminated', 'Killed', 'Interrupt', 'Hangup', 'Aborted', 'Segmentation fault']);
  });
});

describe('killing', () => {
  test('with TASK_KILLING_STATE: TASK_KILLING, then SIGTERM ends the task as TASK_KILLED', async () => {
    const { task, recorder } = launch({ value: 'sleep 30' }, { request: { taskKillingState: true } });
    await recorder.waitFor('TASK_RUNNING');
    task.kill();
    expect(recorder.states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING']);
    await task.done;
    expect(recorder.states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
    expect(recorder.last).toEqual({ state: 'TASK_KILLED', source: 'SOURCE_EXECUTOR', message: 'Command terminated with signal Terminated' });
  });

  test('without the capability there is no TASK_KILLING, and a clean exit after the kill is still TASK_KILLED', async () => {
    const { task, recorder, sandbox } = launch({ value: "trap 'exit 0' TERM; echo ready; while :; do sleep 1; done" });
    await recorder.waitFor('TASK_RUNNING');
    await waitForOutput(sandbox, 'ready');
    task.kill();
    await task.done;
    expect(recorder.states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
    expect(recorder.last.message).toBe('Command exited with status 0');
  });

  test('a task that survives SIGTERM is SIGKILLed only when the kill_policy grace period has passed', async () => {
    const { task, recorder, sandbox, clock } = launch({ value: STUBBORN }, {
      task: { kill_policy: { grace_period: { nanoseconds: 5e9 } } },
      request: { taskKillingState: true },
    });
    await recorder.waitFor('TASK_RUNNING');
    await waitForOutput(sandbox, 'ready');
    task.kill();
    await waitForOutput(sandbox, 'got-term');

    clock.advance(4999);
    expect(isAlive(task.pid!)).toBe(true);
    expect(recorder.states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING']);

    clock.advance(1);
    await task.done;
    expect(recorder.last).toEqual({ state: 'TASK_KILLED', source: 'SOURCE_EXECUTOR', message: 'Command terminated with signal Killed' });
    expect(sandboxText(sandbox, 'stderr')).toContain('did not terminate after 5secs, sending SIGKILL');
  });

  test('a later kill can shorten the grace period but never extend it', async () => {
    const { task, recorder, sandbox, clock } = launch({ value: STUBBORN });
    await recorder.waitFor('TASK_RUNNING');
    await waitForOutput(sandbox, 'ready');
    task.kill(10_000);
    await waitForOutput(sandbox, 'got-term');
    clock.advance(1000);
    task.kill(60_000); // ignored: longer
    task.kill(2000);   // SIGKILL at 2 s after the first kill
    clock.advance(999);
    expect(isAlive(task.pid!)).toBe(true);
    expect(recorder.states.some((s) => TERMINAL.includes(s))).toBe(false);

    clock.advance(1);
    await task.done;
    expect(recorder.last.message).toBe('Command terminated with signal Killed');
    expect(recorder.states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
  });

  test('a kill right after launch ends as TASK_KILLED_DURING_LAUNCH without ever spawning', async () => {
    const { task, recorder, sandbox } = launch({ value: 'echo should-not-run' });
    task.kill();
    await task.done;
    expect(recorder.updates).toEqual([{
      state: 'TASK_KILLED', reason: 'REASON_TASK_KILLED_DURING_LAUNCH', source: 'SOURCE_AGENT',
      message: 'Killed before delivery to the executor',
    }]);
    expect(task.pid).toBeUndefined();
    expect(sandboxText(sandbox, 'stdout')).toBe('');
  });

  test('a kill during the fetch aborts it and ends as TASK_KILLED_DURING_LAUNCH', async () => {
    const { task, recorder } = launch({ value: 'echo should-not-run', uris: [{ value: `${baseUrl}/hang` }] });
    await hangingRequest;
    task.kill();
    await task.done;
    expect(recorder.updates).toEqual([expect.objectContaining({
      state: 'TASK_KILLED', reason: 'REASON_TASK_KILLED_DURING_LAUNCH', source: 'SOURCE_AGENT',
    })]);
    expect(task.pid).toBeUndefined();
  });

  test('max_completion_time kills the task (no TASK_KILLING) and fails it with REASON_MAX_COMPLETION_TIME_REACHED', async () => {
    const { task, recorder, clock } = launch({ value: 'sleep 30' }, {
      task: { max_completion_time: { nanoseconds: 2e9 } },
      request: { taskKillingState: true },
    });
    await recorder.waitFor('TASK_RUNNING');
    clock.advance(1999);
    expect(isAlive(task.pid!)).toBe(true);

    clock.advance(1);
    await task.done;
    expect(recorder.states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
    expect(recorder.last).toMatchObject({ reason: 'REASON_MAX_COMPLETION_TIME_REACHED', source: 'SOURCE_EXECUTOR' });
    expect(recorder.last.message).toMatch(/^Command terminated with signal (Terminated|Killed)$/);
  });
});

describe('fetching URIs before the launch', () => {
  test('an executable from a local path, a file over http with output_file, and a tar.gz that gets extracted', async () => {
    const source = path.join(root, `src-${++sequence}`);
    execFileSync('mkdir', ['-p', path.join(source, 'pkg')]);
    writeFileSync(path.join(source, 'run.sh'), '#!/bin/sh\necho "script ran with $1"\n');
    writeFileSync(path.join(source, 'pkg', 'data.txt'), 'archived data\n');
    execFileSync('tar', ['-czf', path.join(source, 'pkg.tar.gz'), '-C', source, 'pkg']);

    const { task, recorder, sandbox } = launch({
      value: './run.sh arg && cat conf/hello.conf pkg/data.txt',
      uris: [
        { value: path.join(source, 'run.sh'), executable: true },
        { value: `${baseUrl}/files/hello.txt`, output_file: 'conf/hello.conf' },
        { value: `file://${path.join(source, 'pkg.tar.gz')}` },
      ],
    });
    await task.done;

    expect(recorder.states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    expect(sandboxText(sandbox, 'stdout')).toBe('script ran with arg\nhello over http\narchived data\n');
    const stderr = sandboxText(sandbox, 'stderr');
    expect(stderr).toContain(`fetcher] Fetching URI '${baseUrl}/files/hello.txt'`);
    expect(stderr).toContain(`fetcher] Successfully fetched all URIs into '${sandbox}'`);
  });

  test.each([
    ['a missing local file', (): string => path.join(root, 'no-such-file.tgz'), /ENOENT/],
    ['an HTTP 404', (): string => `${baseUrl}/missing.tgz`, /received HTTP return code 404/],
  ])('%s fails the launch with REASON_CONTAINER_LAUNCH_FAILED, naming the URI', async (_name, uri, why) => {
    const value = uri();
    const { task, recorder, sandbox } = launch({ value: 'echo should-not-run', uris: [{ value }] });
    await task.done;
    expect(recorder.states).toEqual(['TASK_FAILED']);
    expect(recorder.last).toMatchObject({ reason: 'REASON_CONTAINER_LAUNCH_FAILED', source: 'SOURCE_AGENT' });
    expect(recorder.last.message).toContain(`Failed to launch container: Failed to fetch all URIs for container 'c-${sequence}': Failed to fetch '${value}': `);
    expect(recorder.last.message).toMatch(why);
    expect(sandboxText(sandbox, 'stderr')).toContain(`Failed to fetch '${value}'`);
  });

  test('a fetch that outlives fetchTimeoutMs fails the launch', async () => {
    const { task, recorder, clock } = launch(
      { value: 'echo should-not-run', uris: [{ value: `${baseUrl}/hang` }] },
      { request: { fetchTimeoutMs: 1000 } },
    );
    await hangingRequest;
    clock.advance(1000);
    await task.done;
    expect(recorder.states).toEqual(['TASK_FAILED']);
    expect(recorder.last.reason).toBe('REASON_CONTAINER_LAUNCH_FAILED');
    expect(recorder.last.message).toContain('the fetch timed out after 1secs');
  });
});

describe('what the emulated agent refuses', () => {
  test.each([
    ['a DOCKER container', { type: 'DOCKER', docker: { image: 'alpine:3.20' } }, "Container image 'alpine:3.20' (DOCKER containerizer)"],
    ['a MESOS container with an image', { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'busybox' } } } }, "Container image 'busybox' (MESOS containerizer)"],
  ] as const)('%s fails the launch', async (_name, container, text) => {
    const { task, recorder } = launch({ value: 'echo should-not-run' }, { task: { container } });
    await task.done;
    expect(recorder.states).toEqual(['TASK_FAILED']);
    expect(recorder.last).toMatchObject({ reason: 'REASON_CONTAINER_LAUNCH_FAILED', source: 'SOURCE_AGENT' });
    expect(recorder.last.message).toContain(text);
    expect(recorder.last.message).toContain('is not supported by the emulated agent');
  });

  test('a MESOS container without an image runs as a plain process', async () => {
    const { task, recorder } = launch({ value: 'true' }, { task: { container: { type: 'MESOS' } } });
    await task.done;
    expect(recorder.last.state).toBe('TASK_FINISHED');
  });

  test('a secret reference in the environment fails the launch', async () => {
    const { task, recorder } = launch({
      value: 'echo should-not-run',
      environment: { variables: [{ name: 'TOKEN', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/spark/token' } } }] },
    });
    await task.done;
    expect(recorder.states).toEqual(['TASK_FAILED']);
    expect(recorder.last).toMatchObject({ reason: 'REASON_CONTAINER_LAUNCH_FAILED', source: 'SOURCE_AGENT' });
    expect(recorder.last.message).toContain('secret references cannot be resolved by the emulated agent');
  });
});
