// The Argo CD health check the project ships (deploy/argocd/health.lua), run by Debian's
// lua5.4 the way Argo CD runs it, against SparkDrivers in every phase and outcome carrying the
// status the operator writes; and the argocd-cm snippet that installs it.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SPARK_DRIVER } from '../../src/sparkdriver/sparkdriver.ts';
import { CASES } from './fixtures.ts';
import { HEALTH_SCRIPT, LUA, REPO, hasLua, runHealthScript, type Health } from './lua.ts';

const ARGO_HEALTH = new Set(['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown']);

beforeAll(() => {
  if (!hasLua()) throw new Error(`${LUA} is not installed: apt-get install lua5.4 (.ci/run installs it on Debian)`);
});

describe('every phase and outcome', () => {
  let results: Map<string, Health>;
  beforeAll(() => {
    results = runHealthScript(CASES.map((c) => ({ name: c.name, resource: c.resource })));
  });

  test.each(CASES.map((c) => [c.name, c.argocd, c] as const))('%s: %s', (name, expected, c) => {
    const health = results.get(name);
    expect(health?.status).toBe(expected);
    expect(ARGO_HEALTH.has(health?.status ?? '')).toBe(true);
    expect(health?.message).not.toBe('');
    // The message is the operator's own sentence, so Argo CD shows what `kubectl describe` does.
    const status = c.resource.status as { message?: string; observedGeneration?: number; phase?: string } | undefined;
    const generation = (c.resource.metadata as { generation: number }).generation;
    const current = status?.observedGeneration === generation || status?.phase === 'Finished';
    if (status?.message !== undefined && current) expect(health?.message).toContain(status.message);
  });

  test('a status older than the spec names both generations', () => {
    const behind = CASES.find((c) => c.name === 'kill set, not yet observed')!;
    expect(results.get(behind.name)?.message).toBe('Waiting for the dispatcher to observe generation 2 (the status is for generation 1)');
  });

  test('a failure says how the driver ended', () => {
    expect(results.get('lost')?.message).toBe('Finished: Lost: Task ended with TASK_LOST');
  });
});

describe('resources the operator never writes', () => {
  const base = CASES.find((c) => c.name === 'running')!.resource;
  const withStatus = (status: unknown, spec?: unknown): Record<string, unknown> =>
    ({ ...base, ...(spec !== undefined && { spec }), status });
  const odd: [string, string, unknown][] = [
    ['a phase from a newer dispatcher', 'Unknown', withStatus({ phase: 'Paused', observedGeneration: 1 })],
    ['conditions that are not a list', 'Progressing', withStatus({ phase: 'Launched', conditions: 'broken' })],
    ['conditions with holes', 'Healthy', withStatus({ phase: 'Launched', conditions: ['x', { type: 'Ready', status: 'True' }] })],
    ['Finished without an outcome', 'Degraded', withStatus({ phase: 'Finished' })],
    ['no observedGeneration', 'Progressing', withStatus({ phase: 'Queued' })],
    ['Stalled while not finished', 'Degraded', withStatus({ phase: 'Retrying', conditions: [{ type: 'Stalled', status: 'True' }] })],
    ['no metadata, no spec', 'Degraded', { status: { phase: 'Finished', outcome: 'Killed' } }],
    ['killed by Mesos, kill requested afterwards', 'Degraded', withStatus(
      { phase: 'Finished', outcome: 'Killed', conditions: [{ type: 'Stalled', status: 'True' }] }, { ...(base.spec as object), kill: true })],
    ['no status at all, no metadata', 'Progressing', {}],
  ];
  test.each(odd)('%s: %s', (name, expected, resource) => {
    const health = runHealthScript([{ name, resource }]).get(name);
    expect(health?.status).toBe(expected);
  });
});

describe('the script', () => {
  const code = readFileSync(HEALTH_SCRIPT, 'utf8')
    .replace(/--.*$/gm, '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');

  test('is plain Lua 5.1, as Argo CD runs it (gopher-lua): no 5.2+ syntax or libraries', () => {
    for (const [what, pattern] of [
      ['goto or labels', /\bgoto\b|::\w+::/],
      ['integer division or bitwise operators', /\/\/|[&|~](?!=)|<<|>>/],
      ['5.2+ library functions', /\b(?:utf8\.|table\.(?:unpack|move)|string\.(?:pack|unpack)|math\.(?:type|tointeger)|load\s*\(|_ENV)\b/],
      ['io, os or require', /\b(?:io|os|require|dofile|loadfile)\b/],
    ] as const) {
      expect({ what, found: pattern.exec(code)?.[0] }).toEqual({ what, found: undefined });
    }
  });

  test('the harness catches what Argo CD would not allow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'argocd-bad-'));
    try {
      const bad = (name: string, text: string): string => {
        writeFileSync(join(dir, name), text);
        return runHealthScript([{ name, resource: {} }], join(dir, name)).get(name)?.status ?? '';
      }
      expect(bad('global.lua', 'seen = true\nreturn {status = "Healthy", message = "x"}\n')).toBe('GLOBAL-WRITE');
      expect(bad('io.lua', 'io.write("x")\nreturn {status = "Healthy", message = "x"}\n')).toBe('ERROR');
      expect(bad('crash.lua', 'return {status = obj.status.phase}\n')).toBe('ERROR');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('argocd-cm snippet', () => {
  const file = join(REPO, 'deploy', 'argocd', 'argocd-cm.yaml');
  const cm = parse(readFileSync(file, 'utf8')) as { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; data: Record<string, string> };

  test('is the argocd-cm ConfigMap', () => {
    expect(cm).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' } });
  });

  test('installs deploy/argocd/health.lua verbatim under the key Argo CD reads for the kind', () => {
    const key = `resource.customizations.health.${SPARK_DRIVER.group}_${SPARK_DRIVER.kind}`;
    expect(Object.keys(cm.data)).toEqual([key]);
    expect(cm.data[key]).toBe(readFileSync(HEALTH_SCRIPT, 'utf8'));
  });
});
