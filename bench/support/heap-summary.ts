// Where the bytes of a V8 heap snapshot are: the shallow size and count of its objects by
// constructor (strings, arrays, code and other V8 internals by kind), like DevTools' Summary
// view, and the strings held in more than one copy.
import { nodeName, nodeType, readHeapGraph, selfSize } from './heap-graph.ts';

export interface HeapGroup { name: string; count: number; bytes: number }

export interface HeapSummary {
  totalBytes: number;
  nodes: number;
  groups: HeapGroup[];
  /** String values held more than once, by the bytes the copies beyond the first cost. */
  repeatedStrings: HeapGroup[];
}

export async function summarizeHeapSnapshot(file: string): Promise<HeapSummary> {
  const g = await readHeapGraph(file, false);
  const groups = new Map<string, HeapGroup>();
  const stringValues = new Map<string, HeapGroup>();
  let totalBytes = 0;
  for (let i = 0; i < g.nodeCount; i += 1) {
    const name = nodeName(g, i);
    const bytes = selfSize(g, i);
    totalBytes += bytes;
    const group = groups.get(name) ?? { name, count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += bytes;
    groups.set(name, group);
    if (nodeType(g, i) === 'string') {
      const value = g.strings[g.nodes[i * g.nodeWidth + g.nameAt] as number] ?? '';
      const same = stringValues.get(value) ?? { name: value, count: 0, bytes: 0 };
      same.count += 1;
      same.bytes += bytes;
      stringValues.set(value, same);
    }
  }
  const repeatedStrings = [...stringValues.values()].filter((s) => s.count > 1)
    .map((s) => ({ ...s, bytes: s.bytes - s.bytes / s.count })).sort((a, b) => b.bytes - a.bytes);
  return { totalBytes, nodes: g.nodeCount, groups: [...groups.values()].sort((a, b) => b.bytes - a.bytes), repeatedStrings };
}
