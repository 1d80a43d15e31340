// Runs the Argo CD health script with Debian's lua5.4 through argocd-harness.lua: the test's
// JSON resources become Lua table literals, as Argo CD turns the object into the table `obj`.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, '..', '..');
export const HEALTH_SCRIPT = join(REPO, 'deploy', 'argocd', 'health.lua');
const HARNESS = join(here, 'argocd-harness.lua');
export const LUA = 'lua5.4';

/** A Lua string literal: quotes, backslashes and control characters escaped (UTF-8 passes as bytes). */
export function luaString(text: string): string {
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  const escaped = text.replace(/[\\"]/g, '\\$&').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${String(c.charCodeAt(0)).padStart(3, '0')}`);
  return `"${escaped}"`;
}

/** JSON as a Lua table constructor: arrays 1-based, objects keyed by string, null as nil. */
export function luaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`no JSON number: ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return luaString(value);
  if (Array.isArray(value)) return `{${value.map(luaLiteral).join(', ')}}`;
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([key, v]) => `[${luaString(key)}] = ${luaLiteral(v)}`).join(', ')}}`;
  }
  throw new Error(`not JSON: ${typeof value}`);
}

export function hasLua(): boolean {
  try {
    execFileSync(LUA, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Health {
  readonly status: string;
  readonly message: string;
}

/** Runs `script` once per resource in one lua5.4 process; results keyed by case name. */
export function runHealthScript(cases: readonly { name: string; resource: unknown }[], script = HEALTH_SCRIPT): Map<string, Health> {
  const dir = mkdtempSync(join(tmpdir(), 'argocd-health-'));
  try {
    const file = join(dir, 'cases.lua');
    const entries = cases.map((c) => `  {name = ${luaString(c.name)}, obj = ${luaLiteral(c.resource)}},`);
    writeFileSync(file, `return {\n${entries.join('\n')}\n}\n`);
    const out = execFileSync(LUA, [HARNESS, script, file], { encoding: 'utf8', timeout: 20_000 });
    const results = new Map<string, Health>();
    for (const line of out.split('\n').filter((l) => l !== '')) {
      const [name = '', status = '', ...message] = line.split('\t');
      results.set(name, { status, message: message.join('\t') });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
