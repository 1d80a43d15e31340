// A ScheduledSparkDriver's runs: the SparkDriver it creates for a scheduled time (deterministic
// name, owner reference, label, annotation) and how its runs are read back from SparkDriver
// objects. The name is the lock CronJob uses too: a restart or a second leader that tries the same
// scheduled time again gets AlreadyExists instead of a second run. Pure.

import type { KubeObject } from '../kube/kube-client.ts';
import { rfc3339 } from '../sparkdriver/driver-conditions.ts';
import { SPARK_DRIVER, SPARK_DRIVER_API_VERSION } from '../sparkdriver/sparkdriver.ts';
import { OUTCOMES, PHASES, type SparkDriverOutcome, type SparkDriverPhase } from '../sparkdriver/sparkdriver-status.ts';
import { SCHEDULED_SPARK_DRIVER, SCHEDULED_SPARK_DRIVER_API_VERSION, type ScheduledSparkDriver } from './scheduled-spark-driver.ts';

/** On every run: the name of the ScheduledSparkDriver that created it. */
export const SCHEDULED_BY_LABEL = 'sparkmesos.io/scheduled-driver';
/** On every run: the scheduled time it was created for (RFC 3339). */
export const SCHEDULED_TIME_ANNOTATION = 'sparkmesos.io/scheduled-time';

/** A run as the planner sees it. */
export interface Run {
  readonly name: string;
  readonly uid: string;
  readonly scheduledMs: number;
  /** Absent until the dispatcher admitted the SparkDriver. */
  readonly phase?: SparkDriverPhase;
  readonly outcome?: SparkDriverOutcome;
  readonly finishedMs?: number;
  readonly killRequested: boolean;
}

/** `<name>-<minutes since the epoch>`, as CronJob names its Jobs. */
export function runName(ownerName: string, scheduledMs: number): string {
  return `${ownerName}-${Math.floor(scheduledMs / 60_000)}`;
}

/** The SparkDriver to create for the scheduled time. */
export function runManifest(owner: ScheduledSparkDriver, scheduledMs: number): KubeObject & { spec: object } {
  const { name, namespace, uid } = owner.metadata;
  return {
    apiVersion: SPARK_DRIVER_API_VERSION,
    kind: SPARK_DRIVER.kind,
    metadata: {
      name: runName(name, scheduledMs),
      namespace,
      labels: { [SCHEDULED_BY_LABEL]: name },
      annotations: { [SCHEDULED_TIME_ANNOTATION]: rfc3339(scheduledMs) },
      // No blockOwnerDeletion: it would need update on the owner's finalizers subresource, and
      // only foreground deletion waits for it.
      ownerReferences: [{ apiVersion: SCHEDULED_SPARK_DRIVER_API_VERSION, kind: SCHEDULED_SPARK_DRIVER.kind, name, uid, controller: true }],
    },
    spec: owner.spec.template,
  };
}

/** The ScheduledSparkDriver that controls `object` (its controller owner reference), if any. */
export function controllerOf(object: KubeObject): { name: string; uid: string } | undefined {
  const ref = object.metadata?.ownerReferences?.find((r) => r.controller === true && r.kind === SCHEDULED_SPARK_DRIVER.kind
    && r.apiVersion === SCHEDULED_SPARK_DRIVER_API_VERSION);
  return ref === undefined ? undefined : { name: ref.name, uid: ref.uid };
}

const oneOf = <T extends string>(values: readonly T[], value: unknown): T | undefined =>
  (values as readonly unknown[]).includes(value) ? value as T : undefined;

function timeMs(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** The runs of the ScheduledSparkDriver with `ownerUid` among `drivers` (of its namespace). */
export function runsOf(drivers: Iterable<KubeObject>, ownerUid: string): Run[] {
  const runs: Run[] = [];
  for (const d of drivers) {
    if (controllerOf(d)?.uid !== ownerUid) continue;
    const { status, spec } = d as { status?: { phase?: unknown; outcome?: unknown; finishTime?: unknown }; spec?: { kill?: unknown } };
    const scheduledMs = timeMs(d.metadata?.annotations?.[SCHEDULED_TIME_ANNOTATION]) ?? timeMs(d.metadata?.creationTimestamp) ?? 0;
    const phase = oneOf(PHASES, status?.phase);
    const outcome = phase === 'Finished' ? oneOf(OUTCOMES, status?.outcome) : undefined;
    const finishedMs = outcome === undefined ? undefined : timeMs(status?.finishTime);
    runs.push({
      name: d.metadata?.name ?? '', uid: d.metadata?.uid ?? '', scheduledMs, killRequested: spec?.kill === true,
      ...(phase !== undefined && { phase }), ...(outcome !== undefined && { outcome }), ...(finishedMs !== undefined && { finishedMs }),
    });
  }
  return runs.sort((a, b) => a.scheduledMs - b.scheduledMs || a.name.localeCompare(b.name));
}
