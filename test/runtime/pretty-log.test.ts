import { pino } from 'pino';
import { Writable } from 'node:stream';
import { prettyLine, prettyStream } from '../../src/runtime/pretty-log.ts';
import { rootLoggerOptions } from '../../src/runtime/logger.ts';

test('a JSON line becomes time, level, component, message and fields', () => {
  const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 1, 12, 34, 56, 789), pid: 1, hostname: 'h', component: 'mesos', msg: 'lost', retryInMs: 500, master: 'http://m' });
  expect(prettyLine(line)).toBe('12:34:56.789 WARN  [mesos] lost  retryInMs=500 master=http://m');
  expect(prettyLine('not json')).toBe('not json');
});

test('pino through the pretty stream, with secrets redacted', () => {
  let text = '';
  const sink = new Writable({ write(chunk: Buffer, _e, done) { text += chunk.toString(); done(); } });
  const log = pino(rootLoggerOptions('info'), prettyStream(sink));
  log.info({ credentials: { principal: 'spark', secret: 'hunter2' }, token: 't0k3n' }, 'subscribing');
  expect(text).toContain('INFO  subscribing');
  expect(text).toContain('"principal":"spark"');
  expect(text).not.toContain('hunter2');
  expect(text).not.toContain('t0k3n');
});
