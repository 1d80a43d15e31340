import type { Resource } from '../../src/mesos/types.ts';
import { takeScalar } from '../../src/scheduler/resources.ts';
import { scalar } from './fixtures.ts';

const reservation = { type: 'DYNAMIC' as const, role: 'spark', principal: 'ops' };

describe('takeScalar: role and reservation splitting, in offer order', () => {
  test.each<[string, Resource[], string, number, Resource[], Resource[]]>([
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
    expect(takeScalar(resources, name, amount)).toEqual({ taken, remaining });
  });
});
