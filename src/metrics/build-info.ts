// sparkdispatcher_build_info: which build is running, as a constant 1 labelled with the version
// (package.json) and the commit (SMD_REVISION, which the image and `make run` set).

import { readFileSync } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';

export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
}

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

/** This build's version and commit; `unknown` where it cannot be told. */
export function buildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  let version = 'unknown';
  try {
    const parsed = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
    if (typeof parsed.version === 'string') version = parsed.version;
  } catch {
    // A layout without package.json beside src/ or dist/: the version stays unknown.
  }
  const commit = env.SMD_REVISION?.trim();
  return { version, commit: commit === undefined || commit === '' ? 'unknown' : commit };
}

export function registerBuildInfo(registry: Registry, info: BuildInfo): void {
  const gauge = new Gauge({
    name: 'sparkdispatcher_build_info',
    help: 'Always 1; the labels say which build runs (version from package.json, commit from SMD_REVISION).',
    labelNames: ['version', 'commit'] as const,
    registers: [registry],
  });
  gauge.set({ version: info.version, commit: info.commit }, 1);
}
