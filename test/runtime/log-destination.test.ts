import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
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

const linesIn = (file: string): { driver: string; token: string; msg: string }[] => {
  const text = readFileSync(file, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true); // whole lines only
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { driver: string; token: string; msg: string });
};

test('the lines of one turn are written together as it ends, or once they reach 32 KiB, whole, in order and redacted', async () => {
  const file = path.join(dir, 'out.log');
  const fd = openSync(file, 'w');
  try {
    const log = pino(rootLoggerOptions('info'), jsonLogDestination(fd));
    for (let i = 0; i < 3; i++) log.info({ driver: `default/first-${i}` }, 'driver admitted; waiting for an offer');
    expect(linesIn(file)).toEqual([]);
    await nextTurn();
    expect(linesIn(file).map((line) => line.driver)).toEqual(['default/first-0', 'default/first-1', 'default/first-2']);

    for (let i = 0; i < 2000; i++) log.info({ driver: `default/burst-${i}`, token: 'hunter2' }, 'driver launched');
    const duringTheTurn = linesIn(file).length - 3;
    const lineLength = readFileSync(file, 'utf8').split('\n')[3]!.length;
    expect(duringTheTurn).toBeGreaterThan(2000 - (32 * 1024) / lineLength - 1);
    expect(duringTheTurn).toBeLessThan(2000);
    await nextTurn();
    const drivers = linesIn(file).slice(3);
    expect(drivers.map((d) => d.driver)).toEqual(Array.from({ length: 2000 }, (_, i) => `default/burst-${i}`));
    expect(new Set(drivers.map((d) => d.token))).toEqual(new Set(['[redacted]']));

    log.info({ driver: 'default/later' }, 'driver finished');
    log.flush();
    expect(linesIn(file).at(-1)).toMatchObject({ driver: 'default/later', msg: 'driver finished' });
  } finally {
    closeSync(fd);
  }
});

/** Runs `body` in a child node whose `log` writes JSON lines to its stdout: the messages it printed, and how it ended. */
const childArgs = (body: string): string[] => ['--input-type=module', '--disable-warning=ExperimentalWarning', '-e', `
  import { pino } from 'pino';
  import { jsonLogDestination } from '${path.resolve('src/runtime/log-destination.ts')}';
  const log = pino({}, jsonLogDestination());
  ${body}`];

function child(body: string): { messages: string[]; status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const result = spawnSync(process.execPath, childArgs(body), { encoding: 'utf8' });
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

test('once the reader of its pipe is gone, lines are dropped rather than the process stopped', async () => {
  const script = `
    log.info('before');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < 3; i++) {
      log.info('after the reader left');
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stderr.write('still running');`;
  const dispatcher = spawn(process.execPath, childArgs(script), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  dispatcher.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  // The reader takes the first line and goes.
  dispatcher.stdout.once('data', () => dispatcher.stdout.destroy());
  const [code] = await once(dispatcher, 'close') as [number | null];
  expect([code, stderr]).toEqual([0, 'still running']);
});
