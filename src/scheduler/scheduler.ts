// The scheduler core's reducer: `step(state, input, now)` applies one input to the scheduler
// state and returns the effects to execute, in order. The state is owned by a single caller
// (the shell's loop) and updated in place, because copying 100,000 drivers per step would cost
// more than the step; every driver status inside it is an immutable value, replaced on each
// transition. No I/O, no clock: time is the `nowMs` argument.

import { submissionIdCandidates, type DriverRecord, type DriverStatus } from './driver.ts';
import { inExecutionOrder, type Effect, type TaskLaunch } from './effects.ts';
import type { SchedulerInput } from './inputs.ts';
import { matchOffers, type MatchRequest } from './offer-matcher.ts';
import type { Offer } from './offers.ts';
import { forEachInQueueOrder, queueLength, unsafeCompact } from './queue.ts';
import {
  admit, finishedStatus, newEntry, persistDriver, unsafeRegister, unsafeForgetLaunchOffer, unsafeForgetLaunchOffers, unsafeRecordLaunchOffer, unsafeSetStatus, unsafeUnregister,
  type DriverEntry, type LaunchCache, type SchedulerState,
} from './scheduler-state.ts';
import { TASK_STATE_RULES, transition, type DriverEvent } from './state-machine.ts';
import { driverPodName } from './pod-plan.ts';
import { planDriverTask } from './task-plan.ts';
import type { TaskUpdate } from './task-status.ts';

export { createScheduler, driverCounts, driverView, type DriverEntry, type SchedulerState } from './scheduler-state.ts';

/** How long a REVIVE's offer round may take before a new demand revives again (the master allocates every second). */
export const REVIVE_ROUND_MS = 5_000;
/** The longest wait before a REVIVE whose offers never came is sent again (the wait doubles from REVIVE_ROUND_MS). */
export const MAX_REVIVE_ROUND_MS = 60_000;

/** Tasks per ReconcileTasks effect, to keep each RECONCILE call a reasonable size. */
export const RECONCILE_BATCH = 1000;

/** Applies `input` at time `nowMs`; returns the effects in execution order. Never throws on bad input. */
export function step(state: SchedulerState, input: SchedulerInput, nowMs: number): Effect[] {
  const out: Effect[] = [];
  let newlyEligible = false;
  switch (input.type) {
    case 'DriverSubmitted':
      newlyEligible = admit(state, input.spec, nowMs, out);
      break;
    case 'DriverRestored':
      newlyEligible = restoreLate(state, input.record, nowMs, out);
      break;
    case 'KillRequested': {
      const entry = state.drivers.get(input.submissionId);
      if (entry !== undefined) applyEvent(state, entry, { type: 'Kill' }, nowMs, out);
      else out.push({ type: 'ReportAnomaly', submissionId: input.submissionId, message: `kill requested for unknown driver ${shortened(input.submissionId)}` });
      break;
    }
    case 'DriverRemoved':
      removeDriver(state, input.submissionId, out);
      break;
    case 'Subscribed':
      subscribed(state, input.frameworkId, out);
      break;
    case 'OffersReceived':
      // The offer round a REVIVE brings: every eligible driver is considered in this pass.
      forgetRevive(state);
      // Offers that arrived before a disconnect was seen belong to a dead subscription.
      if (!state.disconnected) schedulingPass(state, input.offers, nowMs, out);
      break;
    case 'OfferRescinded':
      newlyEligible = offerRescinded(state, input.offerId, nowMs, out);
      break;
    case 'TaskStatusReceived':
      newlyEligible = statusReceived(state, input.update, nowMs, out);
      break;
    case 'Disconnected':
      state.disconnected = true;
      state.offersWanted = undefined;
      unsafeForgetLaunchOffers(state);
      break;
    case 'KubernetesSynced':
      kubernetesSynced(state, out);
      break;
    case 'TimerFired':
      // The wake it asked for is spent, even one that fired a little early (timers may): the
      // settling below asks for another if something is still not due.
      state.wakeAtMs = undefined;
      break;
  }
  startWithoutOffers(state, nowMs, out);
  settleOfferInterest(state, nowMs, newlyEligible, out);
  return inExecutionOrder(out);
}

/** Feeds one event to one driver's state machine and records the outcome. */
export function applyEvent(state: SchedulerState, entry: DriverEntry, event: DriverEvent, nowMs: number, out: Effect[]): DriverStatus {
  const id = entry.spec.submissionId;
  const result = transition({ submissionId: id, supervise: entry.spec.supervise, retryPolicy: entry.policy }, entry.status, event, nowMs);
  if (result.kill !== undefined) out.push({ type: 'KillTask', ...result.kill, ...onBackend(entry.backend) });
  if (result.kind === 'illegal') {
    out.push({ type: 'ReportAnomaly', submissionId: id, message: `illegal ${event.type} for driver ${id} in phase ${entry.status.phase}` });
  }
  if (result.kind === 'ok') unsafeSetStatus(state, entry, result.status, out);
  return result.status;
}

/** The `backend` field of an effect for a task on `backend` (absent for Mesos). */
const onBackend = (backend: 'mesos' | 'kubernetes' | undefined): { backend?: 'kubernetes' } =>
  (backend === 'kubernetes' ? { backend } : {});

function removeDriver(state: SchedulerState, id: string, out: Effect[]): void {
  const entry = state.drivers.get(id);
  if (entry === undefined) return;
  if (entry.status.phase === 'launched') {
    out.push({ type: 'KillTask', taskId: entry.status.attempt.taskId, agentId: entry.status.attempt.agentId, ...onBackend(entry.backend) });
  }
  unsafeUnregister(state, entry);
}

/**
 * Places a driver as its record says (restore, for each record with a status): a queued or
 * retrying one that can no longer run under this configuration is finished instead; a kill
 * the spec asks for is applied.
 */
export function restoreRecord(state: SchedulerState, record: DriverRecord & { status: DriverStatus }, nowMs: number, out: Effect[]): void {
  const { entry, problems } = newEntry(state, record.spec, record.status);
  const waiting = record.status.phase === 'queued' || record.status.phase === 'retrying';
  if (waiting && problems.length > 0) {
    entry.status = finishedStatus(nowMs, 'error', 'InvalidDriver', problems.join('; '), record.status);
  } else if (waiting && !state.config.queues.has(record.spec.queue)) {
    entry.status = finishedStatus(nowMs, 'rejected', 'UnknownQueue', `queue '${record.spec.queue}' is no longer declared`, record.status);
  }
  if (entry.status !== record.status) out.push(persistDriver(record.spec, entry.status));
  unsafeRegister(state, entry, out);
  if (record.spec.killRequested === true && state.drivers.has(record.spec.submissionId)) applyEvent(state, entry, { type: 'Kill' }, nowMs, out);
}

/** A record found after the restore: placed the same way; its Mesos task, if any, reconciled. */
function restoreLate(state: SchedulerState, record: DriverRecord & { status: DriverStatus }, nowMs: number, out: Effect[]): boolean {
  if (state.drivers.has(record.spec.submissionId)) return false;
  restoreRecord(state, record, nowMs, out);
  const entry = state.drivers.get(record.spec.submissionId);
  const status = entry?.status;
  if (status?.phase === 'launched' && entry?.backend === 'mesos' && state.frameworkId !== undefined && !state.disconnected) {
    out.push({ type: 'ReconcileTasks', tasks: [{ taskId: status.attempt.taskId, agentId: status.attempt.agentId }] });
  }
  return status?.phase === 'queued' || status?.phase === 'retrying';
}

function subscribed(state: SchedulerState, frameworkId: string, out: Effect[]): void {
  state.frameworkId = frameworkId;
  state.disconnected = false;
  unsafeForgetLaunchOffers(state);
  const tasks = [];
  for (const id of state.launched) {
    const entry = state.drivers.get(id);
    const status = entry?.status;
    if (status?.phase !== 'launched' || entry?.backend !== 'mesos') continue;
    tasks.push({ taskId: status.attempt.taskId, agentId: status.attempt.agentId });
    // A kill sent before a failover may never have reached the master.
    if (status.killRequested) out.push({ type: 'KillTask', taskId: status.attempt.taskId, agentId: status.attempt.agentId });
  }
  for (let i = 0; i < tasks.length; i += RECONCILE_BATCH) out.push({ type: 'ReconcileTasks', tasks: tasks.slice(i, i + RECONCILE_BATCH) });
  // Then implicitly: Mesos reports every task it still has, so a task whose driver is gone (its
  // resource deleted while no leader ran) is found and killed.
  out.push({ type: 'ReconcileTasks', tasks: [] });
  // A new subscription starts unsuppressed with no filters; state our interest again.
  state.offersWanted = undefined;
  forgetRevive(state);
}

/** No REVIVE awaits its offers any more (they came, or a subscription or SUPPRESS made it moot). */
function forgetRevive(state: SchedulerState): void {
  state.revivedAtMs = undefined;
  state.unansweredRevives = 0;
  state.demandSinceRevive = false;
}

/**
 * The kubernetes backend's counterpart of a subscription: its launched attempts are reconciled
 * against the pods it listed. A launch without news may not have been made (a crash between its
 * intent and the create): it is made again, which adopts a pod that does exist.
 */
function kubernetesSynced(state: SchedulerState, out: Effect[]): void {
  state.kubernetesSynced = true;
  const tasks = [];
  for (const id of state.launched) {
    const entry = state.drivers.get(id);
    const status = entry?.status;
    if (entry?.backend !== 'kubernetes' || status?.phase !== 'launched') continue;
    const { taskId, agentId } = status.attempt;
    if (status.killRequested) out.push({ type: 'KillTask', taskId, agentId, backend: 'kubernetes' });
    if (status.attempt.lastStatus === undefined && !status.killRequested && entry.launch !== undefined) {
      out.push({ type: 'StartTask', backend: 'kubernetes', taskId, agentId, spec: entry.spec, prepared: undefined });
    } else {
      tasks.push({ taskId, agentId });
    }
  }
  if (tasks.length > 0) out.push({ type: 'ReconcileTasks', tasks, backend: 'kubernetes' });
}

/**
 * Starts kubernetes drivers, which need no offer: due retries first (in the order they failed),
 * then the queue in priority order, while fewer than `spark.mesos.maxDrivers` drivers are
 * launched (on either backend): for them the dispatcher's limit is what holds them back.
 */
function startWithoutOffers(state: SchedulerState, nowMs: number, out: Effect[]): void {
  if (!state.kubernetesSynced) return;
  let capacity = state.config.maxDrivers - state.launched.size;
  if (capacity <= 0) return;
  const start = (entry: DriverEntry): void => {
    if (capacity <= 0) return;
    const resource = entry.spec.resource;
    if (entry.launch === undefined || resource === undefined) {
      const plan = planDriverTask(entry.spec, state.config);
      applyEvent(state, entry, { type: 'LaunchFailed', message: plan.ok ? 'task could not be planned' : plan.problems.join('; ') }, nowMs, out);
      return;
    }
    const podName = driverPodName(resource.name, entry.status.attempts);
    // Taken before the launch, which drops it from the entry.
    const prepared = entry.launch.plan;
    const launched = applyEvent(state, entry, { type: 'Launch', agentId: podName }, nowMs, out);
    if (launched.phase !== 'launched') return;
    capacity--;
    out.push({ type: 'StartTask', backend: 'kubernetes', taskId: launched.attempt.taskId, agentId: podName, spec: entry.spec, prepared });
  };
  const dueRetries: DriverEntry[] = [];
  for (const id of state.retrying) {
    const entry = state.drivers.get(id);
    if (entry?.backend === 'kubernetes' && entry.status.phase === 'retrying' && entry.status.nextRetryAtMs <= nowMs) dueRetries.push(entry);
  }
  for (const entry of dueRetries) start(entry);
  if (state.podQueuedCount === 0 || capacity <= 0) return;
  forEachInQueueOrder(state.podQueue, (queued) => {
    if (!queued.stale) start(queued.entry);
  });
  if (queueLength(state.podQueue) !== state.podQueuedCount) unsafeCompact(state.podQueue, (queued) => !queued.stale);
}

function statusReceived(state: SchedulerState, update: TaskUpdate, nowMs: number, out: Effect[]): boolean {
  const summary = update.status;
  const entry = submissionIdCandidates(summary.taskId).map((id) => state.drivers.get(id)).find((e) => e !== undefined);
  let requeued = false;
  if (entry === undefined) {
    // A task still alive whose driver is gone is killed and reported; an update of one that
    // ended is news of a driver no longer tracked (deleted, or forgotten after it finished).
    if (!TASK_STATE_RULES[summary.state].terminal) {
      out.push({ type: 'KillTask', taskId: summary.taskId, ...(summary.agentId !== undefined && { agentId: summary.agentId }), ...onBackend(update.backend) });
      out.push({ type: 'ReportAnomaly', message: `status ${update.stateName} for task ${shortened(summary.taskId)} of no known driver; killing it` });
    }
  } else {
    const before = entry.status.phase;
    const after = applyEvent(state, entry, { type: 'StatusUpdate', update }, nowMs, out);
    requeued = before !== 'queued' && after.phase === 'queued';
    // Its launch has news: a rescind of its offer no longer says anything about it.
    if (after.phase === 'launched' && after.attempt.lastStatus !== undefined) unsafeForgetLaunchOffer(state, entry);
  }
  if (update.acknowledgement !== undefined) {
    out.push({
      type: 'Acknowledge', acknowledgement: update.acknowledgement,
      ...(entry !== undefined && TASK_STATE_RULES[summary.state].terminal && { submissionId: entry.spec.submissionId }),
    });
  }
  return requeued;
}

/** Launches on a rescinded offer that have had no news never happened: their drivers are queued again. */
function offerRescinded(state: SchedulerState, offerId: string, nowMs: number, out: Effect[]): boolean {
  let requeued = false;
  for (const entry of [...(state.launchesByOffer.get(offerId) ?? [])]) {
    if (entry.status.phase !== 'launched') continue;
    const event: DriverEvent = { type: 'LaunchVoided', taskId: entry.status.attempt.taskId, why: `offer ${offerId} was rescinded` };
    requeued = applyEvent(state, entry, event, nowMs, out).phase === 'queued' || requeued;
  }
  return requeued;
}

/**
 * One offer batch: due retries first (in the order they failed), then the queue in priority
 * order; first fit; every offer is either accepted with its tasks or declined with the refuse
 * filter. A driver whose task cannot be planned or whose constraints cannot be evaluated
 * finishes with outcome `error`; the others are unaffected.
 */
function schedulingPass(state: SchedulerState, offers: readonly Offer[], nowMs: number, out: Effect[]): void {
  const candidates: DriverEntry[] = [];
  const requests: MatchRequest[] = [];
  const consider = (entry: DriverEntry, launch: LaunchCache | undefined): void => {
    if (launch === undefined) {
      // Only a restored driver whose spec no longer plans gets here; it cannot launch.
      const plan = planDriverTask(entry.spec, state.config);
      const message = plan.ok ? 'task could not be planned' : plan.problems.join('; ');
      applyEvent(state, entry, { type: 'LaunchFailed', message }, nowMs, out);
      return;
    }
    candidates.push(entry);
    requests.push(launch);
  };
  for (const id of state.retrying) {
    const entry = state.drivers.get(id);
    if (entry?.backend === 'mesos' && entry.status.phase === 'retrying' && entry.status.nextRetryAtMs <= nowMs) consider(entry, entry.launch);
  }
  forEachInQueueOrder(state.queue, (queued) => {
    if (!queued.stale) consider(queued.entry, queued.launch);
  });
  noteLargestOffer(state, offers);
  const result = matchOffers(requests, offers);

  for (const { request, error } of result.constraintErrors) {
    const entry = candidates[request];
    if (entry !== undefined) applyEvent(state, entry, { type: 'LaunchFailed', message: error }, nowMs, out);
  }
  // The tasks are only decided here; their TaskInfos are built when the offers are accepted.
  const tasksByOffer: (TaskLaunch[] | undefined)[] = [];
  for (const placement of result.placements) {
    const entry = candidates[placement.request];
    const offer = offers[placement.offerIndex];
    if (entry?.launch === undefined || offer === undefined) continue;
    // Taken before the launch: a launched driver gives up its plan, this task uses it.
    const prepared = entry.launch.plan;
    const launched = applyEvent(state, entry, { type: 'Launch', agentId: offer.agentId }, nowMs, out);
    if (launched.phase !== 'launched') continue;
    unsafeRecordLaunchOffer(state, entry, offer.id);
    const task: TaskLaunch = { taskId: launched.attempt.taskId, resources: placement.resources, spec: entry.spec, prepared };
    (tasksByOffer[placement.offerIndex] ??= []).push(task);
  }

  tellTooLarge(state, candidates, result.placements, nowMs, out);

  const declined: string[] = [];
  offers.forEach((offer, i) => {
    const tasks = tasksByOffer[i];
    if (tasks === undefined) declined.push(offer.id);
    else out.push({ type: 'LaunchTasks', offerId: offer.id, agentId: offer.agentId, frameworkId: state.frameworkId ?? offer.frameworkId, tasks });
  });
  if (declined.length > 0) out.push({ type: 'DeclineOffers', offerIds: declined, refuseSeconds: state.config.rejectOfferDurationSeconds });
  compactQueue(state);
}

function noteLargestOffer(state: SchedulerState, offers: readonly Offer[]): void {
  const sum = (pieces: Offer['cpus']): number => pieces.reduce((total, piece) => total + piece.amountMilli, 0);
  let { cpusMilli, memMilli } = state.largestOffer;
  for (const offer of offers) {
    cpusMilli = Math.max(cpusMilli, sum(offer.cpus));
    memMilli = Math.max(memMilli, sum(offer.mem));
  }
  if (cpusMilli !== state.largestOffer.cpusMilli || memMilli !== state.largestOffer.memMilli) state.largestOffer = { cpusMilli, memMilli };
}

/**
 * A queued driver that did not launch and needs more cpus or memory than any one offer has had
 * is told so (it stays queued: a larger agent may join); one that fits again is told that too.
 */
function tellTooLarge(state: SchedulerState, candidates: readonly DriverEntry[], placements: readonly { request: number }[], nowMs: number, out: Effect[]): void {
  const placed = new Uint8Array(candidates.length);
  for (const placement of placements) placed[placement.request] = 1;
  const largest = state.largestOffer;
  candidates.forEach((entry, i) => {
    if (placed[i] === 1 || entry.status.phase !== 'queued' || entry.launch === undefined) return;
    const tooLarge = entry.launch.cpusMilli > largest.cpusMilli || entry.launch.memMilli > largest.memMilli;
    if (!tooLarge && entry.status.tooLarge === undefined) return;
    const needs = { cpusMilli: entry.launch.cpusMilli, memMilli: entry.launch.memMilli };
    applyEvent(state, entry, { type: 'OfferFit', tooLarge: tooLarge ? { needs, largest } : undefined }, nowMs, out);
  });
}

/** Drops queue entries of drivers that left the queue; the order of the rest is unchanged. */
function compactQueue(state: SchedulerState): void {
  if (queueLength(state.queue) === state.queuedCount) return;
  unsafeCompact(state.queue, (queued) => !queued.stale);
}

/**
 * Revive when a driver became eligible (a submission, a requeue, a retry whose backoff passed:
 * declined offers carry a refuse filter, so waiting for them could take minutes); suppress
 * when nothing waits; ask to be woken when the next backoff ends.
 */
function settleOfferInterest(state: SchedulerState, nowMs: number, newlyEligible: boolean, out: Effect[]): void {
  let retryBecameDue = false;
  let anyRetryDue = false;
  let nextWakeMs = Number.POSITIVE_INFINITY;
  for (const id of state.retrying) {
    const entry = state.drivers.get(id);
    const status = entry?.status;
    if (status?.phase !== 'retrying') continue;
    if (status.nextRetryAtMs <= nowMs) {
      // A kubernetes retry needs no offer: one still waiting here waits for maxDrivers.
      if (entry?.backend === 'kubernetes') {
        state.retriesAwaitingRevive.delete(id);
        continue;
      }
      anyRetryDue = true;
      if (state.retriesAwaitingRevive.delete(id)) retryBecameDue = true;
    } else {
      nextWakeMs = Math.min(nextWakeMs, status.nextRetryAtMs);
    }
  }
  const wantsOffers = state.queuedCount > 0 || anyRetryDue;
  // A REVIVE clears every filter and brings an offer round; until it came, another is useless,
  // unless the round is overdue. One whose offers never came (it failed or was dropped, so the
  // master may still hold us suppressed; or nothing was free) is sent again for as long as
  // drivers wait, at a wait that doubles. While disconnected, interest waits for the next
  // Subscribed: a call now could only fail.
  const connected = !state.disconnected;
  if (newlyEligible || retryBecameDue) state.demandSinceRevive = true;
  const unanswered = state.revivedAtMs !== undefined;
  const roundDueAtMs = state.revivedAtMs === undefined ? nowMs : state.revivedAtMs + reviveRoundMs(state);
  const reviveAgain = (state.demandSinceRevive || unanswered) && nowMs >= roundDueAtMs;
  if (connected && wantsOffers && (reviveAgain || state.offersWanted !== true)) {
    out.push({ type: 'ReviveOffers' });
    state.unansweredRevives = unanswered ? state.unansweredRevives + 1 : 0;
    state.offersWanted = true;
    state.revivedAtMs = nowMs;
    state.demandSinceRevive = false;
    nextWakeMs = Math.min(nextWakeMs, nowMs + reviveRoundMs(state));
  } else if (connected && wantsOffers && (state.demandSinceRevive || unanswered)) {
    nextWakeMs = Math.min(nextWakeMs, roundDueAtMs);
  } else if (connected && !wantsOffers && state.offersWanted !== false) {
    out.push({ type: 'SuppressOffers' });
    state.offersWanted = false;
    forgetRevive(state);
  }
  if (nextWakeMs === Number.POSITIVE_INFINITY) {
    state.wakeAtMs = undefined;
  } else if (nextWakeMs !== state.wakeAtMs) {
    out.push({ type: 'ScheduleWake', atMs: nextWakeMs });
    state.wakeAtMs = nextWakeMs;
  }
}

/** How long the last REVIVE's offers may take before it is sent again. */
const reviveRoundMs = (state: SchedulerState): number => Math.min(REVIVE_ROUND_MS * 2 ** state.unansweredRevives, MAX_REVIVE_ROUND_MS);

/** An ID from outside, as a message quotes it: a task ID Mesos reports can be of any length. */
function shortened(id: string, max = 120): string {
  return id.length <= max ? id : `${id.slice(0, max)}… (${id.length} characters)`;
}
