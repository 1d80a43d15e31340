// The emulated Kubernetes API server: an HTTP server on 127.0.0.1 that kubectl, helm and
// client-node use unchanged. It wires the store, the served resources, the request handlers,
// the request log and the fault hooks, and exposes them to tests through EmulatedKubeApiServer.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, systemRandom } from '../../runtime/clock.ts';
import type { Clock, Random } from '../../runtime/clock.ts';
import type { ClusterState } from './cluster.ts';
import { runControllers } from './controllers.ts';
import { Faults } from './faults.ts';
import type { FaultHooks } from './faults.ts';
import { handleResource } from './handlers.ts';
import type { Reply } from './handlers.ts';
import type { Obj } from './json.ts';
import { configMapsDef } from './kinds/configmaps.ts';
import { crdsDef } from './kinds/crds.ts';
import { coreEventsDef, eventsV1Def } from './kinds/events.ts';
import { leasesDef } from './kinds/leases.ts';
import { DEFAULT_NAMESPACES, namespacesDef } from './kinds/namespaces.ts';
import { podsDef } from './kinds/pods.ts';
import { secretsDef } from './kinds/secrets.ts';
import { Kubelet } from './kubelet.ts';
import type { KubeletOptions } from './kubelet.ts';
import { servePodLog } from './pod-log.ts';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig.ts';
import type { KubeconfigOptions } from './kubeconfig.ts';
import { handleNonResource } from './non-resource.ts';
import { Registry } from './registry.ts';
import { RequestLog } from './request-log.ts';
import type { RequestListener, RequestRecord } from './request-log.ts';
import { classify } from './router.ts';
import type { RequestInfo } from './router.ts';
import { ApiError, internalError } from './status.ts';
import { Store } from './store.ts';
import type { OpenWatch } from './watch.ts';
import { createObject } from './write.ts';

export interface KubeApiServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  clock?: Clock;
  random?: Random;
  /** First resourceVersion; defaults to the clock in ms so RVs stay monotonic across restarts. */
  initialResourceVersion?: number;
  /** Watch events retained for resumption; older resourceVersions answer 410. Default 1000. */
  watchHistorySize?: number;
  /** How often open watches that asked for bookmarks get one. Default 60 s; 0 disables. */
  bookmarkIntervalMs?: number;
  /** Namespaces created at start besides default, kube-system, kube-public, kube-node-lease. */
  namespaces?: string[];
  /** CRDs installed at start, as if applied. */
  crds?: Obj[];
  /** Runs pods' containers as local processes on one emulated node; without it, pods stay Pending. */
  kubelet?: KubeletOptions;
}

export interface EmulatedKubeApiServer {
  readonly url: string;
  readonly port: number;
  /** The kubeconfig text for this server (plain http; see kubeconfig.ts). */
  kubeconfig(options?: KubeconfigOptions): string;
  writeKubeconfig(file: string, options?: KubeconfigOptions): Promise<string>;
  /** Every request answered so far, oldest first. */
  requests(): RequestRecord[];
  clearRequests(): void;
  onRequest(listener: RequestListener): () => void;
  readonly faults: FaultHooks;
  openWatches(): number;
  /** Ends open watches (all, or those of one resource): cleanly, or by destroying the socket. */
  dropWatches(options?: { abrupt?: boolean; resource?: string }): number;
  /** Sends a BOOKMARK on every open watch that asked for bookmarks; returns how many. */
  sendBookmarks(): number;
  /** Forgets the watch history: watches from any older resourceVersion now get 410 Gone. */
  compactHistory(): void;
  /** The current global resourceVersion. */
  resourceVersion(): string;
  /** The emulated kubelet, when the server runs one (for its test hooks: OOM kills, evictions). */
  readonly kubelet: Kubelet | undefined;
  close(): Promise<void>;
}

/** The whole request body (events rather than an async iterator, which costs more per request). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer | string) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] as Buffer : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function send(res: ServerResponse, code: number, body: Obj | string, contentType: string, warnings: readonly string[] = [], headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const h: Record<string, string | string[]> = { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', ...headers };
  if (warnings.length > 0) h.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, h);
  res.end(text);
}

export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<EmulatedKubeApiServer> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const registry = new Registry();
  for (const def of [namespacesDef(), coreEventsDef(), secretsDef(), configMapsDef(), podsDef(), leasesDef(), crdsDef(), eventsV1Def()]) registry.add(def);
  const store = new Store(options.initialResourceVersion ?? Math.floor(clock.now()), options.watchHistorySize ?? 1000);
  const cluster: ClusterState = {
    store, registry, clock, random, newUid: randomUUID,
    afterWrite: (def, type, stored) => runControllers(cluster, def, type, stored),
  };
  const faults = new Faults(random);
  const log = new RequestLog();
  const watches = new Set<OpenWatch>();
  const bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;

  const boot = { dryRun: false, fieldValidation: 'Ignore' as const, warnings: [] };
  const nsDef = registry.find('', 'v1', 'namespaces');
  const crdDef = registry.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  for (const ns of [...DEFAULT_NAMESPACES, ...(options.namespaces ?? [])]) {
    if (nsDef && !store.get(nsDef.storage, '', ns)) createObject(cluster, nsDef, '', { metadata: { name: ns } }, boot);
  }
  for (const crd of options.crds ?? []) if (crdDef) createObject(cluster, crdDef, '', crd, boot);
  const kubelet = options.kubelet === undefined ? undefined : new Kubelet(cluster, options.kubelet);
  kubelet?.start();

  let address = '';
  const record = (req: IncomingMessage, url: URL, info: RequestInfo, code: number): void => {
    const r = info.kind === 'resource' ? info : undefined;
    log.add({
      verb: r ? r.verb : (req.method ?? 'GET').toLowerCase(), method: req.method ?? 'GET', path: url.pathname,
      query: Object.fromEntries(url.searchParams), resourceRequest: Boolean(r),
      group: r?.group ?? '', version: r?.version ?? '', resource: r?.resource ?? '', subresource: r?.subresource ?? '',
      namespace: r?.namespace ?? '', name: r?.name ?? '', code,
      contentType: req.headers['content-type'] ?? '', userAgent: req.headers['user-agent'] ?? '', time: clock.now(),
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const info = classify(req.method ?? 'GET', url.pathname, url.searchParams);
    try {
      const body = await readBody(req);
      if (info.kind === 'nonresource') {
        const reply = handleNonResource(registry, store, req.method ?? 'GET', url.pathname, req.headers.accept ?? '', address);
        send(res, reply.code, reply.body, reply.contentType);
        record(req, url, info, reply.code);
        return;
      }
      const facts = { ...info, namespace: info.namespace ?? '' };
      const injected = faults.errorFor(facts);
      if (injected) throw injected;
      const latency = faults.latencyFor(facts);
      if (latency > 0) await new Promise<void>((resolve) => clock.setTimer(latency, resolve));
      if (info.group === '' && info.resource === 'pods' && info.subresource === 'log' && info.verb === 'get' && info.namespace !== undefined) {
        servePodLog(cluster, kubelet, info.namespace, info.name, url.searchParams, res);
        record(req, url, info, 200);
        return;
      }
      const reply: Reply | undefined = handleResource({
        cluster, bookmarkIntervalMs,
        watchOpened: (w) => watches.add(w),
        watchClosed: (w) => watches.delete(w),
        takeWatchExpiry: (i) => faults.takeWatchExpiry({ ...i, namespace: i.namespace ?? '' }),
      }, info, req, res, body, url.searchParams);
      if (reply && facts.verb !== 'watch' && faults.takeLostAnswer(facts)) {
        res.destroy();
        record(req, url, info, 0);
        return;
      }
      if (reply) send(res, reply.code, reply.body, reply.contentType ?? 'application/json', reply.warnings);
      record(req, url, info, reply ? reply.code : 200);
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : internalError(err instanceof Error ? err.message : String(err));
      send(res, apiErr.code, apiErr.status, 'application/json', [], apiErr.headers);
      record(req, url, info, apiErr.code);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  address = `${host}:${port}`;
  const url = `http://${address}`;

  return {
    url,
    port,
    kubeconfig: (o) => kubeconfigYaml(url, o),
    writeKubeconfig: (file, o) => writeKubeconfig(file, url, o),
    requests: () => log.all(),
    clearRequests: () => log.clear(),
    onRequest: (l) => log.subscribe(l),
    faults,
    openWatches: () => watches.size,
    dropWatches(o = {}) {
      const targets = [...watches].filter((w) => o.resource === undefined || w.def.plural === o.resource);
      for (const w of targets) w.close(o.abrupt === true);
      return targets.length;
    },
    sendBookmarks: () => [...watches].filter((w) => w.bookmark()).length,
    compactHistory: () => store.compact(),
    resourceVersion: () => String(store.currentRv()),
    kubelet,
    async close() {
      for (const w of [...watches]) w.close(true);
      await kubelet?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
