// Driver logs in the web UI, read through an emulated agent: the page shows the last 64 KiB with
// links to older and newer windows, the other file and the other attempts; follow reloads the
// end while the attempt runs and stops once it ended; `/logs/read` answers the agent's
// `{data, offset}` with the attempt; every failure is a page (or JSON) with its reason, escaped.
import { startMesosMaster, type EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { DriverLogs } from '../../src/logs/driver-logs.ts';
import { SandboxFiles } from '../../src/mesos/sandbox-files.ts';
import { startUiServer, uiDriverFrom, type UiServer, type UiSnapshot } from '../../src/ui/index.ts';
import { driverWithAttempts, ended, running, writeSandboxFile } from '../logs/sandbox.ts';
import { dispatcherConfig, NOW } from './fixtures.ts';
import { executableMarkup, linkTargets, textOf } from './html-helpers.ts';

let master: EmulatedMesosMaster;
let server: UiServer;
// 150,000 bytes of numbered lines: three 64 KiB windows.
const BIG = Array.from({ length: 11_000 }, (_, i) => `line ${String(i).padStart(8, '0')}\n`).join('').slice(0, 150_000);

beforeAll(async () => {
  master = await startMesosMaster({ agents: 2, agentHttp: true });
  const [a1, a2] = master.agentIds as [string, string];
  writeSandboxFile(master, a1, 'driver-big', 'stdout', 'first attempt\n');
  writeSandboxFile(master, a2, 'driver-big-retry-1', 'stdout', BIG);
  writeSandboxFile(master, a2, 'driver-big-retry-1', 'stderr', '<script>window.pwned=1</script> & ERROR\n');
  writeSandboxFile(master, a1, 'driver-live', 'stdout', 'still going\n');
  const config = dispatcherConfig();
  const snapshot: UiSnapshot = {
    masterUrl: 'mesos://test', leader: true,
    drivers: [
      driverWithAttempts('big', [ended('driver-big', a1), ended('driver-big-retry-1', a2)]),
      driverWithAttempts('live', [running('driver-live', a1)], 'Launched'),
      driverWithAttempts('waiting', [], 'Queued'),
    ].map((r) => uiDriverFrom(r, config)),
  };
  server = await startUiServer({
    source: { snapshot: () => snapshot }, host: '127.0.0.1', port: 0, now: () => NOW,
    logs: new DriverLogs(new SandboxFiles({ masters: () => [master.url] })),
  });
});
afterAll(async () => {
  await server?.close();
  await master?.close();
});

const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
};
const range = (body: string) => textOf(/<p class="log-window">(.*?)<\/p>/s.exec(body)?.[1] ?? '');
/** The log as shown (it holds no markup characters here, so no entities to decode). */
const logText = (body: string) => /<pre class="log" id="log">(.*?)<\/pre>/s.exec(body)?.[1] ?? '';

test('the last 64 KiB of the current attempt by default, then older and newer windows', async () => {
  const latest = await get('/logs?id=jobs/big&file=stdout');
  expect(latest.status).toBe(200);
  expect(/<h1>(.*?)<\/h1>/.exec(latest.body)?.[1]).toBe('stdout of attempt 2');
  expect(range(latest.body)).toBe('Bytes 84,464–150,000 of 150,000 (146.5 KiB). The attempt has ended: the log is complete.');
  expect(logText(latest.body) === BIG.slice(150_000 - 65_536)).toBe(true);
  expect(latest.body).not.toContain('http-equiv="refresh"');
  const links = linkTargets(latest.body);
  expect(links).toEqual(expect.arrayContaining([
    'logs?id=driver-big&attempt=2&file=stdout&end=84464', 'logs?id=driver-big&attempt=2&file=stderr',
    'logs?id=driver-big&attempt=1&file=stdout', 'driver?id=driver-big',
  ]));
  expect(links.some((l) => l.includes('follow=1'))).toBe(false);

  const older = await get('/logs?id=driver-big&attempt=2&file=stdout&end=84464');
  expect(range(older.body)).toMatch(/^Bytes 18,928–84,464 of 150,000 /);
  expect(logText(older.body) === BIG.slice(18_928, 84_464)).toBe(true);
  expect(linkTargets(older.body)).toEqual(expect.arrayContaining([
    'logs?id=driver-big&attempt=2&file=stdout&end=18928', 'logs?id=driver-big&attempt=2&file=stdout',
  ]));
  const oldest = await get('/logs?id=driver-big&attempt=2&file=stdout&end=18928');
  expect(range(oldest.body)).toMatch(/^Bytes 0–18,928 of 150,000 /);
  expect(linkTargets(oldest.body)).toContain('logs?id=driver-big&attempt=2&file=stdout&end=84464');
  expect(oldest.body).not.toContain('id="older"');

  const first = await get('/logs?id=driver-big&attempt=1');
  expect(logText(first.body)).toBe('first attempt\n');
});

test('stderr with markup is shown as text; nothing in it runs', async () => {
  const page = await get('/logs?id=driver-big&file=stderr');
  expect(page.body).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt; &amp; ERROR');
  expect(executableMarkup(page.body)).toEqual([]);
});

test('follow reloads the end of a running attempt, and a running one offers it', async () => {
  const page = await get('/logs?id=jobs/live');
  expect(range(page.body)).toBe('Bytes 0–12 of 12 (12 B). The attempt is still running: the log may grow.');
  expect(linkTargets(page.body)).toContain('logs?id=driver-live&attempt=1&file=stdout&follow=1#end');
  const following = await get('/logs?id=jobs/live&follow=1');
  expect(following.body).toContain('<meta http-equiv="refresh" content="3; url=logs?id=driver-live&amp;attempt=1&amp;file=stdout&amp;follow=2#end">');
  expect(linkTargets(following.body)).toContain('logs?id=driver-live&attempt=1&file=stdout');
  // Following a finished attempt shows its end without reloading.
  expect((await get('/logs?id=jobs/big&follow=1')).body).not.toContain('http-equiv="refresh"');
});

test('/logs/read is the agent\'s read for the attempt, as JSON', async () => {
  const size = await get('/logs/read?id=jobs/big&file=stdout&offset=-1');
  expect(size.type).toBe('application/json');
  expect(JSON.parse(size.body)).toEqual({
    data: '', offset: 150_000,
    attempt: { number: 2, taskId: 'driver-big-retry-1', agentId: master.agentIds[1], finished: true },
    driver: { namespace: 'jobs', name: 'big', submissionId: 'driver-big', phase: 'Finished' },
  });
  expect(JSON.parse((await get('/logs/read?id=jobs/big&attempt=2&offset=10&length=8')).body)).toMatchObject({ data: BIG.slice(10, 18), offset: 10 });
  expect(JSON.parse((await get('/logs/read?id=jobs/big&attempt=1&offset=0')).body)).toMatchObject({ data: 'first attempt\n', attempt: { number: 1 } });
});

test('failures: unknown driver, not launched, unknown attempt, bad file, as pages and as JSON', async () => {
  for (const [path, status, message, pending] of [
    ['/logs?id=nope', 404, 'Cannot find driver nope', undefined],
    ['/logs?id=jobs/waiting', 404, 'jobs/waiting has not been launched yet, so it has no logs.', true],
    ['/logs?id=jobs/big&attempt=7', 404, 'jobs/big has no attempt 7 on record; its status keeps attempts 1 to 2.', false],
    ['/logs?id=jobs/big&file=passwd', 400, 'file must be stdout or stderr', undefined],
    ['/logs?id=jobs/big&attempt=-1', 400, 'attempt must be a positive whole number', undefined],
  ] as const) {
    const page = await get(path);
    expect({ path, status: page.status }).toEqual({ path, status });
    expect(textOf(page.body)).toContain(message);
    // JSON says too whether waiting makes sense (the plugin's -f waits for a queued driver).
    const json = await get(path.replace('/logs?', '/logs/read?'));
    expect({ path, status: json.status, body: JSON.parse(json.body) as unknown })
      .toEqual({ path, status, body: { message, ...(pending !== undefined && { pending }) } });
  }
});
