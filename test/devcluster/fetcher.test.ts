// The emulated agent's fetcher on real files in a temp dir and a local HTTP server: where each
// URI lands, executable and extract handling, the Mesos log lines, and every failure's message.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { FetchError, fetchUris } from '../../src/devcluster/mesos/fetcher.ts';
import type { LogSeverity } from '../../src/devcluster/mesos/fetcher.ts';
import type { CommandURI } from '../../src/mesos/types.ts';

let root: string;
let source: string;
let server: Server;
let baseUrl: string;
let closedPort: number;
let sequence = 0;

function serve(req: IncomingMessage, res: ServerResponse): void {
  switch (req.url) {
    case '/files/app.jar':
      res.end('jar bytes');
      return;
    case '/files/bundle.tgz':
      res.end(readFileSync(path.join(source, 'bundle.tgz')));
      return;
    case '/moved':
      res.writeHead(302, { location: '/files/app.jar' }).end();
      return;
    default:
      res.writeHead(404).end('not found');
  }
}

beforeAll(async () => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'fetcher-test-')));
  source = path.join(root, 'source');
  mkdirSync(path.join(source, 'bundle'), { recursive: true });
  writeFileSync(path.join(source, 'bundle', 'inside.txt'), 'from the archive\n');
  writeFileSync(path.join(source, 'plain.txt'), 'plain\n');
  writeFileSync(path.join(source, 'notes.txt.gz'), gzipSync('gunzipped\n'));
  for (const [name, flag] of [['bundle.tgz', '-z'], ['bundle.tar.gz', '-z'], ['bundle.tar', ''], ['bundle.tar.bz2', '-j'], ['bundle.tar.xz', '-J']]) {
    execFileSync('tar', ['-c', ...(flag ? [flag] : []), '-f', path.join(source, name!), '-C', source, 'bundle']);
  }
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

interface Fetched { sandbox: string; lines: string[]; error: unknown }

/** Fetches into a fresh sandbox; returns the log lines (`I message`) and any error. */
async function fetchInto(uris: CommandURI[], extra: { signal?: AbortSignal; toolPath?: string } = {}): Promise<Fetched> {
  const sandbox = path.join(root, `sandbox-${++sequence}`);
  mkdirSync(sandbox);
  const lines: string[] = [];
  const log = (severity: LogSeverity, message: string): void => { lines.push(`${severity} ${message}`); };
  let error: unknown;
  try {
    await fetchUris(uris, { sandboxDir: sandbox, log, ...extra });
  } catch (e) {
    error = e;
  }
  return { sandbox, lines, error };
}

function text(sandbox: string, file: string): string {
  return readFileSync(path.join(sandbox, file), 'utf8');
}

describe('where a URI lands', () => {
  test('an absolute path is copied under its basename, logged like the Mesos fetcher', async () => {
    const uri = path.join(source, 'plain.txt');
    const { sandbox, lines, error } = await fetchInto([{ value: uri }]);
    expect(error).toBeUndefined();
    expect(text(sandbox, 'plain.txt')).toBe('plain\n');
    expect(lines.slice(1)).toEqual([
      `I Fetching URI '${uri}'`,
      'I Fetching directly into the sandbox directory',
      `I Copying resource from '${uri}' to '${sandbox}/plain.txt'`,
      `W Copying instead of extracting resource from URI with 'extract' flag, because it does not seem to be an archive: ${uri}`,
      `I Fetched '${uri}' to '${sandbox}/plain.txt'`,
      `I Successfully fetched all URIs into '${sandbox}'`,
    ]);
    expect(lines[0]).toMatch(/^I Fetcher Info: \{"sandbox_directory":/);
  });

  test('file:// and file://localhost URLs are local paths', async () => {
    const { sandbox, error } = await fetchInto([
      { value: `file://${path.join(source, 'plain.txt')}`, output_file: 'a.txt' },
      { value: `file://localhost${path.join(source, 'plain.txt')}`, output_file: 'b.txt' },
    ]);
    expect(error).toBeUndefined();
    expect([text(sandbox, 'a.txt'), text(sandbox, 'b.txt')]).toEqual(['plain\n', 'plain\n']);
  });

  test('http downloads follow redirects and honour output_file, creating its directories', async () => {
    const { sandbox, lines, error } = await fetchInto([
      { value: `${baseUrl}/files/app.jar` },
      { value: `${baseUrl}/moved`, output_file: 'lib/nested/renamed.jar' },
    ]);
    expect(error).toBeUndefined();
    expect(text(sandbox, 'app.jar')).toBe('jar bytes');
    expect(text(sandbox, 'lib/nested/renamed.jar')).toBe('jar bytes');
    expect(lines).toContain(`I Downloading resource from '${baseUrl}/files/app.jar' to '${sandbox}/app.jar'`);
  });

  test('executable sets mode 0755 and is never extracted', async () => {
    const { sandbox, error } = await fetchInto([{ value: path.join(source, 'bundle.tgz'), executable: true }]);
    expect(error).toBeUndefined();
    expect(statSync(path.join(sandbox, 'bundle.tgz')).mode & 0o777).toBe(0o755);
    expect(existsSync(path.join(sandbox, 'bundle'))).toBe(false);
  });
});

describe('extraction', () => {
  test.each(['bundle.tgz', 'bundle.tar.gz', 'bundle.tar', 'bundle.tar.bz2', 'bundle.tar.xz'])(
    '%s is extracted into the sandbox and kept', async (name) => {
      const { sandbox, lines, error } = await fetchInto([{ value: path.join(source, name) }]);
      expect(error).toBeUndefined();
      expect(text(sandbox, 'bundle/inside.txt')).toBe('from the archive\n');
      expect(existsSync(path.join(sandbox, name))).toBe(true);
      expect(lines).toContain(`I Extracted '${sandbox}/${name}' into '${sandbox}'`);
    });

  test('an archive downloaded over http is extracted too', async () => {
    const { sandbox, error } = await fetchInto([{ value: `${baseUrl}/files/bundle.tgz` }]);
    expect(error).toBeUndefined();
    expect(text(sandbox, 'bundle/inside.txt')).toBe('from the archive\n');
  });

  test('extract=false leaves the archive packed', async () => {
    const { sandbox, error } = await fetchInto([{ value: path.join(source, 'bundle.tgz'), extract: false }]);
    expect(error).toBeUndefined();
    expect(existsSync(path.join(sandbox, 'bundle'))).toBe(false);
  });

  test('a bare .gz is gunzipped next to the download', async () => {
    const { sandbox, error } = await fetchInto([{ value: path.join(source, 'notes.txt.gz') }]);
    expect(error).toBeUndefined();
    expect(text(sandbox, 'notes.txt')).toBe('gunzipped\n');
  });

  test('a .zip is extracted with unzip', async () => {
    const zip = path.join(source, 'bundle.zip');
    if (!existsSync(zip)) execFileSync('zip', ['-q', '-r', zip, 'bundle'], { cwd: source });
    const { sandbox, error } = await fetchInto([{ value: zip }]);
    expect(error).toBeUndefined();
    expect(text(sandbox, 'bundle/inside.txt')).toBe('from the archive\n');
  });

  test('without unzip on the PATH a .zip fetch fails and says so', async () => {
    const zip = path.join(source, 'fake.zip');
    writeFileSync(zip, 'not really a zip');
    const fetched = await fetchInto([{ value: zip }], { toolPath: path.join(root, 'empty-bin') });
    expect(fetched.error).toBeInstanceOf(FetchError);
    expect((fetched.error as FetchError).message).toBe(`Failed to fetch '${zip}': Failed to extract archive ` +
      `'${fetched.sandbox}/fake.zip' to '${fetched.sandbox}': 'unzip' is not installed on this machine`);
  });

  test('a corrupt archive fails with the tool\'s exit status', async () => {
    const bad = path.join(source, 'corrupt.tgz');
    writeFileSync(bad, 'not an archive');
    const { error } = await fetchInto([{ value: bad }]);
    expect((error as FetchError).reason).toMatch(/^Failed to extract archive '.*corrupt\.tgz' to '.*': tar -C '.*' -xf '.*corrupt\.tgz' failed: exited with status 2: tar: This does not look like a tar archive; /);
  });
});

describe('failures', () => {
  test.each([
    ['a missing file', (): string => path.join(source, 'missing.jar'), /^ENOENT: no such file or directory/],
    ['an HTTP 404', (): string => `${baseUrl}/missing.jar`, /^Error downloading resource, received HTTP return code 404$/],
    ['a refused connection', (): string => `http://127.0.0.1:${closedPort}/app.jar`, /^Error downloading resource: fetch failed: .*ECONNREFUSED/],
    ['a relative path', (): string => 'relative/app.jar', /^A relative path was passed for the resource but the Mesos framework home was not specified/],
    ['a non-absolute file URI', (): string => 'file://relative/app.jar', /^File URI only supports absolute paths$/],
    ['an unsupported scheme', (): string => 'hdfs://namenode/app.jar', /^Unsupported URI scheme 'hdfs'/],
    ['a URI without a path', (): string => 'http://127.0.0.1', /^Malformed URI \(missing path\)/],
    ['a quote in the URI', (): string => "/tmp/it's.jar", /^Illegal characters in URI$/],
  ])('%s is a FetchError naming the URI and the reason', async (_name, uri, reason) => {
    const value = uri();
    const { lines, error } = await fetchInto([{ value: path.join(source, 'plain.txt'), output_file: 'first.txt' }, { value }]);
    expect(error).toBeInstanceOf(FetchError);
    const fetchError = error as FetchError;
    expect(fetchError.uri).toBe(value);
    expect(fetchError.reason).toMatch(reason);
    expect(fetchError.message).toBe(`Failed to fetch '${value}': ${fetchError.reason}`);
    expect(lines.at(-1)).toBe(`E ${fetchError.message}`);
  });

  test('an output_file outside the sandbox is refused', async () => {
    const { error, sandbox } = await fetchInto([{ value: path.join(source, 'plain.txt'), output_file: '../escaped.txt' }]);
    expect((error as FetchError).reason).toBe("Output file '../escaped.txt' is outside the sandbox");
    expect(existsSync(path.join(path.dirname(sandbox), 'escaped.txt'))).toBe(false);
  });

  test('an abort stops the fetch and its reason becomes the failure', async () => {
    const controller = new AbortController();
    controller.abort(new Error('the task was killed during launch'));
    const { error } = await fetchInto([{ value: path.join(source, 'plain.txt') }], { signal: controller.signal });
    expect((error as FetchError).reason).toBe('the task was killed during launch');
  });
});
