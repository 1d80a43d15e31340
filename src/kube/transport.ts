// HTTP to the API server, authenticated and TLS-configured by a ClusterAccess: JSON requests
// with explicit Content-Types, plain-text reads (a pod's log), and watch streams read line by line. It owns request timeouts (on
// the injected Clock) and turns every failure into a KubeApiError; it knows no resource shapes.

import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import type { ClusterAccess } from './cluster-access.ts';
import type { Clock } from '../runtime/clock.ts';
import { KubeApiError } from './api-error.ts';
import { RequestGate } from './request-gate.ts';
import { requestText } from '../runtime/http-text.ts';

/** Connections for requests (watches have their own, one each). */
const MAX_REQUEST_CONNECTIONS = 32;

export type Query = Record<string, string | number | boolean | undefined>;

export interface TransportOptions {
  access: ClusterAccess;
  clock: Clock;
  /** Per-request deadline, also the connect deadline of a watch (default 30 s; 0: none). */
  requestTimeoutMs?: number;
  /** Requests sent at once (default: one per connection, 32); the others wait their turn. */
  maxInFlight?: number;
  userAgent?: string;
  /** Called after every request (for REST-client metrics). */
  observe?: (method: string, code: number) => void;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  /** The Accept header of a JSON request (default application/json). */
  accept?: string;
}

/** A raw watch event; ERROR events never reach here (they end the watch with a KubeApiError). */
export interface RawWatchEvent {
  type: string;
  object: unknown;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class KubeTransport {
  private readonly access: ClusterAccess;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly observe: (method: string, code: number) => void;
  /** Requests share a bounded pool; each watch holds a connection of its own pool for its life. */
  private readonly requests: Dispatcher;
  private readonly watches: Dispatcher;
  private readonly gate: RequestGate;
  /** The server's origin, and the path it is under (a proxy's prefix), read once. */
  private readonly origin: string;
  private readonly basePath: string;

  constructor(options: TransportOptions) {
    this.access = options.access;
    const server = new URL(options.access.server);
    this.origin = server.origin;
    this.basePath = server.pathname.replace(/\/+$/, '');
    // Bounded: a burst of writes queues for a connection instead of opening thousands.
    this.requests = new Agent({ connect: options.access.tls, connections: MAX_REQUEST_CONNECTIONS });
    this.watches = new Agent({ connect: options.access.tls });
    // More in flight than there are connections only wait inside the HTTP client, at a much
    // higher cost each than in the gate.
    this.gate = new RequestGate(options.maxInFlight ?? MAX_REQUEST_CONNECTIONS);
    this.clock = options.clock;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? 'spark-mesos-dispatcher';
    this.observe = options.observe ?? (() => undefined);
  }

  /**
   * One JSON request; resolves with the parsed body (undefined when empty). It waits for its
   * turn first (the gate); its deadline runs from when it is sent.
   */
  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const text = await this.requestText(method, path, options, options.accept ?? 'application/json');
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** One request whose answer is read as text (`accept` names what it is: a log is text/plain). */
  requestText(method: Method, path: string, options: RequestOptions, accept: string): Promise<string> {
    return this.gate.through(() => this.exchange(method, path, options, accept));
  }

  private async exchange(method: Method, path: string, options: RequestOptions, accept: string): Promise<string> {
    const what = `${method} ${path}`;
    const controller = new AbortController();
    let timedOut = false;
    const cancelTimer = this.timeoutMs > 0
      ? this.clock.setTimer(this.timeoutMs, () => { timedOut = true; controller.abort(); })
      : () => undefined;
    try {
      const { statusCode, headers, text } = await requestText(this.requests, await this.dispatchOptions(method, path, options, accept), controller.signal);
      this.observe(method, statusCode);
      if (statusCode < 200 || statusCode > 299) {
        throw KubeApiError.fromResponse(statusCode, text, retryAfter(headers), what);
      }
      return text;
    } catch (err) {
      if (err instanceof KubeApiError) throw err;
      this.observe(method, 0);
      throw KubeApiError.transport(timedOut ? 'Timeout' : 'NetworkError', what, err);
    } finally {
      cancelTimer();
    }
  }

  /**
   * Streams a watch. `onDone` runs once: with undefined when the server ends the stream cleanly,
   * with a KubeApiError on a failed request, an ERROR event or a broken stream. After `abort()`
   * neither callback runs again.
   */
  watch(path: string, query: Query, onEvent: (event: RawWatchEvent) => void, onDone: (err: KubeApiError | undefined) => void): () => void {
    const what = `WATCH ${path}`;
    const controller = new AbortController();
    let finished = false;
    let timedOut = false;
    let cancelTimer = this.timeoutMs > 0
      ? this.clock.setTimer(this.timeoutMs, () => { timedOut = true; controller.abort(); })
      : () => undefined;
    const finish = (err: KubeApiError | undefined): void => {
      if (finished) return;
      finished = true;
      cancelTimer();
      controller.abort();
      onDone(err);
    };
    const run = async (): Promise<void> => {
      const options = await this.dispatchOptions('GET', path, { query: { ...query, watch: true } }, 'application/json');
      const response = await this.watches.request({ ...options, signal: controller.signal });
      this.observe('WATCH', response.statusCode);
      if (response.statusCode !== 200) {
        finish(KubeApiError.fromResponse(response.statusCode, await response.body.text(), retryAfter(response.headers), what));
        return;
      }
      // Connected: from here on silence is the informer's watchdog's business, not a timeout.
      cancelTimer();
      cancelTimer = () => undefined;
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline = buffered.indexOf('\n');
        while (newline !== -1 && !finished) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) this.deliver(line, onEvent, finish);
          newline = buffered.indexOf('\n');
        }
        if (finished) return;
      }
      finish(undefined);
    };
    run().catch((err: unknown) => {
      if (!finished) finish(err instanceof KubeApiError ? err : KubeApiError.transport(timedOut ? 'Timeout' : 'NetworkError', what, err));
    });
    return () => {
      finished = true;
      cancelTimer();
      controller.abort();
    };
  }

  private deliver(line: string, onEvent: (event: RawWatchEvent) => void, finish: (err: KubeApiError | undefined) => void): void {
    let event: { type?: unknown; object?: unknown };
    try {
      event = JSON.parse(line) as { type?: unknown; object?: unknown };
    } catch {
      finish(KubeApiError.transport('NetworkError', 'watch stream', new Error(`undecodable watch event: ${line.slice(0, 100)}`)));
      return;
    }
    if (event.type === 'ERROR') {
      finish(KubeApiError.fromStatus(event.object ?? {}));
      return;
    }
    if (typeof event.type === 'string') onEvent({ type: event.type, object: event.object });
  }

  /** What undici sends (its dispatcher rather than fetch: the same connection pools at a fraction of the CPU per request). */
  private async dispatchOptions(method: Method, path: string, options: RequestOptions, accept: string): Promise<Dispatcher.DispatchOptions & { origin: string }> {
    // Authentication runs per request: tokens from files and exec plugins rotate.
    const headers: Record<string, string> = { ...(await this.access.headers()), Accept: accept, 'User-Agent': this.userAgent };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
    }
    return { origin: this.origin, path: this.pathWith(path, options.query), method, headers, ...(body === undefined ? {} : { body }) };
  }

  /**
   * `path` (encoded already: kube-client's paths) under the server's, with the query's defined
   * values; a URL object per request cost more than the rest of the request's options.
   */
  private pathWith(path: string, query: Query | undefined): string {
    const defined = Object.entries(query ?? {}).filter(([, v]) => v !== undefined);
    if (defined.length === 0) return `${this.basePath}${path}`;
    const at = path.indexOf('?');
    const search = new URLSearchParams(at < 0 ? '' : path.slice(at + 1));
    for (const [k, v] of defined) search.set(k, String(v));
    return `${this.basePath}${at < 0 ? path : path.slice(0, at)}?${search.toString()}`;
  }

  /** Closes the connection pools. */
  async close(): Promise<void> {
    await Promise.all([this.requests.close(), this.watches.close()]);
  }
}

function retryAfter(headers: Record<string, string | string[] | undefined>): string | null {
  const value = headers['retry-after'];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
