// The Dockerfile, checked without a Docker engine. Statically: Node 24 slim bases, every COPY
// source in the build context (and let through by .dockerignore) or made by an earlier stage,
// production dependencies only, a numeric non-root user, HOME/TMPDIR on /tmp for a read-only
// root file system, the ports, OCI labels. Then the image is assembled in a temporary directory
// by following the Dockerfile: its COPY instructions are carried out, its production `npm ci`
// really runs (against the lockfile, as written), its compile step runs tsc as written, its chmod
// and ln -s are carried out; and the ENTRYPOINT (the start script, running node with the V8 flags
// of the memory limit) is started there with --help and with a bad flag, and the kubectl plugin it
// links onto the PATH with --help.

import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../../src/config/options.ts';
import {
  all, copies, ignoreRules, isIgnored, pairs, parseDockerfile, substitute, words, workdir, type Stage,
} from './dockerfile.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path: string): string => readFileSync(join(REPO, path), 'utf8');
const dockerfile = parseDockerfile(read('Dockerfile'));
const rules = ignoreRules(read('.dockerignore'));
const pkg = JSON.parse(read('package.json')) as { name: string; version: string; license: string; devDependencies: Record<string, string> };
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean }> };
const runtime = dockerfile.stages.at(-1)!;
const stage = (name: string): Stage => dockerfile.stages.find((s) => s.name === name)!;
const runs = (s: Stage): string[] => all(s, 'RUN');
const ENTRYPOINT = JSON.parse(all(runtime, 'ENTRYPOINT')[0] ?? 'null') as string[] | null;
const ENV = new Map(all(runtime, 'ENV').flatMap((e) => [...pairs(e)]));

describe('the Dockerfile', () => {
  test('every stage starts from Node 24 on Debian slim', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const s of dockerfile.stages) expect(['node:24-slim', 'node:24-bookworm-slim']).toContain(s.image);
  });

  test('every COPY source is in the build context and not excluded by .dockerignore, or comes from an earlier stage', () => {
    dockerfile.stages.forEach((s, index) => {
      for (const copy of copies(s)) {
        if (copy.from !== undefined) {
          const earlier = dockerfile.stages.slice(0, index).map((e) => e.name);
          expect({ line: copy.line, from: copy.from, earlier: earlier.includes(copy.from) }).toEqual({ line: copy.line, from: copy.from, earlier: true });
          continue;
        }
        for (const source of copy.sources) {
          expect({ line: copy.line, source, exists: existsSync(join(REPO, source)), ignored: isIgnored(source, rules) })
            .toEqual({ line: copy.line, source, exists: true, ignored: false });
        }
      }
    });
  });

  test('.dockerignore keeps development files out of the context', () => {
    for (const path of ['node_modules/jest/package.json', 'dist/main.js', '.git/HEAD', 'test/gitops/fixtures.ts', 'src/devcluster/run.ts', '.devcluster/kubeconfig']) {
      expect({ path, ignored: isIgnored(path, rules) }).toEqual({ path, ignored: true });
    }
    expect(isIgnored('src/main.ts', rules)).toBe(false);
    expect(isIgnored('proto/mesos/v1/mesos.proto', rules)).toBe(false);
  });

  test('the build stage compiles with tsconfig.build.json, as `make build` does', () => {
    const compile = dockerfile.stages.flatMap(runs).filter((r) => /\btsc\b/.test(r));
    expect(compile).toEqual([expect.stringContaining('tsc -p tsconfig.build.json')]);
    expect(read('Makefile')).toMatch(/^build: install ## Compile src\/ into dist\/ for production\n(?:\t.*\n)*\t\$\(NPX\) tsc -p tsconfig\.build\.json\n/m);
  });

  test('the runtime stage takes production dependencies only, the compiled dist/, proto/ and package.json', () => {
    const runtimeCopies = copies(runtime);
    const modules = runtimeCopies.find((c) => c.destination.replace(/\/$/, '') === 'node_modules')!;
    expect(modules.from).toBeDefined();
    expect(runs(stage(modules.from!)).some((r) => /^npm ci\b/.test(r) && words(r).includes('--omit=dev'))).toBe(true);
    expect(runtimeCopies.filter((c) => c.from === undefined).flatMap((c) => c.sources).sort()).toEqual(['package.json', 'proto/', 'scripts/start.sh']);
    expect(runtimeCopies.find((c) => c.destination.replace(/\/$/, '') === 'dist')?.from).toBeDefined();
    // No package manager runs in the final image: nothing is installed there.
    expect(runs(runtime).some((r) => /\bnpm\b (?:ci|install)/.test(r))).toBe(false);
  });

  test('runs as a numeric non-root user that the image declares', () => {
    const users = all(runtime, 'USER');
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0]!.split(':');
    expect(users[0]).toMatch(/^\d+(:\d+)?$/);
    expect(Number(uid)).toBeGreaterThan(0);
    if (gid !== undefined) expect(Number(gid)).toBeGreaterThan(0);
    // A passwd entry, so the dispatcher's OS user (the Mesos framework user) has a name.
    expect(runs(runtime).join(' ')).toMatch(new RegExp(`useradd [^&]*--uid ${uid}\\b`));
  });

  test('works with a read-only root file system: HOME and TMPDIR on /tmp, production mode', () => {
    expect(ENV.get('HOME')).toBe('/tmp');
    expect(ENV.get('TMPDIR')).toBe('/tmp');
    expect(ENV.get('NODE_ENV')).toBe('production');
  });

  test('exposes the REST API, the web UI and the metrics ports', () => {
    expect(all(runtime, 'EXPOSE').flatMap((e) => words(e)).map(Number).sort()).toEqual([DEFAULTS.port, DEFAULTS.webUiPort, DEFAULTS.metricsPort].sort());
  });

  test('the ENTRYPOINT is the exec-form start script, executable, which runs node on the compiled main', () => {
    expect(ENTRYPOINT).toEqual([`${workdir(runtime)}/scripts/start.sh`]);
    expect(statSync(join(REPO, 'scripts', 'start.sh')).mode & 0o111).toBe(0o111);
    expect(read('scripts/start.sh')).toMatch(/^#!\/bin\/sh\n/);
  });

  test('carries the OCI labels', () => {
    // ARG values in effect in the stage: its own defaults, else the global ones it re-declares.
    const args = new Map(all(runtime, 'ARG').flatMap((a) => [...pairs(a)]).map(([k, v]) => [k, v !== '' ? v : dockerfile.globalArgs.get(k) ?? '']));
    const labels = new Map(all(runtime, 'LABEL').flatMap((l) => [...pairs(substitute(l, args))]));
    for (const key of ['title', 'description', 'licenses', 'version', 'revision', 'created', 'source', 'base.name']) {
      expect({ key, present: (labels.get(`org.opencontainers.image.${key}`) ?? '') !== '' }).toEqual({ key, present: true });
    }
    expect(labels.get('org.opencontainers.image.title')).toBe(pkg.name);
    expect(labels.get('org.opencontainers.image.licenses')).toBe(pkg.license);
    expect(labels.get('org.opencontainers.image.version')).toBe(pkg.version);
    expect(labels.get('org.opencontainers.image.base.name')).toBe(runtime.image);
  });
});

// ---------------------------------------------------------------------------------------------
// The image, assembled in a temporary directory by following the Dockerfile.

interface Result { code: number | null; stdout: string; stderr: string }

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 180_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Carries out one stage in `root` (its file system); returns when the stage is done. */
async function assembleStage(s: Stage, root: string, done: ReadonlyMap<string, Promise<string>>): Promise<string> {
  let cwd = '/';
  const inRoot = (path: string): string => join(root, path.startsWith('/') ? path : join(cwd, path));
  for (const ins of s.instructions) {
    if (ins.keyword === 'WORKDIR') {
      cwd = ins.args.startsWith('/') ? ins.args : join(cwd, ins.args);
      mkdirSync(inRoot('.'), { recursive: true });
    } else if (ins.keyword === 'COPY') {
      const [copy] = copies({ ...s, instructions: [ins] });
      const fromRoot = copy!.from === undefined ? undefined : await done.get(copy!.from);
      for (const source of copy!.sources) {
        const from = fromRoot === undefined ? join(REPO, source) : join(fromRoot, source);
        const dest = inRoot(copy!.destination);
        const target = statSync(from).isDirectory() || !copy!.destination.endsWith('/') ? dest : join(dest, basename(source));
        cpSync(from, target, {
          recursive: true,
          filter: (path) => fromRoot !== undefined || !isIgnored(relative(REPO, path) || '.', rules) || path === join(REPO, source),
        });
      }
    } else if (ins.keyword === 'RUN') {
      const here = inRoot('.');
      const argv = words(ins.args);
      if (argv[0] === 'npm' && argv[1] === 'ci') {
        if (argv.includes('--omit=dev')) {
          // The real thing, as written; --prefer-offline only lets npm use its cache.
          const r = await run('npm', [...argv.slice(1), '--prefer-offline'], here);
          if (r.code !== 0) throw new Error(`line ${ins.line}: npm ci failed:\n${r.stderr}`);
        } else {
          // Every dependency from the same lockfile: the repository's own install is that.
          symlinkSync(join(REPO, 'node_modules'), join(here, 'node_modules'), 'dir');
        }
      } else if (argv[0] === 'node' && argv.some((a) => a.endsWith('/tsc'))) {
        // Type checking is `make typecheck`'s job; --noCheck emits the same files, faster.
        const r = await run(process.execPath, [...argv.slice(1), '--noCheck'], here);
        if (r.code !== 0) throw new Error(`line ${ins.line}: the compile failed:\n${r.stdout}${r.stderr}`);
      } else if (argv[0] === 'chmod' && argv.length === 3) {
        chmodSync(inRoot(argv[2]!), Number.parseInt(argv[1]!, 8));
      } else if (argv[0] === 'ln' && argv[1] === '-s' && argv.length === 4) {
        mkdirSync(dirname(inRoot(argv[3]!)), { recursive: true });
        symlinkSync(inRoot(argv[2]!), inRoot(argv[3]!));
      }
      // Other RUN lines change the base system (users, removing npm); they add no app files.
    }
  }
  return root;
}

function snapshot(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(relative(dir, path), statSync(path).mtimeMs);
    }
  };
  walk(dir);
  return out;
}

describe('the image, assembled without Docker', () => {
  let tmp: string;
  let app: string;
  const start = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Result> => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE: process.execPath, ...Object.fromEntries(ENV), ...extraEnv };
    return run(join(tmp, runtime.name, ENTRYPOINT![0]!), args, app, env, 60_000);
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'image-'));
    const done = new Map<string, Promise<string>>();
    for (const s of dockerfile.stages) {
      const root = join(tmp, s.name);
      mkdirSync(root);
      done.set(s.name, assembleStage(s, root, done));
    }
    await Promise.all(done.values());
    app = join(tmp, runtime.name, workdir(runtime));
  }, 240_000);

  afterAll(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  test('the ENTRYPOINT starts the compiled src/main.ts, next to proto/ and package.json', () => {
    expect(statSync(join(tmp, runtime.name, ENTRYPOINT![0]!)).mode & 0o111).toBe(0o111);
    expect(existsSync(join(app, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(app, 'proto', 'mesos', 'v1', 'scheduler', 'scheduler.proto'))).toBe(true);
    expect((JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { type: string }).type).toBe('module');
    expect(readdirSync(join(app, 'dist')).sort()).toEqual(expect.arrayContaining(['main.js', 'mesos', 'operator']));
    expect(existsSync(join(app, 'dist', 'devcluster'))).toBe(false);
  });

  test('no development dependency is installed, the `node` package included', () => {
    const devOnly = Object.entries(lock.packages).filter(([path, p]) => path.startsWith('node_modules/') && p.dev === true).map(([path]) => path);
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.filter((path) => existsSync(join(app, path)))).toEqual([]);
    // Development dependencies that no production dependency needs (the lockfile marks them dev).
    const direct = Object.keys(pkg.devDependencies).filter((name) => lock.packages[`node_modules/${name}`]?.dev === true);
    expect(direct).toEqual(expect.arrayContaining(['node', 'typescript', 'jest']));
    expect(direct.filter((name) => existsSync(join(app, 'node_modules', name)))).toEqual([]);
  });

  test('the ENTRYPOINT runs node on dist/main.js with the V8 flags of the memory limit', async () => {
    const r = await start(['--help'], { NODE: '/bin/echo', SMD_MEMORY_LIMIT_MIB: '256' });
    expect(r.stdout).toBe(`--expose-gc --max-old-space-size=128 --heap-growing-percent=100 --max-semi-space-size=16 ${join(app, 'dist', 'main.js')} --help\n`);
  });

  test('--help prints the usage and exits 0', async () => {
    const r = await start(['--help']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Usage: MesosClusterDispatcher \[options\]\n/);
  });

  test('the kubectl plugin is on the PATH, executable, and answers --help', async () => {
    const link = join(tmp, runtime.name, 'usr/local/bin/kubectl-sparkdriver');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(link).mode & 0o111).toBe(0o111);
    expect(readFileSync(link, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...Object.fromEntries(ENV) };
    const r = await run(process.execPath, [link, '--help'], app, env, 60_000);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain('kubectl sparkdriver logs NAME');
  });

  test('a bad flag exits 1 and says why', async () => {
    const before = snapshot(app);
    const r = await start(['--master', 'mesos://mesos-master:5050', '--bogus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Unrecognized option: '--bogus'");
    expect(r.stderr).toContain('Usage: MesosClusterDispatcher [options]');
    // Starting wrote nothing next to the application (the root file system is read-only).
    expect(snapshot(app)).toEqual(before);
  });
});
