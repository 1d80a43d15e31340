// Lease leader election against the emulator, time driven by a FakeClock: one of two candidates
// leads; a crashed leader is replaced once the lease duration has passed on the follower's clock;
// a cut-off leader steps down after the renew deadline, before anyone else takes over; a released
// lease is taken at once.

import { KubeApiError } from '../../src/kube/api-error.ts';
import { LEASES } from '../../src/kube/kube-client.ts';
import type { KubeClient } from '../../src/kube/kube-client.ts';
import { LeaderElector, microTime } from '../../src/kube/leader-election.ts';
import type { Lease } from '../../src/kube/leader-election.ts';
import { intercepted, startHarness } from './kube-harness.ts';
import type { Harness } from './kube-harness.ts';

let h: Harness;
let electors: LeaderElector[] = [];
let log: string[];

beforeEach(async () => {
  h = await startHarness();
  electors = [];
  log = [];
});

afterEach(async () => {
  for (const e of electors) await e.stop();
  await h.close();
});

const LEASE = { ...LEASES, namespace: 'default', name: 'dispatcher' };

function elector(identity: string, client: KubeClient = h.client): LeaderElector {
  const e = new LeaderElector({
    client, namespace: 'default', name: 'dispatcher', identity, clock: h.clock, random: () => 0,
    onStartedLeading: () => log.push(`${identity} started @${elapsed()}`),
    onStoppedLeading: () => log.push(`${identity} stopped @${elapsed()}`),
    onNewLeader: (who) => log.push(`${identity} sees ${who}`),
  });
  electors.push(e);
  return e;
}

let t0 = 0;
const elapsed = (): number => h.clock.now() - t0;

/** Advances fake time, then waits for the lease requests that the due timers started. */
async function step(ms: number): Promise<void> {
  h.clock.advance(ms);
  await Promise.all(electors.map((e) => e.idle()));
}

async function lease(): Promise<Lease> {
  return h.client.get<Lease>(LEASE);
}

/** A client that fails every call while `cut` is set, as for a partitioned leader. */
function partitionable(): { client: KubeClient; cut: (on: boolean) => void } {
  let cut = false;
  return {
    cut: (on) => { cut = on; },
    client: intercepted(h.client, () => (cut ? Promise.reject(new KubeApiError(0, 'NetworkError', 'partitioned')) : Promise.resolve())),
  };
}

async function twoCandidates(aClient?: KubeClient): Promise<[LeaderElector, LeaderElector]> {
  t0 = h.clock.now();
  const a = elector('a', aClient);
  const b = elector('b');
  a.start();
  await a.idle();
  b.start();
  await b.idle();
  return [a, b];
}

test('MicroTime has exactly six fractional digits', () => {
  expect(microTime(Date.UTC(2026, 0, 1, 12, 0, 0, 250))).toBe('2026-01-01T12:00:00.250000Z');
});

test('of two candidates only one leads; it renews every retry period with a MicroTime record', async () => {
  const [a, b] = await twoCandidates();
  expect([a.isLeader(), b.isLeader(), b.leader()]).toEqual([true, false, 'a']);
  const created = await lease();
  expect(created.spec).toEqual({
    holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0,
    acquireTime: microTime(t0), renewTime: microTime(t0),
  });
  for (let i = 0; i < 10; i += 1) {
    await step(2_000);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
  }
  const renewed = await lease();
  expect(renewed.spec?.renewTime).toBe(microTime(t0 + 20_000));
  expect(renewed.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  expect([renewed.spec?.acquireTime, renewed.spec?.leaseTransitions]).toEqual([microTime(t0), 0]);
  expect(log).toEqual(['a sees a', 'a started @0', 'b sees a']);
});

test('a leader that stops renewing (a crash) is replaced after the lease duration, by the follower\'s clock', async () => {
  const [a, b] = await twoCandidates();
  await step(2_000);
  await step(2_000);
  const lastRenewal = elapsed();
  await a.stop();
  while (!b.isLeader() && elapsed() < 60_000) await step(2_000);
  const takeover = elapsed();
  expect(takeover).toBeGreaterThanOrEqual(lastRenewal + 15_000);
  expect(takeover).toBeLessThanOrEqual(lastRenewal + 15_000 + 2 * 2_000);
  const l = await lease();
  expect([l.spec?.holderIdentity, l.spec?.leaseTransitions, l.spec?.acquireTime]).toEqual(['b', 1, microTime(t0 + takeover)]);
  expect(log.slice(-3)).toEqual([`a stopped @${lastRenewal}`, 'b sees b', `b started @${takeover}`]);
});

test('a leader cut off from the API server steps down after the renew deadline, before the other takes over', async () => {
  const net = partitionable();
  const [a, b] = await twoCandidates(net.client);
  await step(2_000);
  const lastRenewal = elapsed();
  net.cut(true);
  while (!b.isLeader() && elapsed() < 60_000) await step(1_000);
  expect(log).toContain(`a stopped @${lastRenewal + 10_000}`);
  const started = log.find((l) => l.startsWith('b started')) ?? '';
  expect(Number(started.split('@')[1])).toBeGreaterThanOrEqual(lastRenewal + 15_000);
  expect(a.isLeader()).toBe(false);

  // Back on the network, the old leader stays stopped (the operator exits and restarts).
  net.cut(false);
  await step(2_000);
  expect([a.isLeader(), b.isLeader(), (await lease()).spec?.holderIdentity]).toEqual([false, true, 'b']);
});

test('holdsLease: a leader whose renewals fail stops holding it a renew deadline after the last renewal it sent, before a rival can take it, even if its own timers run late', async () => {
  const net = partitionable();
  const [a, b] = await twoCandidates(net.client);
  await step(2_000);
  const renewedAt = h.clock.now();
  expect(a.holdsLease(renewedAt)).toBe(true);
  net.cut(true);
  // The step-down timer has not fired (time is only asked about, not advanced): the fence holds anyway.
  expect(a.holdsLease(renewedAt + 9_999)).toBe(true);
  expect(a.holdsLease(renewedAt + 10_000)).toBe(false);
  expect(a.isLeader()).toBe(true);
  // The rival takes the lease no earlier than a whole lease duration after that renewal.
  while (!b.isLeader() && elapsed() < 60_000) await step(1_000);
  expect(h.clock.now()).toBeGreaterThanOrEqual(renewedAt + 15_000);
  expect(b.holdsLease(h.clock.now())).toBe(true);
  expect(a.holdsLease(h.clock.now())).toBe(false);
});

test('release() hands the lease over at once: holder cleared, duration 1 s', async () => {
  const [a, b] = await twoCandidates();
  await step(2_000);
  await a.release();
  expect(a.isLeader()).toBe(false);
  const released = await lease();
  expect([released.spec?.holderIdentity, released.spec?.leaseDurationSeconds, released.spec?.leaseTransitions]).toEqual(['', 1, 0]);
  await step(2_000);
  expect(b.isLeader()).toBe(true);
  const taken = await lease();
  expect([taken.spec?.holderIdentity, taken.spec?.leaseDurationSeconds, taken.spec?.leaseTransitions]).toEqual(['b', 15, 1]);
  expect(log).toEqual(['a sees a', 'a started @0', 'b sees a', 'a stopped @2000', 'b sees b', 'b started @4000']);
});

test('a leader that finds someone else holding the lease steps down at once', async () => {
  const [a] = await twoCandidates();
  const current = await lease();
  await h.client.replace<Lease>(LEASE, { ...current, spec: { ...current.spec, holderIdentity: 'intruder' } });
  await step(2_000);
  expect(a.isLeader()).toBe(false);
  expect(log).toContain('a stopped @2000');
});

test('durations must be ordered leaseDuration > renewDeadline > retryPeriod', () => {
  expect(() => new LeaderElector({ client: h.client, namespace: 'default', name: 'x', identity: 'a', leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }))
    .toThrow('leaseDuration > renewDeadline > retryPeriod');
});
