// What the scheduler core can be told: past-tense facts from the Kubernetes layer (driver
// submitted, kill requested, driver removed), from the backends (Mesos: subscribed, offers, an
// offer rescinded, disconnected; kubernetes: its pods listed; both: a task's status), in the
// core's own words, and from the shell's timer.
// Each is fed to `step` together with the current time.

import type { DriverRecord, DriverSpec, DriverStatus } from './driver.ts';
import type { Offer } from './offers.ts';
import type { TaskUpdate } from './task-status.ts';

export type SchedulerInput =
  /** A new driver. Admission decides: queued, or finished as rejected/error. A known ID is a no-op. */
  | { readonly type: 'DriverSubmitted'; readonly spec: DriverSpec }
  /**
   * A driver with a recorded status the core does not know (its record landed after this
   * leader's restore list): placed as recorded, as on restore; a launched one is reconciled.
   * A known ID is a no-op.
   */
  | { readonly type: 'DriverRestored'; readonly record: DriverRecord & { readonly status: DriverStatus } }
  /** The user asked to kill the driver (kills its task if launched). */
  | { readonly type: 'KillRequested'; readonly submissionId: string }
  /** The driver's record is gone: forget it, killing its task if one is launched. */
  | { readonly type: 'DriverRemoved'; readonly submissionId: string }
  /** (Re)subscribed to the master: reconcile every launched task, re-send kills and offer interest. */
  | { readonly type: 'Subscribed'; readonly frameworkId: string }
  /** One offer batch: run a scheduling pass; every offer is answered (launch or decline). */
  | { readonly type: 'OffersReceived'; readonly offers: readonly Offer[] }
  /** The master took an offer back: launches on it that have had no news never happened. */
  | { readonly type: 'OfferRescinded'; readonly offerId: string }
  | { readonly type: 'TaskStatusReceived'; readonly update: TaskUpdate }
  /** The subscription is gone: its offers are void, and nothing is launched until the next Subscribed. */
  | { readonly type: 'Disconnected' }
  /**
   * The kubernetes backend listed its tasks (pods); until then it starts none. Its launched
   * attempts are reconciled: one without news is started again (idempotent: its pod may exist),
   * the others are asked about, so that a pod gone meanwhile is reported.
   */
  | { readonly type: 'KubernetesSynced' }
  /** A `ScheduleWake` came due: retries whose backoff has passed become eligible. */
  | { readonly type: 'TimerFired' };
