// The overview with many drivers: filter by phase, queue and text (the query round-trips through
// the form and the links), paging of one phase, the first page of each otherwise, auto-refresh,
// long errors folded to their first line, and lookup of a driver by submission ID or resource
// name (an ambiguous name lists its candidates).
import { renderDriver, renderOverview, uiDriverFrom, type UiSnapshot } from '../../src/ui/index.ts';
import { listDrivers, overviewHref, PAGE_SIZE, parseOverviewQuery } from '../../src/ui/listing.ts';
import { dispatcherConfig, FW, makeResource, makeSnapshot, MASTER, NOW, T0 } from './fixtures.ts';
import { executableMarkup, linkTargets, sectionOf, tableRows, textOf } from './html-helpers.ts';
import { manyDrivers } from './many-drivers.ts';

const config = dispatcherConfig();
const many: UiSnapshot = {
  frameworkId: FW, masterUrl: MASTER, leader: true,
  drivers: manyDrivers(1000).map((r) => uiDriverFrom(r, config, { frameworkId: FW })),
};
const query = (search: string) => parseOverviewQuery(new URLSearchParams(search));
const ids = (html: string, table: string) => tableRows(html, table).map((r) => r[0]?.split(' ')[0]);

test('the query is read defensively and written back the same way', () => {
  expect(query('')).toEqual({ page: 1 });
  expect(query('phase=Finished&queue=urgent&q=%20report%2042%20&page=3&refresh=15'))
    .toEqual({ phase: 'Finished', queue: 'urgent', text: 'report 42', page: 3, refresh: 15 });
  expect(query('phase=Bogus&queue=&q=&page=-2&refresh=1')).toEqual({ page: 1 });
  expect(query(`q=${'x'.repeat(500)}`).text).toHaveLength(200);
  const q = query('phase=Finished&queue=urgent&q=a b&page=3&refresh=15');
  expect(parseOverviewQuery(new URL(overviewHref(q), 'http://ui/').searchParams)).toEqual(q);
  expect(overviewHref({ page: 1 })).toBe('./');
});

test('all phases: the first page of each, counts, and a link to page through the rest', () => {
  const html = renderOverview(many, NOW);
  expect(textOf(html)).toContain('Drivers: 50 queued, 50 launched, 50 retrying, 850 finished');
  expect(tableRows(html, 'finished-drivers')).toHaveLength(PAGE_SIZE);
  // Newest first.
  expect(ids(html, 'finished-drivers')[0]).toBe('driver-20240301100000-00999');
  expect(textOf(sectionOf(html, 'finished'))).toContain('Showing the first 50 of 850. Page through all 850 finished drivers →');
  expect(linkTargets(sectionOf(html, 'finished'))).toContain('./?phase=Finished');
  expect(sectionOf(html, 'queued')).not.toContain('class="pager"');
});

test('one phase, paged: 17 pages of finished drivers, 50 each, in order, the last one clamped', () => {
  const pages = Array.from({ length: 17 }, (_, i) => ids(renderOverview(many, NOW, query(`phase=Finished&page=${i + 1}`)), 'finished-drivers'));
  expect(pages.slice(0, 16).every((p) => p.length === 50)).toBe(true);
  expect(pages.flat()).toHaveLength(850);
  expect(new Set(pages.flat()).size).toBe(850);
  expect(pages[0]?.[0]).toBe('driver-20240301100000-00999');
  expect(ids(renderOverview(many, NOW, query('phase=Finished&page=99')), 'finished-drivers')).toEqual(pages[16]);

  const page2 = renderOverview(many, NOW, query('phase=Finished&page=2'));
  expect(sectionOf(page2, 'queued')).toBe('');
  expect(textOf(sectionOf(page2, 'finished'))).toContain('Page 2 of 17 · « First · ‹ Previous · Next › · Last »');
  expect(linkTargets(sectionOf(page2, 'finished'))).toEqual(expect.arrayContaining([
    './?phase=Finished', './?phase=Finished&page=3', './?phase=Finished&page=17',
  ]));
});

test('filters by queue and text, on IDs, resource names, application names and main classes', () => {
  const urgent = listDrivers(many, query('queue=urgent'));
  expect(urgent.tables.every((t) => t.drivers.every((d) => (d.resource.spec.queue ?? 'default') === 'urgent'))).toBe(true);
  expect(urgent.queues).toEqual(['batch', 'default', 'urgent']);
  const byAppName = renderOverview(many, NOW, query('q=NIGHTLY%20REPORT%20423'));
  expect(ids(byAppName, 'finished-drivers')).toEqual(['driver-20240301100000-00423']);
  expect(textOf(sectionOf(byAppName, 'finished'))).toContain('Finished Drivers (1 of 850)');
  expect(textOf(byAppName)).toContain('No queued drivers.');
  expect(ids(renderOverview(many, NOW, query('q=spark-jobs/job-00421')), 'launched-drivers')).toEqual(['driver-20240301100000-00421']);
  expect(listDrivers(many, query('q=org.example.sparkpi')).tables.reduce((n, t) => n + t.matched, 0)).toBe(1000);
  // The form shows what is applied; Clear drops the filters but keeps auto-refresh.
  const form = renderOverview(many, NOW, query('phase=Retrying&queue=batch&q=%3Cb%3E&refresh=5'));
  expect(form).toContain('<option value="Retrying" selected>Retrying (50)</option>');
  expect(form).toContain('<option value="batch" selected>batch</option>');
  expect(form).toContain('name="q" value="&lt;b&gt;"');
  expect(form).toContain('<option value="5" selected>every 5 s</option>');
  expect(linkTargets(form)).toContain('./?refresh=5');
  expect(executableMarkup(form)).toEqual([]);
});

test('auto-refresh is a meta refresh, off by default', () => {
  expect(renderOverview(many, NOW)).not.toContain('http-equiv="refresh"');
  const refreshing = renderOverview(many, NOW, query('refresh=15'));
  expect(refreshing).toContain('<meta http-equiv="refresh" content="15">');
  expect(textOf(refreshing)).toContain('it reloads every 15 s');
  expect(linkTargets(refreshing)).toContain('./?refresh=15');
});

test('a long multi-line Mesos error is folded to its first line, the rest in <details>', () => {
  const html = renderOverview(many, NOW, query('q=job-00003'));
  const cell = tableRows(html, 'finished-drivers')[0]?.[7] ?? '';
  expect(cell.startsWith("Failed TASK_FAILED Reason: REASON_CONTAINER_LAUNCH_FAILED Failed to fetch all URIs for container: Failed to fetch 'http://repo.internal/jobs/app.jar':")).toBe(true);
  expect(sectionOf(html, 'finished')).toMatch(/<details class="fold"><summary class="detail">Failed to fetch all URIs for container: Failed to fetch &#39;http:\/\/repo\.internal\/jobs\/app\.jar&#39;:<\/summary>/);
  // The rest is there once, inside the fold.
  expect(sectionOf(html, 'finished').split('Error downloading resource').length - 1).toBe(1);
  expect(sectionOf(html, 'finished')).toMatch(/<\/summary><div class="detail message">Failed to fetch all URIs[^<]*Error downloading resource, received HTTP return code 404\n {2}curl: \(22\)/);
});

test('a driver is found by submission ID, namespace/name or a name; an ambiguous name lists the candidates', () => {
  const snapshot = makeSnapshot();
  expect(renderDriver(snapshot, 'driver-20240301100300-0003', NOW).status).toBe(200);
  expect(textOf(renderDriver(snapshot, 'spark-jobs/running', NOW).html)).toContain('Driver driver-20240301100300-0003');
  expect(textOf(renderDriver(snapshot, 'running', NOW).html)).toContain('Driver driver-20240301100300-0003');
  expect(renderDriver(snapshot, 'default/running', NOW).status).toBe(404);
  const twin = makeResource({ name: 'running', id: 'driver-20240301120000-0099', createdAt: T0 });
  const twins: UiSnapshot = { ...snapshot, drivers: [...snapshot.drivers, uiDriverFrom({ ...twin, metadata: { ...twin.metadata, namespace: 'other' } }, config)] };
  const ambiguous = renderDriver(twins, 'running', NOW);
  expect(ambiguous.status).toBe(300);
  expect(linkTargets(ambiguous.html)).toEqual(expect.arrayContaining(['driver?id=driver-20240301100300-0003', 'driver?id=driver-20240301120000-0099']));
  expect(renderDriver(twins, 'other/running', NOW).status).toBe(200);
});
