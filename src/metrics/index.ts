// Public surface of the metrics: the metrics object with its observers (createMetrics), the
// instrumented Mesos port, and the /metrics, /healthz and /readyz server with its HealthSource.

export {
  createMetrics, DEFAULT_CONTROLLER_NAME, DEFAULT_LEASE_NAME,
  type DispatcherMetrics, type MetricSources, type MetricsOptions,
} from './metrics.ts';
export { DRIVER_PHASES, NO_TASK_STATE } from './driver-metrics.ts';
export { NO_REASON, SCHEDULER_CALLS, type ObservedMesosEvent } from './mesos-metrics.ts';
export { RECONCILE_RESULTS, type ReconcileOutcome } from './controller-metrics.ts';
export { instrumentMesosPort } from './mesos-port.ts';
export { liveness, readiness, DEFAULT_MAX_EVENT_LOOP_DELAY_MS, type Check, type HealthSource, type Verdict } from './health.ts';
export {
  startMetricsServer, DEFAULT_METRICS_HOST, DEFAULT_METRICS_PORT, type MetricsServer, type MetricsServerOptions,
} from './server.ts';
