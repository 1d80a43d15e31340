// The kubernetes backend: driver pods created, deleted and watched through the project's own
// Kubernetes client and informer, their news fed to the scheduler core as task updates in its
// words (translation.ts). Exactly once: an attempt's pod has a deterministic name, so a create
// that finds it already there adopts it when it is that attempt's (else the core queues the
// driver again, under the next name). A kill deletes the pod with its grace period, then
// forcibly. A create the API server refuses for good ends the attempt in error; one it could
// not answer is tried again, and after a few tries the driver is queued again.
import type { Clock, Random } from '../runtime/clock.ts';
import type { Logger } from '../runtime/logger.ts';
import { backoffDelayMs, type BackoffPolicy } from '../runtime/backoff.ts';
import { isAlreadyExists, isNotFound, isRetryable } from '../kube/api-error.ts';
import { Informer, objectKey, splitKey } from '../kube/informer.ts';
import type { KubeClient, ObjectRef } from '../kube/kube-client.ts';
import type { DriverResourceRef, PlannedTask, TaskRef, TaskUpdate } from '../scheduler/index.ts';
import type { PodPort } from './pod-port.ts';
import {
  DRIVER_POD_SELECTOR, isPodOf, podCacheTransform, podGoneUpdate, podNeverCreatedUpdate, podOf, podRefusedUpdate, PODS, taskIdOfPod, taskUpdateOfPod,
  type Pod, type PodManifest,
} from './translation.ts';

export interface PodBackendOptions {
  kube: KubeClient;
  /** Watched namespaces; empty or absent: all. */
  namespaces?: readonly string[];
  /** Every task update, in the order the pods changed. */
  onUpdate: (update: TaskUpdate) => void;
  /** Extra wait after a pod's grace period before it is deleted forcibly (default 5 s). */
  forceDeleteAfterGraceMs?: number;
  /** Tries of a create the API server could not answer (default 5). */
  createTries?: number;
  createBackoff?: BackoffPolicy;
  clock: Clock;
  random: Random;
  log: Logger;
}

const DEFAULT_GRACE_SECONDS = 30;

export class PodBackend implements PodPort {
  readonly informer: Informer<Pod>;
  private readonly o: PodBackendOptions;
  /** The pod of each task seen or created (namespace/name), and the last news fed for it. */
  private readonly keyOfTask = new Map<string, string>();
  private readonly taskOfKey = new Map<string, string>();
  private readonly lastNews = new Map<string, { state: string; message: string | undefined; terminal: boolean }>();
  /** Tasks whose create is being tried again, and those of them killed meanwhile (their pod must not come). */
  private readonly retrying = new Set<string>();
  private readonly killedWhileRetrying = new Set<string>();
  private stopped = false;

  constructor(options: PodBackendOptions) {
    this.o = options;
    this.informer = new Informer<Pod>({
      client: options.kube, resource: PODS, labelSelector: DRIVER_POD_SELECTOR, transform: podCacheTransform,
      ...(options.namespaces !== undefined && { namespaces: options.namespaces }),
      clock: options.clock, random: options.random, logger: options.log.child({ component: 'pod-informer' }),
    });
    this.informer.onChange((key, pod) => this.changed(key, pod));
  }

  /** Starts watching; resolves once every watched namespace is listed (its pods' news fed first). */
  async start(): Promise<boolean> {
    this.informer.start();
    return this.informer.whenSynced();
  }

  stop(): void {
    this.stopped = true;
    this.informer.stop();
  }

  /** The first try is awaited (as a Mesos ACCEPT is); tries after a failure that may pass run in the background. */
  async create(task: PlannedTask, resource: DriverResourceRef): Promise<void> {
    const manifest = podOf(task, resource);
    this.remember(task.taskId, objectKey(manifest));
    const retry = await this.tryCreate(task, resource, manifest, 0);
    if (retry === undefined) return;
    this.retrying.add(task.taskId);
    void this.retryCreate(task, resource, manifest, retry).finally(() => {
      this.retrying.delete(task.taskId);
      this.killedWhileRetrying.delete(task.taskId);
    });
  }

  private async retryCreate(task: PlannedTask, resource: DriverResourceRef, manifest: PodManifest, from: number): Promise<void> {
    for (let attempt = from; attempt !== undefined && !this.stopped;) {
      await this.sleep(backoffDelayMs(attempt - 1, this.o.createBackoff ?? { initialMs: 1000, maxMs: 15_000 }, this.o.random));
      if (this.stopped) return;
      if (this.killedWhileRetrying.has(task.taskId)) {
        this.feed(podNeverCreatedUpdate(task.taskId, manifest.metadata.name, 'killed before its pod could be created'), true);
        return;
      }
      const next = await this.tryCreate(task, resource, manifest, attempt);
      if (next === undefined) return;
      attempt = next;
    }
  }

  /** One create; the number of the next try when this one failed in a way that may pass. */
  private async tryCreate(task: PlannedTask, resource: DriverResourceRef, manifest: PodManifest, attempt: number): Promise<number | undefined> {
    const ref: ObjectRef = { ...PODS, namespace: manifest.metadata.namespace, name: manifest.metadata.name };
    try {
      await this.o.kube.create(PODS, ref.namespace, manifest);
      this.o.log.info({ pod: objectKey(manifest), taskId: task.taskId }, 'driver pod created');
      return undefined;
    } catch (error) {
      if (isAlreadyExists(error)) {
        await this.adopt(task, resource, ref);
        return undefined;
      }
      const message = (error as Error).message;
      if (!isRetryable(error)) {
        this.o.log.warn({ pod: objectKey(manifest), err: message }, 'the API server refused the driver pod');
        this.feed(podRefusedUpdate(task.taskId, ref.name, message), true);
        return undefined;
      }
      const tries = this.o.createTries ?? 5;
      if (attempt + 1 >= tries) {
        this.o.log.warn({ pod: objectKey(manifest), err: message }, `driver pod not created after ${tries} tries; the driver is queued again`);
        this.feed(podNeverCreatedUpdate(task.taskId, ref.name, message), true);
        return undefined;
      }
      this.o.log.info({ pod: objectKey(manifest), err: message }, 'driver pod not created; trying again');
      return attempt + 1;
    }
  }

  /** A pod of that name exists: this attempt's (created before a crash or failover, or by a create that timed out) or another's. */
  private async adopt(task: PlannedTask, resource: DriverResourceRef, ref: ObjectRef): Promise<void> {
    let existing: Pod;
    try {
      existing = await this.o.kube.get<Pod>(ref);
    } catch (error) {
      // Gone again meanwhile: create it once more, through the core (it is queued again).
      return this.feed(podNeverCreatedUpdate(task.taskId, ref.name, `a pod of its name existed, then was gone: ${(error as Error).message}`), true);
    }
    if (!isPodOf(existing, task.taskId, resource)) {
      const owner = taskIdOfPod(existing) ?? 'none of this dispatcher\'s';
      return this.feed(podNeverCreatedUpdate(task.taskId, ref.name, `the name is taken by another pod (task ${owner})`), true);
    }
    this.o.log.info({ pod: `${ref.namespace}/${ref.name}`, taskId: task.taskId }, 'driver pod already exists: adopted');
    const news = taskUpdateOfPod(existing);
    if (news !== undefined) this.feed(news, true);
  }

  async kill(taskId: string, podName: string | undefined): Promise<void> {
    // A create still being tried must not bring the pod after its kill.
    if (this.retrying.has(taskId)) this.killedWhileRetrying.add(taskId);
    const key = this.keyOfTask.get(taskId);
    if (key === undefined) {
      this.o.log.info({ taskId, pod: podName }, 'kill of a task whose pod is not known here: nothing to delete');
      return;
    }
    const { namespace = '', name } = splitKey(key);
    const ref: ObjectRef = { ...PODS, namespace, name };
    const cached = this.informer.get(key) as (Pod & { spec?: { terminationGracePeriodSeconds?: number } }) | undefined;
    const graceSeconds = cached?.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    await this.deletePod(ref, undefined);
    // Then forcibly, should the pod outlast its grace period (a node gone silent keeps it forever).
    this.o.clock.setTimer(graceSeconds * 1000 + (this.o.forceDeleteAfterGraceMs ?? 5000), () => {
      if (!this.stopped && this.informer.get(key) !== undefined) void this.deletePod(ref, 0);
    });
  }

  private async deletePod(ref: ObjectRef, gracePeriodSeconds: number | undefined): Promise<void> {
    try {
      await this.o.kube.delete(ref, gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds });
      this.o.log.info({ pod: `${ref.namespace}/${ref.name}`, gracePeriodSeconds }, gracePeriodSeconds === 0 ? 'driver pod deleted forcibly' : 'driver pod deleted');
    } catch (error) {
      if (!isNotFound(error)) this.o.log.warn({ pod: `${ref.namespace}/${ref.name}`, err: (error as Error).message }, 'could not delete the driver pod');
    }
  }

  reconcile(tasks: readonly TaskRef[]): Promise<void> {
    for (const { taskId, agentId } of tasks) {
      const key = this.keyOfTask.get(taskId);
      const pod = key === undefined ? undefined : this.informer.get(key);
      const news = pod === undefined ? undefined : taskUpdateOfPod(pod);
      this.feed(news ?? podGoneUpdate(taskId, agentId ?? '?'), true);
    }
    return Promise.resolve();
  }

  withheld(taskId: string, podName: string): void {
    this.feed(podNeverCreatedUpdate(taskId, podName, 'its launch was not recorded in the SparkDriver status'), true);
  }

  /** The informer's news: each change of a driver pod, and its deletion. */
  private changed(key: string, pod: Pod | undefined): void {
    if (pod !== undefined) {
      const news = taskUpdateOfPod(pod);
      if (news === undefined) return;
      this.remember(news.status.taskId, key);
      this.feed(news, false);
      return;
    }
    const taskId = this.taskOfKey.get(key);
    if (taskId === undefined) return;
    const last = this.lastNews.get(taskId);
    // A pod that ended was reported as it ended; one that had not is lost with it.
    if (last !== undefined && !last.terminal) this.feed(podGoneUpdate(taskId, splitKey(key).name), false);
    this.taskOfKey.delete(key);
    this.keyOfTask.delete(taskId);
    this.lastNews.delete(taskId);
  }

  private remember(taskId: string, key: string): void {
    this.keyOfTask.set(taskId, key);
    this.taskOfKey.set(key, taskId);
  }

  /** Feeds news to the core; a repeat of the last news of the task is dropped unless `always`. */
  private feed(news: TaskUpdate, always: boolean): void {
    if (this.stopped) return;
    const { taskId, state, message } = news.status;
    const last = this.lastNews.get(taskId);
    if (!always && last?.state === state && last.message === message) return;
    const terminal = !['staging', 'starting', 'running', 'killing'].includes(state);
    this.lastNews.set(taskId, { state, message, terminal });
    this.o.onUpdate(news);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.o.clock.setTimer(ms, resolve));
  }
}
