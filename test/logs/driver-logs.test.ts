// A driver's logs read through an emulated agent's files API: attempts numbered by their task
// IDs, the current one by default, paging with the agent's offsets, and the sentence for each
// way it fails (not launched, attempt not on record, sandbox removed, agent gone, master down).
import { rmSync } from 'node:fs';
import { startMesosMaster, type EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { attemptNumber, attemptsOf, DriverLogs, findAttempt, type AttemptLocation } from '../../src/logs/driver-logs.ts';
import { SandboxFiles } from '../../src/mesos/sandbox-files.ts';
import { driverWithAttempts, ended, running, writeSandboxFile } from './sandbox.ts';

let master: EmulatedMesosMaster;
let logs: DriverLogs;

beforeEach(async () => {
  master = await startMesosMaster({ agents: 2, agentHttp: true });
  logs = new DriverLogs(new SandboxFiles({ masters: () => [master.url], timeoutMs: 5000 }));
});
afterEach(async () => master.close());

const attempt = (found: AttemptLocation | { problem: string }): AttemptLocation => {
  if ('problem' in found) throw new Error(found.problem);
  return found;
};

test('attempts are numbered by their task IDs, oldest first, and the current one is the default', () => {
  expect(attemptNumber('driver-1')).toBe(1);
  expect(attemptNumber('driver-1-retry-1')).toBe(2);
  expect(attemptNumber('driver-1-retry-11')).toBe(12);
  const [a1, a2] = master.agentIds;
  // The status ring dropped attempts 1 and 2: numbers stay those of the task IDs.
  const driver = driverWithAttempts('rerun', [ended('driver-rerun-retry-2', a1!), running('driver-rerun-retry-3', a2!)], 'Launched');
  expect(attemptsOf(driver).map((a) => [a.number, a.agentId, a.finished])).toEqual([[3, a1, true], [4, a2, false]]);
  expect(attempt(findAttempt(driver)).number).toBe(4);
  expect(attempt(findAttempt(driver, 3)).taskId).toBe('driver-rerun-retry-2');
  expect(findAttempt(driver, 1)).toEqual({ problem: 'jobs/rerun has no attempt 1 on record; its status keeps attempts 3 to 4.' });
  expect(findAttempt(driverWithAttempts('fresh', [], 'Queued'))).toEqual({ problem: 'jobs/fresh has not been launched yet, so it has no logs.' });
});

test('reads the size, then any window, of stdout and stderr through the agent', async () => {
  const [agent] = master.agentIds;
  writeSandboxFile(master, agent!, 'driver-done', 'stdout', 'Pi is roughly 3.14159\n');
  writeSandboxFile(master, agent!, 'driver-done', 'stderr', 'INFO SparkContext: Running Spark version 3.5.1\n');
  const done = attempt(findAttempt(driverWithAttempts('done', [ended('driver-done', agent!)])));
  expect(await logs.read(done, 'stdout', -1)).toEqual({ ok: true, attempt: done, offset: 22, data: '' });
  expect(await logs.read(done, 'stdout', 0)).toMatchObject({ ok: true, offset: 0, data: 'Pi is roughly 3.14159\n' });
  expect(await logs.read(done, 'stdout', 6, 7)).toMatchObject({ ok: true, offset: 6, data: 'roughly' });
  expect(await logs.read(done, 'stderr', 0, 4)).toMatchObject({ ok: true, data: 'INFO' });
});

test('each failure says what happened and whether the logs can still be read', async () => {
  const [agent, other] = master.agentIds;
  const sandbox = writeSandboxFile(master, agent!, 'driver-gc', 'stdout', 'bye\n');
  const finished = attempt(findAttempt(driverWithAttempts('gc', [ended('driver-gc', agent!)])));
  rmSync(sandbox, { recursive: true });
  expect(await logs.read(finished, 'stdout', -1)).toEqual({
    ok: false, status: 404, pending: false,
    message: `The sandbox of attempt 1 no longer exists on agent ${agent}: Mesos removed it after the task ended (garbage collection), so the stdout of attempt 1 (task driver-gc) can no longer be read.`,
  });
  const starting = attempt(findAttempt(driverWithAttempts('starting', [running('driver-starting', agent!)], 'Launched')));
  expect(await logs.read(starting, 'stderr', -1)).toMatchObject({ ok: false, status: 404, pending: true, message: expect.stringContaining('may still be starting') });

  writeSandboxFile(master, other!, 'driver-lost', 'stdout', 'x');
  const lost = attempt(findAttempt(driverWithAttempts('lost', [ended('driver-lost', other!)])));
  expect(await logs.read(lost, 'stdout', -1)).toMatchObject({ ok: true, offset: 1 });
  master.removeAgent(other!, 'gone');
  expect(await logs.read(lost, 'stdout', -1)).toEqual({
    ok: false, status: 404, pending: false,
    message: `Agent ${other}, where attempt 1 ran, is no longer registered with the Mesos master, so the stdout of attempt 1 (task driver-lost) can no longer be read.`,
  });

  const unplaced = attempt(findAttempt(driverWithAttempts('unplaced', [{ taskId: 'driver-unplaced' }], 'Launched')));
  expect(await logs.read(unplaced, 'stdout', -1)).toMatchObject({ ok: false, status: 404, message: expect.stringContaining('has not placed attempt 1') });

  const downMaster = new DriverLogs(new SandboxFiles({ masters: () => ['http://127.0.0.1:1'], timeoutMs: 2000 }));
  expect(await downMaster.read(finished, 'stdout', -1)).toMatchObject({
    ok: false, status: 502, message: expect.stringMatching(/^Cannot read the stdout of attempt 1 \(task driver-gc\): cannot ask the Mesos master where agent .* is: /),
  });
});
