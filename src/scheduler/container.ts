// The driver's container: Docker or Mesos containerizer, image, volumes, port mappings, docker
// parameters, CNI network name and labels, as Spark's `buildContainerInfo` reads them. Where
// Spark skipped a malformed entry with a log warning, we report it: a silently missing volume
// is worse than a clear error. The core's own data; the backend's translation shapes it.

import { DOCKER_IMAGE_KEY } from './command-line.ts';
import { parseLabels, type Label } from './labels.ts';
import type { SecretFile } from './secrets.ts';
import { parseBoolean, splitCommaList } from './spark-values.ts';

const DOCKER = 'spark.mesos.executor.docker.';
export const CONTAINERIZER_KEY = 'spark.mesos.containerizer';
export const NETWORK_NAME_KEY = 'spark.mesos.network.name';
export const NETWORK_LABELS_KEY = 'spark.mesos.network.labels';

export interface PortMapping { readonly hostPort: number; readonly containerPort: number; readonly protocol: string }
export interface Parameter { readonly key: string; readonly value: string }

/** A volume: a path (of the host, or else created for the container) or a secret file. */
export type VolumePlan = { readonly containerPath: string; readonly hostPath?: string; readonly readOnly: boolean } | SecretFile;

export interface ContainerPlan {
  /** Which containerizer runs the driver: Docker only with an image. */
  readonly type: 'docker' | 'mesos';
  readonly image?: { readonly name: string; readonly forcePull: boolean };
  readonly portMappings: readonly PortMapping[];
  readonly parameters: readonly Parameter[];
  readonly volumes: readonly VolumePlan[];
  /** The CNI network to join, with its labels. */
  readonly network?: { readonly name: string; readonly labels: readonly Label[] };
}

export type ContainerResult = { ok: true; container: ContainerPlan } | { ok: false; problems: string[] };

/**
 * Plans the container: Docker when an image is set and the containerizer is `docker` (the
 * default), else Mesos (with the image as a Docker image when set). Volumes, port mappings and
 * parameters only apply with an image, as in Spark. `extraVolumes` (file secrets) come last.
 */
export function driverContainer(conf: Readonly<Record<string, string>>, extraVolumes: readonly VolumePlan[]): ContainerResult {
  const problems: string[] = [];
  const containerizer = conf[CONTAINERIZER_KEY] ?? 'docker';
  if (containerizer !== 'docker' && containerizer !== 'mesos') {
    problems.push(`${CONTAINERIZER_KEY}: '${containerizer}' is not docker or mesos`);
  }
  const image = conf[DOCKER_IMAGE_KEY];
  const networkName = conf[NETWORK_NAME_KEY];
  const networkLabels = parseLabels(NETWORK_LABELS_KEY, conf[NETWORK_LABELS_KEY] ?? '');
  if (!networkLabels.ok) problems.push(networkLabels.error);
  const volumes: VolumePlan[] = [];
  let portMappings: PortMapping[] = [];
  let parameters: Parameter[] = [];
  let imageOf: ContainerPlan['image'];
  if (image !== undefined) {
    const forcePullRaw = conf[`${DOCKER}forcePullImage`];
    const forcePull = forcePullRaw === undefined
      ? { ok: true as const, value: false } : parseBoolean(`${DOCKER}forcePullImage`, forcePullRaw);
    if (!forcePull.ok) problems.push(forcePull.error);
    imageOf = { name: image, forcePull: forcePull.ok && forcePull.value };
    portMappings = collect(conf[`${DOCKER}portmaps`], `${DOCKER}portmaps`, parsePortMapping, problems);
    parameters = collect(conf[`${DOCKER}parameters`], `${DOCKER}parameters`, parseParameter, problems);
    volumes.push(...collect(conf[`${DOCKER}volumes`], `${DOCKER}volumes`, parseVolume, problems));
  }
  volumes.push(...extraVolumes);
  if (problems.length > 0 || !networkLabels.ok) return { ok: false, problems };
  return {
    ok: true,
    container: {
      type: image !== undefined && containerizer === 'docker' ? 'docker' : 'mesos',
      ...(imageOf !== undefined && { image: imageOf }),
      portMappings, parameters, volumes,
      ...(networkName !== undefined && { network: { name: networkName, labels: networkLabels.labels } }),
    },
  };
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
  return { hostPort, containerPort: inContainer, protocol };
}

/** `key=value`, split at the first `=`. */
function parseParameter(entry: string): Parameter | undefined {
  const at = entry.indexOf('=');
  return at <= 0 ? undefined : { key: entry.slice(0, at), value: entry.slice(at + 1) };
}

/** `[host_path:]container_path[:ro|:rw]`. */
function parseVolume(entry: string): VolumePlan | undefined {
  const parts = entry.split(':');
  const last = parts[parts.length - 1];
  const readOnly = last === 'ro';
  const paths = last === 'ro' || last === 'rw' ? parts.slice(0, -1) : parts;
  if (paths.some((p) => p === '')) return undefined;
  if (paths.length === 1 && paths[0] !== undefined) return { containerPath: paths[0], readOnly };
  if (paths.length === 2 && paths[0] !== undefined && paths[1] !== undefined) {
    return { containerPath: paths[1], hostPath: paths[0], readOnly };
  }
  return undefined;
}
