// A driver's logs: which attempts it had (numbered 1, 2, ... by their task IDs, so numbers stay
// put when the status's ring drops old ones), where each one's sandbox is, and reading its
// stdout or stderr there through the agent's files API; on the kubernetes backend, its pod's log
// through the API server. Every way it can fail is a sentence a person can act on: not launched
// yet, an attempt no longer in the history, a sandbox Mesos has removed, an agent that is gone
// or does not answer, a pod that is gone or not started.

import type { SandboxReader } from '../mesos/sandbox-files.ts';
import type { PodLogReader, PodRef } from '../pods/pod-logs.ts';
import { isTerminalTaskStateName } from '../mesos/translation.ts';
import type { SparkDriver } from '../sparkdriver/sparkdriver.ts';
import type { AttemptStatus } from '../sparkdriver/sparkdriver-status.ts';

export const LOG_FILES = ['stdout', 'stderr'] as const;
export type LogFile = (typeof LOG_FILES)[number];

export function isLogFile(value: string | null | undefined): value is LogFile {
  return value === 'stdout' || value === 'stderr';
}

export interface AttemptLocation {
  /** 1 for the first attempt, n + 1 for `<submissionId>-retry-<n>`. */
  readonly number: number;
  readonly taskId: string;
  readonly agentId: string | undefined;
  readonly frameworkId: string | undefined;
  /** The task has ended: its logs will not grow. */
  readonly finished: boolean;
  /** On the kubernetes backend: the attempt's pod (its agent ID is the pod's name). */
  readonly pod?: PodRef;
}

export type LogRead =
  | { readonly ok: true; readonly attempt: AttemptLocation; readonly offset: number; readonly data: string }
  /** `pending`: the log is not there yet but should come (the task is being placed or started). */
  | { readonly ok: false; readonly status: 404 | 502; readonly message: string; readonly pending: boolean };

/** The attempt number a task ID carries. */
export function attemptNumber(taskId: string): number {
  const retry = /-retry-(\d+)$/.exec(taskId);
  return retry?.[1] === undefined ? 1 : Number(retry[1]) + 1;
}

function location(resource: SparkDriver, attempt: AttemptStatus): AttemptLocation {
  return {
    number: attemptNumber(attempt.taskId),
    taskId: attempt.taskId,
    agentId: attempt.agentId,
    frameworkId: resource.status?.frameworkId,
    finished: attempt.finishTime !== undefined || (attempt.mesos !== undefined && isTerminalTaskStateName(attempt.mesos.state)),
    ...(resource.status?.backend === 'kubernetes' && attempt.agentId !== undefined && { pod: { namespace: resource.metadata.namespace, name: attempt.agentId } }),
  };
}

/** The attempts the status still records, oldest first, the current one included. */
export function attemptsOf(resource: SparkDriver): AttemptLocation[] {
  const status = resource.status;
  const byTask = new Map<string, AttemptStatus>();
  for (const attempt of status?.attempts ?? []) byTask.set(attempt.taskId, attempt);
  if (status?.currentAttempt !== undefined) byTask.set(status.currentAttempt.taskId, status.currentAttempt);
  return [...byTask.values()].map((a) => location(resource, a)).sort((a, b) => a.number - b.number);
}

/** The attempt with this number (default: the current one), or why there is none. */
export function findAttempt(resource: SparkDriver, number?: number): AttemptLocation | { problem: string } {
  const name = `${resource.metadata.namespace}/${resource.metadata.name}`;
  const attempts = attemptsOf(resource);
  if (attempts.length === 0) return { problem: `${name} has not been launched yet, so it has no logs.` };
  if (number === undefined) {
    const current = resource.status?.currentAttempt;
    return current === undefined ? attempts.at(-1)! : location(resource, current);
  }
  const found = attempts.find((a) => a.number === number);
  if (found !== undefined) return found;
  const range = attempts.length === 1 ? `attempt ${attempts[0]!.number}` : `attempts ${attempts[0]!.number} to ${attempts.at(-1)!.number}`;
  return { problem: `${name} has no attempt ${number} on record; its status keeps ${range}.` };
}

export class DriverLogs {
  private readonly files: SandboxReader;
  private readonly pods: PodLogReader | undefined;

  constructor(files: SandboxReader, pods?: PodLogReader) {
    this.files = files;
    this.pods = pods;
  }

  /** One read of the attempt's file, with the agent's offset semantics (-1: the size). */
  async read(attempt: AttemptLocation, file: LogFile, offset: number, length?: number): Promise<LogRead> {
    if (attempt.pod !== undefined) return this.readPod(attempt, attempt.pod, file, offset, length);
    const which = `the ${file} of attempt ${attempt.number} (task ${attempt.taskId})`;
    if (attempt.agentId === undefined || attempt.frameworkId === undefined) {
      return notFound(!attempt.finished, `Mesos has not placed attempt ${attempt.number} on an agent yet, so it has no logs.`);
    }
    const agent = `agent ${attempt.agentId}`;
    const result = await this.files.read({ agentId: attempt.agentId, frameworkId: attempt.frameworkId, executorId: attempt.taskId, file }, offset, length);
    switch (result.kind) {
      case 'read':
        return { ok: true, attempt, offset: result.offset, data: result.data };
      case 'missing':
        return notFound(!attempt.finished, attempt.finished
          ? `The sandbox of attempt ${attempt.number} no longer exists on ${agent}: Mesos removed it after the task ended (garbage collection), so ${which} can no longer be read.`
          : `The ${file} of attempt ${attempt.number} is not on ${agent} (yet): the task may still be starting.`);
      case 'agent-gone':
        return notFound(false, `Agent ${attempt.agentId}, where attempt ${attempt.number} ran, is no longer registered with the Mesos master, so ${which} can no longer be read.`);
      case 'unreachable':
        return unreachable(`Cannot read ${which}: ${result.message}.`);
    }
  }

  private async readPod(attempt: AttemptLocation, pod: PodRef, file: LogFile, offset: number, length?: number): Promise<LogRead> {
    const name = `pod ${pod.namespace}/${pod.name}`;
    if (file === 'stderr') {
      return notFound(false, `Attempt ${attempt.number} ran as ${name}, whose log holds stdout and stderr together: read its stdout.`);
    }
    if (this.pods === undefined) return notFound(false, `This dispatcher does not run the kubernetes backend, so it cannot read the log of ${name}.`);
    const result = await this.pods.read(pod, offset, length);
    switch (result.kind) {
      case 'read':
        return { ok: true, attempt, offset: result.offset, data: result.data };
      case 'missing':
        return notFound(!attempt.finished, attempt.finished
          ? `${name}, where attempt ${attempt.number} ran, no longer exists, so its log can no longer be read.`
          : `${name} of attempt ${attempt.number} does not exist (yet): it may still be being created.`);
      case 'waiting':
        return notFound(true, `${name} has not started yet: ${result.message}`);
      case 'unreachable':
        return unreachable(`Cannot read the log of ${name}: ${result.message}.`);
    }
  }
}

/** Nothing to read (yet, when `pending`): the status and words the UI and `kubectl sparkdriver logs` show. */
function notFound(pending: boolean, message: string): LogRead {
  return { ok: false, status: 404, pending, message };
}

/** Where the log is could not be reached. */
function unreachable(message: string): LogRead {
  return { ok: false, status: 502, pending: false, message };
}
