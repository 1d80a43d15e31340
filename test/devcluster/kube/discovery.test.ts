// Discovery (aggregated and legacy), /version and OpenAPI v3 as kubectl and client-node read
// them; client-node's KubernetesObjectApi (legacy per-group discovery); helm 4 install/uninstall.

import { mkdir, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { KUBECTL, each, fixture, fixtureText, startEmulator, widget } from './support.ts';
import type { Emulator, Json } from './support.ts';

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const HELM = path.join(path.dirname(KUBECTL), 'helm');

let emu: Emulator;

beforeEach(async () => {
  emu = await startEmulator({ crds: [await fixture('widget-crd.yaml')] });
});

afterEach(async () => {
  await emu.close();
});

async function get(p: string, accept = 'application/json'): Promise<{ type: string | null; body: Json }> {
  const res = await fetch(`${emu.server.url}${p}`, { headers: { Accept: accept } });
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type'), body: await res.json() as Json };
}

test('aggregated discovery is announced by its Content-Type and lists CRD resources', async () => {
  const apis = await get('/apis?timeout=32s', AGGREGATED);
  expect(apis.type).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  const demo = each(apis.body.items).find((g) => g.metadata.name === 'demo.example.com');
  expect(demo?.versions[0]).toEqual({ version: 'v1', freshness: 'Current', resources: [{
    resource: 'widgets', singularResource: 'widget', scope: 'Namespaced', shortNames: ['wd'], categories: ['demo'],
    responseKind: { group: 'demo.example.com', version: 'v1', kind: 'Widget' },
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [{ subresource: 'status', verbs: ['get', 'patch', 'update'], responseKind: { group: 'demo.example.com', version: 'v1', kind: 'Widget' } }],
  }] });
  const core = await get('/api', AGGREGATED);
  const names = each(core.body.items[0].versions[0].resources).map((r): unknown => [r.resource, r.scope, r.shortNames]);
  expect(names).toEqual(expect.arrayContaining([['namespaces', 'Cluster', ['ns']], ['events', 'Namespaced', ['ev']], ['secrets', 'Namespaced', undefined]]));
  const beta = await get('/apis', 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
  expect(beta.body.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
});

test('legacy discovery, /version and the group-version resource lists', async () => {
  expect((await get('/api')).body).toEqual({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: emu.server.url.replace('http://', '') }] });
  const groups = (await get('/apis')).body;
  expect(each(groups.groups).map((g): unknown => g.name)).toEqual(['apiextensions.k8s.io', 'coordination.k8s.io', 'events.k8s.io', 'demo.example.com']);
  const list = (await get('/apis/demo.example.com/v1')).body;
  expect(list.resources).toEqual([
    { name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', verbs: expect.any(Array), shortNames: ['wd'], categories: ['demo'] },
    { name: 'widgets/status', singularName: '', namespaced: true, kind: 'Widget', verbs: ['get', 'patch', 'update'] },
  ]);
  expect((await get('/version')).body.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
  const version = await emu.kubectl(['version', '-o', 'json']);
  expect(JSON.parse(version.stdout).serverVersion.major).toBe('1');
});

test('OpenAPI v3: each served kind has a PATCH with its GVK and fieldValidation; hashes follow changes', async () => {
  const root = (await get('/openapi/v3')).body;
  const url = root.paths['apis/demo.example.com/v1'].serverRelativeURL as string;
  expect(url).toMatch(/^\/openapi\/v3\/apis\/demo\.example\.com\/v1\?hash=[0-9A-F]+$/);
  expect(Object.keys(root.paths as object)).toEqual(expect.arrayContaining(['api/v1', 'apis/coordination.k8s.io/v1', 'apis/apiextensions.k8s.io/v1']));
  const doc = (await get(`${url}&timeout=32s`)).body;
  const patch = doc.paths['/apis/demo.example.com/v1/namespaces/{namespace}/widgets/{name}'].patch;
  expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'demo.example.com', version: 'v1', kind: 'Widget' });
  expect(each(patch.parameters).map((p): unknown => p.name)).toContain('fieldValidation');
  expect(doc.components.schemas['com.example.demo.v1.Widget']['x-kubernetes-group-version-kind']).toEqual([{ group: 'demo.example.com', version: 'v1', kind: 'Widget' }]);

  await emu.kubectl(['apply', '-f', '-'], { stdin: (await fixtureText('widget-crd.yaml')).replace('maxLength: 20', 'maxLength: 30') });
  const changed = (await get('/openapi/v3')).body.paths['apis/demo.example.com/v1'].serverRelativeURL as string;
  expect(changed).not.toBe(url);
  const explained = await emu.kubectl(['explain', 'widgets.spec.label']);
  expect(explained.stdout).toContain('label');
});

test('client-node KubernetesObjectApi maps kinds through the group-version resource list', async () => {
  const objects = KubernetesObjectApi.makeApiClient(emu.kc);
  const created: Json = await objects.create(widget('w1', {}, { namespace: 'default' }));
  expect(created.metadata.generation).toBe(1);
  const read: Json = await objects.read({ apiVersion: 'demo.example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default' } });
  expect(read.spec.color).toBe('red');
  const list = await objects.list('demo.example.com/v1', 'Widget', 'default');
  expect(list.items.map((i) => i.metadata?.name)).toEqual(['w1']);
  expect(emu.server.requests().some((r) => r.path === '/apis/demo.example.com/v1')).toBe(true);
});

test('helm 4 installs a chart (CRD, templated Lease, release Secret) and uninstalls it', async () => {
  const chart = path.join(emu.dir, 'chart');
  await mkdir(path.join(chart, 'templates'), { recursive: true });
  await mkdir(path.join(chart, 'crds'), { recursive: true });
  await writeFile(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
  await writeFile(path.join(chart, 'crds', 'gadget.yaml'), (await fixtureText('widget-crd.yaml'))
    .replaceAll('widget', 'gadget').replaceAll('Widget', 'Gadget').replace('shortNames: [wd]', 'shortNames: [gd]'));
  await writeFile(path.join(chart, 'templates', 'lease.yaml'), 'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: {{ .Release.Name }}-lock\nspec:\n  holderIdentity: nobody\n  leaseDurationSeconds: 15\n');
  const helm = (args: string[]): Promise<string> => new Promise((resolve, reject) => {
    execFile(HELM, args, { env: { ...process.env, KUBECONFIG: emu.kubeconfigPath, HOME: emu.dir, KUBECACHEDIR: path.join(emu.dir, 'cache') }, timeout: 30_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${stdout}${stderr}`)) : resolve(stdout)));
  });
  expect(await helm(['install', 'demo', chart])).toContain('STATUS: deployed');
  const leases = await emu.kubectl(['get', 'leases']);
  expect(leases.stdout).toMatch(/demo-lock\s+nobody/);
  const secrets = await emu.kubectl(['get', 'secrets', '-l', 'owner=helm']);
  expect(secrets.stdout).toMatch(/sh\.helm\.release\.v1\.demo\.v1\s+helm\.sh\/release\.v1\s+1/);
  expect(await helm(['upgrade', 'demo', chart])).toContain('has been upgraded');
  expect(await helm(['uninstall', 'demo'])).toContain('release "demo" uninstalled');
  expect((await emu.kubectl(['get', 'leases'])).stderr).toContain('No resources found');
}, 60_000);
