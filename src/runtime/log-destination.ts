// Where the operator's JSON log lines go: file descriptor 1. The lines logged in one turn of the
// event loop are written together, with one write(2) as the turn ends (or once they reach 32 KiB,
// and at exit), so a burst that logs thousands of lines makes tens of system calls, not
// thousands, and a SIGKILL (an OOM kill, a liveness restart) loses at most the lines of the turn
// it interrupts. pino's default destination instead appends each line to a string it measures
// again every time, and holds what a slow reader has not taken: in a burst that copied about 30
// times the bytes logged.
import { writeSync } from 'node:fs';

/** What pino writes its lines to. */
export interface LogDestination {
  write(line: string): void;
  /** Writes what is pending now. */
  flushSync(): void;
  /** pino's `logger.flush(cb)` calls this. */
  flush(callback?: (err?: Error) => void): void;
}

/** How long to wait before trying again when the descriptor is a non-blocking pipe that is full. */
const FULL_PIPE_WAIT_MS = 10;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Lines held at most, in characters, before they are written within the turn: lines held through
 * a minor collection are copied to the old generation, so a turn that logs thousands would leave
 * megabytes there for the next major collection.
 */
const MAX_PENDING_CHARS = 32 * 1024;

export function jsonLogDestination(fd = 1): LogDestination {
  let pending: string[] = [];
  let pendingChars = 0;
  let scheduled = false;
  // The reader is gone (EPIPE): lines are dropped from then on, as pino's own destination does.
  let readerGone = false;
  const flushSync = (): void => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    pendingChars = 0;
    if (readerGone) return;
    try {
      writeAll(fd, Buffer.from(text));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
      readerGone = true;
    }
  };
  const flushAtTurnEnd = (): void => {
    scheduled = false;
    flushSync();
  };
  process.on('exit', flushSync);
  return {
    write(line) {
      pending.push(line);
      pendingChars += line.length;
      if (pendingChars >= MAX_PENDING_CHARS) {
        flushSync();
      } else if (!scheduled) {
        scheduled = true;
        setImmediate(flushAtTurnEnd);
      }
    },
    flushSync,
    flush(callback) {
      try {
        flushSync();
      } catch (err) {
        callback?.(err as Error);
        return;
      }
      callback?.();
    },
  };
}

function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, FULL_PIPE_WAIT_MS);
    }
  }
}
