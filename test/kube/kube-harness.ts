// What the src/kube tests share: an emulator of their own on a FakeClock with the example Widget
// CRD, a KubeClient over the real client-node KubeConfig, a recording logger, and a way to move
// fake time forward until something happens on the real sockets.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { startKubeApiServer } from '../../src/devcluster/kube/server.ts';
import type { EmulatedKubeApiServer, KubeApiServerOptions } from '../../src/devcluster/kube/server.ts';
import { createKubeClient } from '../../src/kube/kube-client.ts';
import type { DeleteOptions, KubeClient, KubeObject, ListOptions, ObjectRef, ResourceType, WriteOptions } from '../../src/kube/kube-client.ts';
import type { Logger } from '../../src/runtime/logger.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export const WIDGETS: ResourceType = { group: 'demo.example.com', version: 'v1', plural: 'widgets' };

export interface Widget extends KubeObject {
  spec?: { color?: string; size?: number };
  status?: { phase?: string; observedGeneration?: number };
}

export interface Harness {
  server: EmulatedKubeApiServer;
  clock: FakeClock;
  kubeConfig: KubeConfig;
  client: KubeClient;
  close(): Promise<void>;
}

export async function startHarness(options: Omit<KubeApiServerOptions, 'clock' | 'crds'> = {}): Promise<Harness> {
  const clock = new FakeClock();
  const crd = parse(await readFile(path.join(here, '../devcluster/kube/fixtures/widget-crd.yaml'), 'utf8')) as Record<string, unknown>;
  const server = await startKubeApiServer({ ...options, clock, crds: [crd] });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(server.kubeconfig());
  const client = createKubeClient({ kubeConfig, clock });
  return { server, clock, kubeConfig, client, close: () => server.close() };
}

export function widget(name: string, options: { namespace?: string; labels?: Record<string, string>; color?: string } = {}): Widget {
  return {
    apiVersion: 'demo.example.com/v1', kind: 'Widget',
    metadata: { name, ...(options.labels ? { labels: options.labels } : {}) },
    spec: { color: options.color ?? 'red' },
  };
}

export const ref = (name: string, namespace = 'default'): { group: string; version: string; plural: string; namespace: string; name: string } =>
  ({ ...WIDGETS, namespace, name });

/** `client` with some verbs replaced (a spread would lose the class's methods). */
export function withOverrides(client: KubeClient, overrides: Partial<KubeClient>): KubeClient {
  return {
    get: client.get.bind(client),
    list: client.list.bind(client),
    create: client.create.bind(client),
    replace: client.replace.bind(client),
    patchMerge: client.patchMerge.bind(client),
    patchStatus: client.patchStatus.bind(client),
    delete: client.delete.bind(client),
    getText: client.getText.bind(client),
    watch: client.watch.bind(client),
    ...overrides,
  };
}

type Verb = 'get' | 'list' | 'create' | 'replace' | 'patchMerge' | 'patchStatus' | 'delete';

/** `client` with `before(verb)` awaited ahead of every request verb: to fail or race them. */
export function intercepted(client: KubeClient, before: (verb: Verb) => Promise<void>): KubeClient {
  return withOverrides(client, {
    get: async <T extends KubeObject>(r: ObjectRef) => { await before('get'); return client.get<T>(r); },
    list: async <T extends KubeObject>(t: ResourceType, o?: ListOptions) => { await before('list'); return client.list<T>(t, o); },
    create: async <T extends KubeObject>(t: ResourceType, ns: string | undefined, b: T) => { await before('create'); return client.create<T>(t, ns, b); },
    replace: async <T extends KubeObject>(r: ObjectRef, b: T) => { await before('replace'); return client.replace<T>(r, b); },
    patchMerge: async <T extends KubeObject>(r: ObjectRef, p: object, o?: WriteOptions) => { await before('patchMerge'); return client.patchMerge<T>(r, p, o); },
    patchStatus: async <T extends KubeObject>(r: ObjectRef, p: object, o?: WriteOptions) => { await before('patchStatus'); return client.patchStatus<T>(r, p, o); },
    delete: async (r: ObjectRef, o?: DeleteOptions) => { await before('delete'); return client.delete(r, o); },
  });
}

/** Creates a Widget in `namespace` (default "default"). */
export function createWidget(h: Harness, name: string, options: { namespace?: string; labels?: Record<string, string>; color?: string } = {}): Promise<Widget> {
  return h.client.create<Widget>(WIDGETS, options.namespace ?? 'default', widget(name, options));
}

/** A logger that keeps every line, for assertions on what was logged. */
export function recordingLogger(): Logger & { lines: { level: string; msg: string; fields: object }[] } {
  const lines: { level: string; msg: string; fields: object }[] = [];
  const at = (level: string) => (fields: object, msg: string): void => {
    lines.push({ level, msg, fields });
  };
  const logger: Logger & { lines: typeof lines } = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

/**
 * Moves fake time forward in `stepMs` steps, letting real I/O run in between, until `probe` holds.
 * Bounded by `maxSteps`: it never waits on the wall clock for a timed behaviour.
 */
export async function advanceUntil<T>(clock: FakeClock, stepMs: number, probe: () => T | undefined | false, what: string, maxSteps = 400): Promise<T> {
  for (let i = 0; i < maxSteps; i += 1) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${what} did not happen within ${maxSteps} steps of ${stepMs} ms`);
}

/** Lets pending promise callbacks and socket events run (no timed meaning). */
export async function flush(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}
