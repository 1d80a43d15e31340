import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { planDriverTask } from '../../src/scheduler/task-plan.ts';
import { makeConfig, makeSpec } from './fixtures.ts';
import type { DriverSpec } from '../../src/scheduler/driver.ts';
import type { DispatcherConfig } from '../../src/scheduler/config.ts';

function commandOf(spec: DriverSpec, config: DispatcherConfig): string {
  const result = planDriverTask(spec, config);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.plan.command;
}

const base = (id: string, props: Record<string, string>, extra: Partial<DriverSpec> = {}): DriverSpec => ({
  ...makeSpec(id), sparkProperties: props, ...extra,
});

describe('golden command lines (whole strings)', () => {
  test('JVM app from the Spark home on the agents', () => {
    const spec = base('d1', { 'spark.app.name': 'SparkPi', 'spark.driver.memory': '2g', 'spark.driver.cores': '2' },
      { appResource: 'http://repo/spark-examples.jar', mainClass: 'org.apache.spark.examples.SparkPi', appArgs: ['100'] });
    expect(commandOf(spec, makeConfig({ 'spark.home': '/opt/spark/' }))).toBe(
      '/opt/spark/./bin/spark-submit --name SparkPi --master mesos://mesos-master:5050 --driver-cores 2.0 --driver-memory 2048M ' +
      '--class org.apache.spark.examples.SparkPi --conf spark.app.name=SparkPi --conf spark.driver.cores=2 ' +
      '--conf spark.driver.memory=2g ./spark-examples.jar 100');
  });

  test('Python app: no --class, --py-files from the sandbox, no trailing space without args', () => {
    const spec = base('d2', { 'spark.app.name': 'etl', 'spark.submit.pyFiles': 'http://repo/deps.py,http://repo/lib.zip?v=2' },
      { appResource: 'http://repo/etl.py', mainClass: '' });
    expect(commandOf(spec, makeConfig())).toBe(
      '/opt/spark/./bin/spark-submit --name etl --master mesos://mesos-master:5050 --driver-cores 1.0 --driver-memory 1024M ' +
      '--py-files ./deps.py,./lib.zip --conf spark.app.name=etl --conf "spark.submit.pyFiles=http://repo/deps.py,http://repo/lib.zip?v=2" ./etl.py');
  });

  test('Docker image: spark-submit of the image, files under $MESOS_SANDBOX (also for --py-files)', () => {
    const spec = base('d3', {
      'spark.app.name': 'in docker', 'spark.mesos.executor.docker.image': 'registry/spark:3.5.1',
      'spark.submit.pyFiles': 'http://repo/deps.py', 'spark.executor.memory': '4g', 'spark.cores.max': '8',
    }, { appResource: 'http://repo/job.py', mainClass: '', appArgs: ['--day', '2024-01-31'] });
    expect(commandOf(spec, makeConfig())).toBe(
      './bin/spark-submit --name "in docker" --master mesos://mesos-master:5050 --driver-cores 1.0 --driver-memory 1024M ' +
      '--executor-memory 4g --total-executor-cores 8 --py-files $MESOS_SANDBOX/deps.py ' +
      '--conf "spark.app.name=in docker" --conf spark.cores.max=8 --conf spark.executor.memory=4g ' +
      '--conf spark.mesos.executor.docker.image=registry/spark:3.5.1 --conf spark.submit.pyFiles=http://repo/deps.py ' +
      '$MESOS_SANDBOX/job.py --day 2024-01-31');
  });

  test('executor URI: Spark\'s test-verified line (master not doubled: intentional divergence)', () => {
    const spec = base('d4', { 'spark.app.name': 'app name', 'spark.executor.uri': 's3a://bucket/spark-version.tgz', 'another.conf': '\\value', 'spark.driver.memory': '1000M' },
      { appResource: 'jar', mainClass: 'Main', appArgs: ['--a=$2', '--b', 'x y z'] });
    expect(commandOf(spec, makeConfig({ 'spark.master': 'mesos://localhost:5050' }))).toBe(
      'cd spark-version*;  bin/spark-submit --name "app name" --master mesos://localhost:5050 --driver-cores 1.0 --driver-memory 1000M ' +
      '--class Main --conf "another.conf=\\\\value" --conf "spark.app.name=app name" --conf spark.driver.memory=1000M ' +
      '--conf spark.executor.uri=s3a://bucket/spark-version.tgz ../jar "--a=\\$2" --b "x y z"');
  });

  test('executor URI from the submitted SPARK_EXECUTOR_URI, with the LD_LIBRARY_PATH prefix', () => {
    const spec = base('d5', { 'spark.app.name': 'lib', 'spark.driver.extraLibraryPath': '/opt/native:/opt/my lib' },
      { appResource: 'file:///jobs/app.jar', environment: { SPARK_EXECUTOR_URI: 'http://repo/spark-3.5.1-bin-hadoop3.tgz' } });
    expect(commandOf(spec, makeConfig({ 'spark.executor.extraLibraryPath': '/usr/lib/hadoop' }))).toBe(
      'cd spark-3*; LD_LIBRARY_PATH="/usr/lib/hadoop:/opt/native:/opt/my lib:$LD_LIBRARY_PATH" bin/spark-submit --name lib ' +
      '--master mesos://mesos-master:5050 --driver-cores 1.0 --driver-memory 1024M --class org.example.Main ' +
      '--conf spark.app.name=lib --conf "spark.driver.extraLibraryPath=/opt/native:/opt/my lib" ../app.jar');
  });

  test('dispatcher driver defaults: added as --conf, the driver\'s own value wins', () => {
    const config = makeConfig({
      'spark.mesos.dispatcher.driverDefault.spark.executor.memory': '8g',
      'spark.mesos.dispatcher.driverDefault.spark.eventLog.enabled': 'true',
    });
    const spec = base('d6', { 'spark.app.name': 'defaults', 'spark.executor.memory': '2g' });
    expect(commandOf(spec, config)).toBe(
      '/opt/spark/./bin/spark-submit --name defaults --master mesos://mesos-master:5050 --driver-cores 1.0 --driver-memory 1024M ' +
      '--class org.example.Main --executor-memory 2g --conf spark.app.name=defaults --conf spark.eventLog.enabled=true ' +
      '--conf spark.executor.memory=2g ./app.jar');
  });

  test('confs that must not be forwarded: spark.jars, deploy mode, master, secret values', () => {
    const spec = base('d7', {
      'spark.app.name': 'filtered', 'spark.jars': 'http://repo/app.jar', 'spark.submit.deployMode': 'cluster',
      'spark.master': 'mesos://dispatcher:7077', 'spark.mesos.driver.secret.values': 'hunter2',
      'spark.mesos.driver.secret.envkeys': 'PASSWORD', 'spark.driver.supervise': 'true',
    });
    expect(commandOf(spec, makeConfig())).toBe(
      '/opt/spark/./bin/spark-submit --name filtered --master mesos://mesos-master:5050 --driver-cores 1.0 --driver-memory 1024M ' +
      '--class org.example.Main --conf spark.app.name=filtered --conf spark.driver.supervise=true ' +
      '--conf spark.mesos.driver.secret.envkeys=PASSWORD ./app.jar');
  });

  test('container-local app jar (local:// with resolution mode container) is used in place', () => {
    const spec = base('d8', {
      'spark.app.name': 'local', 'spark.mesos.executor.docker.image': 'spark:3', 'spark.mesos.appJar.local.resolution.mode': 'container',
    }, { appResource: 'local:///opt/jobs//app.jar' });
    expect(commandOf(spec, makeConfig())).toBe(
      './bin/spark-submit --name local --master mesos://mesos-master:5050 --driver-cores 1.0 --driver-memory 1024M ' +
      '--class org.example.Main --conf spark.app.name=local --conf spark.mesos.appJar.local.resolution.mode=container ' +
      '--conf spark.mesos.executor.docker.image=spark:3 /opt/jobs/app.jar');
  });
});

describe('command line problems', () => {
  test.each<[string, Partial<DriverSpec>, Record<string, string>, Record<string, string>, string]>([
    ['no Spark anywhere', {}, { 'spark.app.name': 'x' }, { 'spark.home': '' },
      'no Spark to run: set spark.mesos.executor.docker.image (an image with Spark), spark.executor.uri (a Spark tarball) or spark.mesos.executor.home (Spark\'s path on the agents); the dispatcher has no spark.home or SPARK_HOME either'],
    ['an empty image', {}, { 'spark.app.name': 'x', 'spark.mesos.executor.docker.image': ' ' }, {},
      'spark.mesos.executor.docker.image: set but empty (name the image that contains Spark)'],
    ['no app name', {}, {}, {}, 'spark.app.name: not set (it names the driver task and is passed as --name)'],
    ['no app resource', { appResource: '' }, { 'spark.app.name': 'x' }, {}, 'appResource: empty (the application jar or Python file to run)'],
    ['a bad resolution mode', {}, { 'spark.app.name': 'x', 'spark.mesos.appJar.local.resolution.mode': 'guess' }, {},
      "spark.mesos.appJar.local.resolution.mode: 'guess' is not host or container"],
  ])('%s', (_name, extra, props, configProps, problem) => {
    const result = planDriverTask(base('bad', props, extra), makeConfig(configProps));
    expect(result).toEqual({ ok: false, problems: [problem] });
  });

  test('the executor home from the driver conf is enough without a dispatcher Spark home', () => {
    const spec = base('home', { 'spark.app.name': 'x', 'spark.mesos.executor.home': '/srv/spark' });
    expect(commandOf(spec, makeConfig({ 'spark.home': '' })).startsWith('/srv/spark/./bin/spark-submit --name x ')).toBe(true);
  });
});

describe('the command line run by a real /bin/sh', () => {
  // A fake Spark home whose spark-submit prints its arguments, NUL-separated.
  const sparkHome = mkdtempSync(join(tmpdir(), 'fake-spark-'));
  mkdirSync(join(sparkHome, 'bin'));
  writeFileSync(join(sparkHome, 'bin', 'spark-submit'), '#!/bin/sh\nfor a in "$@"; do printf \'%s\\0\' "$a"; done\n');
  chmodSync(join(sparkHome, 'bin', 'spark-submit'), 0o755);

  test('property: app args, app name and conf values reach spark-submit intact, whatever they contain', () => {
    const text = fc.string({ unit: fc.constantFrom(...'ab $`"\'\\;|&()<>*?~[]{}!#\n\t=,:'), maxLength: 12 });
    const key = fc.stringMatching(/^spark\.test\.[a-z]{1,6}$/);
    fc.assert(fc.property(text, fc.array(text, { maxLength: 4 }), fc.dictionary(key, text, { maxKeys: 3 }), (name, args, confs) => {
      fc.pre(!/^(".+"|'.+')$/s.test(name) && args.every((a) => !/^(".+"|'.+')$/s.test(a)));
      const props = { ...confs, 'spark.app.name': name };
      const spec = base('prop', props, { appArgs: args });
      const command = commandOf(spec, makeConfig({ 'spark.home': sparkHome }));
      const received = execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8' }).split('\0').slice(0, -1);
      const confArgs = Object.keys(props).sort().flatMap((k) => ['--conf', `${k}=${props[k as keyof typeof props]}`]);
      expect(received).toEqual([
        '--name', name, '--master', 'mesos://mesos-master:5050', '--driver-cores', '1.0', '--driver-memory', '1024M',
        '--class', 'org.example.Main', ...confArgs, './app.jar', ...args,
      ]);
    }), { numRuns: 30 });
  });
});
