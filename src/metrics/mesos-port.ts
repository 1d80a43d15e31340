// A MesosPort that times every call of the one it wraps and reports it (call type, latency,
// success, offers answered) to the metrics, so the scheduler loop is instrumented without
// knowing about metrics. It changes nothing else: results and errors pass through unchanged.

import type { MesosPort, PortCall } from '../mesos/mesos-port.ts';
import { systemClock, type Clock } from '../runtime/clock.ts';
import type { MesosMetrics } from './mesos-metrics.ts';

export function instrumentMesosPort(port: MesosPort, metrics: Pick<MesosMetrics, 'observeMesosCall'>, clock: Clock = systemClock): MesosPort {
  async function timed(call: PortCall, offers: number, send: () => Promise<void>): Promise<void> {
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
    launch: (offerId, tasks, refuseSeconds) => timed('ACCEPT', 1, () => port.launch(offerId, tasks, refuseSeconds)),
    decline: (offerIds, refuseSeconds) => timed('DECLINE', offerIds.length, () => port.decline(offerIds, refuseSeconds)),
    kill: (taskId, agentId) => timed('KILL', 0, () => port.kill(taskId, agentId)),
    reconcile: (tasks) => timed('RECONCILE', 0, () => port.reconcile(tasks)),
    revive: () => timed('REVIVE', 0, () => port.revive()),
    suppress: () => timed('SUPPRESS', 0, () => port.suppress()),
    acknowledge: (acknowledgement) => timed('ACKNOWLEDGE', 0, () => port.acknowledge(acknowledgement)),
  };
}
