// Drivers whose attempts ran on an emulated agent, and their stdout/stderr written where that
// agent serves them (`<work dir>/slaves/<agent>/frameworks/<fw>/executors/<task>/runs/latest/`),
// so the files API is exercised over real HTTP without running tasks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { parseSparkDriver, SPARK_DRIVER, SPARK_DRIVER_API_VERSION, type SparkDriver } from '../../src/sparkdriver/sparkdriver.ts';
import type { AttemptStatus, SparkDriverStatus } from '../../src/sparkdriver/sparkdriver-status.ts';

export const FW = 'fw-logs-0000';

export function writeSandboxFile(master: EmulatedMesosMaster, agentId: string, taskId: string, file: string, content: string): string {
  const dir = join(master.workDir, 'slaves', agentId, 'frameworks', FW, 'executors', taskId, 'runs', 'latest');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), content);
  return dir;
}

export function driverWithAttempts(name: string, attempts: readonly AttemptStatus[], phase: SparkDriverStatus['phase'] = 'Finished'): SparkDriver {
  const parsed = parseSparkDriver({
    apiVersion: SPARK_DRIVER_API_VERSION, kind: SPARK_DRIVER.kind,
    metadata: { name, namespace: 'jobs', uid: `uid-${name}`, creationTimestamp: '2024-03-01T10:00:00Z' },
    spec: { appResource: 'http://127.0.0.1/app.jar', mainClass: 'Main', sparkProperties: { 'spark.app.name': name } },
    status: {
      phase, submissionId: `driver-${name}`, frameworkId: FW, attempts: [...attempts],
      ...(attempts.length > 0 && { currentAttempt: attempts.at(-1) }),
    },
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.resource;
}

export const ended = (taskId: string, agentId: string): AttemptStatus => ({
  taskId, agentId, launchTime: '2024-03-01T10:00:01Z', finishTime: '2024-03-01T10:01:00Z', mesos: { state: 'TASK_FINISHED' },
});

export const running = (taskId: string, agentId: string): AttemptStatus => ({
  taskId, agentId, launchTime: '2024-03-01T10:00:01Z', mesos: { state: 'TASK_RUNNING' },
});
