// Scalar resources of an offer (cpus, mem) and how a driver takes its share of them: walking
// the offer's resources in order across roles and reservations, as Spark's `partitionResources`
// does. Amounts are kept in integer thousandths (Mesos's own fixed-point precision), so repeated
// splitting never drifts and an offer can never be over-committed by rounding.

import type { Offer, Resource } from '../mesos/types.ts';

export const toMilli = (value: number): number => Math.round(value * 1000);
export const fromMilli = (milli: number): number => milli / 1000;

/** One scalar resource of an offer and how much of it is still unclaimed in this pass. */
export interface ScalarPiece {
  readonly resource: Resource;
  remainingMilli: number;
}

/** The cpus and mem of one offer, claimable piece by piece during one scheduling pass. */
export interface OfferPool {
  readonly cpus: ScalarPiece[];
  readonly mem: ScalarPiece[];
  cpusMilli: number;
  memMilli: number;
}

function scalarPieces(resources: readonly Resource[], name: string): ScalarPiece[] {
  const pieces: ScalarPiece[] = [];
  for (const resource of resources) {
    const milli = resource.type === 'SCALAR' && resource.name === name ? toMilli(resource.scalar?.value ?? 0) : 0;
    if (milli > 0) pieces.push({ resource, remainingMilli: milli });
  }
  return pieces;
}

const sumMilli = (pieces: readonly ScalarPiece[]): number => pieces.reduce((sum, p) => sum + p.remainingMilli, 0);

export function offerPool(offer: Offer): OfferPool {
  const resources = offer.resources ?? [];
  const cpus = scalarPieces(resources, 'cpus');
  const mem = scalarPieces(resources, 'mem');
  return { cpus, mem, cpusMilli: sumMilli(cpus), memMilli: sumMilli(mem) };
}

/**
 * Claims `neededMilli` from `pieces` in order, mutating them (the caller owns the pool for the
 * pass). Each claimed part keeps its piece's name, role, reservations and allocation info.
 * The caller has checked that the pieces hold enough.
 */
export function unsafeClaim(pieces: ScalarPiece[], neededMilli: number): Resource[] {
  const claimed: Resource[] = [];
  let needed = neededMilli;
  for (const piece of pieces) {
    if (needed <= 0) break;
    const amount = Math.min(needed, piece.remainingMilli);
    if (amount <= 0) continue;
    piece.remainingMilli -= amount;
    needed -= amount;
    claimed.push({ ...piece.resource, scalar: { value: fromMilli(amount) } });
  }
  return claimed;
}

/** Claims a driver's cpus then mem from one offer's pool (cpus first, as Spark does). */
export function unsafeClaimDriver(pool: OfferPool, cpusMilli: number, memMilli: number): Resource[] {
  const claimed = [...unsafeClaim(pool.cpus, cpusMilli), ...unsafeClaim(pool.mem, memMilli)];
  pool.cpusMilli -= cpusMilli;
  pool.memMilli -= memMilli;
  return claimed;
}

/**
 * Pure form of the split, for callers outside a pass: takes `amount` of the scalar `name` from
 * `resources` and returns what was taken and what is left (used-up resources dropped).
 */
export function takeScalar(resources: readonly Resource[], name: string, amount: number): { taken: Resource[]; remaining: Resource[] } {
  const pieces = resources.map((resource) => ({
    resource,
    remainingMilli: resource.type === 'SCALAR' && resource.name === name ? toMilli(resource.scalar?.value ?? 0) : -1,
  }));
  const claimable = pieces.filter((p) => p.remainingMilli > 0);
  const taken = unsafeClaim(claimable, toMilli(amount));
  const remaining = pieces.flatMap(({ resource, remainingMilli }) => {
    if (remainingMilli < 0) return [resource];
    return remainingMilli === 0 ? [] : [{ ...resource, scalar: { value: fromMilli(remainingMilli) } }];
  });
  return { taken, remaining };
}
