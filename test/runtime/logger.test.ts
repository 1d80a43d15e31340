import { pino } from 'pino';
import { Writable } from 'node:stream';
import { LOG_CENSOR, redactSecrets, rootLoggerOptions } from '../../src/runtime/logger.ts';

function jsonLines(): { log: pino.Logger; lines: () => Record<string, unknown>[] } {
  let text = '';
  const sink = new Writable({ write(chunk: Buffer, _e, done) { text += chunk.toString(); done(); } });
  const log = pino(rootLoggerOptions('info'), sink);
  return { log, lines: () => text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

test('secret-named fields are censored at the top, nested, and two levels down; the rest is logged as given', () => {
  const { log, lines } = jsonLines();
  log.info({
    token: 't0k3n', password: 'pw', driver: 'ns/a',
    credentials: { principal: 'spark', secret: 'hunter2' },
    request: { headers: { authorization: 'Bearer abc', accept: 'json' } },
  }, 'subscribing');
  const [line] = lines();
  expect(line).toMatchObject({
    msg: 'subscribing', name: 'spark-mesos-dispatcher', driver: 'ns/a', token: LOG_CENSOR, password: LOG_CENSOR,
    credentials: { principal: 'spark', secret: LOG_CENSOR },
    request: { headers: { authorization: LOG_CENSOR, accept: 'json' } },
  });
  expect(JSON.stringify(line)).not.toMatch(/t0k3n|hunter2|Bearer|"pw"/);
});

test('the caller\'s object is never changed, and a line without secrets is passed through as it is', () => {
  const fields = { credentials: { principal: 'spark', secret: 'hunter2' }, attempt: 2 };
  const redacted = redactSecrets(fields);
  expect(redacted).not.toBe(fields);
  expect(redacted.credentials).toEqual({ principal: 'spark', secret: LOG_CENSOR });
  expect(fields.credentials.secret).toBe('hunter2');
  const clean = { driver: 'ns/a', attempt: { number: 1, taskId: 't' } };
  expect(redactSecrets(clean)).toBe(clean);
});

test('deeper than three levels and in class instances (errors) fields are not looked for; an undefined secret stays undefined', () => {
  const deep = { a: { b: { c: { secret: 'x' } } } };
  expect(redactSecrets(deep)).toBe(deep);
  const error = Object.assign(new Error('boom'), { token: 'x' });
  expect(redactSecrets({ err: error }).err).toBe(error);
  expect(redactSecrets({ token: undefined })).toEqual({ token: undefined });
});
