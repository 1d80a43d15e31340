// What both pages read off a driver: its phase, submission ID, queue, application name, main
// class, current attempt and the attempt reference its links are built from, plus the lookup
// and ordering of drivers in a snapshot. Pure.

import type { AttemptStatus, SparkDriverPhase } from '../kube/sparkdriver-status.ts';
import { queueOfResource } from '../kube/sparkdriver-submission.ts';
import { baseName, timeMs } from './format.ts';
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
  return { taskId: attempt.taskId, agentId: attempt.agentId, frameworkId: driver.resource.status?.frameworkId ?? snapshot.frameworkId };
}

/** The driver with this submission ID (the first, should two namespaces share one). */
export function findDriver(snapshot: UiSnapshot, submissionId: string): UiDriver | undefined {
  return snapshot.drivers.find((d) => idOf(d) === submissionId);
}

const byTime = (key: (d: UiDriver) => number | undefined, descending = false) => (a: UiDriver, b: UiDriver): number => {
  const ta = key(a) ?? 0;
  const tb = key(b) ?? 0;
  if (ta !== tb) return descending ? tb - ta : ta - tb;
  return idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0;
};

const submitted = (d: UiDriver) => timeMs(d.resource.metadata.creationTimestamp);

/** The drivers of one phase in the order the overview lists them. */
export function driversIn(snapshot: UiSnapshot, phase: SparkDriverPhase): UiDriver[] {
  const list = snapshot.drivers.filter((d) => phaseOf(d) === phase);
  switch (phase) {
    case 'Queued':
      return list.sort(byTime(submitted));
    case 'Launched':
      return list.sort(byTime((d) => timeMs(currentAttemptOf(d)?.launchTime)));
    case 'Retrying':
      return list.sort(byTime((d) => timeMs(d.resource.status?.nextRetryTime)));
    case 'Finished':
      return list.sort(byTime((d) => timeMs(d.resource.status?.finishTime), true));
  }
}
