// Who keeps the bytes of a heap snapshot alive: the dominator tree (an object dominates another
// when every path from the GC roots to it passes through it) and each object's retained size
// (what freeing it would free), like DevTools' Retainers and Dominators views. Weak edges do not
// retain. Printed as a tree of the holders above a threshold, each named by the field its
// dominator holds it in; the small ones under a holder are summed by constructor.
import { nodeLabel, readHeapGraph, selfSize, type HeapGraph } from './heap-graph.ts';

export interface Dominators {
  readonly graph: HeapGraph;
  /** Immediate dominator of each node (node indexes); the root (0) is its own; unreachable: -1. */
  readonly idom: Int32Array;
  readonly retained: Float64Array;
}

/** Targets of node i's retaining edges, as node indexes. */
function forEachRetainingEdge(g: HeapGraph, i: number, weak: number, visit: (to: number, edge: number) => void): void {
  for (let e = g.firstEdge[i] as number; e < (g.firstEdge[i + 1] as number); e += g.edgeWidth) {
    if (g.edges[e] === weak) continue;
    visit((g.edges[e + 2] as number) / g.nodeWidth, e);
  }
}

/** Cooper, Harvey and Kennedy's iterative dominators over a depth-first postorder from the root. */
export function dominators(g: HeapGraph): Dominators {
  const n = g.nodeCount;
  const weak = g.edgeTypes.indexOf('weak');
  const postIndex = new Int32Array(n).fill(-1);
  const order = new Uint32Array(n);
  let count = 0;
  // Iterative DFS: a node's postorder index is set once all its edges were followed.
  const stack = new Uint32Array(n);
  const cursor = new Uint32Array(n);
  const seen = new Uint8Array(n);
  let top = 0;
  stack[top++] = 0;
  seen[0] = 1;
  cursor[0] = g.firstEdge[0] as number;
  while (top > 0) {
    const v = stack[top - 1] as number;
    const end = g.firstEdge[v + 1] as number;
    let pushed = false;
    for (let e = cursor[v] as number; e < end; e += g.edgeWidth) {
      if (g.edges[e] === weak) continue;
      const to = (g.edges[e + 2] as number) / g.nodeWidth;
      if (seen[to] === 1) continue;
      seen[to] = 1;
      cursor[v] = e + g.edgeWidth;
      cursor[to] = g.firstEdge[to] as number;
      stack[top++] = to;
      pushed = true;
      break;
    }
    if (pushed) continue;
    cursor[v] = end;
    top -= 1;
    postIndex[v] = count;
    order[count++] = v;
  }
  // Predecessors (reachable ones only), in compressed rows.
  const predStart = new Uint32Array(n + 1);
  for (let v = 0; v < n; v += 1) {
    if (postIndex[v] === -1) continue;
    forEachRetainingEdge(g, v, weak, (to) => { predStart[to + 1] = (predStart[to + 1] as number) + 1; });
  }
  for (let v = 0; v < n; v += 1) predStart[v + 1] = (predStart[v + 1] as number) + (predStart[v] as number);
  const preds = new Uint32Array(predStart[n] as number);
  const fill = predStart.slice(0, n);
  for (let v = 0; v < n; v += 1) {
    if (postIndex[v] === -1) continue;
    forEachRetainingEdge(g, v, weak, (to) => { preds[fill[to]!++] = v; });
  }
  // idom by postorder index; the root has the highest.
  const rootPost = count - 1;
  const idomPost = new Int32Array(count).fill(-1);
  idomPost[rootPost] = rootPost;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (a < b) a = idomPost[a] as number;
      while (b < a) b = idomPost[b] as number;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let p = rootPost - 1; p >= 0; p -= 1) {
      const v = order[p] as number;
      let next = -1;
      for (let k = predStart[v] as number; k < (predStart[v + 1] as number); k += 1) {
        const q = postIndex[preds[k] as number] as number;
        if (idomPost[q] === -1) continue;
        next = next === -1 ? q : intersect(q, next);
      }
      if (next !== -1 && idomPost[p] !== next) {
        idomPost[p] = next;
        changed = true;
      }
    }
  }
  const idom = new Int32Array(n).fill(-1);
  const retained = new Float64Array(n);
  for (let p = 0; p < count; p += 1) {
    const v = order[p] as number;
    idom[v] = order[idomPost[p] as number] as number;
    retained[v] = (retained[v] as number) + selfSize(g, v);
    // Children come before their dominator in postorder: their sums are complete here.
    if (p !== rootPost) retained[idom[v]] = (retained[idom[v]] as number) + (retained[v]);
  }
  return { graph: g, idom, retained };
}

/** How `holder` refers to `node`: a property name, `[index]`, or `(several paths)`. */
function fieldName(g: HeapGraph, holder: number, node: number): string {
  const property = g.edgeTypes.indexOf('property');
  const context = g.edgeTypes.indexOf('context');
  const internal = g.edgeTypes.indexOf('internal');
  for (let e = g.firstEdge[holder] as number; e < (g.firstEdge[holder + 1] as number); e += g.edgeWidth) {
    if ((g.edges[e + 2] as number) / g.nodeWidth !== node) continue;
    const type = g.edges[e] as number;
    const name = g.edges[e + 1] as number;
    if (type === property || type === context || type === internal) return `.${g.strings[name] ?? name}`;
    return `[${name}]`;
  }
  return '(several paths)';
}

export interface TreeOptions {
  /** Holders retaining less are summed by constructor under their dominator. */
  minBytes: number;
  maxDepth: number;
}

const MiB = 1024 * 1024;
/** Similar holders this many or more are explained member by member (a cache's entries). */
const MANY = 100;
/** Parts of a member smaller than this on average are not listed. */
const MIN_PART_BYTES = 24;
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1).padStart(7)} MiB`;

/** The dominator tree, as lines, from the root down to the holders of at least `minBytes`. */
export function retainerTree(d: Dominators, options: TreeOptions): string[] {
  const { graph: g, idom, retained } = d;
  const childStart = new Uint32Array(g.nodeCount + 1);
  for (let v = 1; v < g.nodeCount; v += 1) if (idom[v]! >= 0) childStart[idom[v]! + 1] = childStart[idom[v]! + 1]! + 1;
  for (let v = 0; v < g.nodeCount; v += 1) childStart[v + 1] = childStart[v + 1]! + childStart[v]!;
  const children = new Uint32Array(childStart[g.nodeCount]!);
  const fill = childStart.slice(0, g.nodeCount);
  for (let v = 1; v < g.nodeCount; v += 1) if (idom[v]! >= 0) children[fill[idom[v]!]!++] = v;
  const lines: string[] = [];
  const visit = (v: number, depth: number, label: string): void => {
    lines.push(`${mib(retained[v]!)} ${'  '.repeat(depth)}${label}`);
    if (depth >= options.maxDepth) return;
    const kids = Array.from(children.subarray(childStart[v], childStart[v + 1])).sort((a, b) => retained[b]! - retained[a]!);
    const small = new Map<string, { count: number; bytes: number }>();
    for (const k of kids) {
      if (retained[k]! >= options.minBytes) {
        visit(k, depth + 1, `${fieldName(g, v, k)} ${nodeLabel(g, k)}`);
      } else {
        const name = nodeLabel(g, k);
        const group = small.get(name) ?? { count: 0, bytes: 0 };
        group.count += 1;
        group.bytes += retained[k]!;
        small.set(name, group);
      }
    }
    const groups = [...small].sort((a, b) => b[1].bytes - a[1].bytes).filter(([, s]) => s.bytes >= options.minBytes);
    for (const [name, s] of groups) {
      lines.push(`${mib(s.bytes)} ${'  '.repeat(depth + 1)}${s.count} × ${name} (each ${(s.bytes / s.count).toFixed(0)} B)`);
      if (s.count >= MANY) explainMembers(kids.filter((k) => retained[k]! < options.minBytes && nodeLabel(g, k) === name), depth + 2, 2);
    }
  };
  /** What one of many similar holders (a cache's entries) is made of, on average, `levels` deep. */
  const explainMembers = (members: readonly number[], depth: number, levels: number): void => {
    const parts = new Map<string, { bytes: number; nodes: number[] }>();
    let own = 0;
    for (const m of members) {
      own += selfSize(g, m);
      for (const k of children.subarray(childStart[m], childStart[m + 1])) {
        const key = `${fieldName(g, m, k)} ${nodeLabel(g, k)}`;
        const part = parts.get(key) ?? { bytes: 0, nodes: [] };
        part.bytes += retained[k]!;
        part.nodes.push(k);
        parts.set(key, part);
      }
    }
    const each = (bytes: number): string => `${(bytes / members.length).toFixed(0).padStart(6)} B`;
    lines.push(`${' '.repeat(11)} ${'  '.repeat(depth)}${each(own)} itself`);
    for (const [key, part] of [...parts].sort((a, b) => b[1].bytes - a[1].bytes)) {
      if (part.bytes / members.length < MIN_PART_BYTES) break;
      lines.push(`${' '.repeat(11)} ${'  '.repeat(depth)}${each(part.bytes)} ${key}${part.nodes.length === members.length ? '' : ` (${part.nodes.length} of them)`}`);
      if (levels > 1 && part.nodes.length >= MANY) explainMembers(part.nodes, depth + 1, levels - 1);
    }
  };
  visit(0, 0, nodeLabel(g, 0));
  return lines;
}

export async function heapRetainerTree(file: string, options: TreeOptions): Promise<string[]> {
  return retainerTree(dominators(await readHeapGraph(file)), options);
}
