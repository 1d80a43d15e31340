// Mesos as the operator's shell sees it, in the scheduler core's words: the calls the core's
// effects turn into (MesosPort) and the events of the subscription (MesosEvent). SchedulerPort
// provides both over the scheduler client and the translation; metrics wrap the port
// (instrumentMesosPort); tests fake it.
import type { Acknowledgement, Offer, PlannedTask, TaskRef, TaskUpdate } from '../scheduler/index.ts';
import type { DetectionHealth } from './master-source.ts';
import type { CallType } from './types.ts';

/** The calls the port makes (each a Mesos scheduler call of that name). */
export const PORT_CALLS = ['ACCEPT', 'DECLINE', 'KILL', 'RECONCILE', 'REVIVE', 'SUPPRESS', 'ACKNOWLEDGE'] as const satisfies readonly CallType[];
export type PortCall = (typeof PORT_CALLS)[number];

export interface MesosPort {
  /** Accepts the offer with one launch of these tasks; what they leave of it is filtered for `refuseSeconds`. */
  launch(offerId: string, tasks: readonly PlannedTask[], refuseSeconds: number): Promise<void>;
  decline(offerIds: readonly string[], refuseSeconds: number): Promise<void>;
  kill(taskId: string, agentId?: string): Promise<void>;
  /** Explicit reconciliation of these tasks; an empty list asks about every task (implicit). */
  reconcile(tasks: readonly TaskRef[]): Promise<void>;
  revive(): Promise<void>;
  suppress(): Promise<void>;
  acknowledge(acknowledgement: Acknowledgement): Promise<void>;
}

export type MesosEvent =
  | { readonly type: 'subscribed'; readonly frameworkId: string; readonly heartbeatIntervalSeconds: number; readonly master: string }
  | { readonly type: 'offers'; readonly offers: readonly Offer[] }
  | { readonly type: 'rescind'; readonly offerId: string }
  | { readonly type: 'update'; readonly update: TaskUpdate }
  | { readonly type: 'failure'; readonly agentId?: string; readonly executorId?: string; readonly status?: number }
  | { readonly type: 'message'; readonly agentId: string; readonly executorId: string; readonly data: Uint8Array }
  /** The master's HEARTBEAT: nothing to do but note that the stream is alive. */
  | { readonly type: 'heartbeat' }
  /** The master refused or ended the subscription (e.g. "Framework failed over"); the client has stopped. */
  | { readonly type: 'error'; readonly message: string }
  /** The stream is gone; the client resubscribes after `retryInMs`. */
  | { readonly type: 'disconnected'; readonly reason: string; readonly retryInMs: number }
  /** Master detection through ZooKeeper changed: connected or not, which leader, what is wrong. */
  | { readonly type: 'detection'; readonly health: DetectionHealth };
