// The master's `/metrics/snapshot`, reduced to what the emulator can say truthfully: a flat JSON
// object of counters and gauges named as the real master names them. Per framework, the calls it
// sent by type (`master/frameworks/<url-encoded name>/<id>/calls/<type>`, as Mesos 1.5+ reports
// them); for the master, the offer and task gauges and the message counters those calls imply.
import type { MasterCore } from './master.ts';

const MESSAGE_COUNTERS: Record<string, string> = {
  DECLINE: 'master/messages_decline_offers',
  REVIVE: 'master/messages_revive_offers',
  SUPPRESS: 'master/messages_suppress_offers',
  KILL: 'master/messages_kill_task',
  RECONCILE: 'master/messages_reconcile_tasks',
  ACKNOWLEDGE: 'master/messages_status_update_acknowledgement',
};

export function metricsSnapshot(master: MasterCore): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (key: string, n: number): void => {
    out[key] = (out[key] ?? 0) + n;
  };
  for (const counter of Object.values(MESSAGE_COUNTERS)) out[counter] = 0;
  let running = 0;
  let staging = 0;
  for (const framework of master.frameworks.values()) {
    const prefix = `master/frameworks/${encodeURIComponent(framework.info.name)}/${framework.id}`;
    let calls = 0;
    for (const [type, n] of framework.calls) {
      calls += n;
      out[`${prefix}/calls/${type.toLowerCase()}`] = n;
      const counter = MESSAGE_COUNTERS[type];
      if (counter !== undefined) add(counter, n);
    }
    out[`${prefix}/calls`] = calls;
    for (const task of framework.tasks.values()) {
      if (task.state === 'TASK_RUNNING') running += 1;
      else if (task.state === 'TASK_STAGING') staging += 1;
    }
  }
  out['master/tasks_running'] = running;
  out['master/tasks_staging'] = staging;
  out['master/outstanding_offers'] = master.offers.size;
  out['master/slaves_active'] = master.agents.size;
  out['master/frameworks_connected'] = [...master.frameworks.values()].filter((f) => f.connected).length;
  return out;
}
