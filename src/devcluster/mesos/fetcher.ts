// The emulated agent's fetcher: downloads a command task's `CommandInfo.uris` into its sandbox the
// way the Mesos fetcher (src/launcher/fetcher.cpp) does, logging the same progress lines. It knows
// local paths, file:// and http(s)://; the fetcher cache is not emulated (`cache` is ignored).

import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { isNativeError } from 'node:util/types';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import type { CommandURI } from '../../mesos/types.ts';

export type LogSeverity = 'I' | 'W' | 'E';
/** Receives one progress line; the executor writes it to the sandbox `stderr` in glog style. */
export type FetchLog = (severity: LogSeverity, message: string) => void;

export interface FetchOptions {
  sandboxDir: string;
  log: FetchLog;
  /** Aborting stops the fetch (kill, timeout); the abort reason's message becomes the failure. */
  signal?: AbortSignal;
  /** PATH searched for `tar` and `unzip`; defaults to the agent's own PATH. */
  toolPath?: string;
}

/** One URI could not be fetched; the message is the Mesos fetcher's `Failed to fetch '<uri>': <why>`. */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  readonly uri: string;
  readonly reason: string;

  constructor(uri: string, reason: string) {
    super(`Failed to fetch '${uri}': ${reason}`);
    this.uri = uri;
    this.reason = reason;
  }
}

// Suffixes the Mesos fetcher hands to its archiver; GNU tar detects the compression itself.
const TAR_SUFFIXES = ['.tar', '.tgz', '.tar.gz', '.tbz2', '.tar.bz2', '.txz', '.tar.xz'];
const MAX_TOOL_STDERR = 2000;

/** Fetches every URI in order; the first failure stops the fetch and is thrown as a FetchError. */
export async function fetchUris(uris: readonly CommandURI[], options: FetchOptions): Promise<void> {
  options.log('I', `Fetcher Info: ${JSON.stringify(fetcherInfo(uris, options.sandboxDir))}`);
  for (const uri of uris) {
    let fetched: string;
    try {
      options.signal?.throwIfAborted();
      fetched = await fetchOne(uri, options);
    } catch (e) {
      // An aborted step fails with some generic AbortError; the abort reason says why.
      const cause: unknown = options.signal?.aborted === true ? options.signal.reason : e;
      const error = new FetchError(uri.value, describeError(cause));
      options.log('E', error.message);
      throw error;
    }
    options.log('I', `Fetched '${uri.value}' to '${fetched}'`);
  }
  options.log('I', `Successfully fetched all URIs into '${options.sandboxDir}'`);
}

/** The text of an error and of its causes, e.g. `fetch failed: connect ECONNREFUSED 127.0.0.1:1`. */
export function describeError(error: unknown): string {
  let text = '';
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 4; depth++) {
    // isNativeError, not instanceof: errors from Node internals may come from another realm.
    const message = isNativeError(current) ? current.message
      : typeof current === 'string' ? current : inspect(current);
    if (message && !text.includes(message)) text = text ? `${text}: ${message}` : message;
    current = isNativeError(current) ? current.cause : undefined;
  }
  return text || 'unknown error';
}

function fetcherInfo(uris: readonly CommandURI[], sandboxDir: string): unknown {
  return { sandbox_directory: sandboxDir, items: uris.map((uri) => ({ action: 'BYPASS_CACHE', uri })) };
}

/** Returns the fetched file, as the Mesos fetcher logs it. */
async function fetchOne(uri: CommandURI, options: FetchOptions): Promise<string> {
  const { sandboxDir, log } = options;
  const source = uri.value.trimStart();
  log('I', `Fetching URI '${source}'`);
  const destination = destinationPath(sandboxDir, uri.output_file ?? uriBasename(source));
  log('I', 'Fetching directly into the sandbox directory');
  await mkdir(path.dirname(destination), { recursive: true });
  await download(source, destination, options);
  // As in Mesos, `executable` wins over `extract`: an executable is never unpacked.
  if (uri.executable === true) {
    await chmod(destination, 0o755);
  } else if (uri.extract !== false) {
    await extract(destination, sandboxDir, source, options);
  }
  return destination;
}

/**
 * Mesos's `Fetcher::basename`: the URI is treated like a file path, so a query string stays in
 * the name (a known Mesos quirk; use `output_file` to name such downloads).
 */
function uriBasename(uri: string): string {
  if (/[\\'\0]/.test(uri)) throw new Error('Illegal characters in URI');
  const schemeEnd = uri.indexOf('://');
  const pathPart = schemeEnd > 1 ? uri.slice(schemeEnd + 3) : uri;
  if (schemeEnd > 1) {
    const slash = pathPart.indexOf('/');
    if (slash < 0 || slash + 1 >= pathPart.length) throw new Error(`Malformed URI (missing path): ${uri}`);
  }
  const name = pathPart.slice(pathPart.lastIndexOf('/') + 1);
  if (!name) throw new Error(`Malformed URI (no file name; set output_file): ${uri}`);
  return name;
}

// Mesos does not guard this, but the emulator shares a host with its user: stay in the sandbox.
function destinationPath(sandboxDir: string, name: string): string {
  const destination = path.resolve(sandboxDir, name);
  const relative = path.relative(sandboxDir, destination);
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`Output file '${name}' is outside the sandbox`);
  }
  return destination;
}

async function download(source: string, destination: string, options: FetchOptions): Promise<void> {
  const local = localPath(source);
  if (local !== undefined) {
    options.log('I', `Copying resource from '${local}' to '${destination}'`);
    await copyFile(local, destination);
    return;
  }
  if (/^https?:\/\//i.test(source)) {
    await downloadHttp(source, destination, options);
    return;
  }
  const scheme = source.slice(0, Math.max(0, source.indexOf('://')));
  throw new Error(`Unsupported URI scheme '${scheme}': the emulated agent fetches only local paths, ` +
    'file:// and http(s):// URIs');
}

/** Mesos's `Fetcher::uriToLocalPath`: file:// or no scheme at all means a local file. */
function localPath(uri: string): string | undefined {
  if (!uri.startsWith('file://') && uri.includes('://')) return undefined;
  const isFileUri = uri.startsWith('file://');
  const filePath = uri.startsWith('file://localhost') ? uri.slice('file://localhost'.length)
    : isFileUri ? uri.slice('file://'.length) : uri;
  if (isFileUri && !filePath.startsWith('/')) throw new Error('File URI only supports absolute paths');
  if (!filePath.startsWith('/')) {
    // The emulated agent has no --frameworks_home, so Mesos's error applies.
    throw new Error('A relative path was passed for the resource but the Mesos framework home was not ' +
      'specified. Please either provide this config option or avoid using a relative path');
  }
  return filePath;
}

async function downloadHttp(url: string, destination: string, { log, signal }: FetchOptions): Promise<void> {
  log('I', `Downloading resource from '${url}' to '${destination}'`);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', ...(signal ? { signal } : {}) });
  } catch (e) {
    throw new Error(`Error downloading resource: ${describeError(e)}`, { cause: e });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`Error downloading resource, received HTTP return code ${response.status}`);
  }
  const body = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
  await pipeline(body, createWriteStream(destination), signal ? { signal } : {});
}

async function extract(file: string, directory: string, uri: string, options: FetchOptions): Promise<void> {
  const { log, signal } = options;
  try {
    if (TAR_SUFFIXES.some((suffix) => file.endsWith(suffix))) {
      await runTool('tar', ['-C', directory, '-xf', file], options);
    } else if (file.endsWith('.zip')) {
      await runTool('unzip', ['-o', '-q', '-d', directory, file], options);
    } else if (file.endsWith('.gz')) {
      // A bare .gz is one compressed file: Mesos gunzips it next to the download.
      const target = path.join(directory, path.basename(file.slice(0, -'.gz'.length)));
      await pipeline(createReadStream(file), createGunzip(), createWriteStream(target), signal ? { signal } : {});
    } else {
      log('W', "Copying instead of extracting resource from URI with 'extract' flag, because it does " +
        `not seem to be an archive: ${uri}`);
      return;
    }
  } catch (e) {
    if (signal?.aborted === true) throw e;
    throw new Error(`Failed to extract archive '${file}' to '${directory}': ${describeError(e)}`, { cause: e });
  }
  log('I', `Extracted '${file}' into '${directory}'`);
}

/** Runs an archive tool; a missing tool or a non-zero exit becomes an error carrying its stderr. */
function runTool(command: string, args: string[], { log, signal, toolPath }: FetchOptions): Promise<void> {
  const commandLine = [command, ...args.map((a) => (a.startsWith('-') ? a : `'${a}'`))].join(' ');
  log('I', `Extracting with command: ${commandLine}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(toolPath !== undefined ? { env: { ...process.env, PATH: toolPath } } : {}),
      ...(signal ? { signal } : {}),
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < MAX_TOOL_STDERR) stderr += chunk;
    });
    child.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new Error(`'${command}' is not installed on this machine`) : e);
    });
    child.once('close', (code, signalName) => {
      if (code === 0) return resolve();
      const status = signalName ? `terminated with signal ${signalName}` : `exited with status ${code}`;
      // One line: the reason ends up in a TaskStatus message.
      const detail = stderr.trim().replace(/\s*\n\s*/g, '; ').slice(0, MAX_TOOL_STDERR);
      reject(new Error(`${commandLine} failed: ${status}${detail ? `: ${detail}` : ''}`));
    });
  });
}
