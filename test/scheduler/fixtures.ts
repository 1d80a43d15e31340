// Builders for scheduler-core tests: a dispatcher config, driver specs, offers and task statuses
// with sensible defaults, so each test states only what it is about. Offers and statuses are
// built as Mesos sends them and reach the core through the translation, as in the operator.

import { offerOf, resourceOf, taskUpdateOf } from '../../src/mesos/translation.ts';
import type { Attribute, Offer, Resource, TaskState, TaskStatus, TaskStatusReason } from '../../src/mesos/types.ts';
import { parseDispatcherConfig, type DispatcherConfig } from '../../src/scheduler/config.ts';
import type { DriverSpec } from '../../src/scheduler/driver.ts';
import type { Effect, TaskLaunch } from '../../src/scheduler/effects.ts';
import type { SchedulerInput } from '../../src/scheduler/inputs.ts';

export function makeConfig(props: Record<string, string> = {}, env: Record<string, string> = {}): DispatcherConfig {
  const result = parseDispatcherConfig({ 'spark.master': 'mesos-master:5050', 'spark.home': '/opt/spark', ...props }, env);
  if (!result.ok) throw new Error(`bad test config: ${result.errors.join('; ')}`);
  return result.config;
}

export function makeSpec(id: string, overrides: Partial<DriverSpec> & { props?: Record<string, string> } = {}): DriverSpec {
  const { props, ...rest } = overrides;
  return {
    submissionId: id,
    submittedAtMs: 1_000,
    appResource: 'http://repo/app.jar',
    mainClass: 'org.example.Main',
    appArgs: [],
    sparkProperties: { 'spark.app.name': id, 'spark.driver.memory': '1000m', 'spark.mesos.driver.memoryOverhead': '0', ...props },
    environment: {},
    supervise: false,
    queue: 'default',
    ...rest,
  };
}

export const scalar = (name: string, value: number, role?: string, extra: Partial<Resource> = {}): Resource =>
  ({ name, type: 'SCALAR', scalar: { value }, ...(role !== undefined && { role }), ...extra });

export function makeOffer(id: string, cpus: number, mem: number, options: { attributes?: Attribute[]; agent?: string; resources?: Resource[] } = {}): Offer {
  return {
    id: { value: id },
    framework_id: { value: 'fw' },
    agent_id: { value: options.agent ?? `agent-${id}` },
    hostname: `host-${id}`,
    resources: options.resources ?? [scalar('cpus', cpus), scalar('mem', mem)],
    ...(options.attributes !== undefined && { attributes: options.attributes }),
  };
}

export const text = (name: string, value: string): Attribute => ({ name, type: 'TEXT', text: { value } });

export function taskStatus(taskId: string, state: TaskState, extra: { reason?: TaskStatusReason; message?: string; agent?: string; uuid?: boolean } = {}): TaskStatus {
  return {
    task_id: { value: taskId },
    state,
    ...(extra.reason !== undefined && { reason: extra.reason }),
    ...(extra.message !== undefined && { message: extra.message }),
    agent_id: { value: extra.agent ?? 'agent-1' },
    ...(extra.uuid === true && { uuid: new Uint8Array([1, 2, 3]) }),
  };
}

type StatusExtra = Parameters<typeof taskStatus>[2];

/** Offers as the core receives them: translated from Mesos's. */
export function offersReceived(offers: readonly Offer[]): SchedulerInput {
  return { type: 'OffersReceived', offers: offers.map(offerOf) };
}

/** A status update as the core receives it: translated from Mesos's. */
export function statusReceived(taskId: string, state: TaskState, extra: StatusExtra = {}): SchedulerInput {
  const update = taskUpdateOf(taskStatus(taskId, state, extra));
  if (update === undefined) throw new Error(`untranslatable state ${state}`);
  return { type: 'TaskStatusReceived', update };
}

/** The tasks launched, in effect order. */
export const launches = (effects: readonly Effect[]): TaskLaunch[] => effects.flatMap((e) => (e.type === 'LaunchTasks' ? [...e.tasks] : []));

export const launchedIds = (effects: readonly Effect[]): string[] => launches(effects).map((t) => t.taskId);

/** What a launched task claimed of `offer`, as Mesos resources (through the translation). */
export const claimedOf = (task: TaskLaunch | undefined, offer: Offer): Resource[] => (task?.resources ?? []).map((claim) => resourceOf(claim, offer));
