// The scheduler client as the operator uses it: its events translated into the core's words
// (MesosEvent), and the core's decisions made into calls (MesosPort), through translation.ts.
// A launch becomes its TaskInfos only here, when the offer is accepted. Nothing outside
// src/mesos sees a protobuf shape.
import type { Acknowledgement, PlannedTask, TaskRef } from '../scheduler/index.ts';
import { silentLogger, type Logger } from '../runtime/logger.ts';
import { launchOperation } from './calls.ts';
import type { MesosEvent, MesosPort } from './mesos-port.ts';
import { MesosSchedulerClient, staleOffers, type SchedulerClientOptions } from './scheduler-client.ts';
import { frameworkInfoOf, mesosEventOf, taskInfoOf, type FrameworkSettings } from './translation.ts';

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
        const translated = mesosEventOf(event);
        // Left unacknowledged, so the master sends it again (to a dispatcher that knows the state).
        if (!translated.ok) this.log.warn({}, `ignored: ${translated.problem}`);
        else onEvent(translated.event);
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
}
