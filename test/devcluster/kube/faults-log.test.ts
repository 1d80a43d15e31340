// The request log (every request in Kubernetes terms) and the fault hooks: scripted errors, an
// error rate, latency on the server clock, forced 410 and dropped watches.

import { CoreV1Api, CustomObjectsApi, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { EventLog, waitFor } from '../../support/wait.ts';
import { WIDGETS, fixture, rejection, startEmulator, widget } from './support.ts';
import type { Emulator, Json } from './support.ts';

const ns = { ...WIDGETS, namespace: 'default' };
let emu: Emulator;
let api: CustomObjectsApi;
let clock: FakeClock;
let draws: number[];

beforeEach(async () => {
  clock = new FakeClock();
  draws = [];
  emu = await startEmulator({ clock, random: () => draws.shift() ?? 0.99, crds: [await fixture('widget-crd.yaml')] });
  api = emu.kc.makeApiClient(CustomObjectsApi);
});

afterEach(async () => {
  await emu.close();
});

const pick = (r: Json): Json => ({ verb: r.verb, group: r.group, resource: r.resource, subresource: r.subresource, namespace: r.namespace, name: r.name, code: r.code });

test('the request log names every request as Kubernetes does', async () => {
  const seen: string[] = [];
  emu.server.onRequest((r) => seen.push(r.verb));
  await fetch(`${emu.server.url}/apis`);
  await api.createNamespacedCustomObject({ ...ns, body: widget('w1') });
  await api.getNamespacedCustomObject({ ...ns, name: 'w1' });
  await api.listClusterCustomObject({ ...WIDGETS });
  await api.patchNamespacedCustomObjectStatus({ ...ns, name: 'w1', body: { status: { phase: 'Up' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  await api.replaceNamespacedCustomObject({ ...ns, name: 'w1', body: await api.getNamespacedCustomObject({ ...ns, name: 'w1' }) });
  await api.deleteNamespacedCustomObject({ ...ns, name: 'w1' });
  await rejection(api.getNamespacedCustomObject({ ...ns, name: 'w1' }));
  await api.deleteCollectionNamespacedCustomObject({ ...ns });
  await emu.kc.makeApiClient(CoreV1Api).readNamespace({ name: 'default' });

  const log = emu.server.requests();
  expect(log[0]).toEqual(expect.objectContaining({ verb: 'get', method: 'GET', path: '/apis', resourceRequest: false, code: 200 }));
  const w = { group: 'demo.example.com', resource: 'widgets', subresource: '' };
  expect(log.slice(1).map(pick)).toEqual([
    { ...w, verb: 'create', namespace: 'default', name: '', code: 201 },
    { ...w, verb: 'get', namespace: 'default', name: 'w1', code: 200 },
    { ...w, verb: 'list', namespace: '', name: '', code: 200 },
    { ...w, verb: 'patch', subresource: 'status', namespace: 'default', name: 'w1', code: 200 },
    { ...w, verb: 'get', namespace: 'default', name: 'w1', code: 200 },
    { ...w, verb: 'update', namespace: 'default', name: 'w1', code: 200 },
    { ...w, verb: 'delete', namespace: 'default', name: 'w1', code: 200 },
    { ...w, verb: 'get', namespace: 'default', name: 'w1', code: 404 },
    { ...w, verb: 'deletecollection', namespace: 'default', name: '', code: 200 },
    { verb: 'get', group: '', resource: 'namespaces', subresource: '', namespace: '', name: 'default', code: 200 },
  ]);
  expect(log[1]?.userAgent).toMatch(/^kubernetes-client-javascript/);
  expect(seen).toHaveLength(log.length);
  emu.server.clearRequests();
  expect(emu.server.requests()).toEqual([]);
});

test('scripted errors fail the next matching requests with a real Status', async () => {
  emu.server.faults.failNext({ verb: 'create', resource: 'widgets', code: 500, times: 2 });
  emu.server.faults.failNext({ verb: 'get', name: 'w1', code: 429 });
  const first = await rejection(api.createNamespacedCustomObject({ ...ns, body: widget('w1') }));
  expect(first).toEqual(expect.objectContaining({ httpCode: 500, kind: 'Status', status: 'Failure', reason: 'InternalError', code: 500 }));
  expect((await rejection(api.createNamespacedCustomObject({ ...ns, body: widget('w1') }))).code).toBe(500);
  await api.createNamespacedCustomObject({ ...ns, body: widget('w1') });
  const res = await fetch(`${emu.server.url}/apis/demo.example.com/v1/namespaces/default/widgets/w1`);
  expect([res.status, res.headers.get('retry-after'), ((await res.json()) as Json).reason]).toEqual([429, '1', 'TooManyRequests']);
  await api.getNamespacedCustomObject({ ...ns, name: 'w1' });

  emu.server.faults.failNext({ verb: ['update', 'patch'], code: 409, reason: 'Conflict', message: 'scripted conflict' });
  const conflict = await rejection(api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: [{ op: 'replace', path: '/spec/size', value: 2 }] }));
  expect([conflict.code, conflict.reason, conflict.message]).toEqual([409, 'Conflict', 'scripted conflict']);
  expect(emu.server.requests().filter((r) => r.code >= 400).map((r) => r.code)).toEqual([500, 500, 429, 409]);
  expect(emu.server.faults.injected()).toEqual({ 500: 2, 429: 1, 409: 1 });
});

test('a lost answer: the write is carried out, then the connection is cut before the client hears of it', async () => {
  emu.server.faults.loseNextAnswer({ verb: 'create', resource: 'widgets' });
  await expect(api.createNamespacedCustomObject({ ...ns, body: widget('w1') })).rejects.toThrow();
  // It happened all the same: a retried create is AlreadyExists, and the object is there.
  expect((await rejection(api.createNamespacedCustomObject({ ...ns, body: widget('w1') }))).code).toBe(409);
  expect(((await api.getNamespacedCustomObject({ ...ns, name: 'w1' })) as Json).metadata.name).toBe('w1');
  expect(emu.server.requests().filter((r) => r.resource === 'widgets').map((r) => `${r.verb} ${r.code}`)).toEqual(['create 0', 'create 409', 'get 200']);
  // The AlreadyExists was the server's own answer, not an injected one.
  expect(emu.server.faults.injected()).toEqual({ 'lost answer': 1 });
});

test('an error rate fails a share of matching requests, drawn from the injected Random', async () => {
  await api.createNamespacedCustomObject({ ...ns, body: widget('w1') });
  emu.server.faults.setErrorRate(0.5, { resource: 'widgets', verb: 'get', code: 503 });
  draws = [0.1, 0.7, 0.4];
  const outcomes: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    try {
      await api.getNamespacedCustomObject({ ...ns, name: 'w1' });
      outcomes.push(200);
    } catch (err) {
      outcomes.push((err as { code: number }).code);
    }
  }
  expect(outcomes).toEqual([503, 200, 503]);
  expect(emu.server.faults.injected()).toEqual({ 503: 2 });
  emu.server.faults.clear();
  await api.getNamespacedCustomObject({ ...ns, name: 'w1' });
});

test('latency holds matching requests until the server clock moves', async () => {
  await api.createNamespacedCustomObject({ ...ns, body: widget('w1') });
  emu.server.faults.setLatency(5_000, { verb: 'get', resource: 'widgets' });
  let answered = false;
  const pending = api.getNamespacedCustomObject({ ...ns, name: 'w1' }).then(() => { answered = true; });
  await waitFor(() => clock.pending > 0, 'the delayed request');
  clock.advance(4_999);
  await api.listNamespacedCustomObject(ns);
  expect(answered).toBe(false);
  clock.advance(1);
  await pending;
  expect(answered).toBe(true);
});

test('a forced 410 answers the next watch; dropped watches end cleanly or abruptly', async () => {
  const watch = new Watch(emu.kc);
  const path = '/apis/demo.example.com/v1/namespaces/default/widgets';
  emu.server.faults.expireNextWatch({ resource: 'widgets' });
  const expired = new EventLog<[string, Json]>();
  let expiredDone: unknown = 'open';
  await watch.watch(path, { resourceVersion: emu.server.resourceVersion() }, (t, o: Json) => expired.push([t, o]), (err) => { expiredDone = err; });
  const [type, status] = await expired.take(() => true, 'the ERROR event');
  expect([type, status.code, status.reason]).toEqual(['ERROR', 410, 'Expired']);
  await waitFor(() => expiredDone !== 'open', 'the stream end');
  expect(emu.server.faults.injected()).toEqual({ '410 watch': 1 });

  const ends: unknown[] = [];
  await watch.watch(path, {}, () => undefined, (err) => ends.push(err));
  await watch.watch(path, {}, () => undefined, (err) => ends.push(err));
  await waitFor(() => emu.server.openWatches() === 2, 'two open watches');
  expect(emu.server.dropWatches({ resource: 'widgets' })).toBe(2);
  await waitFor(() => ends.length === 2, 'both watches to end');
  expect(ends).toEqual([null, null]);

  await watch.watch(path, {}, () => undefined, (err) => ends.push(err));
  await waitFor(() => emu.server.openWatches() === 1, 'one open watch');
  emu.server.dropWatches({ abrupt: true });
  await waitFor(() => ends.length === 3, 'the abrupt end');
  expect(ends[2]).toBeInstanceOf(Error);
});
