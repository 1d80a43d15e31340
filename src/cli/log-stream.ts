// The kubectl plugin's reading loop over the dispatcher's `/logs/read` (the agent's `/files/read`,
// proxied): the whole file from the start, one 64 KiB read at a time, then, when following, the
// new bytes every second until the attempt has ended and nothing more came. Offsets are bytes, as
// the agent counts them. A follow of a driver still queued or starting waits for its log.

export interface LogTarget {
  /** The dispatcher's web UI, e.g. `http://127.0.0.1:8081`. */
  readonly dispatcher: string;
  /** A submission ID or `namespace/name`. */
  readonly id: string;
  readonly file: 'stdout' | 'stderr';
  readonly attempt?: number | undefined;
}

interface ReadAnswer {
  readonly data: string;
  readonly offset: number;
  readonly attempt: { readonly number: number; readonly finished: boolean };
}

export class LogError extends Error {
  override readonly name = 'LogError';
  readonly status: number;
  /** The log is not there yet but will be: the driver waits for an offer, or its task starts. */
  readonly pending: boolean;

  constructor(status: number, message: string, pending = false) {
    super(message);
    this.status = status;
    this.pending = pending;
  }
}

const READ_BYTES = 64 * 1024;

async function read(target: LogTarget, offset: number, length?: number): Promise<ReadAnswer> {
  const query = new URLSearchParams({ id: target.id, file: target.file, offset: String(offset) });
  if (length !== undefined) query.set('length', String(length));
  if (target.attempt !== undefined) query.set('attempt', String(target.attempt));
  let response: Response;
  try {
    response = await fetch(`${target.dispatcher.replace(/\/+$/, '')}/logs/read?${query.toString()}`, { signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new LogError(0, `cannot reach the dispatcher at ${target.dispatcher}: ${(error as Error).message} (set --dispatcher or SPARK_DISPATCHER_URL)`);
  }
  const text = await response.text();
  let body: Partial<ReadAnswer> & { message?: string; pending?: boolean };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new LogError(response.status, `${target.dispatcher} answered ${response.status} with something other than the dispatcher's JSON: is it the dispatcher's web UI?`);
  }
  if (!response.ok) throw new LogError(response.status, body.message ?? `the dispatcher answered ${response.status}`, body.pending === true);
  return body as ReadAnswer;
}

export interface StreamOptions {
  readonly follow: boolean;
  readonly write: (data: string) => void;
  /** Says, once, why a follow waits before the first byte. */
  readonly notice: (message: string) => void;
  /** Waits between polls while following. */
  readonly pause: () => Promise<void>;
}

/** The file's size and attempt; a follow waits for a driver that is not launched (or started) yet. */
async function start(target: LogTarget, options: StreamOptions): Promise<ReadAnswer> {
  let noticed = false;
  for (;;) {
    try {
      return await read(target, -1);
    } catch (error) {
      if (!(options.follow && error instanceof LogError && error.pending)) throw error;
      if (!noticed) options.notice(`${error.message} Waiting...`);
      noticed = true;
      await options.pause();
    }
  }
}

/**
 * Writes the file from its start; with `follow`, keeps writing what comes until the attempt ends
 * (waiting first, if the driver has not started yet).
 */
export async function streamLog(target: LogTarget, options: StreamOptions): Promise<void> {
  const first = await start(target, options);
  // Pin the attempt: a retry starting meanwhile must not switch files under us.
  const pinned: LogTarget = { ...target, attempt: first.attempt.number };
  let offset = 0;
  let size = first.offset;
  for (;;) {
    while (offset < size) {
      const chunk = await read(pinned, offset, Math.min(READ_BYTES, size - offset));
      if (chunk.data === '') break;
      options.write(chunk.data);
      offset += Buffer.byteLength(chunk.data, 'utf8');
    }
    if (!options.follow) return;
    const now = await read(pinned, -1);
    if (now.offset > offset) {
      size = now.offset;
      continue;
    }
    if (now.attempt.finished) return;
    await options.pause();
  }
}
