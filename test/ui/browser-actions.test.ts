// Headless Chromium doing what a person does with many drivers: filter by phase, queue and text
// through the form, page through finished drivers, open a driver by its resource name, turn on
// auto-refresh, kill a running driver with the button (and see the result), and read an
// attempt's logs through an emulated agent: the last 64 KiB, older, the other file, and follow,
// which picks up what the driver writes next. Keeps /tmp/ui-filtered.png, /tmp/ui-killed.png
// and /tmp/ui-logs.png.

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMesosMaster, type EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { DriverLogs } from '../../src/logs/driver-logs.ts';
import { SandboxFiles } from '../../src/mesos/sandbox-files.ts';
import { startUiServer, uiDriverFrom, type UiServer, type UiSnapshot } from '../../src/ui/index.ts';
import { driverWithAttempts, ended, running, writeSandboxFile } from '../logs/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { BROWSER_TIMEOUT, cells, hrefs, openBrowser, texts, type Browser } from './chromium.ts';
import { dispatcherConfig, FW, MASTER, NOW } from './fixtures.ts';
import { manyDrivers } from './many-drivers.ts';

let master: EmulatedMesosMaster;
let server: UiServer;
let browser: Browser;
let liveLog: string;
const ETL_LOG = Array.from({ length: 8000 }, (_, i) => `row ${i} loaded\n`).join('');
const n = (bytes: number) => bytes.toLocaleString('en-US');
const kills: string[] = [];

beforeAll(async () => {
  master = await startMesosMaster({ agents: 1, agentHttp: true });
  const [agent] = master.agentIds as [string];
  writeSandboxFile(master, agent, 'driver-etl-retry-1', 'stdout', ETL_LOG);
  writeSandboxFile(master, agent, 'driver-etl-retry-1', 'stderr', 'WARN TaskSetManager: Lost task 0.0 in stage 1.0\n');
  writeSandboxFile(master, agent, 'driver-etl', 'stdout', 'first try\n');
  liveLog = join(writeSandboxFile(master, agent, 'driver-stream', 'stdout', 'batch 1 done\n'), 'stdout');
  const config = dispatcherConfig();
  const snapshot: UiSnapshot = {
    frameworkId: FW, masterUrl: MASTER, leader: true,
    drivers: [
      ...manyDrivers(300),
      driverWithAttempts('etl', [ended('driver-etl', agent), ended('driver-etl-retry-1', agent)]),
      driverWithAttempts('stream', [running('driver-stream', agent)], 'Launched'),
    ].map((r) => uiDriverFrom(r, config, { frameworkId: FW })),
  };
  server = await startUiServer({
    source: { snapshot: () => snapshot }, host: '127.0.0.1', port: 0, now: () => NOW,
    logs: new DriverLogs(new SandboxFiles({ masters: () => [master.url] })),
    kill: { request: (namespace, name) => Promise.resolve(kills.push(`${namespace}/${name}`) > 0) },
  });
  browser = await openBrowser();
}, BROWSER_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await master?.close();
}, BROWSER_TIMEOUT);

afterEach(() => {
  expect(browser.problems).toEqual([]);
  browser.problems.length = 0;
});

test('filter through the form, page through the finished drivers, clear, and open a driver by name', async () => {
  const { page } = browser;
  await page.goto(server.url);
  expect(await texts(page, 'h2')).toEqual(['Queued Drivers (15)', 'Launched Drivers (16)', 'Retrying Drivers (15)', 'Finished Drivers (256)', 'Scheduled Drivers (0)']);
  await page.selectOption('select[name=phase]', 'Finished');
  await page.selectOption('select[name=queue]', 'urgent');
  await page.fill('input[name=q]', 'nightly report 1');
  await page.click('#filters button[type=submit]');
  await page.waitForURL(/phase=Finished/);
  expect(await texts(page, 'h2')).toEqual(['Finished Drivers (33 of 256)']);
  const rows = await cells(page, '#finished-drivers');
  expect(rows.every((r) => /Nightly report 1\d*/.test(r[1] ?? ''))).toBe(true);
  await browser.screenshot('ui-filtered', true);

  await page.click('#clear');
  await page.click('a[href="./?phase=Finished"]');
  expect(await page.innerText('nav.pager')).toBe('Page 1 of 6 · Next › · Last »');
  await page.click('a[rel=next]');
  expect(await page.innerText('nav.pager')).toBe('Page 2 of 6 · « First · ‹ Previous · Next › · Last »');
  expect(await cells(page, '#finished-drivers')).toHaveLength(50);

  await page.fill('#lookup input[name=id]', 'jobs/etl');
  await page.click('#lookup button');
  await page.waitForURL(/\/driver\?id=jobs%2Fetl/);
  expect(await page.innerText('h1')).toBe('Driver driver-etl');
}, BROWSER_TIMEOUT);

test('auto-refresh reloads the overview by itself', async () => {
  const { page } = browser;
  await page.goto(server.url);
  await page.selectOption('select[name=refresh]', '5');
  await page.click('#filters button[type=submit]');
  await page.waitForURL(/refresh=5/);
  expect(await page.innerText('footer')).toContain('it reloads every 5 s');
  // The meta refresh fires: the browser navigates again without us.
  await page.waitForEvent('framenavigated', { timeout: 20_000 });
  expect(page.url()).toContain('refresh=5');
}, BROWSER_TIMEOUT);

test('kill a running driver with the button; the page says what happened', async () => {
  const { page } = browser;
  await page.goto(`${server.url}/driver?id=jobs/stream`);
  await page.click('#kill button');
  await page.waitForURL(/kill=requested/);
  expect(await page.innerText('#kill-result')).toBe('Kill requested: the driver is stopped and finishes as Killed.');
  expect(kills).toEqual(['jobs/stream']);
  await browser.screenshot('ui-killed', true);
}, BROWSER_TIMEOUT);

test('logs: the last 64 KiB, older, the other file and attempt, and follow picks up new output', async () => {
  const { page } = browser;
  await page.goto(`${server.url}/driver?id=jobs/etl`);
  await page.click('#launched-state a[href*="file=stdout"]');
  await page.waitForURL(/\/logs\?/);
  expect(await page.innerText('h1')).toBe('stdout of attempt 2');
  const size = ETL_LOG.length;
  expect(await page.innerText('#log-range')).toBe(`Bytes ${n(size - 65_536)}–${n(size)} of ${n(size)} (${(size / 1024).toFixed(1)} KiB).`);
  expect((await page.innerText('#log')).trimEnd().endsWith('row 7999 loaded')).toBe(true);
  await page.click('#older');
  expect(await page.innerText('#log-range')).toBe(`Bytes 0–${n(size - 65_536)} of ${n(size)} (${(size / 1024).toFixed(1)} KiB).`);
  expect((await page.innerText('#log')).startsWith('row 0 loaded')).toBe(true);
  await page.click('a[href$="file=stderr"]');
  expect(await page.innerText('#log')).toBe('WARN TaskSetManager: Lost task 0.0 in stage 1.0\n');
  await page.click('.summary a[href$="attempt=2&file=stdout"]');
  await page.click('.summary a[href*="attempt=1&"]');
  expect(await page.innerText('h1')).toBe('stdout of attempt 1');
  expect(await page.innerText('#log')).toBe('first try\n');
  expect(await hrefs(page, '#follow')).toEqual([]);

  await page.goto(`${server.url}/logs?id=jobs/stream`);
  await page.click('#follow');
  await page.waitForURL(/follow=1/);
  appendFileSync(liveLog, 'batch 2 done\n');
  // The meta refresh reloads the page; a read while it navigates fails and is simply tried again.
  await waitFor(() => page.innerText('#log', { timeout: 1000 }).then((text) => text.includes('batch 2 done'), () => false), 'the followed log to show batch 2', 20_000);
  expect(await page.innerText('#log')).toBe('batch 1 done\nbatch 2 done\n');
  await browser.screenshot('ui-logs', true);
}, BROWSER_TIMEOUT);
