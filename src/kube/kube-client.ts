// The narrow Kubernetes API port the operator runtime uses (get, list, create, replace, merge
// patches of objects and of their status, delete, a text subresource such as a pod's log, raw watch), for any resource named by
// group/version/plural, and its implementation over HTTP (cluster-access.ts). No resource schemas.

import { loadClusterAccess, type KubeConfigSource } from './cluster-access.ts';

export type { KubeConfigSource } from './cluster-access.ts';
import { systemClock } from '../runtime/clock.ts';
import type { Clock } from '../runtime/clock.ts';
import type { KubeApiError } from './api-error.ts';
import { KubeTransport } from './transport.ts';
import type { Query } from './transport.ts';

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
  finalizers?: readonly string[];
  ownerReferences?: readonly { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  managedFields?: readonly unknown[];
}

/**
 * Any Kubernetes object; a resource's own type extends this with its spec and status. Collections
 * are readonly so that frozen cached objects and readonly domain types both fit.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** A served resource. `group` '' is the core group (`/api/v1`). */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
}

/** One object; `namespace` omitted for cluster-scoped resources. */
export interface ObjectRef extends ResourceType {
  namespace?: string;
  name: string;
}

export const CONFIG_MAPS: ResourceType = { group: '', version: 'v1', plural: 'configmaps' };
export const CORE_EVENTS: ResourceType = { group: '', version: 'v1', plural: 'events' };
export const EVENTS_V1: ResourceType = { group: 'events.k8s.io', version: 'v1', plural: 'events' };
export const LEASES: ResourceType = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' };

export interface ListOptions {
  /** Omitted: all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ObjectList<T> {
  items: T[];
  /** The list's resourceVersion: where a watch continues from. Opaque. */
  resourceVersion: string;
  /** Present when more pages follow. */
  continue?: string;
}

export interface WatchOptions {
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** The server ends the watch cleanly after this long. */
  timeoutSeconds?: number;
  labelSelector?: string;
  fieldSelector?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface WriteOptions {
  /** Makes the write conditional: a stale value gets a 409 Conflict. */
  resourceVersion?: string;
  /**
   * The answer is the object's metadata only (a PartialObjectMetadata), for a writer that needs
   * no more than the new resourceVersion: the API server leaves the rest out, and nothing here
   * parses it. A server that cannot do so answers with the whole object, which has it too.
   */
  metadataOnly?: boolean;
}

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  /** Graceful deletion (pods): seconds the object is given to end; 0 removes it at once. */
  gracePeriodSeconds?: number;
}

/**
 * The Kubernetes verbs the operator uses. Every failure rejects with a KubeApiError. Objects are
 * plain JSON as the server sent them; the caller narrows them to its own types.
 */
export interface KubeClient {
  get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T>;
  list<T extends KubeObject = KubeObject>(type: ResourceType, options?: ListOptions): Promise<ObjectList<T>>;
  /** Creates `body` in `namespace` (undefined for cluster-scoped resources). */
  create<T extends KubeObject = KubeObject>(type: ResourceType, namespace: string | undefined, body: T): Promise<T>;
  /** PUT: conditional on `body.metadata.resourceVersion` when it is set. */
  replace<T extends KubeObject = KubeObject>(ref: ObjectRef, body: T): Promise<T>;
  /** JSON merge patch of the object (metadata, spec; status is ignored where /status exists). */
  patchMerge<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: object, options?: WriteOptions): Promise<T>;
  /** JSON merge patch of the status subresource. */
  patchStatus<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: object, options?: WriteOptions): Promise<T>;
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<void>;
  /** GET of a subresource that answers text, not an object (a pod's `log`). */
  getText(ref: ObjectRef, subresource: string, query?: Query): Promise<string>;
  /**
   * Opens a watch on a collection path (see `collectionPath`). `onDone` runs once, with undefined
   * when the server ends the stream cleanly or with the error (an ERROR event included: a 410 is
   * `isGone`). The returned function aborts; no callback runs after it.
   */
  watch(path: string, options: WatchOptions, onEvent: (event: WatchEvent) => void, onDone: (err: KubeApiError | undefined) => void): () => void;
}

/** `/api/v1/namespaces/ns/configmaps`, `/apis/g/v/plural`, … */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const root = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  return namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}/${type.plural}` : `${root}/${type.plural}`;
}

export function objectPath(ref: ObjectRef, subresource?: string): string {
  return `${collectionPath(ref, ref.namespace)}/${encodeURIComponent(ref.name)}${subresource ? `/${subresource}` : ''}`;
}

const MERGE_PATCH = 'application/merge-patch+json';
const WATCH_TYPES = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

/** As client-go's metadata client asks for it: PartialObjectMetadata, else the whole object. */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

function withResourceVersion(patch: object, options: WriteOptions | undefined): object {
  if (options?.resourceVersion === undefined) return patch;
  const meta = (patch as { metadata?: object }).metadata ?? {};
  return { ...patch, metadata: { ...meta, resourceVersion: options.resourceVersion } };
}

interface RawList<T> {
  items?: T[] | null;
  metadata?: { resourceVersion?: string; continue?: string };
}

/** KubeClient over HTTP, authenticated and TLS-configured from the kubeconfig or service account. */
export class HttpKubeClient implements KubeClient {
  private readonly http: KubeTransport;

  constructor(transport: KubeTransport) {
    this.http = transport;
  }

  get<T extends KubeObject>(ref: ObjectRef): Promise<T> {
    return this.http.request<T>('GET', objectPath(ref));
  }

  async list<T extends KubeObject>(type: ResourceType, options: ListOptions = {}): Promise<ObjectList<T>> {
    const query: Query = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: options.limit, continue: options.continue };
    const raw = await this.http.request<RawList<T>>('GET', collectionPath(type, options.namespace), { query });
    const list: ObjectList<T> = { items: raw.items ?? [], resourceVersion: raw.metadata?.resourceVersion ?? '' };
    if (raw.metadata?.continue) list.continue = raw.metadata.continue;
    return list;
  }

  create<T extends KubeObject>(type: ResourceType, namespace: string | undefined, body: T): Promise<T> {
    return this.http.request<T>('POST', collectionPath(type, namespace), { body, contentType: 'application/json' });
  }

  replace<T extends KubeObject>(ref: ObjectRef, body: T): Promise<T> {
    return this.http.request<T>('PUT', objectPath(ref), { body, contentType: 'application/json' });
  }

  patchMerge<T extends KubeObject>(ref: ObjectRef, patch: object, options?: WriteOptions): Promise<T> {
    // The content type is always explicit: client-node's generated default is JSON Patch.
    return this.http.request<T>('PATCH', objectPath(ref), { body: withResourceVersion(patch, options), contentType: MERGE_PATCH });
  }

  patchStatus<T extends KubeObject>(ref: ObjectRef, patch: object, options?: WriteOptions): Promise<T> {
    return this.http.request<T>('PATCH', objectPath(ref, 'status'), {
      body: withResourceVersion(patch, options), contentType: MERGE_PATCH, ...(options?.metadataOnly === true && { accept: METADATA_ONLY }),
    });
  }

  getText(ref: ObjectRef, subresource: string, query: Query = {}): Promise<string> {
    return this.http.requestText('GET', objectPath(ref, subresource), { query }, 'text/plain, */*');
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', ...options };
    await this.http.request<unknown>('DELETE', objectPath(ref), { body, contentType: 'application/json' });
  }

  watch(path: string, options: WatchOptions, onEvent: (event: WatchEvent) => void, onDone: (err: KubeApiError | undefined) => void): () => void {
    const query: Query = {
      resourceVersion: options.resourceVersion, allowWatchBookmarks: options.allowWatchBookmarks,
      timeoutSeconds: options.timeoutSeconds, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
    };
    return this.http.watch(path, query, (raw) => {
      if (WATCH_TYPES.has(raw.type) && typeof raw.object === 'object' && raw.object !== null) {
        onEvent({ type: raw.type as WatchEventType, object: raw.object });
      }
    }, onDone);
  }
}

export interface KubeClientOptions {
  /** Where to find the cluster and the credentials (a loaded client-node KubeConfig also does). */
  kubeConfig: KubeConfigSource;
  clock?: Clock;
  requestTimeoutMs?: number;
  userAgent?: string;
  observe?: (method: string, code: number) => void;
}

export function createKubeClient(options: KubeClientOptions): KubeClient {
  const clock = options.clock ?? systemClock;
  return new HttpKubeClient(new KubeTransport({
    access: loadClusterAccess(options.kubeConfig, clock),
    clock,
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
    ...(options.observe === undefined ? {} : { observe: options.observe }),
  }));
}
