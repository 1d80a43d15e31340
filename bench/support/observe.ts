// Reading the system from outside while a scenario runs: the operator's drivers-by-phase gauge
// and process metrics, the Mesos master's call counters, and polling until a condition holds.
import { parsePrometheusText, type Family } from '../../test/support/prometheus-text.ts';
import type { OperatorProcess } from './operator.ts';

/** Polls `probe` every `everyMs` until it returns a value; throws after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface OperatorGauges {
  /** SparkDrivers by status.phase, summed over queues (`sparkdispatcher_drivers`). */
  phases: Map<string, number>;
  /** V8 heap in use and committed, and memory outside it (buffers), from the process metrics. */
  heapUsedBytes: number | undefined;
  heapTotalBytes: number | undefined;
  externalBytes: number | undefined;
}

function sumBy(family: Family | undefined, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const sample of family?.samples ?? []) {
    const key = sample.labels[label] ?? '';
    out.set(key, (out.get(key) ?? 0) + sample.value);
  }
  return out;
}

export async function operatorGauges(operator: OperatorProcess): Promise<OperatorGauges> {
  const families = parsePrometheusText(await operator.metrics());
  const first = (name: string): number | undefined => families.get(name)?.samples[0]?.value;
  return {
    phases: sumBy(families.get('sparkdispatcher_drivers'), 'phase'),
    heapUsedBytes: first('nodejs_heap_size_used_bytes'),
    heapTotalBytes: first('nodejs_heap_size_total_bytes'),
    externalBytes: first('nodejs_external_memory_bytes'),
  };
}

/** The operator's collections so far by kind (minor, major, incremental, weakcb): count and seconds. */
export async function operatorGc(operator: OperatorProcess): Promise<Map<string, { count: number; seconds: number }>> {
  const gc = new Map<string, { count: number; seconds: number }>();
  for (const { name, labels, value } of parsePrometheusText(await operator.metrics()).get('nodejs_gc_duration_seconds')?.samples ?? []) {
    const kind = gc.get(labels.kind ?? '') ?? { count: 0, seconds: 0 };
    if (name.endsWith('_count')) kind.count = value;
    if (name.endsWith('_sum')) kind.seconds = value;
    gc.set(labels.kind ?? '', kind);
  }
  return gc;
}

/** "minor 812 in 0.61 s, major 3 in 0.20 s": the collections between two readings. */
export function describeGc(before: Map<string, { count: number; seconds: number }>, after: Map<string, { count: number; seconds: number }>): string {
  const kinds = [...after].map(([kind, { count, seconds }]) => {
    const earlier = before.get(kind) ?? { count: 0, seconds: 0 };
    return { kind, count: count - earlier.count, seconds: seconds - earlier.seconds };
  }).filter(({ count }) => count > 0);
  return kinds.length === 0 ? 'none' : kinds.map(({ kind, count, seconds }) => `${kind} ${count} in ${seconds.toFixed(2)} s`).join(', ');
}

/** Waits until at least `count` drivers are in `phase` (by the operator's own count). */
export function untilPhase(operator: OperatorProcess, phase: string, count: number, timeoutMs: number): Promise<OperatorGauges> {
  return until(async () => {
    const gauges = await operatorGauges(operator);
    return (gauges.phases.get(phase) ?? 0) >= count ? gauges : undefined;
  }, `${count} drivers ${phase}`, timeoutMs, 1000);
}

/** The master's `/metrics/snapshot`. */
export async function mesosMetrics(masterUrl: string): Promise<Record<string, number>> {
  const response = await fetch(`${masterUrl}/metrics/snapshot`);
  return (await response.json()) as Record<string, number>;
}

/** Calls of `type` (e.g. `revive`) summed over every framework. */
export function callsOfType(snapshot: Record<string, number>, type: string): number {
  let n = 0;
  for (const [key, value] of Object.entries(snapshot)) if (key.startsWith('master/frameworks/') && key.endsWith(`/calls/${type}`)) n += value;
  return n;
}

/** Seconds RSS must hold within 1 % to count as settled. */
const SETTLED_SECONDS = 20;

/**
 * RSS once it has stopped moving: sampled every second until it stayed within 1 % for 20 s. After
 * a burst the operator still writes statuses and Events for some seconds (its heap's size flat
 * meanwhile), and only once it has been quiet for a few more gives back what the heap grew into
 * (src/runtime/memory-reclaimer.ts): a level held for 10 s was at times not yet the steady one.
 */
export async function settledMemory(operator: OperatorProcess, timeoutMs = 90_000): Promise<{ rss: number; peak: number }> {
  const WINDOW = SETTLED_SECONDS + 1;
  const window: { rss: number; peak: number }[] = [await operator.memory()];
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    await sleep(1000);
    window.push(await operator.memory());
    if (window.length > WINDOW) window.shift();
    const levels = window.map((m) => m.rss);
    if (window.length === WINDOW && Math.max(...levels) - Math.min(...levels) <= Math.min(...levels) * 0.01) return window[WINDOW - 1]!;
  }
  return window[window.length - 1]!;
}
