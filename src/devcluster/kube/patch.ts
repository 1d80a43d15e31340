// PATCH: picks the algorithm from the Content-Type (JSON patch, merge patch, strategic merge for
// built-in kinds only, server-side apply as merge-and-create), applies it to the current object,
// honours a resourceVersion in the patch as a precondition, then runs the normal update path.

import { parse as parseYaml } from 'yaml';
import { required } from './field-errors.ts';
import { isObj, meta, parseJson } from './json.ts';
import type { Obj } from './json.ts';
import { applyJsonPatch, JsonPatchError } from './patch/json-patch.ts';
import { mergePatch, strategicMerge } from './patch/merge-patch.ts';
import { apiVersionOf, groupResource } from './resource.ts';
import type { ResourceDef } from './resource.ts';
import {
  ApiError, badRequest, conflict, failure, invalid as invalidError, notFound, unsupportedMediaType,
} from './status.ts';
import { getStored, readView } from './cluster.ts';
import type { ClusterState } from './cluster.ts';
import { createObject, updateObject } from './write.ts';
import type { WriteOptions, WriteResult } from './write.ts';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const MEDIA: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export function patchTypeOf(def: ResourceDef, contentType: string): PatchType {
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const type = MEDIA[media];
  const accepted = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
  if (def.strategicMerge) accepted.splice(2, 0, 'application/strategic-merge-patch+json');
  const message = `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`;
  if (!type || (type === 'strategic' && !def.strategicMerge)) throw unsupportedMediaType(message);
  return type;
}

function parseBody(type: PatchType, text: string): unknown {
  const json = parseJson(text);
  if (json.ok) return json.value;
  if (type === 'apply') {
    try {
      return parseYaml(text) as unknown;
    } catch (err) {
      throw badRequest(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw badRequest(`error decoding patch: ${json.error}`);
}

function apply(type: PatchType, current: Obj, patch: unknown): unknown {
  switch (type) {
    case 'json':
      try {
        return applyJsonPatch(current, patch);
      } catch (err) {
        if (err instanceof JsonPatchError) {
          if (err.code === 400) throw badRequest(err.message);
          throw new ApiError(failure(422, 'Invalid', err.message));
        }
        throw err;
      }
    case 'merge': case 'apply':
      if (!isObj(patch)) throw badRequest(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`);
      return mergePatch(current, patch);
    case 'strategic':
      if (!isObj(patch)) throw badRequest(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`);
      return strategicMerge(current, patch);
  }
  return current;
}

export interface PatchRequest {
  namespace: string;
  name: string;
  subresource: string;
  type: PatchType;
  body: string;
  fieldManager: string | undefined;
}

export function patchObject(c: ClusterState, def: ResourceDef, req: PatchRequest, opts: WriteOptions): WriteResult {
  if (req.type === 'apply' && !req.fieldManager) {
    throw invalidError({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [required('fieldManager', 'is required for apply patch')]);
  }
  const patch = parseBody(req.type, req.body);
  const stored = getStored(c, def, req.namespace, req.name);
  if (!stored) {
    if (req.type !== 'apply' || req.subresource !== '') throw notFound(groupResource(def), req.name);
    // Server-side apply creates a missing object from the applied configuration.
    if (!isObj(patch)) throw badRequest('apply patch must be an object');
    const body: Obj = { apiVersion: apiVersionOf(def), kind: def.kind, ...patch };
    const m = meta(body);
    if (m.name === undefined) m.name = req.name;
    return { object: createObject(c, def, req.namespace, body, opts), created: true };
  }
  // Read-only: every patch type builds a new object and shares the unchanged (frozen) parts.
  const current = readView(def, stored);
  const patched = apply(req.type, current, patch);
  if (!isObj(patched)) throw badRequest('the patched object is not a JSON object');
  const patchedRv = meta(patched).resourceVersion;
  if (patchedRv !== undefined && patchedRv !== meta(current).resourceVersion) throw conflict(groupResource(def), req.name);
  return updateObject(c, def, req.namespace, req.name, req.subresource, patched, { ...opts, viaPatch: true });
}
