// The SparkDriver status under kstatus, the library Flux (and kpt, cli-utils) use to decide
// whether an applied resource is reconciled: the rules of kubernetes-sigs/cli-utils
// pkg/kstatus/status (Compute with its generic and Ready-condition checks, a few lines of Go),
// re-implemented here, applied to the status the operator writes in every phase, and to a
// ScheduledSparkDriver's. Also the condition conventions kstatus and `kubectl wait` rely on.

import { parseSparkDriver } from '../../src/sparkdriver/sparkdriver.ts';
import { CONDITION_TYPES, type Condition } from '../../src/sparkdriver/sparkdriver-status.ts';
import { CASES, type KStatus } from './fixtures.ts';
import { plan } from '../../src/scheduled/plan.ts';
import { scheduledSpecSchema } from '../../src/scheduled/scheduled-spark-driver.ts';
import type { ScheduledSparkDriver, ScheduledSparkDriverSpecInput } from '../../src/scheduled/scheduled-spark-driver.ts';

interface Result {
  readonly status: KStatus;
  readonly message: string;
}

interface Resource {
  metadata?: { generation?: number; deletionTimestamp?: string };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/** kstatus `Compute` for a custom resource (no type-specific rules apply to it). */
function kstatus(resource: Resource): Result {
  if (resource.metadata?.deletionTimestamp) return { status: 'Terminating', message: 'Resource scheduled for deletion' };
  const generation = resource.metadata?.generation;
  const observed = resource.status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed !== generation) {
    return { status: 'InProgress', message: `SparkDriver generation is ${generation}, but latest observed generation is ${observed}` };
  }
  const conditions = resource.status?.conditions ?? [];
  // Abnormal-true conditions decide alone, the first one in list order.
  for (const c of conditions) {
    if (c.type === 'Reconciling' && c.status === 'True') return { status: 'InProgress', message: c.message ?? '' };
    if (c.type === 'Stalled' && c.status === 'True') return { status: 'Failed', message: c.message ?? '' };
  }
  // Then the Ready condition, if the resource has one: True is Current, False or Unknown is not yet.
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return { status: 'Current', message: 'Resource is Ready' };
  if (ready?.status === 'False' || ready?.status === 'Unknown') return { status: 'InProgress', message: ready.message ?? '' };
  return { status: 'Current', message: 'Resource is current' };
}

const table = CASES.map((c) => [c.name, c.kstatus, c] as const);

test.each(table)('%s: %s', (_name, expected, c) => {
  expect(kstatus(c.resource as Resource).status).toBe(expected);
});

test('a driver being deleted is Terminating, whatever its phase', () => {
  for (const c of CASES) {
    const resource = c.resource as unknown as Resource & { metadata: object };
    expect(kstatus({ ...resource, metadata: { ...resource.metadata, deletionTimestamp: '2024-03-01T11:00:00Z' } }).status).toBe('Terminating');
  }
});

describe('the conditions the operator writes', () => {
  const written = CASES.filter((c) => (c.resource.status as { phase?: string } | undefined)?.phase !== undefined);
  const conditionsOf = (c: (typeof CASES)[number]): Map<string, Condition> =>
    new Map(((c.resource.status as { conditions?: Condition[] }).conditions ?? []).map((cond) => [cond.type, cond]));

  test('the fixtures are SparkDrivers the operator would read back', () => {
    for (const c of CASES) expect({ name: c.name, ok: parseSparkDriver(c.resource).ok }).toEqual({ name: c.name, ok: true });
  });

  test.each(written.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const status = c.resource.status as { phase: string; outcome?: string; observedGeneration: number };
    const conditions = conditionsOf(c);
    const is = (type: string, value: string): boolean => conditions.get(type)?.status === value;
    // Every type on every write, even False or Unknown: kstatus only trusts a Ready condition it
    // has seen before it turned True.
    expect([...conditions.keys()].sort()).toEqual([...CONDITION_TYPES].sort());
    // Each condition speaks for the generation the status does.
    for (const cond of conditions.values()) expect(cond.observedGeneration).toBe(status.observedGeneration);
    // Abnormal-true polarity: never reconciling and stalled at once; Ready excludes both.
    expect(is('Reconciling', 'True') && is('Stalled', 'True')).toBe(false);
    if (is('Ready', 'True')) expect([is('Reconciling', 'False'), is('Stalled', 'False')]).toEqual([true, true]);
    // Stalled: finished without success, or queued and larger than any offer so far.
    if (is('Stalled', 'True')) expect(status.phase === 'Finished' || conditions.get('Stalled')?.reason === 'LargerThanAnyOffer').toBe(true);
    // Something is always true while work remains: a driver that is not finished is reconciling,
    // ready (running), or stalled (too large for any offer).
    if (status.phase !== 'Finished') expect(is('Reconciling', 'True') || is('Ready', 'True') || is('Stalled', 'True')).toBe(true);
    // `kubectl wait --for=condition=Succeeded` returns exactly for success; Unknown until the end.
    expect(conditions.get('Succeeded')?.status).toBe(status.phase !== 'Finished' ? 'Unknown' : status.outcome === 'Succeeded' ? 'True' : 'False');
  });
});

describe('ScheduledSparkDriver statuses, as the controller writes them', () => {
  const at = Date.parse('2024-03-01T10:00:00Z');
  const statusFor = (spec: Partial<ScheduledSparkDriverSpecInput>, generation = 1): Resource => {
    const resource: ScheduledSparkDriver = {
      apiVersion: 'sparkmesos.io/v1alpha1', kind: 'ScheduledSparkDriver',
      metadata: { name: 'nightly', namespace: 'default', uid: 'u', creationTimestamp: '2024-03-01T09:00:00Z', generation },
      spec: scheduledSpecSchema.parse({ schedule: '@daily', template: { appResource: 'file:///a.jar' }, ...spec }),
    };
    return { metadata: { generation }, status: plan({ resource, runs: [], nowMs: at, nameTaken: () => false }).status as NonNullable<Resource['status']> };
  };

  test.each<[string, Resource, KStatus]>([
    ['scheduling', statusFor({}), 'Current'],
    ['suspended (what was asked)', statusFor({ suspend: true }), 'Current'],
    ['a schedule that never matches', statusFor({ schedule: '0 0 30 2 *' }), 'Failed'],
    ['an edit not seen yet', { metadata: { generation: 2 }, status: statusFor({}).status! }, 'InProgress'],
  ])('%s: %s', (_name, resource, expected) => {
    expect(kstatus(resource).status).toBe(expected);
  });
});
