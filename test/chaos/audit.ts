// The chaos run's verdict: the master's record of every task it ever launched, checked against
// every SparkDriver and against what each user was told. Pure: it reads its inputs and counts.
import { schedulerRecordOf } from '../../src/sparkdriver/scheduler-record.ts';
import type { TaskHistoryEntry } from '../../src/devcluster/mesos/index.ts';
import { TERMINAL_TASK_STATES } from '../../src/mesos/types.ts';
import type { TaskState } from '../../src/mesos/types.ts';
import { submissionIdCandidates } from '../../src/scheduler/driver.ts';
import type { UserLog } from './submitters.ts';
import { expectedOutcome } from './workload.ts';

/** What the audit reads of a SparkDriver. */
export interface AuditedDriver {
  metadata: { name: string };
  spec: { sparkProperties?: Record<string, string>; submissionId?: string; kill?: boolean; supervise?: boolean };
  status?: {
    phase?: string;
    outcome?: string;
    reason?: string;
    message?: string;
    submissionId?: string;
    currentAttempt?: { taskId: string; mesos?: { state: TaskState; reason?: string; message?: string } };
    scheduler?: { attempts: number };
  };
}

export interface AuditFigures {
  drivers: number;
  tasks: number;
  /**
   * A task ID launched twice, a task of an attempt the status does not record or of no driver,
   * or a relaunch after a task that reached an agent and did not fail (or of an unsupervised driver).
   */
  duplicateLaunches: number;
  /** Drivers that had two tasks alive at once. */
  overlappingTasks: number;
  /** Submissions that took and have no SparkDriver. */
  lost: number;
  /** SparkDrivers not Finished at the end. */
  stuck: number;
  /** Finished drivers whose status disagrees with what Mesos did. */
  disagreeing: number;
  /** REST success for a create that did not happen, failure for one that did, or a create done twice. */
  lyingRestAnswers: number;
  /** Finished drivers untouched by agent loss whose outcome is not what their behaviour gives. */
  unexpectedOutcomes: number;
}

export interface AuditReport { figures: AuditFigures; problems: string[] }

const NEVER_LAUNCHED_STATES: ReadonlySet<TaskState> = new Set(['TASK_LOST', 'TASK_GONE', 'TASK_UNKNOWN', 'TASK_DROPPED', 'TASK_ERROR']);
/** What a supervised driver is relaunched after (Spark: FAILED and LOST; an agent lost is LOST). */
const RELAUNCHED_AFTER: ReadonlySet<TaskState> = new Set(['TASK_FAILED', 'TASK_LOST']);
const AGENT_LOSS_STATES: ReadonlySet<TaskState> = new Set(['TASK_LOST', 'TASK_UNREACHABLE', 'TASK_GONE_BY_OPERATOR']);

/** The Mesos states that an outcome can follow (a kill request ends any unfinished task as Killed). */
function outcomeAgrees(outcome: string | undefined, state: TaskState, killRequested: boolean): boolean {
  switch (outcome) {
    case 'Succeeded':
      return state === 'TASK_FINISHED';
    case 'Killed':
      return state === 'TASK_KILLED' || (killRequested && state !== 'TASK_FINISHED');
    case 'Failed':
      return state === 'TASK_FAILED' || state === 'TASK_GONE' || state === 'TASK_GONE_BY_OPERATOR';
    case 'Lost':
      return state === 'TASK_LOST' || state === 'TASK_DROPPED' || state === 'TASK_UNKNOWN' || state === 'TASK_UNREACHABLE';
    case 'Error':
      return state === 'TASK_ERROR';
    default:
      return false;
  }
}

const tagOf = (d: AuditedDriver): string | undefined => d.spec.sparkProperties?.['spark.app.name'];
const submissionIdOf = (d: AuditedDriver): string => d.status?.submissionId ?? d.spec.submissionId ?? d.metadata.name;
const attemptIndex = (submissionId: string, taskId: string): number => (taskId === submissionId ? 0 : Number(taskId.slice(submissionId.length + '-retry-'.length)));

export function audit(tasks: readonly TaskHistoryEntry[], drivers: readonly AuditedDriver[], log: UserLog): AuditReport {
  const problems: string[] = [];
  const f: AuditFigures = {
    drivers: drivers.length, tasks: tasks.length, duplicateLaunches: 0, overlappingTasks: 0, lost: 0, stuck: 0,
    disagreeing: 0, lyingRestAnswers: 0, unexpectedOutcomes: 0,
  };
  const bySubmission = new Map(drivers.map((d) => [submissionIdOf(d), d]));
  const tasksOf = new Map<string, TaskHistoryEntry[]>();
  const launches = new Map<string, number>();
  for (const t of tasks) {
    launches.set(t.taskId, (launches.get(t.taskId) ?? 0) + 1);
    const id = submissionIdCandidates(t.taskId).find((candidate) => bySubmission.has(candidate));
    if (id === undefined) {
      f.duplicateLaunches += 1;
      problems.push(`task ${t.taskId} belongs to no SparkDriver`);
      continue;
    }
    tasksOf.set(id, [...(tasksOf.get(id) ?? []), t]);
  }
  for (const [taskId, n] of launches) {
    if (n > 1) {
      f.duplicateLaunches += n - 1;
      problems.push(`task ${taskId} was launched ${n} times`);
    }
  }

  for (const d of drivers) {
    const id = submissionIdOf(d);
    const own = (tasksOf.get(id) ?? []).sort((a, b) => a.launchedAtMs - b.launchedAtMs);
    const name = d.metadata.name;
    const recordedAttempts = schedulerRecordOf(d.status)?.attempts ?? 0;
    for (const t of own) {
      if (attemptIndex(id, t.taskId) >= recordedAttempts) {
        f.duplicateLaunches += 1;
        problems.push(`${name}: task ${t.taskId} is beyond the ${recordedAttempts} attempts its status records`);
      }
    }
    for (let i = 1; i < own.length; i += 1) {
      const before = own[i - 1]!;
      if (before.endedAtMs === undefined || own[i]!.launchedAtMs < before.endedAtMs) {
        f.overlappingTasks += 1;
        problems.push(`${name}: tasks ${before.taskId} and ${own[i]!.taskId} were alive at once`);
        break;
      }
    }
    // A task that reached an agent is relaunched only for a supervised driver, after Mesos told
    // of a failure (its first terminal report: an agent lost before the end was reported makes the
    // master report TASK_LOST for a task whose own state is TASK_FINISHED).
    const supervised = d.spec.supervise ?? d.spec.sparkProperties?.['spark.driver.supervise'] === 'true';
    for (let i = 1; i < own.length; i += 1) {
      const before = own[i - 1]!;
      const ended = before.statuses.find((st) => TERMINAL_TASK_STATES.has(st)) ?? before.state;
      if (!supervised || !RELAUNCHED_AFTER.has(ended)) {
        f.duplicateLaunches += 1;
        problems.push(`${name}: ${own[i]!.taskId} launched after ${before.taskId} ended ${ended}${supervised ? '' : ' (not supervised)'}`);
      }
    }
    if (d.status?.phase !== 'Finished') {
      f.stuck += 1;
      problems.push(`${name}: not finished (${d.status?.phase ?? 'no status'}: ${d.status?.message ?? ''})`);
      continue;
    }
    const disagreement = disagreementOf(d, id, own);
    if (disagreement !== undefined) {
      f.disagreeing += 1;
      problems.push(`${name}: ${disagreement}`);
    }
    const planned = log.submissions.get(tagOf(d) ?? '')?.driver;
    // An agent that left takes its tasks with it, and the master cannot say whether a task it
    // was to run there ever started ("Task is unreachable"): outcomes then follow Mesos, not plans.
    const recordedState = d.status.currentAttempt?.mesos?.state;
    const touchedByAgentLoss = own.some((t) => t.statuses.some((st) => AGENT_LOSS_STATES.has(st)))
      || (recordedState !== undefined && AGENT_LOSS_STATES.has(recordedState));
    if (planned !== undefined && !touchedByAgentLoss && d.status.outcome !== expectedOutcome(planned)) {
      f.unexpectedOutcomes += 1;
      const last = d.status.currentAttempt;
      problems.push(`${name}: ${planned.behaviour.kind} driver ended ${d.status.outcome ?? '?'}, not ${expectedOutcome(planned)}: ${d.status.message ?? ''}`
        + ` (attempt ${last?.taskId ?? 'none'} ${JSON.stringify(last?.mesos ?? {})}; Mesos: ${own.map((t) => `${t.taskId} ${t.state}`).join(', ') || 'no task'})`);
    }
  }
  auditSubmissions(drivers, log, f, problems);
  return { figures: f, problems };
}

/** What is wrong between a finished driver's status and the tasks Mesos ran for it, if anything. */
function disagreementOf(d: AuditedDriver, id: string, own: readonly TaskHistoryEntry[]): string | undefined {
  const alive = own.find((t) => t.endedAtMs === undefined || !TERMINAL_TASK_STATES.has(t.state));
  if (alive !== undefined) return `finished, yet task ${alive.taskId} is ${alive.state}${alive.endedAtMs === undefined ? ' and its process runs' : ''}`;
  const attempt = d.status?.currentAttempt;
  const outcome = d.status?.outcome;
  if (attempt === undefined) {
    return outcome === 'Succeeded' ? 'Succeeded without an attempt' : undefined;
  }
  const task = own.find((t) => t.taskId === attempt.taskId);
  const recordedState = attempt.mesos?.state;
  if (task === undefined) {
    // Only the master's answers for a task it never launched may end an attempt Mesos has no record of.
    if (recordedState !== undefined && NEVER_LAUNCHED_STATES.has(recordedState)) return undefined;
    return `attempt ${attempt.taskId} ended ${recordedState ?? 'without a Mesos state'}, but Mesos never launched it`;
  }
  const last = own[own.length - 1];
  if (last !== undefined && attemptIndex(id, last.taskId) > attemptIndex(id, attempt.taskId)) {
    return `status shows attempt ${attempt.taskId}, but Mesos launched ${last.taskId} after it`;
  }
  // The master's own state, or a terminal state it reported for the task: an agent removed
  // before the end was acknowledged makes it report TASK_LOST for a task that finished.
  const reported = recordedState !== undefined && TERMINAL_TASK_STATES.has(recordedState) && task.statuses.includes(recordedState);
  if (recordedState !== task.state && !reported) {
    return `status says ${attempt.taskId} ended ${recordedState ?? '(nothing)'}, Mesos says ${task.state} (reported ${task.statuses.join(', ')})`;
  }
  if (!outcomeAgrees(outcome, recordedState, d.spec.kill === true)) return `outcome ${outcome ?? '?'} does not follow ${recordedState}`;
  return undefined;
}

function auditSubmissions(drivers: readonly AuditedDriver[], log: UserLog, f: AuditFigures, problems: string[]): void {
  const byTag = new Map<string, AuditedDriver[]>();
  for (const d of drivers) {
    const tag = tagOf(d);
    if (tag !== undefined) byTag.set(tag, [...(byTag.get(tag) ?? []), d]);
  }
  for (const [tag, found] of byTag) {
    if (found.length > 1) {
      f.lyingRestAnswers += 1;
      problems.push(`${tag}: created ${found.length} times (${found.map((d) => d.metadata.name).join(', ')})`);
    }
  }
  for (const s of log.submissions.values()) {
    const found = byTag.get(s.driver.tag) ?? [];
    if (s.answer === 'took' && found.length === 0) {
      f.lost += 1;
      problems.push(`${s.driver.tag}: submitted through ${s.driver.via}, took, and has no SparkDriver`);
    }
    if (s.driver.via !== 'rest') continue;
    if (s.answer === 'took' && found.length > 0 && !found.some((d) => d.metadata.name === s.submissionId)) {
      f.lyingRestAnswers += 1;
      problems.push(`${s.driver.tag}: REST answered ${s.submissionId ?? '?'}, the driver is ${found[0]!.metadata.name}`);
    }
    if (s.answer === 'failed' && found.length > 0) {
      f.lyingRestAnswers += 1;
      problems.push(`${s.driver.tag}: REST answered failure (${s.detail ?? ''}), yet ${found[0]!.metadata.name} was created`);
    }
  }
}
