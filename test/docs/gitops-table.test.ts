// docs/gitops.md's table of what Argo CD, kstatus and Flux conclude for each driver state says
// what test/gitops/ checks: each row against the verdicts of the fixtures it documents.

import { CASES } from '../gitops/fixtures.ts';
import { readDoc, section, tableRows } from './markdown.ts';

const rows = tableRows(section(readDoc('docs/gitops.md'), 'What each tool concludes'));
const plain = (cell: string): string => cell.replace(/[`*]/g, '').trim();

function column(header: readonly string[], starts: string): number {
  const index = header.findIndex((h) => plain(h).startsWith(starts));
  if (index < 0) throw new Error(`no column '${starts}' in ${header.join(' | ')}`);
  return index;
}

test.each(CASES.map((c) => [c.name, c] as const))('%s is documented as tested', (_name, c) => {
  const row = rows.find((r) => plain(r.cells[0] ?? '') === plain(c.row));
  expect(row).toBeDefined();
  const cell = (starts: string): string => plain(row!.cells[column(row!.header, starts)] ?? '');
  // Each cell starts with the verdict; what follows explains it.
  expect(cell('Argo CD')).toMatch(new RegExp(`^${c.argocd}\\b`));
  expect(cell('kstatus')).toMatch(new RegExp(`^${c.kstatus}\\b`));
  expect(cell('Flux with')).toMatch(new RegExp(`^${c.flux}\\b`));
});

test('every row documents at least one tested case', () => {
  const tested = new Set(CASES.map((c) => plain(c.row)));
  expect(rows.map((r) => plain(r.cells[0] ?? '')).filter((label) => !tested.has(label))).toEqual([]);
});
