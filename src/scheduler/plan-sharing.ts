// Drivers are mostly submitted in runs from one template: their plans differ in the command line,
// name and identity labels, and agree in the rest. A queued driver keeps its plan (so accepting
// an offer does not plan thousands of tasks again); sharing the parts equal to the previously
// admitted driver's keeps that cheap in memory (about 0.5 KB a driver less), and the shared parts
// stay hot in the CPU's caches when a pass launches thousands. Pure.

import type { TaskPlan } from './task-plan.ts';

/** The parts shared when equal: the environment (a map), and parts made of JSON values. */
const SHARED_PARTS = ['environment', 'secretEnvironment', 'uris', 'container', 'sizing', 'constraints', 'pod'] as const;

/** `plan`, with each part equal to `previous`'s replaced by that part of `previous`. */
export function withPartsOf(plan: TaskPlan, previous: TaskPlan | undefined): TaskPlan {
  if (previous === undefined) return plan;
  let shared: Record<string, unknown> | undefined;
  for (const part of SHARED_PARTS) {
    const mine = plan[part];
    const theirs = previous[part];
    if (mine === theirs) continue;
    if (part === 'environment' ? sameEntries(plan.environment, previous.environment) : sameValues(mine, theirs)) (shared ??= { ...plan })[part] = theirs;
  }
  return (shared as TaskPlan | undefined) ?? plan;
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, value] of a) if (b.get(name) !== value) return false;
  return true;
}

/**
 * Structural equality of the other parts: primitives, arrays and plain objects. The core imports
 * nothing from outside itself, so it does not use the runtime's sameJson, which this mirrors.
 */
export function sameValues(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValues(item, b[i]));
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && sameValues(left[key], right[key]));
}
