// The user guide's sizing table and the chart agree: the chart's default resources are the row
// the table names as the default, and each row's heap is what the start script derives from its
// limit.
import { parse } from 'yaml';
import { readDoc, section, tableRows } from './markdown.ts';

const mib = (quantity: string): number => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (match === null) throw new Error(`not a Mi or Gi quantity: ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
};

const rows = tableRows(section(readDoc('docs/user-guide.md'), 'Size it')).filter((r) => r.header.includes('memory limit'));

test('the chart\'s default resources are the sizing table\'s default row', () => {
  const values = parse(readDoc('charts/spark-mesos-dispatcher/values.yaml')) as { resources: { requests: { memory: string }; limits: { memory: string } } };
  const defaults = rows.filter((r) => r.cells[0]!.includes("the chart's default"));
  expect(defaults).toHaveLength(1);
  expect([defaults[0]!.cells[1], defaults[0]!.cells[2]]).toEqual([values.resources.requests.memory, values.resources.limits.memory]);
});

test('every row: more drivers, more memory; the limit above the request; the heap the start script derives from the limit', () => {
  expect(rows.length).toBeGreaterThanOrEqual(3);
  let previous = 0;
  for (const { cells } of rows) {
    const [, request, limit, heap] = cells as [string, string, string, string];
    expect(mib(request)).toBeGreaterThan(previous);
    expect(mib(limit)).toBeGreaterThan(mib(request));
    expect(heap).toBe(`${Math.max(mib(limit) - 128, Math.floor(mib(limit) / 2))} MiB`);
    previous = mib(request);
  }
});
