// One scenario's system: a fresh cluster, the operator subscribed to it, and the benchmark's
// client; everything is stopped afterwards, whatever happened.
import { startBenchCluster, type BenchCluster, type ClusterOptions } from './cluster.ts';
import { KubeLoad } from './kube-load.ts';
import { mesosMetrics, until } from './observe.ts';
import { startOperator, type OperatorOptions, type OperatorProcess } from './operator.ts';

export interface System {
  cluster: BenchCluster;
  operator: OperatorProcess;
  load: KubeLoad;
}

export type SystemOptions = ClusterOptions & Pick<OperatorOptions, 'conf' | 'nodeArgs'>;

export async function withSystem<T>(options: SystemOptions, run: (system: System) => Promise<T>): Promise<T> {
  const cluster = await startBenchCluster(options);
  let operator: OperatorProcess | undefined;
  const load = new KubeLoad(cluster.kube.url);
  try {
    operator = await startOperator({
      masterUrl: cluster.mesos.url, kubeconfigPath: cluster.kubeconfigPath,
      ...(options.conf !== undefined && { conf: options.conf }), ...(options.nodeArgs !== undefined && { nodeArgs: options.nodeArgs }),
    });
    await until(async () => ((await mesosMetrics(cluster.mesos.url))['master/frameworks_connected'] ?? 0) > 0 || undefined,
      'the operator to subscribe to the Mesos master', 30_000, 200);
    return await run({ cluster, operator, load });
  } finally {
    await operator?.stop();
    await load.close();
    await cluster.close();
  }
}

/** Sends the creates as fast as `concurrency` allows; throws unless every one was answered 201. */
export async function createBurst(load: KubeLoad, bodies: readonly { name: string; body: string }[], concurrency = 16): Promise<number> {
  const sent = await load.burst(bodies.map(({ name, body }) => () => load.create(name, body)), concurrency);
  const failed = sent.filter((s) => s.status !== 201);
  if (failed.length > 0) throw new Error(`${failed.length} creates failed (first: HTTP ${failed[0]?.status})`);
  return sent.length;
}
