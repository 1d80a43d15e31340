// Where the masters are: parsing Spark's `--master mesos://h1:5050,h2:5050` form and the
// redirect `Location` a non-leading master answers with.

export const SCHEDULER_PATH = '/api/v1/scheduler';

export class MasterUrlError extends Error {
  override readonly name = 'MasterUrlError';
}

/**
 * Turns a master URL into the list of master origins (`http://host:port`) to try in order.
 * Accepts `mesos://h1:5050,h2:5050`, plain `host:port` lists, and `http(s)://` URLs; the port
 * defaults to 5050. ZooKeeper detection is refused with a message that says what to use instead.
 */
export function parseMasterUrls(master: string): string[] {
  const trimmed = master.trim();
  if (trimmed.length === 0) throw new MasterUrlError('the Mesos master URL is empty');
  const withoutScheme = trimmed.replace(/^mesos:\/\//i, '');
  if (/^zk:\/\//i.test(withoutScheme)) {
    throw new MasterUrlError(`ZooKeeper master detection (${trimmed}) is not supported; list the masters instead, e.g. mesos://m1:5050,m2:5050`);
  }
  const scheme = /^https:\/\//i.test(withoutScheme) ? 'https' : 'http';
  const hostList = withoutScheme.replace(/^https?:\/\//i, '').replace(/\/.*$/, '');
  return hostList.split(',').map((entry) => toOrigin(entry.trim(), scheme, trimmed));
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
