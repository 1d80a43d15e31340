// Just enough PromQL to find the series an expression selects: metric names with their label
// matchers. Function and aggregation names, grouping clauses (by, without, on, ignoring,
// group_left/right), range and offset durations, numbers and strings are skipped. Grafana's
// variables ($namespace, $__rate_interval) are left as they are.

export interface Matcher { readonly label: string; readonly op: '=' | '!=' | '=~' | '!~'; readonly value: string }
export interface VectorSelector { readonly metric: string; readonly matchers: readonly Matcher[] }

const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);
const IDENT = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;

export function vectorSelectors(expr: string): VectorSelector[] {
  const found: VectorSelector[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < expr.length && /\s/.test(expr[i]!)) i += 1;
  };
  /** Skips from an opening bracket to its closing one (strings inside are honoured). */
  const skipGroup = (open: string, close: string): void => {
    let depth = 0;
    while (i < expr.length) {
      const c = expr[i]!;
      if (c === '"' || c === "'") readString();
      else {
        if (c === open) depth += 1;
        else if (c === close) depth -= 1;
        i += 1;
        if (depth === 0) return;
      }
    }
    throw new Error(`unclosed ${open} in ${expr}`);
  };
  const readString = (): string => {
    const quote = expr[i]!;
    let value = '';
    i += 1;
    while (i < expr.length && expr[i] !== quote) {
      if (expr[i] === '\\') i += 1;
      value += expr[i];
      i += 1;
    }
    if (i >= expr.length) throw new Error(`unclosed string in ${expr}`);
    i += 1;
    return value;
  };
  const readMatchers = (): Matcher[] => {
    const matchers: Matcher[] = [];
    i += 1; // {
    for (;;) {
      skipSpace();
      if (expr[i] === '}') {
        i += 1;
        return matchers;
      }
      IDENT.lastIndex = i;
      const label = IDENT.exec(expr)?.[0];
      if (label === undefined) throw new Error(`bad label matcher at ${i} in ${expr}`);
      i += label.length;
      skipSpace();
      const op = (['=~', '!~', '!=', '='] as const).find((o) => expr.startsWith(o, i));
      if (op === undefined) throw new Error(`bad matcher operator at ${i} in ${expr}`);
      i += op.length;
      skipSpace();
      matchers.push({ label, op, value: readString() });
      skipSpace();
      if (expr[i] === ',') i += 1;
    }
  };
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) i += 1;
    else if (c === '"' || c === "'") readString();
    else if (c === '[') skipGroup('[', ']');
    else if (c === '{') throw new Error(`a selector without a metric name in ${expr}`);
    else if (/[0-9.]/.test(c)) while (i < expr.length && /[0-9a-zA-Z.]/.test(expr[i]!)) i += 1;
    else if (c === '$') while (i < expr.length && /[$\w{}]/.test(expr[i]!)) i += 1;
    else if (/[a-zA-Z_:]/.test(c)) {
      IDENT.lastIndex = i;
      const word = IDENT.exec(expr)![0];
      i += word.length;
      skipSpace();
      if (GROUPING.has(word)) {
        if (expr[i] === '(') skipGroup('(', ')');
      } else if (AGGREGATIONS.has(word) || KEYWORDS.has(word) || expr[i] === '(') {
        // a function call, an aggregation or an operator: its arguments are scanned as they come
      } else {
        found.push({ metric: word, matchers: expr[i] === '{' ? readMatchers() : [] });
      }
    } else i += 1;
  }
  return found;
}
