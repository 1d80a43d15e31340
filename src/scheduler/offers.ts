// A resource offer in the core's own words: the agent, the cpus and mem it can place drivers on
// (resource by resource, as the offer lists them), and the agent's attributes for constraints.
// The backend's translation builds these once per offer, outside the scheduling pass; a claim
// names the offered resource it came from, so the translation can turn it back into the
// backend's resource (with its role, reservations and allocation).

export interface Offer {
  readonly id: string;
  readonly agentId: string;
  /** The agent's host name, as constraint errors name the agent. */
  readonly hostname: string;
  /** The framework the offer was made to: ours. */
  readonly frameworkId: string;
  /** Its scalar cpus and mem, in the order the offer lists them (each of one role or reservation). */
  readonly cpus: readonly OfferedResource[];
  readonly mem: readonly OfferedResource[];
  /** The agent's attributes by name (the last one wins when a name repeats, as in Spark). */
  readonly attributes: ReadonlyMap<string, AttributeValue>;
}

/** One scalar resource of an offer. Amounts in integer thousandths, Mesos's own fixed point. */
export interface OfferedResource {
  /** Its position among the offer's resources, as the translation numbered them. */
  readonly index: number;
  /** The role it is offered to (`*` when unreserved). */
  readonly role: string;
  readonly amountMilli: number;
}

/** What a driver takes of one offered resource. */
export interface ClaimedResource {
  readonly name: 'cpus' | 'mem';
  /** The offered resource it is part of. */
  readonly index: number;
  readonly role: string;
  readonly amountMilli: number;
}

/** An agent attribute's value, by type (Mesos: SCALAR, RANGES, SET, TEXT). */
export type AttributeValue =
  | { readonly type: 'scalar'; readonly value: number }
  | { readonly type: 'ranges'; readonly ranges: readonly { readonly begin: number; readonly end: number }[] }
  | { readonly type: 'set'; readonly items: readonly string[] }
  | { readonly type: 'text'; readonly value: string };
