// What the pages read off a driver: its phase, submission ID, queue, application name, main
// class, current attempt and the attempt reference its links are built from, plus the lookup of
// a driver by submission ID or resource name. Pure.

import type { AttemptStatus, SparkDriverPhase } from '../sparkdriver/sparkdriver-status.ts';
import { queueOfResource } from '../sparkdriver/sparkdriver-submission.ts';
import { baseName } from './format.ts';
import type { AttemptRef } from './links.ts';
import { submissionIdOfResource, type UiDriver, type UiSnapshot } from './snapshot.ts';

/** The phase; a resource the operator has not written a status for yet counts as queued. */
export function phaseOf(driver: UiDriver): SparkDriverPhase {
  return driver.resource.status?.phase ?? 'Queued';
}

export function idOf(driver: UiDriver): string {
  return submissionIdOfResource(driver.resource);
}

export function queueOf(driver: UiDriver): string {
  return queueOfResource(driver.resource);
}

export function appNameOf(driver: UiDriver): string | undefined {
  return driver.resource.spec.sparkProperties['spark.app.name'];
}

/** The main class; a Python application (no main class) shows its primary file instead. */
export function mainClassOf(driver: UiDriver): string {
  const { mainClass, appResource } = driver.resource.spec;
  return mainClass !== undefined && mainClass !== '' ? mainClass : `${baseName(appResource)} (Python)`;
}

export function currentAttemptOf(driver: UiDriver): AttemptStatus | undefined {
  return driver.resource.status?.currentAttempt;
}

/** `namespace/name` of the resource. */
export function resourceNameOf(driver: UiDriver): string {
  return `${driver.resource.metadata.namespace}/${driver.resource.metadata.name}`;
}

/** The attempt as its links need it, under the framework that launched it (else the dispatcher's). */
export function attemptRef(driver: UiDriver, attempt: AttemptStatus | undefined, snapshot: UiSnapshot): AttemptRef | undefined {
  if (attempt === undefined) return undefined;
  // A pod has no Mesos sandbox and no Mesos framework: its links are the log pages only.
  if (onPods(driver)) return { taskId: attempt.taskId };
  return { taskId: attempt.taskId, agentId: attempt.agentId, frameworkId: driver.resource.status?.frameworkId ?? snapshot.frameworkId };
}

/** The driver runs on the kubernetes backend (its attempts are pods). */
export function onPods(driver: UiDriver): boolean {
  return driver.resource.status?.backend === 'kubernetes';
}

/**
 * The drivers a person may mean by `key`: the one with this submission ID, else the resource
 * `namespace/name`, else every resource with this name (several when namespaces share it).
 */
export function lookupDrivers(snapshot: UiSnapshot, key: string): UiDriver[] {
  const bySubmission = snapshot.drivers.find((d) => idOf(d) === key);
  if (bySubmission !== undefined) return [bySubmission];
  if (key.includes('/')) return snapshot.drivers.filter((d) => resourceNameOf(d) === key).slice(0, 1);
  return snapshot.drivers.filter((d) => d.resource.metadata.name === key);
}
