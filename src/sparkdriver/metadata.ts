// The metadata of a stored SparkDriver: the fields this project reads or writes. It is read on
// every watch event, three or more per driver, so a plain check runs first; the schema runs
// only when that check fails, to say what is wrong. Both accept the same objects (tested
// against each other on generated input).
import { z } from 'zod';

/** The metadata fields this project reads or writes. */
export interface SparkDriverMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  /** RFC 3339; the submission time. */
  readonly creationTimestamp: string;
  readonly generation?: number;
  readonly resourceVersion?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly finalizers?: readonly string[];
  readonly deletionTimestamp?: string;
}

const isTime = (t: string): boolean => !Number.isNaN(Date.parse(t));

export const metadataSchema = z.object({
  name: z.string().min(1),
  namespace: z.string().min(1),
  uid: z.string().min(1),
  creationTimestamp: z.string().refine(isTime, 'not an RFC 3339 time'),
  generation: z.int().optional(),
  resourceVersion: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
  deletionTimestamp: z.string().optional(),
});

const FIELDS = Object.keys(metadataSchema.shape) as (keyof SparkDriverMetadata)[];

export type MetadataReading = { ok: true; metadata: SparkDriverMetadata } | { ok: false; error: z.ZodError };

/**
 * The metadata's fields that are set, taken from `raw` itself (the object when it has no other
 * fields): a parsed view of a cached object holds the cache's own values, not copies.
 */
export function readMetadata(raw: unknown): MetadataReading {
  if (!plainlyValid(raw)) {
    const parsed = metadataSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, error: parsed.error };
  }
  const source = raw as Record<string, unknown>;
  const read: Record<string, unknown> = {};
  let kept = 0;
  for (const field of FIELDS) {
    const value = source[field];
    if (value === undefined) continue;
    read[field] = value;
    kept++;
  }
  return { ok: true, metadata: (kept === Object.keys(source).length ? source : read) as unknown as SparkDriverMetadata };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isName = (v: unknown): boolean => typeof v === 'string' && v.length > 0;

function isStringRecord(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in v) if (Object.hasOwn(v, key) && typeof (v as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}

const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);

/** What the schema checks, without building its result or its issues. */
function plainlyValid(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const m = raw as Record<string, unknown>;
  return isName(m.name) && isName(m.namespace) && isName(m.uid)
    && isString(m.creationTimestamp) && isTime(m.creationTimestamp)
    && optional(m.generation, Number.isSafeInteger) && optional(m.resourceVersion, isString) && optional(m.deletionTimestamp, isString)
    && optional(m.labels, isStringRecord) && optional(m.annotations, isStringRecord)
    && optional(m.finalizers, (f) => Array.isArray(f) && f.every(isString));
}
