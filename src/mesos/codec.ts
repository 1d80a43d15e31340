// Call and Event codecs for both encodings the master accepts. Whatever the encoding, messages
// come out as the plain snake_case objects of types.ts, and go in the same way. Required fields
// are checked here, because protobufjs neither enforces them on encode nor on JSON input.
import type protobuf from 'protobufjs';
import { mesosType } from './proto.ts';
import type { Call, Event } from './types.ts';

export type WireFormat = 'protobuf' | 'json';

export const CONTENT_TYPE: Readonly<Record<WireFormat, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

export class CodecError extends Error {
  override readonly name = 'CodecError';
}

const CALL = mesosType('mesos.v1.scheduler.Call');
const EVENT = mesosType('mesos.v1.scheduler.Event');

const TO_PLAIN: protobuf.IConversionOptions = { enums: String, longs: Number };
const TO_JSON: protobuf.IConversionOptions = { enums: String, longs: Number, bytes: String, json: true };

export function encodeCall(call: Call, format: WireFormat): Uint8Array {
  return encode(CALL, call, format);
}

export function decodeCall(bytes: Uint8Array, format: WireFormat): Call {
  return decode(CALL, bytes, format);
}

export function encodeEvent(event: Event, format: WireFormat): Uint8Array {
  return encode(EVENT, event, format);
}

export function decodeEvent(bytes: Uint8Array, format: WireFormat): Event {
  return decode(EVENT, bytes, format);
}

/** Paths of required fields that are absent, e.g. `subscribe.framework_info.user`. */
export function missingRequiredFields(type: protobuf.Type, value: unknown): string[] {
  const missing: string[] = [];
  collectMissing(type, value, '', missing);
  return missing;
}

function encode(type: protobuf.Type, value: object, format: WireFormat): Uint8Array {
  const message = fromPlain(type, value, `Cannot encode ${type.name}`);
  if (format === 'protobuf') return type.encode(message).finish();
  return Buffer.from(JSON.stringify(type.toObject(message, TO_JSON)), 'utf8');
}

function decode(type: protobuf.Type, bytes: Uint8Array, format: WireFormat): object {
  if (format === 'protobuf') {
    let message: protobuf.Message;
    try {
      message = type.decode(bytes);
    } catch (error) {
      throw new CodecError(`Failed to parse body into ${type.name} protobuf: ${(error as Error).message}`);
    }
    return type.toObject(message, TO_PLAIN);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new CodecError(`Failed to parse body into JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CodecError(`Failed to convert JSON into ${type.name} protobuf: expecting a JSON object`);
  }
  return type.toObject(fromPlain(type, json, `Failed to convert JSON into ${type.name} protobuf`), TO_PLAIN);
}

function fromPlain(type: protobuf.Type, value: object, context: string): protobuf.Message {
  let message: protobuf.Message;
  try {
    message = type.fromObject(value);
  } catch (error) {
    throw new CodecError(`${context}: ${(error as Error).message}`);
  }
  const missing = missingRequiredFields(type, type.toObject(message, TO_PLAIN));
  if (missing.length > 0) {
    throw new CodecError(`${context}: Missing required fields: ${missing.join(', ')}`);
  }
  return message;
}

function collectMissing(type: protobuf.Type, value: unknown, prefix: string, out: string[]): void {
  const record = value as Record<string, unknown>;
  for (const field of type.fieldsArray) {
    const path = prefix + field.name;
    const present = record[field.name];
    if (present === undefined || present === null) {
      if (field.required) out.push(path);
      continue;
    }
    const nested = field.resolve().resolvedType;
    if (nested === null || !('fieldsArray' in nested)) continue;
    if (field.map) {
      for (const [key, item] of Object.entries(present as Record<string, unknown>)) {
        collectMissing(nested, item, `${path}[${key}].`, out);
      }
    } else if (field.repeated) {
      (present as unknown[]).forEach((item, index) => collectMissing(nested, item, `${path}[${index}].`, out));
    } else {
      collectMissing(nested, present, `${path}.`, out);
    }
  }
}
