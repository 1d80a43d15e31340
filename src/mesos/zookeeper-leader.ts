// Which master leads, read from the children of the masters' znode exactly as Mesos' detector
// reads them (src/zookeeper/group.cpp `cache`, src/master/detector/zookeeper.cpp `fetched`):
// every child named `[label_]<sequence>` is a contender, the lowest sequence number leads, and
// the leader's data is its MasterInfo: JSON under the `json.info` label (what masters write
// since Mesos 0.24), binary protobuf under the deprecated `info` label, a bare UPID without one.
import { mesosType } from './proto.ts';
import type { MasterInfo } from './types.ts';

export const MASTER_INFO_JSON_LABEL = 'json.info';
const MASTER_INFO_PROTOBUF_LABEL = 'info';

export interface Contender {
  /** The child's name, e.g. `json.info_0000000007`. */
  name: string;
  label: string | undefined;
  sequence: number;
}

export class MasterInfoError extends Error {
  override readonly name = 'MasterInfoError';
}

/** The leading contender among a znode's children, or undefined when no child is one. */
export function electedContender(children: readonly string[]): Contender | undefined {
  let leader: Contender | undefined;
  for (const name of children) {
    // Mesos tokenizes on '_' (empty tokens dropped); the last token must be the sequence number.
    const tokens = name.split('_').filter((t) => t.length > 0);
    const last = tokens[tokens.length - 1] ?? '';
    // Anything else, such as the replicated log's `log_replicas`, shares the znode and is skipped.
    if (!/^\d{1,10}$/.test(last) || Number(last) > 2 ** 31 - 1) continue;
    const contender = { name, label: tokens.length > 1 ? tokens[0] : undefined, sequence: Number(last) };
    if (leader === undefined || contender.sequence < leader.sequence) leader = contender;
  }
  return leader;
}

/** The `http://host:port` origin of the master whose znode data this is. */
export function masterOrigin(contender: Contender, data: Buffer, znode: string): string {
  const where = `${znode}/${contender.name}`;
  switch (contender.label) {
    case MASTER_INFO_JSON_LABEL:
      return originOf(parseJson(data, where), where);
    case MASTER_INFO_PROTOBUF_LABEL:
      return originOf(parseProtobuf(data, where), where);
    case undefined:
      return originOfPid(data.toString('utf8').trim(), where);
    default:
      throw new MasterInfoError(`the leading master's node ${where} has the unknown label '${contender.label}'`);
  }
}

type MasterInfoFields = Partial<MasterInfo> & Record<string, unknown>;

function parseJson(data: Buffer, where: string): MasterInfoFields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new MasterInfoError(`the leading master's node ${where} does not hold valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MasterInfoError(`the leading master's node ${where} does not hold a MasterInfo JSON object`);
  }
  return parsed as MasterInfoFields;
}

function parseProtobuf(data: Buffer, where: string): MasterInfoFields {
  try {
    const type = mesosType('mesos.v1.MasterInfo');
    return type.toObject(type.decode(data), { longs: Number });
  } catch (error) {
    throw new MasterInfoError(`the leading master's node ${where} does not hold a protobuf MasterInfo: ${(error as Error).message}`);
  }
}

/**
 * `address` (Mesos ≥ 0.24) first, its IP before its host name, which the proto calls unreliable
 * where internal names do not resolve; then the UPID the C++ scheduler library uses; then the
 * deprecated `hostname`/`ip` and `port`.
 */
function originOf(info: MasterInfoFields, where: string): string {
  const address = typeof info.address === 'object' && info.address !== null ? info.address : undefined;
  const addressHost = nonEmpty(address?.ip) ?? nonEmpty(address?.hostname);
  if (addressHost !== undefined && validPort(address?.port)) return origin(addressHost, address.port);
  if (typeof info.pid === 'string' && info.pid.includes('@')) return originOfPid(info.pid, where);
  const legacyHost = nonEmpty(info.hostname) ?? (typeof info.ip === 'number' ? ipv4FromNetworkOrder(info.ip) : undefined);
  if (legacyHost !== undefined && validPort(info.port)) return origin(legacyHost, info.port);
  throw new MasterInfoError(`the leading master's MasterInfo in ${where} has no usable address (address.ip/hostname and port, pid, or hostname/ip and port)`);
}

/** A libprocess UPID, `master@10.0.0.1:5050`. */
function originOfPid(pid: string, where: string): string {
  const match = /^[^@]+@([^:@]+):(\d{1,5})$/.exec(pid);
  const port = Number(match?.[2]);
  if (!match?.[1] || !validPort(port)) throw new MasterInfoError(`the leading master's node ${where} holds '${pid.slice(0, 100)}', which is not a master UPID (master@host:port)`);
  return origin(match[1], port);
}

function origin(host: string, port: number): string {
  return `http://${host}:${port}`;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function validPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65_535;
}

/** MasterInfo.ip is the IPv4 `s_addr`, network byte order read as a little-endian host's uint32. */
function ipv4FromNetworkOrder(ip: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(ip >>> 0);
  return [...bytes].join('.');
}
