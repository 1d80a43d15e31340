// A REST server on 127.0.0.1:0 over a fake store, with helpers that speak to it as spark-submit
// does (undici, or raw bytes on a socket), the expected response texts, and a recording logger.
import { connect } from 'node:net';
import type { Readable } from 'node:stream';
import { request } from 'undici';
import type { Logger } from '../../src/runtime/logger.ts';
import { startRestServer, type RestServer, type RestServerOptions } from '../../src/rest/index.ts';
import { FakeSubmissionStore } from './fake-submission-store.ts';
import { CLIENT_POST_HEADERS } from './spark-client-fixtures.ts';

export const ID = 'driver-20240131235959-0001';
export const JSON_TYPE = 'application/json; charset=utf-8';

export interface Answer {
  status: number;
  contentType: unknown;
  headers: Record<string, unknown>;
  text: string;
}

export class RestHarness {
  store = new FakeSubmissionStore();
  private running: RestServer | undefined;

  get server(): RestServer {
    if (this.running === undefined) throw new Error('the server is not started');
    return this.running;
  }

  async start(options: Partial<RestServerOptions> = {}): Promise<RestServer> {
    this.store = new FakeSubmissionStore();
    this.running = await startRestServer({ store: this.store, host: '127.0.0.1', port: 0, ...options });
    return this.running;
  }

  /** Stops the server if it runs; for afterEach. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.close();
  }

  async call(method: string, path: string, init: { body?: string | Buffer | Readable; headers?: Record<string, string> } = {}): Promise<Answer> {
    const response = await request(`${this.server.url}${path}`, { method: method as 'GET', ...init });
    return { status: response.statusCode, contentType: response.headers['content-type'], headers: response.headers, text: await response.body.text() };
  }

  /** POST /create with the headers HttpURLConnection sends. */
  create(body: string | Buffer, headers: Record<string, string> = CLIENT_POST_HEADERS): Promise<Answer> {
    return this.call('POST', '/v1/submissions/create', { body, headers });
  }

  status(id: string): Promise<Answer> {
    return this.call('GET', `/v1/submissions/status/${id}`, { headers: { 'user-agent': 'Java/11.0.22' } });
  }

  kill(id: string): Promise<Answer> {
    return this.call('POST', `/v1/submissions/kill/${id}`, { headers: { 'user-agent': 'Java/11.0.22' } });
  }

  /** Sends raw bytes and returns everything the server writes until it closes the connection. */
  rawExchange(bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.server.port, '127.0.0.1', () => socket.write(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
    });
  }
}

export const errorText = (message: string, extra = ''): string =>
  `{\n  "action" : "ErrorResponse",${extra}\n  "message" : ${JSON.stringify(message)},\n  "serverSparkVersion" : "3.5.1"\n}`;

export const statusText = (driverState: string, success: boolean, message?: string): string => [
  '{', '  "action" : "SubmissionStatusResponse",', `  "driverState" : "${driverState}",`,
  ...(message === undefined ? [] : [`  "message" : ${JSON.stringify(message)},`]),
  '  "serverSparkVersion" : "3.5.1",', `  "submissionId" : "${ID}",`, `  "success" : ${success}`, '}',
].join('\n');

export const killText = (success: boolean, message: string): string =>
  `{\n  "action" : "KillSubmissionResponse",\n  "message" : "${message}",\n  "serverSparkVersion" : "3.5.1",\n  "submissionId" : "${ID}",\n  "success" : ${success}\n}`;

export const CREATED = `{
  "action" : "CreateSubmissionResponse",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "${ID}",
  "success" : true
}`;

export interface Logged {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

export function recordingLogger(records: Logged[]): Logger {
  const at = (level: string) => (obj: object, msg: string): void => void records.push({ level, obj: obj as Record<string, unknown>, msg });
  // `child` is there for loggers that have it; the port may or may not declare it.
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child(): Logger { return logger; } };
  return logger;
}
