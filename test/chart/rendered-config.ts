// What the dispatcher's own configuration loader makes of a rendered chart: the Deployment's
// arguments and environment (downward-API fields filled in as the kubelet would), reading the
// files the pod would see (the properties file from the rendered ConfigMap, the mounted Secrets).
import { loadConfig } from '../../src/config/index.ts';
import type { LoadConfigResult } from '../../src/config/index.ts';
import { find, type Manifest } from './helm.ts';

export const POD_NAME = 'smd-spark-mesos-dispatcher-5d8f9c7b6-x2x7q';
/** Placeholder contents of the mounted Secrets. */
export const MESOS_SECRET = 'mesos-secret-from-the-secret';
export const REST_TOKEN = 'rest-token-from-the-secret';

export interface RenderedDispatcher {
  args: string[];
  env: Record<string, string>;
  /** Mounted file path → content. */
  files: Map<string, string>;
  result: LoadConfigResult;
}

export function renderedDispatcher(manifests: readonly Manifest[]): RenderedDispatcher {
  const deployment = find(manifests, 'Deployment');
  const pod = deployment.spec.template.spec as Manifest;
  const container = (pod.containers as Manifest[]).find((c) => c.name === 'dispatcher')!;
  const namespace = deployment.metadata.namespace as string;
  const env: Record<string, string> = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
  const downward: Record<string, string> = { 'metadata.name': POD_NAME, 'metadata.namespace': namespace };
  for (const e of (container.env ?? []) as Manifest[]) {
    if (e.value !== undefined) env[e.name as string] = String(e.value);
    else if (e.valueFrom?.fieldRef) env[e.name as string] = downward[e.valueFrom.fieldRef.fieldPath as string] ?? '';
  }
  const files = new Map<string, string>();
  for (const mount of (container.volumeMounts ?? []) as Manifest[]) {
    const volume = (pod.volumes as Manifest[]).find((v) => v.name === mount.name)!;
    if (volume.configMap) {
      const configMap = find(manifests, 'ConfigMap', volume.configMap.name as string);
      for (const [key, value] of Object.entries(configMap.data as Record<string, string>)) files.set(`${mount.mountPath}/${key}`, value);
    } else if (volume.secret) {
      const secret = mount.name === 'mesos-secret' ? MESOS_SECRET : REST_TOKEN;
      for (const item of volume.secret.items as Manifest[]) files.set(`${mount.mountPath}/${item.path}`, `${secret}\n`);
    }
  }
  const args = (container.args as unknown[]).map(String);
  const result = loadConfig(args, env, (path) => files.get(path), { hostname: POD_NAME, username: 'dispatcher' });
  return { args, env, files, result };
}
