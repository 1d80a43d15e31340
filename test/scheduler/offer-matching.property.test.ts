import fc from 'fast-check';
import { attributesOf, offerOf, resourceOf } from '../../src/mesos/translation.ts';
import type { Attribute, Offer, Resource } from '../../src/mesos/types.ts';
import { matchConstraints, parseConstraints } from '../../src/scheduler/constraints.ts';
import type { Effect } from '../../src/scheduler/effects.ts';
import { matchOffers, type MatchRequest } from '../../src/scheduler/offer-matcher.ts';
import { toMilli } from '../../src/scheduler/resources.ts';
import { createScheduler, driverView, step } from '../../src/scheduler/scheduler.ts';
import { makeConfig, makeSpec, offersReceived } from './fixtures.ts';

// Small vocabularies so that fits, misfits, shared offers and constraint groups all happen often.
const CONSTRAINTS = ['', '', '', 'zone:a', 'zone:a,b', 'rack:', 'rack:r1', 'gpus:1', 'ports:7500', 'ports:9100', 'zone:b;gpus:0', 'gpus:many'];
const ROLES = ['*', '*', 'spark'];

const attributesArb: fc.Arbitrary<Attribute[]> = fc.record({
  zone: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
  rack: fc.option(fc.subarray(['r1', 'r2']), { nil: undefined }),
  gpus: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  ports: fc.boolean(),
}).map(({ zone, rack, gpus, ports }) => [
  ...(zone !== undefined ? [{ name: 'zone', type: 'TEXT' as const, text: { value: zone } }] : []),
  ...(rack !== undefined ? [{ name: 'rack', type: 'SET' as const, set: { item: rack } }] : []),
  ...(gpus !== undefined ? [{ name: 'gpus', type: 'SCALAR' as const, scalar: { value: gpus } }] : []),
  ...(ports ? [{ name: 'ports', type: 'RANGES' as const, ranges: { range: [{ begin: 7000, end: 8000 }, { begin: 9000, end: 9200 }] } }] : []),
]);

const pieceArb = (name: string, max: number): fc.Arbitrary<Resource> =>
  fc.record({ tenths: fc.integer({ min: 0, max: max * 10 }), role: fc.constantFrom(...ROLES) }).map(({ tenths, role }) => ({
    name, type: 'SCALAR', scalar: { value: tenths / 10 }, role,
    ...(role !== '*' && { reservation: { type: 'STATIC' as const, role } }),
  }));

const offersArb: fc.Arbitrary<Offer[]> = fc.array(fc.record({
  cpus: fc.array(pieceArb('cpus', 4), { minLength: 1, maxLength: 3 }),
  mem: fc.array(pieceArb('mem', 4000), { minLength: 1, maxLength: 3 }),
  attributes: attributesArb,
}), { maxLength: 8 }).map((offers) => offers.map(({ cpus, mem, attributes }, i) => ({
  id: { value: `o${i}` }, framework_id: { value: 'fw' }, agent_id: { value: `agent-${i}` }, hostname: `host-${i}`,
  resources: [...cpus, ...mem], attributes,
})));

// Mostly a few common sizes (so drivers of equal size compete, as in real queues), sometimes any.
const driverArb = fc.record({
  cpusTenths: fc.oneof({ arbitrary: fc.constantFrom(5, 10, 20, 40), weight: 4 }, { arbitrary: fc.integer({ min: 1, max: 40 }), weight: 1 }),
  memMiB: fc.oneof({ arbitrary: fc.constantFrom(500, 1000, 2000, 4000), weight: 4 }, { arbitrary: fc.integer({ min: 1, max: 6000 }), weight: 1 }),
  constraint: fc.constantFrom(...CONSTRAINTS),
  supervise: fc.boolean(),
});

function requestOf(driver: { cpusTenths: number; memMiB: number; constraint: string }): MatchRequest {
  const parsed = parseConstraints(driver.constraint);
  if (!parsed.ok) throw new Error(parsed.error);
  return { cpusMilli: driver.cpusTenths * 100, memMilli: toMilli(driver.memMiB), constraintKey: driver.constraint, constraints: parsed.constraints };
}

const total = (offer: Offer, name: string) =>
  (offer.resources ?? []).filter((r) => r.name === name).reduce((sum, r) => sum + toMilli(r.scalar?.value ?? 0), 0);
const verdictOn = (request: MatchRequest, offer: Offer) => matchConstraints(request.constraints, attributesOf(offer.attributes), offer.hostname);

/** Spark's greedy first fit, written as plainly as possible. */
function naiveFirstFit(requests: MatchRequest[], offers: Offer[]) {
  const cpus = offers.map((o) => total(o, 'cpus'));
  const mem = offers.map((o) => total(o, 'mem'));
  const placements: [number, number][] = [];
  const errors: number[] = [];
  requests.forEach((request, r) => {
    if (offers.some((o) => typeof verdictOn(request, o) === 'object')) { errors.push(r); return; }
    const i = offers.findIndex((o, k) => (cpus[k] ?? 0) >= request.cpusMilli && (mem[k] ?? 0) >= request.memMilli && verdictOn(request, o) === 'match');
    if (i < 0) return;
    cpus[i] = (cpus[i] ?? 0) - request.cpusMilli;
    mem[i] = (mem[i] ?? 0) - request.memMilli;
    placements.push([r, i]);
  });
  return { placements, errors };
}

/** Claimed amounts per offer and per resource identity (name, role, reservation). */
function claimedWithin(offer: Offer, claimed: readonly Resource[]): boolean {
  const key = (r: Resource) => JSON.stringify({ ...r, scalar: undefined });
  const left = new Map<string, number>();
  for (const r of offer.resources ?? []) left.set(key(r), (left.get(key(r)) ?? 0) + toMilli(r.scalar?.value ?? 0));
  for (const r of claimed) {
    const remaining = (left.get(key(r)) ?? 0) - toMilli(r.scalar?.value ?? 0);
    if (remaining < 0) return false;
    left.set(key(r), remaining);
  }
  return true;
}

const RUNS = { numRuns: 150 };

describe('matchOffers properties', () => {
  test('places exactly as Spark\'s naive first fit would', () => {
    fc.assert(fc.property(fc.array(driverArb, { maxLength: 30 }), offersArb, (drivers, offers) => {
      const requests = drivers.map(requestOf);
      const result = matchOffers(requests, offers.map(offerOf));
      const expected = naiveFirstFit(requests, offers);
      expect(result.placements.map((p) => [p.request, p.offerIndex])).toEqual(expected.placements);
      expect(result.constraintErrors.map((e) => e.request)).toEqual(expected.errors);
    }), RUNS);
  });

  test('never over-commits an offer, per role and reservation, and claims exactly what was asked', () => {
    fc.assert(fc.property(fc.array(driverArb, { maxLength: 30 }), offersArb, (drivers, offers) => {
      const requests = drivers.map(requestOf);
      const result = matchOffers(requests, offers.map(offerOf));
      offers.forEach((offer, i) => {
        const claims = result.placements.filter((p) => p.offerIndex === i).flatMap((p) => p.resources);
        expect(claimedWithin(offer, claims.map((claim) => resourceOf(claim, offer)))).toBe(true);
      });
      for (const p of result.placements) {
        const claimed = (name: string) => p.resources.filter((r) => r.name === name).reduce((s, r) => s + r.amountMilli, 0);
        expect([claimed('cpus'), claimed('mem')]).toEqual([requests[p.request]?.cpusMilli, requests[p.request]?.memMilli]);
      }
    }), RUNS);
  });
});

describe('scheduling pass properties (through step)', () => {
  const answered = (effects: Effect[]) => ({
    launches: effects.flatMap((e) => (e.type === 'LaunchTasks' ? [e] : [])),
    declined: effects.flatMap((e) => (e.type === 'DeclineOffers' ? [...e.offerIds] : [])),
  });

  test('no offer over-committed, no driver launched twice, no eligible driver left while an offer it fits is declined', () => {
    fc.assert(fc.property(fc.array(driverArb, { maxLength: 25 }), offersArb, fc.array(offersArb, { maxLength: 2 }), (drivers, offers, laterBatches) => {
      const state = createScheduler(makeConfig());
      step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
      drivers.forEach((d, i) => step(state, {
        type: 'DriverSubmitted',
        spec: makeSpec(`d${i}`, {
          supervise: d.supervise, submittedAtMs: i % 3,
          props: { 'spark.driver.cores': String(d.cpusTenths / 10), 'spark.driver.memory': `${d.memMiB}m`, 'spark.mesos.driver.constraints': d.constraint },
        }),
      }, 1));
      const launchedSoFar = new Set<string>();
      for (const [pass, batch] of [offers, ...laterBatches].entries()) {
        const batchOffers = batch.map((o) => ({ ...o, id: { value: `${o.id.value}-p${pass}` } }));
        const { launches, declined } = answered(step(state, offersReceived(batchOffers), 10 + pass));
        // Every offer answered exactly once.
        expect([...launches.map((l) => l.offerId), ...declined].sort()).toEqual(batchOffers.map((o) => o.id.value).sort());
        for (const launch of launches) {
          const offer = batchOffers.find((o) => o.id.value === launch.offerId);
          expect(offer).toBeDefined();
          if (offer !== undefined) expect(claimedWithin(offer, launch.tasks.flatMap((t) => t.resources.map((claim) => resourceOf(claim, offer))))).toBe(true);
          for (const task of launch.tasks) {
            const driver = drivers[Number(task.taskId.replace(/^d(\d+).*$/, '$1'))];
            const sum = (name: string) => task.resources.filter((r) => r.name === name).reduce((s, r) => s + r.amountMilli, 0);
            expect([sum('cpus'), sum('mem')]).toEqual([(driver?.cpusTenths ?? 0) * 100, toMilli(driver?.memMiB ?? 0)]);
            expect(launchedSoFar.has(task.taskId)).toBe(false);
            launchedSoFar.add(task.taskId);
          }
        }
        drivers.forEach((d, i) => {
          if (driverView(state, `d${i}`)?.status.phase !== 'queued') return;
          const request = requestOf(d);
          for (const offer of batchOffers.filter((o) => declined.includes(o.id.value))) {
            const fits = total(offer, 'cpus') >= request.cpusMilli && total(offer, 'mem') >= toMilli(d.memMiB) && verdictOn(request, offer) === 'match';
            expect(fits).toBe(false);
          }
        });
      }
    }), { numRuns: 100 });
  });
});
