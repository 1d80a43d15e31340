// HTTP to the masters: the SUBSCRIBE stream (its own connection, held for as long as it lives)
// and the calls (a second connection, pipelined: sent in order, answered in order), the content types, HTTP basic
// authentication, and what each status means (api-errors.ts). No state beyond the connections.
import { Client } from 'undici';
import { MesosApiError, errorForStatus } from './api-errors.ts';
import { CONTENT_TYPE, decodeEvent, encodeCall } from './codec.ts';
import type { WireFormat } from './codec.ts';
import { SCHEDULER_PATH, resolveRedirect } from './master-url.ts';
import { DEFAULT_MAX_RECORD_BYTES, RecordIODecoder } from './recordio.ts';
import type { Call, Event } from './types.ts';
import { requestText } from '../runtime/http-text.ts';
import { coalescingConnector } from '../runtime/coalesced-writes.ts';

/** Calls sent on the call connection before the first is answered; the master answers in order. */
const CALLS_IN_FLIGHT = 16;

export interface TransportOptions {
  format: WireFormat;
  credentials?: { principal: string; secret: string } | undefined;
  callTimeoutMs?: number | undefined;
  maxRecordBytes?: number | undefined;
}

export type SubscribeAnswer =
  | { kind: 'redirect'; origin: string }
  /** Anything but a usable 200: why, in words (the API error table's, for a status). */
  | { kind: 'failed'; reason: string }
  | { kind: 'stream'; streamId: string; events: (onBytes: () => void) => AsyncGenerator<Event> };

export class MesosTransport {
  private readonly o: TransportOptions;
  private streamClient: Client | undefined;
  private callClient: Client | undefined;
  private origin: string | undefined;

  constructor(options: TransportOptions) {
    this.o = options;
  }

  /** POSTs SUBSCRIBE to `origin`; aborting `signal` ends the request and its stream. */
  async subscribe(origin: string, call: Call, signal: AbortSignal): Promise<SubscribeAnswer> {
    const response = await this.clientsFor(origin).stream.request({
      method: 'POST', path: SCHEDULER_PATH, body: Buffer.from(encodeCall(call, this.o.format)), headers: this.headers(), signal,
    });
    if (response.statusCode === 307) {
      const location = response.headers.location;
      await response.body.dump();
      if (typeof location !== 'string') return { kind: 'failed', reason: '307 without a Location header' };
      return { kind: 'redirect', origin: resolveRedirect(location, origin) };
    }
    if (response.statusCode !== 200) {
      return { kind: 'failed', reason: errorForStatus(response.statusCode, await response.body.text()).message };
    }
    const streamId = response.headers['mesos-stream-id'];
    const contentType = response.headers['content-type'];
    if (typeof streamId !== 'string') {
      await response.body.dump();
      return { kind: 'failed', reason: 'SUBSCRIBE answered 200 without a Mesos-Stream-Id header' };
    }
    // Parameters (a charset) are tolerated; a different media type would be misread.
    if (typeof contentType !== 'string' || contentType.split(';')[0]!.trim().toLowerCase() !== CONTENT_TYPE[this.o.format]) {
      await response.body.dump();
      return { kind: 'failed', reason: `SUBSCRIBE answered with Content-Type '${String(contentType)}', not the ${CONTENT_TYPE[this.o.format]} it asked for` };
    }
    const { format, maxRecordBytes } = this.o;
    async function* events(onBytes: () => void): AsyncGenerator<Event> {
      const decoder = new RecordIODecoder(maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
      for await (const chunk of response.body) {
        onBytes();
        for (const record of decoder.push(chunk as Uint8Array)) yield decodeEvent(record, format);
      }
      decoder.end();
    }
    return { kind: 'stream', streamId, events };
  }

  /** Sends one call on the call connection; resolves on 200/202, else throws a MesosApiError. */
  async send(origin: string, call: Call, streamId: string): Promise<void> {
    const timeout = this.o.callTimeoutMs ?? 30_000;
    let answer;
    try {
      answer = await requestText(this.clientsFor(origin).call, {
        method: 'POST', path: SCHEDULER_PATH, body: Buffer.from(encodeCall(call, this.o.format)),
        headers: { ...this.headers(), 'mesos-stream-id': streamId }, headersTimeout: timeout, bodyTimeout: timeout,
        // Lets undici pipeline it behind calls still unanswered. A call cut off with the
        // connection may or may not have been carried out; every caller already treats a failed
        // call so (an ACCEPT's tasks are reconciled, the others are safe to send again).
        idempotent: true,
        // The master answers a call at once (202): nothing to wait for before sending the next.
        blocking: false,
      });
    } catch (cause) {
      throw new MesosApiError('MESOS_UNAVAILABLE', `${call.type ?? 'call'} failed: ${(cause as Error).message}`, undefined, { cause });
    }
    if (answer.statusCode === 202 || answer.statusCode === 200) return;
    throw errorForStatus(answer.statusCode, answer.text);
  }

  async close(): Promise<void> {
    const open = [this.streamClient, this.callClient].filter((c): c is Client => c !== undefined);
    this.streamClient = undefined;
    this.callClient = undefined;
    this.origin = undefined;
    await Promise.all(open.map((c) => c.destroy().catch(() => undefined)));
  }

  private clientsFor(origin: string): { stream: Client; call: Client } {
    if (this.origin !== origin || !this.streamClient || !this.callClient) {
      void this.close();
      // The stream occupies its own socket for as long as it lives; calls go on another.
      this.streamClient = new Client(origin, { bodyTimeout: 0, headersTimeout: 30_000 });
      // Pipelined: a burst of ACKNOWLEDGEs (two per task) would otherwise wait a round trip each;
      // and the calls sent in one turn leave in one write.
      this.callClient = new Client(origin, { pipelining: CALLS_IN_FLIGHT, keepAliveTimeout: 60_000, connect: coalescingConnector() });
      this.origin = origin;
    }
    return { stream: this.streamClient, call: this.callClient };
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[this.o.format], accept: CONTENT_TYPE[this.o.format] };
    const credentials = this.o.credentials;
    if (credentials) {
      headers.authorization = `Basic ${Buffer.from(`${credentials.principal}:${credentials.secret}`).toString('base64')}`;
    }
    return headers;
  }
}
