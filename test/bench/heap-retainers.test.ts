// The heap tools on a snapshot small enough to check by hand: dominators, retained sizes, the
// retainer tree, and the summary by constructor.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readHeapGraph } from '../../bench/support/heap-graph.ts';
import { dominators, retainerTree } from '../../bench/support/heap-retainers.ts';
import { summarizeHeapSnapshot } from '../../bench/support/heap-summary.ts';

const NODE_TYPES = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic'];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

interface SketchNode { type: string; name: string; size: number; edges: [type: string, name: string, to: number][] }

/** A V8 heap snapshot file of `nodes` (node 0 is the root). */
function snapshotText(nodes: readonly SketchNode[]): string {
  const strings: string[] = [];
  const at = (s: string): number => (strings.includes(s) ? strings.indexOf(s) : strings.push(s) - 1);
  const width = 6;
  const nodeInts = nodes.flatMap((n, i) => [NODE_TYPES.indexOf(n.type), at(n.name), i * 2 + 1, n.size, n.edges.length, 0]);
  const edgeInts = nodes.flatMap((n) => n.edges.flatMap(([type, name, to]) => [EDGE_TYPES.indexOf(type), at(name), to * width]));
  return JSON.stringify({
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'detachedness'], node_types: [NODE_TYPES, 'string', 'number', 'number', 'number', 'number'],
        edge_fields: ['type', 'name_or_index', 'to_node'], edge_types: [EDGE_TYPES, 'string_or_number', 'node'],
      },
      node_count: nodes.length, edge_count: edgeInts.length / 3,
    },
    nodes: nodeInts, edges: edgeInts, strings,
  });
}

// root → cache (Map) → 150 entries, each → its spec and a shared string; root → loop → state,
// which holds the shared string too: no single object then retains it.
const ENTRIES = 150;
const nodes: SketchNode[] = [
  { type: 'synthetic', name: '', size: 0, edges: [['property', 'cache', 1], ['property', 'loop', 2], ['weak', 'ghost', 4]] },
  { type: 'object', name: 'Map', size: 100, edges: [] },
  { type: 'object', name: 'SchedulerLoop', size: 50, edges: [['property', 'state', 3]] },
  { type: 'object', name: 'State', size: 30, edges: [['property', 'label', 5]] },
  { type: 'object', name: 'Ghost', size: 1000, edges: [] },
  { type: 'string', name: 'shared', size: 40, edges: [] },
];
for (let i = 0; i < ENTRIES; i += 1) {
  const entry = nodes.length;
  nodes.push({ type: 'object', name: 'Entry', size: 64, edges: [['property', 'spec', entry + 1], ['property', 'name', 5]] });
  nodes.push({ type: 'object', name: 'Spec', size: 200, edges: [] });
  nodes[1]!.edges.push(['element', String(i), entry]);
}

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'heap-tools-'));
  file = path.join(dir, 'small.heapsnapshot');
  await writeFile(file, snapshotText(nodes));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

test('an object reached only through another is retained by it; shared ones and weakly held ones are not', async () => {
  const d = dominators(await readHeapGraph(file));
  const entry = 6;
  expect(d.idom[entry]).toBe(1);
  expect(d.idom[entry + 1]).toBe(entry);
  expect(d.idom[5]).toBe(0); // the shared string: held by the entries and the state
  expect(d.idom[4]).toBe(-1); // only a weak edge reaches it
  expect(d.retained[entry]).toBe(264);
  expect(d.retained[1]).toBe(100 + ENTRIES * 264);
  expect(d.retained[2]).toBe(80);
  expect(d.retained[0]).toBe(100 + ENTRIES * 264 + 80 + 40);
});

test('the retainer tree names holders by their field and explains many similar members on average', async () => {
  const lines = retainerTree(dominators(await readHeapGraph(file)), { minBytes: 1000, maxDepth: 5 });
  expect(lines[1]).toMatch(/^\s+0\.0 MiB\s+\.cache Map$/);
  expect(lines).toContainEqual(expect.stringMatching(/150 × Entry \(each 264 B\)$/));
  expect(lines).toContainEqual(expect.stringMatching(/^\s+64 B itself$/));
  expect(lines).toContainEqual(expect.stringMatching(/^\s+200 B \.spec Spec$/));
});

test('the summary counts every object by constructor', async () => {
  const summary = await summarizeHeapSnapshot(file);
  expect(summary.nodes).toBe(nodes.length);
  expect(summary.groups.find((g) => g.name === 'Entry')).toEqual({ name: 'Entry', count: ENTRIES, bytes: ENTRIES * 64 });
});
