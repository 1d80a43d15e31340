// scripts/start.sh, the image's ENTRYPOINT: node on the compiled dispatcher with V8 flags, the
// old-generation limit derived from the memory limit (given, or cgroup v2, or cgroup v1),
// NODE_OPTIONS' own limit left to win, and glibc's malloc set to give memory back. Run with
// `echo` (or a script that prints the environment) standing in for node.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(REPO, 'scripts', 'start.sh');
const FLAGS = '--expose-gc';

let cgroup: string;

beforeEach(() => {
  cgroup = mkdtempSync(path.join(tmpdir(), 'cgroup-'));
});

afterEach(() => rmSync(cgroup, { recursive: true, force: true }));

async function started(env: Record<string, string>, args: string[] = ['--help']): Promise<string> {
  const { stdout } = await promisify(execFile)('/bin/sh', [SCRIPT, ...args], {
    env: { PATH: process.env.PATH, NODE: '/bin/echo', SMD_CGROUP_DIR: cgroup, SMD_DIST: '/app/dist', ...env },
  });
  return stdout.trim();
}

test('the old generation gets the limit less 128 MiB, or half of a small limit', async () => {
  expect(await started({ SMD_MEMORY_LIMIT_MIB: '256' })).toBe(`${FLAGS} --max-old-space-size=128 --heap-growing-percent=100 --max-semi-space-size=16 /app/dist/main.js --help`);
  expect(await started({ SMD_MEMORY_LIMIT_MIB: '1024' })).toBe(`${FLAGS} --max-old-space-size=896 --heap-growing-percent=100 --max-semi-space-size=16 /app/dist/main.js --help`);
  expect(await started({ SMD_MEMORY_LIMIT_MIB: '200' })).toBe(`${FLAGS} --max-old-space-size=100 --heap-growing-percent=100 --max-semi-space-size=16 /app/dist/main.js --help`);
});

test('without a given limit, the cgroup\'s: v2, then v1; "max" or v1\'s huge number means none', async () => {
  expect(await started({})).toBe(`${FLAGS} /app/dist/main.js --help`);
  writeFileSync(path.join(cgroup, 'memory.max'), `${512 * 1024 * 1024}\n`);
  expect(await started({})).toBe(`${FLAGS} --max-old-space-size=384 --heap-growing-percent=100 --max-semi-space-size=16 /app/dist/main.js --help`);
  writeFileSync(path.join(cgroup, 'memory.max'), 'max\n');
  expect(await started({})).toBe(`${FLAGS} /app/dist/main.js --help`);
  rmSync(path.join(cgroup, 'memory.max'));
  mkdirSync(path.join(cgroup, 'memory'));
  writeFileSync(path.join(cgroup, 'memory', 'memory.limit_in_bytes'), `${384 * 1024 * 1024}\n`);
  expect(await started({})).toBe(`${FLAGS} --max-old-space-size=256 --heap-growing-percent=100 --max-semi-space-size=16 /app/dist/main.js --help`);
  writeFileSync(path.join(cgroup, 'memory', 'memory.limit_in_bytes'), '9223372036854771712\n');
  expect(await started({})).toBe(`${FLAGS} /app/dist/main.js --help`);
});

test('glibc malloc gives memory back (fixed mmap and trim thresholds, two arenas), unless told otherwise', async () => {
  const fakeNode = path.join(cgroup, 'node');
  writeFileSync(fakeNode, '#!/bin/sh\necho "$MALLOC_MMAP_THRESHOLD_ $MALLOC_TRIM_THRESHOLD_ $MALLOC_ARENA_MAX"\n', { mode: 0o755 });
  expect(await started({ NODE: fakeNode })).toBe('16384 16384 2');
  expect(await started({ NODE: fakeNode, MALLOC_ARENA_MAX: '4' })).toBe('16384 16384 4');
});

test('a limit in NODE_OPTIONS wins; a limit that is not a number is ignored; arguments pass through as they are', async () => {
  expect(await started({ SMD_MEMORY_LIMIT_MIB: '256', NODE_OPTIONS: '--max-old-space-size=300' })).toBe(`${FLAGS} /app/dist/main.js --help`);
  expect(await started({ SMD_MEMORY_LIMIT_MIB: 'lots' })).toBe(`${FLAGS} /app/dist/main.js --help`);
  expect(await started({}, ['--name', 'a b'])).toBe(`${FLAGS} /app/dist/main.js --name a b`);
});
