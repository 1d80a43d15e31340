// What the scheduler core can be told: past-tense facts from the Kubernetes layer (driver
// submitted, kill requested, driver removed), from Mesos (subscribed, offers, task status) and
// from the shell's timer. Each is fed to `step` together with the current time.

import type { Offer, TaskStatus } from '../mesos/types.ts';
import type { DriverSpec } from './driver.ts';

export type SchedulerInput =
  /** A new driver. Admission decides: queued, or finished as rejected/error. A known ID is a no-op. */
  | { readonly type: 'DriverSubmitted'; readonly spec: DriverSpec }
  /** The user asked to kill the driver (kills its task if launched). */
  | { readonly type: 'KillRequested'; readonly submissionId: string }
  /** The driver's record is gone: forget it, killing its task if one is launched. */
  | { readonly type: 'DriverRemoved'; readonly submissionId: string }
  /** (Re)subscribed to the master: reconcile every launched task, re-send kills and offer interest. */
  | { readonly type: 'Subscribed'; readonly frameworkId: string }
  /** One offer batch: run a scheduling pass; every offer is answered (launch or decline). */
  | { readonly type: 'OffersReceived'; readonly offers: readonly Offer[] }
  | { readonly type: 'TaskStatusReceived'; readonly status: TaskStatus }
  /** A `ScheduleWake` came due: retries whose backoff has passed become eligible. */
  | { readonly type: 'TimerFired' };
