// The standalone emulator (src/devcluster/kube/cli.ts): it prints its URL and kubeconfig path,
// preloads CRDs, serves kubectl, and stops on SIGTERM.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../support/wait.ts';
import { FIXTURES, KUBECTL } from './support.ts';
import { execFile } from 'node:child_process';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/devcluster/kube/cli.ts');

test('runs standalone with a kubeconfig kubectl can use', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kube-cli-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, '--kubeconfig', kubeconfig, '--crd', path.join(FIXTURES, 'widget-crd.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await waitFor(() => out.includes('kubeconfig:'), 'the CLI banner', 20_000);
    expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\n/);
    expect(out).toContain(`kubeconfig: ${kubeconfig}\n`);
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(KUBECTL, ['get', 'crd', 'widgets.demo.example.com', '-o', 'name'], { env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: path.join(dir, 'cache') } },
        (err, so, se) => (err ? reject(new Error(se)) : resolve(so)));
    });
    expect(stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/widgets.demo.example.com');
  } finally {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
