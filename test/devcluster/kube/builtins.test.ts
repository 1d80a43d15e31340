// Built-in kinds through client-node's typed APIs: Leases for leader election (MicroTime, 409 on a
// lost race), core/v1 and events.k8s.io/v1 Events over one storage, Secrets, and the lifecycle
// of Namespaces and CRDs (deletion cascades, Terminating, finalizers).

import {
  CoordinationV1Api, CoreV1Api, CustomObjectsApi, EventsV1Api, V1MicroTime,
} from '@kubernetes/client-node';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { WIDGETS, each, fixture, rejection, startEmulator, widget } from './support.ts';
import type { Emulator, Json } from './support.ts';

let emu: Emulator;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 0, 0, 250));
  emu = await startEmulator({ clock, crds: [await fixture('widget-crd.yaml')] });
});

afterEach(async () => {
  await emu.close();
});

test('leader election with a Lease: create, renew with the resourceVersion, lose the race with 409', async () => {
  const leases = emu.kc.makeApiClient(CoordinationV1Api);
  expect((await rejection(leases.readNamespacedLease({ name: 'lock', namespace: 'default' }))).code).toBe(404);
  const now = new V1MicroTime(clock.now());
  const lease = await leases.createNamespacedLease({ namespace: 'default', body: {
    metadata: { name: 'lock' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: now, renewTime: now, leaseTransitions: 0 },
  } });
  expect(lease.spec?.renewTime).toBe('2026-01-01T12:00:00.250000Z');
  expect(lease.metadata?.generation).toBeUndefined();

  clock.advance(2_000);
  const renewed = await leases.replaceNamespacedLease({ name: 'lock', namespace: 'default', body: {
    ...lease, spec: { ...lease.spec, renewTime: new V1MicroTime(clock.now()) },
  } });
  const stale = await rejection(leases.replaceNamespacedLease({ name: 'lock', namespace: 'default', body: {
    ...lease, spec: { ...lease.spec, holderIdentity: 'b', leaseTransitions: 1 },
  } }));
  expect([stale.code, stale.reason, stale.message]).toEqual([409, 'Conflict', 'Operation cannot be fulfilled on leases.coordination.k8s.io "lock": the object has been modified; please apply your changes to the latest version and try again']);
  const takeover = await leases.replaceNamespacedLease({ name: 'lock', namespace: 'default', body: {
    ...renewed, spec: { ...renewed.spec, holderIdentity: 'b', leaseTransitions: 1 },
  } });
  expect([takeover.spec?.holderIdentity, takeover.spec?.leaseTransitions]).toEqual(['b', 1]);
});

test('Lease validation: MicroTime needs six fractional digits, durations must be positive', async () => {
  const url = `${emu.server.url}/apis/coordination.k8s.io/v1/namespaces/default/leases`;
  const post = async (spec: Json): Promise<Json> => {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ metadata: { name: 'l' }, spec }) });
    return { httpCode: res.status, ...(await res.json() as Json) };
  };
  const millis = await post({ holderIdentity: 'a', renewTime: '2026-01-01T00:00:00.123Z' });
  expect([millis.httpCode, millis.reason, millis.message]).toEqual([400, 'BadRequest',
    'Lease in version "v1" cannot be handled as a Lease: parsing time "2026-01-01T00:00:00.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"']);
  const wrongType = await post({ holderIdentity: true });
  expect([wrongType.httpCode, wrongType.message]).toEqual([400, 'Lease in version "v1" cannot be handled as a Lease: json: cannot unmarshal bool into Go struct field LeaseSpec.spec.holderIdentity of type string']);
  const zero = await post({ holderIdentity: 'a', leaseDurationSeconds: 0 });
  expect([zero.httpCode, zero.message]).toEqual([422, 'Lease.coordination.k8s.io "l" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
});

test('core/v1 and events.k8s.io/v1 Events share storage and the field selectors kubectl describe uses', async () => {
  const core = emu.kc.makeApiClient(CoreV1Api);
  const objects = emu.kc.makeApiClient(CustomObjectsApi);
  const w = await objects.createNamespacedCustomObject({ ...WIDGETS, namespace: 'default', body: widget('w1') }) as Json;
  const involvedObject = { apiVersion: 'demo.example.com/v1', kind: 'Widget', name: 'w1', namespace: 'default', uid: w.metadata.uid as string };
  const ev = await core.createNamespacedEvent({ namespace: 'default', body: {
    metadata: { generateName: 'w1.' }, involvedObject, reason: 'Painted', message: 'painted red', type: 'Normal',
    source: { component: 'widget-controller' }, firstTimestamp: new Date(clock.now()), lastTimestamp: new Date(clock.now()), count: 1,
  } });
  expect(ev.metadata?.name).toMatch(/^w1\.[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  expect(ev.firstTimestamp?.toISOString()).toBe('2026-01-01T12:00:00.000Z');

  const v1 = emu.kc.makeApiClient(EventsV1Api);
  await v1.createNamespacedEvent({ namespace: 'default', body: {
    metadata: { name: 'w1.sized' }, eventTime: new V1MicroTime(clock.now()), regarding: involvedObject, reason: 'Sized', note: 'size 1',
    type: 'Normal', action: 'Resize', reportingController: 'demo.example.com/widget-controller', reportingInstance: 'pod-a',
  } });
  const selector = `involvedObject.name=w1,involvedObject.namespace=default,involvedObject.kind=Widget,involvedObject.uid=${w.metadata.uid as string}`;
  const listed = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: selector });
  const rows = listed.items.map((e) => [e.reason, e.message, e.reportingComponent ?? e.source?.component]);
  expect(rows.sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1))).toEqual([
    ['Painted', 'painted red', 'widget-controller'], ['Sized', 'size 1', 'demo.example.com/widget-controller'],
  ]);
  const asV1 = await v1.listNamespacedEvent({ namespace: 'default', fieldSelector: 'reason=Painted' });
  expect(asV1.items.map((e) => [e.note, e.regarding?.name, e.deprecatedSource?.component])).toEqual([['painted red', 'w1', 'widget-controller']]);

  const mismatch = await rejection(core.createNamespacedEvent({ namespace: 'default', body: {
    metadata: { name: 'bad' }, involvedObject: { ...involvedObject, namespace: 'other' }, reason: 'X', message: 'x',
  } }));
  expect(mismatch.message).toBe('Event "bad" is invalid: involvedObject.namespace: Invalid value: "other": does not match event.namespace');
  const strictV1 = await rejection(v1.createNamespacedEvent({ namespace: 'default', body: { metadata: { name: 'bad' }, regarding: involvedObject, reason: 'X', type: 'Odd', eventTime: new V1MicroTime(clock.now()) } }));
  expect(each(strictV1.details.causes).map((c): unknown => c.field)).toEqual(['reportingController', 'reportingInstance', 'action', 'type']);
});

test('Secrets fold stringData into base64 data', async () => {
  const core = emu.kc.makeApiClient(CoreV1Api);
  const s = await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's' }, stringData: { password: 'hunter2' } } });
  expect([s.type, s.data?.password, s.stringData]).toEqual(['Opaque', Buffer.from('hunter2').toString('base64'), undefined]);
  const listed = await core.listNamespacedSecret({ namespace: 'default', labelSelector: 'owner!=helm' });
  expect(listed.items).toHaveLength(1);
});

test('deleting a namespace deletes its contents and waits for their finalizers', async () => {
  const core = emu.kc.makeApiClient(CoreV1Api);
  const objects = emu.kc.makeApiClient(CustomObjectsApi);
  const created = await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
  expect([created.status?.phase, created.spec?.finalizers, created.metadata?.labels]).toEqual(['Active', ['kubernetes'], { 'kubernetes.io/metadata.name': 'team-a' }]);
  await objects.createNamespacedCustomObject({ ...WIDGETS, namespace: 'team-a', body: widget('free') });
  await objects.createNamespacedCustomObject({ ...WIDGETS, namespace: 'team-a', body: widget('held', {}, { finalizers: ['demo.example.com/hold'] }) });

  const deleting = await core.deleteNamespace({ name: 'team-a' }) as Json;
  expect(deleting.status.phase).toBe('Terminating');
  const left = await objects.listNamespacedCustomObject({ ...WIDGETS, namespace: 'team-a' }) as Json;
  expect(each(left.items).map((i): unknown => [i.metadata.name, typeof i.metadata.deletionTimestamp])).toEqual([['held', 'string']]);
  const refused = await rejection(objects.createNamespacedCustomObject({ ...WIDGETS, namespace: 'team-a', body: widget('late') }));
  expect([refused.code, refused.message]).toEqual([403, 'widgets.demo.example.com "late" is forbidden: unable to create new content in namespace team-a because it is being terminated']);

  await objects.patchNamespacedCustomObject({ ...WIDGETS, namespace: 'team-a', name: 'held', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
  expect((await rejection(core.readNamespace({ name: 'team-a' }))).code).toBe(404);
});

test('deleting a CRD deletes its resources and stops serving them', async () => {
  const objects = emu.kc.makeApiClient(CustomObjectsApi);
  await objects.createNamespacedCustomObject({ ...WIDGETS, namespace: 'default', body: widget('w1') });
  const del = await emu.kubectl(['delete', 'crd', 'widgets.demo.example.com']);
  expect(del.stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io "widgets.demo.example.com" deleted');
  const gone = await rejection(objects.listNamespacedCustomObject({ ...WIDGETS, namespace: 'default' }));
  expect([gone.code, gone.message]).toEqual([404, 'the server could not find the requested resource']);
  const discovery = await (await fetch(`${emu.server.url}/apis`)).json() as Json;
  expect(each(discovery.groups).map((g): unknown => g.name)).not.toContain('demo.example.com');
});
