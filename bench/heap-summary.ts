// Prints where the bytes of heap snapshots are, by constructor, largest first, and the strings
// held in many copies; with two snapshots (before, after), the growth between them instead.
// With --retainers, who holds them instead: the dominator tree down to holders of --min MiB (default 1).
// Usage: node bench/heap-summary.ts [--top N] SNAPSHOT [LATER_SNAPSHOT]
//        node bench/heap-summary.ts --retainers [--min MiB] [--depth N] SNAPSHOT
// (make bench with BENCH_HEAP_SNAPSHOTS=<dir> takes them at idle and at each memory scenario.)
import { heapRetainerTree } from './support/heap-retainers.ts';
import { summarizeHeapSnapshot, type HeapGroup } from './support/heap-summary.ts';

const MiB = 1024 * 1024;
const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
};
const minMiB = option('--min', 1);
const depth = option('--depth', 14);
const retainersAt = args.indexOf('--retainers');
if (retainersAt >= 0) args.splice(retainersAt, 1);
const [first, second] = args;
if (first === undefined) {
  process.stderr.write('usage: node bench/heap-summary.ts [--top N] SNAPSHOT [LATER_SNAPSHOT] | --retainers [--min MiB] [--depth N] SNAPSHOT\n');
  process.exit(2);
}
if (retainersAt >= 0) {
  for (const line of await heapRetainerTree(first, { minBytes: minMiB * MiB, maxDepth: depth })) process.stdout.write(`${line}\n`);
  process.exit(0);
}

const row = (g: HeapGroup, base?: HeapGroup): string => {
  const growth = base === undefined ? '' : `  ${((g.bytes - base.bytes) / MiB).toFixed(1).padStart(8)} MiB ${String(g.count - base.count).padStart(9)} objects`;
  return `${(g.bytes / MiB).toFixed(1).padStart(8)} MiB ${String(g.count).padStart(9)}  ${g.name.slice(0, 60).padEnd(60)}${growth}`;
};

const a = await summarizeHeapSnapshot(first);
if (second === undefined) {
  process.stdout.write(`${first}: ${(a.totalBytes / MiB).toFixed(1)} MiB in ${a.nodes} objects\n`);
  for (const g of a.groups.slice(0, top)) process.stdout.write(`${row(g)}\n`);
  const wasted = a.repeatedStrings.reduce((n, g) => n + g.bytes, 0);
  process.stdout.write(`strings held more than once: ${(wasted / MiB).toFixed(1)} MiB in the extra copies; the costliest (copies, value):\n`);
  for (const g of a.repeatedStrings.slice(0, top)) process.stdout.write(`${(g.bytes / MiB).toFixed(1).padStart(8)} MiB ${String(g.count).padStart(9)}  ${JSON.stringify(g.name.slice(0, 70))}\n`);
} else {
  const b = await summarizeHeapSnapshot(second);
  const before = new Map(a.groups.map((g) => [g.name, g]));
  process.stdout.write(`${second}: ${(b.totalBytes / MiB).toFixed(1)} MiB in ${b.nodes} objects; ` +
    `${((b.totalBytes - a.totalBytes) / MiB).toFixed(1)} MiB more than ${first}\n`);
  const grown = [...b.groups].sort((x, y) => (y.bytes - (before.get(y.name)?.bytes ?? 0)) - (x.bytes - (before.get(x.name)?.bytes ?? 0)));
  for (const g of grown.slice(0, top)) process.stdout.write(`${row(g, before.get(g.name) ?? { name: g.name, count: 0, bytes: 0 })}\n`);
}
