// The emulator's scheduler endpoint: the §1.5 status-code table, SUBSCRIBE over JSON and
// protobuf, heartbeats on the injected clock, refused SUBSCRIBEs, failover between two
// subscribers, basic authentication, leadership modes and UPDATE_FRAMEWORK.
import type { FakeClock } from '../fakes/fake-clock.ts';
import { encodeRecord } from '../../src/mesos/recordio.ts';
import { encodeCall } from '../../src/mesos/codec.ts';
import type { EmulatedMesosMaster } from '../../src/devcluster/mesos/index.ts';
import { emulatorPerTest, FRAMEWORK, post, subscribe } from './mesos-harness.ts';

let master: EmulatedMesosMaster;
let clock: FakeClock;
const start = emulatorPerTest((m, c) => {
  master = m;
  clock = c;
});

describe('status codes (§1.5)', () => {
  beforeEach(() => start());

  test('method, content type, body, validation and Accept', async () => {
    const subscribeCall = { type: 'SUBSCRIBE' as const, subscribe: { framework_info: FRAMEWORK } };
    const get = await post(master, undefined, { method: 'GET', contentType: '' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');

    const noType = await post(master, undefined, { contentType: '', body: '{}' });
    expect(noType).toMatchObject({ status: 400, body: "Expecting 'Content-Type' to be present" });

    for (const contentType of ['application/json; charset=utf-8', 'text/plain', 'application/recordio']) {
      const wrong = await post(master, subscribeCall, { contentType });
      expect(wrong).toMatchObject({ status: 415, body: "Expecting 'Content-Type' of application/json or application/x-protobuf" });
    }

    const garbage = await post(master, undefined, { body: '{not json' });
    expect(garbage.status).toBe(400);
    expect(garbage.body).toMatch(/^Failed to parse body into JSON/);
    const badProto = await post(master, undefined, { format: 'protobuf', body: Buffer.from([0x1a, 0x05, 0x01]) });
    expect(badProto.status).toBe(400);
    expect(badProto.body).toMatch(/^Failed to parse body into Call protobuf/);
    const missingUser = await post(master, undefined, { body: JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { name: 'x' } } }) });
    expect(missingUser.status).toBe(400);
    expect(missingUser.body).toMatch(/Missing required fields: subscribe\.framework_info\.user/);

    const noCallType = await post(master, { subscribe: { framework_info: FRAMEWORK } });
    expect(noCallType).toMatchObject({ status: 400, body: "Failed to validate scheduler::Call: Expecting 'type' to be present" });
    const noFrameworkId = await post(master, { type: 'REVIVE' });
    expect(noFrameworkId.body).toBe("Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
    const mismatch = await post(master, { ...subscribeCall, framework_id: { value: 'x' } });
    expect(mismatch.body).toBe("Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'");
    const noAccept = await post(master, { type: 'ACCEPT', framework_id: { value: 'x' } });
    expect(noAccept.body).toBe("Failed to validate scheduler::Call: Expecting 'accept' to be present");

    for (const accept of ['text/html', 'application/recordio']) {
      const reply = await post(master, subscribeCall, { accept });
      expect(reply).toMatchObject({ status: 406, body: "Expecting 'Accept' to allow application/json or application/x-protobuf" });
    }
    const withStreamId = await post(master, subscribeCall, { streamId: 'abc' });
    expect(withStreamId).toMatchObject({ status: 400, body: "Subscribe calls should not include the 'Mesos-Stream-Id' header" });
  });

  test('framework lookup, connection and stream ID checks', async () => {
    const unknown = await post(master, { type: 'REVIVE', framework_id: { value: 'nope' } }, { streamId: 'x' });
    expect(unknown).toMatchObject({ status: 400, body: 'Framework cannot be found' });

    const stream = await subscribe(master, { failover_timeout: 3600 });
    const missing = await post(master, { type: 'REVIVE', framework_id: { value: stream.frameworkId } });
    expect(missing).toMatchObject({ status: 400, body: "All non-subscribe calls should include the 'Mesos-Stream-Id' header" });
    const stale = await post(master, { type: 'REVIVE', framework_id: { value: stream.frameworkId } }, { streamId: 'stale' });
    expect(stale.status).toBe(400);
    expect(stale.body).toBe(`The stream ID 'stale' included in this request didn't match the stream ID currently associated with framework ID ${stream.frameworkId}`);
    expect((await stream.call({ type: 'REVIVE' })).status).toBe(202);
    expect((await stream.call({ type: 'UNKNOWN' })).status).toBe(501);
    const shortUuid = await stream.call({
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: new Uint8Array(15) },
    });
    expect(shortUuid).toMatchObject({ status: 400, body: 'Failed to validate scheduler::Call: Not a valid UUID' });

    await stream.close();
    await waitUntil(async () => (await stream.call({ type: 'REVIVE' })).status === 403);
    expect(await stream.call({ type: 'REVIVE' })).toMatchObject({ status: 403, body: 'Framework is not subscribed' });
  });

  test('Accept negotiation prefers JSON', async () => {
    const cases: [string, string][] = [['*/*', 'application/json'], ['application/*', 'application/json'],
      ['application/x-protobuf', 'application/x-protobuf'], ['application/x-protobuf, application/json;q=0', 'application/x-protobuf']];
    for (const [accept, type] of cases) {
      const stream = await subscribe(master, {}, { accept, format: type === 'application/json' ? 'json' : 'protobuf' });
      expect(stream.headers['content-type']).toBe(type);
      await stream.close();
    }
  });
});

describe('SUBSCRIBE', () => {
  test.each(['json', 'protobuf'] as const)('over %s: stream id, SUBSCRIBED, HEARTBEAT now and every interval', async (format) => {
    await start({ heartbeatIntervalMs: 5000 });
    const stream = await subscribe(master, {}, { format, expectSubscribed: false });
    expect(stream.status).toBe(200);
    expect(stream.streamId).toMatch(/^[0-9a-f-]{36}$/);
    expect(stream.headers['content-type']).toBe(format === 'json' ? 'application/json' : 'application/x-protobuf');
    const subscribed = await stream.next();
    expect(subscribed.type).toBe('SUBSCRIBED');
    expect(subscribed.subscribed?.framework_id.value).toBe(`${master.masterId}-0000`);
    expect(subscribed.subscribed?.heartbeat_interval_seconds).toBe(15);
    expect(subscribed.subscribed?.master_info).toMatchObject({ id: master.masterId, port: master.port, ip: 16777343 });
    expect((await stream.next()).type).toBe('HEARTBEAT');
    stream.frameworkId = subscribed.subscribed?.framework_id.value ?? '';
    const offers = await stream.offers();
    expect(offers).toHaveLength(1);

    clock.advance(4999);
    expect(await stream.drain()).toEqual([]);
    clock.advance(1);
    expect((await stream.next()).type).toBe('HEARTBEAT');
    master.pauseHeartbeats();
    clock.advance(15_000);
    master.resumeHeartbeats();
    clock.advance(5000);
    expect((await stream.next()).type).toBe('HEARTBEAT');
    const second = await subscribe(master, {}, { format });
    expect(second.streamId).not.toBe(stream.streamId);
    await second.close();
    await stream.close();
  });

  test.each([
    ['an invalid role', { role: '-bad' }, undefined, /'FrameworkInfo.role' is not a valid role/],
    ['role with MULTI_ROLE', { role: 'a', capabilities: [{ type: 'MULTI_ROLE' as const }] }, undefined, /must not be present when the MULTI_ROLE/],
    ['roles without MULTI_ROLE', { roles: ['a'] }, undefined, /must not be present when the MULTI_ROLE capability is not set/],
    ['suppressed roles not subscribed', { role: 'a' }, ['b'], /Suppressed role 'b' is not contained/],
    ['an infinite failover timeout', { failover_timeout: Infinity }, undefined, /failover_timeout/],
    ['a role outside the whitelist', { role: 'other' }, undefined, /not present in the master's --roles/],
  ])('refused with an ERROR event then EOF: %s', async (_name, info, suppressedRoles, message) => {
    await start({ roles: ['a'] });
    const stream = await subscribe(master, info, { expectSubscribed: false, ...(suppressedRoles ? { suppressedRoles } : {}) });
    expect(stream.status).toBe(200);
    const events = await stream.eof();
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('ERROR');
    expect(events[0]?.error?.message).toMatch(message);
  });

  test('a second subscriber with the same ID fails the first over', async () => {
    await start();
    const first = await subscribe(master, { failover_timeout: 60 });
    await first.offers();
    const second = await subscribe(master, { failover_timeout: 60 }, { frameworkId: first.frameworkId });
    expect(second.frameworkId).toBe(first.frameworkId);
    const tail = await first.eof();
    expect(tail.at(-1)).toEqual({ type: 'ERROR', error: { message: 'Framework failed over' } });
    expect((await first.call({ type: 'REVIVE' })).status).toBe(400);
    expect((await second.call({ type: 'REVIVE' })).status).toBe(202);
    // The old offer was discarded silently; the new stream gets the agent offered again.
    expect(await second.offers()).toHaveLength(1);
    await second.close();
  });

  test('malformed frames can be injected on a stream', async () => {
    await start();
    const stream = await subscribe(master);
    expect(master.sendRawFrame(stream.frameworkId, encodeRecord(Buffer.from('{"type":"HEARTBEAT"}')))).toBe(true);
    expect(master.sendRawFrame(stream.frameworkId, Buffer.from('xx\n'))).toBe(true);
    await expect(stream.eof()).resolves.toBeDefined();
  });
});

describe('authentication and leadership', () => {
  test('basic auth: 401 without or with bad credentials, principal filled in, mismatch 400', async () => {
    await start({ credentials: [{ principal: 'spark', secret: 's3cret' }] });
    const call = { type: 'SUBSCRIBE' as const, subscribe: { framework_info: FRAMEWORK } };
    const none = await post(master, call);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic realm="mesos-master-scheduler"');
    const bad = await post(master, call, { headers: { authorization: basic('spark', 'nope') } });
    expect(bad.status).toBe(401);
    const other = await post(master, { type: 'SUBSCRIBE', subscribe: { framework_info: { ...FRAMEWORK, principal: 'other' } } },
      { headers: { authorization: basic('spark', 's3cret') } });
    expect(other.status).toBe(400);
    expect(other.body).toMatch(/Authenticated principal 'spark' does not match principal 'other'/);
    const stream = await subscribe(master, {}, { headers: { authorization: basic('spark', 's3cret') } });
    const state = master.state() as { frameworks: { principal?: string }[] };
    expect(state.frameworks[0]?.principal).toBe('spark');
    expect((await stream.call({ type: 'REVIVE' }, { headers: { authorization: basic('spark', 's3cret') } })).status).toBe(202);
    await stream.close();
  });

  test('307 to the leader, 503 without leader or while recovering', async () => {
    await start();
    const call = { type: 'SUBSCRIBE' as const, subscribe: { framework_info: FRAMEWORK } };
    master.setLeadership({ mode: 'redirect', leader: 'http://10.1.2.3:5050' });
    const redirect = await post(master, call);
    expect(redirect.status).toBe(307);
    expect(redirect.headers.location).toBe('//10.1.2.3:5050/master/api/v1/scheduler');
    master.setLeadership({ mode: 'none' });
    expect(await post(master, call)).toMatchObject({ status: 503, body: 'No leader elected' });
    master.setLeadership({ mode: 'recovering' });
    expect(await post(master, call)).toMatchObject({ status: 503, body: 'Master has not finished recovery' });
    master.setLeadership({ mode: 'leader' });
    const res = await post(master, undefined, { format: 'protobuf', body: encodeCall({ type: 'REVIVE', framework_id: { value: 'x' } }, 'protobuf'), streamId: 'x' });
    expect(res.status).toBe(400);
  });
});

describe('UPDATE_FRAMEWORK', () => {
  test('200 when valid; 400 on user change; removed roles lose their offers', async () => {
    await start();
    const info = { roles: ['a', 'b'], capabilities: [{ type: 'MULTI_ROLE' as const }], failover_timeout: 60 };
    const stream = await subscribe(master, info);
    const [offer] = await stream.offers();
    expect(offer?.allocation_info?.role).toBe('a');
    const frameworkInfo = { ...FRAMEWORK, ...info, id: { value: stream.frameworkId } };
    const changedUser = await stream.call({ type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: { ...frameworkInfo, user: 'root' } } });
    expect(changedUser.status).toBe(400);
    const ok = await stream.call({ type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: { ...frameworkInfo, roles: ['b'] } } });
    expect(ok.status).toBe(200);
    const rescind = await stream.nextEvent();
    expect(rescind).toEqual({ type: 'RESCIND', rescind: { offer_id: offer?.id } });
    master.allocate();
    const [again] = await stream.offers();
    expect(again?.allocation_info?.role).toBe('b');
    await stream.close();
  });
});

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Polls a condition driven by real I/O (a socket close reaching the server). */
async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
