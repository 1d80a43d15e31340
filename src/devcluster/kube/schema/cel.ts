// CEL `x-kubernetes-validations` on custom resources, evaluated with @marcbachmann/cel-js plus
// the Kubernetes library functions it lacks. Transition rules (those naming `oldSelf`) run only on
// update and only where the old value correlates (object fields, map-type list items).
// Not emulated: cost limits, `format: date-time`/`duration` fields as CEL timestamps/durations,
// and the quantity, IP/CIDR, URL-object and format libraries (rules using them fail to evaluate).

import { Environment, Optional } from '@marcbachmann/cel-js';
import type { ParseResult } from '@marcbachmann/cel-js';
import { child, duplicate, forbidden, invalid, required } from '../field-errors.ts';
import type { FieldError } from '../field-errors.ts';
import { deepEqual, isObj } from '../json.ts';
import { propertySchema } from './schema.ts';
import type { Schema, ValidationRule } from './schema.ts';
import { oldItem } from './validate.ts';
import type { Old } from './validate.ts';

type CelList = unknown[];

function cmp(a: unknown, b: unknown): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

// Kubernetes adds these libraries (strings, lists, regex) on top of the CEL standard library.
const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false, enableOptionalTypes: true })
  .registerFunction('string.charAt(int): string', (s: string, i: bigint) => s.charAt(Number(i)))
  .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b))
  .registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
    let out = s;
    for (let i = 0; i < Number(n) && out.includes(a); i += 1) out = out.replace(a, b);
    return out;
  })
  .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''))
  .registerFunction('string.find(string): string', (s: string, re: string) => new RegExp(re, 'u').exec(s)?.[0] ?? '')
  .registerFunction('string.findAll(string): list<string>', (s: string, re: string) => [...s.matchAll(new RegExp(re, 'gu'))].map((m) => m[0]))
  .registerFunction('list.isSorted(): bool', (l: CelList) => l.every((v, i) => i === 0 || cmp(l[i - 1], v) <= 0))
  .registerFunction('list.sum(): dyn', (l: CelList) => l.reduce((a: unknown, b: unknown) => (typeof a === 'bigint' && typeof b === 'bigint' ? a + b : Number(a) + Number(b)), 0n))
  .registerFunction('list.min(): dyn', (l: CelList) => [...l].sort(cmp)[0])
  .registerFunction('list.max(): dyn', (l: CelList) => [...l].sort(cmp).at(-1))
  .registerFunction('list.indexOf(dyn): int', (l: CelList, v: unknown) => BigInt(l.findIndex((x) => deepEqual(x, v))))
  .registerFunction('list.lastIndexOf(dyn): int', (l: CelList, v: unknown) => BigInt(l.findLastIndex((x) => deepEqual(x, v))))
  .registerFunction('isURL(string): bool', (s: string) => URL.canParse(s));

// cel-js tells lists by their constructor. Under Jest's VM modules the library can live in
// another realm than the server's JSON, so lists are rebuilt with the library's own Array.
const CelArray = (env.parse('[]')({}) as unknown[]).constructor as ArrayConstructor;

const compiled = new Map<string, ParseResult | Error>();

function compile(expr: string): ParseResult | Error {
  let c = compiled.get(expr);
  if (!c) {
    try {
      c = env.parse(expr);
    } catch (err) {
      c = err instanceof Error ? err : new Error(String(err));
    }
    compiled.set(expr, c);
  }
  return c;
}

function firstLine(err: Error): string {
  return (err.message.split('\n')[0] ?? '').trim();
}

/** The compile error of a rule, for CRD validation (undefined: compiles). */
export function compileError(expr: string): string | undefined {
  const c = compile(expr);
  return c instanceof Error ? `compilation failed: ERROR: <input>: ${firstLine(c)}` : undefined;
}

/** JSON → CEL values: schema integers become ints (bigint), numbers stay doubles. */
export function toCel(value: unknown, s: Schema | undefined): unknown {
  if (typeof value === 'number') {
    const integral = s?.type === 'integer' || s?.['x-kubernetes-int-or-string'] === true || (!s?.type && Number.isInteger(value));
    return integral && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return CelArray.from(value, (v) => toCel(v, s?.items));
  if (isObj(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v, s ? propertySchema(s, k) : undefined);
    return out;
  }
  return value;
}

const usesOldSelf = (rule: ValidationRule): boolean => /\boldSelf\b/.test(rule.rule);

function ruleText(rule: ValidationRule): string {
  return rule.message?.trim() || rule.rule.trim();
}

function fieldErrorFor(path: string, rule: ValidationRule, s: Schema, detail: string): FieldError {
  const value = s.type ?? '';
  switch (rule.reason) {
    case 'FieldValueForbidden': return forbidden(path, detail);
    case 'FieldValueRequired': return required(path, detail);
    case 'FieldValueDuplicate': return duplicate(path, value);
    default: return invalid(path, value, detail);
  }
}

function evaluationMessage(err: Error, rule: ValidationRule): string {
  const msg = firstLine(err);
  if (msg.startsWith('found no matching overload')) {
    return `'no such overload': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText(rule)}`;
  }
  return `${msg.charAt(0).toLowerCase()}${msg.slice(1)} evaluating rule: ${ruleText(rule)}`;
}

function checkRule(rule: ValidationRule, value: unknown, s: Schema, path: string, old: Old): FieldError | undefined {
  const transition = usesOldSelf(rule);
  if (transition && !old.present && rule.optionalOldSelf !== true) return undefined;
  const program = compile(rule.rule);
  if (program instanceof Error) return invalid(path, s.type ?? '', compileError(rule.rule) ?? '');
  const ctx: Record<string, unknown> = { self: toCel(value, s) };
  if (transition) ctx.oldSelf = old.present ? (rule.optionalOldSelf ? Optional.of(toCel(old.value, s)) : toCel(old.value, s)) : Optional.none();
  let result: unknown;
  try {
    result = program(ctx);
  } catch (err) {
    return invalid(path, s.type ?? '', evaluationMessage(err instanceof Error ? err : new Error(String(err)), rule));
  }
  if (result === true) return undefined;
  const at = rule.fieldPath ? child(path, rule.fieldPath.replace(/^\./, '')) : path;
  let detail = rule.message?.trim() ? rule.message.trim() : `failed rule: ${ruleText(rule)}`;
  if (rule.messageExpression) {
    const m = compile(rule.messageExpression);
    try {
      const text: unknown = m instanceof Error ? undefined : m(ctx);
      if (typeof text === 'string' && text.trim()) detail = text.trim();
    } catch {
      // A failing messageExpression falls back to the static message, as the real server does.
    }
  }
  return fieldErrorFor(at, rule, s, detail);
}

function walk(value: unknown, s: Schema | undefined, path: string, old: Old, errs: FieldError[]): void {
  if (!s || value === undefined) return;
  // Ratcheting: rules on an unchanged value are not re-evaluated.
  if (old.present && deepEqual(value, old.value)) return;
  for (const rule of s['x-kubernetes-validations'] ?? []) {
    const e = checkRule(rule, value, s, path, old);
    if (e) errs.push(e);
  }
  if (Array.isArray(value)) {
    const oldList = old.present && Array.isArray(old.value) ? old.value : undefined;
    value.forEach((item, i) => walk(item, s.items, child(path, i), oldItem(s, item, oldList), errs));
  } else if (isObj(value)) {
    const oldObj = old.present && isObj(old.value) ? old.value : undefined;
    for (const [k, v] of Object.entries(value)) {
      const o: Old = oldObj && Object.hasOwn(oldObj, k) ? { present: true, value: oldObj[k] } : { present: false };
      walk(v, propertySchema(s, k), child(path, k), o, errs);
    }
  }
}

/** Evaluates every x-kubernetes-validations rule of the schema against `obj` (and `old` on update). */
export function validateRules(obj: unknown, schema: Schema, old: Old): FieldError[] {
  const errs: FieldError[] = [];
  walk(obj, schema, '', old, errs);
  return errs;
}

/** Compile errors of every rule in a CRD schema, with the CRD field path of each rule. */
export function ruleCompileErrors(s: Schema | undefined, path: string): FieldError[] {
  if (!s) return [];
  const errs: FieldError[] = [];
  (s['x-kubernetes-validations'] ?? []).forEach((rule, i) => {
    const e = compileError(String(rule.rule));
    if (e) errs.push(invalid(`${path}.x-kubernetes-validations[${i}].rule`, rule.rule, e));
  });
  for (const [k, p] of Object.entries(s.properties ?? {})) errs.push(...ruleCompileErrors(p, `${path}.properties[${k}]`));
  if (s.items) errs.push(...ruleCompileErrors(s.items, `${path}.items`));
  if (isObj(s.additionalProperties)) errs.push(...ruleCompileErrors(s.additionalProperties, `${path}.additionalProperties`));
  return errs;
}
