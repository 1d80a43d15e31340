// JSON merge patch (RFC 7386) and the strategic-merge-patch subset kubectl sends for built-in
// kinds: merge semantics plus set-union `metadata.finalizers`, owner references merged by uid,
// and the `$deleteFromPrimitiveList`, `$setElementOrder`, `$retainKeys` and `$patch` directives.

import { clone, deepEqual, isObj } from '../json.ts';
import type { Obj } from '../json.ts';

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Lists merged rather than replaced by strategic merge patch, keyed by path. */
const MERGE_LISTS: Record<string, { key?: string }> = {
  'metadata.finalizers': {},
  'metadata.ownerReferences': { key: 'uid' },
};

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = stripDirectives(v);
  return out;
}

function mergeList(current: unknown, patch: unknown[], key: string | undefined): unknown[] {
  const base: unknown[] = Array.isArray(current) ? [...(current as unknown[])] : [];
  for (const item of patch) {
    if (key && isObj(item)) {
      const i = base.findIndex((b) => isObj(b) && b[key] === item[key]);
      if (isObj(item) && item.$patch === 'delete') {
        if (i >= 0) base.splice(i, 1);
      } else if (i >= 0) {
        base[i] = strategicMerge(base[i], item, '');
      } else {
        base.push(stripDirectives(item));
      }
    } else if (!base.some((b) => deepEqual(b, item))) {
      base.push(clone(item));
    }
  }
  return base;
}

function applyOrder(list: unknown, order: unknown): unknown {
  if (!Array.isArray(list) || !Array.isArray(order)) return list;
  const rank = (v: unknown): number => {
    const i = order.findIndex((o) => deepEqual(o, v) || (isObj(o) && isObj(v) && Object.keys(o).every((k) => deepEqual(o[k], v[k]))));
    return i === -1 ? order.length : i;
  };
  return [...(list as unknown[])].sort((a, b) => rank(a) - rank(b));
}

/** Strategic merge patch of `patch` into `target`; `path` is the dotted path of `target`. */
export function strategicMerge(target: unknown, patch: unknown, path = ''): unknown {
  if (!isObj(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  const orders: [string, unknown][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const list = out[field];
      if (Array.isArray(list) && Array.isArray(v)) out[field] = list.filter((x) => !v.some((d) => deepEqual(d, x)));
    } else if (k.startsWith('$setElementOrder/')) {
      orders.push([k.slice('$setElementOrder/'.length), v]);
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    const at = path ? `${path}.${k}` : k;
    if (v === null) {
      delete out[k];
    } else if (isObj(v) && v.$patch === 'delete') {
      delete out[k];
    } else if (Array.isArray(v) && MERGE_LISTS[at]) {
      out[k] = mergeList(out[k], v, MERGE_LISTS[at].key);
    } else if (isObj(v)) {
      out[k] = strategicMerge(out[k], v, at);
    } else {
      out[k] = stripDirectives(v);
    }
  }
  for (const [field, order] of orders) if (out[field] !== undefined) out[field] = applyOrder(out[field], order);
  return out;
}
