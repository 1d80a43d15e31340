// The scheduler client as the operator uses it: its events translated into the core's words
// (MesosEvent), and the core's decisions made into calls (MesosPort), through translation.ts.
// A launch becomes its TaskInfos only here, when the offer is accepted. Nothing outside
// src/mesos sees a protobuf shape.
import type { Acknowledgement, PlannedTask, TaskRef } from '../scheduler/index.ts';
import { silentLogger, type Logger } from '../runtime/logger.ts';
import { launchOperation } from './calls.ts';
import type { MesosEvent, MesosPort } from './mesos-port.ts';
import { MesosSchedulerClient, staleOffers, type SchedulerClientOptions, type SchedulerEvent } from './scheduler-client.ts';
import { frameworkInfoOf, offerOf, taskInfoOf, taskUpdateOf, type FrameworkSettings } from './translation.ts';

export interface SchedulerPortOptions extends Omit<SchedulerClientOptions, 'frameworkInfo' | 'onEvent'> {
  framework: FrameworkSettings;
  onEvent: (event: MesosEvent) => void;
}

export class SchedulerPort implements MesosPort {
  readonly client: MesosSchedulerClient;
  private readonly log: Logger;

  constructor(options: SchedulerPortOptions) {
    const { framework, onEvent, ...client } = options;
    this.log = options.logger ?? silentLogger;
    this.client = new MesosSchedulerClient({
      ...client,
      frameworkInfo: frameworkInfoOf(framework),
      onEvent: (event) => {
        const translated = this.translate(event);
        if (translated !== undefined) onEvent(translated);
      },
    });
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

  private translate(event: SchedulerEvent): MesosEvent | undefined {
    switch (event.type) {
      case 'subscribed':
        return { type: 'subscribed', frameworkId: event.frameworkId, heartbeatIntervalSeconds: event.heartbeatIntervalSeconds, master: event.master };
      case 'offers':
        return { type: 'offers', offers: event.offers.map(offerOf) };
      case 'update': {
        const update = taskUpdateOf(event.status);
        // Left unacknowledged, so the master sends it again (to a dispatcher that knows the state).
        if (update === undefined) this.log.warn({ taskId: event.status.task_id.value, state: event.status.state }, 'a task status update in a state this dispatcher does not know was ignored');
        return update === undefined ? undefined : { type: 'update', update };
      }
      default:
        return event;
    }
  }
}
