// Rebuilding the scheduler core from persisted driver records (what the Kubernetes layer lists
// on start or failover). Launched drivers are kept as launched and reconciled on the next
// Subscribed, so nothing is launched twice; the reconciliation answers then move each driver
// on (running stays, never-started is requeued, lost follows the normal rules).

import type { DispatcherConfig } from './config.ts';
import type { DriverRecord, DriverStatus } from './driver.ts';
import { inExecutionOrder, type Effect } from './effects.ts';
import { applyEvent } from './scheduler.ts';
import {
  admit, createScheduler, finishedStatus, newEntry, persistDriver, unsafeRegister, type SchedulerState,
} from './scheduler-state.ts';

export interface RestoreResult {
  readonly state: SchedulerState;
  /** PersistDriver, ForgetDriver and ReportAnomaly only: Mesos calls wait for Subscribed. */
  readonly effects: Effect[];
}

// When two records share a submission ID, the one that may own a running task wins.
const PHASE_RANK: Readonly<Record<DriverStatus['phase'], number>> = { launched: 3, retrying: 2, queued: 1, finished: 0 };

/**
 * Restores the core from `records`. Records with a status are placed as they were (queued in
 * priority order, retrying in the order they failed, finished in the order they finished,
 * trimmed to the retention limit); a queued or retrying driver that can no longer run under the
 * current configuration (invalid, undeclared queue) is finished instead; a spec that requests a
 * kill is applied. Records without a status go through admission, oldest first.
 */
export function restoreScheduler(config: DispatcherConfig, records: readonly DriverRecord[], nowMs: number): RestoreResult {
  const state = createScheduler(config);
  const out: Effect[] = [];
  const withStatus = new Map<string, DriverRecord & { status: DriverStatus }>();
  const unadmitted = new Map<string, DriverRecord>();
  for (const record of records) {
    const id = record.spec.submissionId;
    const { status } = record;
    if (status === undefined) {
      if (!unadmitted.has(id)) unadmitted.set(id, record);
      continue;
    }
    const kept = withStatus.get(id);
    if (kept !== undefined) out.push({ type: 'ReportAnomaly', submissionId: id, message: `duplicate records for driver ${id}` });
    if (kept === undefined || PHASE_RANK[status.phase] > PHASE_RANK[kept.status.phase]) withStatus.set(id, { ...record, status });
  }

  for (const record of [...withStatus.values()].sort(byRestoreOrder)) {
    const { entry, problems } = newEntry(state, record.spec, record.status);
    const waiting = record.status.phase === 'queued' || record.status.phase === 'retrying';
    if (waiting && problems.length > 0) {
      entry.status = finishedStatus(nowMs, 'error', 'InvalidDriver', problems.join('; '), record.status);
    } else if (waiting && !config.queues.has(record.spec.queue)) {
      entry.status = finishedStatus(nowMs, 'rejected', 'UnknownQueue', `queue '${record.spec.queue}' is no longer declared`, record.status);
    }
    if (entry.status !== record.status) out.push(persistDriver(record.spec, entry.status));
    unsafeRegister(state, entry, out);
    const stillKnown = state.drivers.has(record.spec.submissionId);
    if (record.spec.killRequested === true && stillKnown) applyEvent(state, entry, { type: 'Kill' }, nowMs, out);
  }
  for (const record of [...unadmitted.values()].sort((a, b) => a.spec.submittedAtMs - b.spec.submittedAtMs)) {
    if (withStatus.has(record.spec.submissionId)) continue;
    admit(state, record.spec, nowMs, out);
  }
  const kept = new Set<Effect['type']>(['PersistDriver', 'ForgetDriver', 'ReportAnomaly']);
  return { state, effects: inExecutionOrder(out.filter((effect) => kept.has(effect.type))) };
}

function restoreTime(status: DriverStatus, submittedAtMs: number): number {
  switch (status.phase) {
    case 'retrying': return status.failedAtMs;
    case 'finished': return status.finishedAtMs;
    default: return submittedAtMs;
  }
}

function byRestoreOrder(a: DriverRecord & { status: DriverStatus }, b: DriverRecord & { status: DriverStatus }): number {
  const byTime = restoreTime(a.status, a.spec.submittedAtMs) - restoreTime(b.status, b.spec.submittedAtMs);
  if (byTime !== 0) return byTime;
  return a.spec.submissionId < b.spec.submissionId ? -1 : a.spec.submissionId > b.spec.submissionId ? 1 : 0;
}
