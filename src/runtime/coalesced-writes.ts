// One system call for the requests sent on a connection in one turn of the event loop. undici
// writes each request on its own (cork, write, uncork): a pipelined burst of calls, thousands of
// ACKNOWLEDGEs, cost a write(2) each on our side and a read(2) each on the master's. Here the
// uncorks wait until the turn ends, so whatever was written meanwhile leaves together, in order.
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/** `socket`, its uncorks deferred to the end of the current turn of the event loop. */
export function coalesceWrites(socket: Socket): Socket {
  const patched = socket as unknown as { uncork: () => void; end: (...args: unknown[]) => Socket };
  const uncork = socket.uncork.bind(socket);
  const end = patched.end.bind(socket);
  let deferred = 0;
  const flush = (): void => {
    for (; deferred > 0; deferred -= 1) uncork();
  };
  patched.uncork = (): void => {
    deferred += 1;
    if (deferred === 1) setImmediate(flush);
  };
  // What is still corked goes first: an end() on a socket corked past its end never finishes.
  patched.end = (...args: unknown[]): Socket => {
    flush();
    return end(...args);
  };
  return socket;
}

/** undici's connector with its defaults, whose sockets coalesce their writes. */
export function coalescingConnector(): buildConnector.connector {
  const connect = buildConnector({});
  return (target, callback) => {
    connect(target, (...args: buildConnector.CallbackArgs) => {
      const [error, socket] = args;
      if (error !== null) callback(error, null);
      else callback(null, coalesceWrites(socket));
    });
  };
}
