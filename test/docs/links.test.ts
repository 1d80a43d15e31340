// The docs hold together: README links them, and every relative link in README.md and docs/
// points at a file that exists and, with a #fragment, at a heading that exists.

import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO, anchor, headings, readDoc } from './markdown.ts';

const DOCS = ['README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown links outside code spans and fenced blocks. */
function links(markdown: string): string[] {
  const text = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

test('README links the user guide and the GitOps page', () => {
  const readme = links(readDoc('README.md'));
  expect(readme).toEqual(expect.arrayContaining(['docs/user-guide.md', 'docs/gitops.md']));
});

test.each(DOCS)('%s: relative links resolve', (doc) => {
  const broken: string[] = [];
  for (const link of links(readDoc(doc))) {
    if (/^[a-z]+:/i.test(link)) continue;
    const [path = '', fragment] = link.split('#');
    const target = path === '' ? join(REPO, doc) : join(REPO, dirname(doc), path);
    if (!existsSync(target)) {
      broken.push(`${link} (no ${relative(REPO, target)})`);
      continue;
    }
    if (fragment !== undefined && target.endsWith('.md') && !headings(readDoc(relative(REPO, target))).map(anchor).includes(fragment)) {
      broken.push(`${link} (no such heading)`);
    }
  }
  expect(broken).toEqual([]);
});
