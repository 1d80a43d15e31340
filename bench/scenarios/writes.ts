// What one driver that runs once costs the APIs: N drivers created at a moderate pace, each
// task running 1 s; once all are Finished (and a few seconds more for late writes), the API
// writes per driver by kind, the REVIVE calls per driver, and every warning the operator logged.
import { agents } from '../support/cluster.ts';
import { driverManifest } from '../support/kube-load.ts';
import { callsOfType, mesosMetrics, sleep, untilPhase } from '../support/observe.ts';
import type { Report } from '../support/report.ts';
import { topMessages } from '../support/operator.ts';
import { withSystem } from '../support/system.ts';

const PACE_PER_SECOND = 50;

export async function runWrites(report: Report, count: number): Promise<void> {
  const room = agents(Math.max(2, Math.ceil((PACE_PER_SECOND * 3) / 60)), 'cpus:64;mem:1048576;disk:1048576');
  await withSystem({ agents: room, taskRunMs: 1000 }, async ({ cluster, operator, load }) => {
    cluster.writes.clear();
    const bodies = Array.from({ length: count }, (_, i) => {
      const name = `once-${String(i).padStart(6, '0')}`;
      return { name, body: driverManifest(name, { cores: 1, memoryMb: 1024, ttlSeconds: 86_400 }) };
    });
    const sent = await load.paced(bodies, PACE_PER_SECOND);
    if (sent.some((s) => s.status !== 201)) throw new Error('some creates failed');
    await untilPhase(operator, 'Finished', count, 10 * 60_000);
    await sleep(5000);
    const kinds = [...cluster.writes].sort((a, b) => b[1] - a[1]);
    const total = kinds.reduce((n, [, v]) => n + v, 0);
    report.add({
      key: 'writes per driver', value: total / count, unit: '', digits: 2,
      detail: kinds.map(([kind, n]) => `${kind} ${(n / count).toFixed(2)}`).join(', '),
    });
    const failed = [...cluster.failedWrites].map(([kind, n]) => `${kind} ${n}`).join(', ');
    if (failed !== '') report.note(`writes answered with an error (not counted above): ${failed}`);
    const mesos = await mesosMetrics(cluster.mesos.url);
    const calls = ['revive', 'suppress', 'accept', 'decline', 'acknowledge', 'reconcile'].map((t) => `${t} ${callsOfType(mesos, t)}`).join(', ');
    report.add({ key: 'revive calls per driver', value: callsOfType(mesos, 'revive') / count, unit: '', digits: 2, detail: `(Mesos calls: ${calls})` });
    const warnings = operator.warnings();
    const top = topMessages(warnings);
    report.add({ key: `warnings, ${count} drivers`, value: warnings.length, unit: '', digits: 0, ...(top !== '' && { detail: top }) });
  });
}
