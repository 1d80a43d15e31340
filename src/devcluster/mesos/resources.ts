// Mesos resource arithmetic for the master emulator: scalars in fixed point (×1000, as Mesos
// does it), ranges as sorted merged intervals, sets as sorted unique items; add, subtract and
// contains over resources of the same kind; parsing of agent resource and attribute strings.
import type { Attribute, Resource } from '../../mesos/types.ts';

export type Interval = readonly [number, number];

/** One normalized resource. Two entries are the same kind when their `key`s are equal. */
export interface ResourceEntry {
  readonly name: string;
  readonly type: 'SCALAR' | 'RANGES' | 'SET';
  /** Reserved role (static reservation); undefined = unreserved (`*`). */
  readonly reservation: string | undefined;
  /** Allocation role, set once resources are offered or used. */
  readonly allocation: string | undefined;
  readonly revocable: boolean;
  /** Identity-bearing extras (disk info, shared) carried through unchanged. */
  readonly extra: Pick<Resource, 'disk' | 'shared'>;
  readonly millis: number;
  readonly ranges: readonly Interval[];
  readonly items: readonly string[];
}

export interface ResourceFormat {
  /** MULTI_ROLE frameworks see `allocation_info`; others do not (MESOS-8237). */
  multiRole: boolean;
  /** RESERVATION_REFINEMENT frameworks see the `reservations` stack; others `role`. */
  refinement: boolean;
}

const toMillis = (value: number): number => Math.round(value * 1000);
const fromMillis = (millis: number): number => millis / 1000;

function keyOf(e: Omit<ResourceEntry, 'millis' | 'ranges' | 'items'>): string {
  // Allocation-heavy code builds many keys: plain concatenation, and JSON only for rare extras.
  const extra = e.extra.disk === undefined && e.extra.shared === undefined ? '' : JSON.stringify(e.extra);
  return `${e.name}\u0000${e.type}\u0000${e.reservation ?? '\u0001'}\u0000${e.allocation ?? '\u0001'}\u0000${e.revocable ? 1 : 0}\u0000${extra}`;
}

/** `e` added into `acc` (same kind: quantities add up). */
function addInto(acc: Map<string, ResourceEntry>, key: string, e: ResourceEntry): void {
  const mine = acc.get(key);
  if (mine === undefined) {
    acc.set(key, e);
  } else if (e.type === 'SCALAR') {
    acc.set(key, { ...mine, millis: mine.millis + e.millis });
  } else {
    acc.set(key, {
      ...mine,
      ranges: mergeIntervals([...mine.ranges, ...e.ranges]),
      items: [...new Set([...mine.items, ...e.items])].sort(),
    });
  }
}

export function mergeIntervals(input: readonly Interval[]): Interval[] {
  const sorted = [...input].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [begin, end] of sorted) {
    const last = out[out.length - 1];
    if (last && begin <= last[1] + 1) last[1] = Math.max(last[1], end);
    else out.push([begin, end]);
  }
  return out;
}

function subtractIntervals(from: readonly Interval[], remove: readonly Interval[]): Interval[] {
  let current: Interval[] = [...from];
  for (const [rb, re] of remove) {
    const next: Interval[] = [];
    for (const [b, e] of current) {
      if (re < b || rb > e) { next.push([b, e]); continue; }
      if (rb > b) next.push([b, rb - 1]);
      if (re < e) next.push([re + 1, e]);
    }
    current = next;
  }
  return current;
}

function intervalsContain(outer: readonly Interval[], inner: readonly Interval[]): boolean {
  return inner.every(([b, e]) => outer.some(([ob, oe]) => ob <= b && e <= oe));
}

/** The reserved role of a resource in either format; undefined for unreserved. */
export function reservationRoleOf(r: Resource): string | undefined {
  const stack = r.reservations ?? [];
  if (stack.length > 0) return stack[stack.length - 1]?.role;
  if (r.role !== undefined && r.role !== '*') return r.role;
  return undefined;
}

/** Normalizes one (already validated) Mesos resource. */
export function toEntry(r: Resource, allocation?: string): ResourceEntry {
  const type = r.type === 'RANGES' || r.type === 'SET' ? r.type : 'SCALAR';
  const extra: Pick<Resource, 'disk' | 'shared'> = {};
  if (r.disk !== undefined) extra.disk = r.disk;
  if (r.shared !== undefined) extra.shared = r.shared;
  return {
    name: r.name,
    type,
    reservation: reservationRoleOf(r),
    allocation: r.allocation_info?.role ?? allocation,
    revocable: r.revocable !== undefined,
    extra,
    millis: type === 'SCALAR' ? toMillis(r.scalar?.value ?? 0) : 0,
    ranges: type === 'RANGES' ? mergeIntervals((r.ranges?.range ?? []).map((x) => [x.begin, x.end] as const)) : [],
    items: type === 'SET' ? [...new Set(r.set?.item ?? [])].sort() : [],
  };
}

function isEmptyEntry(e: ResourceEntry): boolean {
  if (e.type === 'SCALAR') return e.millis <= 0;
  if (e.type === 'RANGES') return e.ranges.length === 0;
  return e.items.length === 0;
}

/** An immutable bag of resources; every operation returns a new bag. */
export class Resources {
  private readonly byKey: ReadonlyMap<string, ResourceEntry>;

  private constructor(byKey: ReadonlyMap<string, ResourceEntry>) {
    this.byKey = byKey;
  }

  static empty(): Resources {
    return new Resources(new Map());
  }

  static of(entries: Iterable<ResourceEntry>): Resources {
    const acc = new Map<string, ResourceEntry>();
    for (const e of entries) if (!isEmptyEntry(e)) addInto(acc, keyOf(e), e);
    return new Resources(acc);
  }

  /** Everything in `bags` together. */
  static sum(bags: Iterable<Resources>): Resources {
    const acc = new Map<string, ResourceEntry>();
    for (const bag of bags) for (const [key, e] of bag.byKey) addInto(acc, key, e);
    return new Resources(acc);
  }

  /** From Mesos resources; `allocation` is injected where `allocation_info` is absent. */
  static fromProto(list: readonly Resource[], allocation?: string): Resources {
    return Resources.of(list.map((r) => toEntry(r, allocation)));
  }

  get entries(): ResourceEntry[] {
    return [...this.byKey.values()];
  }

  isEmpty(): boolean {
    return this.byKey.size === 0;
  }

  plus(other: Resources): Resources {
    return Resources.sum([this, other]);
  }

  minus(other: Resources): Resources {
    const next = new Map(this.byKey);
    for (const [key, e] of other.byKey) {
      const mine = next.get(key);
      if (!mine) continue;
      const left: ResourceEntry = {
        ...mine,
        millis: mine.millis - e.millis,
        ranges: subtractIntervals(mine.ranges, e.ranges),
        items: mine.items.filter((i) => !e.items.includes(i)),
      };
      if (isEmptyEntry(left)) next.delete(key);
      else next.set(key, left);
    }
    return new Resources(next);
  }

  contains(other: Resources): boolean {
    for (const [key, e] of other.byKey) {
      const mine = this.byKey.get(key);
      if (!mine) return false;
      if (e.type === 'SCALAR' && mine.millis < e.millis) return false;
      if (e.type === 'RANGES' && !intervalsContain(mine.ranges, e.ranges)) return false;
      if (e.type === 'SET' && !e.items.every((i) => mine.items.includes(i))) return false;
    }
    return true;
  }

  filter(predicate: (e: ResourceEntry) => boolean): Resources {
    return Resources.of(this.entries.filter(predicate));
  }

  /** The same resources allocated to `role` (or unallocated when undefined). */
  allocatedTo(role: string | undefined): Resources {
    return Resources.of(this.entries.map((e) => ({ ...e, allocation: role })));
  }

  /** What a framework role may be offered: unreserved plus reserved for exactly that role. */
  usableBy(role: string): Resources {
    return this.filter((e) => e.reservation === undefined || e.reservation === role);
  }

  /** Total scalar quantity of `name`, all kinds together. */
  scalar(name: string): number {
    let millis = 0;
    for (const e of this.byKey.values()) if (e.name === name && e.type === 'SCALAR') millis += e.millis;
    return fromMillis(millis);
  }

  ranges(name: string): Interval[] {
    return mergeIntervals(this.entries.filter((e) => e.name === name && e.type === 'RANGES').flatMap((e) => e.ranges));
  }

  allocationRoles(): string[] {
    return [...new Set(this.entries.map((e) => e.allocation ?? '*'))];
  }

  toProto(format: ResourceFormat): Resource[] {
    return this.entries.map((e) => entryToProto(e, format));
  }

  /** Mesos-style text, e.g. `cpus(allocated: spark):1; ports(allocated: *):[31000-31000]`. */
  toString(): string {
    return this.entries.map(entryToString).join('; ');
  }

  /** The master's `/state` summary: cpus, mem, disk, gpus always; ports when present. */
  summary(): Record<string, number | string> {
    const out: Record<string, number | string> = {
      cpus: this.scalar('cpus'), mem: this.scalar('mem'), disk: this.scalar('disk'), gpus: this.scalar('gpus'),
    };
    const ports = this.ranges('ports');
    if (ports.length > 0) out.ports = formatRanges(ports);
    return out;
  }

}

export function formatRanges(ranges: readonly Interval[]): string {
  return `[${ranges.map(([b, e]) => `${b}-${e}`).join(', ')}]`;
}

function entryToProto(e: ResourceEntry, format: ResourceFormat): Resource {
  const r: Resource = { name: e.name, type: e.type };
  if (e.type === 'SCALAR') r.scalar = { value: fromMillis(e.millis) };
  if (e.type === 'RANGES') r.ranges = { range: e.ranges.map(([begin, end]) => ({ begin, end })) };
  if (e.type === 'SET') r.set = { item: [...e.items] };
  if (format.refinement) {
    if (e.reservation !== undefined) r.reservations = [{ type: 'STATIC', role: e.reservation }];
  } else {
    r.role = e.reservation ?? '*';
  }
  if (format.multiRole && e.allocation !== undefined) r.allocation_info = { role: e.allocation };
  if (e.revocable) r.revocable = {};
  Object.assign(r, e.extra);
  return r;
}

function entryToString(e: ResourceEntry): string {
  const tags: string[] = [];
  if (e.allocation !== undefined) tags.push(`allocated: ${e.allocation}`);
  if (e.reservation !== undefined) tags.push(`reservations: [(STATIC,${e.reservation})]`);
  const suffix = tags.length > 0 ? `(${tags.join(')(')})` : '';
  let value: string;
  if (e.type === 'SCALAR') value = String(fromMillis(e.millis));
  else if (e.type === 'RANGES') value = formatRanges(e.ranges);
  else value = `{${e.items.join(',')}}`;
  return `${e.name}${suffix}:${value}`;
}

type ParsedValue =
  | { type: 'SCALAR'; value: number }
  | { type: 'RANGES'; ranges: Interval[] }
  | { type: 'SET'; items: string[] }
  | { type: 'TEXT'; text: string };

/** Mesos `values::parse`: `[a-b, c-d]` ranges, `{x,y}` set, a number, else text. */
export function parseValue(raw: string): ParsedValue {
  const text = raw.trim();
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`Invalid ranges value '${raw}'`);
    const body = text.slice(1, -1).trim();
    const ranges: Interval[] = [];
    for (const part of body === '' ? [] : body.split(',')) {
      const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
      if (!match) throw new Error(`Invalid range '${part.trim()}' in '${raw}'`);
      const begin = Number(match[1]);
      const end = Number(match[2]);
      if (begin > end) throw new Error(`Invalid range '${part.trim()}' in '${raw}': begin > end`);
      ranges.push([begin, end]);
    }
    return { type: 'RANGES', ranges: mergeIntervals(ranges) };
  }
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new Error(`Invalid set value '${raw}'`);
    const body = text.slice(1, -1);
    return { type: 'SET', items: body.trim() === '' ? [] : body.split(',').map((s) => s.trim()) };
  }
  if (text !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return { type: 'SCALAR', value: Number(text) };
  return { type: 'TEXT', text };
}

/** Agent resource flags: `cpus:4;mem:4096;ports:[31000-32000];cpus(spark):2`. */
export function parseResources(text: string): Resource[] {
  const out: Resource[] = [];
  for (const item of text.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
    const match = /^([^:()]+?)\s*(?:\(\s*([^)]*?)\s*\))?\s*:(.*)$/.exec(item);
    if (!match) throw new Error(`Invalid resource '${item}': expected name[(role)]:value`);
    const name = (match[1] ?? '').trim();
    const role = match[2] === undefined || match[2] === '' ? '*' : match[2];
    const value = parseValue(match[3] ?? '');
    const resource: Resource = { name, type: value.type };
    if (value.type === 'SCALAR') {
      if (!(value.value >= 0)) throw new Error(`Invalid resource '${item}': negative scalar`);
      resource.scalar = { value: value.value };
    } else if (value.type === 'RANGES') {
      resource.ranges = { range: value.ranges.map(([begin, end]) => ({ begin, end })) };
    } else if (value.type === 'SET') {
      resource.set = { item: value.items };
    } else {
      throw new Error(`Invalid resource '${item}': '${value.text}' is not a scalar, ranges or set`);
    }
    if (role !== '*') resource.reservations = [{ type: 'STATIC', role }];
    out.push(resource);
  }
  return out;
}

/** Agent attribute flags: `rack:r1;level:3;zone:[1-5];tags:{a,b}`. */
export function parseAttributes(text: string): Attribute[] {
  const out: Attribute[] = [];
  for (const item of text.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
    const colon = item.indexOf(':');
    if (colon <= 0) throw new Error(`Invalid attribute '${item}': expected name:value`);
    const name = item.slice(0, colon).trim();
    const value = parseValue(item.slice(colon + 1));
    if (value.type === 'SCALAR') out.push({ name, type: 'SCALAR', scalar: { value: value.value } });
    else if (value.type === 'RANGES') out.push({ name, type: 'RANGES', ranges: { range: value.ranges.map(([begin, end]) => ({ begin, end })) } });
    else if (value.type === 'SET') out.push({ name, type: 'SET', set: { item: value.items } });
    else out.push({ name, type: 'TEXT', text: { value: value.text } });
  }
  return out;
}

/** The master's `/state` rendering of agent attributes. */
export function attributesJson(attributes: readonly Attribute[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const a of attributes) {
    if (a.type === 'SCALAR') out[a.name] = a.scalar?.value ?? 0;
    else if (a.type === 'RANGES') out[a.name] = formatRanges((a.ranges?.range ?? []).map((r) => [r.begin, r.end] as const));
    else if (a.type === 'SET') out[a.name] = `{${(a.set?.item ?? []).join(',')}}`;
    else out[a.name] = a.text?.value ?? '';
  }
  return out;
}
