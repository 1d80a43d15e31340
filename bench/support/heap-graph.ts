// A V8 heap snapshot's object graph, read as bytes (a large heap's snapshot is bigger than a
// JavaScript string may be): the node and edge tables as integers, the string table decoded.
// Shared by the summary by constructor and the retainer tree.
import { readFile } from 'node:fs/promises';

export interface HeapGraph {
  /** Integers per node, and the columns used here. */
  readonly nodeWidth: number;
  readonly typeAt: number;
  readonly nameAt: number;
  readonly sizeAt: number;
  readonly edgeCountAt: number;
  readonly nodes: Uint32Array;
  readonly nodeCount: number;
  readonly nodeTypes: readonly string[];
  /** Integers per edge: type, name or index, target (an offset into `nodes`). */
  readonly edgeWidth: number;
  readonly edges: Uint32Array;
  readonly edgeTypes: readonly string[];
  /** Where node i's edges start in `edges` (an offset). */
  readonly firstEdge: Uint32Array;
  readonly strings: readonly string[];
}

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function indexAfter(buffer: Buffer, marker: string, from = 0): number {
  const at = buffer.indexOf(marker, from, 'latin1');
  if (at < 0) throw new Error(`not a heap snapshot: no ${marker}`);
  return at + marker.length;
}

/** The integers of the JSON array starting at `start` (just after its `[`). */
function readIntegers(buffer: Buffer, start: number, expected: number, what: string): Uint32Array {
  const out = new Uint32Array(expected);
  let n = 0;
  let value = -1;
  for (let i = start; i < buffer.length; i += 1) {
    const c = buffer[i] as number;
    if (c >= 0x30 && c <= 0x39) {
      value = (value < 0 ? 0 : value * 10) + (c - 0x30);
    } else {
      if (value >= 0) out[n++] = value;
      value = -1;
      if (c === CLOSE_BRACKET) break;
    }
  }
  if (n !== expected) throw new Error(`expected ${expected} ${what} fields, read ${n}`);
  return out;
}

/** The JSON strings of the array starting at `start`. */
function readStrings(buffer: Buffer, start: number): string[] {
  const out: string[] = [];
  for (let i = start; i < buffer.length; i += 1) {
    const c = buffer[i];
    if (c === CLOSE_BRACKET) break;
    if (c !== QUOTE) continue;
    let end = i + 1;
    while (buffer[end] !== QUOTE) end += buffer[end] === BACKSLASH ? 2 : 1;
    out.push(JSON.parse(buffer.toString('utf8', i, end + 1)) as string);
    i = end;
  }
  return out;
}

interface Meta {
  node_fields: string[];
  node_types: [string[]];
  edge_fields: string[];
  edge_types: [string[]];
}

/** Reads the snapshot; with `withEdges` false, the edge table is skipped (a summary needs none). */
export async function readHeapGraph(file: string, withEdges = true): Promise<HeapGraph> {
  const buffer = await readFile(file);
  const metaEnd = indexAfter(buffer, '"nodes":');
  const head = JSON.parse(`${buffer.toString('utf8', 0, metaEnd - '"nodes":'.length).replace(/,\s*$/, '')}}`) as {
    snapshot: { meta: Meta; node_count: number; edge_count: number };
  };
  const { meta, node_count: nodeCount, edge_count: edgeCount } = head.snapshot;
  const nodeWidth = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const nodesStart = buffer.indexOf(OPEN_BRACKET, metaEnd) + 1;
  const nodes = readIntegers(buffer, nodesStart, nodeCount * nodeWidth, 'node');
  const edgesStart = indexAfter(buffer, '"edges":[', nodesStart);
  const edges = withEdges ? readIntegers(buffer, edgesStart, edgeCount * edgeWidth, 'edge') : new Uint32Array(0);
  const strings = readStrings(buffer, indexAfter(buffer, '"strings":[', edgesStart));
  const [typeAt, nameAt, sizeAt, edgeCountAt] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f)) as
    [number, number, number, number];
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let i = 0, at = 0; i < nodeCount; i += 1) {
    firstEdge[i] = at;
    at += (nodes[i * nodeWidth + edgeCountAt] as number) * edgeWidth;
    firstEdge[i + 1] = at;
  }
  return {
    nodeWidth, typeAt, nameAt, sizeAt, edgeCountAt, nodes, nodeCount, nodeTypes: meta.node_types[0],
    edgeWidth, edges, edgeTypes: meta.edge_types[0], firstEdge, strings,
  };
}

/** Node i's type (`object`, `string`, `closure`, ...). */
export function nodeType(g: HeapGraph, i: number): string {
  return g.nodeTypes[g.nodes[i * g.nodeWidth + g.typeAt] as number] ?? '?';
}

/** Node i's constructor (objects and native objects) or `(type)`: DevTools' Summary grouping. */
export function nodeName(g: HeapGraph, i: number): string {
  const type = nodeType(g, i);
  return type === 'object' || type === 'native' ? g.strings[g.nodes[i * g.nodeWidth + g.nameAt] as number] ?? '?' : `(${type})`;
}

/** As nodeName, with a closure's function name and a synthetic root's name (for the retainer tree). */
export function nodeLabel(g: HeapGraph, i: number): string {
  const type = nodeType(g, i);
  const name = g.strings[g.nodes[i * g.nodeWidth + g.nameAt] as number] ?? '?';
  if (type === 'closure') return `${name || '(anonymous)'}()`;
  if (type === 'synthetic') return name;
  return nodeName(g, i);
}

export function selfSize(g: HeapGraph, i: number): number {
  return g.nodes[i * g.nodeWidth + g.sizeAt] as number;
}
