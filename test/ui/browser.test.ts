// Headless Chromium through the web UI: the overview and driver pages with drivers in every phase
// as a person reads them (headings, table cells, link targets, styling), navigation between them,
// and a hostile driver whose `<script>`s, quotes and `javascript:` URLs execute nothing. Keeps
// screenshots at /tmp/ui-overview.png and /tmp/ui-driver.png. (Filters, paging, kill and logs:
// browser-actions.test.ts.)

import { renderDriver, startUiServer, type UiServer } from '../../src/ui/index.ts';
import {
  BROWSER_TIMEOUT, cells, expectNothingExecuted, hrefs, kv, openBrowser, texts, type Browser, type BrowserGlobals, type El,
} from './chromium.ts';
import { FW, HISTORY, HOSTILE_ARGS, HOSTILE_ID, HOSTILE_NAME, makeSnapshot, NOW, PROXY } from './fixtures.ts';

const snapshot = makeSnapshot();
let server: UiServer;
let browser: Browser;

beforeAll(async () => {
  server = await startUiServer({ source: { snapshot: () => snapshot }, host: '127.0.0.1', port: 0, now: () => NOW });
  browser = await openBrowser();
}, BROWSER_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, BROWSER_TIMEOUT);

afterEach(() => {
  expect(browser.problems).toEqual([]);
  browser.problems.length = 0;
});

test('the overview reads as it should', async () => {
  const { page } = browser;
  const response = await page.goto(server.url);
  expect(response?.status()).toBe(200);
  expect(await page.innerText('h1')).toBe('Spark Drivers for Mesos cluster');
  expect(await texts(page, 'h2')).toEqual([
    'Queued Drivers (3)', 'Launched Drivers (4)', 'Retrying Drivers (1)', 'Finished Drivers (6)', 'Scheduled Drivers (0)',
  ]);
  expect(await page.innerText('.summary')).toContain(`Mesos Framework ID: ${FW}`);
  expect(await texts(page, '#launched-drivers thead th')).toEqual([
    'Driver ID', 'History', 'Application', 'Queue', 'Submit Date', 'Driver Resources', 'Start Date', 'Mesos Agent ID', 'State',
    'Duration', 'Logs', 'Sandbox',
  ]);
  const launched = await cells(page, '#launched-drivers');
  expect(launched[0]).toEqual([
    'driver-20240301100300-0003 spark-jobs/running', 'History', 'running org.example.SparkPi', 'default', '2024/03/01 10:03:00',
    '1 CPU, 1408 MiB', '2024/03/01 10:03:05', 'agent-S1', 'TASK_RUNNING', '57 min', 'stdout stderr', 'Sandbox',
  ]);
  expect((await cells(page, '#queued-drivers')).map((r) => r[0])).toEqual([
    'driver-20240301100000-0001 spark-jobs/pending', 'driver-20240301100100-0002 spark-jobs/queued-python',
    'driver-20240301101000-0007 spark-jobs/with-credentials',
  ]);
  expect((await cells(page, '#retrying-drivers'))[0]?.slice(3)).toEqual([
    'TASK_FAILED Reason: REASON_COMMAND_EXECUTOR_FAILED exit 1', '1', '2024/03/01 11:00:30 (in 30 s)', 'stdout stderr', 'Sandbox',
  ]);
  // Newest first; the three that finished together by ID.
  expect((await cells(page, '#finished-drivers')).map((r) => r[8]?.split(' ')[0])).toEqual(['Succeeded', 'Failed', 'Killed', 'Lost', 'Rejected', 'Error']);

  const retry = 'driver-20240301100600-0006-retry-1';
  expect(await hrefs(page, '#launched-drivers a')).toEqual(expect.arrayContaining([
    'driver?id=driver-20240301100600-0006',
    `${PROXY}/#/agents/agent-S3/frameworks/${FW}/executors/${retry}/browse`,
    `${HISTORY}/history/${FW}-${retry}`,
    'logs?id=driver-20240301100600-0006&attempt=2&file=stderr',
  ]));
  expect((await hrefs(page, 'a')).filter((h) => h.startsWith('driver?id='))).toHaveLength(14);
  // The stylesheet loaded under the CSP: zebra rows are shaded.
  expect(await page.$eval('#finished-drivers tbody tr:nth-child(2)', (tr: El) => (globalThis as unknown as BrowserGlobals).getComputedStyle(tr).backgroundColor)).toBe('rgb(246, 248, 250)');
  expect(await page.$eval('code.id', (c: El) => (globalThis as unknown as BrowserGlobals).getComputedStyle(c).fontFamily)).toMatch(/mono/i);
  await expectNothingExecuted(page, 'Spark Drivers for Mesos cluster');
  await browser.screenshot('ui-overview', true);
}, BROWSER_TIMEOUT);

test('the hostile driver, reached by its link, shows its values as text and runs nothing', async () => {
  const { page } = browser;
  await page.goto(server.url);
  await page.click(`a[href="driver?id=${HOSTILE_ID}"]`);
  await page.waitForURL(/\/driver\?id=/);
  expect(await page.innerText('h1')).toBe(`Driver ${HOSTILE_ID}`);
  const properties = await kv(page, '#driver-properties-table');
  expect(properties.Name).toBe(HOSTILE_NAME);
  expect(await texts(page, 'ol.args li')).toEqual(HOSTILE_ARGS);
  expect((await kv(page, '#spark-properties-table'))['spark.hostile.link']).toBe('javascript:alert(document.cookie)');
  expect((await kv(page, '#driver-environment-table')).HOSTILE_ENV).toBe('</td></tr><script>window.pwned=9</script>&amp;');
  expect(await page.innerText('#driver-command-line')).toContain(`--name "${HOSTILE_NAME.replace(/"/g, '\\"')}"`);
  expect(await hrefs(page, 'a')).not.toContainEqual(expect.stringMatching(/^\s*javascript:/i));
  await expectNothingExecuted(page, `Details for Job ${HOSTILE_ID}`);
  await browser.screenshot('ui-driver-hostile');

  await page.click('nav.back a');
  await page.waitForURL(server.url);
  expect(await page.innerText('h1')).toBe('Spark Drivers for Mesos cluster');
}, BROWSER_TIMEOUT);

test('escaping alone stops the hostile driver: its page loaded without the CSP runs nothing either', async () => {
  const { page } = browser;
  const html = renderDriver(snapshot, HOSTILE_ID, NOW).html;
  await page.goto('about:blank');
  await page.setContent(html);
  expect(await page.innerText('h1')).toBe(`Driver ${HOSTILE_ID}`);
  expect((await kv(page, '#driver-properties-table')).Name).toBe(HOSTILE_NAME);
  await expectNothingExecuted(page, `Details for Job ${HOSTILE_ID}`);
}, BROWSER_TIMEOUT);

test('every driver page states its phase; a retried driver shows its attempts', async () => {
  const { page } = browser;
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

  await page.goto(`${server.url}/driver?id=spark-jobs/rerun`);
  expect(await page.innerText('h1')).toBe('Driver driver-20240301100600-0006');
  expect(await texts(page, 'h2')).toEqual([
    'Driver properties', 'Spark properties', 'Driver command', 'Driver command environment', 'Scheduler properties',
    'Launched state', 'Retry state', 'Attempt history', 'Conditions',
  ]);
  const launched = await kv(page, '#launched-state-table');
  expect(launched['Mesos Task ID']).toBe('driver-20240301100600-0006-retry-1');
  expect(launched.History).toBe(`${FW}-driver-20240301100600-0006-retry-1`);
  expect((await cells(page, '#attempt-history-table')).map((r) => r[1])).toEqual(['driver-20240301100600-0006', 'driver-20240301100600-0006-retry-1']);
  expect(await hrefs(page, '#attempt-history-table a')).toEqual([
    'logs?id=driver-20240301100600-0006&attempt=1&file=stdout', 'logs?id=driver-20240301100600-0006&attempt=1&file=stderr',
    `${PROXY}/#/agents/agent-S1/frameworks/${FW}/executors/driver-20240301100600-0006/browse`,
    `${HISTORY}/history/${FW}-driver-20240301100600-0006`,
    'logs?id=driver-20240301100600-0006&attempt=2&file=stdout', 'logs?id=driver-20240301100600-0006&attempt=2&file=stderr',
    `${PROXY}/#/agents/agent-S3/frameworks/${FW}/executors/driver-20240301100600-0006-retry-1/browse`,
    `${HISTORY}/history/${FW}-driver-20240301100600-0006-retry-1`,
  ]);
  await browser.screenshot('ui-driver', true);
}, BROWSER_TIMEOUT);

test('an unknown driver gets the 404 page', async () => {
  const { page } = browser;
  const response = await page.goto(`${server.url}/driver?id=driver-nope`);
  expect(response?.status()).toBe(404);
  expect(await page.innerText('#error-message')).toBe('Cannot find driver driver-nope');
  // Chromium reports the 404 status itself; nothing else may appear.
  expect(browser.problems.splice(0)).toEqual(['console error: Failed to load resource: the server responded with a status of 404 (Not Found)']);
}, BROWSER_TIMEOUT);
