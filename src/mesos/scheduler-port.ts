// The scheduler client as the operator uses it: its events translated into the core's words
// (MesosEvent), and the core's decisions made into calls (MesosPort), through translation.ts.
// A launch becomes its TaskInfos only here, when the offer is accepted. Nothing outside
// src/mesos sees a protobuf shape.
import type { Acknowledgement, PlannedTask, TaskRef } from '../scheduler/index.ts';
import { silentLogger, type Logger } from '../runtime/logger.ts';
import { launchOperation } from './calls.ts';
import type { MesosEvent, MesosPort } from './mesos-port.ts';
import { MesosSchedulerClient, staleOffers, type SchedulerClientOptions } from './scheduler-client.ts';
import { recordedTaskState } from './completed-tasks.ts';
import { asRecordedEnd, frameworkInfoOf, isUnprovenLoss, mesosEventOf, taskInfoOf, type FrameworkSettings } from './translation.ts';

export interface SchedulerPortOptions extends Omit<SchedulerClientOptions, 'frameworkInfo' | 'onEvent'> {
  framework: FrameworkSettings;
  onEvent: (event: MesosEvent) => void;
}

export class SchedulerPort implements MesosPort {
  readonly client: MesosSchedulerClient;
  private readonly log: Logger;
  private readonly credentials: SchedulerPortOptions['credentials'];
  /** Events go on in the order they came, each after a master lookup the one before needed. */
  private delivered: Promise<void> = Promise.resolve();

  constructor(options: SchedulerPortOptions) {
    const { framework, onEvent, ...client } = options;
    this.log = options.logger ?? silentLogger;
    this.credentials = options.credentials;
    this.client = new MesosSchedulerClient({
      ...client,
      frameworkInfo: frameworkInfoOf(framework),
      onEvent: (event) => {
        const translated = mesosEventOf(event);
        // Left unacknowledged, so the master sends it again (to a dispatcher that knows the state).
        if (!translated.ok) {
          this.log.warn({}, `ignored: ${translated.problem}`);
          return;
        }
        const next = translated.event;
        const deliver = next.type === 'update' && isUnprovenLoss(next.update)
          ? async () => onEvent({ type: 'update', update: await this.asRecorded(next.update) })
          : () => onEvent(next);
        this.delivered = this.delivered.then(deliver).catch((error: unknown) => {
          this.log.error({ err: (error as Error).message, event: next.type }, 'handling a Mesos event failed');
        });
      },
    });
  }

  /** An unproven loss as the master's record of the completed task says it ended, if it does. */
  private async asRecorded(update: Extract<MesosEvent, { type: 'update' }>['update']): Promise<typeof update> {
    const master = this.client.subscribedMaster;
    const frameworkId = this.client.frameworkId;
    if (master === undefined || frameworkId === undefined) return update;
    try {
      const state = await recordedTaskState(master, frameworkId, update.status.taskId, this.credentials === undefined ? {} : { credentials: this.credentials });
      const recorded = state === undefined ? undefined : asRecordedEnd(update, state);
      if (recorded !== undefined) this.log.info({ taskId: update.status.taskId, reported: update.stateName, recorded: state }, 'the master recorded another end for a task reported lost; taking its record');
      return recorded ?? update;
    } catch (error) {
      this.log.warn({ taskId: update.status.taskId, err: (error as Error).message }, 'could not read the master\'s record of a task reported lost; taking the report');
      return update;
    }
  }

  async launch(offerId: string, tasks: readonly PlannedTask[], refuseSeconds: number): Promise<void> {
    const offer = this.client.outstandingOffer(offerId);
    if (offer === undefined) throw staleOffers([offerId]);
    const infos = tasks.map((task) => taskInfoOf(task, offer));
    await this.client.accept([offerId], [launchOperation(infos)], { refuse_seconds: refuseSeconds });
  }

  decline(offerIds: readonly string[], refuseSeconds: number): Promise<void> {
    return this.client.decline(offerIds, { refuse_seconds: refuseSeconds });
  }

  kill(taskId: string, agentId?: string): Promise<void> {
    return this.client.kill(taskId, agentId);
  }

  reconcile(tasks: readonly TaskRef[]): Promise<void> {
    return this.client.reconcile(tasks);
  }

  revive(): Promise<void> {
    return this.client.revive();
  }

  suppress(): Promise<void> {
    return this.client.suppress();
  }

  acknowledge(acknowledgement: Acknowledgement): Promise<void> {
    return this.client.acknowledge({ taskId: acknowledgement.taskId, agentId: acknowledgement.agentId, uuid: acknowledgement.token });
  }
}
