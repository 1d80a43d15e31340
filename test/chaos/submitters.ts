// How the chaos run's users submit and kill drivers, and what they were told: kubectl users apply
// a burst in one kubectl run and apply again what did not take (apply is idempotent by name); REST users
// send Spark's create request once, as spark-submit does, and keep the answer for the audit.
import { request } from 'undici';
import type { Cluster } from '../operator/harness.ts';
import type { Replicas } from './replicas.ts';
import { createRequestOf, manifestOf } from './workload.ts';
import type { PlannedDriver } from './workload.ts';

/**
 * took: the create happened as far as the user was told (kubectl reported the resource, REST said
 * success). failed: the user was told it did not (REST success:false or an error status).
 * unanswered: no answer (the replica died, the connection broke): either outcome is honest.
 */
export type Answer = 'took' | 'failed' | 'unanswered';

export interface Submission {
  driver: PlannedDriver;
  answer: Answer;
  /** The REST answer's submission ID. */
  submissionId?: string;
  detail?: string;
}

export interface UserLog {
  submissions: Map<string, Submission>;
  /** Tags of drivers whose kill was requested and confirmed. */
  killed: Set<string>;
  /** REST answers by kind (`created`, `refused`, `http 500`, `no answer`). */
  restAnswers: Map<string, number>;
  kubectlRetries: number;
}

export function newUserLog(): UserLog {
  return { submissions: new Map(), killed: new Set(), restAnswers: new Map(), kubectlRetries: 0 };
}

const count = (map: Map<string, number>, key: string): void => {
  map.set(key, (map.get(key) ?? 0) + 1);
};

/** Applies the drivers in one kubectl run; returns the tags kubectl did not report as applied. */
export async function applyWithKubectl(cluster: Cluster, log: UserLog, drivers: readonly PlannedDriver[]): Promise<PlannedDriver[]> {
  // One YAML stream of JSON documents: kubectl applies each in turn and reports each.
  const stream = drivers.map((d) => JSON.stringify(manifestOf(d, cluster.appJar))).join('\n---\n');
  const result = await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: stream, timeoutMs: 60_000 });
  const applied = new Set([...result.stdout.matchAll(/^sparkdriver\.sparkmesos\.io\/(\S+) (?:created|configured|unchanged)$/gm)].map((m) => m[1]));
  const missing: PlannedDriver[] = [];
  for (const d of drivers) {
    if (applied.has(d.tag)) log.submissions.set(d.tag, { driver: d, answer: 'took' });
    else missing.push(d);
  }
  return missing;
}

/** Applies until every driver took, at most `tries` times (the rest is applied after the faults). */
export async function submitWithKubectl(cluster: Cluster, log: UserLog, drivers: readonly PlannedDriver[], tries = 8): Promise<void> {
  let missing = [...drivers];
  for (let i = 0; i < tries && missing.length > 0; i += 1) {
    if (i > 0) log.kubectlRetries += 1;
    missing = await applyWithKubectl(cluster, log, missing);
  }
  for (const d of missing) if (!log.submissions.has(d.tag)) log.submissions.set(d.tag, { driver: d, answer: 'unanswered', detail: 'kubectl never reported it' });
}

/** One CreateSubmissionRequest, answered or not. */
export async function submitWithRest(replicas: Replicas, log: UserLog, driver: PlannedDriver, appJar: string, index: number): Promise<void> {
  const url = replicas.restUrl(index);
  if (url === undefined) {
    count(log.restAnswers, 'no replica serving');
    log.submissions.set(driver.tag, { driver, answer: 'unanswered', detail: 'no replica serving REST' });
    return;
  }
  try {
    const response = await request(`${url}/v1/submissions/create`, {
      method: 'POST', body: createRequestOf(driver, appJar), headers: { 'content-type': 'application/json' },
      headersTimeout: 60_000, bodyTimeout: 60_000,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      count(log.restAnswers, `http ${response.statusCode}`);
      log.submissions.set(driver.tag, { driver, answer: 'failed', detail: `${response.statusCode}: ${text.slice(0, 200)}` });
      return;
    }
    const answer = JSON.parse(text) as { success?: boolean; submissionId?: string; message?: string };
    if (answer.success === true && answer.submissionId !== undefined) {
      count(log.restAnswers, 'created');
      log.submissions.set(driver.tag, { driver, answer: 'took', submissionId: answer.submissionId });
    } else {
      count(log.restAnswers, 'refused');
      log.submissions.set(driver.tag, { driver, answer: 'failed', detail: answer.message ?? text.slice(0, 200) });
    }
  } catch (error) {
    count(log.restAnswers, 'no answer');
    log.submissions.set(driver.tag, { driver, answer: 'unanswered', detail: (error as Error).message });
  }
}

/** The user kills a driver: `kubectl patch` (REST kill for a REST driver with a known ID). */
export async function killDriver(cluster: Cluster, replicas: Replicas, log: UserLog, driver: PlannedDriver, tries = 8): Promise<void> {
  const submission = log.submissions.get(driver.tag);
  for (let i = 0; i < tries && !log.killed.has(driver.tag); i += 1) {
    if (driver.via === 'rest') {
      const url = replicas.restUrl(i);
      if (submission?.submissionId === undefined || url === undefined) return;
      try {
        const response = await request(`${url}/v1/submissions/kill/${submission.submissionId}`, { method: 'POST', headersTimeout: 60_000 });
        const answer = await response.body.json() as { success?: boolean };
        if (answer.success === true) log.killed.add(driver.tag);
      } catch {
        // no answer: try again
      }
    } else {
      const patched = await cluster.kube.kubectl(['patch', 'sparkdriver', driver.tag, '--type=merge', '-p', '{"spec":{"kill":true}}']);
      if (patched.code === 0) log.killed.add(driver.tag);
    }
  }
}
