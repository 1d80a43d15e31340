// One HTTP request through an undici dispatcher, its answer gathered whole as text. undici's
// `request` wraps every answer in a Readable stream inside an async resource: for the small
// answers the operator reads whole (API objects, Mesos call results), undici and node's streams
// were a fifth of all it allocated in a burst of launches. A handler that keeps the chunks cuts
// that by a third. Streams (watches, the Mesos event stream) still use `request`.
import type { Dispatcher } from 'undici';

export interface TextAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * Sends the request and resolves with the final answer, or rejects with undici's error, or with
 * the signal's reason as soon as it aborts (the request is then cut off wherever it is).
 */
export function requestText(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal?: AbortSignal): Promise<TextAnswer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let cutOff: Error | undefined;
    let settled = false;
    let answer: Omit<TextAnswer, 'text'> = { statusCode: 0, headers: {} };
    const chunks: Buffer[] = [];
    const settle = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else resolve({ ...answer, text: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8') });
    };
    const onAbort = (): void => {
      cutOff = abortReason(signal!);
      // Not sent yet: undici aborts it when a connection takes it (onRequestStart).
      controller?.abort(cutOff);
      settle(cutOff);
    };
    signal?.addEventListener('abort', onAbort);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        if (cutOff !== undefined) started.abort(cutOff);
        else controller = started;
      },
      onResponseStart(_controller, statusCode, headers) {
        answer = { statusCode, headers };
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        settle(undefined);
      },
      onResponseError(_controller, error) {
        settle(error);
      },
    };
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      settle(error as Error);
    }
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('request aborted');
}
