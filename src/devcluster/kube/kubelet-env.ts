// A container's environment as the kubelet builds it: the image's variables, then the
// container's `env` in order, each value `$(VAR)`-expanded against those before it, `valueFrom`
// read through the downward API (the pod's name, namespace, uid, node, service account, IP,
// labels and annotations) or from a Secret or ConfigMap key. A missing Secret or key is what
// the real kubelet reports as CreateContainerConfigError. Pure: lookups come in as a function.

import { asObj, isObj, meta, str, strMap } from './json.ts';
import type { Obj } from './json.ts';
import { expandVariables } from './kubelet-container.ts';

/** Reads one key of a namespaced Secret or ConfigMap; undefined when the object or key is missing. */
export type KeyLookup = (kind: 'secret' | 'configMap', namespace: string, name: string, key: string) => string | undefined;

export type EnvResult = { ok: true; env: Record<string, string> } | { ok: false; message: string };

/** The downward API's `fieldRef.fieldPath` values the emulated kubelet knows. */
function fieldValue(pod: Obj, fieldPath: string, podIP: string): string | undefined {
  const m = meta(pod);
  const spec = asObj(pod.spec);
  const item = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (item !== null) return strMap(m[item[1] ?? ''])[item[2] ?? ''] ?? '';
  switch (fieldPath) {
    case 'metadata.name': return str(m.name);
    case 'metadata.namespace': return str(m.namespace);
    case 'metadata.uid': return str(m.uid);
    case 'spec.nodeName': return str(spec.nodeName);
    case 'spec.serviceAccountName': return str(spec.serviceAccountName) ?? 'default';
    case 'status.podIP': case 'status.hostIP': return podIP;
    default: return undefined;
  }
}

export function containerEnvironment(
  pod: Obj, container: Obj, base: Readonly<Record<string, string>>, podIP: string, lookup: KeyLookup,
): EnvResult {
  const env: Record<string, string> = { ...base };
  const namespace = str(meta(pod).namespace) ?? '';
  for (const entry of Array.isArray(container.env) ? container.env.filter(isObj) : []) {
    const name = str(entry.name);
    if (name === undefined) continue;
    if (entry.valueFrom === undefined) {
      env[name] = expandVariables(str(entry.value) ?? '', env);
      continue;
    }
    const from = asObj(entry.valueFrom);
    const fieldPath = str(asObj(from.fieldRef).fieldPath);
    const keyRef = isObj(from.secretKeyRef) ? { kind: 'secret' as const, ref: from.secretKeyRef } : isObj(from.configMapKeyRef) ? { kind: 'configMap' as const, ref: from.configMapKeyRef } : undefined;
    if (fieldPath !== undefined) {
      const value = fieldValue(pod, fieldPath, podIP);
      if (value === undefined) return { ok: false, message: `unsupported fieldPath: ${fieldPath}` };
      env[name] = value;
    } else if (keyRef !== undefined) {
      const refName = str(keyRef.ref.name) ?? '';
      const key = str(keyRef.ref.key) ?? '';
      const value = lookup(keyRef.kind, namespace, refName, key);
      if (value !== undefined) env[name] = value;
      else if (keyRef.ref.optional !== true) {
        return { ok: false, message: `couldn't find key ${key} in ${keyRef.kind === 'secret' ? 'Secret' : 'ConfigMap'} ${namespace}/${refName}` };
      }
    }
  }
  return { ok: true, env };
}
