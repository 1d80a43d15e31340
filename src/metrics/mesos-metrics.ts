// Mesos scheduler client metrics: subscription state and heartbeat age, offers received,
// accepted, declined and rescinded, reconnects, task updates by state and reason, and the
// latency of each scheduler call. Fed by the client's events and by timed calls; the heartbeat
// age is computed at scrape time from the time of the last event.

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { PORT_CALLS, type MesosEvent, type PortCall } from '../mesos/mesos-port.ts';
import { taskStateName } from '../mesos/translation.ts';
import type { Clock } from '../runtime/clock.ts';
import { TASK_STATES } from '../scheduler/index.ts';

/** The subscription's events (HEARTBEAT included). */
export type ObservedMesosEvent = MesosEvent;

/** The calls the dispatcher makes on a subscription (their series exist from the start). */
export const SCHEDULER_CALLS = PORT_CALLS;

/** The `reason` label of a task update that carried no reason. */
export const NO_REASON = 'none';

const CALL_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface MesosMetrics {
  observeMesosEvent(event: ObservedMesosEvent): void;
  /** One scheduler call; `offers` is how many offers an ACCEPT or DECLINE answered. */
  observeMesosCall(call: PortCall, durationMs: number, ok: boolean, offers?: number): void;
}

export function createMesosMetrics(registry: Registry, clock: Clock): MesosMetrics {
  const registers = [registry];
  let lastEventMs: number | undefined;
  const subscribed = new Gauge({
    name: 'sparkdispatcher_mesos_subscribed',
    help: '1 while this replica holds a subscription to the Mesos master, else 0.',
    registers,
  });
  new Gauge({
    name: 'sparkdispatcher_mesos_heartbeat_age_seconds',
    help: 'Seconds since the last event on the Mesos subscription stream (0 before the first subscription).',
    registers,
    collect() {
      this.set(lastEventMs === undefined ? 0 : Math.max(0, clock.now() - lastEventMs) / 1000);
    },
  });
  const heartbeatInterval = new Gauge({
    name: 'sparkdispatcher_mesos_heartbeat_interval_seconds',
    help: 'Heartbeat interval the master announced on the last subscription (0 before the first).',
    registers,
  });
  const zooKeeperConnected = new Gauge({
    name: 'sparkdispatcher_mesos_zookeeper_connected',
    help: 'With a zk:// master: 1 while master detection holds a ZooKeeper session, 0 while ZooKeeper is unreachable (the last known leader stays in use). `path` is the masters\' znode.',
    labelNames: ['path'] as const,
    registers,
  });
  const reconnects = new Counter({
    name: 'sparkdispatcher_mesos_reconnects_total',
    help: 'Times the subscription was lost or could not be established, each followed by a resubscription after a backoff.',
    registers,
  });
  const offersReceived = new Counter({ name: 'sparkdispatcher_mesos_offers_received_total', help: 'Resource offers received.', registers });
  const offersAccepted = new Counter({ name: 'sparkdispatcher_mesos_offers_accepted_total', help: 'Offers accepted with driver tasks (successful ACCEPT calls).', registers });
  const offersDeclined = new Counter({ name: 'sparkdispatcher_mesos_offers_declined_total', help: 'Offers declined (successful DECLINE calls).', registers });
  const offersRescinded = new Counter({ name: 'sparkdispatcher_mesos_offers_rescinded_total', help: 'Offers the master rescinded.', registers });
  const failures = new Counter({
    name: 'sparkdispatcher_mesos_failures_total',
    help: 'FAILURE events from the master: an agent (kind=agent) or an executor (kind=executor) failed.',
    labelNames: ['kind'] as const,
    registers,
  });
  const taskUpdates = new Counter({
    name: 'sparkdispatcher_mesos_task_updates_total',
    help: `Task status updates received, by task state and reason (${NO_REASON} when the update had none).`,
    labelNames: ['state', 'reason'] as const,
    registers,
  });
  const callDuration = new Histogram({
    name: 'sparkdispatcher_mesos_call_duration_seconds',
    help: 'Latency of scheduler calls to the Mesos master, by call type and result.',
    labelNames: ['call', 'result'] as const,
    buckets: CALL_BUCKETS,
    registers,
  });

  for (const kind of ['agent', 'executor']) failures.inc({ kind }, 0);
  for (const state of TASK_STATES) taskUpdates.inc({ state: taskStateName(state), reason: NO_REASON }, 0);
  for (const call of SCHEDULER_CALLS) for (const result of ['success', 'error']) callDuration.zero({ call, result });

  return {
    observeMesosEvent(event) {
      switch (event.type) {
        case 'subscribed':
          lastEventMs = clock.now();
          subscribed.set(1);
          heartbeatInterval.set(event.heartbeatIntervalSeconds);
          return;
        case 'disconnected':
          subscribed.set(0);
          reconnects.inc();
          return;
        case 'error':
          subscribed.set(0);
          return;
        case 'detection':
          zooKeeperConnected.set({ path: event.health.path }, event.health.connected ? 1 : 0);
          return;
        case 'offers':
          offersReceived.inc(event.offers.length);
          break;
        case 'rescind':
          offersRescinded.inc();
          break;
        case 'update':
          taskUpdates.inc({ state: event.update.stateName, reason: event.update.status.reason ?? NO_REASON });
          break;
        case 'failure':
          failures.inc({ kind: event.executorId === undefined ? 'agent' : 'executor' });
          break;
        case 'message':
        case 'heartbeat':
          break;
      }
      lastEventMs = clock.now();
    },
    observeMesosCall(call, durationMs, ok, offers = 0) {
      callDuration.observe({ call, result: ok ? 'success' : 'error' }, Math.max(0, durationMs) / 1000);
      if (!ok || offers <= 0) return;
      if (call === 'ACCEPT') offersAccepted.inc(offers);
      else if (call === 'DECLINE') offersDeclined.inc(offers);
    },
  };
}

