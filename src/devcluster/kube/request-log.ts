// The log of every request the emulator answered, in Kubernetes terms (verb, group, resource,
// subresource, namespace, name) with the status code, for tests to assert on.

export interface RequestRecord {
  /** Kubernetes verb for resource requests (get, list, watch, create, update, patch, delete,
   * deletecollection); the lowercased HTTP method for discovery and other paths. */
  verb: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** True for /api/..., /apis/... requests that name a resource. */
  resourceRequest: boolean;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  code: number;
  contentType: string;
  userAgent: string;
  /** Server clock (ms) when the answer started. */
  time: number;
}

export type RequestListener = (record: RequestRecord) => void;

export class RequestLog {
  private readonly records: RequestRecord[] = [];
  private readonly listeners = new Set<RequestListener>();

  add(record: RequestRecord): void {
    this.records.push(record);
    for (const l of [...this.listeners]) l(record);
  }

  all(): RequestRecord[] {
    return this.records.map((r) => ({ ...r, query: { ...r.query } }));
  }

  clear(): void {
    this.records.length = 0;
  }

  subscribe(listener: RequestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
