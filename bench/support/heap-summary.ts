// Where the bytes of a V8 heap snapshot are: the shallow size and count of its objects by
// constructor (strings, arrays, code and other V8 internals by kind), like DevTools' Summary
// view. Snapshots of a large heap are bigger than a JavaScript string may be, so the file is
// scanned as bytes: only the node table and the string table are decoded.
import { readFile } from 'node:fs/promises';

export interface HeapGroup { name: string; count: number; bytes: number }

export interface HeapSummary {
  totalBytes: number;
  nodes: number;
  groups: HeapGroup[];
  /** String values held more than once, by the bytes the copies beyond the first cost. */
  repeatedStrings: HeapGroup[];
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
function readIntegers(buffer: Buffer, start: number, expected: number): Uint32Array {
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
  if (n !== expected) throw new Error(`expected ${expected} node fields, read ${n}`);
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

export async function summarizeHeapSnapshot(file: string): Promise<HeapSummary> {
  const buffer = await readFile(file);
  const metaEnd = indexAfter(buffer, '"nodes":');
  const head = JSON.parse(`${buffer.toString('utf8', 0, metaEnd - '"nodes":'.length).replace(/,\s*$/, '')}}`) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] }; node_count: number };
  };
  const { node_fields: fields, node_types: [types] } = head.snapshot.meta;
  const width = fields.length;
  const nodes = readIntegers(buffer, buffer.indexOf(OPEN_BRACKET, metaEnd) + 1, head.snapshot.node_count * width);
  const strings = readStrings(buffer, indexAfter(buffer, '"strings":[', metaEnd));
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const groups = new Map<string, HeapGroup>();
  const stringValues = new Map<string, HeapGroup>();
  let totalBytes = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt] as number] ?? '?';
    const name = type === 'object' || type === 'native' ? strings[nodes[i + nameAt] as number] ?? '?' : `(${type})`;
    const bytes = nodes[i + sizeAt] as number;
    totalBytes += bytes;
    const group = groups.get(name) ?? { name, count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += bytes;
    groups.set(name, group);
    if (type === 'string') {
      const value = strings[nodes[i + nameAt] as number] ?? '';
      const same = stringValues.get(value) ?? { name: value, count: 0, bytes: 0 };
      same.count += 1;
      same.bytes += bytes;
      stringValues.set(value, same);
    }
  }
  const repeatedStrings = [...stringValues.values()].filter((g) => g.count > 1)
    .map((g) => ({ ...g, bytes: g.bytes - g.bytes / g.count })).sort((a, b) => b.bytes - a.bytes);
  return { totalBytes, nodes: nodes.length / width, groups: [...groups.values()].sort((a, b) => b.bytes - a.bytes), repeatedStrings };
}
