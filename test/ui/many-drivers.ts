// Thousands of drivers for the listing tests and the UI benchmark: mostly finished (some failed
// with a long multi-line fetch error, as Mesos reports them), the rest queued, launched or
// retrying, over three queues, each built the way the operator writes its status.
import type { SparkDriver } from '../../src/sparkdriver/sparkdriver.ts';
import { attempt, makeResource, summary, T0 } from './fixtures.ts';

const QUEUES = ['default', 'urgent', 'batch'] as const;
const FETCH_ERROR = 'Failed to fetch all URIs for container: Failed to fetch \'http://repo.internal/jobs/app.jar\':\n'
  + 'Error downloading resource, received HTTP return code 404\n' + '  curl: (22) The requested URL returned error: 404 Not Found\n'.repeat(20);

/** `count` drivers, the i-th submitted i seconds after T0; deterministic. */
export function manyDrivers(count: number): SparkDriver[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `driver-20240301100000-${String(i).padStart(5, '0')}`;
    const name = `job-${String(i).padStart(5, '0')}`;
    const at = T0 + i * 1000;
    const s = (seconds: number): number => at + seconds * 1000;
    const queue = QUEUES[i % QUEUES.length]!;
    const base = { name, id, createdAt: at, spec: { queue }, props: { 'spark.app.name': `Nightly report ${i}` } };
    const kind = i % 20;
    if (kind === 0) return makeResource({ ...base, steps: [[{ phase: 'queued', attempts: 0, retries: 0 }, s(1)]] });
    if (kind === 1) {
      return makeResource({ ...base, steps: [[{ phase: 'launched', attempts: 1, retries: 0, killRequested: false, attempt: attempt(id, s(2), summary(id, 'TASK_RUNNING', { at: s(3) })) }, s(3)]] });
    }
    if (kind === 2) {
      const failure = summary(id, 'TASK_FAILED', { reason: 'REASON_COMMAND_EXECUTOR_FAILED', message: 'exit 1', at: s(9) });
      return makeResource({ ...base, spec: { queue, supervise: true }, steps: [
        [{ phase: 'launched', attempts: 1, retries: 0, killRequested: false, attempt: attempt(id, s(2)) }, s(2)],
        [{ phase: 'retrying', attempts: 1, retries: 1, waitSeconds: 1, failedAtMs: s(9), nextRetryAtMs: s(10), lastFailure: failure }, s(9)],
      ] });
    }
    const failed = kind % 4 === 3;
    const last = failed
      ? summary(id, 'TASK_FAILED', { reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: FETCH_ERROR, at: s(60) })
      : summary(id, 'TASK_FINISHED', { at: s(60) });
    return makeResource({ ...base, steps: [
      [{ phase: 'launched', attempts: 1, retries: 0, killRequested: false, attempt: attempt(id, s(2)) }, s(2)],
      [{ phase: 'finished', attempts: 1, retries: 0, outcome: failed ? 'failed' : 'succeeded', reason: failed ? 'TaskFailed' : 'TaskFinished',
        message: failed ? FETCH_ERROR : 'TASK_FINISHED', finishedAtMs: s(60), lastAttempt: attempt(id, s(2), last) }, s(60)],
    ] });
  });
}
