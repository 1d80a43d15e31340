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

test('every line is written before the log call returns, whole and in order, even in a burst', () => {
  const file = path.join(dir, 'out.log');
  const fd = openSync(file, 'w');
  try {
    const log = pino(rootLoggerOptions('info'), jsonLogDestination(fd));
    log.info({ driver: 'default/first' }, 'driver admitted; waiting for an offer');
    // What a SIGKILL right now would leave: the line is already out of the process.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ level: 30, driver: 'default/first', msg: 'driver admitted; waiting for an offer' });

    for (let i = 0; i < 2000; i++) log.info({ driver: `default/burst-${i}`, token: 'hunter2' }, 'driver launched');
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(2001);
    const drivers = lines.slice(1).map((line) => (JSON.parse(line) as { driver: string; token: string }));
    expect(drivers.map((d) => d.driver)).toEqual(Array.from({ length: 2000 }, (_, i) => `default/burst-${i}`));
    expect(new Set(drivers.map((d) => d.token))).toEqual(new Set(['[redacted]']));
  } finally {
    closeSync(fd);
  }
});
