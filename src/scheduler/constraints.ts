// `spark.mesos.driver.constraints`: Spark's grammar (`attr:v1,v2;attr2:` …) and its matching
// rules against an offer's agent attributes, for every attribute type. Range attributes are
// matched against every range real agents report (Spark only recognised a single range, so its
// range constraints never matched). Pure; errors are returned, never thrown.

import type { AttributeValue } from './offers.ts';
import { isBlank, trimBlank } from './spark-values.ts';

export const CONSTRAINTS_KEY = 'spark.mesos.driver.constraints';

/** One `attribute:values` entry. An empty `values` list means "the attribute must be present". */
export interface Constraint {
  readonly attribute: string;
  readonly values: readonly string[];
  /** The values as numbers, or undefined if any of them is not a number. */
  readonly numbers: readonly number[] | undefined;
  /** The values as whole numbers, or undefined if any of them is not one. */
  readonly integers: readonly number[] | undefined;
}

export type ParsedConstraints = { ok: true; constraints: readonly Constraint[] } | { ok: false; error: string };

export type ConstraintVerdict = 'match' | 'no-match' | { error: string };

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const WHOLE = /^[+-]?\d+$/;

/**
 * Parses a constraint string with Guava's rules, as Spark does: entries split on `;` and
 * trimmed; each entry exactly one `:`; values split on `,` with trailing empty values dropped
 * (Java's `split`); no duplicate attributes. An empty (or blank) string means no constraints.
 */
export function parseConstraints(text: string): ParsedConstraints {
  if (isBlank(text)) return { ok: true, constraints: [] };
  const bad = (why: string): ParsedConstraints =>
    ({ ok: false, error: `${CONSTRAINTS_KEY}: bad constraint string '${text}': ${why}` });
  const constraints: Constraint[] = [];
  const seen = new Set<string>();
  for (const entry of text.split(';').map(trimBlank)) {
    if (entry === '') return bad("it has an empty entry (a stray ';'?)");
    const parts = entry.split(':');
    if (parts.length !== 2) return bad(`entry '${entry}' must have exactly one ':' (attribute:value1,value2)`);
    const [attribute = '', valueText = ''] = parts;
    if (attribute === '') return bad(`entry '${entry}' has no attribute name`);
    if (seen.has(attribute)) return bad(`attribute '${attribute}' appears more than once`);
    seen.add(attribute);
    constraints.push(makeConstraint(attribute, splitValues(valueText)));
  }
  return { ok: true, constraints };
}

function splitValues(valueText: string): string[] {
  if (valueText === '') return [];
  const values = valueText.split(',');
  while (values.length > 0 && values[values.length - 1] === '') values.pop();
  return values;
}

function makeConstraint(attribute: string, values: string[]): Constraint {
  return {
    attribute,
    values,
    numbers: values.every((v) => DECIMAL.test(v)) ? values.map(Number) : undefined,
    integers: values.every((v) => WHOLE.test(v)) ? values.map(Number) : undefined,
  };
}

/**
 * Whether an agent's attributes satisfy every constraint (AND across attributes):
 * presence for an empty value list; SCALAR: any value ≤ the offered scalar; RANGES: any whole
 * value inside any offered range; SET: every value among the offered items; TEXT: the offered
 * text equals any value. A non-numeric value against a SCALAR or RANGES attribute is an error
 * (Spark threw NumberFormatException out of the offer callback).
 */
export function matchConstraints(
  constraints: readonly Constraint[], attributes: ReadonlyMap<string, AttributeValue>, agent: string,
): ConstraintVerdict {
  for (const constraint of constraints) {
    const attribute = attributes.get(constraint.attribute);
    if (attribute === undefined) return 'no-match';
    if (constraint.values.length === 0) continue;
    const verdict = matchOne(constraint, attribute, agent);
    if (verdict !== 'match') return verdict;
  }
  return 'match';
}

function matchOne(constraint: Constraint, attribute: AttributeValue, agent: string): ConstraintVerdict {
  switch (attribute.type) {
    case 'scalar': {
      if (constraint.numbers === undefined) return typeError(constraint, 'a scalar', 'numbers', agent);
      const offered = attribute.value;
      return constraint.numbers.some((n) => n <= offered) ? 'match' : 'no-match';
    }
    case 'ranges': {
      if (constraint.integers === undefined) return typeError(constraint, 'a range', 'whole numbers', agent);
      const inside = (n: number): boolean => attribute.ranges.some((r) => r.begin <= n && n <= r.end);
      return constraint.integers.some(inside) ? 'match' : 'no-match';
    }
    case 'set': {
      const items = new Set(attribute.items);
      return constraint.values.every((v) => items.has(v)) ? 'match' : 'no-match';
    }
    case 'text':
      return constraint.values.includes(attribute.value) ? 'match' : 'no-match';
  }
}

function typeError(constraint: Constraint, kind: string, wanted: string, agent: string): ConstraintVerdict {
  return {
    error: `${CONSTRAINTS_KEY}: attribute '${constraint.attribute}' is ${kind} on agent ${agent}, ` +
      `so its values must be ${wanted}, but got '${constraint.values.join(',')}'`,
  };
}
