// The user guide's `spark.mesos.*` table cannot drift: every key the code reads (each string
// literal and template in src/ that names one, with constants like `${PREFIX}names` resolved)
// and every key Spark's MesosClusterDispatcher read must have a row, and every row must say what
// happens to the key here. Also: every command-line flag is in the flags tables.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ALL_OPTIONS } from '../../src/config/options.ts';
import { REPO, codeSpans, readDoc, section, tableRows } from './markdown.ts';

const KEY = /spark\.mesos\.[A-Za-z0-9_.]*/g;
/** Stands for a substitution the scanner cannot resolve (`${spec.queue}`). */
const HOLE = '\u0000';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Keys named in src/, each with where: `a.b.` (a prefix) or `a.b.c`. Comments do not count. */
function keysInSource(): Map<string, string> {
  const files = sourceFiles(join(REPO, 'src')).map((path) =>
    ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true));
  // String constants anywhere in src/, so `${DOCKER}forcePullImage` resolves across files.
  const constants = new Map<string, string | undefined>();
  const textOf = (node: ts.Node): string | undefined => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isTemplateExpression(node)) {
      return node.head.text + node.templateSpans.map((span) => {
        const value = ts.isIdentifier(span.expression) ? constants.get(span.expression.text) : undefined;
        return (value ?? HOLE) + span.literal.text;
      }).join('');
    }
    return undefined;
  };
  for (let pass = 0; pass < 2; pass += 1) {
    for (const file of files) {
      const visit = (node: ts.Node): void => {
        if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
          const value = textOf(node.initializer);
          if (value !== undefined && !value.includes(HOLE)) {
            const name = node.name.text;
            // A name bound to two different values is ambiguous: leave it unresolved.
            constants.set(name, constants.has(name) && constants.get(name) !== value && pass === 0 ? undefined : value);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
  }
  const found = new Map<string, string>();
  for (const file of files) {
    const where = relative(REPO, file.fileName);
    const visit = (node: ts.Node): void => {
      const text = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node) ? textOf(node) : undefined;
      if (text !== undefined) {
        for (const m of text.matchAll(KEY)) {
          // A prefix: the literal is the key alone ('spark.mesos.driverEnv.'), or a substitution
          // follows it (`spark.mesos.dispatcher.queue.${name}`). Otherwise a final dot ends a sentence.
          const prefix = text[m.index + m[0].length] === HOLE || text.trim() === m[0];
          const bare = m[0].replace(/\.+$/, '');
          // `spark.mesos.*` in prose names the family, not a key.
          if (bare === 'spark.mesos') continue;
          const key = prefix && m[0].endsWith('.') ? `${bare}.` : bare;
          if (!found.has(key)) found.set(key, where);
        }
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return found;
}

/**
 * Every spark.mesos.* key Spark's MesosClusterDispatcher read or set (dispatcher side, driver
 * side, and those it set or forwarded for the driver), from the behaviour reference's §2.
 */
const SPARK_KEYS = [
  'spark.mesos.maxDrivers', 'spark.mesos.retainedDrivers', 'spark.mesos.cluster.retry.wait.max', 'spark.mesos.rejectOfferDuration',
  'spark.mesos.fetcherCache.enable', 'spark.mesos.uris', 'spark.mesos.dispatcher.driverDefault.', 'spark.mesos.dispatcher.queue.',
  'spark.mesos.dispatcher.webui.url', 'spark.mesos.dispatcher.historyServer.url', 'spark.mesos.proxy.baseURL', 'spark.mesos.role',
  'spark.mesos.principal', 'spark.mesos.principal.file', 'spark.mesos.secret', 'spark.mesos.secret.file', 'spark.mesos.gpus.max',
  'spark.mesos.driver.memoryOverhead', 'spark.mesos.dispatcher.queue', 'spark.mesos.driver.constraints', 'spark.mesos.constraints',
  'spark.mesos.driverEnv.', 'spark.mesos.driver.labels', 'spark.mesos.driver.secret.names', 'spark.mesos.driver.secret.values',
  'spark.mesos.driver.secret.envkeys', 'spark.mesos.driver.secret.filenames', 'spark.mesos.network.name', 'spark.mesos.network.labels',
  'spark.mesos.executor.docker.image', 'spark.mesos.executor.docker.forcePullImage', 'spark.mesos.executor.docker.portmaps',
  'spark.mesos.executor.docker.parameters', 'spark.mesos.executor.docker.volumes', 'spark.mesos.containerizer',
  'spark.mesos.executor.home', 'spark.mesos.appJar.local.resolution.mode', 'spark.mesos.driver.frameworkId',
  'spark.mesos.driver.failoverTimeout', 'spark.mesos.driver.webui.url',
];

const guide = readDoc('docs/user-guide.md');
const rows = tableRows(section(guide, '`spark.mesos.*` keys'));
/** The keys of the table's first column; `<placeholder>` entries become prefixes. */
const documented = rows.flatMap((r) => codeSpans(r.cells[0] ?? '').filter((k) => k.startsWith('spark.mesos.')).map((k) => k.replace(/<[^>]+>$/, '')));

/** Whether a key (or prefix, ending in `.`) has a row: exactly, by a documented prefix, or as a documented key's prefix. */
function covered(key: string): boolean {
  return documented.some((d) => d === key || (d.endsWith('.') && key.startsWith(d)) || (key.endsWith('.') && d.startsWith(key)));
}

describe('the spark.mesos.* table of docs/user-guide.md', () => {
  const inSource = keysInSource();

  test('the scan finds the keys, constants resolved', () => {
    expect(inSource.size).toBeGreaterThan(30);
    expect([...inSource.keys()]).toEqual(expect.arrayContaining([
      'spark.mesos.maxDrivers', 'spark.mesos.executor.docker.forcePullImage', 'spark.mesos.driver.secret.envkeys', 'spark.mesos.dispatcher.queue.',
    ]));
  });

  test('has a row for every key the code reads', () => {
    expect([...inSource].filter(([key]) => !covered(key)).map(([key, where]) => `${key} (${where})`)).toEqual([]);
  });

  test("has a row for every key Spark's dispatcher read", () => {
    expect(SPARK_KEYS.filter((key) => !covered(key))).toEqual([]);
  });

  test('says, for every row, whether the key is supported, changed, new, passed on or not supported', () => {
    expect(rows.length).toBeGreaterThan(30);
    for (const row of rows) {
      expect({ row: row.cells[0], columns: row.cells.length }).toEqual({ row: row.cells[0], columns: row.header.length });
      const here = row.cells[row.header.indexOf('here')] ?? '';
      expect({ row: row.cells[0], here: /^(supported|changed|new|passed|not supported)\b/.test(here) }).toEqual({ row: row.cells[0], here: true });
    }
  });

  test('names no key twice', () => {
    const keys = documented.filter((k) => !k.endsWith('.'));
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});

test('the flags tables of docs/user-guide.md list every command-line option', () => {
  const flagCells = tableRows(section(guide, 'Flags')).map((r) => r.cells[0] ?? '');
  const listed = new Set(flagCells.flatMap(codeSpans).flatMap((span) => span.split(/\s+/)).filter((w) => w.startsWith('-')));
  const missing = ALL_OPTIONS.flatMap((o) => o.names).filter((name) => !listed.has(name));
  expect(missing).toEqual([]);
});
