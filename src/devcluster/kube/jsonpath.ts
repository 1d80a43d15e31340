// The JSONPath subset printer columns use (`.a.b`, `.a[0]`, `.a[*]`, `['k']` and filters such as
// `.status.conditions[?(@.type=="Ready")].status`), and Go's `%v` rendering of the results.

import { isObj } from './json.ts';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; op: string; literal: unknown; exists: boolean };

function parseLiteral(text: string): unknown {
  const t = text.trim();
  if (/^'.*'$/s.test(t) || /^".*"$/s.test(t)) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && !Number.isNaN(Number(t))) return Number(t);
  return t;
}

function parseFilter(body: string): Step {
  const m = /^@((?:\.[^\s=!<>]+)*)\s*(==|!=|<=|>=|<|>)?\s*(.*)$/s.exec(body.trim());
  if (!m) throw new Error(`unsupported JSONPath filter: ${body}`);
  const path = (m[1] ?? '').split('.').filter((p) => p !== '');
  if (!m[2]) return { kind: 'filter', path, op: '', literal: undefined, exists: true };
  return { kind: 'filter', path, op: m[2], literal: parseLiteral(m[3] ?? ''), exists: false };
}

/** Parses a JSONPath template of the supported subset into steps; throws on anything else. */
export function parseJsonPath(expr: string): Step[] {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      let name = '';
      i += 1;
      while (i < s.length && s[i] !== '.' && s[i] !== '[') {
        if (s[i] === '\\' && i + 1 < s.length) i += 1;
        name += s[i];
        i += 1;
      }
      if (name !== '') steps.push(name === '*' ? { kind: 'all' } : { kind: 'field', name });
    } else if (c === '[') {
      const end = s.indexOf(']', s.startsWith('[?(', i) ? s.indexOf(')', i) : i);
      if (end === -1) throw new Error(`unterminated [ in JSONPath ${expr}`);
      const inner = s.slice(i + 1, end).trim();
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push(parseFilter(inner.slice(2, -1)));
      else throw new Error(`unsupported JSONPath subscript [${inner}] in ${expr}`);
      i = end + 1;
    } else {
      throw new Error(`unexpected ${JSON.stringify(c)} in JSONPath ${expr}`);
    }
  }
  return steps;
}

function follow(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const p of path) cur = isObj(cur) ? cur[p] : undefined;
  return cur;
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    default: {
      if (typeof a !== 'number' || typeof b !== 'number') return false;
      return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
    }
  }
}

/** Every value the path selects in `root` (empty when nothing matches). */
export function evaluateJsonPath(steps: readonly Step[], root: unknown): unknown[] {
  let nodes: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const n of nodes) {
      if (step.kind === 'field') {
        if (isObj(n) && n[step.name] !== undefined) next.push(n[step.name]);
      } else if (step.kind === 'index') {
        if (Array.isArray(n)) {
          const v: unknown = n[step.index < 0 ? n.length + step.index : step.index];
          if (v !== undefined) next.push(v);
        }
      } else if (step.kind === 'all') {
        if (Array.isArray(n)) next.push(...(n as unknown[]));
        else if (isObj(n)) next.push(...Object.values(n));
      } else {
        const items: unknown[] = Array.isArray(n) ? n : [n];
        for (const item of items) {
          const v = follow(item, step.path);
          if (step.exists ? v !== undefined : compare(v, step.op, step.literal)) next.push(item);
        }
      }
    }
    nodes = next;
  }
  return nodes;
}

/** Go's fmt `%v` of a decoded JSON value, as kubectl/jsonpath prints string columns. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (isObj(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(value[k])}`).join(' ')}]`;
  }
  return JSON.stringify(value);
}
