// The kubernetes backend as the operator's shell sees it, in the scheduler core's words: the calls
// the core's effects turn into. PodBackend provides it over the Kubernetes API (pods created,
// deleted and watched); tests fake it. Its news reaches the core as TaskStatusReceived inputs.
import type { DriverResourceRef, PlannedTask, TaskRef } from '../scheduler/index.ts';

export interface PodPort {
  /**
   * Creates the attempt's pod (`task.agentId` names it) beside `resource`, which owns it. A pod
   * of that name that belongs to the attempt is adopted; a failure is reported as the task's news.
   */
  create(task: PlannedTask, resource: DriverResourceRef): Promise<void>;
  /** Deletes the task's pod with a grace period, then forcibly if it is still there. */
  kill(taskId: string, podName: string | undefined): Promise<void>;
  /** Reports each task's pod as it is now; a pod that is gone is reported lost. */
  reconcile(tasks: readonly TaskRef[]): Promise<void>;
  /** The launch was withheld (its intent did not take): reported as never having reached a node. */
  withheld(taskId: string, podName: string): void;
}
