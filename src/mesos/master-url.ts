// Where the masters are: Spark's `--master mesos://h1:5050,h2:5050` list, or
// `mesos://zk://[user:password@]zk1:2181,zk2:2181/path` for masters that elect their leader in
// ZooKeeper, and the redirect `Location` a non-leading master answers with.

export const SCHEDULER_PATH = '/api/v1/scheduler';

export class MasterUrlError extends Error {
  override readonly name = 'MasterUrlError';
}

export interface ZooKeeperServer {
  host: string;
  port: number;
}

export interface ZooKeeperUrl {
  servers: ZooKeeperServer[];
  /** The znode the masters register under, without a trailing '/' ('/' for the root). */
  path: string;
  /** ZooKeeper `digest` credentials; the password must never reach a log or a message. */
  digest?: { username: string; password: string };
  /** The URL with the password replaced by `***`: safe to log and to show. */
  redacted: string;
}

export type MasterLocation =
  /** Origins (`http://host:port`) tried in turn, following redirects to the leader. */
  | { kind: 'static'; origins: string[] }
  /** The leader is read from ZooKeeper, as Mesos' own detector does. */
  | { kind: 'zookeeper'; zookeeper: ZooKeeperUrl };

const ZK_SCHEME = 'zk://';
const DEFAULT_ZOOKEEPER_PORT = 2181;

/**
 * Reads `--master` (with or without `mesos://`): `mesos://h1:5050,h2:5050`, plain `host:port`
 * lists and `http(s)://` URLs (the port defaults to 5050), or a `zk://` URL.
 */
export function parseMasterLocation(master: string): MasterLocation {
  const trimmed = master.trim();
  if (trimmed.length === 0) throw new MasterUrlError('the Mesos master URL is empty');
  const withoutScheme = trimmed.replace(/^mesos:\/\//i, '');
  if (withoutScheme.toLowerCase().startsWith(ZK_SCHEME)) return { kind: 'zookeeper', zookeeper: parseZooKeeperUrl(withoutScheme) };
  const scheme = /^https:\/\//i.test(withoutScheme) ? 'https' : 'http';
  const hostList = withoutScheme.replace(/^https?:\/\//i, '').replace(/\/.*$/, '');
  return { kind: 'static', origins: hostList.split(',').map((entry) => toOrigin(entry.trim(), scheme, trimmed)) };
}

/** The master URL as it may be shown or logged: a ZooKeeper password becomes `***`. */
export function redactMasterUrl(master: string): string {
  const start = master.toLowerCase().indexOf(ZK_SCHEME);
  if (start < 0) return master;
  const from = start + ZK_SCHEME.length;
  const slash = master.indexOf('/', from);
  const authority = master.slice(from, slash < 0 ? undefined : slash);
  const at = authority.lastIndexOf('@');
  if (at < 0) return master;
  const colon = authority.indexOf(':');
  // The user name helps find a misconfiguration; whatever could be the password never shows.
  const shown = colon >= 0 && colon < at ? `${authority.slice(0, colon)}:***` : '***';
  return `${master.slice(0, from)}${shown}${master.slice(from + at)}`;
}

function toOrigin(hostPort: string, scheme: string, whole: string): string {
  if (hostPort.length === 0) throw new MasterUrlError(`empty host in the Mesos master URL ${whole}`);
  const hasPort = /:\d+$/.test(hostPort) && !hostPort.endsWith(']');
  let url: URL;
  try {
    url = new URL(`${scheme}://${hasPort ? hostPort : `${hostPort}:5050`}`);
  } catch {
    throw new MasterUrlError(`'${hostPort}' in the Mesos master URL ${whole} is not a valid host:port`);
  }
  return url.origin;
}

/**
 * `zk://[user:password@]host:port[,host:port…]/path`, split the way Mesos splits it
 * (include/mesos/zookeeper/url.hpp: the path starts at the first '/', the credentials end at the
 * last '@' before it), and checked more strictly than Mesos, which would only fail later.
 */
export function parseZooKeeperUrl(url: string): ZooKeeperUrl {
  const rest = url.trim().slice(ZK_SCHEME.length);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf('@');
  const credentials = at < 0 ? undefined : authority.slice(0, at);
  const hosts = at < 0 ? authority : authority.slice(at + 1);
  const redacted = redactMasterUrl(`${ZK_SCHEME}${rest}`);
  const fail = (problem: string): never => {
    throw new MasterUrlError(`the ZooKeeper URL ${redacted} ${problem}`);
  };
  if (slash < 0) fail('has no path: name the znode the masters register under, e.g. zk://zk1:2181/mesos');
  const path = zooKeeperPath(rest.slice(slash), fail);
  const servers = hosts.split(',').map((entry) => zooKeeperServer(entry.trim(), fail));
  const parsed: ZooKeeperUrl = { servers, path, redacted };
  if (credentials !== undefined) {
    const colon = credentials.indexOf(':');
    if (colon <= 0) fail("has credentials that are not 'user:password'");
    parsed.digest = { username: credentials.slice(0, colon), password: credentials.slice(colon + 1) };
  }
  return parsed;
}

function zooKeeperServer(entry: string, fail: (problem: string) => never): ZooKeeperServer {
  if (entry.length === 0) fail('has an empty host in its server list');
  if (entry.startsWith('[') || entry.split(':').length > 2) fail(`names '${entry}': IPv6 ZooKeeper addresses are not supported; use a host name`);
  const [host = '', portText] = entry.split(':');
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(host)) fail(`names '${entry}', which is not a valid host:port`);
  if (portText === undefined) return { host, port: DEFAULT_ZOOKEEPER_PORT };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65_535)) fail(`names '${entry}', whose port is not a number from 1 to 65535`);
  return { host, port };
}

/** ZooKeeper's path rules: no empty, '.' or '..' segment, no control character. A trailing '/' is dropped, as Mesos does. */
function zooKeeperPath(raw: string, fail: (problem: string) => never): string {
  const path = raw.replace(/\/+$/, '');
  if (path === '') return '/';
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') fail(`has an empty segment in its path ${raw}`);
    if (segment === '.' || segment === '..') fail(`has a relative segment '${segment}' in its path ${raw}`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(segment)) fail('has a control character in its path');
  }
  return path;
}

/**
 * The origin a 307 from `current` points to. Masters send a protocol-relative `//host:port/path`;
 * old masters sent a bare `host:port`; an absolute URL is taken as it is.
 */
export function resolveRedirect(location: string, current: string): string {
  const { protocol } = new URL(current);
  let absolute: string;
  if (location.startsWith('//')) absolute = `${protocol}${location}`;
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) absolute = location;
  else absolute = `${protocol}//${location}`;
  try {
    return new URL(absolute).origin;
  } catch {
    throw new MasterUrlError(`the master redirected to an unusable Location '${location}'`);
  }
}
