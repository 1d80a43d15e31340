// A readable rendering of pino's JSON lines for people at a terminal (`--log-format pretty`,
// used by `make run`): `HH:MM:SS.mmm LEVEL [component] message key=value …`.
import { Writable } from 'node:stream';

const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'component']);

export function prettyLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const level = LEVELS[record.level as number] ?? String(record.level);
  const component = typeof record.component === 'string' ? ` [${record.component}]` : '';
  const fields = Object.entries(record)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${time} ${level}${component} ${typeof record.msg === 'string' ? record.msg : ''}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}`;
}

/** A stream for pino that writes each JSON line to `out` rendered by prettyLine. */
export function prettyStream(out: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') out.write(`${prettyLine(line)}\n`);
      done();
    },
  });
}
