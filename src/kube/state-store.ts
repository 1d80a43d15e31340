// The dispatcher-state ConfigMap: a few string keys the operator must keep across restarts and
// failovers (the Mesos framework ID, written once and read on subscribe). Writes are optimistic:
// conditional on the resourceVersion read, re-read and re-applied on a 409.

import { silentLogger } from '../runtime/logger.ts';
import type { Logger } from '../runtime/logger.ts';
import { KubeApiError, isNotFound } from './api-error.ts';
import { CONFIG_MAPS } from './kube-client.ts';
import type { KubeClient, KubeObject, ObjectRef } from './kube-client.ts';

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export type StateData = Readonly<Record<string, string>>;

export interface StateStoreOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  /** Labels put on the ConfigMap when it is created. */
  labels?: Record<string, string>;
  /** Conflicts tolerated per update before giving up (default 5). */
  maxAttempts?: number;
  logger?: Logger;
}

export class StateStore {
  private readonly o: StateStoreOptions;
  private readonly ref: ObjectRef;
  private readonly logger: Logger;

  constructor(options: StateStoreOptions) {
    this.o = options;
    this.ref = { ...CONFIG_MAPS, namespace: options.namespace, name: options.name };
    this.logger = options.logger ?? silentLogger;
  }

  /** Every key; empty when the ConfigMap does not exist yet. */
  async read(): Promise<StateData> {
    return (await this.fetch())?.data ?? {};
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.read())[key];
  }

  /** Sets (string) or removes (null) keys; others are left alone. */
  async set(changes: Readonly<Record<string, string | null>>): Promise<StateData> {
    return this.update((data) => {
      const next: Record<string, string> = { ...data };
      for (const [k, v] of Object.entries(changes)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      return next;
    });
  }

  /**
   * Read-modify-write: `mutate` gets the current data and returns the new data, or undefined to
   * write nothing. On a conflict it runs again on fresh data, so it must be pure (compare-and-set
   * such as "set frameworkId only if absent" works). Rejects with the KubeApiError otherwise.
   */
  async update(mutate: (data: StateData) => Record<string, string> | undefined): Promise<StateData> {
    const attempts = this.o.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.fetch();
      const data = current?.data ?? {};
      const next = mutate(data);
      if (next === undefined || sameData(data, next)) return data;
      try {
        const written = current
          ? await this.o.client.replace<ConfigMap>(this.ref, { ...current, data: next })
          : await this.o.client.create<ConfigMap>(CONFIG_MAPS, this.o.namespace, {
            apiVersion: 'v1', kind: 'ConfigMap',
            metadata: { name: this.o.name, namespace: this.o.namespace, ...(this.o.labels ? { labels: this.o.labels } : {}) },
            data: next,
          });
        return written.data ?? {};
      } catch (err) {
        // Another writer got in between our read and write (a 409 on replace, or AlreadyExists on
        // create): read again and re-apply.
        if (!(err instanceof KubeApiError && err.code === 409) || attempt >= attempts) throw err;
        this.logger.debug({ configMap: this.o.name, attempt }, 'dispatcher state changed concurrently; retrying');
      }
    }
  }

  private async fetch(): Promise<ConfigMap | undefined> {
    try {
      return await this.o.client.get<ConfigMap>(this.ref);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

function sameData(a: StateData, b: StateData): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
