// A heap snapshot of the operator process, taken from outside: it runs with
// `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<dir>`, so SIGUSR2 makes V8 write one there.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { sleep, until } from './observe.ts';
import type { OperatorProcess } from './operator.ts';

/** Signals the operator and resolves with the new snapshot's path once it is written. */
export async function takeHeapSnapshot(operator: OperatorProcess, dir: string): Promise<string> {
  const before = new Set(await snapshots(dir));
  process.kill(operator.pid, 'SIGUSR2');
  const file = await until(async () => (await snapshots(dir)).find((f) => !before.has(f)), 'the heap snapshot file', 120_000);
  // V8 writes the file while the process is stopped: once /metrics answers again, the write is done.
  await until(() => operator.metrics().then(() => true, () => undefined), 'the operator to answer after the snapshot', 120_000);
  let size = -1;
  for (let now = (await stat(file)).size; now !== size; now = (await stat(file)).size) {
    size = now;
    await sleep(500);
  }
  return file;
}

async function snapshots(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.heapsnapshot')).map((f) => path.join(dir, f));
}
