// The pure renderer: the overview's tables for every phase with the original's columns and links
// (sandbox and history named after the attempt's own task), the driver page's sections, the
// error pages, and escaping of a hostile driver. Masking has its own file.

import { renderDriver, renderNotFound, renderOverview, renderPage, type UiSnapshot } from '../../src/ui/index.ts';
import { executableMarkup, linkTargets, sectionOf, tableRows, textOf } from './html-helpers.ts';
import { FW, HISTORY, HOSTILE_ARGS, HOSTILE_ID, HOSTILE_NAME, makeSnapshot, NOW, PROXY } from './fixtures.ts';

const snapshot = makeSnapshot();
const overview = renderOverview(snapshot, NOW);
const driverPage = (id: string, snap: UiSnapshot = snapshot) => {
  const page = renderDriver(snap, id, NOW);
  expect(page.status).toBe(200);
  return page.html;
};
const ids = (rows: string[][]) => rows.map((r) => r[0]?.split(' ')[0]);

describe('overview page', () => {
  test('title, framework ID, master and leadership', () => {
    expect(overview).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(overview).toContain('<title>Spark Drivers for Mesos cluster</title>');
    expect(textOf(overview)).toContain(`Mesos Framework ID: ${FW}`);
    expect(textOf(overview)).toContain('Mesos master: mesos://master.mesos:5050');
    expect(textOf(overview)).toContain('This replica: leader');
    expect(textOf(overview)).toContain('Drivers: 3 queued, 4 launched, 1 retrying, 6 finished');
    expect(overview).not.toContain('class="notice"');
    const standby = renderOverview({ ...snapshot, leader: false, drivers: [] }, NOW);
    expect(textOf(standby)).toContain('This replica: standby');
    expect(textOf(standby)).toContain('This replica is on standby');
    const unregistered = renderOverview({ masterUrl: 'mesos://m:5050', leader: true, drivers: [] }, NOW);
    expect(textOf(unregistered)).toContain('Mesos Framework ID: not registered yet');
    expect(textOf(unregistered)).toContain('No queued drivers.');
    expect(textOf(unregistered)).toContain('No finished drivers.');
  });

  test('queued drivers: oldest first, with application name and main class, queue, submit date, resources in units and what they wait for', () => {
    const rows = tableRows(overview, 'queued-drivers');
    expect(rows).toEqual([
      ['driver-20240301100000-0001 spark-jobs/pending', 'pending org.example.SparkPi', 'default', '2024/03/01 10:00:00', '1 CPU, 1408 MiB', 'Not yet seen by the dispatcher'],
      ['driver-20240301100100-0002 spark-jobs/queued-python', 'queued-python pi.py (Python)', 'urgent', '2024/03/01 10:01:00', '1 CPU, 1408 MiB', "Waiting for an offer in queue 'urgent'"],
      ['driver-20240301101000-0007 spark-jobs/with-credentials', 'with-credentials org.example.SparkPi', 'default', '2024/03/01 10:10:00', '1 CPU, 1408 MiB', "Waiting for an offer in queue 'default'"],
    ]);
    expect(sectionOf(overview, 'queued')).toContain('<a href="driver?id=driver-20240301100000-0001">');
  });

  test('launched drivers: start date, agent, Mesos state, duration, logs, history and sandbox of the current attempt', () => {
    const rows = tableRows(overview, 'launched-drivers');
    expect(ids(rows)).toEqual(['driver-20240301100300-0003', HOSTILE_ID, 'driver-20240301100600-0006', 'driver-20240301100400-0004']);
    expect(rows[0]).toEqual([
      'driver-20240301100300-0003 spark-jobs/running', 'History', 'running org.example.SparkPi', 'default', '2024/03/01 10:03:00',
      '1 CPU, 1408 MiB', '2024/03/01 10:03:05', 'agent-S1', 'TASK_RUNNING', '57 min', 'stdout stderr', 'Sandbox',
    ]);
    expect(rows[2]?.[0]).toBe('driver-20240301100600-0006 spark-jobs/rerun attempt driver-20240301100600-0006-retry-1');
    expect(rows[3]?.slice(8)).toEqual(['—', '10 s', 'stdout stderr', 'Sandbox']);
    // The logs of a relaunched driver are those of its current attempt.
    expect(linkTargets(sectionOf(overview, 'launched'))).toEqual(expect.arrayContaining([
      'logs?id=driver-20240301100600-0006&attempt=2&file=stdout', 'logs?id=driver-20240301100600-0006&attempt=2&file=stderr',
    ]));
  });

  test('links of a retried attempt name its own task (the original used the submission ID)', () => {
    const links = linkTargets(sectionOf(overview, 'launched'));
    const task = 'driver-20240301100600-0006-retry-1';
    expect(links).toContain(`${PROXY}/#/agents/agent-S3/frameworks/${FW}/executors/${task}/browse`);
    expect(links).toContain(`${HISTORY}/history/${FW}-${task}`);
    expect(links).toContain(`${PROXY}/#/agents/agent-S1/frameworks/${FW}/executors/driver-20240301100300-0003/browse`);
    expect(links).not.toContain(`${HISTORY}/history/${FW}-driver-20240301100600-0006`);
  });

  test('retrying drivers: last failed status, retries and next retry time', () => {
    expect(tableRows(overview, 'retrying-drivers')).toEqual([[
      'driver-20240301100500-0005 spark-jobs/retrying', 'retrying org.example.SparkPi', '2024/03/01 10:05:00',
      'TASK_FAILED Reason: REASON_COMMAND_EXECUTOR_FAILED exit 1', '1', '2024/03/01 11:00:30 (in 30 s)', 'stdout stderr', 'Sandbox',
    ]]);
  });

  test('finished drivers: newest first, with outcome and last Mesos state, reason or message', () => {
    const rows = tableRows(overview, 'finished-drivers');
    const byId = new Map(rows.map((r) => [r[0]?.split(' ')[0], r]));
    expect(rows).toHaveLength(6);
    expect(byId.get('driver-20240301100700-0007')?.slice(1)).toEqual([
      'History', 'succeeded org.example.SparkPi', '2024/03/01 10:07:00', '1 CPU, 1408 MiB', '2024/03/01 10:07:10', '2024/03/01 10:15:00',
      'agent-S1', 'Succeeded TASK_FINISHED', '7.8 min', 'stdout stderr', 'Sandbox',
    ]);
    expect(byId.get('driver-20240301100710-0008')?.[8]).toBe('Failed TASK_FAILED Reason: REASON_COMMAND_EXECUTOR_FAILED Command exited with status 1');
    expect(byId.get('driver-20240301100720-0009')?.[8]).toBe('Killed TASK_KILLED');
    expect(byId.get('driver-20240301100730-0010')?.[0]).toBe('driver-20240301100730-0010 spark-jobs/lost-after-retries attempt driver-20240301100730-0010-retry-2');
    expect(byId.get('driver-20240301100730-0010')?.[8]).toBe('Lost TASK_LOST Reason: REASON_AGENT_REMOVED');
    expect(byId.get('driver-20240301100740-0011')?.slice(4, 11)).toEqual(['—', '—', '2024/03/01 10:07:41', '—', 'Error spark.mesos.driver.labels: Malformed label: x', '—', '—']);
    expect(byId.get('driver-20240301100750-0012')?.[8]).toMatch(/^Rejected Invalid spec: spec.sparkProperties\[spark.mesos.driver.constraints\]/);
    expect(linkTargets(sectionOf(overview, 'finished'))).toContain(`${HISTORY}/history/${FW}-driver-20240301100730-0010-retry-2`);
  });

  test('History and Sandbox columns appear only with their URLs, and only http(s) URLs become links', () => {
    const { mesosProxyBaseUrl: _proxy, historyServerUrl: _history, ...withoutUrls } = snapshot;
    const bare = renderOverview(withoutUrls, NOW);
    expect(bare).not.toContain('<th scope="col">History</th>');
    expect(bare).not.toContain('<th scope="col">Sandbox</th>');
    expect(linkTargets(bare).filter((l) => l.startsWith('http'))).toEqual([]);
    for (const url of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>x</script>', 'not a url']) {
      const page = renderOverview({ ...snapshot, mesosProxyBaseUrl: url, historyServerUrl: url }, NOW);
      expect(executableMarkup(page)).toEqual([]);
      expect(linkTargets(page).filter((l) => !/^(driver\?|logs\?|\.\/|static\/)/.test(l))).toEqual([]);
    }
  });

  test('base URLs with a trailing slash or a fragment still make clean links', () => {
    const page = renderOverview({ ...snapshot, mesosProxyBaseUrl: 'http://proxy:5050/#/', historyServerUrl: 'http://hist/' }, NOW);
    expect(linkTargets(page)).toContain(`http://proxy:5050/#/agents/agent-S1/frameworks/${FW}/executors/driver-20240301100300-0003/browse`);
    expect(linkTargets(page)).toContain(`http://hist/history/${FW}-driver-20240301100300-0003`);
  });
});

describe('driver page', () => {
  test('a running driver: description, command, scheduler properties, launched state, history', () => {
    const html = driverPage('driver-20240301100300-0003');
    expect(html).toContain('<title>Details for Job driver-20240301100300-0003</title>');
    const text = textOf(html);
    expect(text).toContain('Driver state information for driver id driver-20240301100300-0003');
    expect(text).toContain('Driver state: Launched');
    expect(linkTargets(html)).toContain('./');
    expect(tableRows(html, 'driver-properties-table')).toEqual(expect.arrayContaining([
      ['Name', 'running'], ['Submission ID', 'driver-20240301100300-0003'], ['Resource', 'spark-jobs/running'],
      ['Main class', 'org.example.SparkPi'], ['Arguments', '100'], ['Cores', '1.0'],
      ['Memory', '1024 MiB heap + 384 MiB overhead = 1408 MiB'], ['Queue', 'default'], ['Submitted', '2024/03/01 10:03:00'],
    ]));
    expect(textOf(sectionOf(html, 'driver-command'))).toContain('As run for task driver-20240301100300-0003');
    expect(textOf(sectionOf(html, 'driver-command'))).toContain(
      '/opt/spark/./bin/spark-submit --name running --master mesos://master.mesos:5050 --driver-cores 1.0 --driver-memory 1024M --class org.example.SparkPi');
    expect(tableRows(html, 'driver-environment-table')).toEqual([
      ['SPARK_SUBMIT_OPTS', `-Dspark.mesos.driver.frameworkId=${FW}-driver-20240301100300-0003`],
    ]);
    expect(tableRows(html, 'scheduler-properties-table')).toEqual(expect.arrayContaining([
      ['Queue', 'default'], ['Supervise', 'false'], ['Max retries', "unlimited (Spark's behaviour)"], ['Max wait between attempts', '60 s'],
    ]));
    expect(tableRows(html, 'launched-state-table')).toEqual(expect.arrayContaining([
      ['Mesos Task ID', 'driver-20240301100300-0003'], ['Mesos Agent ID', 'agent-S1'], ['Mesos state', 'TASK_RUNNING Source: SOURCE_EXECUTOR'],
      ['Launch Time', '2024/03/01 10:03:05'], ['Running Since', '2024/03/01 10:03:07'], ['Finish Time', '—'], ['Logs', 'stdout · stderr'], ['Sandbox', 'Sandbox'],
      ['History', `${FW}-driver-20240301100300-0003`],
    ]));
    expect(sectionOf(html, 'retry-state')).toBe('');
    expect(tableRows(html, 'attempt-history-table')).toHaveLength(1);
    expect(tableRows(html, 'conditions-table').map((r) => r[0])).toEqual(['Accepted', 'Launched', 'Succeeded', 'Ready', 'Reconciling', 'Stalled']);
  });

  test('a queued driver has no launched state and no attempts; a pending one has no status at all', () => {
    const queued = driverPage('driver-20240301100100-0002');
    expect(textOf(queued)).toContain('Driver state: Queued');
    expect(sectionOf(queued, 'launched-state')).toBe('');
    expect(textOf(sectionOf(queued, 'attempt-history'))).toContain('No attempts yet.');
    expect(tableRows(queued, 'driver-properties-table')).toContainEqual(['Main class', 'pi.py (Python)']);
    const pending = driverPage('driver-20240301100000-0001');
    expect(textOf(pending)).toContain('Driver state: Queued');
    expect(textOf(sectionOf(pending, 'conditions'))).toContain('No conditions yet.');
  });

  test('a retrying driver shows its retry state; a relaunched one its whole attempt history', () => {
    const retrying = driverPage('driver-20240301100500-0005');
    expect(tableRows(retrying, 'retry-state-table')).toEqual([
      ['Retries', '1'], ['Attempts launched', '1'], ['Last failed status', 'TASK_FAILED Reason: REASON_COMMAND_EXECUTOR_FAILED Source: SOURCE_EXECUTOR exit 1'],
      ['Wait before retry', '1 s'], ['Next retry time', '2024/03/01 11:00:30 (in 30 s)'],
    ]);
    expect(textOf(sectionOf(retrying, 'driver-command'))).toContain('As it will run for task driver-20240301100500-0005-retry-1');
    const rerun = driverPage('driver-20240301100600-0006');
    expect(tableRows(rerun, 'scheduler-properties-table')).toEqual(expect.arrayContaining([
      ['Supervise', 'true'], ['Max retries', '3'], ['Max wait between attempts', '30 s'],
    ]));
    const attempts = tableRows(rerun, 'attempt-history-table');
    expect(attempts.map((r) => r.slice(0, 3))).toEqual([
      ['1', 'driver-20240301100600-0006', 'agent-S1'], ['2', 'driver-20240301100600-0006-retry-1', 'agent-S3'],
    ]);
    expect(attempts[0]?.[7]).toBe('TASK_LOST Reason: REASON_AGENT_DISCONNECTED Source: SOURCE_EXECUTOR');
    expect(linkTargets(sectionOf(rerun, 'attempt-history'))).toEqual([
      'logs?id=driver-20240301100600-0006&attempt=1&file=stdout', 'logs?id=driver-20240301100600-0006&attempt=1&file=stderr',
      `${PROXY}/#/agents/agent-S1/frameworks/${FW}/executors/driver-20240301100600-0006/browse`,
      `${HISTORY}/history/${FW}-driver-20240301100600-0006`,
      'logs?id=driver-20240301100600-0006&attempt=2&file=stdout', 'logs?id=driver-20240301100600-0006&attempt=2&file=stderr',
      `${PROXY}/#/agents/agent-S3/frameworks/${FW}/executors/driver-20240301100600-0006-retry-1/browse`,
      `${HISTORY}/history/${FW}-driver-20240301100600-0006-retry-1`,
    ]);
    expect(tableRows(rerun, 'retry-state-table')).toContainEqual(['Retries', '1']);
  });

  test('finished drivers show outcome and message; an unplannable one lists its problems', () => {
    const lost = driverPage('driver-20240301100730-0010');
    expect(textOf(lost)).toContain('Driver state: Finished Lost');
    expect(tableRows(lost, 'attempt-history-table')).toHaveLength(3);
    const rejected = driverPage('driver-20240301100750-0012');
    expect(textOf(rejected)).toContain('Driver state: Finished Rejected');
    expect(textOf(sectionOf(rejected, 'driver-command'))).toContain('Not available: the driver cannot be planned.');
    expect(textOf(rejected)).toMatch(/The dispatcher cannot plan this driver: spark\.mesos\.driver\.constraints/);
  });

  test('error pages: missing ID (400), unknown ID (404), unknown path (404)', () => {
    expect(renderDriver(snapshot, null, NOW)).toMatchObject({ status: 400 });
    expect(textOf(renderDriver(snapshot, '', NOW).html)).toContain('requirement failed: Missing id parameter');
    const unknown = renderPage(snapshot, '/driver', new URLSearchParams({ id: '<script>alert(1)</script>' }), NOW);
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('Cannot find driver &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(executableMarkup(unknown.html)).toEqual([]);
    const notFound = renderNotFound('/"><script>x</script>', NOW);
    expect(notFound.status).toBe(404);
    expect(executableMarkup(notFound.html)).toEqual([]);
    expect(renderPage(snapshot, '/', new URLSearchParams(), NOW).status).toBe(200);
    expect(renderPage(snapshot, '/elsewhere', new URLSearchParams(), NOW).status).toBe(404);
  });
});

describe('a hostile driver', () => {
  const page = driverPage(HOSTILE_ID);

  test('nothing executable survives on either page', () => {
    expect(executableMarkup(overview)).toEqual([]);
    expect(executableMarkup(page)).toEqual([]);
    expect(overview.toLowerCase()).not.toContain('<script');
    expect(page.toLowerCase()).not.toContain('<script');
    expect(page).not.toMatch(/<img/i);
    expect(linkTargets(page).some((l) => l.toLowerCase().includes('javascript:'))).toBe(false);
  });

  test('its values are shown escaped, as the person typed them', () => {
    expect(page).toContain('&lt;script&gt;document.title=&#39;pwned&#39;;window.pwned=1&lt;/script&gt;&quot;quoted&quot; &amp; &#39;single&#39;');
    expect(tableRows(page, 'driver-properties-table')).toContainEqual(['Name', HOSTILE_NAME]);
    expect(tableRows(page, 'driver-properties-table')).toContainEqual(['Arguments', HOSTILE_ARGS.join(' ')]);
    expect(tableRows(page, 'spark-properties-table')).toEqual(expect.arrayContaining([
      ['spark.hostile.link', 'javascript:alert(document.cookie)'],
      ['spark.hostile.property', '<img src=x onerror="window.pwned=8">'],
      ['spark.mesos.driverEnv.HOSTILE_ENV', '</td></tr><script>window.pwned=9</script>&amp;'],
    ]));
    expect(tableRows(page, 'driver-environment-table')).toContainEqual(['HOSTILE_ENV', '</td></tr><script>window.pwned=9</script>&amp;']);
    expect(page).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;window.pwned=9&lt;/script&gt;&amp;amp;');
    expect(textOf(sectionOf(page, 'launched-state'))).toContain('<script>window.pwned=4</script> & "done"');
  });

  test('its agent ID is URL-encoded inside links', () => {
    const sandbox = linkTargets(page).find((l) => l.includes('/#/agents/'));
    expect(sandbox).toBe(`${PROXY}/#/agents/agent%22%3E%3Cscript%3Ewindow.pwned%3D5%3C%2Fscript%3E/frameworks/${FW}/executors/${HOSTILE_ID}/browse`);
  });
});
