// A driver's task: the core's plan, and the TaskInfo the translation makes of it at launch.
import { taskInfoOf } from '../../src/mesos/translation.ts';
import type { ContainerInfo, TaskInfo } from '../../src/mesos/types.ts';
import { parseLabels } from '../../src/scheduler/labels.ts';
import { planDriverTask, type TaskPlan } from '../../src/scheduler/task-plan.ts';
import type { DriverSpec } from '../../src/scheduler/driver.ts';
import { makeConfig, makeOffer, makeSpec, scalar } from './fixtures.ts';
import type { DispatcherConfig } from '../../src/scheduler/config.ts';

function planOf(spec: DriverSpec, config: DispatcherConfig = makeConfig()): TaskPlan {
  const result = planDriverTask(spec, config);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.plan;
}

function taskOf(spec: DriverSpec, config: DispatcherConfig = makeConfig(), taskId = spec.submissionId): TaskInfo {
  const offer = makeOffer('o1', 0, 0, { agent: 'agent-7', resources: [scalar('cpus', 1, '*')] });
  const claim = { name: 'cpus', index: 0, role: '*', amountMilli: 1000 } as const;
  return taskInfoOf({ taskId, agentId: 'agent-7', frameworkId: 'fw-1', resources: [claim], plan: planOf(spec, config) }, offer);
}

const problemsOf = (spec: DriverSpec, config: DispatcherConfig = makeConfig()): string[] => {
  const result = planDriverTask(spec, config);
  return result.ok ? [] : result.problems;
};

const withProps = (props: Record<string, string>, extra: Partial<DriverSpec> = {}): DriverSpec => makeSpec('driver-1', { props, ...extra });

describe('labels (spark.mesos.driver.labels / spark.mesos.network.labels syntax)', () => {
  test.each([
    ['', []],
    ['key:value', [{ key: 'key', value: 'value' }]],
    ['key:value\\:value', [{ key: 'key', value: 'value:value' }]],
    ['key:value,key2:value2', [{ key: 'key', value: 'value' }, { key: 'key2', value: 'value2' }]],
    ['key:value\\,value', [{ key: 'key', value: 'value,value' }]],
  ])('%j', (text, labels) => {
    expect(parseLabels('k', text)).toEqual({ ok: true, labels });
  });

  test.each(['key', 'key:', 'a:b:c', 'a:b,c'])('%j is malformed', (text) => {
    const result = parseLabels('spark.mesos.driver.labels', text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^spark\.mesos\.driver\.labels: Malformed label: /);
  });
});

describe('TaskInfo', () => {
  test('a plain driver: name, ids, shell command, resources, identity labels, MESOS container', () => {
    const spec = makeSpec('driver-1', { resource: { namespace: 'etl', name: 'nightly', uid: 'u-1' }, props: { 'spark.mesos.driver.labels': 'team:data' } });
    const task = taskOf(spec);
    expect(task.name).toBe('Driver for driver-1');
    expect(task.task_id).toEqual({ value: 'driver-1' });
    expect(task.agent_id).toEqual({ value: 'agent-7' });
    expect(task.resources).toEqual([scalar('cpus', 1, '*')]);
    expect(task.command?.shell).toBe(true);
    expect(task.command?.value).toMatch(/^\/opt\/spark\/\.\/bin\/spark-submit --name driver-1 /);
    expect(task.labels?.labels).toEqual([
      { key: 'team', value: 'data' },
      { key: 'spark-mesos-dispatcher/submission-id', value: 'driver-1' },
      { key: 'spark-mesos-dispatcher/namespace', value: 'etl' },
      { key: 'spark-mesos-dispatcher/name', value: 'nightly' },
      { key: 'spark-mesos-dispatcher/uid', value: 'u-1' },
    ]);
    expect(task.container).toEqual({ type: 'MESOS' });
    expect(task.executor).toBeUndefined();
  });

  test('environment: driverEnv, submitted env (MESOS_* dropped), SPARK_SUBMIT_OPTS with the attempt\'s framework id, secrets last', () => {
    const spec = withProps({
      'spark.mesos.driverEnv.TEST_ENV': 'TEST_VAL', 'spark.mesos.driverEnv.SHARED': 'from-conf',
      'spark.mesos.driver.secret.names': '/path/to/secret', 'spark.mesos.driver.secret.envkeys': 'SECRET_ENV_KEY',
    }, { environment: { SPARK_SUBMIT_OPTS: '-Dx=1', SHARED: 'from-submit', MESOS_NATIVE_JAVA_LIBRARY: '/laptop/libmesos.so', SPARK_USER: 'etl' } });
    expect(taskOf(spec, makeConfig(), 'driver-1-retry-2').command?.environment?.variables).toEqual([
      { name: 'SHARED', value: 'from-submit' },
      { name: 'TEST_ENV', value: 'TEST_VAL' },
      { name: 'SPARK_SUBMIT_OPTS', value: '-Dx=1 -Dspark.mesos.driver.frameworkId=fw-1-driver-1-retry-2' },
      { name: 'SPARK_USER', value: 'etl' },
      { name: 'SECRET_ENV_KEY', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/path/to/secret' } } },
    ]);
  });

  test('SPARK_SUBMIT_OPTS is always set; starts with a space when there was none (as in Spark)', () => {
    expect(taskOf(withProps({})).command?.environment?.variables).toEqual([
      { name: 'SPARK_SUBMIT_OPTS', value: ' -Dspark.mesos.driver.frameworkId=fw-1-driver-1' },
    ]);
  });

  test.each<[string, Record<string, string>, Partial<DriverSpec>, Record<string, string>, { value: string; cache: boolean }[]]>([
    ['app jar first, then dispatcher, driver and python URIs, executor URI last',
      { 'spark.mesos.uris': 'http://d/1.zip, http://d/2.zip', 'spark.submit.pyFiles': 'http://p/x.py', 'spark.executor.uri': 'http://s/spark.tgz' },
      { appResource: 'file:///jobs/app.jar' }, { 'spark.mesos.uris': 'http://disp/common.jar' },
      ['///jobs/app.jar', 'http://disp/common.jar', 'http://d/1.zip', 'http://d/2.zip', 'http://p/x.py', 'http://s/spark.tgz'].map((value) => ({ value, cache: false }))],
    ['fetcher cache enabled by the driver', { 'spark.mesos.fetcherCache.enable': 'true' }, {}, {}, [{ value: 'http://repo/app.jar', cache: true }]],
    ['fetcher cache enabled by the dispatcher', { 'spark.mesos.fetcherCache.enable': 'false' }, {}, { 'spark.mesos.fetcherCache.enable': 'true' }, [{ value: 'http://repo/app.jar', cache: true }]],
    ['fetcher cache off on both sides', { 'spark.mesos.fetcherCache.enable': 'false' }, {}, {}, [{ value: 'http://repo/app.jar', cache: false }]],
    ['local: prefix stripped', {}, { appResource: 'local:/opt/app.jar' }, {}, [{ value: '/opt/app.jar', cache: false }]],
    ['container-local jar is not fetched', { 'spark.mesos.appJar.local.resolution.mode': 'container', 'spark.mesos.executor.docker.image': 'spark' },
      { appResource: 'local:///opt/app.jar' }, {}, []],
  ])('URIs: %s', (_name, props, extra, configProps, uris) => {
    expect(taskOf(withProps(props, extra), makeConfig(configProps)).command?.uris).toEqual(uris);
  });

  test.each<[string, Record<string, string>, ContainerInfo]>([
    ['Docker image with the default containerizer', {
      'spark.mesos.executor.docker.image': 'spark:3.5', 'spark.mesos.executor.docker.forcePullImage': 'true',
      'spark.mesos.executor.docker.portmaps': '8080:80,53:53:udp', 'spark.mesos.executor.docker.parameters': 'a=1,b=x=y',
      'spark.mesos.executor.docker.volumes': '/data,/logs:ro,/h:/c,/h2:/c2:rw,/h3:/c3:ro',
    }, {
      type: 'DOCKER',
      docker: {
        image: 'spark:3.5', force_pull_image: true,
        port_mappings: [{ host_port: 8080, container_port: 80, protocol: 'tcp' }, { host_port: 53, container_port: 53, protocol: 'udp' }],
        parameters: [{ key: 'a', value: '1' }, { key: 'b', value: 'x=y' }],
      },
      volumes: [
        { container_path: '/data', mode: 'RW' }, { container_path: '/logs', mode: 'RO' }, { container_path: '/c', host_path: '/h', mode: 'RW' },
        { container_path: '/c2', host_path: '/h2', mode: 'RW' }, { container_path: '/c3', host_path: '/h3', mode: 'RO' },
      ],
    }],
    ['image with the Mesos containerizer', { 'spark.mesos.executor.docker.image': 'spark:3.5', 'spark.mesos.containerizer': 'mesos' },
      { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'spark:3.5' }, cached: true } } }],
    ['network name and labels, with a Docker image', {
      'spark.mesos.executor.docker.image': 'spark', 'spark.mesos.network.name': 'test-network-name', 'spark.mesos.network.labels': 'key1:val1,key2:val2',
    }, {
      type: 'DOCKER',
      docker: { image: 'spark', force_pull_image: false, network: 'USER', parameters: [{ key: 'net', value: 'test-network-name' }] },
      network_infos: [{ name: 'test-network-name', labels: { labels: [{ key: 'key1', value: 'val1' }, { key: 'key2', value: 'val2' }] } }],
    }],
    ['file secrets (reference) become read-only volumes', {
      'spark.mesos.driver.secret.names': '/path/to/secret,/anothersecret', 'spark.mesos.driver.secret.filenames': '/topsecret,/mypassword',
    }, {
      type: 'MESOS',
      volumes: [
        { container_path: '/topsecret', mode: 'RO', source: { type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/path/to/secret' } } } },
        { container_path: '/mypassword', mode: 'RO', source: { type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/anothersecret' } } } },
      ],
    }],
  ])('container: %s', (_name, props, container) => {
    expect(taskOf(withProps(props)).container).toEqual(container);
  });

  test('value secrets for env and files carry the bytes', () => {
    const task = taskOf(withProps({
      'spark.mesos.driver.secret.values': 'user,password', 'spark.mesos.driver.secret.envkeys': 'USER,PASSWORD',
      'spark.mesos.driver.secret.filenames': '/whoami,/mypassword',
    }));
    const bytes = (s: string) => ({ type: 'VALUE', value: { data: new TextEncoder().encode(s) } });
    expect(task.command?.environment?.variables?.filter((v) => v.type === 'SECRET')).toEqual([
      { name: 'USER', type: 'SECRET', secret: bytes('user') }, { name: 'PASSWORD', type: 'SECRET', secret: bytes('password') },
    ]);
    expect(task.container?.volumes).toEqual([
      { container_path: '/whoami', mode: 'RO', source: { type: 'SECRET', secret: bytes('user') } },
      { container_path: '/mypassword', mode: 'RO', source: { type: 'SECRET', secret: bytes('password') } },
    ]);
  });

  test('driver defaults apply to the whole task, not only the command line (Spark\'s quirk fixed)', () => {
    const config = makeConfig({ 'spark.mesos.dispatcher.driverDefault.spark.mesos.executor.docker.image': 'spark:default' });
    expect(taskOf(withProps({}), config).container).toEqual({ type: 'DOCKER', docker: { image: 'spark:default', force_pull_image: false } });
    expect(taskOf(withProps({ 'spark.mesos.executor.docker.image': 'spark:mine' }), config).container?.docker?.image).toBe('spark:mine');
  });
});

describe('a driver whose task cannot be built: every problem, each naming its key', () => {
  test.each<[string, Record<string, string>, string[]]>([
    ['malformed labels', { 'spark.mesos.driver.labels': 'a:b,broken' }, ['spark.mesos.driver.labels: Malformed label: broken']],
    ['a reserved label key', { 'spark.mesos.driver.labels': 'spark-mesos-dispatcher/uid:x' }, ["spark.mesos.driver.labels: label key 'spark-mesos-dispatcher/uid' is reserved for the dispatcher"]],
    ['malformed constraints', { 'spark.mesos.driver.constraints': 'os' }, ["spark.mesos.driver.constraints: bad constraint string 'os': entry 'os' must have exactly one ':' (attribute:value1,value2)"]],
    ['both secret kinds', { 'spark.mesos.driver.secret.names': 'a', 'spark.mesos.driver.secret.values': 'b' },
      ['spark.mesos.driver.secret.names and spark.mesos.driver.secret.values: Cannot specify both value-type and reference-type secrets.']],
    ['secret counts, without revealing values', { 'spark.mesos.driver.secret.values': 'hunter2', 'spark.mesos.driver.secret.envkeys': 'A,B', 'spark.mesos.driver.secret.filenames': '/a,/b,/c' }, [
      'spark.mesos.driver.secret.envkeys: 2 environment keys for 1 secrets; give exactly one per secret, in the same order',
      'spark.mesos.driver.secret.filenames: 3 file paths for 1 secrets; give exactly one per secret, in the same order',
    ]],
    ['containerizer', { 'spark.mesos.containerizer': 'rkt' }, ["spark.mesos.containerizer: 'rkt' is not docker or mesos"]],
    ['docker entries that Spark skipped silently', {
      'spark.mesos.executor.docker.image': 'i', 'spark.mesos.executor.docker.portmaps': '80', 'spark.mesos.executor.docker.parameters': 'a,b',
      'spark.mesos.executor.docker.volumes': 'a:b:c:d', 'spark.mesos.executor.docker.forcePullImage': 'yes',
    }, [
      "spark.mesos.executor.docker.forcePullImage: 'yes' is not true or false",
      "spark.mesos.executor.docker.portmaps: cannot parse entry '80'",
      "spark.mesos.executor.docker.parameters: cannot parse entry 'a'",
      "spark.mesos.executor.docker.parameters: cannot parse entry 'b'",
      "spark.mesos.executor.docker.volumes: cannot parse entry 'a:b:c:d'",
    ]],
    ['network labels', { 'spark.mesos.network.name': 'n', 'spark.mesos.network.labels': 'nocolon' }, ['spark.mesos.network.labels: Malformed label: nocolon']],
    ['fetcher cache flag', { 'spark.mesos.fetcherCache.enable': 'sometimes' }, ["spark.mesos.fetcherCache.enable: 'sometimes' is not true or false"]],
    ['several at once', { 'spark.driver.cores': 'x', 'spark.mesos.driver.labels': 'y' }, [
      "spark.driver.cores: 'x' is not a number", 'spark.mesos.driver.labels: Malformed label: y',
    ]],
  ])('%s', (_name, props, problems) => {
    expect(problemsOf(withProps(props))).toEqual(problems);
  });

  test.each([
    ['', "submission ID '' is not usable as a Mesos task ID"],
    ['a b', "submission ID 'a b' contains whitespace, a slash or a control character"],
    ['a/b', "submission ID 'a/b' contains whitespace, a slash or a control character"],
    ['driver-1-retry-2', "submission ID 'driver-1-retry-2' ends like a retry task ID (-retry-<n>)"],
  ])('submission ID %j', (id, problem) => {
    expect(problemsOf(makeSpec(id))).toEqual([problem]);
  });
});
