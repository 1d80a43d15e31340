// Where the API server is and how to authenticate to it, read from a kubeconfig or the pod's
// service account as client-go does: the current context's cluster (server, CA or
// insecure-skip-tls-verify) and user (bearer token, token file, client certificate, basic auth).
// Users with an `exec` plugin or an `auth-provider` are handed to @kubernetes/client-node, loaded
// only then: the library costs ~80 MiB at start-up that in-cluster and token users never need.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { Clock } from '../runtime/clock.ts';

/** Where the client finds its cluster and credentials. */
export type KubeConfigSource =
  | { from: 'default' }
  | { from: 'file'; path: string; context?: string }
  | { from: 'in-cluster' }
  | { from: 'options'; clusters: readonly NamedCluster[]; users: readonly NamedUser[]; contexts: readonly NamedContext[]; currentContext: string }
  /** A loaded client-node KubeConfig (anything with its exportConfig()). */
  | { exportConfig(): string };

export interface NamedCluster { name: string; server: string; caData?: string; caFile?: string; skipTLSVerify?: boolean }
export interface NamedUser {
  name: string; token?: string; tokenFile?: string; certData?: string; certFile?: string; keyData?: string; keyFile?: string;
  username?: string; password?: string; exec?: unknown; authProvider?: unknown;
}
export interface NamedContext { name: string; cluster: string; user: string; namespace?: string }

export interface ClusterAccess {
  /** The API server's URL, without a trailing slash. */
  readonly server: string;
  /** TLS settings for the connection (undici's `connect` options). */
  readonly tls: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
  /** The headers that authenticate one request (a rotated token file is read again). */
  headers(): Promise<Record<string, string>>;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
/** client-go re-reads a token file at most once a minute. */
const TOKEN_FILE_TTL_MS = 60_000;

export function loadClusterAccess(source: KubeConfigSource, clock: Clock): ClusterAccess {
  if ('exportConfig' in source) return fromKubeconfig(JSON.parse(source.exportConfig()) as RawKubeconfig, undefined, clock, () => source);
  switch (source.from) {
    case 'in-cluster':
      return inCluster(clock);
    case 'options':
      return fromNamed(source.clusters, source.users, source.contexts, source.currentContext, clock, undefined);
    case 'file':
      return fromKubeconfig(readYaml(source.path), source.context, clock, undefined, source.path);
    case 'default': {
      const file = process.env.KUBECONFIG?.split(path.delimiter).find((p) => p !== '') ?? path.join(homedir(), '.kube', 'config');
      if (!fileExists(file) && process.env.KUBERNETES_SERVICE_HOST !== undefined) return inCluster(clock);
      return fromKubeconfig(readYaml(file), undefined, clock, undefined, file);
    }
  }
}

/** The pod's service account (a parameter for tests). */
export function inCluster(clock: Clock, dir = SERVICE_ACCOUNT): ClusterAccess {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT;
  if (host === undefined || port === undefined) throw new Error('not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set');
  const bracketed = host.includes(':') ? `[${host}]` : host;
  const token = tokenFile(`${dir}/token`, clock);
  return {
    server: `https://${bracketed}:${port}`,
    tls: { ca: readFileSync(`${dir}/ca.crt`, 'utf8'), rejectUnauthorized: true },
    headers: () => Promise.resolve({ Authorization: `Bearer ${token()}` }),
  };
}

interface RawKubeconfig {
  clusters?: { name: string; cluster?: Record<string, unknown> }[];
  users?: { name: string; user?: Record<string, unknown> }[];
  contexts?: { name: string; context?: Record<string, unknown> }[];
  'current-context'?: string;
}

function fromKubeconfig(raw: RawKubeconfig, context: string | undefined, clock: Clock, loaded?: () => unknown, file?: string): ClusterAccess {
  const dir = file === undefined ? '.' : path.dirname(file);
  const str = (o: Record<string, unknown> | undefined, k: string): string | undefined => (typeof o?.[k] === 'string' ? o[k] : undefined);
  const resolve = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.resolve(dir, p));
  const clusters = (raw.clusters ?? []).map((c): NamedCluster => ({
    name: c.name, server: str(c.cluster, 'server') ?? '',
    ...opt('caData', str(c.cluster, 'certificate-authority-data')), ...opt('caFile', resolve(str(c.cluster, 'certificate-authority'))),
    ...(c.cluster?.['insecure-skip-tls-verify'] === true && { skipTLSVerify: true }),
  }));
  const users = (raw.users ?? []).map((u): NamedUser => ({
    name: u.name, ...opt('token', str(u.user, 'token')), ...opt('tokenFile', resolve(str(u.user, 'tokenFile'))),
    ...opt('certData', str(u.user, 'client-certificate-data')), ...opt('certFile', resolve(str(u.user, 'client-certificate'))),
    ...opt('keyData', str(u.user, 'client-key-data')), ...opt('keyFile', resolve(str(u.user, 'client-key'))),
    ...opt('username', str(u.user, 'username')), ...opt('password', str(u.user, 'password')),
    ...(u.user?.exec !== undefined && { exec: u.user.exec }), ...(u.user?.['auth-provider'] !== undefined && { authProvider: u.user['auth-provider'] }),
  }));
  const contexts = (raw.contexts ?? []).map((c): NamedContext => ({ name: c.name, cluster: str(c.context, 'cluster') ?? '', user: str(c.context, 'user') ?? '' }));
  const plugin = loaded ?? (file === undefined ? undefined : () => file);
  return fromNamed(clusters, users, contexts, context ?? raw['current-context'] ?? '', clock, plugin);
}

function fromNamed(
  clusters: readonly NamedCluster[], users: readonly NamedUser[], contexts: readonly NamedContext[], current: string, clock: Clock,
  plugin: (() => unknown) | undefined,
): ClusterAccess {
  const ctx = contexts.find((c) => c.name === current);
  if (ctx === undefined) throw new Error(`the kubeconfig has no context '${current}'`);
  const cluster = clusters.find((c) => c.name === ctx.cluster);
  if (cluster === undefined || cluster.server === '') throw new Error(`the kubeconfig context '${current}' names no cluster with a server`);
  const user = users.find((u) => u.name === ctx.user) ?? { name: ctx.user };
  const pem = (data: string | undefined, file: string | undefined): string | undefined =>
    (data !== undefined ? Buffer.from(data, 'base64').toString('utf8') : file !== undefined ? readFileSync(file, 'utf8') : undefined);
  const ca = pem(cluster.caData, cluster.caFile);
  const cert = pem(user.certData, user.certFile);
  const key = pem(user.keyData, user.keyFile);
  return {
    server: cluster.server.replace(/\/+$/, ''),
    tls: { ...opt('ca', ca), ...opt('cert', cert), ...opt('key', key), rejectUnauthorized: cluster.skipTLSVerify !== true },
    headers: authenticator(user, clock, plugin),
  };
}

function authenticator(user: NamedUser, clock: Clock, plugin: (() => unknown) | undefined): () => Promise<Record<string, string>> {
  if (user.exec !== undefined || user.authProvider !== undefined) {
    if (plugin === undefined) throw new Error(`kubeconfig user '${user.name}' needs an exec plugin or auth provider, which only a kubeconfig file can configure`);
    return pluginHeaders(plugin);
  }
  if (user.token !== undefined) return () => Promise.resolve({ Authorization: `Bearer ${user.token}` });
  if (user.tokenFile !== undefined) {
    const token = tokenFile(user.tokenFile, clock);
    return () => Promise.resolve({ Authorization: `Bearer ${token()}` });
  }
  if (user.username !== undefined && user.password !== undefined) {
    const basic = Buffer.from(`${user.username}:${user.password}`).toString('base64');
    return () => Promise.resolve({ Authorization: `Basic ${basic}` });
  }
  return () => Promise.resolve({});
}

/** exec plugins and auth providers, through client-node, imported the first time one is needed. */
function pluginHeaders(loaded: () => unknown): () => Promise<Record<string, string>> {
  let ready: Promise<{ headers(): Promise<Record<string, string>> }> | undefined;
  return async () => {
    ready ??= (async () => {
      const lib = await import('@kubernetes/client-node');
      const given = loaded();
      let kc: InstanceType<typeof lib.KubeConfig>;
      if (typeof given === 'string') {
        kc = new lib.KubeConfig();
        kc.loadFromFile(given);
      } else {
        kc = given as InstanceType<typeof lib.KubeConfig>;
      }
      return {
        async headers() {
          const ctx = new lib.RequestContext(kc.getCurrentCluster()?.server ?? 'https://localhost', 'GET');
          await kc.applySecurityAuthentication(ctx);
          return ctx.getHeaders();
        },
      };
    })();
    return (await ready).headers();
  };
}

function tokenFile(file: string, clock: Clock): () => string {
  let token = '';
  let readAt = Number.NEGATIVE_INFINITY;
  return () => {
    if (clock.now() - readAt >= TOKEN_FILE_TTL_MS) {
      token = readFileSync(file, 'utf8').trim();
      readAt = clock.now();
    }
    return token;
  };
}

function readYaml(file: string): RawKubeconfig {
  return (parse(readFileSync(file, 'utf8')) ?? {}) as RawKubeconfig;
}

function fileExists(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
