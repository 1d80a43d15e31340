// `Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1`: a write or read of one
// object is answered with its metadata only (as client-go's metadata client asks), a list asked
// for that way is refused; and the operator's client asks for it where only the new
// resourceVersion matters.
import { createKubeClient } from '../../../src/kube/kube-client.ts';
import { fixture, startEmulator, widget } from './support.ts';
import type { Emulator, Json } from './support.ts';

const PARTIAL = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const WIDGETS = '/apis/demo.example.com/v1/namespaces/default/widgets';

let emu: Emulator;

beforeEach(async () => {
  emu = await startEmulator({ crds: [await fixture('widget-crd.yaml')] });
});

afterEach(async () => {
  await emu.close();
});

async function send(method: string, path: string, accept: string, body?: Json, contentType = 'application/json'): Promise<{ code: number; type: string | null; body: Json }> {
  const res = await fetch(`${emu.server.url}${path}`, {
    method, headers: { Accept: accept, ...(body !== undefined && { 'Content-Type': contentType }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { code: res.status, type: res.headers.get('content-type'), body: await res.json() as Json };
}

test('create, status patch and get answer with the metadata only; the object itself is whole', async () => {
  const created = await send('POST', WIDGETS, PARTIAL, widget('w1'));
  expect(created.code).toBe(201);
  expect(created.type).toContain('as=PartialObjectMetadata');
  expect(created.body).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'w1', namespace: 'default' } });
  expect(Object.keys(created.body).sort()).toStrictEqual(['apiVersion', 'kind', 'metadata']);

  const patched = await send('PATCH', `${WIDGETS}/w1/status`, PARTIAL, { status: { phase: 'Ready' } }, 'application/merge-patch+json');
  expect(patched.code).toBe(200);
  expect(patched.body).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'w1' } });
  expect(patched.body).not.toHaveProperty('status');
  expect(Number(patched.body.metadata.resourceVersion)).toBeGreaterThan(Number(created.body.metadata.resourceVersion));

  const whole = await send('GET', `${WIDGETS}/w1`, 'application/json');
  expect(whole.body).toMatchObject({ kind: 'Widget', spec: { color: 'red' }, status: { phase: 'Ready' } });
  expect(whole.body.metadata.resourceVersion).toBe(patched.body.metadata.resourceVersion);
  expect((await send('GET', `${WIDGETS}/w1`, PARTIAL)).body).toStrictEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: whole.body.metadata });
});

test('a list asked for as PartialObjectMetadata is refused with 406, as the API server does', async () => {
  await send('POST', WIDGETS, 'application/json', widget('w1'));
  const listed = await send('GET', WIDGETS, PARTIAL);
  expect(listed.code).toBe(406);
  expect(listed.body).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', message: expect.stringContaining('is a list (WidgetList)') });
});

test('the operator\'s client asks for the metadata only when told to, and reads the new resourceVersion either way', async () => {
  const kube = createKubeClient({ kubeConfig: emu.kc });
  const ref = { group: 'demo.example.com', version: 'v1', plural: 'widgets', namespace: 'default', name: 'w1' };
  await send('POST', WIDGETS, 'application/json', widget('w1'));
  const lean = await kube.patchStatus(ref, { status: { phase: 'Ready' } }, { metadataOnly: true });
  expect(lean).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'w1', resourceVersion: expect.any(String) } });
  const whole = await kube.patchStatus(ref, { status: { phase: 'Done' } });
  expect(whole).toMatchObject({ kind: 'Widget', status: { phase: 'Done' } });
  expect(Number(whole.metadata?.resourceVersion)).toBeGreaterThan(Number(lean.metadata?.resourceVersion));
  // Conditional on a resourceVersion, as launch intents are: a stale one is a conflict still.
  await expect(kube.patchStatus(ref, { status: { phase: 'Again' } }, { metadataOnly: true, resourceVersion: lean.metadata?.resourceVersion ?? '' }))
    .rejects.toMatchObject({ code: 409 });
});
