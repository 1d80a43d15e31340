// The emulator's allocator: decline filters (per framework × role × agent, blocking only subsets
// of what was refused) and one deterministic allocation pass that hands each agent's free
// resources to (framework, role) candidates in a DRF-like order, one offer per triple.
import type { Resources } from './resources.ts';

const MAX_REFUSE_SECONDS = 365 * 24 * 3600;
const DEFAULT_REFUSE_SECONDS = 5;

/** `Filters.refuse_seconds` → filter duration in ms, 0 meaning no filter (§3.2). */
export function refuseDurationMs(refuseSeconds: number | undefined, allocationIntervalMs: number): number {
  let seconds = refuseSeconds ?? DEFAULT_REFUSE_SECONDS;
  if (Number.isNaN(seconds) || seconds < 0) seconds = DEFAULT_REFUSE_SECONDS;
  if (seconds === 0) return 0;
  seconds = Math.min(seconds, MAX_REFUSE_SECONDS);
  // A filter never expires before the next allocation run.
  return Math.max(allocationIntervalMs, seconds * 1000);
}

interface Filter { resources: Resources; expiresAt: number }

export class OfferFilters {
  // frameworkId → role → agentId → filters
  private readonly filters = new Map<string, Map<string, Map<string, Filter[]>>>();

  add(frameworkId: string, role: string, agentId: string, resources: Resources, expiresAt: number): void {
    const byRole = getOrCreate(this.filters, frameworkId, () => new Map<string, Map<string, Filter[]>>());
    const byAgent = getOrCreate(byRole, role, () => new Map<string, Filter[]>());
    getOrCreate(byAgent, agentId, () => []).push({ resources: resources.allocatedTo(undefined), expiresAt });
  }

  /** True when an unexpired filter's refused resources contain all of `resources`. */
  blocks(frameworkId: string, role: string, agentId: string, resources: Resources, now: number): boolean {
    const list = this.filters.get(frameworkId)?.get(role)?.get(agentId);
    if (!list) return false;
    const live = list.filter((f) => f.expiresAt > now);
    this.filters.get(frameworkId)?.get(role)?.set(agentId, live);
    const candidate = resources.allocatedTo(undefined);
    return live.some((f) => f.resources.contains(candidate));
  }

  clearRoles(frameworkId: string, roles: readonly string[]): void {
    const byRole = this.filters.get(frameworkId);
    for (const role of roles) byRole?.delete(role);
  }

  clearFramework(frameworkId: string): void {
    this.filters.delete(frameworkId);
  }

  clearAll(): void {
    this.filters.clear();
  }

  /** Number of unexpired filters, for the admin state view. */
  count(frameworkId: string, now: number): number {
    let n = 0;
    for (const byAgent of this.filters.get(frameworkId)?.values() ?? []) {
      for (const list of byAgent.values()) n += list.filter((f) => f.expiresAt > now).length;
    }
    return n;
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

export interface AllocatableAgent {
  id: string;
  /** total − used − offered, unallocated. */
  available: Resources;
  hasGpus: boolean;
}

export interface AllocationCandidate {
  frameworkId: string;
  /** Subscribed roles that are not suppressed. */
  roles: readonly string[];
  gpuCapable: boolean;
  /** Dominant-share proxy: cpus held (used + offered), for ordering. */
  cpusHeld: number;
}

export interface NewOffer { frameworkId: string; role: string; agentId: string; resources: Resources }

export interface MinAllocatable { cpus: number; mem: number }

/** `--min_allocatable_resources=cpus:0.01|mem:32`: enough of either makes a chunk offerable. */
export function isAllocatable(resources: Resources, min: MinAllocatable): boolean {
  return resources.scalar('cpus') >= min.cpus || resources.scalar('mem') >= min.mem;
}

/** One allocation pass; the caller turns the result into offers. */
export function allocate(
  agents: readonly AllocatableAgent[],
  candidates: readonly AllocationCandidate[],
  filters: OfferFilters,
  now: number,
  min: MinAllocatable,
): NewOffer[] {
  const held = new Map(candidates.map((c) => [c.frameworkId, c.cpusHeld]));
  const offers: NewOffer[] = [];
  for (const agent of agents) {
    let available = agent.available;
    // Fewest cpus held first, then framework id: deterministic and roughly fair.
    const order = [...candidates].sort((a, b) =>
      (held.get(a.frameworkId) ?? 0) - (held.get(b.frameworkId) ?? 0) || a.frameworkId.localeCompare(b.frameworkId));
    for (const candidate of order) {
      if (agent.hasGpus && !candidate.gpuCapable) continue;
      for (const role of candidate.roles) {
        const offerable = available.usableBy(role);
        if (offerable.isEmpty() || !isAllocatable(offerable, min)) continue;
        if (filters.blocks(candidate.frameworkId, role, agent.id, offerable, now)) continue;
        offers.push({ frameworkId: candidate.frameworkId, role, agentId: agent.id, resources: offerable.allocatedTo(role) });
        available = available.minus(offerable);
        held.set(candidate.frameworkId, (held.get(candidate.frameworkId) ?? 0) + offerable.scalar('cpus'));
      }
    }
  }
  return offers;
}
