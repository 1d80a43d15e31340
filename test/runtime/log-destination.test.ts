import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { jsonLogDestination } from '../../src/runtime/log-destination.ts';
import { rootLoggerOptions } from '../../src/runtime/logger.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'smd-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('the lines of one turn are written together as it ends, whole, in order and redacted', async () => {
  const file = path.join(dir, 'out.log');
  const fd = openSync(file, 'w');
  try {
    const log = pino(rootLoggerOptions('info'), jsonLogDestination(fd));
    for (let i = 0; i < 2000; i++) log.info({ driver: `default/burst-${i}`, token: 'hunter2' }, 'driver launched');
    expect(readFileSync(file, 'utf8')).toBe('');
    await nextTurn();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const drivers = lines.map((line) => (JSON.parse(line) as { driver: string; token: string; msg: string }));
    expect(drivers.map((d) => d.driver)).toEqual(Array.from({ length: 2000 }, (_, i) => `default/burst-${i}`));
    expect(new Set(drivers.map((d) => d.token))).toEqual(new Set(['[redacted]']));

    log.info({ driver: 'default/later' }, 'driver finished');
    log.flush();
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[2000]!)).toMatchObject({ driver: 'default/later', msg: 'driver finished' });
  } finally {
    closeSync(fd);
  }
});

/** Runs `body` in a child node whose `log` writes JSON lines to its stdout: the messages it printed, and how it ended. */
function child(body: string): { messages: string[]; status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const script = `
    import { pino } from 'pino';
    import { jsonLogDestination } from '${path.resolve('src/runtime/log-destination.ts')}';
    const log = pino({}, jsonLogDestination());
    ${body}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '--disable-warning=ExperimentalWarning', '-e', script], { encoding: 'utf8' });
  const messages = result.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { msg: string }).msg);
  return { messages, status: result.status, signal: result.signal, stderr: result.stderr };
}

test('what the last turn logged is written when the process exits, by process.exit or a throw', () => {
  const exited = child(`log.info('one'); log.info('two'); process.exit(3);`);
  expect([exited.messages, exited.status]).toEqual([['one', 'two'], 3]);
  const thrown = child(`log.error('about to fail'); throw new Error('boom');`);
  expect([thrown.messages, thrown.status]).toEqual([['about to fail'], 1]);
  expect(thrown.stderr).toContain('Error: boom');
});

test('a SIGKILL loses only the lines of the turn it interrupts', () => {
  const killed = child(`
    log.info('an earlier turn');
    await new Promise((resolve) => setImmediate(resolve));
    log.info('the interrupted turn');
    process.kill(process.pid, 'SIGKILL');`);
  expect([killed.messages, killed.signal]).toEqual([['an earlier turn'], 'SIGKILL']);
});
