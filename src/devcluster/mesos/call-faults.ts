// Fault injection for the scheduler calls of connected frameworks (everything but SUBSCRIBE):
// scripted faults for the next N calls of some types, and a random rate. Each fault is one of the
// ways a call goes wrong between a scheduler and a real master, so that what the master did is
// exactly what a scheduler cannot know: refused before it was handled, cut before it arrived, cut
// after it was carried out, slow, or never answered at all.
import type { CallType } from '../../mesos/types.ts';
import type { Random } from '../../runtime/clock.ts';

export type CallFaultMode =
  /** Answered with `status` (default 500) and not carried out: an overloaded or failing master. */
  | { kind: 'error'; status?: number; body?: string }
  /** The connection is cut before the master reads the call: nothing happens. */
  | { kind: 'drop' }
  /** The call is carried out, then its connection is cut before the answer is sent. */
  | { kind: 'lost-answer' }
  /** The call reaches the master `ms` later (on its clock), and is then handled as usual. */
  | { kind: 'delay'; ms: number }
  /** The call never reaches the master and is never answered: the scheduler's own timeout ends it. */
  | { kind: 'blackhole' };

export interface CallFault {
  /** The call types it applies to; all but SUBSCRIBE when absent. */
  types?: readonly CallType[];
  mode: CallFaultMode;
  /** How many matching calls it hits (default 1). */
  times?: number;
}

export interface CallFaultHooks {
  /** The next `times` calls of the given types meet `mode`. */
  failNextCalls(fault: CallFault): void;
  /** A fraction (0..1) of calls of the given types meet `mode`; 0 turns it off. */
  setCallFaultRate(rate: number, fault?: Omit<CallFault, 'times'>): void;
  clearCallFaults(): void;
}

const matches = (types: readonly CallType[] | undefined, type: CallType): boolean => types === undefined || types.includes(type);

export class CallFaults implements CallFaultHooks {
  private scripted: (CallFault & { left: number })[] = [];
  private rate: { rate: number; fault: Omit<CallFault, 'times'> } | undefined;
  private readonly random: Random;
  /** How many calls met a fault, by call type and fault kind (`ACCEPT lost-answer`). */
  readonly hits = new Map<string, number>();

  constructor(random: Random) {
    this.random = random;
  }

  failNextCalls(fault: CallFault): void {
    this.scripted.push({ ...fault, left: fault.times ?? 1 });
  }

  setCallFaultRate(rate: number, fault: Omit<CallFault, 'times'> = { mode: { kind: 'error' } }): void {
    this.rate = rate > 0 ? { rate, fault } : undefined;
  }

  clearCallFaults(): void {
    this.scripted = [];
    this.rate = undefined;
  }

  /** The fault this call meets, if any (consumes a scripted one). */
  take(type: CallType): CallFaultMode | undefined {
    const scripted = this.scripted.find((f) => f.left > 0 && matches(f.types, type));
    let mode: CallFaultMode | undefined;
    if (scripted !== undefined) {
      scripted.left -= 1;
      this.scripted = this.scripted.filter((f) => f.left > 0);
      mode = scripted.mode;
    } else if (this.rate !== undefined && matches(this.rate.fault.types, type) && this.random() < this.rate.rate) {
      mode = this.rate.fault.mode;
    }
    if (mode !== undefined) {
      const key = `${type} ${mode.kind}`;
      this.hits.set(key, (this.hits.get(key) ?? 0) + 1);
    }
    return mode;
  }
}
