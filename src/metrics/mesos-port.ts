// A MesosPort that times every call of the one it wraps and reports it (call type, latency,
// success, offers answered) to the metrics, so the scheduler loop is instrumented without
// knowing about metrics. It changes nothing else: results and errors pass through unchanged.

import type { CallType } from '../mesos/types.ts';
import type { MesosPort } from '../mesos/mesos-port.ts';
import { systemClock, type Clock } from '../runtime/clock.ts';
import type { MesosMetrics } from './mesos-metrics.ts';

export function instrumentMesosPort(port: MesosPort, metrics: Pick<MesosMetrics, 'observeMesosCall'>, clock: Clock = systemClock): MesosPort {
  async function timed(call: CallType, offers: number, send: () => Promise<void>): Promise<void> {
    const started = clock.now();
    let ok = false;
    try {
      await send();
      ok = true;
    } finally {
      metrics.observeMesosCall(call, clock.now() - started, ok, offers);
    }
  }
  return {
    accept: (offerIds, operations, filters) => timed('ACCEPT', offerIds.length, () => port.accept(offerIds, operations, filters)),
    decline: (offerIds, filters) => timed('DECLINE', offerIds.length, () => port.decline(offerIds, filters)),
    kill: (taskId, agentId) => timed('KILL', 0, () => port.kill(taskId, agentId)),
    reconcile: (tasks) => timed('RECONCILE', 0, () => port.reconcile(tasks)),
    revive: () => timed('REVIVE', 0, () => port.revive()),
    suppress: () => timed('SUPPRESS', 0, () => port.suppress()),
    acknowledgeUpdate: (taskId, agentId, uuid) => timed('ACKNOWLEDGE', 0, () => port.acknowledgeUpdate(taskId, agentId, uuid)),
  };
}
