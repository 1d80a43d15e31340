// Where the operator's JSON log lines go: file descriptor 1, each line written before the log
// call returns, as Kubernetes controllers write theirs. pino's default destination buffers
// asynchronously, which loses the last lines when the process is SIGKILLed (an OOM kill, a
// liveness restart), and its buffer appends each line to a string it measures again every time:
// in a burst of launches that copied about 30 times the bytes logged (a tenth of everything the
// operator allocated). A line costs one write(2) instead.
import { pino } from 'pino';

export function jsonLogDestination(fd = 1): ReturnType<typeof pino.destination> {
  return pino.destination({ dest: fd, sync: true });
}
