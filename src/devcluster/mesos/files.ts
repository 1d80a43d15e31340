// The Mesos files API over the work dir (task sandboxes): `/files/browse`, `/files/read` and
// `/files/download`, with the real JSON shapes. Paths are confined to the work dir: anything
// that resolves outside it (`..`, symlinks) is answered 404 like a missing file.
import { createReadStream } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';

/** Mesos caps one read at 16 pages. */
const MAX_READ_LENGTH = 16 * 4096;

export async function serveFiles(action: string, query: URLSearchParams, workDir: string, res: ServerResponse): Promise<void> {
  const raw = query.get('path');
  if (raw === null || raw === '') return text(res, 400, "Expecting 'path=value' in query.");
  const path = await confine(raw, workDir);
  if (path === undefined) return text(res, 404, `Failed to find '${raw}'`);
  const info = await stat(path);
  if (action === 'browse') return browse(path, info, res);
  if (action === 'read') return read(path, info, query, res);
  return download(path, info, res);
}

async function confine(raw: string, workDir: string): Promise<string | undefined> {
  if (raw.includes('\0')) return undefined;
  const root = await realpath(workDir);
  const candidate = isAbsolute(raw) ? resolve(raw) : resolve(root, raw);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return undefined;
  }
  return real === root || real.startsWith(root + sep) ? real : undefined;
}

async function browse(path: string, info: Stats, res: ServerResponse): Promise<void> {
  if (!info.isDirectory()) return json(res, [entry(path, info)]);
  const names = (await readdir(path)).sort();
  const entries = [];
  for (const name of names) {
    try {
      entries.push(entry(join(path, name), await stat(join(path, name))));
    } catch {
      // A dangling link or a file removed meanwhile is simply not listed.
    }
  }
  return json(res, entries);
}

function entry(path: string, info: Stats): Record<string, unknown> {
  return {
    path, nlink: info.nlink, size: info.size, mtime: Math.floor(info.mtimeMs / 1000),
    mode: modeString(info), uid: String(info.uid), gid: String(info.gid),
  };
}

function modeString(info: Stats): string {
  const bits = 'rwxrwxrwx';
  let out = info.isDirectory() ? 'd' : '-';
  for (let i = 0; i < 9; i += 1) out += info.mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

async function read(path: string, info: Stats, query: URLSearchParams, res: ServerResponse): Promise<void> {
  if (info.isDirectory()) return text(res, 400, 'Cannot read a directory.');
  const offset = parseNumber(query.get('offset'));
  const length = parseNumber(query.get('length'));
  if (offset === null || length === null) return text(res, 400, 'Failed to parse offset or length: expecting a number');
  // Without an offset (or -1) the answer is the file size, for tailing.
  if (offset === undefined || offset < 0) return json(res, { data: '', offset: info.size });
  const want = Math.min(length === undefined || length < 0 ? MAX_READ_LENGTH : length, MAX_READ_LENGTH);
  if (offset >= info.size || want === 0) return json(res, { data: '', offset: Math.min(offset, info.size) });
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(want, info.size - offset));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return json(res, { data: buffer.subarray(0, bytesRead).toString('utf8'), offset });
  } finally {
    await handle.close();
  }
}

async function download(path: string, info: Stats, res: ServerResponse): Promise<void> {
  if (info.isDirectory()) return text(res, 400, 'Cannot download a directory.');
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(info.size),
    'Content-Disposition': `attachment; filename=${basename(path)}`,
  });
  await new Promise<void>((done) => {
    const stream = createReadStream(path);
    stream.on('error', () => {
      res.destroy();
      done();
    });
    stream.on('end', done);
    stream.pipe(res);
  });
}

/** undefined when absent, null when unparsable. */
function parseNumber(value: string | null): number | undefined | null {
  if (value === null || value === '') return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : null;
}

export function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

export function json(res: ServerResponse, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) });
  res.end(payload);
}
