// Create → LAUNCH latency at a steady arrival rate: creates are due at a fixed pace (open
// loop, so a slow system cannot slow the arrivals down), each task runs 10 s, and the latency of
// a driver is from when its create was due to when its task reached an agent.
import { agents } from '../support/cluster.ts';
import { driverManifest } from '../support/kube-load.ts';
import { sleep } from '../support/observe.ts';
import { percentile, type Report } from '../support/report.ts';
import { withSystem } from '../support/system.ts';

/** How long to wait for stragglers after the last create was due. */
const DRAIN_MS = 120_000;

export async function runLatency(report: Report, perSecond: number, seconds: number): Promise<void> {
  const count = Math.round(perSecond * seconds);
  // Room for every driver running at once (10 s runs), with a margin.
  const room = agents(Math.max(2, Math.ceil((perSecond * 12) / 60)), 'cpus:64;mem:1048576;disk:1048576');
  await withSystem({ agents: room, taskRunMs: 10_000 }, async ({ cluster, load }) => {
    const bodies = Array.from({ length: count }, (_, i) => {
      const name = `paced${perSecond}-${String(i).padStart(6, '0')}`;
      return { name, body: driverManifest(name, { cores: 1, memoryMb: 1024 }) };
    });
    const sent = await load.paced(bodies, perSecond);
    const failed = sent.filter((s) => s.status !== 201).length;
    const deadline = performance.now() + DRAIN_MS;
    while (performance.now() < deadline && sent.some((s) => !cluster.launchedAt.has(s.name))) await sleep(250);
    const latencies = sent.flatMap((s) => {
      const at = cluster.launchedAt.get(s.name);
      return at === undefined ? [] : [(at - s.dueAt) / 1000];
    }).sort((a, b) => a - b);
    const answers = sent.map((s) => (s.answeredAt - s.dueAt) / 1000).sort((a, b) => a - b);
    // A driver never launched counts as slower than any that was.
    const missing = count - latencies.length;
    const padded = [...latencies, ...Array<number>(missing).fill(Number.POSITIVE_INFINITY)];
    const detail = `(p50 ${percentile(padded, 50).toFixed(2)} s, max ${(latencies.at(-1) ?? 0).toFixed(2)} s; ` +
      `launched ${latencies.length}/${count}${failed > 0 ? `, ${failed} creates failed` : ''}; create answered p99 ${percentile(answers, 99).toFixed(3)} s)`;
    report.add({ key: `latency.p50 at ${perSecond}/s`, value: percentile(padded, 50), unit: 's', digits: 2 });
    report.add({ key: `latency.p99 at ${perSecond}/s`, value: percentile(padded, 99), unit: 's', digits: 2, detail });
  });
}
