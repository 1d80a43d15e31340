// Headless Chromium through the web UI: the overview and driver pages with drivers in every phase
// as a person reads them (headings, table cells, link targets, styling), navigation between them,
// and a hostile driver whose `<script>`s, quotes and `javascript:` URLs execute nothing. Writes
// screenshots to a temp dir and copies them to /tmp/ui-overview.png and /tmp/ui-driver.png.

import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderDriver, startUiServer, type UiServer } from '../../src/ui/index.ts';
import { FW, HISTORY, HOSTILE_ARGS, HOSTILE_ID, HOSTILE_NAME, makeSnapshot, NOW, PROXY } from './fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

const TIMEOUT = 60_000;

/** The few DOM shapes the page functions use (the project compiles without the DOM lib). */
interface El {
  readonly innerText: string;
  readonly cells: ArrayLike<El>;
  getAttribute(name: string): string | null;
}
interface BrowserGlobals {
  readonly document: { querySelectorAll(selector: string): { readonly length: number } };
  readonly pwned?: unknown;
  getComputedStyle(element: El): { readonly backgroundColor: string; readonly fontFamily: string };
}

const snapshot = makeSnapshot();
let server: UiServer;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
let shotsDir: string;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does this)`);
  userDataDir = mkdtempSync(join(tmpdir(), 'ui-chromium-profile-'));
  shotsDir = mkdtempSync(join(tmpdir(), 'ui-screenshots-'));
  server = await startUiServer({ source: { snapshot: () => snapshot }, host: '127.0.0.1', port: 0, now: () => NOW });
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1440, height: 900 },
  });
  page = context.pages()[0] ?? await context.newPage();
  page.on('console', (message) => problems.push(`console ${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
}, TIMEOUT);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
}, TIMEOUT);

afterEach(() => {
  expect(problems).toEqual([]);
  problems.length = 0;
});

const cells = (selector: string) => page.$$eval(`${selector} tbody tr`, (rows: El[]) =>
  rows.map((row) => Array.from(row.cells).map((cell) => cell.innerText.replace(/\s+/g, ' ').trim())));
const kv = async (selector: string) => Object.fromEntries(await cells(selector));
const hrefs = (selector: string) => page.$$eval(selector, (links: El[]) => links.map((a) => a.getAttribute('href') ?? ''));
const texts = (selector: string) => page.$$eval(selector, (elements: El[]) => elements.map((e) => e.innerText));

/** Nothing of the hostile driver ran: no script element, no global, no changed title. */
async function expectNothingExecuted(title: string): Promise<void> {
  expect(await page.title()).toBe(title);
  expect(await page.evaluate(() => {
    const g = globalThis as unknown as BrowserGlobals;
    return {
      scripts: g.document.querySelectorAll('script').length,
      images: g.document.querySelectorAll('img, iframe, object, embed').length,
      pwned: g.pwned,
    };
  })).toEqual({ scripts: 0, images: 0, pwned: undefined });
}

test('the overview reads as it should', async () => {
  const response = await page.goto(server.url);
  expect(response?.status()).toBe(200);
  expect(await page.innerText('h1')).toBe('Spark Drivers for Mesos cluster');
  expect(await texts('h2')).toEqual([
    'Queued Drivers (3)', 'Launched Drivers (4)', 'Retrying Drivers (1)', 'Finished Drivers (6)', 'Scheduled Drivers (0)',
  ]);
  expect(await page.innerText('.summary')).toContain(`Mesos Framework ID: ${FW}`);
  expect(await texts('#launched-drivers thead th')).toEqual([
    'Driver ID', 'History', 'Queue', 'Submit Date', 'Main Class', 'Driver Resources', 'Start Date', 'Mesos Agent ID', 'State', 'Duration', 'Sandbox',
  ]);
  const launched = await cells('#launched-drivers');
  expect(launched[0]).toEqual([
    'driver-20240301100300-0003 spark-jobs/running', 'History', 'default', '2024/03/01 10:03:00', 'org.example.SparkPi',
    'cpus: 1.0, mem: 1408', '2024/03/01 10:03:05', 'agent-S1', 'TASK_RUNNING', '57 min', 'Sandbox',
  ]);
  expect((await cells('#queued-drivers')).map((r) => r[0])).toEqual([
    'driver-20240301100000-0001 spark-jobs/pending', 'driver-20240301100100-0002 spark-jobs/queued-python',
    'driver-20240301101000-0007 spark-jobs/with-credentials',
  ]);
  expect((await cells('#retrying-drivers'))[0]?.slice(3)).toEqual([
    'TASK_FAILED Reason: REASON_COMMAND_EXECUTOR_FAILED exit 1', '1', '2024/03/01 11:00:30 (in 30 s)', 'Sandbox',
  ]);
  // Newest first; the three that finished together by ID.
  expect((await cells('#finished-drivers')).map((r) => r[8]?.split(' ')[0])).toEqual(['Succeeded', 'Failed', 'Killed', 'Lost', 'Rejected', 'Error']);

  const retry = 'driver-20240301100600-0006-retry-1';
  expect(await hrefs('#launched-drivers a')).toEqual(expect.arrayContaining([
    'driver?id=driver-20240301100600-0006',
    `${PROXY}/#/agents/agent-S3/frameworks/${FW}/executors/${retry}/browse`,
    `${HISTORY}/history/${FW}-${retry}`,
  ]));
  expect((await hrefs('a')).filter((h) => h.startsWith('driver?id='))).toHaveLength(14);
  // The stylesheet loaded under the CSP: zebra rows are shaded.
  expect(await page.$eval('#finished-drivers tbody tr:nth-child(2)', (tr: El) => (globalThis as unknown as BrowserGlobals).getComputedStyle(tr).backgroundColor)).toBe('rgb(246, 248, 250)');
  expect(await page.$eval('code.id', (c: El) => (globalThis as unknown as BrowserGlobals).getComputedStyle(c).fontFamily)).toMatch(/mono/i);
  await expectNothingExecuted('Spark Drivers for Mesos cluster');

  const shot = join(shotsDir, 'ui-overview.png');
  await page.screenshot({ path: shot, fullPage: true });
  copyFileSync(shot, '/tmp/ui-overview.png');
}, TIMEOUT);

test('the hostile driver, reached by its link, shows its values as text and runs nothing', async () => {
  await page.goto(server.url);
  await page.click(`a[href="driver?id=${HOSTILE_ID}"]`);
  await page.waitForURL(/\/driver\?id=/);
  expect(await page.innerText('h1')).toBe(`Driver ${HOSTILE_ID}`);
  const properties = await kv('#driver-properties-table');
  expect(properties.Name).toBe(HOSTILE_NAME);
  expect(await texts('ol.args li')).toEqual(HOSTILE_ARGS);
  expect((await kv('#spark-properties-table'))['spark.hostile.link']).toBe('javascript:alert(document.cookie)');
  expect((await kv('#driver-environment-table')).HOSTILE_ENV).toBe('</td></tr><script>window.pwned=9</script>&amp;');
  expect(await page.innerText('#driver-command-line')).toContain(`--name "${HOSTILE_NAME.replace(/"/g, '\\"')}"`);
  expect(await hrefs('a')).not.toContainEqual(expect.stringMatching(/^\s*javascript:/i));
  await expectNothingExecuted(`Details for Job ${HOSTILE_ID}`);
  await page.screenshot({ path: join(shotsDir, 'ui-driver-hostile.png'), fullPage: true });

  await page.click('nav.back a');
  await page.waitForURL(server.url);
  expect(await page.innerText('h1')).toBe('Spark Drivers for Mesos cluster');
}, TIMEOUT);

test('escaping alone stops the hostile driver: its page loaded without the CSP runs nothing either', async () => {
  const html = renderDriver(snapshot, HOSTILE_ID, NOW).html;
  await page.goto('about:blank');
  await page.setContent(html);
  expect(await page.innerText('h1')).toBe(`Driver ${HOSTILE_ID}`);
  expect((await kv('#driver-properties-table')).Name).toBe(HOSTILE_NAME);
  await expectNothingExecuted(`Details for Job ${HOSTILE_ID}`);
}, TIMEOUT);

test('every driver page states its phase; a retried driver shows its attempts', async () => {
  const expected: Record<string, string> = {
    'driver-20240301100000-0001': 'Queued', 'driver-20240301100100-0002': 'Queued', 'driver-20240301100300-0003': 'Launched',
    'driver-20240301100400-0004': 'Launched', 'driver-20240301100500-0005': 'Retrying', 'driver-20240301100600-0006': 'Launched',
    'driver-20240301100700-0007': 'Finished Succeeded', 'driver-20240301100710-0008': 'Finished Failed',
    'driver-20240301100720-0009': 'Finished Killed', 'driver-20240301100730-0010': 'Finished Lost',
    'driver-20240301100740-0011': 'Finished Error', 'driver-20240301100750-0012': 'Finished Rejected',
  };
  for (const [id, state] of Object.entries(expected)) {
    const response = await page.goto(`${server.url}/driver?id=${id}`);
    expect(response?.status()).toBe(200);
    expect(`${id}: ${(await page.innerText('.summary div:first-child')).replace(/\s+/g, ' ')}`).toBe(`${id}: Driver state: ${state}`);
  }

  await page.goto(`${server.url}/driver?id=driver-20240301100600-0006`);
  expect(await texts('h2')).toEqual([
    'Driver properties', 'Spark properties', 'Driver command', 'Driver command environment', 'Scheduler properties',
    'Launched state', 'Retry state', 'Attempt history', 'Conditions',
  ]);
  const launched = await kv('#launched-state-table');
  expect(launched['Mesos Task ID']).toBe('driver-20240301100600-0006-retry-1');
  expect(launched.History).toBe(`${FW}-driver-20240301100600-0006-retry-1`);
  expect((await cells('#attempt-history-table')).map((r) => r[1])).toEqual(['driver-20240301100600-0006', 'driver-20240301100600-0006-retry-1']);
  expect(await hrefs('#attempt-history-table a')).toEqual([
    `${PROXY}/#/agents/agent-S1/frameworks/${FW}/executors/driver-20240301100600-0006/browse`,
    `${HISTORY}/history/${FW}-driver-20240301100600-0006`,
    `${PROXY}/#/agents/agent-S3/frameworks/${FW}/executors/driver-20240301100600-0006-retry-1/browse`,
    `${HISTORY}/history/${FW}-driver-20240301100600-0006-retry-1`,
  ]);
  const shot = join(shotsDir, 'ui-driver.png');
  await page.screenshot({ path: shot, fullPage: true });
  copyFileSync(shot, '/tmp/ui-driver.png');
}, TIMEOUT);

test('an unknown driver gets the 404 page', async () => {
  const response = await page.goto(`${server.url}/driver?id=driver-nope`);
  expect(response?.status()).toBe(404);
  expect(await page.innerText('#error-message')).toBe('Cannot find driver driver-nope');
  // Chromium reports the 404 status itself; nothing else may appear.
  expect(problems.splice(0)).toEqual(['console error: Failed to load resource: the server responded with a status of 404 (Not Found)']);
}, TIMEOUT);
