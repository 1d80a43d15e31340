// `make run`: the whole dispatcher on one machine. Starts the Kubernetes API emulator (kubeconfig
// at .devcluster/kubeconfig) with the SparkDriver CRD, the Mesos master emulator with three
// agents, and the dispatcher itself as a child process; then submits an example SparkDriver whose
// stub spark-submit runs as a real process, and prints where to look. Ctrl-C stops everything.
// `make run ZK=1` (DEVCLUSTER_ZK=1) starts a real ZooKeeper instead of one master: three
// emulated masters contend for leadership there and the dispatcher finds the leader through it.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKubeApiServer } from './kube/server.ts';
import { startMesosMaster, type EmulatedMesosMaster } from './mesos/index.ts';
import { ZooKeeperEnsemble, zooKeeperInstalled } from './zookeeper.ts';
import { createKubeClient } from '../kube/kube-client.ts';
import { sparkDriverCrd } from '../kube/crd.ts';
import { SPARK_DRIVER, SPARK_DRIVER_API_VERSION } from '../kube/sparkdriver.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** DEVCLUSTER_DIR moves the work tree (tests use a temporary one). */
const WORK = path.resolve(process.env.DEVCLUSTER_DIR ?? path.join(ROOT, '.devcluster'));
const KUBECONFIG = path.join(WORK, 'kubeconfig');
const PORTS = { rest: 7077, ui: 8081, metrics: 8080 };

const STUB_SPARK_SUBMIT = `#!/bin/sh
# A stand-in for Spark's spark-submit: prints what it was asked to run, works a little, succeeds.
echo "spark-submit $*"
sleep "\${STUB_SECONDS:-3}"
echo "Pi is roughly 3.14159"
`;

function prepareSparkHome(): { sparkHome: string; appJar: string } {
  const sparkHome = path.join(WORK, 'spark');
  mkdirSync(path.join(sparkHome, 'bin'), { recursive: true });
  writeFileSync(path.join(sparkHome, 'bin', 'spark-submit'), STUB_SPARK_SUBMIT);
  chmodSync(path.join(sparkHome, 'bin', 'spark-submit'), 0o755);
  const appJar = path.join(WORK, 'spark-examples.jar');
  writeFileSync(appJar, 'a stand-in for the Spark examples jar\n');
  return { sparkHome, appJar };
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
  const mesos = await startMesosMaster({ agents: 3, workDir: path.join(WORK, 'mesos'), adminApi: true });
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
      agents: 3, workDir: path.join(WORK, 'mesos', `master-${i}`), adminApi: true, zookeeper: { servers: zk.connectString, path: '/mesos' },
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
  rmSync(path.join(WORK, 'mesos'), { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const { sparkHome, appJar } = prepareSparkHome();

  const kubeApi = await startKubeApiServer({});
  await kubeApi.writeKubeconfig(KUBECONFIG);
  const kube = createKubeClient({ kubeConfig: { from: 'file', path: KUBECONFIG } });
  await kube.create({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' }, undefined, sparkDriverCrd());
  const mesos = process.env.DEVCLUSTER_ZK === '1' ? await electedMasters() : await singleMaster();

  const dispatcher = spawn(process.execPath, [
    '--disable-warning=ExperimentalWarning', path.join(ROOT, 'src', 'main.ts'),
    '--master', mesos.master, '--kubeconfig', KUBECONFIG, '--host', '127.0.0.1', '--bind-address', '127.0.0.1',
    '--port', String(PORTS.rest), '--webui-port', String(PORTS.ui), '--metrics-port', String(PORTS.metrics),
    '--conf', `spark.home=${sparkHome}`, '--name', 'Spark Cluster (devcluster)', '--no-leader-election', '--log-level', 'info', '--log-format', 'pretty',
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

  await kube.create(SPARK_DRIVER, 'default', {
    apiVersion: SPARK_DRIVER_API_VERSION, kind: SPARK_DRIVER.kind, metadata: { name: 'spark-pi', namespace: 'default' },
    spec: {
      appResource: `file://${appJar}`, mainClass: 'org.apache.spark.examples.SparkPi', arguments: ['100'],
      sparkProperties: { 'spark.app.name': 'SparkPi', 'spark.driver.memory': '512m', 'spark.driver.cores': '1' },
    },
  });

  const kubectl = `KUBECONFIG=${path.relative(process.cwd(), KUBECONFIG)} .tools/kubectl`;
  process.stdout.write([
    '',
    'spark-mesos-dispatcher is running on the embedded default:',
    `  Kubernetes API (emulated)  ${kubeApi.url}   kubeconfig: ${KUBECONFIG}`,
    ...mesos.lines,
    `  Web UI                     http://127.0.0.1:${PORTS.ui}/`,
    `  REST API (spark-submit)    mesos://127.0.0.1:${PORTS.rest}   (http://127.0.0.1:${PORTS.rest}/v1/submissions/...)`,
    `  Metrics and health         http://127.0.0.1:${PORTS.metrics}/metrics   /healthz   /readyz`,
    '',
    'An example driver, spark-pi, was submitted. Try:',
    `  ${kubectl} get sparkdrivers -w`,
    `  ${kubectl} wait --for=condition=Succeeded sd/spark-pi --timeout=60s`,
    `  ${kubectl} apply -f examples/sparkdriver.yaml`,
    `  curl -s http://127.0.0.1:${PORTS.rest}/v1/submissions/status/<submission ID>`,
    '',
    'Press Ctrl-C to stop everything.',
    '',
  ].join('\n'));
}

main().catch((error: unknown) => {
  process.stderr.write(`make run failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
