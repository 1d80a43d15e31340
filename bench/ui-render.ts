// Times the web UI over 10,000 SparkDrivers (85% finished, a tenth of those failed with a long
// fetch error; the rest queued, launched, retrying; three queues), as the dispatcher serves it:
// the snapshot from informer objects (parsed and planned once, then cached), then the page.
// Reports the cold first snapshot, then the median and 90th percentile of warm requests over HTTP
// (after a few warm-up requests) for the overview, a deep page of finished drivers, a text
// search and a driver page. Reports; never fails.
// Run: npx node bench/ui-render.ts

import { cachedUiDrivers, startUiServer, type UiSnapshot } from '../src/ui/index.ts';
import { dispatcherConfig, FW, MASTER } from '../test/ui/fixtures.ts';
import { manyDrivers } from '../test/ui/many-drivers.ts';

const DRIVERS = 10_000;
const GOAL_MS = 100;
const WARMUPS = 3;
const TRIALS = 25;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

async function main(): Promise<void> {
  // What the informer holds: plain frozen objects, one per resource.
  const objects = manyDrivers(DRIVERS).map((r) => deepFreeze(structuredClone(r)));
  const uiDrivers = cachedUiDrivers(dispatcherConfig());
  const snapshot = (): UiSnapshot => ({ frameworkId: FW, masterUrl: MASTER, leader: true, drivers: uiDrivers(objects, FW) });
  const coldStart = performance.now();
  snapshot();
  const coldMs = performance.now() - coldStart;

  const server = await startUiServer({ source: { snapshot }, host: '127.0.0.1', port: 0 });
  const pages: [string, string][] = [
    ['overview (first page of each phase)', '/'],
    ['finished drivers, page 100 of 170', '/?phase=Finished&page=100'],
    ['text search over all drivers', '/?q=nightly%20report%204242'],
    ['driver page by resource name', '/driver?id=spark-jobs/job-04242'],
  ];
  console.log(`UI over ${DRIVERS.toLocaleString('en-US')} drivers: cold first snapshot (parse and plan every driver) ${coldMs.toFixed(0)} ms, once per start`);
  try {
    for (const [label, path] of pages) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < WARMUPS + TRIALS; i += 1) {
        const start = performance.now();
        const res = await fetch(`${server.url}${path}`);
        const body = await res.text();
        if (i >= WARMUPS) times.push(performance.now() - start);
        bytes = body.length;
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      }
      times.sort((a, b) => a - b);
      const at = (q: number): string => (times[Math.floor((times.length - 1) * q)] ?? 0).toFixed(1);
      console.log(`  ${label.padEnd(38)} median ${at(0.5)} ms, p90 ${at(0.9)} ms `
        + `(goal ≤ ${GOAL_MS} ms), ${(bytes / 1024).toFixed(0)} KiB`);
    }
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.log(`ui-render: benchmark failed: ${String(error)}`);
});
