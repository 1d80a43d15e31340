// GET pods/<name>/log, served from the emulated kubelet's container logs as the real API server
// proxies them from the kubelet: plain text, `container` (needed when the pod has several),
// `previous`, `tailLines`, `limitBytes`, and `follow` (the log as it grows, until the container
// ends or the client goes away), with the real server's messages for a container that has no log.
// Not emulated: `timestamps`, `sinceSeconds`, `sinceTime`.

import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { getStored, readView } from './cluster.ts';
import type { ClusterState } from './cluster.ts';
import { asObj, isObj, str } from './json.ts';
import { containersOf } from './kinds/pods.ts';
import type { Kubelet } from './kubelet.ts';
import { badRequest, notFound } from './status.ts';

const FOLLOW_POLL_MS = 100;

/** Why the container has no log to show, in the real API server's words. */
function waitingReason(pod: Record<string, unknown>, container: string): string {
  const statuses = asObj(pod.status).containerStatuses;
  const status = Array.isArray(statuses) ? statuses.filter(isObj).find((c) => c.name === container) : undefined;
  const reason = str(asObj(asObj(status?.state).waiting).reason) ?? 'ContainerCreating';
  return reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
}

function readLog(file: string, from = 0): Buffer {
  try {
    const data = readFileSync(file);
    return from > 0 ? data.subarray(from) : data;
  } catch {
    return Buffer.alloc(0);
  }
}

function tail(data: Buffer, lines: number): Buffer {
  if (lines < 0) return data;
  let end = data.length;
  if (end > 0 && data[end - 1] === 0x0a) end -= 1;
  let at = end;
  for (let seen = 0; at > 0; at -= 1) {
    if (data[at - 1] === 0x0a && ++seen === lines) break;
  }
  return lines === 0 ? Buffer.alloc(0) : data.subarray(at);
}

const integer = (value: string | null): number | undefined => (value !== null && /^\d+$/.test(value) ? Number(value) : undefined);

/** Answers the request on `res`; throws an ApiError (answered by the caller) when there is no log. */
export function servePodLog(c: ClusterState, kubelet: Kubelet | undefined, namespace: string, name: string, query: URLSearchParams, res: ServerResponse): void {
  const def = c.registry.find('', 'v1', 'pods');
  const stored = def === undefined ? undefined : getStored(c, def, namespace, name);
  if (def === undefined || stored === undefined) throw notFound({ group: '', resource: 'pods' }, name);
  const pod = readView(def, stored);
  const names = containersOf(pod).map((x) => str(x.name) ?? '');
  const asked = query.get('container');
  const container = asked ?? (names.length === 1 ? names[0] : undefined);
  if (container === undefined) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const previous = query.get('previous') === 'true';
  const file = kubelet?.logFile(namespace, name, container, previous);
  if (file === undefined) {
    throw badRequest(previous ? `previous terminated container "${container}" in pod "${name}" not found`
      : `container "${container}" in pod "${name}" is waiting to start: ${waitingReason(pod, container)}`);
  }
  const tailLines = integer(query.get('tailLines'));
  const limitBytes = integer(query.get('limitBytes'));
  const whole = readLog(file);
  let data = tailLines === undefined ? whole : tail(whole, tailLines);
  if (limitBytes !== undefined) data = data.subarray(0, limitBytes);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  if (query.get('follow') !== 'true' || previous || kubelet === undefined) {
    res.end(data);
    return;
  }
  res.write(data);
  let offset = whole.length;
  let sent = data.length;
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  const poll = (): void => {
    if (closed) return;
    const live = kubelet.isLive(namespace, name, container);
    const more = readLog(file, offset);
    offset += more.length;
    const allowed = limitBytes === undefined ? more : more.subarray(0, Math.max(0, limitBytes - sent));
    if (allowed.length > 0) res.write(allowed);
    sent += allowed.length;
    if (!live || (limitBytes !== undefined && sent >= limitBytes)) res.end();
    else setTimeout(poll, FOLLOW_POLL_MS).unref();
  };
  // Real time, not the emulator's clock: this polls a file a real process writes.
  setTimeout(poll, FOLLOW_POLL_MS).unref();
}
