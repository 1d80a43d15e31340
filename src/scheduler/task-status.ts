// A driver task's status in the core's own words: the states a task goes through, what the core
// keeps of a status report, and a report as it comes in. The backend's translation (Mesos:
// src/mesos/translation.ts; pods: src/pods/translation.ts) maps its vocabulary onto these; the
// core never sees the backend's.

/** The states of a driver task; each backend state maps onto one of them. */
export const TASK_STATES = [
  'staging', 'starting', 'running', 'killing', 'finished', 'failed', 'killed', 'error', 'lost', 'dropped',
  'unreachable', 'gone', 'goneByOperator', 'unknown',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** What the core keeps of a task status report: JSON-friendly, no bytes. */
export interface TaskStatusSummary {
  readonly taskId: string;
  readonly state: TaskState;
  /** Why, in the backend's words (Mesos: REASON_…): shown to people, never interpreted. */
  readonly reason?: string;
  readonly message?: string;
  /** Who reported, in the backend's words (Mesos: SOURCE_…): shown to people, never interpreted. */
  readonly source?: string;
  readonly agentId?: string;
  /** Seconds since the epoch, as the backend reports it. */
  readonly timestamp?: number;
}

/** What the backend needs back to stop resending a report; the token is opaque to the core. */
export interface Acknowledgement {
  readonly taskId: string;
  readonly agentId: string;
  readonly token: Uint8Array;
}

/** A task status report as it comes in. */
export interface TaskUpdate {
  readonly status: TaskStatusSummary;
  /** The backend's name of the state, as messages quote it (Mesos: TASK_FAILED). */
  readonly stateName: string;
  /**
   * The backend proves that the task never reached an agent (Mesos: the master's answers for a
   * task it does not know, or for a launch on invalid offers), so a launch whose first news this
   * is may be queued again without counting a failure.
   */
  readonly neverReachedAnAgent: boolean;
  /** To be handed back once the status it leads to is recorded; absent when none is wanted. */
  readonly acknowledgement?: Acknowledgement;
  /** Which backend reported: absent for Mesos. */
  readonly backend?: 'kubernetes';
}
