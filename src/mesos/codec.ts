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
  if (lacksRequired(type, value)) collectMissing(type, value, '', missing);
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

/**
 * The message for a plain object, its required fields checked on the object itself: fromObject
 * either throws or keeps exactly the fields given (null counts as absent in both).
 */
function fromPlain(type: protobuf.Type, value: object, context: string): protobuf.Message {
  let message: protobuf.Message;
  try {
    message = type.fromObject(value);
  } catch (error) {
    throw new CodecError(`${context}: ${(error as Error).message}`);
  }
  const missing = missingRequiredFields(type, value);
  if (missing.length > 0) {
    throw new CodecError(`${context}: Missing required fields: ${missing.join(', ')}`);
  }
  return message;
}

interface Shape {
  required: readonly string[];
  /** Fields of message types: where required fields may hide. */
  messages: readonly { field: protobuf.Field; type: protobuf.Type }[];
}

/** Per type, the fields the check looks at, found once: most fields are neither. */
const shapes = new Map<protobuf.Type, Shape>();

function shapeOf(type: protobuf.Type): Shape {
  let shape = shapes.get(type);
  if (shape === undefined) {
    const required = type.fieldsArray.filter((field) => field.required).map((field) => field.name);
    const messages = type.fieldsArray.flatMap((field) => {
      const nested = field.resolve().resolvedType;
      return nested !== null && 'fieldsArray' in nested ? [{ field, type: nested }] : [];
    });
    shape = { required, messages };
    shapes.set(type, shape);
  }
  return shape;
}

const absent = (value: unknown): boolean => value === undefined || value === null;

/** The items of a message-typed field's value: one, each of a repeated field, each value of a map. */
function itemsOf(field: protobuf.Field, present: unknown): [string, unknown][] {
  if (field.map) return Object.entries(present as Record<string, unknown>).map(([key, item]) => [`[${key}]`, item]);
  if (field.repeated) return (present as unknown[]).map((item, index) => [`[${index}]`, item]);
  return [['', present]];
}

/**
 * Whether a required field is absent anywhere in `value`: the walk of every encode, so it builds
 * no paths and, in loops rather than callbacks, allocates nothing (an ACCEPT walks every TaskInfo).
 */
function lacksRequired(type: protobuf.Type, value: unknown): boolean {
  const record = value as Record<string, unknown>;
  const { required, messages } = shapeOf(type);
  for (let i = 0; i < required.length; i++) if (absent(record[required[i]!])) return true;
  for (let i = 0; i < messages.length; i++) {
    const { field, type: nested } = messages[i]!;
    const present = record[field.name];
    if (absent(present)) continue;
    if (field.map) {
      for (const item of Object.values(present as Record<string, unknown>)) if (lacksRequired(nested, item)) return true;
    } else if (field.repeated) {
      const items = present as unknown[];
      for (let j = 0; j < items.length; j++) if (lacksRequired(nested, items[j])) return true;
    } else if (lacksRequired(nested, present)) {
      return true;
    }
  }
  return false;
}

function collectMissing(type: protobuf.Type, value: unknown, prefix: string, out: string[]): void {
  const record = value as Record<string, unknown>;
  const { required, messages } = shapeOf(type);
  for (const name of required) if (absent(record[name])) out.push(prefix + name);
  for (const { field, type: nested } of messages) {
    const present = record[field.name];
    if (absent(present)) continue;
    for (const [index, item] of itemsOf(field, present)) collectMissing(nested, item, `${prefix}${field.name}${index}.`, out);
  }
}
