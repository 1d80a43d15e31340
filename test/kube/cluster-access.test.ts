// Reading the cluster and the credentials as client-go does, without client-node for the common
// cases: kubeconfig files (tokens, token files re-read as they rotate, certificates as data or
// files relative to the kubeconfig, basic auth), the pod's service account, and exec plugins
// (through client-node, loaded only then).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { inCluster, loadClusterAccess } from '../../src/kube/cluster-access.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

let dir: string;
beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'cluster-access-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = { server: 'https://api.example:6443/' }): string {
  const file = path.join(dir, 'config');
  writeFileSync(file, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
    clusters: [{ name: 'k', cluster }], users: [{ name: 'u', user }], contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
  }));
  return file;
}

test('a bearer token and an inline CA', async () => {
  const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nCA\n').toString('base64');
  const access = loadClusterAccess({ from: 'file', path: kubeconfig({ token: 't0k' }, { server: 'https://api.example:6443/', 'certificate-authority-data': ca }) }, new FakeClock());
  expect(access.server).toBe('https://api.example:6443');
  expect(access.tls).toEqual({ ca: '-----BEGIN CERTIFICATE-----\nCA\n', rejectUnauthorized: true });
  expect(await access.headers()).toEqual({ Authorization: 'Bearer t0k' });
});

test('a token file is read again once a minute (bound service-account tokens rotate)', async () => {
  const tokenPath = path.join(dir, 'token');
  writeFileSync(tokenPath, 'first\n');
  const clock = new FakeClock();
  const access = loadClusterAccess({ from: 'file', path: kubeconfig({ tokenFile: 'token' }) }, clock);
  expect(await access.headers()).toEqual({ Authorization: 'Bearer first' });
  writeFileSync(tokenPath, 'second');
  expect(await access.headers()).toEqual({ Authorization: 'Bearer first' });
  clock.advance(60_000);
  expect(await access.headers()).toEqual({ Authorization: 'Bearer second' });
});

test('client certificates from files relative to the kubeconfig, basic auth, insecure-skip-tls-verify', async () => {
  writeFileSync(path.join(dir, 'c.crt'), 'CERT');
  writeFileSync(path.join(dir, 'c.key'), 'KEY');
  const certs = loadClusterAccess({ from: 'file', path: kubeconfig({ 'client-certificate': 'c.crt', 'client-key': 'c.key' }, { server: 'https://x', 'insecure-skip-tls-verify': true }) }, new FakeClock());
  expect(certs.tls).toEqual({ cert: 'CERT', key: 'KEY', rejectUnauthorized: false });
  expect(await certs.headers()).toEqual({});
  const basic = loadClusterAccess({ from: 'file', path: kubeconfig({ username: 'ann', password: 'pw' }) }, new FakeClock());
  expect(await basic.headers()).toEqual({ Authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` });
});

test('the service account of a pod', async () => {
  writeFileSync(path.join(dir, 'token'), 'sa-token');
  writeFileSync(path.join(dir, 'ca.crt'), 'SA-CA');
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = 'fd00::1';
  process.env.KUBERNETES_SERVICE_PORT = '443';
  try {
    const access = inCluster(new FakeClock(), dir);
    expect(access.server).toBe('https://[fd00::1]:443');
    expect(access.tls).toEqual({ ca: 'SA-CA', rejectUnauthorized: true });
    expect(await access.headers()).toEqual({ Authorization: 'Bearer sa-token' });
  } finally {
    for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
      if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  }
});

test('an exec plugin is run through client-node, loaded only when such a user is used', async () => {
  const plugin = path.join(dir, 'plugin.sh');
  writeFileSync(plugin, '#!/bin/sh\necho \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-exec"}}\'\n');
  chmodSync(plugin, 0o755);
  const access = loadClusterAccess({ from: 'file', path: kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } }) }, new FakeClock());
  expect(await access.headers()).toEqual(expect.objectContaining({ Authorization: 'Bearer from-exec' }));
});

test('a context that does not exist, or names no cluster, is a clear error', () => {
  const file = kubeconfig({ token: 't' });
  expect(() => loadClusterAccess({ from: 'file', path: file, context: 'nope' }, new FakeClock())).toThrow("the kubeconfig has no context 'nope'");
  expect(() => loadClusterAccess({ from: 'file', path: kubeconfig({ token: 't' }, { }) }, new FakeClock()))
    .toThrow("the kubeconfig context 'c' names no cluster with a server");
});
