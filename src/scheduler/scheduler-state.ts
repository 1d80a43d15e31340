// The scheduler core's memory: every driver with its spec, status and cached matching needs,
// indexed by phase, plus the pending queues (one waiting for offers, one for the kubernetes
// backend), the launches still waiting for news (by offer), and what we last told the master
// about offers. Also admission (a new submission becomes queued,
// or finishes as rejected/error) and the one place where a driver changes phase. Mutating
// helpers are prefixed `unsafe`.

import { resolveRetryPolicy, type RetryPolicy } from './backoff.ts';
import type { DispatcherConfig } from './config.ts';
import { CONSTRAINTS_KEY } from './constraints.ts';
import type { Backend, DriverSpec, DriverStatus, FinishReason, LargestOffer, Outcome, Phase } from './driver.ts';
import type { Effect } from './effects.ts';
import type { MatchRequest } from './offer-matcher.ts';
import { withPartsOf } from './plan-sharing.ts';
import { createQueue, unsafeEnqueue, type PriorityQueue, type QueueEntry } from './queue.ts';
import { toMilli } from './resources.ts';
import { backendOf, effectiveProperty, planDriverTask, undeclaredQueueProblem, type TaskPlan } from './task-plan.ts';

/**
 * What the scheduling pass needs of a driver, computed once at admission: its request, and the
 * plan its task is launched with, so that accepting an offer does not plan thousands of tasks
 * again. One flat object: a pass reads thousands of them. Only a queued driver keeps the plan:
 * launching or finishing drops it (a relaunch plans anew), so thousands of running or finished
 * drivers do not each hold a command line.
 */
export type LaunchCache = MatchRequest & { plan: TaskPlan | undefined };

/** The constraints of every unconstrained driver (most of them): one empty list, not one each. */
const NO_CONSTRAINTS: MatchRequest['constraints'] = Object.freeze([]);

/**
 * A queued driver's place in the queue, pointing back at its entry. It holds what a pass reads of
 * every queued driver, most of which it does not place: whether it is still queued here, and its
 * launch cache, so that the pass need not go to the entry for those.
 */
export interface QueuedDriver extends QueueEntry {
  readonly entry: DriverEntry;
  readonly launch: LaunchCache | undefined;
  /** The driver left the queue (or entered it again elsewhere): this array entry is stale. */
  stale: boolean;
}

export interface DriverEntry {
  /** With its backend resolved (the dispatcher's default applied once, at admission or restore). */
  readonly spec: DriverSpec & { readonly backend: Backend };
  readonly backend: Backend;
  status: DriverStatus;
  readonly policy: RetryPolicy;
  /** Undefined when the driver's task cannot be planned (it then finishes with `error`). */
  launch: LaunchCache | undefined;
  /** Its place in `queue` while queued. */
  queueEntry: QueuedDriver | undefined;
  /** The offer its current launch was placed on, until the launch has news (see launchesByOffer). */
  launchOffer: string | undefined;
}

export interface SchedulerState {
  readonly config: DispatcherConfig;
  readonly drivers: Map<string, DriverEntry>;
  /** Queued Mesos drivers in priority order; may hold stale entries (QueuedDriver.stale). */
  readonly queue: PriorityQueue<QueuedDriver>;
  /** Number of queued Mesos drivers (their order lives in `queue`). */
  queuedCount: number;
  /** Queued kubernetes drivers, which need no offer: started in this order as `maxDrivers` allows. */
  readonly podQueue: PriorityQueue<QueuedDriver>;
  podQueuedCount: number;
  /** The kubernetes backend has listed its pods (KubernetesSynced): it may start tasks. */
  kubernetesSynced: boolean;
  readonly launched: Set<string>;
  /** In the order drivers started retrying (Spark's retry list order). */
  readonly retrying: Set<string>;
  /** In the order drivers finished; the oldest are forgotten first. */
  readonly finished: Set<string>;
  /** Retrying drivers whose end of backoff has not yet triggered a revive. */
  readonly retriesAwaitingRevive: Set<string>;
  /**
   * Drivers launched on each offer whose launch has had no news yet. A rescinded offer can no
   * longer be accepted, so those launches never happened: the drivers are queued again at once.
   */
  readonly launchesByOffer: Map<string, DriverEntry[]>;
  frameworkId: string | undefined;
  /** Between a Disconnected and the next Subscribed: nothing is launched, offer interest is not stated. */
  disconnected: boolean;
  /** Last offer interest sent: true = revived, false = suppressed, undefined = unknown. */
  offersWanted: boolean | undefined;
  /**
   * When the last REVIVE was sent, until offers come: another within an offer round would change
   * nothing. Past the round (the REVIVE may have failed, or nothing was free) a demand revives again.
   */
  revivedAtMs: number | undefined;
  /** REVIVEs sent in a row whose offers never came: each waits twice as long for them. */
  unansweredRevives: number;
  /** A driver became eligible while a REVIVE was pending: it is served by that REVIVE's offers, or revives again. */
  demandSinceRevive: boolean;
  /** The most cpus and mem one offer has had since the start (agents only join or leave). */
  largestOffer: LargestOffer;
  wakeAtMs: number | undefined;
  /** The plan last made at admission: the next shares the parts equal to its (plan-sharing.ts). */
  lastPlan: TaskPlan | undefined;
}

export function createScheduler(config: DispatcherConfig): SchedulerState {
  return {
    config, drivers: new Map(), queue: createQueue(), queuedCount: 0, podQueue: createQueue(), podQueuedCount: 0, kubernetesSynced: false,
    launched: new Set(), retrying: new Set(),
    finished: new Set(), retriesAwaitingRevive: new Set(), launchesByOffer: new Map(),
    frameworkId: undefined, disconnected: false, offersWanted: undefined, revivedAtMs: undefined, unansweredRevives: 0, demandSinceRevive: false, largestOffer: { cpusMilli: 0, memMilli: 0 }, wakeAtMs: undefined, lastPlan: undefined,
  };
}

/**
 * A fresh entry for `spec` with the given status, plus the plan problems if it cannot run. Its
 * plan shares what it has in common with the plan made before it (`lastPlan`).
 */
export function newEntry(state: SchedulerState, spec: DriverSpec, status: DriverStatus): { entry: DriverEntry; problems: string[] } {
  const policy = resolveRetryPolicy(state.config.retryPolicy, spec.retryPolicy);
  const backend = backendOf(spec, state.config);
  const resolved = spec.backend === backend ? spec as DriverEntry['spec'] : { ...spec, backend };
  const planned = planDriverTask(resolved, state.config);
  const plan = planned.ok ? withPartsOf(planned.plan, state.lastPlan) : undefined;
  if (plan !== undefined) state.lastPlan = plan;
  const constraintText = effectiveProperty(spec, state.config, CONSTRAINTS_KEY) ?? '';
  return {
    entry: { spec: resolved, backend, status, policy, launch: plan && launchCacheOf(plan, constraintText), queueEntry: undefined, launchOffer: undefined },
    problems: planned.ok ? [] : planned.problems,
  };
}

function launchCacheOf(plan: TaskPlan, constraintText: string): LaunchCache {
  const unconstrained = plan.constraints.length === 0;
  return {
    cpusMilli: toMilli(plan.sizing.cpus),
    memMilli: toMilli(plan.sizing.containerMemoryMiB),
    constraintKey: unconstrained ? '' : constraintText,
    constraints: unconstrained ? NO_CONSTRAINTS : plan.constraints,
    plan,
  };
}

/** A driver as the outside sees it, or undefined. */
export function driverView(state: SchedulerState, submissionId: string): { spec: DriverSpec; status: DriverStatus } | undefined {
  const entry = state.drivers.get(submissionId);
  return entry === undefined ? undefined : { spec: entry.spec, status: entry.status };
}

/** Counts per phase (Spark's waitingDrivers, launchedDrivers, retryDrivers gauges, plus finished). */
export function driverCounts(state: SchedulerState): Record<'queued' | 'launched' | 'retrying' | 'finished', number> {
  return { queued: state.queuedCount + state.podQueuedCount, launched: state.launched.size, retrying: state.retrying.size, finished: state.finished.size };
}

export function finishedStatus(
  nowMs: number, outcome: Outcome, reason: FinishReason, message: string, counters = { attempts: 0, retries: 0 },
): DriverStatus {
  return { phase: 'finished', attempts: counters.attempts, retries: counters.retries, outcome, reason, message, finishedAtMs: nowMs };
}

/**
 * Admission of a new submission: an invalid driver finishes with `error` (every problem
 * listed), an undeclared queue or the `spark.mesos.maxDrivers` limit (counted over launched
 * drivers, as in Spark) reject it, a spec that already requests a kill finishes `killed`;
 * otherwise it is queued. Returns true when a driver became eligible for offers.
 */
export function admit(state: SchedulerState, spec: DriverSpec, nowMs: number, out: Effect[]): boolean {
  if (state.drivers.has(spec.submissionId)) return false;
  const queued: DriverStatus = { phase: 'queued', attempts: 0, retries: 0 };
  const { entry, problems } = newEntry(state, spec, queued);
  const unknownQueue = undeclaredQueueProblem(spec.queue, state.config);
  const verdict: DriverStatus =
    problems.length > 0 ? finishedStatus(nowMs, 'error', 'InvalidDriver', problems.join('; '))
    : unknownQueue !== undefined ? finishedStatus(nowMs, 'rejected', 'UnknownQueue', unknownQueue)
    : state.launched.size >= state.config.maxDrivers
      ? finishedStatus(nowMs, 'rejected', 'MaxDriversReached', 'Already reached maximum submission size')
    : spec.killRequested === true ? finishedStatus(nowMs, 'killed', 'KillRequested', "Removed driver while it's still pending")
    : queued;
  entry.status = verdict;
  unsafeRegister(state, entry, out);
  out.push(persistDriver(spec, verdict));
  return verdict.phase === 'queued';
}

/** The effect that writes `status` for the driver of `spec` (which the core may forget meanwhile). */
export function persistDriver(spec: DriverSpec, status: DriverStatus, from?: Phase): Extract<Effect, { type: 'PersistDriver' }> {
  const { submissionId, resource, queue, submittedAtMs, backend } = spec;
  // Two literals rather than a conditional spread: thousands are made in one scheduling pass.
  return from === undefined
    ? { type: 'PersistDriver', submissionId, status, resource, queue, submittedAtMs, backend }
    : { type: 'PersistDriver', submissionId, status, from, resource, queue, submittedAtMs, backend };
}

/** Adds a new entry, with the status it already has, to the driver map and phase indexes. */
export function unsafeRegister(state: SchedulerState, entry: DriverEntry, out: Effect[]): void {
  state.drivers.set(entry.spec.submissionId, entry);
  unsafeEnterPhase(state, entry, out);
}

/** Forgets a driver entirely (no effects). */
export function unsafeUnregister(state: SchedulerState, entry: DriverEntry): void {
  unsafeLeavePhase(state, entry);
  state.drivers.delete(entry.spec.submissionId);
}

function queueEntryOf(state: SchedulerState, entry: DriverEntry): QueuedDriver | undefined {
  const priority = state.config.queues.get(entry.spec.queue);
  if (priority === undefined) return undefined;
  return { submissionId: entry.spec.submissionId, priority, submittedAtMs: entry.spec.submittedAtMs, entry, launch: entry.launch, stale: false };
}

/**
 * Moves a driver to `status`: updates the phase indexes and the queue, persists the status, and
 * trims the finished drivers beyond `spark.mesos.retainedDrivers` (the oldest tenth at a time,
 * as in Spark; unlike Spark, every finished driver counts, including launch failures).
 */
export function unsafeSetStatus(state: SchedulerState, entry: DriverEntry, status: DriverStatus, out: Effect[]): void {
  const from = entry.status.phase;
  const samePhase = from === status.phase;
  if (!samePhase) unsafeLeavePhase(state, entry);
  entry.status = status;
  out.push(persistDriver(entry.spec, status, from));
  if (!samePhase) unsafeEnterPhase(state, entry, out);
}

function unsafeEnterPhase(state: SchedulerState, entry: DriverEntry, out: Effect[]): void {
  const id = entry.spec.submissionId;
  switch (entry.status.phase) {
    case 'queued':
      if (entry.backend === 'kubernetes') state.podQueuedCount++;
      else state.queuedCount++;
      entry.queueEntry = queueEntryOf(state, entry);
      if (entry.queueEntry !== undefined) unsafeEnqueue(entry.backend === 'kubernetes' ? state.podQueue : state.queue, entry.queueEntry);
      break;
    case 'launched':
      state.launched.add(id);
      if (entry.launch !== undefined) entry.launch.plan = undefined;
      break;
    case 'retrying':
      state.retrying.add(id);
      state.retriesAwaitingRevive.add(id);
      break;
    case 'finished':
      state.finished.add(id);
      if (entry.launch !== undefined) entry.launch.plan = undefined;
      unsafeTrimFinished(state, out);
      break;
  }
}

function unsafeLeavePhase(state: SchedulerState, entry: DriverEntry): void {
  const id = entry.spec.submissionId;
  switch (entry.status.phase) {
    case 'queued':
      if (entry.backend === 'kubernetes') state.podQueuedCount--;
      else state.queuedCount--;
      // Its array entry goes stale and is compacted away later.
      if (entry.queueEntry !== undefined) entry.queueEntry.stale = true;
      entry.queueEntry = undefined;
      break;
    case 'launched':
      state.launched.delete(id);
      unsafeForgetLaunchOffer(state, entry);
      break;
    case 'retrying':
      state.retrying.delete(id);
      state.retriesAwaitingRevive.delete(id);
      break;
    case 'finished':
      state.finished.delete(id);
      break;
  }
}

/** Remembers that the driver's new launch was placed on `offerId`, until it has news. */
export function unsafeRecordLaunchOffer(state: SchedulerState, entry: DriverEntry, offerId: string): void {
  entry.launchOffer = offerId;
  const entries = state.launchesByOffer.get(offerId);
  if (entries === undefined) state.launchesByOffer.set(offerId, [entry]);
  else entries.push(entry);
}

export function unsafeForgetLaunchOffer(state: SchedulerState, entry: DriverEntry): void {
  const offerId = entry.launchOffer;
  if (offerId === undefined) return;
  entry.launchOffer = undefined;
  const entries = state.launchesByOffer.get(offerId) ?? [];
  const at = entries.indexOf(entry);
  if (at >= 0) entries.splice(at, 1);
  if (entries.length === 0) state.launchesByOffer.delete(offerId);
}

/** Offers of a subscription that ended can no longer be rescinded: forget them all. */
export function unsafeForgetLaunchOffers(state: SchedulerState): void {
  for (const entries of state.launchesByOffer.values()) for (const entry of entries) entry.launchOffer = undefined;
  state.launchesByOffer.clear();
}

export function unsafeTrimFinished(state: SchedulerState, out: Effect[]): void {
  const retained = state.config.retainedDrivers;
  if (state.finished.size <= retained) return;
  const excess = state.finished.size - retained;
  const count = Math.max(excess, Math.floor(retained / 10), 1);
  for (const id of [...state.finished].slice(0, count)) {
    state.finished.delete(id);
    state.drivers.delete(id);
    out.push({ type: 'ForgetDriver', submissionId: id });
  }
}
