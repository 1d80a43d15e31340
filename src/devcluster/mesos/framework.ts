// A framework as the master knows it (info, connection, roles, suppression, offers, tasks) and
// the event stream of one subscription: RecordIO-framed events on a chunked 200 response.
import type { ServerResponse } from 'node:http';
import { encodeEvent, type WireFormat } from '../../mesos/codec.ts';
import { encodeRecord } from '../../mesos/recordio.ts';
import type { Event, FrameworkInfo, TaskStatus } from '../../mesos/types.ts';
import type { Resources } from './resources.ts';
import type { TaskRecord } from './agent.ts';
import { frameworkRoles, hasCapability } from './validation.ts';

/** One SUBSCRIBE response. Writes after close are dropped: never deliver to a stale stream. */
export class EventStream {
  readonly streamId: string;
  readonly format: WireFormat;
  private readonly res: ServerResponse;
  private closed = false;
  private corked = false;
  private closeHandler: (() => void) | undefined;

  constructor(res: ServerResponse, streamId: string, format: WireFormat) {
    this.res = res;
    this.streamId = streamId;
    this.format = format;
    // A write racing a dead socket must not become an unhandled 'error'.
    res.on('error', () => undefined);
    res.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      this.closeHandler?.();
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Called once when the client goes away (not when the master ends the stream itself). */
  onClientClose(handler: () => void): void {
    this.closeHandler = handler;
  }

  send(event: Event): void {
    if (this.closed) return;
    this.write(encodeRecord(encodeEvent(event, this.format)));
  }

  sendRaw(bytes: Uint8Array): void {
    if (!this.closed) this.write(bytes);
  }

  /**
   * The events of one turn of the event loop leave in one write (a master's socket sends what
   * has queued up; a launch of thousands of tasks would otherwise cost a system call per update).
   */
  private write(bytes: Uint8Array): void {
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      setImmediate(() => this.flush());
    }
    this.res.write(bytes);
  }

  private flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.res.uncork();
  }

  /** Ends the stream cleanly (EOF), optionally after an ERROR event. */
  end(errorMessage?: string): void {
    if (this.closed) return;
    if (errorMessage !== undefined) this.send({ type: 'ERROR', error: { message: errorMessage } });
    this.closed = true;
    this.flush();
    this.res.end();
  }

  /** Resets the connection, as a crashed master or a broken network would. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.res.destroy();
  }
}

export interface OfferRecord {
  id: string;
  frameworkId: string;
  agentId: string;
  role: string;
  resources: Resources;
  cancelTimeout: (() => void) | undefined;
}

export type FrameworkState = 'connected' | 'disconnected' | 'recovered';

export interface CompletedTask { record: TaskRecord; finalState: string }

const COMPLETED_TASKS_LIMIT = 1000;

export class Framework {
  readonly id: string;
  info: FrameworkInfo;
  state: FrameworkState;
  stream: EventStream | undefined;
  suppressed = new Set<string>();
  readonly offers = new Map<string, OfferRecord>();
  readonly tasks = new Map<string, TaskRecord>();
  readonly unreachableTasks = new Map<string, { record: TaskRecord; status: TaskStatus }>();
  readonly completedTasks: TaskRecord[] = [];
  /** Calls received from this framework by type (SUBSCRIBE included), for `/metrics/snapshot`. */
  readonly calls = new Map<string, number>();
  registeredTime: number;
  reregisteredTime: number | undefined;
  unregisteredTime: number | undefined;
  cancelHeartbeat: (() => void) | undefined;
  cancelFailover: (() => void) | undefined;

  constructor(id: string, info: FrameworkInfo, state: FrameworkState, now: number) {
    this.id = id;
    this.info = info;
    this.state = state;
    this.registeredTime = now;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  get roles(): string[] {
    return frameworkRoles(this.info);
  }

  capable(type: string): boolean {
    return hasCapability(this.info, type);
  }

  get multiRole(): boolean {
    return this.capable('MULTI_ROLE');
  }

  get partitionAware(): boolean {
    return this.capable('PARTITION_AWARE');
  }

  countCall(type: string): void {
    this.calls.set(type, (this.calls.get(type) ?? 0) + 1);
  }

  send(event: Event): void {
    if (this.connected) this.stream?.send(event);
  }

  complete(record: TaskRecord): void {
    this.tasks.delete(record.info.task_id.value);
    this.completedTasks.push(record);
    if (this.completedTasks.length > COMPLETED_TASKS_LIMIT) this.completedTasks.shift();
  }

  stopTimers(): void {
    this.cancelHeartbeat?.();
    this.cancelHeartbeat = undefined;
    this.cancelFailover?.();
    this.cancelFailover = undefined;
  }
}
