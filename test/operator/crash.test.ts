// Exactly-once launches across crashes: the operator process is SIGKILLed between the launch
// intent write and the ACCEPT, and between the ACCEPT and the status Mesos reports; a restarted
// operator adopts or requeues each attempt, and no task ID ever reaches Mesos twice.
import { waitFor } from '../support/wait.ts';
import { driverManifest, waitForDriver } from './harness.ts';
import type { Cluster } from './harness.ts';
import { clusterWithOperatorProcesses } from './process.ts';
import type { Json } from '../devcluster/kube/support.ts';

const fixture = clusterWithOperatorProcesses();
let cluster: Cluster;
beforeEach(() => {
  cluster = fixture.cluster();
});

/** Every task ID the master has seen for any framework, running or completed. */
function mesosTaskIds(): string[] {
  const frameworks = cluster.mesos.state().frameworks as { tasks: { id: string }[]; completed_tasks: { id: string }[] }[];
  return frameworks.flatMap((f) => [...f.tasks, ...f.completed_tasks].map((t) => t.id));
}

const DRIVERS = ['alpha', 'beta', 'gamma'];

test.each(['after-intent', 'after-accept'])('killed %s: after a restart every driver finishes and no task is launched twice', async (crashAt) => {
  for (const name of DRIVERS) {
    const applied = await cluster.kube.kubectl(['apply', '-f', '-'], { stdin: driverManifest(cluster, name) });
    expect(applied.code).toBe(0);
  }
  const first = fixture.start({ env: { SMD_CRASH_AT: crashAt }, leaderElection: false });
  const code = await first.exited;
  expect(first.child.signalCode ?? code).toBe('SIGKILL');

  const second = fixture.start({ leaderElection: false });
  const finished: Json[] = [];
  try {
    for (const name of DRIVERS) {
      finished.push(await waitForDriver(cluster, name, 'Finished', (d) => d.status?.phase === 'Finished', 15_000));
    }
  } catch (e) {
    console.log('FIRST', first.output().split('\n').filter((l) => !l.includes('"level":20')).join('\n').slice(-3000));
    console.log('SECOND', second.output().slice(-6000));
    console.log('MESOS', JSON.stringify(cluster.mesos.state().frameworks, null, 1).slice(0, 3000));
    throw e;
  }
  for (const d of finished) expect(d.status.outcome).toBe('Succeeded');
  const ids = mesosTaskIds();
  expect(new Set(ids).size).toBe(ids.length);
  // Every task Mesos ran belongs to an attempt recorded in a status.
  const recorded = new Set(finished.flatMap((d) => (d.status.attempts as Json[]).map((a) => a.taskId as string)));
  for (const id of ids) expect(recorded).toContain(id);
  await waitFor(() => cluster.mesos.tasks().every((t) => t.pid === undefined), 'no task process left');
});
