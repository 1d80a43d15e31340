// The real kubectl binary (v1.33) against the emulator: apply, get with printer columns, wait,
// delete with a finalizer, watch, validation messages, namespaces and describe.

import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { waitFor } from '../../support/wait.ts';
import { WIDGETS, fixtureText, startEmulator, widget } from './support.ts';
import type { Emulator } from './support.ts';

const SLOW = 60_000;

let emu: Emulator;

beforeEach(async () => {
  emu = await startEmulator();
}, SLOW);

afterEach(async () => {
  await emu.close();
}, SLOW);

async function installCrd(): Promise<void> {
  const r = await emu.kubectl(['apply', '-f', '-'], { stdin: await fixtureText('widget-crd.yaml') });
  expect(r.stderr).toBe('');
  expect(r.stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/widgets.demo.example.com created');
}

function watchOpened(resource: string, name?: string): () => boolean {
  return () => emu.server.requests().some((r) => r.verb === 'watch' && r.resource === resource
    && (name === undefined || (r.query.fieldSelector ?? '').includes(`metadata.name=${name}`)));
}

test('apply a CRD, wait for Established, apply a resource and list it with printer columns', async () => {
  await installCrd();
  const wait = await emu.kubectl(['wait', '--for=condition=Established', 'crd/widgets.demo.example.com', '--timeout=20s']);
  expect(wait.stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/widgets.demo.example.com condition met');

  const created = await emu.kubectl(['apply', '-f', '-'], { stdin: await fixtureText('widget.yaml') });
  expect(created.stdout.trim()).toBe('widget.demo.example.com/w1 created');
  const again = await emu.kubectl(['apply', '-f', '-'], { stdin: await fixtureText('widget.yaml') });
  expect(again.stdout.trim()).toBe('widget.demo.example.com/w1 unchanged');

  const get = await emu.kubectl(['get', 'widgets']);
  const [header, row] = get.stdout.trim().split('\n');
  expect(header?.split(/\s+/)).toEqual(['NAME', 'COLOR', 'SIZE', 'READY', 'AGE']);
  expect(row?.split(/\s+/).slice(0, 3)).toEqual(['w1', 'red', '3']);
  const wide = await emu.kubectl(['get', 'wd', '-o', 'wide']);
  expect(wide.stdout.split('\n')[0]?.split(/\s+/)).toEqual(['NAME', 'COLOR', 'SIZE', 'READY', 'AGE', 'PHASE']);
  const byCategory = await emu.kubectl(['get', 'demo']);
  expect(byCategory.stdout).toMatch(/^w1\s+red\s+3/m);

  const posts = emu.server.requests().filter((r) => r.verb === 'create' && r.resource === 'widgets');
  expect(posts).toEqual([expect.objectContaining({ code: 201, namespace: 'default', query: expect.objectContaining({ fieldValidation: 'Strict' }) })]);
}, SLOW);

test('schema violations and unknown fields get the real server messages', async () => {
  await installCrd();
  const manifest = await fixtureText('widget.yaml');
  const tooSmall = await emu.kubectl(['apply', '-f', '-'], { stdin: manifest.replace('size: 3', 'size: 0') });
  expect(tooSmall.code).not.toBe(0);
  expect(tooSmall.stderr).toContain('The Widget "w1" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1');

  const unknown = await emu.kubectl(['create', '-f', '-'], { stdin: manifest.replace('  serial: abc-1', '  serial: abc-1\n  colour: blue') });
  expect(unknown.stderr).toContain('Error from server (BadRequest): error when creating "STDIN": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.colour"');

  const warned = await emu.kubectl(['create', '--validate=warn', '-f', '-'], { stdin: manifest.replace('  serial: abc-1', '  serial: abc-1\n  colour: blue') });
  expect(warned.stderr).toContain('Warning: unknown field "spec.colour"');
  expect(warned.stdout.trim()).toBe('widget.demo.example.com/w1 created');

  const immutable = await emu.kubectl(['apply', '-f', '-'], { stdin: manifest.replace('abc-1', 'abc-2') });
  expect(immutable.stderr).toContain('The Widget "w1" is invalid: spec.serial: Invalid value: "string": Value is immutable');

  const smp = await emu.kubectl(['patch', 'wd', 'w1', '-p', '{"spec":{"size":2}}']);
  expect(smp.stderr).toContain('error: application/strategic-merge-patch+json is not supported by demo.example.com/v1, Kind=Widget');
  const merge = await emu.kubectl(['patch', 'wd', 'w1', '--type=merge', '-p', '{"spec":{"size":2}}']);
  expect(merge.stdout.trim()).toBe('widget.demo.example.com/w1 patched');
}, SLOW);

test('kubectl wait --for=condition returns once the status carries the condition', async () => {
  await installCrd();
  await emu.kubectl(['apply', '-f', '-'], { stdin: await fixtureText('widget.yaml') });
  const wait = emu.spawnKubectl(['wait', '--for=condition=Ready', 'wd/w1', '--timeout=45s']);
  let finished = false;
  void wait.done.then(() => { finished = true; });
  await waitFor(watchOpened('widgets', 'w1'), 'kubectl wait to open its watch', 20_000);
  expect(finished).toBe(false);

  const api = emu.kc.makeApiClient(CustomObjectsApi);
  await api.patchNamespacedCustomObjectStatus({
    ...WIDGETS, namespace: 'default', name: 'w1',
    body: { status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'Painted' }] } },
  }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  const result = await wait.done;
  expect(result.code).toBe(0);
  expect(result.stdout.trim()).toBe('widget.demo.example.com/w1 condition met');
}, SLOW);

test('kubectl delete waits until the last finalizer is removed', async () => {
  await installCrd();
  const api = emu.kc.makeApiClient(CustomObjectsApi);
  await api.createNamespacedCustomObject({ ...WIDGETS, namespace: 'default', body: widget('held', {}, { finalizers: ['demo.example.com/hold'] }) });
  const del = emu.spawnKubectl(['delete', 'wd', 'held', '--timeout=45s']);
  let finished = false;
  void del.done.then(() => { finished = true; });
  await waitFor(watchOpened('widgets', 'held'), 'kubectl delete to watch the object', 20_000);

  const pending = await api.getNamespacedCustomObject({ ...WIDGETS, namespace: 'default', name: 'held' }) as { metadata: Record<string, unknown> };
  expect(pending.metadata.deletionTimestamp).toEqual(expect.any(String));
  expect(pending.metadata.deletionGracePeriodSeconds).toBe(0);
  expect(pending.metadata.generation).toBe(2);
  expect(finished).toBe(false);

  await api.patchNamespacedCustomObject({ ...WIDGETS, namespace: 'default', name: 'held', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
  const result = await del.done;
  expect(result.stdout.trim()).toBe('widget.demo.example.com "held" deleted');
  const gone = await emu.kubectl(['get', 'wd', 'held']);
  expect(gone.stderr.trim()).toBe('Error from server (NotFound): widgets.demo.example.com "held" not found');
}, SLOW);

test('kubectl get -w shows watch events with the printer columns', async () => {
  await installCrd();
  const watch = emu.spawnKubectl(['get', 'wd', '-w', '--output-watch-events']);
  await waitFor(watchOpened('widgets'), 'kubectl get -w to open its watch', 20_000);
  const api = emu.kc.makeApiClient(CustomObjectsApi);
  await api.createNamespacedCustomObject({ ...WIDGETS, namespace: 'default', body: widget('w2', { size: 4, color: 'blue' }) });
  await api.patchNamespacedCustomObject({ ...WIDGETS, namespace: 'default', name: 'w2', body: [{ op: 'replace', path: '/spec/size', value: 5 }] });
  await api.deleteNamespacedCustomObject({ ...WIDGETS, namespace: 'default', name: 'w2' });
  await waitFor(() => /DELETED\s+w2/.test(watch.output()), 'the DELETED row', 20_000);
  watch.kill();
  const lines = watch.output().trim().split('\n').map((l) => l.split(/\s+/).slice(0, 5));
  expect(lines).toEqual([
    ['EVENT', 'NAME', 'COLOR', 'SIZE', 'READY'],
    ['ADDED', 'w2', 'blue', '4', expect.any(String)],
    ['MODIFIED', 'w2', 'blue', '5', expect.any(String)],
    ['DELETED', 'w2', 'blue', '5', expect.any(String)],
  ]);
}, SLOW);

test('kubectl create namespace (a protobuf body), and describe lists the events of an object', async () => {
  const ns = await emu.kubectl(['create', 'namespace', 'team-a']);
  expect(ns.stdout.trim()).toBe('namespace/team-a created');
  const nsList = await emu.kubectl(['get', 'ns', 'team-a', '-o', 'jsonpath={.status.phase} {.metadata.labels.kubernetes\\.io/metadata\\.name}']);
  expect(nsList.stdout).toBe('Active team-a');

  await installCrd();
  const api = emu.kc.makeApiClient(CustomObjectsApi);
  const w = await api.createNamespacedCustomObject({ ...WIDGETS, namespace: 'team-a', body: widget('w1') }) as { metadata: { uid: string } };
  const core = emu.kc.makeApiClient(CoreV1Api);
  await core.createNamespacedEvent({
    namespace: 'team-a',
    body: {
      metadata: { generateName: 'w1.' },
      involvedObject: { apiVersion: 'demo.example.com/v1', kind: 'Widget', name: 'w1', namespace: 'team-a', uid: w.metadata.uid },
      reason: 'Painted', message: 'painted red', type: 'Normal', source: { component: 'widget-controller' },
      firstTimestamp: new Date(), lastTimestamp: new Date(), count: 1,
    },
  });
  const described = await emu.kubectl(['describe', 'wd', 'w1', '-n', 'team-a']);
  expect(described.stdout).toMatch(/Events:\s+Type\s+Reason\s+Age\s+From\s+Message/);
  expect(described.stdout).toMatch(/Normal\s+Painted\s+\S+\s+widget-controller\s+painted red/);
  const events = await emu.kubectl(['get', 'events', '-n', 'team-a']);
  expect(events.stdout).toMatch(/Normal\s+Painted\s+widget\/w1\s+painted red/);
}, SLOW);

test('server-side apply creates and updates', async () => {
  await installCrd();
  const manifest = await fixtureText('widget.yaml');
  const first = await emu.kubectl(['apply', '--server-side', '-f', '-'], { stdin: manifest });
  expect(first.stdout.trim()).toBe('widget.demo.example.com/w1 serverside-applied');
  const second = await emu.kubectl(['apply', '--server-side', '-f', '-'], { stdin: manifest.replace('size: 3', 'size: 6') });
  expect(second.stdout.trim()).toBe('widget.demo.example.com/w1 serverside-applied');
  const got = await emu.kubectl(['get', 'wd', 'w1', '-o', 'jsonpath={.spec.size} {.metadata.generation}']);
  expect(got.stdout).toBe('6 2');
  const patches = emu.server.requests().filter((r) => r.verb === 'patch' && r.resource === 'widgets');
  expect(patches.map((p) => [p.contentType, p.code])).toEqual([['application/apply-patch+yaml', 201], ['application/apply-patch+yaml', 200]]);
}, SLOW);
