// The Mesos calls the scheduler core's effects turn into, as the shell sees them. The scheduler
// client provides them; metrics wrap them (instrumentMesosPort); tests fake them.
import type { Filters, OfferOperation } from './types.ts';

/** The Mesos calls the core's effects turn into (the scheduler client provides them). */
export interface MesosPort {
  accept(offerIds: string[], operations: OfferOperation[], filters?: Filters): Promise<void>;
  decline(offerIds: string[], filters?: Filters): Promise<void>;
  kill(taskId: string, agentId?: string): Promise<void>;
  reconcile(tasks: { taskId: string; agentId?: string }[]): Promise<void>;
  revive(): Promise<void>;
  suppress(): Promise<void>;
  acknowledgeUpdate(taskId: string, agentId: string, uuid: Uint8Array): Promise<void>;
}
