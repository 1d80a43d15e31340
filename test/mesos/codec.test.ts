import { CodecError, decodeCall, decodeEvent, encodeCall, encodeEvent } from '../../src/mesos/codec.ts';
import { mesosEnumNames } from '../../src/mesos/proto.ts';
import { CALL_TYPES, EVENT_TYPES, FRAMEWORK_CAPABILITIES, TASK_STATES, TASK_STATUS_REASONS } from '../../src/mesos/types.ts';
import type { Call, Event } from '../../src/mesos/types.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Protobuf wire format by hand: tag = (field << 3) | wire type; 0 varint, 1 fixed64, 2 bytes.
function lengthDelimited(field: number, body: string): string {
  const length = body.length / 2;
  expect(length).toBeLessThan(128);
  return ((field << 3) | 2).toString(16).padStart(2, '0') + length.toString(16).padStart(2, '0') + body;
}
const varint = (field: number, value: number) => ((field << 3) | 0).toString(16).padStart(2, '0') + value.toString(16).padStart(2, '0');
const str = (field: number, s: string) => lengthDelimited(field, Buffer.from(s).toString('hex'));
const id = (field: number, value: string) => lengthDelimited(field, str(1, value));
const double = (field: number, value: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return ((field << 3) | 1).toString(16).padStart(2, '0') + b.toString('hex');
};

describe('golden protobuf bytes, built from the field numbers', () => {
  test('SUBSCRIBE call', () => {
    const call: Call = {
      type: 'SUBSCRIBE',
      subscribe: { framework_info: { user: 'spark', name: 'Dispatcher', failover_timeout: 3600, checkpoint: true } },
    };
    // Call.type=2 (SUBSCRIBE=1); Call.subscribe=3 → Subscribe.framework_info=1 →
    // FrameworkInfo user=1, name=2, failover_timeout=4 (double), checkpoint=5 (bool).
    const frameworkInfo = str(1, 'spark') + str(2, 'Dispatcher') + double(4, 3600) + varint(5, 1);
    const expected = varint(2, 1) + lengthDelimited(3, lengthDelimited(1, frameworkInfo));
    expect(hex(encodeCall(call, 'protobuf'))).toBe(expected);
    expect(decodeCall(Buffer.from(expected, 'hex'), 'protobuf')).toEqual(call);
  });

  test('ACCEPT call with a LAUNCH', () => {
    const call: Call = {
      framework_id: { value: 'fw' },
      type: 'ACCEPT',
      accept: {
        offer_ids: [{ value: 'o1' }],
        operations: [{
          type: 'LAUNCH',
          launch: { task_infos: [{
            name: 'n', task_id: { value: 't' }, agent_id: { value: 'a' },
            resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
            command: { value: 'echo hi' },
          }] },
        }],
        filters: { refuse_seconds: 0 },
      },
    };
    // Resource name=1, type=2 (SCALAR=0, required so written), scalar=3 → Scalar.value=1.
    const resource = str(1, 'cpus') + varint(2, 0) + lengthDelimited(3, double(1, 1));
    // TaskInfo name=1, task_id=2, agent_id=3, resources=4, command=7 → CommandInfo.value=3.
    const task = str(1, 'n') + id(2, 't') + id(3, 'a') + lengthDelimited(4, resource) + lengthDelimited(7, str(3, 'echo hi'));
    // Offer.Operation type=1 (LAUNCH=1), launch=2 → Launch.task_infos=1.
    const operation = varint(1, 1) + lengthDelimited(2, lengthDelimited(1, task));
    // Call.Accept offer_ids=1, operations=2, filters=3 → Filters.refuse_seconds=1.
    const accept = id(1, 'o1') + lengthDelimited(2, operation) + lengthDelimited(3, double(1, 0));
    const expected = id(1, 'fw') + varint(2, 3) + lengthDelimited(4, accept);
    expect(hex(encodeCall(call, 'protobuf'))).toBe(expected);
    expect(decodeCall(Buffer.from(expected, 'hex'), 'protobuf')).toEqual(call);
  });

  test('OFFERS event', () => {
    const event: Event = {
      type: 'OFFERS',
      offers: { offers: [{
        id: { value: 'o1' }, framework_id: { value: 'fw' }, agent_id: { value: 'a1' }, hostname: 'h',
        resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 31001 }] } }],
        attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }],
      }] },
    };
    // Range begin=1, end=2 as varints (31000 = 0x98 0xf2 0x01).
    const range = '0898f201' + '1099f201';
    const resource = str(1, 'ports') + varint(2, 1) + lengthDelimited(4, lengthDelimited(1, range));
    // Attribute name=1, type=2 (TEXT=3), text=5 → Text.value=1.
    const attribute = str(1, 'rack') + varint(2, 3) + lengthDelimited(5, str(1, 'r1'));
    // Offer id=1, framework_id=2, agent_id=3, hostname=4, resources=5, attributes=7.
    const offer = id(1, 'o1') + id(2, 'fw') + id(3, 'a1') + str(4, 'h') + lengthDelimited(5, resource) + lengthDelimited(7, attribute);
    // Event type=1 (OFFERS=2), offers=3 → Offers.offers=1.
    const expected = varint(1, 2) + lengthDelimited(3, lengthDelimited(1, offer));
    expect(hex(encodeEvent(event, 'protobuf'))).toBe(expected);
    expect(decodeEvent(Buffer.from(expected, 'hex'), 'protobuf')).toEqual(event);
  });

  test('UPDATE event', () => {
    const uuid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const event: Event = {
      type: 'UPDATE',
      update: { status: {
        task_id: { value: 't' }, state: 'TASK_FAILED', message: 'Command exited with status 3',
        source: 'SOURCE_EXECUTOR', reason: 'REASON_COMMAND_EXECUTOR_FAILED', agent_id: { value: 'a' }, uuid,
      } },
    };
    // TaskStatus task_id=1, state=2 (FAILED=3), message=4, agent_id=5, source=9 (EXECUTOR=2),
    // reason=10 (COMMAND_EXECUTOR_FAILED=0, written because it was set), uuid=11; fields in number order.
    const status = id(1, 't') + varint(2, 3) + str(4, 'Command exited with status 3') + id(5, 'a')
      + varint(9, 2) + varint(10, 0) + lengthDelimited(11, uuid.toString('hex'));
    const expected = varint(1, 4) + lengthDelimited(5, lengthDelimited(1, status));
    expect(hex(encodeEvent(event, 'protobuf'))).toBe(expected);
    expect(decodeEvent(Buffer.from(expected, 'hex'), 'protobuf')).toEqual(event);
  });

  test('SUBSCRIBED event matches the reference bytes', () => {
    const event: Event = { type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw-1' }, heartbeat_interval_seconds: 15 } };
    expect(hex(encodeEvent(event, 'protobuf'))).toBe('080112110a060a0466772d31110000000000002e40');
  });
});

describe('JSON mapping', () => {
  test('snake_case keys, enum names and base64 bytes', () => {
    const event: Event = { type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_STARTING', uuid: Buffer.from([1, 2, 3]) } } };
    const json = Buffer.from(encodeEvent(event, 'json')).toString();
    expect(JSON.parse(json)).toEqual({ type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_STARTING', uuid: 'AQID' } } });
    expect(decodeEvent(Buffer.from(json), 'json')).toEqual(event);
  });

  test('JSON and protobuf decode to the same object', () => {
    const call: Call = { framework_id: { value: 'f' }, type: 'DECLINE', decline: { offer_ids: [{ value: 'o' }], filters: { refuse_seconds: 120 } } };
    expect(decodeCall(encodeCall(call, 'json'), 'json')).toEqual(decodeCall(encodeCall(call, 'protobuf'), 'protobuf'));
  });

  test('camelCase keys are ignored, as the master ignores them', () => {
    expect(decodeCall(Buffer.from('{"type":"REVIVE","frameworkId":{"value":"x"}}'), 'json')).toEqual({ type: 'REVIVE' });
  });

  test.each([
    ['malformed JSON', '{"type":', /Failed to parse body into JSON/],
    ['a non-object body', '[1]', /expecting a JSON object/],
    ['an ID given as a bare string', '{"type":"KILL","framework_id":"abc"}', /framework_id: object expected/],
    ['a missing required field', '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"name":"x"}}}', /Missing required fields: subscribe\.framework_info\.user/],
    ['an unknown enum on a required field', '{"type":"ACKNOWLEDGE","acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},"uuid":"AQ=="}, "reconcile":{"tasks":[{"agent_id":{"value":"a"}}]}}', /reconcile\.tasks\[0\]\.task_id/],
  ])('rejects %s with a CodecError naming the problem', (_name, body, message) => {
    expect(() => decodeCall(Buffer.from(body), 'json')).toThrow(CodecError);
    expect(() => decodeCall(Buffer.from(body), 'json')).toThrow(message);
  });

  test('invalid protobuf is a CodecError', () => {
    expect(() => decodeEvent(Buffer.from([0x0a, 0xff]), 'protobuf')).toThrow(CodecError);
    // UPDATE whose TaskStatus lacks the required state.
    expect(() => decodeEvent(Buffer.from('082a' + '2a05' + '0a03' + '0a0174', 'hex'), 'protobuf')).toThrow(/Failed to parse body/);
  });

  test('encoding refuses a message that lacks a required field', () => {
    expect(() => encodeCall({ type: 'KILL', kill: {} } as unknown as Call, 'protobuf')).toThrow(/Cannot encode Call: Missing required fields: kill\.task_id/);
    // Deep inside repeated fields: the second resource of the second task has no name.
    const task = (resources: object[]): object => ({ name: 't', task_id: { value: 't' }, agent_id: { value: 'a' }, resources, command: { value: 'true' } });
    const cpus = { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } };
    const accept = (second: object): Call => ({
      type: 'ACCEPT', framework_id: { value: 'f' },
      accept: { offer_ids: [{ value: 'o' }], operations: [{ type: 'LAUNCH', launch: { task_infos: [task([cpus]), task([cpus, second])] } }] },
    } as unknown as Call);
    expect(encodeCall(accept({ ...cpus, name: 'mem' }), 'protobuf').length).toBeGreaterThan(0);
    expect(() => encodeCall(accept({ type: 'SCALAR', scalar: { value: 1 } }), 'protobuf'))
      .toThrow(/Missing required fields: accept\.operations\[0\]\.launch\.task_infos\[1\]\.resources\[1\]\.name/);
  });
});

test('the enum name lists in types.ts match proto/', () => {
  expect([...TASK_STATES].sort()).toEqual(mesosEnumNames('mesos.v1.TaskState').sort());
  expect([...TASK_STATUS_REASONS].sort()).toEqual(mesosEnumNames('mesos.v1.TaskStatus.Reason').sort());
  expect([...CALL_TYPES].sort()).toEqual(mesosEnumNames('mesos.v1.scheduler.Call.Type').sort());
  expect([...EVENT_TYPES].sort()).toEqual(mesosEnumNames('mesos.v1.scheduler.Event.Type').sort());
  expect([...FRAMEWORK_CAPABILITIES].sort()).toEqual(mesosEnumNames('mesos.v1.FrameworkInfo.Capability.Type').sort());
});
