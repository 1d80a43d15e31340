// `--master mesos://zk://…` against a real ZooKeeper (Debian's package, started here) with
// emulated masters contending for leadership as real ones do. Real time, short sessions, and
// waits on conditions: nothing here sleeps.
import zookeeper from 'node-zookeeper-client';
import type { Client } from 'node-zookeeper-client';
import { MesosSchedulerClient, type SchedulerEvent } from '../../src/mesos/scheduler-client.ts';
import { startMesosMaster, type EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { ZooKeeperEnsemble, zooKeeperInstalled } from '../../src/devcluster/zookeeper.ts';
import { readiness } from '../../src/metrics/health.ts';
import type { Logger } from '../../src/runtime/logger.ts';
import { EventLog, waitFor } from '../support/wait.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

type Subscribed = Extract<SchedulerEvent, { type: 'subscribed' }>;
type Detection = Extract<SchedulerEvent, { type: 'detection' }>;
const isSubscribed = (e: SchedulerEvent): e is Subscribed => e.type === 'subscribed';
const detected = (leader: string) => (e: SchedulerEvent): e is Detection => e.type === 'detection' && e.health.leader === leader;

/** The masters' sessions outlast the detector's, so a gone master node means an expired detector session too. */
const MASTER_SESSION_MS = 1500;
const DETECTOR_SESSION_MS = 800;
const frameworkInfo = { user: 'spark', name: 'zk-test', failover_timeout: 3600 };

let zk: ZooKeeperEnsemble;
let raw: Client;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  if (!zooKeeperInstalled()) throw new Error('Debian\'s zookeeper package is missing: run `bash scripts/system-deps.sh`');
  zk = await ZooKeeperEnsemble.start({ tickTimeMs: 200 });
  raw = await rawClient(zk.connectString);
}, 90_000);

beforeEach(async () => {
  // The restart test can outlast this client's session on a busy machine: a fresh one then.
  if (raw.getState() !== zookeeper.State.SYNC_CONNECTED) {
    raw.close();
    raw = await rawClient(zk.connectString);
  }
}, 60_000);

afterEach(async () => {
  // Every cleanup runs, whichever fails.
  const results = await Promise.allSettled(cleanups.splice(0).reverse().map(async (cleanup) => cleanup()));
  for (const result of results) if (result.status === 'rejected') throw result.reason;
});

afterAll(async () => {
  raw?.close();
  await zk?.close();
});

function rawClient(servers: string, auth?: string): Promise<Client> {
  const client = zookeeper.createClient(servers, { sessionTimeout: 5000, spinDelay: 100 });
  if (auth !== undefined) client.addAuthInfo('digest', Buffer.from(auth));
  return new Promise((resolve) => {
    client.once('connected', () => resolve(client));
    client.connect();
  });
}

/** A node-zookeeper-client call as a promise. */
const call = <T>(run: (done: (error: Error | zookeeper.Exception | null, value?: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => run((error, value) => (error ? reject(new Error(error.toString())) : resolve(value as T))));

/** `count` masters contending under `path`, each registered before the next starts: the first leads. */
async function contenders(path: string, count: number, digest?: string): Promise<EmulatedMesosMaster[]> {
  const masters: EmulatedMesosMaster[] = [];
  for (let i = 0; i < count; i += 1) {
    const zookeeperOptions = { servers: zk.connectString, path, sessionTimeoutMs: MASTER_SESSION_MS, ...(digest !== undefined && { digest }) };
    const master = await startMesosMaster({ agents: 1, zookeeper: zookeeperOptions });
    cleanups.push(() => master.close());
    await waitFor(() => master.zooKeeperNode, `master ${i} to register under ${path}`);
    masters.push(master);
  }
  return masters;
}

interface Detecting { client: MesosSchedulerClient; events: EventLog<SchedulerEvent>; warnings: string[] }

function detecting(path: string, servers = zk.connectString): Detecting {
  const events = new EventLog<SchedulerEvent>();
  const warnings: string[] = [];
  const logger: Logger = {
    debug: () => undefined, info: () => undefined, error: (_o, msg) => warnings.push(msg), warn: (_o, msg) => warnings.push(msg), child: () => logger,
  };
  const client = new MesosSchedulerClient({
    master: `mesos://zk://${servers}${path}`, frameworkInfo, format: 'json', random: () => 0.5,
    zooKeeperSessionTimeoutMs: DETECTOR_SESSION_MS, logger, onEvent: events.push,
  });
  cleanups.push(() => client.stop());
  return { client, events, warnings };
}

function readyz(client: MesosSchedulerClient) {
  return readiness({
    cachesSynced: () => true, leader: () => true, shuttingDown: () => false,
    mesosSubscribed: () => client.state === 'subscribed', masterDetection: () => client.masterDetection,
  });
}

test('first discovery: the client subscribes to the elected master; the others answer as standbys; the nodes are what real masters write', async () => {
  const masters = await contenders('/first', 3);
  expect(masters.map((m) => m.zooKeeperNode)).toEqual(['json.info_0000000000', 'json.info_0000000001', 'json.info_0000000002']);
  const { client, events } = detecting('/first');
  client.start();
  const subscribed = await events.take(isSubscribed, 'SUBSCRIBED');
  expect(subscribed.master).toBe(masters[0]!.url);
  expect(client.masterDetection).toMatchObject({ connected: true, leader: masters[0]!.url, problem: undefined, path: '/first' });

  const [data] = await call<[Buffer]>((done) => raw.getData('/first/json.info_0000000000', (e, d) => done(e, [d])));
  const port = masters[0]!.port;
  expect(data.toString()).toBe(JSON.stringify({
    address: { hostname: 'localhost', ip: '127.0.0.1', port },
    capabilities: [{ type: 'AGENT_UPDATE' }, { type: 'AGENT_DRAINING' }, { type: 'QUOTA_V2' }],
    hostname: 'localhost', id: masters[0]!.masterId, ip: 16_777_343, pid: `master@127.0.0.1:${port}`, port, version: '1.11.0',
  }));
  const standby = await fetch(`${masters[2]!.url}/api/v1/scheduler`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', redirect: 'manual' });
  expect(standby.status).toBe(307);
  expect(standby.headers.get('location')).toBe(`//127.0.0.1:${port}/master/api/v1/scheduler`);
});

test('leader failover: the client follows the next master within the session timeout plus one subscription, with the same framework ID', async () => {
  const masters = await contenders('/failover', 3);
  const { client, events } = detecting('/failover');
  client.start();
  const first = await events.take(isSubscribed, 'SUBSCRIBED to the first leader');
  const crashedAt = Date.now();
  await masters[0]!.crash();
  const detection = await events.take(detected(masters[1]!.url), 'the detection of the next leader', 30_000);
  const detectedWithinMs = Date.now() - crashedAt;
  const second = await events.take(isSubscribed, 'SUBSCRIBED to the next leader');
  expect(second).toMatchObject({ master: masters[1]!.url, frameworkId: first.frameworkId });
  // The crashed master's node outlives it by its session timeout (ZooKeeper checks expiry each tick)...
  expect(detectedWithinMs).toBeGreaterThanOrEqual(MASTER_SESSION_MS - 400);
  expect(detectedWithinMs).toBeLessThan(MASTER_SESSION_MS + 5000);
  // ...and from there it is one subscription: nothing failed between the detection and SUBSCRIBED.
  const between = events.all.slice(events.all.indexOf(detection) + 1, events.all.indexOf(second));
  expect(between.filter((e) => e.type === 'disconnected')).toEqual([]);
  const standby = await fetch(`${masters[2]!.url}/api/v1/scheduler`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', redirect: 'manual' });
  expect(standby.headers.get('location')).toBe(`//127.0.0.1:${masters[1]!.port}/master/api/v1/scheduler`);
});

test('ZooKeeper restart: the subscription stays on the last known leader, /readyz warns without failing, and detection resumes', async () => {
  const masters = await contenders('/restart', 2);
  const { client, events } = detecting('/restart');
  client.start();
  const first = await events.take(isSubscribed, 'SUBSCRIBED');
  await zk.members[0]!.kill();
  await events.take((e): e is Detection => e.type === 'detection' && !e.health.connected, 'the detector to notice');
  expect(client.state).toBe('subscribed');
  await client.reconcile([]);
  const verdict = readyz(client);
  expect(verdict.ok).toBe(true);
  expect(verdict.checks.find((c) => c.name === 'zookeeper')).toEqual({
    name: 'zookeeper', ok: true, warning: `lost the connection to ZooKeeper at zk://${zk.connectString}/restart; using the last known leader ${masters[0]!.url}`,
  });

  await zk.members[0]!.launch();
  await zk.members[0]!.ready();
  await events.take((e): e is Detection => e.type === 'detection' && e.health.connected, 'the detector to reconnect', 30_000);
  expect(readyz(client).checks.find((c) => c.name === 'zookeeper')).toEqual({ name: 'zookeeper', ok: true });
  // Detection follows leaders again: crash whichever leads now, the client moves to the other.
  const leader = masters.find((m) => m.url === client.masterDetection?.leader)!;
  await leader.crash();
  const next = await events.take((e): e is Subscribed => isSubscribed(e) && e.master !== leader.url, 'SUBSCRIBED to the other master', 30_000);
  expect(next.frameworkId).toBe(first.frameworkId);
}, 120_000); // a JVM restart on a busy machine

test('session expiry: cut off past its session timeout while the leader changes, the detector opens a new session and the client follows', async () => {
  const masters = await contenders('/expiry', 2);
  const proxy = await TcpProxy.start(zk.members[0]!.clientPort);
  cleanups.push(() => proxy.close());
  const { client, events, warnings } = detecting('/expiry', proxy.address);
  client.start();
  const first = await events.take(isSubscribed, 'SUBSCRIBED');
  proxy.partition();
  await masters[0]!.crash();
  // The crashed master's node goes once its longer session expires: the detector's has by then.
  await waitFor(async () => {
    const children = await call<string[]>((done) => raw.getChildren('/expiry', done));
    return !children.includes(masters[0]!.zooKeeperNode!);
  }, 'the crashed leader\'s node to expire', 30_000);
  expect(client.masterDetection).toMatchObject({ connected: false, leader: masters[0]!.url });
  proxy.restore();
  const second = await events.take(isSubscribed, 'SUBSCRIBED to the new leader', 30_000);
  expect(second).toMatchObject({ master: masters[1]!.url, frameworkId: first.frameworkId });
  expect(warnings).toContain('the ZooKeeper session expired; opening a new ZooKeeper session');
  expect(client.masterDetection).toMatchObject({ connected: true, leader: masters[1]!.url });
});

test('a path with no masters: the client waits, saying why and naming the path, and subscribes once a master registers', async () => {
  const { client, events } = detecting('/nowhere');
  client.start();
  await waitFor(() => client.state === 'detecting' && client.masterDetection?.problem?.includes('does not exist'), 'the detector to look');
  const url = `zk://${zk.connectString}/nowhere`;
  expect(client.masterDetection?.problem).toBe(`no Mesos master is registered in ZooKeeper: /nowhere does not exist (${url})`);
  await call((done) => raw.mkdirp('/nowhere', done));
  const empty = `no Mesos master is registered in ZooKeeper under /nowhere (no json.info_ node; ${url})`;
  await waitFor(() => client.masterDetection?.problem === empty, 'the detector to see the empty path');
  const mesos = readyz(client).checks.find((c) => c.name === 'mesos');
  expect(mesos).toEqual({ name: 'mesos', ok: false, message: `this replica leads but is not subscribed to the Mesos master (${empty})` });
  const [master] = await contenders('/nowhere', 1);
  expect((await events.take(isSubscribed, 'SUBSCRIBED')).master).toBe(master!.url);
});

test('a leader node that holds no MasterInfo is reported, naming the node, until a real master leads', async () => {
  await call((done) => raw.mkdirp('/garbage', done));
  const bogus = await call<string>((done) => raw.create('/garbage/json.info_', Buffer.from('not json'), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, done));
  const [master] = await contenders('/garbage', 1);
  const { client, events } = detecting('/garbage');
  client.start();
  await waitFor(() => client.masterDetection?.problem?.startsWith(`the leading master's node ${bogus} does not hold valid JSON`), 'the problem to be reported');
  expect(client.state).toBe('detecting');
  await call((done) => raw.remove(bogus, done));
  expect((await events.take(isSubscribed, 'SUBSCRIBED once the bogus node is gone')).master).toBe(master!.url);
});

test('digest authentication: zk://user:password@ reads a path only that user may read; a wrong password is reported without showing it', async () => {
  const owner = await rawClient(zk.connectString, 'ops:right-password');
  cleanups.push(() => owner.close());
  await call((done) => owner.create('/secure', [new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('auth', ''))], done));
  const [master] = await contenders('/secure', 1, 'ops:right-password');

  const allowed = detecting('/secure', `ops:right-password@${zk.connectString}`);
  allowed.client.start();
  expect((await allowed.events.take(isSubscribed, 'SUBSCRIBED with the right password')).master).toBe(master!.url);

  const refused = detecting('/secure', `ops:wrong-password@${zk.connectString}`);
  refused.client.start();
  const problem = await waitFor(() => refused.client.masterDetection?.problem?.includes('NO_AUTH') && refused.client.masterDetection.problem, 'the refusal');
  expect(problem).toMatch(/^reading \/secure in ZooKeeper failed: .*NO_AUTH/);
  expect(refused.client.masterDetection?.zookeeper).toBe(`zk://ops:***@${zk.connectString}/secure`);
  expect(JSON.stringify([refused.client.masterDetection, refused.warnings])).not.toContain('wrong-password');
});
