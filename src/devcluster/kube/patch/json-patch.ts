// JSON Patch (RFC 6902: add, remove, replace, move, copy, test), client-node's default patch
// type. Errors use the texts of evanphx/json-patch, which the real apiserver returns.

import { clone, deepEqual, isObj } from '../json.ts';

export class JsonPatchError extends Error {
  /** 400 for a malformed patch document, 422 when it does not apply to the object. */
  readonly code: 400 | 422;
  constructor(code: 400 | 422, message: string) {
    super(message);
    this.name = 'JsonPatchError';
    this.code = code;
  }
}

function pointer(path: unknown): string[] {
  if (typeof path !== 'string') throw new JsonPatchError(400, 'Invalid JSON Patch');
  if (path === '') return [];
  if (!path.startsWith('/')) throw new JsonPatchError(422, `JSON Pointer ${JSON.stringify(path)} must start with "/"`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Slot { parent: unknown; key: string }

function locate(doc: unknown, parts: string[], op: string, path: string): Slot {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    const next: unknown = Array.isArray(cur) ? cur[Number(p)] : isObj(cur) ? cur[p] : undefined;
    if (next === undefined || next === null || typeof next !== 'object') {
      throw new JsonPatchError(422, `${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
    }
    cur = next;
  }
  return { parent: cur, key: parts.at(-1) ?? '' };
}

function getAt(doc: unknown, parts: string[]): unknown {
  let cur = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObj(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

function add(doc: unknown, parts: string[], value: unknown, path: string): unknown {
  if (parts.length === 0) return clone(value);
  const { parent, key } = locate(doc, parts, 'add', path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw new JsonPatchError(422, `add operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
    parent.splice(i, 0, clone(value));
  } else if (isObj(parent)) {
    parent[key] = clone(value);
  }
  return doc;
}

function remove(doc: unknown, parts: string[], path: string, op = 'remove'): unknown {
  const { parent, key } = locate(doc, parts, op, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw new JsonPatchError(422, `Unable to remove nonexistent key: ${key}: missing value`);
    parent.splice(i, 1);
  } else if (isObj(parent)) {
    if (!Object.hasOwn(parent, key)) throw new JsonPatchError(422, `Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

/** Applies `ops` to a copy of `doc`. */
export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new JsonPatchError(400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out = clone(doc);
  for (const raw of ops) {
    if (!isObj(raw)) throw new JsonPatchError(400, 'Invalid JSON Patch');
    const op = raw.op;
    const path = typeof raw.path === 'string' ? raw.path : '';
    const parts = pointer(raw.path);
    switch (op) {
      case 'add':
        out = add(out, parts, raw.value, path);
        break;
      case 'remove':
        out = remove(out, parts, path);
        break;
      case 'replace':
        if (getAt(out, parts) === undefined) throw new JsonPatchError(422, `replace operation does not apply: doc is missing key: ${path}: missing value`);
        out = parts.length === 0 ? clone(raw.value) : add(remove(out, parts, path, 'replace'), parts, raw.value, path);
        break;
      case 'move': case 'copy': {
        const from = pointer(raw.from);
        const value = getAt(out, from);
        if (value === undefined) throw new JsonPatchError(422, `${op} operation does not apply: doc is missing from path: ${JSON.stringify(raw.from)}: missing value`);
        if (op === 'move') out = remove(out, from, String(raw.from));
        out = add(out, parts, value, path);
        break;
      }
      case 'test':
        if (!deepEqual(getAt(out, parts), raw.value)) throw new JsonPatchError(422, `testing value ${path} failed: test failed`);
        break;
      default:
        throw new JsonPatchError(400, `Unexpected kind: ${typeof op === 'string' ? op : 'unknown'}`);
    }
  }
  return out;
}
