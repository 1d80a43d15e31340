// How the dispatcher reaches the Kubernetes API and which namespace holds its own objects (the
// Lease and the framework ID ConfigMap). Pure: the environment and file reads come in.
import type { ReadTextFile } from './system.ts';

export type KubeConnection =
  | { readonly mode: 'in-cluster' }
  | {
    readonly mode: 'kubeconfig';
    /** Existing files, merged in order as kubectl does (only `$KUBECONFIG` can list several). */
    readonly paths: readonly string[];
    readonly source: '--kubeconfig' | 'KUBECONFIG' | '~/.kube/config';
  };

type Env = Readonly<Record<string, string | undefined>>;

export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** In a pod the kubelet sets these, exactly what client libraries test for in-cluster mode. */
export function isInCluster(env: Env): boolean {
  return Boolean(env['KUBERNETES_SERVICE_HOST']) && Boolean(env['KUBERNETES_SERVICE_PORT']);
}

function exists(path: string, readFile: ReadTextFile): boolean | string {
  try {
    return readFile(path) !== undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `--kubeconfig`, else in-cluster, else `$KUBECONFIG` (a `:` list), else `~/.kube/config`. */
export function resolveKubeConnection(
  flag: string | undefined, env: Env, readFile: ReadTextFile,
): { ok: true; connection: KubeConnection } | { ok: false; error: string } {
  if (flag !== undefined) {
    const found = exists(flag, readFile);
    if (found === true) return { ok: true, connection: { mode: 'kubeconfig', paths: [flag], source: '--kubeconfig' } };
    return { ok: false, error: `--kubeconfig: ${found === false ? `file '${flag}' does not exist` : `cannot read '${flag}': ${found}`}` };
  }
  if (isInCluster(env)) return { ok: true, connection: { mode: 'in-cluster' } };
  const listed = (env['KUBECONFIG'] ?? '').split(':').filter((p) => p !== '');
  if (listed.length > 0) {
    const paths = listed.filter((p) => exists(p, readFile) === true);
    if (paths.length > 0) return { ok: true, connection: { mode: 'kubeconfig', paths, source: 'KUBECONFIG' } };
    return { ok: false, error: `KUBECONFIG: none of ${listed.map((p) => `'${p}'`).join(', ')} can be read` };
  }
  const home = env['HOME'];
  const defaultPath = home ? `${home.replace(/\/+$/, '')}/.kube/config` : undefined;
  if (defaultPath !== undefined && exists(defaultPath, readFile) === true) {
    return { ok: true, connection: { mode: 'kubeconfig', paths: [defaultPath], source: '~/.kube/config' } };
  }
  return {
    ok: false,
    error: `--kubeconfig: not given, not running in a cluster, KUBECONFIG not set and ${defaultPath ?? '~/.kube/config'} does not exist; say where the Kubernetes API is`,
  };
}

/**
 * The namespace of the dispatcher's own objects: `--leader-election-namespace`, else
 * `POD_NAMESPACE` (the downward API), else the service account's namespace in a cluster, else
 * the submission namespace.
 */
export function resolveOperatorNamespace(
  flag: string | undefined, env: Env, readFile: ReadTextFile, submissionNamespace: string,
): string {
  if (flag !== undefined) return flag;
  const fromEnv = env['POD_NAMESPACE']?.trim();
  if (fromEnv) return fromEnv;
  if (isInCluster(env)) {
    let fromFile: string | undefined;
    try {
      fromFile = readFile(SERVICE_ACCOUNT_NAMESPACE_FILE)?.trim();
    } catch {
      fromFile = undefined;
    }
    if (fromFile) return fromFile;
  }
  return submissionNamespace;
}
