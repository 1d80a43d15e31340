import { driverSizing } from '../../src/scheduler/sizing.ts';

describe('driverSizing: cpus, heap and container memory (overhead counted once)', () => {
  test.each<[string, Record<string, string>, { cpus: number; heap: number; container: number }]>([
    ['defaults', {}, { cpus: 1, heap: 1024, container: 1024 + 384 }],
    ['2000M with default overhead (Spark would ask 2768)', { 'spark.driver.memory': '2000M' }, { cpus: 1, heap: 2000, container: 2384 }],
    ['5000M: 10% overhead beats the 384 MiB floor', { 'spark.driver.memory': '5000M' }, { cpus: 1, heap: 5000, container: 5500 }],
    ['overhead factor 0.2', { 'spark.driver.memory': '5000M', 'spark.driver.memoryOverheadFactor': '0.2' }, { cpus: 1, heap: 5000, container: 6000 }],
    ['spark.driver.memoryOverhead', { 'spark.driver.memory': '2000M', 'spark.driver.memoryOverhead': '1000' }, { cpus: 1, heap: 2000, container: 3000 }],
    ['spark.mesos.driver.memoryOverhead=0', { 'spark.driver.memory': '1000m', 'spark.mesos.driver.memoryOverhead': '0' }, { cpus: 1, heap: 1000, container: 1000 }],
    ['the Mesos-specific overhead wins over the generic one', { 'spark.driver.memory': '1g', 'spark.driver.memoryOverhead': '1g', 'spark.mesos.driver.memoryOverhead': '100m' }, { cpus: 1, heap: 1024, container: 1124 }],
    ['overhead given with a unit', { 'spark.driver.memory': '4g', 'spark.driver.memoryOverhead': '1g' }, { cpus: 1, heap: 4096, container: 5120 }],
    ['a bare number is MiB (Spark\'s REST server read it as bytes)', { 'spark.driver.memory': '512' }, { cpus: 1, heap: 512, container: 896 }],
    ['fractional cores', { 'spark.driver.cores': '1.5' }, { cpus: 1.5, heap: 1024, container: 1408 }],
    ['factor 0 still has the floor', { 'spark.driver.memoryOverheadFactor': '0' }, { cpus: 1, heap: 1024, container: 1408 }],
  ])('%s', (_name, conf, expected) => {
    const result = driverSizing(conf);
    expect(result).toEqual({
      ok: true,
      sizing: { cpus: expected.cpus, driverMemoryMiB: expected.heap, overheadMiB: expected.container - expected.heap, containerMemoryMiB: expected.container },
    });
  });

  test.each<[Record<string, string>, string[]]>([
    [{ 'spark.driver.cores': 'two' }, ["spark.driver.cores: 'two' is not a number"]],
    [{ 'spark.driver.cores': '0' }, ['spark.driver.cores: must be greater than 0, got 0']],
    [{ 'spark.driver.memory': '1.5g' }, ["spark.driver.memory: '1.5g' is not a memory size (use a whole number with an optional unit, e.g. 2048m or 2g)"]],
    [{ 'spark.driver.memory': '100k' }, ["spark.driver.memory: '100k' is less than 1 MiB"]],
    [{ 'spark.driver.memoryOverhead': 'lots', 'spark.driver.memoryOverheadFactor': '-1' },
      ['spark.driver.memoryOverheadFactor: must not be negative, got -1', "spark.driver.memoryOverhead: 'lots' is not a memory size (use a whole number with an optional unit, e.g. 2048m or 2g)"]],
  ])('%j reports every problem', (conf, problems) => {
    expect(driverSizing(conf)).toEqual({ ok: false, problems });
  });
});
