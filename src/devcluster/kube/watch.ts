// Watch streams: newline-delimited JSON events with headers flushed at once, resumption from a
// resourceVersion out of the store's history (ERROR 410 Expired when it has been compacted),
// bookmarks, sendInitialEvents, Table-encoded events, timeoutSeconds, and hooks that drop streams.

import type { ServerResponse } from 'node:http';
import { meta } from './json.ts';
import type { Obj } from './json.ts';
import { apiVersionOf } from './resource.ts';
import type { ResourceDef } from './resource.ts';
import { expired } from './status.ts';
import type { StoreEvent } from './store.ts';
import { buildTable } from './table.ts';
import type { IncludeObject } from './table.ts';
import { namespaceOf, readView } from './cluster.ts';
import type { ClusterState } from './cluster.ts';
import { matches } from './read.ts';
import type { Filter } from './read.ts';

export interface WatchRequest {
  def: ResourceDef;
  /** undefined: all namespaces. */
  namespace: string | undefined;
  filter: Filter;
  resourceVersion: string;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  table?: { include: IncludeObject };
  bookmarkIntervalMs: number;
}

export interface OpenWatch {
  readonly def: ResourceDef;
  /** Sends a BOOKMARK now if the client asked for bookmarks; returns whether it did. */
  bookmark(): boolean;
  /** Ends the stream: cleanly (the client sees EOF) or by destroying the socket. */
  close(abrupt: boolean): void;
}

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export function startWatch(c: ClusterState, req: WatchRequest, res: ServerResponse, onClose: (w: OpenWatch) => void, forceExpire: boolean): OpenWatch | undefined {
  const { def } = req;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  // Without an explicit flush Node holds the headers until the first event, and client-node hangs.
  res.flushHeaders();
  const write = (line: Obj): void => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(line)}\n`);
  };
  const sendExpired = (message: string): undefined => {
    write({ type: 'ERROR', object: expired(message).status });
    res.end();
    return undefined;
  };
  const rvParam = req.resourceVersion;
  const fromList = rvParam === '' || rvParam === '0' || req.sendInitialEvents;
  const current = c.store.currentRv();
  if (forceExpire) return sendExpired(`too old resource version: ${rvParam || current} (${current})`);
  let backlog: StoreEvent[] = [];
  if (!fromList) {
    const since = c.store.eventsSince(Number(rvParam), def.storage);
    if (since === 'expired') return sendExpired(`too old resource version: ${rvParam} (${c.store.oldestRetainedRv() + 1})`);
    backlog = since;
  }

  let first = true;
  const inScope = (o: Obj): boolean => req.namespace === undefined || !def.namespaced || namespaceOf(o) === req.namespace;
  const encode = (o: Obj): Obj => {
    if (!req.table) return o;
    const t = buildTable(def.strategy.table(), [o], { resourceVersion: typeof meta(o).resourceVersion === 'string' ? meta(o).resourceVersion : '' }, { include: req.table.include, now: c.clock.now(), columns: first });
    first = false;
    return t;
  };
  const send = (type: WatchType, o: Obj): void => write({ type, object: encode(o) });
  const deliver = (e: StoreEvent): void => {
    if (e.storage !== def.storage) return;
    const cur = readView(def, e.object);
    const curMatch = inScope(cur) && matches(def, req.filter, cur);
    if (e.type !== 'MODIFIED') {
      if (curMatch) send(e.type, cur);
      return;
    }
    const prev = e.previous ? readView(def, e.previous) : undefined;
    const prevMatch = prev !== undefined && inScope(prev) && matches(def, req.filter, prev);
    if (curMatch) send(prevMatch ? 'MODIFIED' : 'ADDED', cur);
    else if (prevMatch) send('DELETED', cur);
  };
  const bookmarkObject = (annotations?: Record<string, string>): Obj => {
    const metadata: Obj = { resourceVersion: String(c.store.currentRv()), creationTimestamp: null };
    if (annotations) metadata.annotations = annotations;
    return { kind: def.kind, apiVersion: apiVersionOf(def), metadata };
  };

  if (fromList) {
    for (const o of c.store.list(def.storage, def.namespaced ? req.namespace : undefined)) {
      const v = readView(def, o);
      if (matches(def, req.filter, v)) send('ADDED', v);
    }
    if (req.sendInitialEvents && req.allowBookmarks) {
      write({ type: 'BOOKMARK', object: bookmarkObject({ 'k8s.io/initial-events-end': 'true' }) });
    }
  } else {
    for (const e of backlog) deliver(e);
  }
  const unsubscribe = c.store.subscribe(deliver);

  const cancels: (() => void)[] = [unsubscribe];
  let closed = false;
  const watch: OpenWatch = {
    def,
    bookmark() {
      if (!req.allowBookmarks || closed) return false;
      write({ type: 'BOOKMARK', object: bookmarkObject() });
      return true;
    },
    close(abrupt) {
      if (closed) return;
      if (abrupt) res.destroy();
      else res.end();
    },
  };
  let cancelBookmark = (): void => undefined;
  const scheduleBookmark = (): void => {
    if (!req.allowBookmarks || req.bookmarkIntervalMs <= 0 || closed) return;
    cancelBookmark = c.clock.setTimer(req.bookmarkIntervalMs, () => {
      watch.bookmark();
      scheduleBookmark();
    });
  };
  scheduleBookmark();
  cancels.push(() => cancelBookmark());
  if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0) {
    cancels.push(c.clock.setTimer(req.timeoutSeconds * 1000, () => watch.close(false)));
  }
  res.on('close', () => {
    closed = true;
    for (const cancel of cancels) cancel();
    onClose(watch);
  });
  return watch;
}
