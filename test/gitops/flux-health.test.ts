// The Flux health check expressions the project ships (deploy/flux/kustomization.yaml),
// evaluated with a CEL interpreter the way kustomize-controller evaluates healthCheckExprs
// (Flux RFC-0009): observedGeneration first, then inProgress, failed and current in that order,
// the first true one wins; none true is InProgress; an expression that cannot be evaluated yet
// (a field not there) leaves the resource in progress until the Kustomization's timeout.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '@marcbachmann/cel-js';
import { parse } from 'yaml';
import { SPARK_DRIVER, SPARK_DRIVER_API_VERSION } from '../../src/sparkdriver/sparkdriver.ts';
import { CASES, type KStatus } from './fixtures.ts';
import { REPO } from './lua.ts';

interface HealthCheckExpr { apiVersion: string; kind: string; inProgress?: string; failed?: string; current: string }

const kustomization = parse(readFileSync(join(REPO, 'deploy', 'flux', 'kustomization.yaml'), 'utf8')) as {
  apiVersion: string; kind: string; spec: { wait?: boolean; healthCheckExprs: HealthCheckExpr[] };
};
const exprs = kustomization.spec.healthCheckExprs.find((e) => e.kind === SPARK_DRIVER.kind)!;

type Verdict = KStatus | 'InProgress (not evaluable yet)';

function fluxHealth(resource: Record<string, unknown>): Verdict {
  const generation = (resource.metadata as { generation?: number } | undefined)?.generation;
  const observed = (resource.status as { observedGeneration?: number } | undefined)?.observedGeneration;
  if (observed !== undefined && observed !== generation) return 'InProgress';
  const checks: [string | undefined, KStatus][] = [[exprs.inProgress, 'InProgress'], [exprs.failed, 'Failed'], [exprs.current, 'Current']];
  for (const [expr, status] of checks) {
    if (expr === undefined) continue;
    let result: unknown;
    try {
      result = evaluate(expr, resource);
    } catch {
      return 'InProgress (not evaluable yet)';
    }
    if (result === true) return status;
  }
  return 'InProgress';
}

test('the Kustomization waits for its resources and has expressions for SparkDriver', () => {
  expect(kustomization).toMatchObject({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', spec: { wait: true } });
  expect(exprs.apiVersion).toBe(SPARK_DRIVER_API_VERSION);
  // Without a failed expression Flux would wait for the timeout on every failed driver.
  expect(exprs.failed).toBeDefined();
});

test.each(CASES.map((c) => [c.name, c.flux, c] as const))('%s: %s', (_name, expected, c) => {
  expect(fluxHealth(c.resource).replace(/ \(.*\)$/, '')).toBe(expected);
});

test('a driver without a status yet is waited for, not taken as ready', () => {
  for (const c of CASES.filter((x) => x.name === 'no status' || x.name === 'empty status')) {
    expect(fluxHealth(c.resource)).toBe('InProgress (not evaluable yet)');
  }
});
