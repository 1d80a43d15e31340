// client-node 2.0.1 (CustomObjectsApi, ApiextensionsV1Api) against the emulator: CRUD, merge and
// JSON patch, the status subresource and generation, optimistic concurrency, schema and CEL
// validation with the real Status bodies, selectors and pagination, finalizers.

import { ApiextensionsV1Api, CustomObjectsApi, PatchStrategy, loadYaml, setHeaderOptions } from '@kubernetes/client-node';
import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { WIDGETS, each, fixture, fixtureText, rejection, startEmulator, widget } from './support.ts';
import type { Emulator, Json } from './support.ts';

let emu: Emulator;
let api: CustomObjectsApi;
const ns = { ...WIDGETS, namespace: 'default' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

beforeEach(async () => {
  emu = await startEmulator({ crds: [await fixture('widget-crd.yaml')] });
  api = emu.kc.makeApiClient(CustomObjectsApi);
});

afterEach(async () => {
  await emu.close();
});

const create = (body: Json): Promise<Json> => api.createNamespacedCustomObject({ ...ns, body }) as Promise<Json>;
const get = (name: string): Promise<Json> => api.getNamespacedCustomObject({ ...ns, name }) as Promise<Json>;

test('a CRD created through the API serves its resource at once', async () => {
  const other = await startEmulator();
  try {
    const ext = other.kc.makeApiClient(ApiextensionsV1Api);
    // loadYaml yields client-node's typed model; a plain parsed object would lose `enum`, `default`
    // and `x-kubernetes-*` in the typed serializer (it maps them to `_enum`, `_default`, …).
    const body = loadYaml<V1CustomResourceDefinition>(await fixtureText('widget-crd.yaml'));
    const crd = await ext.createCustomResourceDefinition({ body });
    expect(crd.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['NamesAccepted', 'True', 'NoConflicts'], ['Established', 'True', 'InitialNamesAccepted'],
    ]);
    expect(crd.status?.acceptedNames).toEqual(expect.objectContaining({ kind: 'Widget', plural: 'widgets', shortNames: ['wd'] }));
    expect(crd.status?.storedVersions).toEqual(['v1']);
    const objects = other.kc.makeApiClient(CustomObjectsApi);
    const w = await objects.createNamespacedCustomObject({ ...ns, body: widget('w1') }) as Json;
    expect(w.spec).toEqual({ color: 'red', size: 1 });
    const invalid = await rejection(objects.createNamespacedCustomObject({ ...ns, body: widget('w2', { color: 'pink' }) }));
    expect(invalid.code).toBe(422);
  } finally {
    await other.close();
  }
});

test('create sets system metadata, drops status, applies defaults; get, replace and delete', async () => {
  const created = await create({ ...widget('w1', { size: 2 }), status: { phase: 'Forged' } });
  expect(created.metadata).toEqual(expect.objectContaining({ name: 'w1', namespace: 'default', generation: 1, uid: expect.stringMatching(/^[0-9a-f-]{36}$/) }));
  expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(created.status).toBeUndefined();
  expect((await create(widget('w2'))).spec.size).toBe(1);

  const fetched = await get('w1');
  expect(fetched).toEqual(created);
  const replaced = await api.replaceNamespacedCustomObject({ ...ns, name: 'w1', body: { ...fetched, spec: { color: 'blue', size: 2 } } }) as Json;
  expect(replaced.metadata.generation).toBe(2);
  expect(Number(replaced.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));

  const deleted = await api.deleteNamespacedCustomObject({ ...ns, name: 'w1' }) as Json;
  expect(deleted).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'w1', group: 'demo.example.com', kind: 'widgets', uid: created.metadata.uid } });
  const missing = await rejection(get('w1'));
  expect(missing).toEqual({
    httpCode: 404, kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404,
    message: 'widgets.demo.example.com "w1" not found', details: { name: 'w1', group: 'demo.example.com', kind: 'widgets' },
  });
  const dup = await rejection(create(widget('w2')));
  expect([dup.httpCode, dup.reason, dup.message]).toEqual([409, 'AlreadyExists', 'widgets.demo.example.com "w2" already exists']);
});

test('merge and JSON patches; generation moves only with the spec; a no-op keeps the resourceVersion', async () => {
  const w = await create(widget('w1'));
  const labelled = await api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { metadata: { labels: { tier: 'x' } } } }, merge) as Json;
  expect(labelled.metadata.generation).toBe(1);
  expect(labelled.metadata.resourceVersion).not.toBe(w.metadata.resourceVersion);
  const again = await api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { metadata: { labels: { tier: 'x' } } } }, merge) as Json;
  expect(again.metadata.resourceVersion).toBe(labelled.metadata.resourceVersion);

  const json = await api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: [
    { op: 'test', path: '/spec/color', value: 'red' },
    { op: 'replace', path: '/spec/size', value: 7 },
    { op: 'add', path: '/spec/tags', value: ['a'] },
    { op: 'add', path: '/spec/tags/-', value: 'b' },
  ] }) as Json;
  expect(json.spec).toEqual({ color: 'red', size: 7, tags: ['a', 'b'] });
  expect(json.metadata.generation).toBe(2);
  const removed = await api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { spec: { tags: null } } }, merge) as Json;
  expect(removed.spec).toEqual({ color: 'red', size: 7 });

  const failedTest = await rejection(api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: [{ op: 'test', path: '/spec/color', value: 'blue' }] }));
  expect([failedTest.code, failedTest.reason, failedTest.message]).toEqual([422, 'Invalid', 'testing value /spec/color failed: test failed']);
  const notArray = await rejection(api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { spec: {} } }));
  expect([notArray.code, notArray.reason]).toEqual([400, 'BadRequest']);
});

test('the status subresource: main writes ignore status, status writes ignore everything else', async () => {
  const w = await create(widget('w1'));
  const mainWrite = await api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { spec: { size: 2 }, status: { phase: 'Ignored' } } }, merge) as Json;
  expect(mainWrite.status).toBeUndefined();
  expect(mainWrite.metadata.generation).toBe(2);

  const statusWrite = await api.patchNamespacedCustomObjectStatus({
    ...ns, name: 'w1', body: { spec: { size: 9 }, metadata: { labels: { sneaky: 'yes' } }, status: { phase: 'Running', observedGeneration: 2 } },
  }, merge) as Json;
  expect(statusWrite.status).toEqual({ phase: 'Running', observedGeneration: 2 });
  expect(statusWrite.spec.size).toBe(2);
  expect(statusWrite.metadata.labels).toBeUndefined();
  expect(statusWrite.metadata.generation).toBe(2);

  const replaced = await api.replaceNamespacedCustomObjectStatus({ ...ns, name: 'w1', body: { ...statusWrite, status: { phase: 'Done' } } }) as Json;
  expect(replaced.status).toEqual({ phase: 'Done' });
  expect((await get('w1')).metadata.uid).toBe(w.metadata.uid);
});

test('a stale resourceVersion is a 409 Conflict shaped like the real one', async () => {
  const w = await create(widget('w1'));
  await api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { spec: { size: 3 } } }, merge);
  const expected = {
    httpCode: 409, kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Conflict', code: 409,
    message: 'Operation cannot be fulfilled on widgets.demo.example.com "w1": the object has been modified; please apply your changes to the latest version and try again',
    details: { name: 'w1', group: 'demo.example.com', kind: 'widgets' },
  };
  expect(await rejection(api.replaceNamespacedCustomObject({ ...ns, name: 'w1', body: { ...w, spec: { color: 'blue' } } }))).toEqual(expected);
  expect(await rejection(api.replaceNamespacedCustomObjectStatus({ ...ns, name: 'w1', body: { ...w, status: { phase: 'x' } } }))).toEqual(expected);
  expect(await rejection(api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { metadata: { resourceVersion: w.metadata.resourceVersion }, spec: { size: 4 } } }, merge))).toEqual(expected);

  const { resourceVersion: _rv, ...noRv } = (await get('w1')).metadata as Json;
  const unconditional = await rejection(api.replaceNamespacedCustomObject({ ...ns, name: 'w1', body: { ...w, metadata: noRv } }));
  expect([unconditional.code, unconditional.message]).toEqual([422, 'widgets.demo.example.com "w1" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update']);
});

test('schema violations are 422 Invalid with causes, as the real apiserver writes them', async () => {
  const one = await rejection(create(widget('w1', { size: 0 })));
  expect(one).toEqual({
    httpCode: 422, kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Invalid', code: 422,
    message: 'Widget.demo.example.com "w1" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
    details: { name: 'w1', group: 'demo.example.com', kind: 'Widget', causes: [
      { reason: 'FieldValueInvalid', message: 'Invalid value: 0: spec.size in body should be greater than or equal to 1', field: 'spec.size' },
    ] },
  });

  const several = await rejection(create({ ...widget('w1'), spec: { color: 'pink', label: 'x'.repeat(21), tags: ['a', 'b', 'c', 'd'] } }));
  expect(several.details.causes).toEqual([
    { reason: 'FieldValueNotSupported', message: 'Unsupported value: "pink": supported values: "red", "green", "blue"', field: 'spec.color' },
    { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 20 bytes', field: 'spec.label' },
    { reason: 'FieldValueTooMany', message: 'Too many: 4: must have at most 3 items', field: 'spec.tags' },
  ]);
  expect(several.message).toMatch(/^Widget\.demo\.example\.com "w1" is invalid: \[spec\.color: Unsupported value: "pink": .*, spec\.tags: Too many: 4: must have at most 3 items\]$/);

  const missing = await rejection(create({ ...widget('w1'), spec: { size: 2 } }));
  expect(missing.details.causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.color' }]);

  const wrongType = await rejection(create(widget('w1', { size: 'big' })));
  expect(wrongType.details.causes).toEqual([
    { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.size in body must be of type integer: "string"', field: 'spec.size' },
    { reason: 'FieldValueInvalid', message: 'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation', field: '<nil>' },
  ]);

  const badName = await rejection(create(widget('Bad_Name')));
  expect(badName.details.causes[0]).toEqual(expect.objectContaining({ field: 'metadata.name', reason: 'FieldValueInvalid', message: expect.stringMatching(/^Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/) }));
});

test('CEL rules: cross-field rules on create, transition rules (immutability) on update', async () => {
  const cross = await rejection(create(widget('w1', { size: 5, maxSize: 2 })));
  expect(cross.message).toBe('Widget.demo.example.com "w1" is invalid: spec: Invalid value: "object": maxSize must be at least size');
  await create(widget('w1', { serial: 'abc-1' }));
  const changed = await rejection(api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { spec: { serial: 'abc-2' } } }, merge));
  expect([changed.code, changed.reason]).toEqual([422, 'Invalid']);
  expect(changed.details.causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: "string": Value is immutable', field: 'spec.serial' }]);
  const other = await api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { spec: { size: 4 } } }, merge) as Json;
  expect(other.spec).toEqual({ color: 'red', size: 4, serial: 'abc-1' });
});

test('unknown fields: pruned with a warning by default, rejected with fieldValidation=Strict', async () => {
  const res = await fetch(`${emu.server.url}/apis/demo.example.com/v1/namespaces/default/widgets`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(widget('w1', { colour: 'blue' })),
  });
  expect(res.status).toBe(201);
  expect(res.headers.get('warning')).toBe('299 - "unknown field \\"spec.colour\\""');
  expect(((await res.json()) as Json).spec).toEqual({ color: 'red', size: 1 });
  const strict = await rejection(api.createNamespacedCustomObject({ ...ns, body: widget('w2', { colour: 'blue' }), fieldValidation: 'Strict' }));
  expect([strict.code, strict.reason, strict.message]).toEqual([400, 'BadRequest', 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.colour"']);
  const strictPatch = await rejection(api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { spec: { colour: 'x' } }, fieldValidation: 'Strict' }, merge));
  expect([strictPatch.code, strictPatch.details.causes[0].field]).toEqual([422, 'patch']);
  expect(strictPatch.details.causes[0].message).toMatch(/strict decoding error: unknown field "spec.colour"$/);
});

test('label selectors (equality and set-based), field selectors, limit and continue', async () => {
  for (const [name, labels] of [['a', { tier: 'web', env: 'prod' }], ['b', { tier: 'db', env: 'prod' }], ['c', { tier: 'web' }], ['d', {}]] as const) {
    await create(widget(name, {}, { labels }));
  }
  const names = async (q: Json): Promise<string[]> =>
    ((await api.listNamespacedCustomObject({ ...ns, ...q }) as Json).items as Json[]).map((i) => i.metadata.name as string);
  expect(await names({ labelSelector: 'tier=web' })).toEqual(['a', 'c']);
  expect(await names({ labelSelector: 'tier!=web' })).toEqual(['b', 'd']);
  expect(await names({ labelSelector: 'tier in (web,db),env' })).toEqual(['a', 'b']);
  expect(await names({ labelSelector: 'tier notin (web),!env' })).toEqual(['d']);
  expect(await names({ fieldSelector: 'metadata.name=b' })).toEqual(['b']);
  expect(await names({ fieldSelector: 'metadata.namespace=default,metadata.name!=b' })).toEqual(['a', 'c', 'd']);
  const bad = await rejection(api.listNamespacedCustomObject({ ...ns, fieldSelector: 'spec.color=red' }));
  expect([bad.code, bad.message]).toEqual([400, 'field label not supported: spec.color']);

  const page1 = await api.listNamespacedCustomObject({ ...ns, limit: 3 }) as Json;
  expect(each(page1.items).map((i): unknown => i.metadata.name)).toEqual(['a', 'b', 'c']);
  expect(page1.metadata.remainingItemCount).toBe(1);
  const page2 = await api.listNamespacedCustomObject({ ...ns, limit: 3, _continue: page1.metadata.continue }) as Json;
  expect(each(page2.items).map((i): unknown => i.metadata.name)).toEqual(['d']);
  expect(page2.metadata.continue).toBeUndefined();
  expect(page2.kind).toBe('WidgetList');
});

test('generateName, missing namespaces and dry runs', async () => {
  const g = await create({ ...widget(''), metadata: { generateName: 'gen-' } });
  expect(g.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  const nowhere = await rejection(api.createNamespacedCustomObject({ ...ns, namespace: 'nope', body: widget('w1') }));
  expect([nowhere.code, nowhere.message, nowhere.details]).toEqual([404, 'namespaces "nope" not found', { name: 'nope', kind: 'namespaces' }]);
  const dry = await api.createNamespacedCustomObject({ ...ns, body: widget('dry'), dryRun: 'All' }) as Json;
  expect(dry.metadata.name).toBe('dry');
  expect((await rejection(get('dry'))).code).toBe(404);
});

test('finalizers: deletion waits for them, no new ones may be added, the last removal deletes', async () => {
  await create(widget('w1', {}, { finalizers: ['demo.example.com/a', 'demo.example.com/b'] }));
  const marked = await api.deleteNamespacedCustomObject({ ...ns, name: 'w1' }) as Json;
  expect(marked.metadata.deletionTimestamp).toEqual(expect.any(String));
  expect(marked.metadata.generation).toBe(2);
  const again = await api.deleteNamespacedCustomObject({ ...ns, name: 'w1' }) as Json;
  expect(again.metadata.resourceVersion).toBe(marked.metadata.resourceVersion);
  const added = await rejection(api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { metadata: { finalizers: ['demo.example.com/a', 'demo.example.com/b', 'demo.example.com/c'] } } }, merge));
  expect(added.message).toBe('Widget.demo.example.com "w1" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"demo.example.com/c"}');
  await api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: { metadata: { finalizers: ['demo.example.com/b'] } } }, merge);
  expect((await get('w1')).metadata.finalizers).toEqual(['demo.example.com/b']);
  await api.patchNamespacedCustomObject({ ...ns, name: 'w1', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
  expect((await rejection(get('w1'))).code).toBe(404);
});
