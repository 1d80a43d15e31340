// The emulated kubelet, with the scheduler's one job (binding a pod to the one node when its node
// selector allows): it runs each bound pod's containers as local processes (kubelet-container.ts),
// reports their states and exit codes in the pod's status, restarts them as the restart policy
// says, and carries out graceful deletion: SIGTERM, SIGKILL once the grace period is over, the
// final status, then the pod is removed. It reacts to the store's events, after the write that
// caused them. Test hooks: an OOM kill and an eviction. Not emulated: probes, init containers,
// volumes, resource limits, crash-loop backoff (a restart waits a second).

import path from 'node:path';
import { getStored, readView, toStorage, view } from './cluster.ts';
import type { ClusterState } from './cluster.ts';
import { deleteObject } from './delete.ts';
import { asObj, deepEqual, isObj, meta, num, str, strMap } from './json.ts';
import type { Obj } from './json.ts';
import { startContainer } from './kubelet-container.ts';
import type { ContainerExit, LocalImage, RunningContainer } from './kubelet-container.ts';
import { containerEnvironment } from './kubelet-env.ts';
import { podStatusOf, terminationReason } from './kubelet-status.ts';
import type { ContainerState, PodView } from './kubelet-status.ts';
import { containersOf, DEFAULT_GRACE_SECONDS } from './kinds/pods.ts';
import type { ResourceDef } from './resource.ts';
import { rfc3339 } from './time.ts';

export interface KubeletOptions {
  /** Where containers' logs are written (`<namespace>_<pod>_<uid>/<container>/<restart>.log`). */
  workDir: string;
  /** Image name → the local directory it stands for; another image fails to pull (ErrImagePull). */
  images: Readonly<Record<string, LocalImage>>;
  /** Default `emulated-node`. */
  nodeName?: string;
  /** The node's labels, which node selectors must match (kubernetes.io/hostname is always set). */
  nodeLabels?: Readonly<Record<string, string>>;
}

const HOST_IP = '127.0.0.1';
const RESTART_DELAY_MS = 1000;

interface ContainerRun {
  readonly spec: Obj;
  readonly name: string;
  readonly image: string;
  restartCount: number;
  state: ContainerState;
  lastState?: ContainerState;
  process: RunningContainer | undefined;
  oomKill: boolean;
}

interface PodRun {
  readonly key: string;
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly startedAtMs: number;
  readyChangedAtMs: number;
  readonly containers: ContainerRun[];
  evicted?: string;
  /** The kubelet stops the containers (deletion, eviction): their signals are its own. */
  stopping: boolean;
  killAtMs?: number;
  cancelKill?: () => void;
}

export class Kubelet {
  private readonly c: ClusterState;
  private readonly o: KubeletOptions;
  private readonly nodeName: string;
  private readonly runs = new Map<string, PodRun>();
  private readonly dirty = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(cluster: ClusterState, options: KubeletOptions) {
    this.c = cluster;
    this.o = options;
    this.nodeName = options.nodeName ?? 'emulated-node';
  }

  private get pods(): ResourceDef {
    const def = this.c.registry.find('', 'v1', 'pods');
    if (def === undefined) throw new Error('the emulator serves no pods');
    return def;
  }

  start(): void {
    const storage = this.pods.storage;
    this.unsubscribe = this.c.store.subscribe((event) => {
      if (event.storage !== storage) return;
      this.markDirty(`${str(meta(event.object).namespace) ?? ''}/${str(meta(event.object).name) ?? ''}`);
    });
    for (const pod of this.c.store.list(storage)) this.markDirty(`${str(meta(pod).namespace) ?? ''}/${str(meta(pod).name) ?? ''}`);
  }

  /** Kills every container at once and waits for them (the emulator is closing). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    const all = [...this.runs.values()].flatMap((run) => run.containers);
    for (const container of all) container.process?.signal('SIGKILL');
    await Promise.all(all.flatMap((container) => (container.process === undefined ? [] : [container.process.done])));
  }

  /** The log file of a container (`previous`: of its run before the last restart), or undefined if it never ran. */
  logFile(namespace: string, name: string, container: string, previous: boolean): string | undefined {
    const run = this.runs.get(`${namespace}/${name}`);
    const c = run?.containers.find((x) => x.name === container);
    if (run === undefined || c === undefined) return undefined;
    const index = previous ? c.restartCount - 1 : c.restartCount;
    return index < 0 || (c.state.kind === 'waiting' && !previous) ? undefined : this.logPath(run, container, index);
  }

  /** Whether the container may still write to its log (running, or to be restarted). */
  isLive(namespace: string, name: string, container: string): boolean {
    const run = this.runs.get(`${namespace}/${name}`);
    const c = run?.containers.find((x) => x.name === container);
    return c !== undefined && c.process !== undefined;
  }

  /** Test hook: the kernel's OOM killer ends the container (SIGKILL; reason OOMKilled, exit code 137). */
  oomKill(namespace: string, name: string, container?: string): boolean {
    const run = this.runs.get(`${namespace}/${name}`);
    const target = run?.containers.find((c) => container === undefined || c.name === container);
    if (target?.process === undefined) return false;
    target.oomKill = true;
    return target.process.signal('SIGKILL');
  }

  /** Test hook: the node evicts the pod (its containers killed; phase Failed, reason Evicted; the pod stays). */
  evict(namespace: string, name: string, message = 'The node was low on resource: memory. '): boolean {
    const run = this.runs.get(`${namespace}/${name}`);
    if (run === undefined || run.containers.every((c) => c.process === undefined)) return false;
    run.evicted = message;
    run.stopping = true;
    for (const c of run.containers) c.process?.signal('SIGKILL');
    return true;
  }

  private logPath(run: PodRun, container: string, index: number): string {
    return path.join(this.o.workDir, `${run.namespace}_${run.name}_${run.uid}`, container, `${index}.log`);
  }

  private markDirty(key: string): void {
    if (this.dirty.size === 0) queueMicrotask(() => this.flush());
    this.dirty.add(key);
  }

  private flush(): void {
    const keys = [...this.dirty];
    this.dirty.clear();
    for (const key of keys) if (!this.stopped) this.sync(key);
  }

  private sync(key: string): void {
    const [namespace = '', name = ''] = key.split('/');
    const stored = getStored(this.c, this.pods, namespace, name);
    let run = this.runs.get(key);
    if (run !== undefined && (stored === undefined || meta(stored).uid !== run.uid)) {
      // Removed (force-deleted) or replaced under the same name: its containers go at once.
      run.stopping = true;
      for (const c of run.containers) c.process?.signal('SIGKILL');
      this.runs.delete(key);
      run = undefined;
    }
    if (stored === undefined) return;
    const pod = readView(this.pods, stored);
    if (meta(pod).deletionTimestamp !== undefined) return this.terminate(pod, run);
    const nodeName = str(asObj(pod.spec).nodeName);
    if (nodeName === undefined) return this.bind(pod);
    if (nodeName === this.nodeName && run === undefined) this.startPod(key, pod);
  }

  /** The scheduler's part: the one node, if the pod's node selector allows it. */
  private bind(pod: Obj): void {
    const labels: Record<string, string> = { 'kubernetes.io/hostname': this.nodeName, ...this.o.nodeLabels };
    const selector = strMap(asObj(pod.spec).nodeSelector);
    const fits = Object.entries(selector).every(([k, v]) => labels[k] === v);
    const bound = view(this.pods, pod);
    if (fits) {
      bound.spec = { ...asObj(bound.spec), nodeName: this.nodeName };
      bound.status = { ...asObj(bound.status), conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(this.c.clock.now()) }] };
    } else {
      bound.status = {
        ...asObj(bound.status), phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling." }],
      };
    }
    this.write(pod, bound);
  }

  private startPod(key: string, pod: Obj): void {
    const now = this.c.clock.now();
    const run: PodRun = {
      key, uid: str(meta(pod).uid) ?? '', namespace: str(meta(pod).namespace) ?? '', name: str(meta(pod).name) ?? '',
      startedAtMs: now, readyChangedAtMs: now, stopping: false,
      containers: containersOf(pod).map((spec) => ({
        spec, name: str(spec.name) ?? '', image: str(spec.image) ?? '', restartCount: 0, state: { kind: 'waiting', reason: 'ContainerCreating' }, oomKill: false, process: undefined,
      })),
    };
    this.runs.set(key, run);
    for (const container of run.containers) this.startContainer(run, pod, container);
    this.report(run);
  }

  private startContainer(run: PodRun, pod: Obj, container: ContainerRun): void {
    const image = this.o.images[container.image];
    if (image === undefined) {
      const known = Object.keys(this.o.images).join(', ') || 'none';
      container.state = { kind: 'waiting', reason: 'ErrImagePull', message: `image "${container.image}" is not known to the emulated kubelet (it knows: ${known})` };
      return;
    }
    const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/root', HOSTNAME: run.name, ...image.env };
    const env = containerEnvironment(pod, container.spec, base, HOST_IP, (kind, ns, name, key) => this.readKey(kind, ns, name, key));
    if (!env.ok) {
      container.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: env.message };
      return;
    }
    const command = [...strings(container.spec.command), ...strings(container.spec.args)];
    const running = startContainer({
      command, env: env.env, image, workingDir: str(container.spec.workingDir), logFile: this.logPath(run, container.name, container.restartCount),
    });
    const startedAt = this.c.clock.now();
    container.process = running;
    container.state = { kind: 'running', startedAt };
    void running.done.then((exit) => this.exited(run, container, exit, startedAt));
  }

  private exited(run: PodRun, container: ContainerRun, exit: ContainerExit, startedAt: number): void {
    container.process = undefined;
    // A SIGKILL the kubelet did not send is the kernel's OOM killer's; so is exit code 137 (128 +
    // SIGKILL), which a shell reports when the OOM killer ended the process it ran.
    const oom = container.oomKill || (!run.stopping && (exit.signal === 'SIGKILL' || exit.exitCode === 137));
    container.oomKill = false;
    container.state = {
      kind: 'terminated', exitCode: exit.exitCode, reason: terminationReason(exit, oom), startedAt, finishedAt: this.c.clock.now(),
      ...(exit.startError !== undefined && { message: exit.startError }),
      ...(exit.signal !== undefined && { signal: exit.exitCode - 128 }),
    };
    if (this.stopped || this.runs.get(run.key) !== run) return;
    const policy = str(asObj(this.currentPod(run)?.spec).restartPolicy) ?? 'Always';
    const restart = !run.stopping && (policy === 'Always' || (policy === 'OnFailure' && exit.exitCode !== 0));
    if (restart) {
      this.c.clock.setTimer(RESTART_DELAY_MS, () => {
        const pod = this.currentPod(run);
        if (pod === undefined || run.stopping || this.runs.get(run.key) !== run) return;
        container.lastState = container.state;
        container.restartCount += 1;
        this.startContainer(run, pod, container);
        this.report(run);
      });
    }
    this.report(run);
    if (run.stopping && run.evicted === undefined && run.containers.every((c) => c.process === undefined)) this.remove(run);
  }

  /** Graceful deletion: SIGTERM, SIGKILL when the grace period is over, then the pod goes. */
  private terminate(pod: Obj, run: PodRun | undefined): void {
    if (run === undefined || run.containers.every((c) => c.process === undefined)) {
      if (run !== undefined) this.runs.delete(run.key);
      this.removeStored(pod);
      return;
    }
    const graceMs = (num(meta(pod).deletionGracePeriodSeconds) ?? DEFAULT_GRACE_SECONDS) * 1000;
    const killAt = this.c.clock.now() + graceMs;
    if (!run.stopping) {
      run.stopping = true;
      for (const c of run.containers) c.process?.signal('SIGTERM');
    }
    if (run.killAtMs !== undefined && run.killAtMs <= killAt) return;
    run.killAtMs = killAt;
    run.cancelKill?.();
    run.cancelKill = this.c.clock.setTimer(graceMs, () => {
      for (const c of run.containers) c.process?.signal('SIGKILL');
    });
  }

  private remove(run: PodRun): void {
    run.cancelKill?.();
    this.runs.delete(run.key);
    const pod = this.currentPod(run);
    if (pod !== undefined) this.removeStored(pod);
  }

  private removeStored(pod: Obj): void {
    try {
      deleteObject(this.c, this.pods, str(meta(pod).namespace) ?? '', str(meta(pod).name) ?? '', { dryRun: false, gracePeriodSeconds: 0, preconditions: { uid: str(meta(pod).uid) ?? '' } });
    } catch {
      // Already gone.
    }
  }

  private currentPod(run: PodRun): Obj | undefined {
    const stored = getStored(this.c, this.pods, run.namespace, run.name);
    return stored !== undefined && meta(stored).uid === run.uid ? readView(this.pods, stored) : undefined;
  }

  /** Writes the run's status to its pod, if it changed. */
  private report(run: PodRun): void {
    const pod = this.currentPod(run);
    if (pod === undefined) return;
    const ready = run.containers.every((c) => c.state.kind === 'running');
    const wasReady = asObj(pod.status).conditions;
    const readyBefore = Array.isArray(wasReady) && wasReady.some((x) => isObj(x) && x.type === 'Ready' && x.status === 'True');
    if (ready !== readyBefore) run.readyChangedAtMs = this.c.clock.now();
    const podView: PodView = {
      uid: run.uid, startedAtMs: run.startedAtMs, readyChangedAtMs: run.readyChangedAtMs, hostIP: HOST_IP,
      containers: run.containers.map((c) => ({ name: c.name, image: c.image, restartCount: c.restartCount, state: c.state, ...(c.lastState !== undefined && { lastState: c.lastState }) })),
      ...(run.evicted !== undefined && { evicted: run.evicted }),
    };
    const updated = view(this.pods, pod);
    updated.status = podStatusOf(podView);
    this.write(pod, updated);
  }

  private write(before: Obj, after: Obj): void {
    if (deepEqual(before, after)) return;
    const stored = this.c.store.update(this.pods.storage, toStorage(this.pods, after));
    this.c.afterWrite(this.pods, 'MODIFIED', stored);
  }

  private readKey(kind: 'secret' | 'configMap', namespace: string, name: string, key: string): string | undefined {
    const def = this.c.registry.find('', 'v1', kind === 'secret' ? 'secrets' : 'configmaps');
    const stored = def === undefined ? undefined : getStored(this.c, def, namespace, name);
    if (stored === undefined) return undefined;
    if (kind === 'configMap') return strMap(stored.data)[key];
    const encoded = strMap(stored.data)[key];
    return encoded === undefined ? strMap(stored.stringData)[key] : Buffer.from(encoded, 'base64').toString('utf8');
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
