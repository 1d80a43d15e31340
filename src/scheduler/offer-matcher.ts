// One offer batch against an ordered list of driver requests: Spark's greedy first fit (each
// driver takes the first offer, in delivery order, with enough cpus and mem whose agent meets
// its constraints), several drivers per offer, never over-committing one. Constraints are
// evaluated once per distinct constraint string and offer, and fits are found through indexes,
// so a pass costs about O((drivers + offers × constraint groups) · log offers). Pure.

import { matchConstraints, type Constraint } from './constraints.ts';
import { createFitIndex, findFirstFit, unsafeShrink, type FitIndex } from './fit-index.ts';
import type { ClaimedResource, Offer } from './offers.ts';
import { offerPool, unsafeClaimDriver } from './resources.ts';

export interface MatchRequest {
  readonly cpusMilli: number;
  readonly memMilli: number;
  /** Requests with the same key share constraint evaluation; '' means no constraints, and only that. */
  readonly constraintKey: string;
  readonly constraints: readonly Constraint[];
}

export interface Placement {
  /** Index into the requests. */
  readonly request: number;
  readonly offerIndex: number;
  /** The cpus pieces, then the mem pieces, claimed from the offer. */
  readonly resources: ClaimedResource[];
}

export interface MatchResult {
  /** In request order. */
  readonly placements: Placement[];
  /** Requests (by index) whose constraints cannot be evaluated against an agent (e.g. text vs scalar). */
  readonly constraintErrors: { readonly request: number; readonly error: string }[];
  /** Offers nothing was placed on, in delivery order. */
  readonly unusedOfferIndexes: number[];
}

interface ConstraintGroup {
  readonly index: FitIndex | undefined;
  readonly error: string | undefined;
}

/**
 * Places `requests` (in priority order, one per driver) on `offers`; see the file comment for
 * the rules. Each placement claims its resources, so later requests see only what is left.
 */
export function matchOffers(requests: readonly MatchRequest[], offers: readonly Offer[]): MatchResult {
  const pools = offers.map(offerPool);
  const cpusOf = (i: number): number => pools[i]?.cpusMilli ?? -1;
  const memOf = (i: number): number => pools[i]?.memMilli ?? -1;
  // Each offer's positions in every index built so far, to keep them all current.
  const memberships: { index: FitIndex; position: number }[][] = offers.map(() => []);
  const register = (index: FitIndex): FitIndex => {
    index.offerIndexes.forEach((offer, position) => memberships[offer]?.push({ index, position }));
    return index;
  };
  const unconstrained = register(createFitIndex(offers.map((_, i) => i), cpusOf, memOf));
  const noConstraints: ConstraintGroup = { index: unconstrained, error: undefined };
  const groups = new Map<string, ConstraintGroup>();
  const groupFor = (request: MatchRequest): ConstraintGroup => {
    let group = groups.get(request.constraintKey);
    if (group === undefined) {
      group = buildGroup(request.constraints, offers, (ix) => register(createFitIndex(ix, cpusOf, memOf)));
      groups.set(request.constraintKey, group);
    }
    return group;
  };

  const placements: Placement[] = [];
  const constraintErrors: { request: number; error: string }[] = [];
  const used = new Array<boolean>(offers.length).fill(false);
  for (let r = 0; r < requests.length; r++) {
    const request = requests[r];
    if (request === undefined) continue;
    // The key, not the list: one memory read less per request in a pass over thousands.
    const group = request.constraintKey === '' ? noConstraints : groupFor(request);
    if (group.error !== undefined) {
      constraintErrors.push({ request: r, error: group.error });
      continue;
    }
    const index = group.index ?? unconstrained;
    const offerIndex = index.offerIndexes[findFirstFit(index, request.cpusMilli, request.memMilli)];
    const pool = offerIndex === undefined ? undefined : pools[offerIndex];
    if (offerIndex === undefined || pool === undefined) continue;
    const resources = unsafeClaimDriver(pool, request.cpusMilli, request.memMilli);
    for (const member of memberships[offerIndex] ?? []) unsafeShrink(member.index, member.position, pool.cpusMilli, pool.memMilli);
    placements.push({ request: r, offerIndex, resources });
    used[offerIndex] = true;
  }
  const unusedOfferIndexes = used.flatMap((isUsed, i) => (isUsed ? [] : [i]));
  return { placements, constraintErrors, unusedOfferIndexes };
}

/** Evaluates one constraint list against every offer and indexes the offers that satisfy it. */
function buildGroup(
  constraints: readonly Constraint[], offers: readonly Offer[], makeIndex: (offerIndexes: number[]) => FitIndex,
): ConstraintGroup {
  const matching: number[] = [];
  for (let i = 0; i < offers.length; i++) {
    const offer = offers[i];
    if (offer === undefined) continue;
    const verdict = matchConstraints(constraints, offer.attributes, offer.hostname);
    if (typeof verdict === 'object') return { index: undefined, error: verdict.error };
    if (verdict === 'match') matching.push(i);
  }
  return { index: makeIndex(matching), error: undefined };
}

