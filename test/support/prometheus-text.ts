// A strict parser of the Prometheus text exposition format (0.0.4), for tests that scrape
// /metrics: it rejects what Prometheus would reject (bad names, bad escapes, samples without or
// before their TYPE, interleaved families, duplicate series, broken histograms) and hands back
// families with typed samples, plus lookups by name and labels.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  type: MetricType;
  help: string;
  readonly samples: Sample[];
}

export interface HistogramSeries {
  readonly buckets: ReadonlyMap<number, number>;
  readonly count: number;
  readonly sum: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: [''], gauge: [''], untyped: [''], histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'],
};

class ParseError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/** Parses a whole exposition; throws on the first thing Prometheus would refuse. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith('\n')) throw new ParseError(0, 'the exposition must end with a newline');
  const families = new Map<string, Family>();
  const seriesSeen = new Set<string>();
  const typed = new Set<string>();
  const helped = new Set<string>();
  let current: Family | undefined;
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (meta === null) return; // a plain comment
      const [, kind, name = '', rest = ''] = meta;
      if (!METRIC_NAME.test(name)) throw new ParseError(n, `bad metric name '${name}'`);
      let family = families.get(name);
      if (family !== undefined && family !== current) throw new ParseError(n, `family ${name} is not contiguous`);
      if (family === undefined) {
        family = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, family);
        current = family;
      }
      if (family.samples.length > 0) throw new ParseError(n, `${kind} for ${name} after its samples`);
      if (kind === 'TYPE') {
        if (typed.has(name)) throw new ParseError(n, `second TYPE for ${name}`);
        if (!TYPES.has(rest)) throw new ParseError(n, `unknown type '${rest}' for ${name}`);
        typed.add(name);
        family.type = rest as MetricType;
      } else {
        if (helped.has(name)) throw new ParseError(n, `second HELP for ${name}`);
        helped.add(name);
        family.help = unescapeHelp(rest, n);
      }
      return;
    }
    const sample = parseSample(line, n);
    const family = current;
    if (family === undefined || !typed.has(family.name) || !SUFFIXES[family.type].some((s) => `${family.name}${s}` === sample.name)) {
      throw new ParseError(n, `sample ${sample.name} outside its family (no TYPE line before it, or families interleaved)`);
    }
    const series = `${sample.name}${labelKey(sample.labels)}`;
    if (seriesSeen.has(series)) throw new ParseError(n, `duplicate series ${series}`);
    seriesSeen.add(series);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function parseSample(line: string, n: number): Sample {
  const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (head === null) throw new ParseError(n, `bad sample line '${line}'`);
  const name = head[1]!;
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos += 1;
    while (line[pos] !== '}') {
      const label = /^([^=]*)="/.exec(line.slice(pos));
      if (label === null || !LABEL_NAME.test(label[1]!)) throw new ParseError(n, `bad label in '${line}'`);
      const labelName = label[1]!;
      if (labelName in labels) throw new ParseError(n, `label ${labelName} repeated`);
      pos += label[0].length;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) throw new ParseError(n, `unterminated label value in '${line}'`);
        pos += 1;
        if (c === '"') break;
        if (c !== '\\') {
          value += c;
          continue;
        }
        const escaped = line[pos];
        pos += 1;
        if (escaped === 'n') value += '\n';
        else if (escaped === '\\' || escaped === '"') value += escaped;
        else throw new ParseError(n, `bad escape \\${escaped ?? ''} in a label value`);
      }
      labels[labelName] = value;
      if (line[pos] === ',') pos += 1;
      else if (line[pos] !== '}') throw new ParseError(n, `expected ',' or '}' in '${line}'`);
    }
    pos += 1;
  }
  const rest = line.slice(pos);
  const fields = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
  if (fields === null) throw new ParseError(n, `bad value part '${rest}'`);
  return { name, labels, value: parseValue(fields[1]!, n) };
}

function parseValue(text: string, n: number): number {
  // As Go's strconv.ParseFloat, which Prometheus uses: special values in any case.
  if (/^\+?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new ParseError(n, `bad value '${text}'`);
  return Number(text);
}

function unescapeHelp(text: string, n: number): string {
  return text.replace(/\\(.?)/g, (_, c: string) => {
    if (c === 'n') return '\n';
    if (c === '\\') return '\\';
    throw new ParseError(n, `bad escape \\${c} in HELP`);
  });
}

/** Buckets cumulative, +Inf present and equal to _count, one _sum and _count per series. */
function checkHistogram(family: Family): void {
  for (const [key, series] of groupHistogram(family)) {
    const les = [...series.buckets.keys()];
    if (!series.buckets.has(Number.POSITIVE_INFINITY)) throw new Error(`${family.name}${key}: no +Inf bucket`);
    if (Number.isNaN(series.count) || Number.isNaN(series.sum)) throw new Error(`${family.name}${key}: _count or _sum missing`);
    les.forEach((le, i) => {
      const previous = i === 0 ? undefined : les[i - 1]!;
      if (previous !== undefined && (le <= previous || series.buckets.get(le)! < series.buckets.get(previous)!)) {
        throw new Error(`${family.name}${key}: buckets not increasing at le=${le}`);
      }
    });
    if (series.buckets.get(Number.POSITIVE_INFINITY) !== series.count) throw new Error(`${family.name}${key}: +Inf bucket differs from _count`);
  }
}

function groupHistogram(family: Family): Map<string, { buckets: Map<number, number>; count: number; sum: number }> {
  const out = new Map<string, { buckets: Map<number, number>; count: number; sum: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = labelKey(rest);
    const series = out.get(key) ?? { buckets: new Map<number, number>(), count: Number.NaN, sum: Number.NaN };
    out.set(key, series);
    if (s.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${s.name}${key}: bucket without le`);
      series.buckets.set(parseValue(le, 0), s.value);
    } else if (s.name.endsWith('_count')) {
      series.count = s.value;
    } else {
      series.sum = s.value;
    }
  }
  return out;
}

function labelKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return labelKey(a) === labelKey(b);
}

/** The family, or an error naming it. */
export function family(families: ReadonlyMap<string, Family>, name: string): Family {
  const found = families.get(name);
  if (found === undefined) throw new Error(`metric ${name} is not exposed`);
  return found;
}

/** The value of the counter/gauge series with exactly these labels (undefined if absent). */
export function valueOf(families: ReadonlyMap<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  return family(families, name).samples.find((s) => s.name === name && sameLabels(s.labels, labels))?.value;
}

/** The histogram series with exactly these labels (besides `le`), or undefined. */
export function histogramOf(families: ReadonlyMap<string, Family>, name: string, labels: Record<string, string> = {}): HistogramSeries | undefined {
  const f = family(families, name);
  if (f.type !== 'histogram') throw new Error(`${name} is a ${f.type}, not a histogram`);
  return groupHistogram(f).get(labelKey(labels));
}

/** Every label set of the family's series (for histograms, without `le`, deduplicated). */
export function seriesLabels(families: ReadonlyMap<string, Family>, name: string): Record<string, string>[] {
  const seen = new Map<string, Record<string, string>>();
  for (const s of family(families, name).samples) {
    const { le: _le, ...rest } = s.labels;
    seen.set(labelKey(rest), rest);
  }
  return [...seen.values()];
}
