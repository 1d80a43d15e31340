// The Mesos files API over task sandboxes: `/files/browse`, `/files/read` and `/files/download`,
// with the real JSON shapes, checks and messages (`src/files/files.cpp`). Which paths exist is
// the caller's `resolve`: the master serves its whole work dir (an emulator convenience), an
// agent its own sandboxes under the real virtual paths. Anything that resolves outside the root
// (`..`, symlinks) is answered 404 like a missing file.
import { createReadStream } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';

/** Mesos caps one read at 16 pages. */
export const MAX_READ_LENGTH = 16 * 4096;

/** A requested path to the real file it names, or undefined when there is none to serve. */
export type PathResolver = (requested: string) => Promise<string | undefined>;

export async function serveFiles(action: string, query: URLSearchParams, resolvePath: PathResolver, res: ServerResponse): Promise<void> {
  const requested = query.get('path');
  if (requested === null || requested === '') return text(res, 400, "Expecting 'path=value' in query.\n");
  if (action === 'read') return read(requested, query, resolvePath, res);
  const path = await resolvePath(requested);
  if (path === undefined) return text(res, 404, '');
  const info = await stat(path);
  if (action === 'browse') return browse(requested, path, info, res);
  return download(path, info, res);
}

/** Paths under `root` only, absolute or relative to it, after following symlinks. */
export async function confine(raw: string, root: string): Promise<string | undefined> {
  if (raw.includes('\0')) return undefined;
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(isAbsolute(raw) ? resolve(raw) : resolve(realRoot, raw));
  } catch {
    return undefined;
  }
  return real === realRoot || real.startsWith(realRoot + sep) ? real : undefined;
}

async function browse(requested: string, path: string, info: Stats, res: ServerResponse): Promise<void> {
  if (!info.isDirectory()) return json(res, [entry(requested, info)]);
  const names = (await readdir(path)).sort();
  const entries = [];
  for (const name of names) {
    try {
      entries.push(entry(join(requested, name), await stat(join(path, name))));
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

/**
 * The real agent's read: offset absent or -1 answers the size (`{data: "", offset: size}`); an
 * offset at or past the end answers no data at the offset asked for; length absent or -1 reads
 * to the end, 0 reads nothing; a read never exceeds 16 pages.
 */
async function read(requested: string, query: URLSearchParams, resolvePath: PathResolver, res: ServerResponse): Promise<void> {
  const offset = parseInteger(query.get('offset'));
  if (offset === null) return text(res, 400, 'Failed to parse offset: expecting an integer.\n');
  if (offset !== undefined && offset < -1) return text(res, 400, `Negative offset provided: ${offset}.\n`);
  const length = parseInteger(query.get('length'));
  if (length === null) return text(res, 400, 'Failed to parse length: expecting an integer.\n');
  if (length !== undefined && length < -1) return text(res, 400, `Negative length provided: ${length}.\n`);
  const path = await resolvePath(requested);
  if (path === undefined) return text(res, 404, '');
  const info = await stat(path);
  if (info.isDirectory()) return text(res, 400, 'Cannot read a directory.\n');
  if (offset === undefined || offset === -1) return json(res, { data: '', offset: info.size });
  const want = Math.min(length === undefined || length === -1 ? info.size - offset : length, MAX_READ_LENGTH);
  if (offset >= info.size || want <= 0) return json(res, { data: '', offset });
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(want);
    const { bytesRead } = await handle.read(buffer, 0, want, offset);
    return json(res, { data: buffer.subarray(0, bytesRead).toString('utf8'), offset });
  } finally {
    await handle.close();
  }
}

async function download(path: string, info: Stats, res: ServerResponse): Promise<void> {
  if (info.isDirectory()) return text(res, 400, 'Cannot download a directory.\n');
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

/** undefined when absent, null when not an integer. */
function parseInteger(value: string | null): number | undefined | null {
  if (value === null) return undefined;
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
