// The kubeconfig that points kubectl, helm and client-node at the emulator over plain http:
// `insecure-skip-tls-verify` because client-node refuses http without it, and a token that
// client-node sends (kubectl drops it over http).

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** Cluster, user and context name (default "emulator"). */
  name?: string;
  namespace?: string;
  token?: string;
}

export function kubeconfigYaml(server: string, options: KubeconfigOptions = {}): string {
  const name = options.name ?? 'emulator';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: { token: options.token ?? 'dev-token' } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: options.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

export async function writeKubeconfig(file: string, server: string, options: KubeconfigOptions = {}): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, kubeconfigYaml(server, options), { mode: 0o600 });
  return file;
}
