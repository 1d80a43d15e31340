// The plain check of readMetadata and the schema accept exactly the same objects, and what is
// read is what the schema reads (its set fields), taken from the object itself.
import fc from 'fast-check';
import { metadataSchema, readMetadata } from '../../src/sparkdriver/metadata.ts';

const odd = fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer(), fc.double(), fc.boolean(), fc.constant([]), fc.constant({}), fc.string());
const name = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constant(''), odd);
const time = fc.oneof(fc.constantFrom('2026-12-07T11:00:00Z', '2026-12-07', 'yesterday', ''), odd);
const stringMap = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
  fc.constant(Object.create(null) as object), fc.constant(new Date(0)), fc.array(fc.string()), odd,
);
const metadata = fc.record({
  name, namespace: name, uid: name, creationTimestamp: time,
  generation: fc.oneof(fc.integer(), fc.constant(2 ** 60), fc.double(), odd),
  resourceVersion: fc.oneof(fc.string(), odd),
  labels: stringMap, annotations: stringMap,
  finalizers: fc.oneof(fc.array(fc.string()), fc.array(fc.oneof(fc.string(), fc.integer())), odd),
  deletionTimestamp: fc.oneof(fc.string(), odd),
  managedFields: fc.oneof(fc.constant([{ manager: 'kubectl' }]), fc.constant(undefined)),
}, { requiredKeys: [] });

test('readMetadata accepts what the schema accepts, and reads the same fields, the object\'s own', () => {
  fc.assert(fc.property(fc.oneof(metadata, odd), (raw) => {
    const read = readMetadata(raw);
    const parsed = metadataSchema.safeParse(raw);
    expect(read.ok).toBe(parsed.success);
    if (!read.ok || !parsed.success) return;
    const expected = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    // toEqual: values read as themselves keep their prototype (fast-check makes null ones), which
    // toStrictEqual would count as a difference; the key sets and identities are checked next.
    expect(read.metadata).toEqual(expected);
    expect(Object.keys(read.metadata).sort()).toStrictEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(read.metadata)) expect(value).toBe((raw as Record<string, unknown>)[key]);
  }), { numRuns: 3000 });
});

test('an object with only the fields read is read as itself; bad input gets the schema\'s problems', () => {
  const own = { name: 'a', namespace: 'n', uid: 'u', creationTimestamp: '2026-12-07T11:00:00Z', generation: 1 };
  expect(readMetadata(own)).toStrictEqual({ ok: true, metadata: own });
  const withOther = { ...own, managedFields: [] };
  const read = readMetadata(withOther);
  expect(read.ok && read.metadata).not.toBe(withOther);
  expect(read.ok && read.metadata).toStrictEqual(own);
  const bad = readMetadata({ ...own, generation: 1.5, labels: { team: 7 } });
  expect(bad.ok ? [] : bad.error.issues.map((i) => i.path.join('.'))).toStrictEqual(['generation', 'labels.team']);
});
