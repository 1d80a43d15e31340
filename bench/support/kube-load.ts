// The benchmark's Kubernetes client: SparkDriver creates and status patches over a pool of
// keep-alive connections (undici, as the operator uses), as a burst or at a steady rate. Bodies
// are built before the clock starts, so the client costs the shared event loop as little as it can.
import { Pool } from 'undici';

const DRIVERS_PATH = '/apis/sparkmesos.io/v1alpha1/namespaces/default/sparkdrivers';

export interface DriverShape {
  /** Cores and memory (MiB) the driver asks for. */
  cores: number;
  memoryMb: number;
  ttlSeconds?: number;
}

/** The SparkDriver `name`; its submission ID (and first task ID) is `<name>` too. */
export function driverManifest(name: string, shape: DriverShape): string {
  return JSON.stringify({
    apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver', metadata: { name, namespace: 'default' },
    spec: {
      submissionId: name,
      appResource: 'http://repo.example.com/jobs/etl-assembly-1.4.2.jar',
      mainClass: 'com.example.etl.DailyAggregation',
      arguments: ['--date', '2024-01-01', '--output', `s3a://warehouse/daily/${name}`],
      sparkProperties: {
        'spark.app.name': name, 'spark.driver.cores': String(shape.cores), 'spark.driver.memory': `${shape.memoryMb}m`,
        'spark.mesos.driver.memoryOverhead': '0', 'spark.executor.memory': '4g', 'spark.cores.max': '16',
        'spark.eventLog.enabled': 'true', 'spark.mesos.executor.docker.image': 'registry.example.com/spark:3.5.1',
      },
      environmentVariables: { SPARK_USER: 'etl' },
      ...(shape.ttlSeconds !== undefined && { ttlSecondsAfterFinished: shape.ttlSeconds }),
    },
  });
}

export interface Sent {
  name: string;
  /** performance.now() when the create was due (a steady rate) or sent (a burst). */
  dueAt: number;
  /** performance.now() when the API answered. */
  answeredAt: number;
  status: number;
}

export class KubeLoad {
  private readonly pool: Pool;

  constructor(url: string, connections = 16) {
    this.pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  async create(name: string, body: string, dueAt = performance.now()): Promise<Sent> {
    const response = await this.pool.request({ method: 'POST', path: DRIVERS_PATH, headers: { 'content-type': 'application/json' }, body });
    await response.body.dump();
    return { name, dueAt, answeredAt: performance.now(), status: response.statusCode };
  }

  /** A merge patch on `/status` (what a controller writes most). */
  async patchStatus(name: string, body: string): Promise<number> {
    const response = await this.pool.request({
      method: 'PATCH', path: `${DRIVERS_PATH}/${name}/status`, headers: { 'content-type': 'application/merge-patch+json' }, body,
    });
    await response.body.dump();
    return response.statusCode;
  }

  /** Runs `requests` with `concurrency` in flight at a time; resolves with their results in order. */
  async burst<T>(requests: readonly (() => Promise<T>)[], concurrency = 16): Promise<T[]> {
    const results: T[] = new Array<T>(requests.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < requests.length; i = next++) results[i] = await (requests[i] as () => Promise<T>)();
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
    return results;
  }

  /**
   * Open loop: the i-th create is due at start + i / rate, whatever happened to the ones before
   * (a slow answer must not slow the arrivals, or the latency it causes would go unmeasured).
   */
  async paced(bodies: readonly { name: string; body: string }[], perSecond: number): Promise<Sent[]> {
    const start = performance.now();
    const pending: Promise<Sent>[] = [];
    for (let i = 0; i < bodies.length; i += 1) {
      const dueAt = start + (i * 1000) / perSecond;
      const wait = dueAt - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const { name, body } = bodies[i] as { name: string; body: string };
      pending.push(this.create(name, body, dueAt));
    }
    return Promise.all(pending);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
