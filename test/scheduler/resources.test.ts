import { offerOf, resourceOf } from '../../src/mesos/translation.ts';
import type { Resource } from '../../src/mesos/types.ts';
import type { ClaimedResource } from '../../src/scheduler/offers.ts';
import { fromMilli, offerPool, toMilli, unsafeClaim } from '../../src/scheduler/resources.ts';
import { makeOffer, scalar } from './fixtures.ts';

/** Claims `amount` of `name` from an offer of `resources`: what is taken and what is left, as Mesos resources. */
function take(resources: Resource[], name: 'cpus' | 'mem', amount: number): { taken: Resource[]; remaining: Resource[] } {
  const offer = makeOffer('o1', 0, 0, { resources });
  const pool = offerPool(offerOf(offer));
  const claims: ClaimedResource[] = [];
  unsafeClaim(name === 'cpus' ? pool.cpus : pool.mem, name, toMilli(amount), claims);
  const left = new Map([...pool.cpus, ...pool.mem].map((piece) => [piece.resource.index, piece.remainingMilli]));
  const remaining = resources.flatMap((resource, index) => {
    const milli = left.get(index);
    if (milli === undefined) return [resource];
    return milli === 0 ? [] : [{ ...resource, scalar: { value: fromMilli(milli) } }];
  });
  return { taken: claims.map((claim) => resourceOf(claim, offer)), remaining };
}

const reservation = { type: 'DYNAMIC' as const, role: 'spark', principal: 'ops' };

describe('claiming from an offer: role and reservation splitting, in offer order', () => {
  test.each<[string, Resource[], 'cpus' | 'mem', number, Resource[], Resource[]]>([
    ['all from one unreserved resource', [scalar('cpus', 4, '*')], 'cpus', 1.5,
      [scalar('cpus', 1.5, '*')], [scalar('cpus', 2.5, '*')]],
    ['across roles, in listed order (Spark\'s test: cpus 1 of * then 0.5 of role2)',
      [scalar('cpus', 1, '*'), scalar('mem', 1000, '*'), scalar('cpus', 1, 'role2'), scalar('mem', 500, 'role2')], 'cpus', 1.5,
      [scalar('cpus', 1, '*'), scalar('cpus', 0.5, 'role2')],
      [scalar('mem', 1000, '*'), scalar('cpus', 0.5, 'role2'), scalar('mem', 500, 'role2')]],
    ['mem across roles (Spark\'s test: 1000 of * then 200 of role2)',
      [scalar('mem', 1000, '*'), scalar('mem', 500, 'role2')], 'mem', 1200,
      [scalar('mem', 1000, '*'), scalar('mem', 200, 'role2')], [scalar('mem', 300, 'role2')]],
    ['reservation info and allocation info are kept on both parts',
      [scalar('cpus', 2, 'spark', { reservation, allocation_info: { role: 'spark' } })], 'cpus', 0.5,
      [scalar('cpus', 0.5, 'spark', { reservation, allocation_info: { role: 'spark' } })],
      [scalar('cpus', 1.5, 'spark', { reservation, allocation_info: { role: 'spark' } })]],
    ['other resources and other names are left alone',
      [scalar('disk', 100), scalar('cpus', 1, '*'), { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 2 }] } }], 'cpus', 1,
      [scalar('cpus', 1, '*')], [scalar('disk', 100), { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 2 }] } }]],
    ['fixed-point arithmetic: 0.1 + 0.2 taken from 0.3 leaves nothing', [scalar('cpus', 0.1, '*'), scalar('cpus', 0.2, '*')], 'cpus', 0.3,
      [scalar('cpus', 0.1, '*'), scalar('cpus', 0.2, '*')], []],
  ])('%s', (_name, resources, name, amount, taken, remaining) => {
    expect(take(resources, name, amount)).toEqual({ taken, remaining });
  });
});
