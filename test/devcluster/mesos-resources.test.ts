// Pure pieces of the emulator: resource arithmetic and parsing, decline filter durations and
// coverage, role and ID validation, Accept negotiation.
import { isAllocatable, OfferFilters, refuseDurationMs } from '../../src/devcluster/mesos/allocator.ts';
import { negotiate } from '../../src/devcluster/mesos/http.ts';
import { parseAttributes, parseResources, Resources } from '../../src/devcluster/mesos/resources.ts';
import { idError, resourceError, roleError } from '../../src/devcluster/mesos/validation.ts';

const r = (text: string): Resources => Resources.fromProto(parseResources(text));

describe('resources', () => {
  test('parses agent resource flags with roles, ranges and sets', () => {
    expect(parseResources('cpus:4;mem:4096;ports:[31000-32000, 40000-40010];cpus(spark):2;disks:{a,b}')).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 4 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 4096 } },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }, { begin: 40000, end: 40010 }] } },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, reservations: [{ type: 'STATIC', role: 'spark' }] },
      { name: 'disks', type: 'SET', set: { item: ['a', 'b'] } },
    ]);
    expect(() => parseResources('cpus')).toThrow(/expected name/);
    expect(() => parseResources('ports:[5-1]')).toThrow(/begin > end/);
    expect(() => parseResources('os:linux')).toThrow(/not a scalar/);
  });

  test('parses attributes as text, scalar, ranges and sets', () => {
    expect(parseAttributes('rack:r1;level:3.5;zone:[1-5];tags:{a,b}')).toEqual([
      { name: 'rack', type: 'TEXT', text: { value: 'r1' } },
      { name: 'level', type: 'SCALAR', scalar: { value: 3.5 } },
      { name: 'zone', type: 'RANGES', ranges: { range: [{ begin: 1, end: 5 }] } },
      { name: 'tags', type: 'SET', set: { item: ['a', 'b'] } },
    ]);
  });

  test('scalars are fixed point: 0.1 + 0.2 is exactly 0.3, and subtracting to zero removes the resource', () => {
    const sum = r('cpus:0.1').plus(r('cpus:0.2'));
    expect(sum.scalar('cpus')).toBe(0.3);
    expect(sum.contains(r('cpus:0.3'))).toBe(true);
    expect(sum.minus(r('cpus:0.3')).isEmpty()).toBe(true);
  });

  test('ranges merge, split on subtraction, and contain only sub-intervals', () => {
    const ports = r('ports:[1-10]').plus(r('ports:[11-20]'));
    expect(ports.ranges('ports')).toEqual([[1, 20]]);
    const left = ports.minus(r('ports:[5-6]'));
    expect(left.ranges('ports')).toEqual([[1, 4], [7, 20]]);
    expect(left.contains(r('ports:[7-9]'))).toBe(true);
    expect(left.contains(r('ports:[4-7]'))).toBe(false);
    expect(left.summary()).toEqual({ cpus: 0, mem: 0, disk: 0, gpus: 0, ports: '[1-4, 7-20]' });
  });

  test('sets, reservations and allocation roles are different kinds', () => {
    expect(r('s:{a,b,c}').minus(r('s:{b}')).contains(r('s:{a,c}'))).toBe(true);
    const mixed = r('cpus:2;cpus(spark):1');
    expect(mixed.usableBy('spark').scalar('cpus')).toBe(3);
    expect(mixed.usableBy('other').scalar('cpus')).toBe(2);
    expect(mixed.allocatedTo('spark').contains(mixed)).toBe(false);
    expect(mixed.allocatedTo('spark').allocatedTo(undefined).contains(mixed)).toBe(true);
    expect(r('cpus:1').allocatedTo('*').toString()).toBe('cpus(allocated: *):1');
  });

  test('resource validation', () => {
    expect(resourceError({ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } })).toBeUndefined();
    expect(resourceError({ name: 'disk', type: 'SCALAR', scalar: { value: 0 } })).toMatch(/must be positive/);
    expect(resourceError({ name: 'cpus', type: 'SCALAR', ranges: { range: [] } })).toMatch(/Invalid scalar/);
    expect(resourceError({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 5, end: 1 }] } })).toMatch(/inverted/);
    expect(resourceError({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 5 }, { begin: 5, end: 6 }] } })).toMatch(/overlapping/);
    expect(resourceError({ name: 's', type: 'SET', set: { item: ['a', 'a'] } })).toMatch(/duplicate/);
    expect(resourceError({ name: 't', type: 'TEXT' })).toMatch(/Unsupported/);
    expect(resourceError({ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: 'a', reservations: [{ role: 'a' }] })).toMatch(/both/);
  });
});

describe('filters', () => {
  test('refuse_seconds: default 5, negative → 5, 0 → none, capped at 365 days, at least one allocation interval', () => {
    expect(refuseDurationMs(undefined, 1000)).toBe(5000);
    expect(refuseDurationMs(-1, 1000)).toBe(5000);
    expect(refuseDurationMs(0, 1000)).toBe(0);
    expect(refuseDurationMs(1e12, 1000)).toBe(365 * 24 * 3600 * 1000);
    expect(refuseDurationMs(0.5, 1000)).toBe(1000);
  });

  test('a filter blocks subsets of the refused resources only, until it expires', () => {
    const filters = new OfferFilters();
    filters.add('f', '*', 'a', r('cpus:2;mem:100'), 1000);
    expect(filters.blocks('f', '*', 'a', r('cpus:1;mem:100').allocatedTo('*'), 0)).toBe(true);
    expect(filters.blocks('f', '*', 'a', r('cpus:3;mem:100'), 0)).toBe(false);
    expect(filters.blocks('f', 'other', 'a', r('cpus:1'), 0)).toBe(false);
    expect(filters.blocks('f', '*', 'b', r('cpus:1'), 0)).toBe(false);
    expect(filters.blocks('f', '*', 'a', r('cpus:1'), 1000)).toBe(false);
  });

  test('min allocatable: cpus 0.01 or mem 32', () => {
    const min = { cpus: 0.01, mem: 32 };
    expect(isAllocatable(r('cpus:0.01'), min)).toBe(true);
    expect(isAllocatable(r('mem:32'), min)).toBe(true);
    expect(isAllocatable(r('cpus:0.009;mem:31;ports:[1-2]'), min)).toBe(false);
  });
});

describe('names', () => {
  test.each(['*', 'spark', 'eng/frontend', 'a.b', 'a-b'])('valid role %s', (role) => {
    expect(roleError(role)).toBeUndefined();
  });
  test.each(['', '/a', 'a/', 'a//b', '.', 'a/..', '-a', 'a b', 'a/*'])('invalid role %j', (role) => {
    expect(roleError(role)).toBeDefined();
  });
  test.each(['', '.', '..', 'a/b', 'a\\b', 'a\nb', 'x'.repeat(256)])('invalid ID %j', (id) => {
    expect(idError(id)).toBeDefined();
  });

  test('Accept negotiation, JSON first', () => {
    expect(negotiate(undefined)).toBe('json');
    expect(negotiate('*/*')).toBe('json');
    expect(negotiate('application/x-protobuf')).toBe('protobuf');
    expect(negotiate('application/x-protobuf;q=0.5, application/json')).toBe('json');
    expect(negotiate('application/json;q=0, application/*')).toBe('protobuf');
    expect(negotiate('application/recordio')).toBeUndefined();
  });
});
