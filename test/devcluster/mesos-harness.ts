// Test harness for the Mesos master emulator: raw HTTP with undici (no scheduler client), the
// project's codec and RecordIO decoder, and an event stream whose waits end with a real-time
// timeout only as a safety net (time-driven behaviour is driven through a FakeClock).
import { Client, request } from 'undici';
import { CONTENT_TYPE, decodeEvent, encodeCall, type WireFormat } from '../../src/mesos/codec.ts';
import { RecordIODecoder } from '../../src/mesos/recordio.ts';
import type { Call, Event, FrameworkInfo, Offer, TaskInfo, TaskStatus } from '../../src/mesos/types.ts';
import { startMesosMaster, type EmulatedMesosMaster, type MesosMasterOptions } from '../../src/devcluster/mesos/index.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

/**
 * Registers an afterEach that closes the emulator, and returns `start(options)`, which starts a
 * one-agent emulator on a new FakeClock and hands both to `use`.
 */
export function emulatorPerTest(use: (master: EmulatedMesosMaster, clock: FakeClock) => void): (options?: MesosMasterOptions) => Promise<void> {
  let current: EmulatedMesosMaster | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options = {}) => {
    const clock = new FakeClock();
    current = await startMesosMaster({ clock, agents: 1, ...options });
    use(current, clock);
  };
}

export const FRAMEWORK: FrameworkInfo = { user: 'tester', name: 'emulator-test' };

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

export interface PostOptions {
  format?: WireFormat;
  contentType?: string;
  accept?: string;
  streamId?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

/** One request on a fresh connection (`reset`), so master restarts never hit a stale socket. */
export async function post(master: EmulatedMesosMaster, call: Call | undefined, options: PostOptions = {}): Promise<Reply> {
  const format = options.format ?? 'json';
  const headers: Record<string, string> = { ...options.headers };
  const contentType = options.contentType ?? CONTENT_TYPE[format];
  if (contentType !== '') headers['content-type'] = contentType;
  if (options.accept !== undefined) headers.accept = options.accept;
  if (options.streamId !== undefined) headers['mesos-stream-id'] = options.streamId;
  const method = (options.method ?? 'POST') as 'POST';
  const body = options.body ?? (call ? encodeCall(call, format) : undefined);
  const res = await request(`${master.url}/api/v1/scheduler`, {
    method, headers, reset: true, ...(method === 'POST' && body !== undefined ? { body } : {}),
  });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

export function getJson(master: EmulatedMesosMaster, path: string): Promise<{ status: number; json: unknown; text: string }> {
  return getUrl(`${master.url}${path}`);
}

/** A GET on a fresh connection; the body as text and, when it is JSON, parsed. */
export async function getUrl(url: string): Promise<{ status: number; json: unknown; text: string }> {
  const res = await request(url, { reset: true });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json, text };
}

const WAIT_MS = 20_000;

export class EventStream {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly format: WireFormat;
  frameworkId = '';
  private readonly client: Client;
  private readonly master: EmulatedMesosMaster;
  private readonly queue: Event[] = [];
  private waiter: (() => void) | undefined;
  private finished = false;
  private failure: Error | undefined;
  private barrierCount = 0;

  constructor(master: EmulatedMesosMaster, client: Client, status: number, headers: EventStream['headers'], format: WireFormat) {
    this.master = master;
    this.client = client;
    this.status = status;
    this.headers = headers;
    this.format = format;
  }

  get streamId(): string {
    return String(this.headers['mesos-stream-id'] ?? '');
  }

  /** True once the master ended the stream (EOF) or the connection broke. */
  get ended(): boolean {
    return this.finished && this.queue.length === 0;
  }

  consume(body: AsyncIterable<Buffer>): void {
    const decoder = new RecordIODecoder();
    void (async () => {
      try {
        for await (const chunk of body) {
          for (const record of decoder.push(chunk)) this.queue.push(decodeEvent(record, this.format));
          this.wake();
        }
        decoder.end();
      } catch (error) {
        this.failure = error as Error;
      }
      this.finished = true;
      this.wake();
    })();
  }

  /** The next event, heartbeats included. */
  async next(timeoutMs = WAIT_MS): Promise<Event> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.queue.shift();
      if (event) return event;
      if (this.finished) throw new Error(`stream ended${this.failure ? `: ${this.failure.message}` : ''}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for an event');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The next event that is not a HEARTBEAT. */
  async nextEvent(timeoutMs = WAIT_MS): Promise<Event> {
    for (;;) {
      const event = await this.next(timeoutMs);
      if (event.type !== 'HEARTBEAT') return event;
    }
  }

  /** Skips events until one matches. */
  async waitFor(predicate: (e: Event) => boolean, timeoutMs = WAIT_MS): Promise<Event> {
    for (;;) {
      const event = await this.next(timeoutMs);
      if (predicate(event)) return event;
    }
  }

  async offers(): Promise<Offer[]> {
    const event = await this.waitFor((e) => e.type === 'OFFERS');
    return event.offers?.offers ?? [];
  }

  /** The next UPDATE for `taskId`. */
  async update(taskId: string, timeoutMs = WAIT_MS): Promise<TaskStatus> {
    const event = await this.waitFor((e) => e.type === 'UPDATE' && e.update?.status.task_id.value === taskId, timeoutMs);
    if (!event.update) throw new Error('unreachable');
    return event.update.status;
  }

  /** Resolves when the stream has ended; returns the events (non-heartbeat) that came before EOF. */
  async eof(timeoutMs = WAIT_MS): Promise<Event[]> {
    const events: Event[] = [];
    for (;;) {
      try {
        const event = await this.next(timeoutMs);
        if (event.type !== 'HEARTBEAT') events.push(event);
      } catch (error) {
        if (this.finished) return events;
        throw error;
      }
    }
  }

  /**
   * Everything (except heartbeats) the master sent before this point: events on one stream are
   * FIFO, so the answer to a reconciliation of a made-up task marks "now" without waiting.
   */
  async drain(): Promise<Event[]> {
    const marker = `barrier-${this.barrierCount++}`;
    const reply = await this.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: marker } }] } });
    if (reply.status !== 202) throw new Error(`barrier RECONCILE answered ${reply.status}: ${reply.body}`);
    const events: Event[] = [];
    for (;;) {
      const event = await this.nextEvent();
      if (event.type === 'UPDATE' && event.update?.status.task_id.value === marker) return events;
      events.push(event);
    }
  }

  /** A call for this framework, with its stream ID. */
  call(call: Omit<Call, 'framework_id'>, options: PostOptions = {}): Promise<Reply> {
    return post(this.master, { framework_id: { value: this.frameworkId }, ...call }, { format: this.format, streamId: this.streamId, ...options });
  }

  acknowledge(status: TaskStatus, uuid: Uint8Array | undefined = status.uuid): Promise<Reply> {
    if (!uuid || !status.agent_id) throw new Error('cannot ACK an update without uuid or agent_id');
    return this.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid } });
  }

  launch(offers: Offer[], tasks: TaskInfo[], refuseSeconds?: number): Promise<Reply> {
    return this.call({
      type: 'ACCEPT',
      accept: {
        offer_ids: offers.map((o) => o.id),
        operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }],
        ...(refuseSeconds !== undefined ? { filters: { refuse_seconds: refuseSeconds } } : {}),
      },
    });
  }

  /** Client-side close of the subscription connection. */
  async close(): Promise<void> {
    await this.client.destroy();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

export interface SubscribeOptions {
  format?: WireFormat;
  accept?: string;
  frameworkId?: string;
  suppressedRoles?: string[];
  headers?: Record<string, string>;
  /** Wait for SUBSCRIBED (default true when the answer is 200). */
  expectSubscribed?: boolean;
}

/** Opens a SUBSCRIBE stream on its own connection; returns after SUBSCRIBED unless told not to. */
export async function subscribe(master: EmulatedMesosMaster, info: Partial<FrameworkInfo> = {}, options: SubscribeOptions = {}): Promise<EventStream> {
  const format = options.format ?? 'json';
  const frameworkInfo: FrameworkInfo = { ...FRAMEWORK, ...info };
  if (options.frameworkId !== undefined) frameworkInfo.id = { value: options.frameworkId };
  const call: Call = {
    type: 'SUBSCRIBE',
    subscribe: { framework_info: frameworkInfo, ...(options.suppressedRoles ? { suppressed_roles: options.suppressedRoles } : {}) },
    ...(options.frameworkId !== undefined ? { framework_id: { value: options.frameworkId } } : {}),
  };
  const client = new Client(master.url, { bodyTimeout: 0, headersTimeout: 10_000 });
  const res = await client.request({
    method: 'POST', path: '/api/v1/scheduler', body: encodeCall(call, format),
    headers: { 'content-type': CONTENT_TYPE[format], accept: options.accept ?? CONTENT_TYPE[format], ...options.headers },
  });
  const stream = new EventStream(master, client, res.statusCode, res.headers, format);
  stream.consume(res.body);
  if (res.statusCode === 200 && options.expectSubscribed !== false) {
    const first = await stream.next();
    if (first.type !== 'SUBSCRIBED') throw new Error(`expected SUBSCRIBED, got ${JSON.stringify(first)}`);
    stream.frameworkId = first.subscribed?.framework_id.value ?? '';
  }
  return stream;
}

/** A command task using `resources` from `offer` (default: 0.1 cpus, 32 mem). */
export function commandTask(offer: Offer, taskId: string, command: string, extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    name: taskId,
    task_id: { value: taskId },
    agent_id: offer.agent_id,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
    ],
    command: { value: command },
    ...extra,
  };
}

/** Acknowledges each update of `taskId` until a terminal one; returns the states seen. */
export async function followToTerminal(stream: EventStream, taskId: string): Promise<TaskStatus[]> {
  const seen: TaskStatus[] = [];
  const terminal = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED']);
  for (;;) {
    const status = await stream.update(taskId);
    seen.push(status);
    if (status.uuid) await stream.acknowledge(status);
    if (terminal.has(status.state)) return seen;
  }
}
