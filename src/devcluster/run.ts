// `make run`: the whole dispatcher on one machine. Claims .devcluster/ (one instance per work
// directory; fixed ports free) before touching anything, then starts the Kubernetes API emulator
// (kubeconfig at .devcluster/kubeconfig) with the SparkDriver CRD and an emulated kubelet (the
// image apache/spark:3.5.1 is the stub Spark distribution), the Mesos master emulator with three
// agents (each serving its sandboxes' files), the stub Spark artifacts the examples download,
// and the dispatcher itself as a child process, with the kubernetes backend on; submits an
// example SparkDriver on each backend, whose stub spark-submit runs as a real process, and the
// example ScheduledSparkDriver (every minute here), and prints where to look. Ctrl-C stops everything. `make run ZK=1` (DEVCLUSTER_ZK=1)
// starts a real ZooKeeper instead of one master: three emulated masters contend for leadership
// there and the dispatcher finds the leader through it.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { buildArtifacts, EXAMPLES_JAR, serveArtifacts } from './artifacts.ts';
import { busyPorts, claimInstance } from './instance.ts';
import { startKubeApiServer } from './kube/server.ts';
import { startMesosMaster, type EmulatedMesosMaster } from './mesos/index.ts';
import { ZooKeeperEnsemble, zooKeeperInstalled } from './zookeeper.ts';
import { createKubeClient, type KubeObject } from '../kube/kube-client.ts';
import { sparkDriverCrd } from '../sparkdriver/crd.ts';
import { SPARK_DRIVER, SPARK_DRIVER_API_VERSION } from '../sparkdriver/sparkdriver.ts';
import { scheduledCrd } from '../scheduled/crd.ts';
import { SCHEDULED_SPARK_DRIVER } from '../scheduled/scheduled-spark-driver.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** DEVCLUSTER_DIR moves the work tree (tests use a temporary one). */
const WORK = path.resolve(process.env.DEVCLUSTER_DIR ?? path.join(ROOT, '.devcluster'));
const KUBECONFIG = path.join(WORK, 'kubeconfig');
const HOST = '127.0.0.1';
/** Fixed, because the examples and the kubectl plugin's default name them. */
const PORTS = { rest: 7077, ui: 8081, metrics: 8080, artifacts: 8090 } as const;
/** The image examples/sparkdriver-kubernetes.yaml names; the kubelet runs the stub distribution for it. */
const SPARK_IMAGE = 'apache/spark:3.5.1';

/** A path as a shell word. */
const quoted = (text: string): string => (/^[\w./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`);

function fail(message: string): never {
  process.stderr.write(`make run: ${message}\n`);
  process.exit(1);
}

interface MesosCluster {
  /** The dispatcher's --master. */
  master: string;
  /** What the banner says about it. */
  lines: string[];
  close(): Promise<void>;
}

/** One master, the default. */
async function singleMaster(): Promise<MesosCluster> {
  const mesos = await startMesosMaster({ agents: 3, workDir: path.join(WORK, 'mesos'), adminApi: true, agentHttp: true });
  return {
    master: `mesos://${new URL(mesos.url).host}`,
    lines: [`  Mesos master (emulated)    ${mesos.url}   3 agents; state at ${mesos.url}/state`],
    close: () => mesos.close(),
  };
}

/** ZooKeeper and three masters electing their leader in it, as a production cluster does. */
async function electedMasters(): Promise<MesosCluster> {
  if (!zooKeeperInstalled()) throw new Error("ZK=1 needs Debian's zookeeper package: run `bash scripts/system-deps.sh` (as root)");
  rmSync(path.join(WORK, 'zookeeper'), { recursive: true, force: true });
  const zk = await ZooKeeperEnsemble.start({ dir: path.join(WORK, 'zookeeper') });
  const masters: EmulatedMesosMaster[] = [];
  for (let i = 1; i <= 3; i += 1) {
    masters.push(await startMesosMaster({
      agents: 3, workDir: path.join(WORK, 'mesos', `master-${i}`), adminApi: true, agentHttp: true, zookeeper: { servers: zk.connectString, path: '/mesos' },
    }));
  }
  return {
    master: `mesos://zk://${zk.connectString}/mesos`,
    lines: [
      `  ZooKeeper                  ${zk.connectString}   masters register under /mesos`,
      ...masters.map((m, i) => `  Mesos master ${i + 1} (emulated) ${m.url}   3 agents; the first to register leads, the others redirect`),
      `  Fail the leader over:      curl -X POST ${masters[0]!.url}/__admin/crash`,
    ],
    close: async () => {
      await Promise.all(masters.map((m) => m.close()));
      await zk.close();
    },
  };
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const claim = claimInstance(path.join(WORK, 'run.pid'), KUBECONFIG);
  if (!claim.ok) {
    fail(`already running (pid ${claim.running.pid}, kubeconfig ${claim.running.kubeconfig}); `
      + `use it, or stop it (Ctrl-C where it runs, or kill ${claim.running.pid}) first`);
  }
  process.once('exit', () => claim.release());
  const busy = await busyPorts(HOST, { 'REST API': PORTS.rest, 'web UI': PORTS.ui, metrics: PORTS.metrics, artifacts: PORTS.artifacts });
  if (busy.length > 0) {
    const ports = busy.length === 1 ? `port ${busy[0]} is` : `ports ${busy.join(', ')} are`;
    fail(`already running, or something else is: ${ports} in use on ${HOST} (a make run from another directory?); `
      + `make run needs ports ${Object.values(PORTS).join(', ')}`);
  }

  rmSync(path.join(WORK, 'mesos'), { recursive: true, force: true });
  const { sparkHome, files } = buildArtifacts(path.join(WORK, 'artifacts'));
  const artifacts = await serveArtifacts(files, HOST, PORTS.artifacts);
  const kubeApi = await startKubeApiServer({
    kubelet: { workDir: path.join(WORK, 'kubelet'), images: { [SPARK_IMAGE]: { root: sparkHome, env: { SPARK_HOME: sparkHome } } } },
  });
  await kubeApi.writeKubeconfig(KUBECONFIG);
  const kube = createKubeClient({ kubeConfig: { from: 'file', path: KUBECONFIG } });
  for (const crd of [sparkDriverCrd(), scheduledCrd()]) {
    await kube.create({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' }, undefined, crd);
  }
  const mesos = process.env.DEVCLUSTER_ZK === '1' ? await electedMasters() : await singleMaster();

  const dispatcher = spawn(process.execPath, [
    '--disable-warning=ExperimentalWarning', path.join(ROOT, 'src', 'main.ts'),
    '--master', mesos.master, '--kubeconfig', KUBECONFIG, '--host', HOST, '--bind-address', HOST,
    '--port', String(PORTS.rest), '--webui-port', String(PORTS.ui), '--metrics-port', String(PORTS.metrics),
    '--conf', `spark.home=${sparkHome}`, '--conf', 'spark.mesos.dispatcher.kubernetes.enabled=true',
    '--conf', `spark.mesos.dispatcher.kubernetes.master=${kubeApi.url}`, '--name', 'Spark Cluster (devcluster)', '--no-leader-election', '--log-level', 'info', '--log-format', 'pretty',
  ], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, KUBECONFIG } });

  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the dispatcher, the emulators and every task they started...\n');
    if (dispatcher.exitCode === null) {
      dispatcher.kill('SIGTERM');
      await new Promise((resolve) => dispatcher.once('exit', resolve));
    }
    await mesos.close();
    await kubeApi.close();
    await new Promise((resolve) => artifacts.close(resolve));
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  dispatcher.once('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`the dispatcher exited (${code}); stopping\n`);
      void stop(1);
    }
  });

  // The same driver on each backend: only `backend` (and the image a pod runs) differ.
  const sparkPi = {
    appResource: `http://${HOST}:${PORTS.artifacts}/${EXAMPLES_JAR}`, mainClass: 'org.apache.spark.examples.SparkPi', arguments: ['100'],
    sparkProperties: { 'spark.app.name': 'SparkPi', 'spark.driver.memory': '512m', 'spark.driver.cores': '1' },
  };
  for (const [name, spec] of [
    ['spark-pi', sparkPi],
    ['spark-pi-on-pods', { ...sparkPi, backend: 'kubernetes', sparkProperties: { ...sparkPi.sparkProperties, 'spark.kubernetes.container.image': SPARK_IMAGE } }],
  ] as const) {
    await kube.create(SPARK_DRIVER, 'default', { apiVersion: SPARK_DRIVER_API_VERSION, kind: SPARK_DRIVER.kind, metadata: { name, namespace: 'default' }, spec } as KubeObject);
  }

  // The example schedule, every minute instead of nightly.
  const scheduled = parse(readFileSync(path.join(ROOT, 'examples/scheduledsparkdriver.yaml'), 'utf8')) as KubeObject & { spec: { schedule: string } };
  scheduled.spec.schedule = '* * * * *';
  await kube.create(SCHEDULED_SPARK_DRIVER, 'default', scheduled);

  const ui = `http://${HOST}:${PORTS.ui}/`;
  process.stdout.write([
    '',
    'spark-mesos-dispatcher is running on the embedded default:',
    `  Kubernetes API (emulated)  ${kubeApi.url}   kubeconfig: ${KUBECONFIG}`,
    ...mesos.lines,
    `  Stub Spark artifacts       http://${HOST}:${PORTS.artifacts}/   what examples/ downloads: ${[...files.keys()].join(' ')}`,
    `  Web UI                     ${ui}`,
    `  REST API (spark-submit)    mesos://${HOST}:${PORTS.rest}   (http://${HOST}:${PORTS.rest}/v1/submissions/...)`,
    `  Metrics and health         http://${HOST}:${PORTS.metrics}/metrics   /healthz   /readyz`,
    '',
    'Two example drivers were submitted: spark-pi on Mesos, and the same on Kubernetes (a pod), spark-pi-on-pods. In another terminal, try:',
    `  cd ${quoted(ROOT)}`,
    `  export KUBECONFIG=${quoted(KUBECONFIG)} PATH=${quoted(path.join(ROOT, '.tools'))}:"$PATH"`,
    '  kubectl get sparkdrivers',
    '  kubectl get ssd',
    '  kubectl wait --for=condition=Succeeded sd/spark-pi --timeout=60s',
    '  kubectl sparkdriver logs spark-pi',
    '  kubectl wait --for=condition=Succeeded sd/spark-pi-on-pods --timeout=60s',
    '  kubectl logs spark-pi-on-pods-driver',
    '  kubectl apply -f examples/sparkdriver.yaml -f examples/sparkdriver-python.yaml -f examples/sparkdriver-kubernetes.yaml',
    '  kubectl sparkdriver logs -f spark-pi-supervised',
    '  kubectl wait --for=condition=Succeeded sd/spark-pi-supervised sd/pi-python --timeout=60s',
    '  sh examples/submit-with-curl.sh',
    `and open the web UI, ${ui}, to see them, their logs, and a kill button. The example schedule,`,
    'nightly-pi (examples/scheduledsparkdriver.yaml), runs every minute here (kubectl get ssd).',
    '',
    'Press Ctrl-C to stop everything.',
    '',
  ].join('\n'));
}

main().catch((error: unknown) => {
  fail(`failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
});
