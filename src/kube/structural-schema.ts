// Turns the JSON Schema zod generates into a Kubernetes structural schema: every node typed,
// maps as `additionalProperties`, no `$ref`, no `additionalProperties: false`, defaults and
// `x-kubernetes-*` extensions kept. Anything Kubernetes would refuse or silently misread is an
// error at generation time, not at `kubectl apply`. Pure.

export type JsonSchema = { [key: string]: unknown };

// Keys in the order they are written: the generated YAML reads top-down, and stays stable.
const KEY_ORDER = [
  'description', 'type', 'format', 'enum', 'default', 'nullable',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
  'required', 'items', 'properties', 'additionalProperties',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations',
] as const;
const ALLOWED: ReadonlySet<string> = new Set(KEY_ORDER);
const TYPES: ReadonlySet<string> = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, problem: string): never {
  throw new Error(`${path || '<root>'}: ${problem} (not a structural schema)`);
}

/**
 * The structural form of a JSON Schema node and everything under it. Throws, naming the path,
 * on a construct a structural schema cannot express (unions, references, untyped nodes).
 */
export function toStructural(node: unknown, path = ''): JsonSchema {
  if (!isSchema(node)) fail(path, 'schema node is not an object');
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'id') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'required' && Array.isArray(value) && value.length === 0) continue;
    // zod bounds integers to the safe range; Kubernetes integers are int64, so these say nothing.
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'minimum' && value === Number.MIN_SAFE_INTEGER) continue;
    if (!ALLOWED.has(key)) fail(path, `'${key}' is not supported`);
    out[key] = value;
  }
  const type = out.type;
  if (typeof type !== 'string' || !TYPES.has(type)) fail(path, `every node needs a type, found ${JSON.stringify(type)}`);
  if (type === 'object') {
    const { properties, additionalProperties } = out;
    if (properties !== undefined) {
      if (!isSchema(properties)) fail(path, 'properties must be an object');
      out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, toStructural(v, `${path}.${k}`)]));
    }
    if (additionalProperties !== undefined) {
      if (properties !== undefined) fail(path, 'properties and additionalProperties are mutually exclusive');
      out.additionalProperties = toStructural(additionalProperties, `${path}[*]`);
    }
    // The API server would prune every field of such an object.
    const fields = isSchema(properties) ? Object.keys(properties).length : 0;
    if (fields === 0 && additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
      fail(path, 'an object needs properties or additionalProperties');
    }
  } else if (out.properties !== undefined || out.additionalProperties !== undefined) {
    fail(path, `a ${type} cannot have properties`);
  }
  if (type === 'array') {
    if (out.items === undefined) fail(path, 'an array needs items');
    out.items = toStructural(out.items, `${path}[]`);
  } else if (out.items !== undefined) {
    fail(path, `a ${type} cannot have items`);
  }
  return ordered(out);
}

function ordered(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const key of KEY_ORDER) if (schema[key] !== undefined) out[key] = schema[key];
  return out;
}
