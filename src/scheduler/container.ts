// The driver's ContainerInfo: Docker or Mesos containerizer, image, volumes, port mappings,
// docker parameters, CNI network name and labels, as Spark's `buildContainerInfo` builds it.
// Where Spark skipped a malformed entry with a log warning, we report it: a silently missing
// volume is worse than a clear error.

import type { ContainerInfo, NetworkInfo, Parameter, Volume } from '../mesos/types.ts';
import { DOCKER_IMAGE_KEY } from './command-line.ts';
import { parseLabels } from './labels.ts';
import { parseBoolean, splitCommaList } from './spark-values.ts';

const DOCKER = 'spark.mesos.executor.docker.';
export const CONTAINERIZER_KEY = 'spark.mesos.containerizer';
export const NETWORK_NAME_KEY = 'spark.mesos.network.name';
export const NETWORK_LABELS_KEY = 'spark.mesos.network.labels';

type PortMapping = { host_port: number; container_port: number; protocol: string };
export type ContainerResult = { ok: true; container: ContainerInfo } | { ok: false; problems: string[] };

/**
 * Builds the container: DOCKER when an image is set and the containerizer is `docker` (the
 * default), else MESOS (with the image as a Docker image when set). Volumes, port mappings and
 * parameters only apply with an image, as in Spark. `extraVolumes` (file secrets) come last.
 */
export function driverContainer(conf: Readonly<Record<string, string>>, extraVolumes: readonly Volume[]): ContainerResult {
  const problems: string[] = [];
  const containerizer = conf[CONTAINERIZER_KEY] ?? 'docker';
  if (containerizer !== 'docker' && containerizer !== 'mesos') {
    problems.push(`${CONTAINERIZER_KEY}: '${containerizer}' is not docker or mesos`);
  }
  const image = conf[DOCKER_IMAGE_KEY];
  const networkName = conf[NETWORK_NAME_KEY];
  const networkLabels = parseLabels(NETWORK_LABELS_KEY, conf[NETWORK_LABELS_KEY] ?? '');
  if (!networkLabels.ok) problems.push(networkLabels.error);
  const container: ContainerInfo = { type: image !== undefined && containerizer === 'docker' ? 'DOCKER' : 'MESOS' };
  const volumes: Volume[] = [];

  if (image !== undefined) {
    const forcePullRaw = conf[`${DOCKER}forcePullImage`];
    const forcePull = forcePullRaw === undefined
      ? { ok: true as const, value: false } : parseBoolean(`${DOCKER}forcePullImage`, forcePullRaw);
    if (!forcePull.ok) problems.push(forcePull.error);
    const forcePullImage = forcePull.ok && forcePull.value;
    const portMappings = collect(conf[`${DOCKER}portmaps`], `${DOCKER}portmaps`, parsePortMapping, problems);
    const parameters = collect(conf[`${DOCKER}parameters`], `${DOCKER}parameters`, parseParameter, problems);
    volumes.push(...collect(conf[`${DOCKER}volumes`], `${DOCKER}volumes`, parseVolume, problems));
    if (container.type === 'DOCKER') {
      container.docker = {
        image, force_pull_image: forcePullImage,
        ...(portMappings.length > 0 && { port_mappings: portMappings }),
        ...(networkName !== undefined && { network: 'USER' as const }),
        ...((parameters.length > 0 || networkName !== undefined) && {
          parameters: networkName === undefined ? parameters : [...parameters, { key: 'net', value: networkName }],
        }),
      };
    } else {
      container.mesos = { image: { type: 'DOCKER', docker: { name: image }, cached: !forcePullImage } };
    }
  }
  volumes.push(...extraVolumes);
  if (volumes.length > 0) container.volumes = volumes;
  if (networkName !== undefined && networkLabels.ok) {
    const network: NetworkInfo = { name: networkName, labels: { labels: networkLabels.labels } };
    container.network_infos = [network];
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, container };
}

function collect<T>(
  text: string | undefined, key: string, parse: (entry: string) => T | undefined, problems: string[],
): T[] {
  const items: T[] = [];
  for (const entry of splitCommaList(text)) {
    const item = parse(entry);
    if (item === undefined) problems.push(`${key}: cannot parse entry '${entry}'`);
    else items.push(item);
  }
  return items;
}

function parsePort(text: string): number | undefined {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return port >= 0 && port <= 65535 ? port : undefined;
}

/** `host:container[:protocol]`, protocol defaulting to tcp. */
function parsePortMapping(entry: string): PortMapping | undefined {
  const [host = '', containerPort = '', protocol = 'tcp', ...rest] = entry.split(':');
  const hostPort = parsePort(host);
  const inContainer = parsePort(containerPort);
  if (rest.length > 0 || hostPort === undefined || inContainer === undefined || protocol === '') return undefined;
  return { host_port: hostPort, container_port: inContainer, protocol };
}

/** `key=value`, split at the first `=`. */
function parseParameter(entry: string): Parameter | undefined {
  const at = entry.indexOf('=');
  return at <= 0 ? undefined : { key: entry.slice(0, at), value: entry.slice(at + 1) };
}

/** `[host_path:]container_path[:ro|:rw]`. */
function parseVolume(entry: string): Volume | undefined {
  const parts = entry.split(':');
  const last = parts[parts.length - 1];
  const mode = last === 'ro' ? 'RO' : 'RW';
  const paths = last === 'ro' || last === 'rw' ? parts.slice(0, -1) : parts;
  if (paths.some((p) => p === '')) return undefined;
  if (paths.length === 1 && paths[0] !== undefined) return { container_path: paths[0], mode };
  if (paths.length === 2 && paths[0] !== undefined && paths[1] !== undefined) {
    return { container_path: paths[1], host_path: paths[0], mode };
  }
  return undefined;
}
