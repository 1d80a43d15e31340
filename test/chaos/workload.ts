// The chaos workload: drivers with known behaviours (succeed, run a while, fail, fail a few times
// then succeed under supervision, run until killed), submitted through kubectl or the REST API,
// and the stub spark-submit that acts out each behaviour from its last argument.
import type { Dice } from './dice.ts';

export type Behaviour =
  | { kind: 'ok' }
  | { kind: 'run'; seconds: number }
  | { kind: 'fail' }
  /** Fails its first `failures` attempts, then succeeds; supervised. */
  | { kind: 'flaky'; failures: number }
  /** Runs until it is killed. */
  | { kind: 'long' }
  /** Fits no agent: waits in the queue until it is killed. */
  | { kind: 'waits' };

export type Channel = 'kubectl' | 'rest';

export interface PlannedDriver {
  /** Unique per run: the resource name of a kubectl driver, and `spark.app.name` of every driver. */
  tag: string;
  via: Channel;
  behaviour: Behaviour;
  supervise: boolean;
}

/** Retries a flaky driver may use (it needs `failures`, at most 2). */
const MAX_RETRIES = 3;

export function planDriver(dice: Dice, index: number, via: Channel): PlannedDriver {
  const roll = dice.random();
  let behaviour: Behaviour;
  if (roll < 0.35) behaviour = { kind: 'ok' };
  else if (roll < 0.65) behaviour = { kind: 'run', seconds: Math.round(dice.float(0.2, 3) * 10) / 10 };
  else if (roll < 0.77) behaviour = { kind: 'fail' };
  else if (roll < 0.90) behaviour = { kind: 'flaky', failures: dice.int(1, 2) };
  else if (roll < 0.95) behaviour = { kind: 'long' };
  else behaviour = { kind: 'waits' };
  const supervise = behaviour.kind === 'flaky' || (behaviour.kind !== 'fail' && dice.chance(0.3));
  return { tag: `chaos-${String(index).padStart(5, '0')}`, via, behaviour, supervise };
}

/** The last application argument: `<behaviour>:<parameter>:<tag>`, read by the stub. */
export function behaviourArgument(driver: PlannedDriver): string {
  const b = driver.behaviour;
  const parameter = b.kind === 'run' ? String(b.seconds) : b.kind === 'flaky' ? String(b.failures) : '0';
  return `${b.kind}:${parameter}:${driver.tag}`;
}

/** Drivers that end only when their user kills them. */
export const killedByTheirUser = (driver: PlannedDriver): boolean => driver.behaviour.kind === 'long' || driver.behaviour.kind === 'waits';

export function sparkProperties(driver: PlannedDriver): Record<string, string> {
  return {
    'spark.app.name': driver.tag,
    // More memory than an agent has (4 GiB) for a driver that is to wait in the queue.
    'spark.driver.memory': driver.behaviour.kind === 'waits' ? '8g' : '256m',
    'spark.mesos.driver.memoryOverhead': '64',
    'spark.driver.cores': '0.5',
    'spark.driver.supervise': String(driver.supervise),
    'spark.mesos.driver.supervise.maxRetries': String(MAX_RETRIES),
    'spark.mesos.cluster.retry.wait.max': '2',
  };
}

/** The SparkDriver manifest of a kubectl-submitted driver. */
export function manifestOf(driver: PlannedDriver, appJar: string): Record<string, unknown> {
  return {
    apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver', metadata: { name: driver.tag, namespace: 'default' },
    spec: {
      appResource: `file://${appJar}`, mainClass: 'org.example.Chaos',
      arguments: [behaviourArgument(driver)], sparkProperties: sparkProperties(driver),
    },
  };
}

/** Spark's CreateSubmissionRequest for a REST-submitted driver. */
export function createRequestOf(driver: PlannedDriver, appJar: string): string {
  return JSON.stringify({
    action: 'CreateSubmissionRequest', clientSparkVersion: '3.5.1',
    appResource: `file://${appJar}`, mainClass: 'org.example.Chaos', appArgs: [behaviourArgument(driver)],
    environmentVariables: { SPARK_ENV_LOADED: '1' }, sparkProperties: sparkProperties(driver),
  });
}

/**
 * The outcome a driver must end with when nothing outside its behaviour touched it (no agent
 * loss): a killed driver Killed, a driver that exits 0 Succeeded, one that fails Failed.
 */
export function expectedOutcome(driver: PlannedDriver): string {
  switch (driver.behaviour.kind) {
    case 'long':
    case 'waits':
      return 'Killed';
    case 'fail':
      return 'Failed';
    default:
      return 'Succeeded';
  }
}

/**
 * spark-submit for the chaos runs: acts out `<behaviour>:<parameter>:<tag>` (its last argument).
 * A flaky driver counts its attempts by the task IDs it ran under, in `<dir>/attempts`.
 */
export function chaosStub(dir: string): string {
  return `#!/bin/sh
for arg in "$@"; do last=$arg; done
what=\${last%%:*}; rest=\${last#*:}; parameter=\${rest%%:*}; tag=\${rest#*:}
case $what in
  ok) exit 0 ;;
  run) exec sleep "$parameter" ;;
  fail) echo "failing as planned" >&2; exit 1 ;;
  flaky)
    seen=$(ls '${dir}/attempts' | grep -c "^$tag\\.")
    touch '${dir}/attempts/'"$tag.$MESOS_TASK_ID"
    [ "$seen" -ge "$parameter" ] && exit 0
    echo "failing attempt $seen as planned" >&2; exit 1 ;;
  long) exec sleep 3600 ;;
esac
echo "unknown behaviour: $last" >&2
exit 2
`;
}
