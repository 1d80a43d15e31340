// Label selectors (equality- and set-based: =, ==, !=, in, notin, exists, !exists, gt, lt) and
// field selectors (=, ==, != over the labels a kind supports), parsed once per request.

import { badRequest } from './status.ts';

type LabelOp = 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists' | 'gt' | 'lt';
interface LabelReq { key: string; op: LabelOp; values: string[] }
export type LabelSelector = readonly LabelReq[];

const KEY = /^([A-Za-z0-9][-A-Za-z0-9_./]*)?[A-Za-z0-9]$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

export function parseLabelSelector(selector: string | undefined): LabelSelector {
  if (!selector) return [];
  return splitTerms(selector).map((term): LabelReq => {
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
    if (set) {
      const values = (set[3] ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { key: checkKey(set[1] ?? '', selector), op: set[2] === 'in' ? 'in' : 'notin', values };
    }
    const eq = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(term);
    if (eq) {
      const opText = eq[2] ?? '=';
      const op: LabelOp = opText === '!=' ? 'neq' : opText === '>' ? 'gt' : opText === '<' ? 'lt' : 'eq';
      const value = (eq[3] ?? '').trim();
      if ((op === 'gt' || op === 'lt') && !/^-?\d+$/.test(value)) {
        throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      }
      return { key: checkKey(eq[1] ?? '', selector), op, values: [value] };
    }
    if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim(), selector), op: 'notexists', values: [] };
    return { key: checkKey(term, selector), op: 'exists', values: [] };
  });
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string>): boolean {
  return sel.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key] ?? '';
    switch (r.op) {
      case 'eq': return has && v === r.values[0];
      case 'neq': return !has || v !== r.values[0];
      case 'in': return has && r.values.includes(v);
      case 'notin': return !has || !r.values.includes(v);
      case 'exists': return has;
      case 'notexists': return !has;
      case 'gt': return has && /^-?\d+$/.test(v) && Number(v) > Number(r.values[0]);
      case 'lt': return has && /^-?\d+$/.test(v) && Number(v) < Number(r.values[0]);
    }
    return false;
  });
}

interface FieldReq { key: string; negate: boolean; value: string }
export type FieldSelector = readonly FieldReq[];

function unescape(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

/** Parses a field selector; `supported` are the labels the kind knows (others are a 400). */
export function parseFieldSelector(selector: string | undefined, supported: ReadonlySet<string>): FieldSelector {
  if (!selector) return [];
  return selector.split(/(?<!\\),/).map((t) => t.trim()).filter((t) => t !== '').map((term): FieldReq => {
    const m = /^(.*?)(==|!=|=)(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const key = (m[1] ?? '').trim();
    if (!supported.has(key)) throw badRequest(`field label not supported: ${key}`);
    return { key, negate: m[2] === '!=', value: unescape((m[3] ?? '').trim()) };
  });
}

export function matchesFields(sel: FieldSelector, fields: Record<string, string>): boolean {
  return sel.every((r) => ((fields[r.key] ?? '') === r.value) !== r.negate);
}
