// A 3-member ZooKeeper ensemble losing the member the detector is connected to: the quorum
// holds, the detector moves to another member of its connect string, and leader changes are
// still followed. Three JVMs: kept to this one test.
import { MesosSchedulerClient, type SchedulerEvent } from '../../src/mesos/scheduler-client.ts';
import { startMesosMaster, type EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { ZooKeeperEnsemble, zooKeeperInstalled, type ZooKeeperMember } from '../../src/devcluster/zookeeper.ts';
import { EventLog, waitFor } from '../support/wait.ts';

type Subscribed = Extract<SchedulerEvent, { type: 'subscribed' }>;
type Detection = Extract<SchedulerEvent, { type: 'detection' }>;
const isSubscribed = (e: SchedulerEvent): e is Subscribed => e.type === 'subscribed';

let zk: ZooKeeperEnsemble;
const masters: EmulatedMesosMaster[] = [];
let client: MesosSchedulerClient | undefined;

beforeAll(async () => {
  if (!zooKeeperInstalled()) throw new Error('Debian\'s zookeeper package is missing: run `bash scripts/system-deps.sh`');
  zk = await ZooKeeperEnsemble.start({ members: 3, tickTimeMs: 200 });
}, 120_000);

afterAll(async () => {
  await client?.stop();
  await Promise.all(masters.map((m) => m.close()));
  await zk?.close();
});

/** The member holding a client session (its `cons` lists a connection with a session ID). */
async function memberWithSession(members: readonly ZooKeeperMember[]): Promise<ZooKeeperMember | undefined> {
  for (const member of members) if (/sid=0x/.test(await member.command('cons'))) return member;
  return undefined;
}

test('losing the quorum member it is connected to, the detector moves to another and still follows a failover', async () => {
  const [m1, m2, m3] = zk.members as [ZooKeeperMember, ZooKeeperMember, ZooKeeperMember];
  // The masters talk to the third member only, the detector to the other two.
  for (let i = 0; i < 2; i += 1) {
    const master = await startMesosMaster({ agents: 1, zookeeper: { servers: m3.address, path: '/mesos', sessionTimeoutMs: 3000 } });
    masters.push(master);
    await waitFor(() => master.zooKeeperNode, `master ${i} to register`);
  }
  const events = new EventLog<SchedulerEvent>();
  client = new MesosSchedulerClient({
    master: `mesos://zk://${m1.address},${m2.address}/mesos`, frameworkInfo: { user: 'spark', name: 'quorum-test' }, format: 'json',
    random: () => 0.5, zooKeeperSessionTimeoutMs: 3000, onEvent: events.push,
  });
  client.start();
  const first = await events.take(isSubscribed, 'SUBSCRIBED', 30_000);
  expect(first.master).toBe(masters[0]!.url);

  const connectedTo = await waitFor(() => memberWithSession([m1, m2]), 'the detector\'s member');
  await connectedTo.kill();
  await events.take((e): e is Detection => e.type === 'detection' && !e.health.connected, 'the detector to lose its member', 30_000);
  await events.take((e): e is Detection => e.type === 'detection' && e.health.connected, 'the detector to reach another member', 30_000);
  const survivors = zk.members.filter((m) => m !== connectedTo);
  expect(await Promise.all(survivors.map((m) => m.mode()))).toEqual(expect.arrayContaining(['leader', 'follower']));
  expect(await memberWithSession([m1, m2])).toBe(connectedTo === m1 ? m2 : m1);

  await masters[0]!.crash();
  const second = await events.take(isSubscribed, 'SUBSCRIBED to the next leader', 30_000);
  expect(second).toMatchObject({ master: masters[1]!.url, frameworkId: first.frameworkId });
}, 120_000);
