// Every task the master ever launched, kept for tests and audits after the master itself forgot
// it (completed tasks are bounded, and a master failover forgets them all): when it was launched,
// when its process ended, and the state the master last gave it. Not part of Mesos.
import type { TaskState } from '../../mesos/types.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { TaskRecord } from './agent.ts';

export interface TaskHistoryEntry {
  frameworkId: string;
  agentId: string;
  taskId: string;
  launchedAtMs: number;
  /** When the task's process (or its launch) ended; absent while it may still run. */
  endedAtMs: number | undefined;
  /** The master's view: the state it last reported to the framework (TASK_STAGING before any). */
  state: TaskState;
  /** What the executor last reported, as the agent saw it. */
  agentState: TaskState;
  /** Every state the master recorded for it, in order (an agent removal can add TASK_LOST after the end). */
  statuses: TaskState[];
}

export class TaskHistory {
  private readonly records: { record: TaskRecord; launchedAtMs: number; endedAtMs: number | undefined }[] = [];

  /** Notes a task handed to an agent; its end is noted when its process is done. */
  launched(record: TaskRecord, clock: Clock): void {
    const entry = { record, launchedAtMs: clock.now(), endedAtMs: undefined as number | undefined };
    this.records.push(entry);
    void record.running?.done.then(() => {
      entry.endedAtMs = clock.now();
    });
  }

  entries(): TaskHistoryEntry[] {
    return this.records.map(({ record, launchedAtMs, endedAtMs }) => ({
      frameworkId: record.frameworkId, agentId: record.agentId, taskId: record.info.task_id.value,
      launchedAtMs, endedAtMs, state: record.state, agentState: record.agentState, statuses: record.statuses.map((st) => st.state),
    }));
  }
}
