// Driver resource sizing: cpus from `spark.driver.cores`, container memory = driver memory +
// overhead, with the overhead counted once. (Spark's REST server added one overhead to the heap
// and the scheduler a second one to the container.) Pure.

import { parseMemoryMiB, parseNumber } from './spark-values.ts';

export const DEFAULT_DRIVER_MEMORY_MIB = 1024;
export const DEFAULT_OVERHEAD_FACTOR = 0.1;
export const MIN_OVERHEAD_MIB = 384;

export interface DriverSizing {
  /** The `cpus` resource and `--driver-cores`. */
  readonly cpus: number;
  /** The JVM heap: `--driver-memory`. */
  readonly driverMemoryMiB: number;
  readonly overheadMiB: number;
  /** The `mem` resource: heap plus overhead. */
  readonly containerMemoryMiB: number;
}

export type SizingResult = { ok: true; sizing: DriverSizing } | { ok: false; problems: string[] };

/**
 * Sizes a driver from its effective Spark properties.
 * - cpus: `spark.driver.cores` (default 1), must be > 0.
 * - heap: `spark.driver.memory` (default 1024 MiB; a bare number is MiB), must be > 0.
 * - overhead: `spark.mesos.driver.memoryOverhead` if set (the Mesos-specific key wins), else
 *   `spark.driver.memoryOverhead`, else max(floor(factor × heap), 384) with factor
 *   `spark.driver.memoryOverheadFactor` (default 0.10).
 */
export function driverSizing(conf: Readonly<Record<string, string>>): SizingResult {
  const problems: string[] = [];
  const number = (key: string, fallback: number, check: (n: number) => string | undefined): number => {
    const raw = conf[key];
    if (raw === undefined) return fallback;
    const parsed = parseNumber(key, raw);
    const problem = parsed.ok ? check(parsed.value) : parsed.error;
    if (problem !== undefined) problems.push(problem);
    return parsed.ok ? parsed.value : fallback;
  };
  const memory = (key: string): number | undefined => {
    const raw = conf[key];
    if (raw === undefined) return undefined;
    const parsed = parseMemoryMiB(key, raw);
    if (parsed.ok) return parsed.value;
    problems.push(parsed.error);
    return undefined;
  };

  const cpus = number('spark.driver.cores', 1, (n) => (n > 0 ? undefined : `spark.driver.cores: must be greater than 0, got ${n}`));
  const factor = number('spark.driver.memoryOverheadFactor', DEFAULT_OVERHEAD_FACTOR,
    (n) => (n >= 0 ? undefined : `spark.driver.memoryOverheadFactor: must not be negative, got ${n}`));
  const driverMemoryMiB = memory('spark.driver.memory') ?? DEFAULT_DRIVER_MEMORY_MIB;
  if (driverMemoryMiB <= 0) problems.push(`spark.driver.memory: '${conf['spark.driver.memory']}' is less than 1 MiB`);
  const mesosOverhead = memory('spark.mesos.driver.memoryOverhead');
  const sparkOverhead = memory('spark.driver.memoryOverhead');
  if (problems.length > 0) return { ok: false, problems };

  const overheadMiB = mesosOverhead ?? sparkOverhead ?? Math.max(Math.floor(factor * driverMemoryMiB), MIN_OVERHEAD_MIB);
  return { ok: true, sizing: { cpus, driverMemoryMiB, overheadMiB, containerMemoryMiB: driverMemoryMiB + overheadMiB } };
}
