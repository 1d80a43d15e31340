// The driver lifecycle, with task states as Mesos names them: every update reaches the state
// machine through the translation, as in the operator.
import { neverReachedAnAgent, taskStateOfName, taskUpdateOf } from '../../src/mesos/translation.ts';
import { TASK_STATES, type TaskState, type TaskStatusReason } from '../../src/mesos/types.ts';
import { SPARK_RETRY_POLICY } from '../../src/scheduler/backoff.ts';
import type { Attempt, DriverStatus } from '../../src/scheduler/driver.ts';
import { compareProgress, LEGAL_NEXT_PHASES, transition, type DriverEvent, type DriverFacts, type TransitionResult } from '../../src/scheduler/state-machine.ts';
import type { TaskStatusSummary, TaskUpdate } from '../../src/scheduler/task-status.ts';

const NOW = 100_000;
const ID = 'd';
const CURRENT = 'd-retry-1';
const OLD = 'd';

const facts = (supervise: boolean, maxRetries?: number): DriverFacts =>
  ({ submissionId: ID, supervise, retryPolicy: { ...SPARK_RETRY_POLICY, maxRetries } });
const summary = (taskId: string, state: TaskState): TaskStatusSummary => ({ taskId, state: taskStateOfName(state), agentId: 'agent-9' });
function updateOf(taskId: string, state: TaskState, extra: { reason?: TaskStatusReason; message?: string } = {}): TaskUpdate {
  const update = taskUpdateOf({ task_id: { value: taskId }, state, agent_id: { value: 'agent-9' }, ...extra });
  if (update === undefined) throw new Error(`untranslatable ${state}`);
  return update;
}
const attempt = (lastState?: TaskState): Attempt => ({
  taskId: CURRENT, agentId: 'agent-1', launchedAtMs: 50_000,
  ...(lastState !== undefined && { lastStatus: summary(CURRENT, lastState), runningSinceMs: 60_000 }),
});
const launched = (lastState: TaskState | undefined, killRequested = false): DriverStatus =>
  ({ phase: 'launched', attempts: 2, retries: 1, attempt: attempt(lastState), killRequested });
const retrying = (nextRetryAtMs: number): DriverStatus => ({
  phase: 'retrying', attempts: 1, retries: 1, waitSeconds: 1, failedAtMs: nextRetryAtMs - 1000, nextRetryAtMs, lastFailure: summary(OLD, 'TASK_FAILED'),
});

// Rows: the states a driver can be in. Which task ID counts as "current" for status columns
// is the attempt in flight, or for other phases the last one launched.
const ROWS: Record<string, { facts: DriverFacts; status: DriverStatus; current: string }> = {
  queued: { facts: facts(false), status: { phase: 'queued', attempts: 0, retries: 0 }, current: ID },
  'retrying, due': { facts: facts(true), status: retrying(NOW), current: OLD },
  'retrying, backing off': { facts: facts(true), status: retrying(NOW + 1), current: OLD },
  'launched, unconfirmed': { facts: facts(false), status: launched(undefined), current: CURRENT },
  'launched, unconfirmed, supervised': { facts: facts(true), status: launched(undefined), current: CURRENT },
  'launched, running': { facts: facts(false), status: launched('TASK_RUNNING'), current: CURRENT },
  'launched, running, supervised': { facts: facts(true), status: launched('TASK_RUNNING'), current: CURRENT },
  'launched, running, supervised, kill requested': { facts: facts(true), status: launched('TASK_RUNNING', true), current: CURRENT },
  'launched, running, supervised, retries used up': { facts: facts(true, 1), status: launched('TASK_RUNNING'), current: CURRENT },
  finished: {
    facts: facts(true),
    status: { phase: 'finished', attempts: 2, retries: 1, outcome: 'failed', reason: 'TaskFailed', message: 'm', finishedAtMs: 1, lastAttempt: attempt('TASK_FAILED') },
    current: CURRENT,
  },
};

type Column = 'Launch' | 'LaunchFailed' | 'Kill' | 'LaunchVoided' | TaskState | 'old TASK_RUNNING' | 'old TASK_FAILED';
const COLUMNS: readonly Column[] = ['Launch', 'LaunchFailed', 'Kill', 'LaunchVoided', ...TASK_STATES, 'old TASK_RUNNING', 'old TASK_FAILED'];

function eventFor(column: Column, current: string): DriverEvent {
  if (column === 'Launch') return { type: 'Launch', agentId: 'agent-2' };
  if (column === 'LaunchFailed') return { type: 'LaunchFailed', message: 'broken' };
  if (column === 'Kill') return { type: 'Kill' };
  if (column === 'LaunchVoided') return { type: 'LaunchVoided', taskId: current, why: 'offer o1 was rescinded' };
  if (column === 'old TASK_RUNNING') return { type: 'StatusUpdate', update: updateOf(OLD, 'TASK_RUNNING') };
  if (column === 'old TASK_FAILED') return { type: 'StatusUpdate', update: updateOf(OLD, 'TASK_FAILED') };
  return { type: 'StatusUpdate', update: updateOf(current, column) };
}

/** kind, then for ok the target phase (and outcome), then the task killed, if any. */
function cell(result: TransitionResult, event: DriverEvent, current: string): string {
  const { status, kill } = result;
  let text = result.kind;
  if (result.kind === 'ok') text += `→${status.phase}${status.phase === 'finished' ? `:${status.outcome}` : ''}`;
  if (kill !== undefined) {
    const updateTask = event.type === 'StatusUpdate' ? event.update.status.taskId : undefined;
    text += kill.taskId === updateTask && updateTask !== current ? '+kill(that task)' : kill.taskId === current ? '+kill(current)' : `+kill(${kill.taskId})`;
  }
  return text;
}

// Shorthands for the table.
const I = 'illegal';
const N = 'noop';
const NK = 'noop+kill(that task)';
const NKC = 'noop+kill(current)';
const STRAY = ['noop+kill(current)', 'noop+kill(current)', 'noop+kill(current)', 'noop+kill(current)', N, N, N, N, N, N, N, N, N, N];
const L = 'ok→launched';
const F = (outcome: string) => `ok→finished:${outcome}`;
const Q = 'ok→queued';
const R = 'ok→retrying';
//                 STAGING STARTING RUNNING KILLING FINISHED        FAILED       KILLED        ERROR       LOST       DROPPED    UNREACHABLE GONE         GONE_BY_OP   UNKNOWN
// UNKNOWN: the master does not know the task's agent; the task may have run there (no proof).
const UNCONFIRMED = [L, L, L, L, F('succeeded'), F('failed'), F('killed'), F('error'), F('lost'), Q, F('lost'), F('failed'), F('failed'), F('lost')];
const RUNNING = [L, L, N, L, F('succeeded'), F('failed'), F('killed'), F('error'), F('lost'), F('lost'), F('lost'), F('failed'), F('failed'), F('lost')];
const RUNNING_SUPERVISED = [L, L, N, L, F('succeeded'), R, F('killed'), F('error'), R, F('lost'), F('lost'), F('failed'), F('failed'), F('lost')];
const KILLING = [L, L, N, L, F('succeeded'), F('killed'), F('killed'), F('killed'), F('killed'), F('killed'), F('killed'), F('killed'), F('killed'), F('killed')];

const EXPECTED: Record<string, readonly string[]> = {
  //                                     Launch LaunchFailed Kill LaunchVoided | 14 Mesos states for the current task | old RUNNING, old FAILED
  queued: [L, F('error'), F('killed'), N, ...STRAY, NKC, N],
  'retrying, due': [L, F('error'), F('killed'), N, ...STRAY, NKC, N],
  'retrying, backing off': [I, F('error'), F('killed'), N, ...STRAY, NKC, N],
  // A launch with no news yet whose offer was rescinded never happened: queued again.
  'launched, unconfirmed': [I, I, 'ok→launched+kill(current)', Q, ...UNCONFIRMED, NK, N],
  // A TASK_LOST without a reason that proves it never started (see the next table) is a failure.
  'launched, unconfirmed, supervised': [I, I, 'ok→launched+kill(current)', Q, ...UNCONFIRMED.map((c, i) => (i === 5 || i === 8 ? R : c)), NK, N],
  'launched, running': [I, I, 'ok→launched+kill(current)', N, ...RUNNING, NK, N],
  'launched, running, supervised': [I, I, 'ok→launched+kill(current)', N, ...RUNNING_SUPERVISED, NK, N],
  'launched, running, supervised, kill requested': [I, I, NKC, N, ...KILLING, NK, N],
  'launched, running, supervised, retries used up': [I, I, 'ok→launched+kill(current)', N, ...RUNNING, NK, N],
  finished: [I, I, N, N, ...STRAY, NK, N],
};

describe('state machine: every from-state × event cell', () => {
  test('the table covers every row and column', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(ROWS).sort());
    for (const row of Object.values(EXPECTED)) expect(row).toHaveLength(COLUMNS.length);
  });

  const cells = Object.entries(ROWS).flatMap(([row, given]) => COLUMNS.map((column, i) => ({ row, column, given, want: EXPECTED[row]?.[i] })));
  test.each(cells)('$row × $column → $want', ({ column, given, want }) => {
    const event = eventFor(column, given.current);
    const result = transition(given.facts, given.status, event, NOW);
    expect(cell(result, event, given.current)).toBe(want);
    if (result.kind !== 'ok') expect(result.status).toBe(given.status);
    else expect(LEGAL_NEXT_PHASES[given.status.phase]).toContain(result.status.phase);
    // Every transition moves the driver forward (or keeps it where it is), never back.
    if (result.kind === 'ok') expect(compareProgress(result.status, given.status)).toBeGreaterThanOrEqual(0);
  });
});

describe('progress order: a recorded status is never replaced by one behind it', () => {
  const queued: DriverStatus = { phase: 'queued', attempts: 0, retries: 0 };
  const killedWhileQueued: DriverStatus = { phase: 'finished', attempts: 0, retries: 0, outcome: 'killed', reason: 'KillRequested', message: 'm', finishedAtMs: 1 };
  test.each<[string, DriverStatus, DriverStatus]>([
    ['queued behind killed while queued', queued, killedWhileQueued],
    ['retrying behind killed while retrying', retrying(NOW), { ...killedWhileQueued, attempts: 1, retries: 1 }],
    ['the launch behind its requeue', launched(undefined), { phase: 'queued', attempts: 2, retries: 1, message: 'requeued' }],
    ['the requeue behind the next launch', { phase: 'queued', attempts: 1, retries: 0 }, launched(undefined)],
    ['running behind a kill request', launched('TASK_RUNNING'), launched('TASK_RUNNING', true)],
    ['a retry behind the relaunch', retrying(NOW), launched(undefined)],
  ])('%s', (_name, behind, ahead) => {
    expect(compareProgress(behind, ahead)).toBeLessThan(0);
    expect(compareProgress(ahead, behind)).toBeGreaterThan(0);
    expect(compareProgress(ahead, ahead)).toBe(0);
  });
});

describe('what proves a launch never reached an agent (first update of the attempt only)', () => {
  // [state, reason, message, proof?]: the master's answers for tasks a registered agent does not
  // have, a launch on invalid offers, TASK_DROPPED. Agent loss and unknown agents are no proof.
  test.each<[TaskState, TaskStatusReason | undefined, string | undefined, boolean]>([
    // Its agent is unknown to the master (removed, perhaps with the task that ran there): no proof.
    ['TASK_LOST', 'REASON_RECONCILIATION', 'Reconciliation: Task is unknown', false],
    ['TASK_LOST', 'REASON_RECONCILIATION', 'Reconciliation: Task is unknown to the agent', true],
    ['TASK_LOST', 'REASON_RECONCILIATION', 'Reconciliation: Task is gone', false],
    ['TASK_LOST', 'REASON_RECONCILIATION', undefined, false],
    ['TASK_LOST', 'REASON_RECONCILIATION', 'Reconciliation: Task is unreachable', false],
    ['TASK_LOST', 'REASON_INVALID_OFFERS', 'Task launched with invalid offers: Offer o1 is no longer valid', true],
    ['TASK_LOST', 'REASON_AGENT_REMOVED', 'Agent agent-1 removed', false],
    ['TASK_LOST', 'REASON_AGENT_DISCONNECTED', undefined, false],
    ['TASK_LOST', 'REASON_EXECUTOR_TERMINATED', undefined, false],
    ['TASK_LOST', undefined, undefined, false],
    ['TASK_DROPPED', 'REASON_INVALID_OFFERS', undefined, true],
    ['TASK_DROPPED', 'REASON_AGENT_RESTARTED', undefined, true],
    ['TASK_UNKNOWN', 'REASON_RECONCILIATION', 'Reconciliation: Task is unknown', false],
    ['TASK_GONE', 'REASON_RECONCILIATION', 'Reconciliation: Task is unknown to the agent', true],
    ['TASK_GONE', 'REASON_AGENT_REMOVED', undefined, false],
    ['TASK_GONE_BY_OPERATOR', 'REASON_RECONCILIATION', 'Reconciliation: Task is gone', false],
    ['TASK_UNREACHABLE', 'REASON_RECONCILIATION', 'Reconciliation: Task is unreachable', false],
    ['TASK_FAILED', 'REASON_CONTAINER_LAUNCH_FAILED', undefined, false],
    ['TASK_ERROR', 'REASON_TASK_INVALID', undefined, false],
    ['TASK_KILLED', 'REASON_TASK_KILLED_DURING_LAUNCH', undefined, false],
  ])('%s %s %s → %s', (state, reason, message, proof) => {
    const update = updateOf(CURRENT, state, { ...(reason !== undefined && { reason }), ...(message !== undefined && { message }) });
    expect(neverReachedAnAgent({ state, ...(reason !== undefined && { reason }), ...(message !== undefined && { message }) })).toBe(proof);
    expect(update.neverReachedAnAgent).toBe(proof);
    const unsupervised = transition(facts(false), launched(undefined), { type: 'StatusUpdate', update }, NOW).status.phase;
    expect(unsupervised).toBe(proof ? 'queued' : 'finished');
    // Once Mesos reported on the attempt, nothing requeues it.
    expect(transition(facts(false), launched('TASK_STARTING'), { type: 'StatusUpdate', update }, NOW).status.phase).toBe('finished');
  });
});

describe('state machine details', () => {
  const supervised = facts(true);
  const update = (status: DriverStatus, state: TaskState, taskId = CURRENT) =>
    transition(supervised, status, { type: 'StatusUpdate', update: updateOf(taskId, state) }, NOW);

  test('launch numbers attempts: the submission ID first, then <id>-retry-<n>', () => {
    const first = transition(facts(false), { phase: 'queued', attempts: 0, retries: 0 }, { type: 'Launch', agentId: 'a' }, NOW).status;
    expect(first).toEqual({ phase: 'launched', attempts: 1, retries: 0, killRequested: false, attempt: { taskId: 'd', agentId: 'a', launchedAtMs: NOW } });
    const again = transition(supervised, retrying(NOW), { type: 'Launch', agentId: 'b' }, NOW).status;
    expect(again).toMatchObject({ phase: 'launched', attempts: 2, retries: 1, attempt: { taskId: 'd-retry-1', agentId: 'b' } });
  });

  test('a supervised failure backs off: retries, wait, next retry time and the failure are recorded', () => {
    expect(update(launched('TASK_RUNNING'), 'TASK_FAILED').status).toEqual({
      phase: 'retrying', attempts: 2, retries: 2, waitSeconds: 2, failedAtMs: NOW, nextRetryAtMs: NOW + 2000, lastFailure: summary(CURRENT, 'TASK_FAILED'),
    });
  });

  test('a long enough successful run resets the failure count', () => {
    const policy = { ...SPARK_RETRY_POLICY, resetAfterMs: 40_000 };
    const ranLong = transition({ ...supervised, retryPolicy: policy }, launched('TASK_RUNNING'), { type: 'StatusUpdate', update: updateOf(CURRENT, 'TASK_LOST') }, NOW);
    expect(ranLong.status).toMatchObject({ phase: 'retrying', retries: 1, waitSeconds: 1 });
    const ranShort = transition({ ...supervised, retryPolicy: policy }, launched('TASK_RUNNING'), { type: 'StatusUpdate', update: updateOf(CURRENT, 'TASK_LOST') }, 60_000 + 39_999);
    expect(ranShort.status).toMatchObject({ phase: 'retrying', retries: 2, waitSeconds: 2 });
  });

  test('running since is set by the first TASK_RUNNING only', () => {
    const running = update(launched('TASK_STARTING'), 'TASK_RUNNING').status;
    expect(running.phase === 'launched' && running.attempt.runningSinceMs).toBe(60_000);
    const fresh = update(launched(undefined), 'TASK_RUNNING').status;
    expect(fresh.phase === 'launched' && fresh.attempt.runningSinceMs).toBe(NOW);
  });

  test('retries used up: finished with the Mesos outcome and reason RetriesExhausted', () => {
    const result = transition(facts(true, 1), launched('TASK_RUNNING'), { type: 'StatusUpdate', update: updateOf(CURRENT, 'TASK_FAILED', { message: 'exit 1' }) }, NOW);
    expect(result.status).toMatchObject({
      phase: 'finished', outcome: 'failed', reason: 'RetriesExhausted',
      message: 'Task d-retry-1 ended with TASK_FAILED: exit 1; not relaunched: 1 retries allowed (spark.mesos.driver.supervise.maxRetries)',
    });
  });

  test('a never-started launch goes back to the queue without counting a failure', () => {
    const unknown = updateOf(CURRENT, 'TASK_LOST', { reason: 'REASON_RECONCILIATION', message: 'Reconciliation: Task is unknown to the agent' });
    expect(transition(supervised, launched(undefined), { type: 'StatusUpdate', update: unknown }, NOW).status).toEqual({
      phase: 'queued', attempts: 2, retries: 1,
      message: 'Launch of task d-retry-1 never reached an agent (TASK_LOST, REASON_RECONCILIATION); queued again',
    });
  });

  test('a voided launch: queued again without counting a failure, or killed if a kill was asked for', () => {
    const voided = (status: DriverStatus, taskId = CURRENT) =>
      transition(supervised, status, { type: 'LaunchVoided', taskId, why: 'offer o7 was rescinded' }, NOW);
    expect(voided(launched(undefined)).status).toEqual({
      phase: 'queued', attempts: 2, retries: 1, message: 'Launch of task d-retry-1 never reached an agent (offer o7 was rescinded); queued again',
    });
    expect(voided(launched(undefined, true)).status).toMatchObject({
      phase: 'finished', outcome: 'killed', reason: 'KillRequested', message: 'Killed on request before its launch reached an agent (offer o7 was rescinded)',
    });
    // Another attempt's launch says nothing about the current one.
    expect(voided(launched(undefined), OLD).kind).toBe('noop');
  });

  test('kill messages and targets', () => {
    const kill = (status: DriverStatus) => transition(supervised, status, { type: 'Kill' }, NOW);
    expect(kill({ phase: 'queued', attempts: 0, retries: 0 }).status).toMatchObject({ outcome: 'killed', reason: 'KillRequested', message: "Removed driver while it's still pending" });
    expect(kill(retrying(NOW + 5)).status).toMatchObject({ outcome: 'killed', message: "Removed driver while it's being retried", lastStatus: summary(OLD, 'TASK_FAILED') });
    expect(kill(launched('TASK_RUNNING')).kill).toEqual({ taskId: CURRENT, agentId: 'agent-1' });
    expect(update(launched('TASK_RUNNING', true), 'TASK_FAILED').status).toMatchObject({ outcome: 'killed', message: 'Killed on request: Task d-retry-1 ended with TASK_FAILED' });
  });

  test('a finished driver keeps the last attempt and status', () => {
    const result = update(launched('TASK_RUNNING'), 'TASK_FINISHED');
    expect(result.status).toMatchObject({ phase: 'finished', outcome: 'succeeded', reason: 'TaskFinished', finishedAtMs: NOW, lastStatus: summary(CURRENT, 'TASK_FINISHED') });
    expect(result.status.phase === 'finished' && result.status.lastAttempt?.lastStatus?.state).toBe('finished');
  });
});
