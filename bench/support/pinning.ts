// BENCH_PIN_CORES=1: this process (emulators, load, write ceiling) on core 0 and the operator on
// core 1, with taskset. The operator then takes no CPU from the API server, as where they run on
// different machines. A diagnostic beside the figures, which are measured unpinned.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export const pinCores = process.env.BENCH_PIN_CORES === '1';

/** Pins every thread of this process to core 0; threads started later inherit it. */
export function pinBenchProcess(): void {
  if (!pinCores) return;
  if (os.availableParallelism() < 2) throw new Error(`BENCH_PIN_CORES needs 2 cores; this machine has ${os.availableParallelism()}`);
  execFileSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' });
}

/** The command and arguments that start `file args`: on core 1 when pinning (taskset execs it: same pid). */
export function onOperatorCore(file: string, args: readonly string[]): [string, string[]] {
  return pinCores ? ['taskset', ['-c', '1', file, ...args]] : [file, [...args]];
}
