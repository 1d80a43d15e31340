// What the operator caches of a SparkDriver: no last-applied copy of the spec, and one instance
// of each repeated status string (across conditions and across drivers), within a bound.
import { sparkDriverCacheTransform, StringTable } from '../../src/sparkdriver/cache-transform.ts';

const fresh = (text: string): string => JSON.parse(JSON.stringify(text)) as string;

test('the last-applied annotation goes; other annotations and the spec stay', () => {
  const transform = sparkDriverCacheTransform();
  const obj = transform({
    metadata: { name: 'a', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}', keep: 'me' } },
    spec: { appResource: 'x' },
  } as never) as { metadata: { annotations: Record<string, string> }; spec: unknown };
  expect(obj.metadata.annotations).toEqual({ keep: 'me' });
  expect(obj.spec).toEqual({ appResource: 'x' });
});

test('status strings repeated within a driver and across drivers are one instance', () => {
  const table = new StringTable();
  const transform = sparkDriverCacheTransform(table);
  const status = () => ({ message: fresh('Waiting for an offer'), conditions: [{ reason: fresh('WaitingForOffers'), message: fresh('Waiting for an offer') }] });
  const a = transform({ metadata: { name: 'a' }, status: status() } as never) as unknown as { status: ReturnType<typeof status> };
  const b = transform({ metadata: { name: 'b' }, status: status() } as never) as unknown as { status: ReturnType<typeof status> };
  expect(a.status).toEqual(status());
  expect(b.status).toEqual(status());
  // (String identity cannot be observed in JavaScript: the table's size shows what it keeps.)
  expect(table.size).toBe(2);
});

test('long strings are not kept, and the table is bounded', () => {
  const table = new StringTable();
  expect(table.share('x'.repeat(300))).toBe('x'.repeat(300));
  expect(table.size).toBe(0);
  for (let i = 0; i < 25_000; i += 1) table.share(`s${i}`);
  expect(table.size).toBeLessThanOrEqual(20_000);
  expect(table.size).toBeGreaterThan(0);
});
