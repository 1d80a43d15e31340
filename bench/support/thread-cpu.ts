// CPU time by kind of thread, from /proc/<pid>/task/*/stat: the main thread, V8's workers
// (collections, compilation) and libuv's pool (file system calls). The benchmark's processes
// share the machine's cores, so time a process spends off its main thread is time the other
// process does not get; this is where a file system storm or a collector shows.
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';

/** Linux counts thread CPU time in USER_HZ ticks, 100 a second wherever Node runs. */
const MS_PER_TICK = 10;

/** CPU ms so far of each thread of `pid`, by thread ID, with the thread's kind (its name, digits dropped). */
export async function threadCpu(pid: number): Promise<Map<string, { kind: string; ms: number }>> {
  const threads = new Map<string, { kind: string; ms: number }>();
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) continue; // the thread ended meanwhile
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields after the name start at field 3 (state); utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    threads.set(tid, { kind: name.replace(/[0-9]+$/, ''), ms: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK });
  }
  return threads;
}

/** CPU ms spent between the two readings, by kind of thread, largest first. */
export function cpuByKind(before: Map<string, { ms: number }>, after: Map<string, { kind: string; ms: number }>): [string, number][] {
  const byKind = new Map<string, number>();
  for (const [tid, { kind, ms }] of after) byKind.set(kind, (byKind.get(kind) ?? 0) + ms - (before.get(tid)?.ms ?? 0));
  return [...byKind].filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
}

/** "main 2.9 s, V8Worker 0.9 s" */
export function describeCpu(kinds: [string, number][]): string {
  return kinds.map(([kind, ms]) => `${kind === 'MainThread' ? 'main' : kind} ${(ms / 1000).toFixed(1)} s`).join(', ');
}

export const CORES = availableParallelism();
