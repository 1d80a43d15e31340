// The strict text-format parser the metrics tests rely on: what it accepts, and that it refuses
// what Prometheus would refuse, so a malformed /metrics cannot pass a test.
import { histogramOf, parsePrometheusText, valueOf } from '../support/prometheus-text.ts';

const HISTOGRAM = `# HELP h_seconds A histogram.
# TYPE h_seconds histogram
h_seconds_bucket{le="0.5",call="A"} 1
h_seconds_bucket{le="+Inf",call="A"} 2
h_seconds_sum{call="A"} 3.5
h_seconds_count{call="A"} 2
h_seconds_bucket{le="0.5",call="B"} 0
h_seconds_bucket{le="+Inf",call="B"} 0
h_seconds_sum{call="B"} 0
h_seconds_count{call="B"} 0
`;

test('parses counters, gauges with escaped labels and help, special values, and labelled histograms', () => {
  const families = parsePrometheusText(`# HELP c_total Help with a \\\\ and a \\n.
# TYPE c_total counter
c_total{a="x \\"q\\" \\\\ \\n"} 1e3
# a plain comment
# TYPE g gauge
g Nan
g{x="1"} +Inf
${HISTOGRAM}`);
  expect(families.get('c_total')).toMatchObject({ type: 'counter', help: 'Help with a \\ and a \n.' });
  expect(valueOf(families, 'c_total', { a: 'x "q" \\ \n' })).toBe(1000);
  expect(valueOf(families, 'g')).toBeNaN();
  expect(valueOf(families, 'g', { x: '1' })).toBe(Number.POSITIVE_INFINITY);
  expect(histogramOf(families, 'h_seconds', { call: 'A' })).toEqual({ buckets: new Map([[0.5, 1], [Number.POSITIVE_INFINITY, 2]]), sum: 3.5, count: 2 });
  expect(histogramOf(families, 'h_seconds', { call: 'B' })).toMatchObject({ count: 0 });
});

test.each([
  ['no trailing newline', '# TYPE a gauge\na 1'],
  ['a sample without TYPE', 'a 1\n'],
  ['a bad metric name', '# TYPE 1a gauge\n1a 1\n'],
  ['an unknown type', '# TYPE a thing\na 1\n'],
  ['a second TYPE', '# TYPE a gauge\n# TYPE a gauge\na 1\n'],
  ['interleaved families', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 2\n'],
  ['a duplicate series', '# TYPE a gauge\na{x="1",y="2"} 1\na{y="2",x="1"} 2\n'],
  ['a bad value', '# TYPE a gauge\na one\n'],
  ['a bad label escape', '# TYPE a gauge\na{x="\\t"} 1\n'],
  ['an unterminated label value', '# TYPE a gauge\na{x="1} 1\n'],
  ['a repeated label', '# TYPE a gauge\na{x="1",x="2"} 1\n'],
  ['a bad label name', '# TYPE a gauge\na{1x="1"} 1\n'],
  ['a suffix that does not belong to the type', '# TYPE a counter\na_sum 1\n'],
  ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
  ['a histogram whose buckets decrease', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
  ['a histogram whose +Inf differs from _count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n'],
  ['a histogram without _sum', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\n'],
])('refuses %s', (_name, text) => {
  expect(() => parsePrometheusText(text)).toThrow();
});
