// Reading the docs as data: sections by heading, the rows of a table, GitHub's heading anchors.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const readDoc = (path: string): string => readFileSync(join(REPO, path), 'utf8');

/** For each line: whether it is a heading (outside fenced code blocks). */
function headingLines(lines: readonly string[]): boolean[] {
  let fenced = false;
  return lines.map((l) => {
    if (/^\s*(```|~~~)/.test(l)) fenced = !fenced;
    return !fenced && /^#{1,6} /.test(l);
  });
}

/** The text under the heading whose title is `title` (any level), up to the next heading of that level or higher. */
export function section(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  const isHeading = headingLines(lines);
  const start = lines.findIndex((l, i) => isHeading[i] && l.replace(/^#+ /, '').trim() === title);
  if (start < 0) throw new Error(`no heading '${title}'`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const end = lines.findIndex((l, i) => i > start && isHeading[i] && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Every table row in `text` (header and separator rows excluded), as trimmed cells. */
export function tableRows(text: string): { header: string[]; cells: string[] }[] {
  const rows: { header: string[]; cells: string[] }[] = [];
  let header: string[] | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    const cells = line.replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim());
    if (header === undefined) header = cells;
    else if (!cells.every((c) => /^:?-+:?$/.test(c))) rows.push({ header, cells });
  }
  return rows;
}

/** The `code spans` in a cell. */
export const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** GitHub's anchor for a heading. */
export function anchor(title: string): string {
  return title.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

export function headings(markdown: string): string[] {
  const lines = markdown.split('\n');
  const isHeading = headingLines(lines);
  return lines.filter((_l, i) => isHeading[i]).map((l) => l.replace(/^#+ /, ''));
}
