// The cpus and mem of an offer and how a driver takes its share of them: walking the offer's
// resources in order across roles and reservations, as Spark's `partitionResources` does.
// Amounts are kept in integer thousandths (Mesos's own fixed-point precision), so repeated
// splitting never drifts and an offer can never be over-committed by rounding.

import type { ClaimedResource, Offer, OfferedResource } from './offers.ts';

export const toMilli = (value: number): number => Math.round(value * 1000);
export const fromMilli = (milli: number): number => milli / 1000;

/** One offered resource and how much of it is still unclaimed in this pass. */
export interface ScalarPiece {
  readonly resource: OfferedResource;
  remainingMilli: number;
}

/** The cpus and mem of one offer, claimable piece by piece during one scheduling pass. */
export interface OfferPool {
  readonly cpus: ScalarPiece[];
  readonly mem: ScalarPiece[];
  cpusMilli: number;
  memMilli: number;
}

function pieces(resources: readonly OfferedResource[]): { pieces: ScalarPiece[]; totalMilli: number } {
  const result: ScalarPiece[] = [];
  let totalMilli = 0;
  for (const resource of resources) {
    result.push({ resource, remainingMilli: resource.amountMilli });
    totalMilli += resource.amountMilli;
  }
  return { pieces: result, totalMilli };
}

export function offerPool(offer: Offer): OfferPool {
  const cpus = pieces(offer.cpus);
  const mem = pieces(offer.mem);
  return { cpus: cpus.pieces, mem: mem.pieces, cpusMilli: cpus.totalMilli, memMilli: mem.totalMilli };
}

/**
 * Claims `neededMilli` of `name` from `pieces` in order, mutating them (the caller owns the pool
 * for the pass). The caller has checked that the pieces hold enough.
 */
export function unsafeClaim(pieces: ScalarPiece[], name: ClaimedResource['name'], neededMilli: number, into: ClaimedResource[]): void {
  let needed = neededMilli;
  for (const piece of pieces) {
    if (needed <= 0) break;
    const amount = Math.min(needed, piece.remainingMilli);
    if (amount <= 0) continue;
    piece.remainingMilli -= amount;
    needed -= amount;
    into.push({ name, index: piece.resource.index, role: piece.resource.role, amountMilli: amount });
  }
}

/** Claims a driver's cpus then mem from one offer's pool (cpus first, as Spark does). */
export function unsafeClaimDriver(pool: OfferPool, cpusMilli: number, memMilli: number): ClaimedResource[] {
  const claimed: ClaimedResource[] = [];
  unsafeClaim(pool.cpus, 'cpus', cpusMilli, claimed);
  unsafeClaim(pool.mem, 'mem', memMilli, claimed);
  pool.cpusMilli -= cpusMilli;
  pool.memMilli -= memMilli;
  return claimed;
}
