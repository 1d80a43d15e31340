// scripts/system-deps.sh, the one place that lists the Debian packages the tests and `make run`
// need: its check-only mode reports what is missing with the exact install line, and every
// program the code runs on this machine is on its list or comes with every Debian system.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'scripts/system-deps.sh');

interface Need { command: string; package: string; why: string }

function needs(): Need[] {
  return execFileSync('/bin/bash', [SCRIPT, '--list'], { encoding: 'utf8' }).trim().split('\n').map((line) => {
    const [command, pkg, ...why] = line.trim().split(/\s+/);
    return { command: command!, package: pkg!, why: why.join(' ') };
  });
}

/**
 * Runs the script with PATH set to `bin` only (plus the shell itself, by absolute path); needs
 * named by an absolute path are looked up under `root` (an empty tree unless a test stubs them).
 */
function runWith(bin: string, args: string[] = [], root = path.join(scratch, 'no-such-root')): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync('/bin/bash', [SCRIPT, ...args], { encoding: 'utf8', env: { PATH: bin, SYSTEM_DEPS_ROOT: root } });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'system-deps-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A directory of stub programs; a command given by absolute path lands at that path under it. */
function binDir(name: string, commands: Record<string, string>): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir);
  for (const [command, body] of Object.entries(commands)) {
    const file = path.join(dir, command);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

test('every need names a command, a package and why it is needed', () => {
  const list = needs();
  expect(list.map((n) => n.package)).toEqual(expect.arrayContaining(['tar', 'unzip', 'curl', 'lua5.4', 'chromium', 'zookeeper']));
  for (const need of list) expect(need.why.length).toBeGreaterThan(10);
});

test('--check on a machine with nothing fails and prints the one apt-get line that fixes it', () => {
  const { status, stderr } = runWith(binDir('empty', {}), ['--check']);
  expect(status).toBe(1);
  expect(stderr).toContain(`apt-get install -y ${needs().map((n) => n.package).join(' ')}`);
});

test('--check passes when every command is there, and checks without installing', () => {
  const stubs = Object.fromEntries(needs().map((n) => [n.command, 'exit 0']));
  const apt = path.join(scratch, 'apt-called');
  // One tree serves as PATH and as the root of the programs Debian installs off PATH.
  const bin = binDir('all', { ...stubs, 'apt-get': `touch ${apt}` });
  const { status, stderr } = runWith(bin, ['--check'], bin);
  expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
  expect(readdirSync(scratch)).not.toContain('apt-called');
});

test('not root: it installs nothing and stops with the exact command to run', () => {
  const apt = path.join(scratch, 'apt-called-as-user');
  const { status, stderr } = runWith(binDir('user', { id: 'echo 1000', 'apt-get': `touch ${apt}` }));
  expect(status).toBe(1);
  expect(stderr).toContain(`sudo apt-get update && sudo apt-get install -y ${needs().map((n) => n.package).join(' ')}`);
  expect(readdirSync(scratch)).not.toContain('apt-called-as-user');
});

test('as root on Debian: one apt-get update, then one install of exactly what is missing', () => {
  const log = path.join(scratch, 'apt.log');
  const present = Object.fromEntries(needs().filter((n) => n.package !== 'lua5.4' && n.package !== 'zip').map((n) => [n.command, 'exit 0']));
  const bin = binDir('root', { ...present, id: 'echo 0', 'apt-get': `echo "$@" >> ${log}` });
  const { status, stdout } = runWith(bin, [], bin);
  expect(status).toBe(0);
  expect(stdout).toContain('installed zip lua5.4');
  expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['update -qq', 'install -y -qq zip lua5.4']);
});

test('an unknown mode is a usage error', () => {
  expect(runWith(binDir('usage', {}), ['--install-everything']).status).toBe(2);
});

test('a need given by absolute path is checked there, not on PATH', () => {
  const zkServer = needs().find((n) => n.package === 'zookeeper')!.command;
  expect(zkServer).toBe('/usr/share/zookeeper/bin/zkServer.sh');
  const others = Object.fromEntries(needs().filter((n) => n.command !== zkServer).map((n) => [n.command, 'exit 0']));
  // On PATH under its own name it does not count: Debian puts it off PATH.
  const bin = binDir('off-path', { ...others, 'zkServer.sh': 'exit 0' });
  const { status, stderr } = runWith(bin, ['--check'], bin);
  expect(status).toBe(1);
  expect(stderr).toContain('missing Debian packages: zookeeper\n');
});

// --- Every program the project runs on this machine is on the list. ---

const SHELL_WORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'in', 'do', 'done', 'case', 'esac', 'while', 'until',
  'function', 'return', 'exit', 'set', 'local', 'read', 'echo', 'printf', 'cd', 'export', 'test', 'command', 'true', 'false',
  'shift', 'unset', 'trap', 'wait', 'source', 'exec', 'eval', 'kill', 'continue', 'break', 'ulimit', 'umask']);
/** What a fresh machine has by the definition (git, make, Node and npm) or the project brings. */
const PROVIDED = new Set(['git', 'make', 'node', 'npm', 'npx', 'kubectl', 'helm', 'apt-get']);

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** First arguments of process-spawning calls, resolved through same-file string constants. */
function commandsInTypeScript(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const constants = new Map([...text.matchAll(/const\s+([A-Za-z_$][\w$]*)\s*=\s*'([^']+)'/g)].map((m) => [m[1]!, m[2]!]));
  const calls = /\b(?:spawn|spawnSync|execFile|execFileSync|runTool)\(\s*([A-Za-z_$][\w$]*|'[^']+')|executablePath:\s*([A-Za-z_$][\w$]*|'[^']+')/g;
  return [...text.matchAll(calls)].flatMap((m) => {
    const arg = (m[1] ?? m[2])!;
    const value = arg.startsWith("'") ? arg.slice(1, -1) : constants.get(arg);
    return value === undefined ? [] : [path.basename(value)];
  });
}

/** The script with the contents of its quoted strings removed (scanned left to right, as sh does). */
function withoutQuotedText(text: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === undefined) {
      if (c === "'" || c === '"') quote = c;
      out += c;
    } else if (c === '\\' && quote === '"') {
      i++;
    } else if (c === quote) {
      quote = undefined;
      out += c;
    }
  }
  return out;
}

/** Command words of a shell script: the first word of each simple command. */
function commandsInShell(text: string): string[] {
  const found: string[] = [];
  // Quoted text is data (messages, inline programs for other interpreters), not commands.
  for (const raw of withoutQuotedText(text.replace(/^\s*#.*$/gm, '')).split('\n')) {
    const line = raw.replace(/\s#.*$/, '').trim();
    if (line === '' || /^[^(]*\)\s*(;;)?/.test(line) && !line.includes('$(')) continue; // case arms
    for (const part of line.split(/;|&&|\|\||\||\$\(|`/)) {
      const words = part.trim().split(/\s+/).filter((w) => !/^\w+=/.test(w) && w !== '!');
      const word = words.find((w) => !['then', 'do', 'else', 'elif', 'if', 'while', 'until'].includes(w));
      if (word !== undefined && /^[a-z][\w.+-]*$/.test(word) && !SHELL_WORDS.has(word)) found.push(word);
    }
  }
  return found;
}

function helmTestScript(): string {
  const yaml = readFileSync(path.join(ROOT, 'charts/spark-mesos-dispatcher/templates/tests/test-connection.yaml'), 'utf8');
  return /- -ec\n\s+- \|\n((?:\s{10}.*\n)+)/.exec(yaml)?.[1] ?? '';
}

/** The Debian package that owns a program on this machine, and whether every Debian system has it. */
function owner(command: string): { package: string; everywhere: boolean } | undefined {
  const found = spawnSync('/bin/sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
  if (found === '') return undefined;
  const real = execFileSync('realpath', [found], { encoding: 'utf8' }).trim();
  for (const candidate of [real, real.replace(/^\/usr/, ''), found]) {
    const owned = spawnSync('dpkg', ['-S', candidate], { encoding: 'utf8' });
    if (owned.status !== 0) continue;
    const pkg = owned.stdout.split(':')[0]!.trim();
    const [essential, priority] = execFileSync('dpkg-query', ['-W', '-f=${Essential} ${Priority}', pkg], { encoding: 'utf8' }).split(' ');
    return { package: pkg, everywhere: essential === 'yes' || priority === 'required' };
  }
  return undefined;
}

test('every program the code, the tests and the scripts run is on the list, or on every Debian system', () => {
  const used = new Set([
    ...['src', 'test', 'bench'].flatMap((d) => filesUnder(d, /\.ts$/)).flatMap(commandsInTypeScript),
    ...filesUnder('scripts', /\.sh$/).flatMap((f) => commandsInShell(readFileSync(f, 'utf8'))),
    ...commandsInShell(helmTestScript()),
  ]);
  expect(used).toEqual(expect.objectContaining({ size: expect.any(Number) }));
  // The scan sees the programs we know are run; a scan that finds nothing proves nothing.
  for (const known of ['tar', 'unzip', 'lua5.4', 'chromium', 'curl', 'sh']) expect([...used]).toContain(known);

  // The scan sees programs by name; a need given by absolute path is listed under its name too.
  const listed = new Set(needs().flatMap((n) => [n.command, path.basename(n.command)]));
  const unlisted = [...used].filter((c) => !listed.has(c) && !PROVIDED.has(c)).flatMap((command) => {
    const pkg = owner(command);
    if (pkg === undefined) return [`${command}: not installed here, and not in scripts/system-deps.sh`];
    return pkg.everywhere ? [] : [`${command}: from Debian package ${pkg.package}, which a fresh machine may lack; add it to scripts/system-deps.sh`];
  });
  expect(unlisted).toEqual([]);
});
