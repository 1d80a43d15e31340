// Reading the leading master out of the masters' znode, as Mesos' detector reads it: the lowest
// sequence number among `[label_]<seq>` children, and the address in its MasterInfo.
import { electedContender, masterOrigin, MasterInfoError } from '../../src/mesos/zookeeper-leader.ts';
import { mesosType } from '../../src/mesos/proto.ts';
import { stoutJson } from '../../src/devcluster/mesos/contender.ts';

describe('electedContender', () => {
  test('the lowest sequence number leads, whatever the label and the order of the children', () => {
    expect(electedContender(['json.info_0000000012', 'json.info_0000000003', 'info_0000000007'])).toEqual({ name: 'json.info_0000000003', label: 'json.info', sequence: 3 });
    expect(electedContender(['info_0000000002', 'json.info_0000000005'])).toEqual({ name: 'info_0000000002', label: 'info', sequence: 2 });
    expect(electedContender(['0000000009'])).toEqual({ name: '0000000009', label: undefined, sequence: 9 });
  });

  test('children that are not contenders (the replicated log, stray nodes) are skipped', () => {
    expect(electedContender(['log_replicas', 'json.info_', 'notes', 'json.info_99999999999'])).toBeUndefined();
    expect(electedContender(['log_replicas', 'json.info_0000000001'])?.name).toBe('json.info_0000000001');
    expect(electedContender([])).toBeUndefined();
  });
});

describe('masterOrigin', () => {
  const json = { name: 'json.info_0000000001', label: 'json.info', sequence: 1 };
  // What a 1.11 master writes: MasterInfo as stout JSON, `ip` the IPv4 s_addr read as a little-endian uint32.
  const realMaster = {
    address: { hostname: 'm1.example', ip: '10.0.0.5', port: 5050 }, capabilities: [{ type: 'AGENT_UPDATE' }],
    hostname: 'm1.example', id: 'e2b4', ip: Buffer.from([10, 0, 0, 5]).readUInt32LE(0), pid: 'master@10.0.0.5:5050', port: 5050, version: '1.11.0',
  };
  const data = (value: unknown): Buffer => Buffer.from(stoutJson(value));

  test.each([
    ['address.ip first', realMaster, 'http://10.0.0.5:5050'],
    ['address.hostname without an ip', { ...realMaster, address: { hostname: 'm1.example', port: 5051 } }, 'http://m1.example:5051'],
    ['the UPID of a master without address', { id: 'x', ip: 0, port: 1, pid: 'master@10.0.0.6:5052' }, 'http://10.0.0.6:5052'],
    ['hostname and port of a pre-0.24 master', { id: 'x', ip: 0, port: 5053, hostname: 'old.example' }, 'http://old.example:5053'],
    ['the network-order ip and port', { id: 'x', ip: Buffer.from([192, 168, 1, 9]).readUInt32LE(0), port: 5054 }, 'http://192.168.1.9:5054'],
  ])('JSON: %s', (_name, info, expected) => {
    expect(masterOrigin(json, data(info), '/mesos')).toBe(expected);
  });

  test('the deprecated protobuf `info_` label and the bare UPID of the oldest masters', () => {
    const type = mesosType('mesos.v1.MasterInfo');
    const bytes = Buffer.from(type.encode(type.fromObject({ id: 'p', ip: 0, port: 5055, address: { ip: '10.0.0.7', port: 5055 } })).finish());
    expect(masterOrigin({ name: 'info_0000000004', label: 'info', sequence: 4 }, bytes, '/mesos')).toBe('http://10.0.0.7:5055');
    expect(masterOrigin({ name: '0000000004', label: undefined, sequence: 4 }, Buffer.from('master@10.0.0.8:5056\n'), '/mesos')).toBe('http://10.0.0.8:5056');
  });

  test.each([
    ['not JSON', json, Buffer.from('{oops'), /^the leading master's node \/mesos\/json\.info_0000000001 does not hold valid JSON: /],
    ['a JSON array', json, data([1]), "the leading master's node /mesos/json.info_0000000001 does not hold a MasterInfo JSON object"],
    ['no address at all', json, data({ id: 'x', version: '1.11.0' }), "the leading master's MasterInfo in /mesos/json.info_0000000001 has no usable address (address.ip/hostname and port, pid, or hostname/ip and port)"],
    ['a port out of range', json, data({ address: { ip: '10.0.0.1', port: 70000 } }), /has no usable address/],
    ['an unknown label', { name: 'yaml.info_0000000001', label: 'yaml.info', sequence: 1 }, data(realMaster), "the leading master's node /mesos/yaml.info_0000000001 has the unknown label 'yaml.info'"],
    ['a bad UPID', { name: '0000000001', label: undefined, sequence: 1 }, Buffer.from('scheduler-1'), "the leading master's node /mesos/0000000001 holds 'scheduler-1', which is not a master UPID (master@host:port)"],
  ])('refuses %s, naming the node', (_name, contender, bytes, message) => {
    expect(() => masterOrigin(contender, bytes, '/mesos')).toThrow(MasterInfoError);
    expect(() => masterOrigin(contender, bytes, '/mesos')).toThrow(message);
  });
});

test('stoutJson sorts keys at every level, as stout JSON::Object (a std::map) does', () => {
  expect(stoutJson({ port: 1, address: { port: 2, ip: 'x' }, capabilities: [{ type: 'A' }] })).toBe('{"address":{"ip":"x","port":2},"capabilities":[{"type":"A"}],"port":1}');
});
