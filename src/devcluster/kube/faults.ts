// Fault injection for tests: scripted errors (next N matching requests fail with a given code),
// a random error rate, added latency, and forcing the next matching watch to answer 410 Gone.
// Matching is by Kubernetes verb, group, resource, subresource, namespace and name.

import type { Random } from '../../runtime/clock.ts';
import { generic } from './status.ts';
import type { ApiError } from './status.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface FaultMatch {
  verb?: Verb | readonly Verb[];
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface ScriptedFault extends FaultMatch {
  /** HTTP status of the injected failure (its reason follows the code unless given). */
  code: number;
  reason?: string;
  message?: string;
  /** How many matching requests fail (default 1; Infinity for all until cleared). */
  times?: number;
}

export interface RequestFacts {
  verb: Verb;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

function matches(m: FaultMatch, f: RequestFacts): boolean {
  if (m.verb !== undefined && !(typeof m.verb === 'string' ? [m.verb] : m.verb).includes(f.verb)) return false;
  if (m.group !== undefined && m.group !== f.group) return false;
  if (m.resource !== undefined && m.resource !== f.resource) return false;
  if (m.subresource !== undefined && m.subresource !== f.subresource) return false;
  if (m.namespace !== undefined && m.namespace !== f.namespace) return false;
  return m.name === undefined || m.name === f.name;
}

export interface FaultHooks {
  /** The next `times` (default 1) requests matching `fault` fail with its code. */
  failNext(fault: ScriptedFault): void;
  /** A fraction (0..1) of matching requests fail with `code` (default 500). 0 turns it off. */
  setErrorRate(rate: number, options?: FaultMatch & { code?: number }): void;
  /** Every matching request waits `ms` (on the server's Clock) before it is handled. */
  setLatency(ms: number, match?: FaultMatch): void;
  /** The next matching watch answers one ERROR 410 Expired event and closes. */
  expireNextWatch(match?: FaultMatch): void;
  /**
   * The next `times` (default 1) matching requests are carried out, then their connection is
   * cut before the answer is sent: the client cannot tell whether its write happened.
   */
  loseNextAnswer(match?: FaultMatch & { times?: number }): void;
  /** A fraction (0..1) of matching requests are carried out and their answer lost. 0 turns it off. */
  setLostAnswerRate(rate: number, match?: FaultMatch): void;
  /** Removes every injected fault. */
  clear(): void;
  /** How many requests met an injected fault so far, by kind (`500`, `lost answer`, `410 watch`). */
  injected(): Record<string, number>;
}

export class Faults implements FaultHooks {
  private scripted: (ScriptedFault & { left: number })[] = [];
  private rate: { rate: number; code: number; match: FaultMatch } | undefined;
  private latencies: { ms: number; match: FaultMatch }[] = [];
  private expiries: FaultMatch[] = [];
  private lostAnswers: (FaultMatch & { left: number })[] = [];
  private lostAnswerRate: { rate: number; match: FaultMatch } | undefined;
  private readonly random: Random;
  private readonly counts = new Map<string, number>();

  constructor(random: Random) {
    this.random = random;
  }

  failNext(fault: ScriptedFault): void {
    this.scripted.push({ ...fault, left: fault.times ?? 1 });
  }

  setErrorRate(rate: number, options: FaultMatch & { code?: number } = {}): void {
    const { code, ...match } = options;
    this.rate = rate > 0 ? { rate, code: code ?? 500, match } : undefined;
  }

  setLatency(ms: number, match: FaultMatch = {}): void {
    this.latencies = this.latencies.filter((l) => JSON.stringify(l.match) !== JSON.stringify(match));
    if (ms > 0) this.latencies.push({ ms, match });
  }

  expireNextWatch(match: FaultMatch = {}): void {
    this.expiries.push(match);
  }

  loseNextAnswer(match: FaultMatch & { times?: number } = {}): void {
    const { times, ...rest } = match;
    this.lostAnswers.push({ ...rest, left: times ?? 1 });
  }

  setLostAnswerRate(rate: number, match: FaultMatch = {}): void {
    this.lostAnswerRate = rate > 0 ? { rate, match } : undefined;
  }

  /** Whether the answer to this (already carried out) request is to be lost. */
  takeLostAnswer(f: RequestFacts): boolean {
    const scripted = this.lostAnswers.find((x) => x.left > 0 && matches(x, f));
    if (scripted) {
      scripted.left -= 1;
      this.lostAnswers = this.lostAnswers.filter((x) => x.left > 0);
      return this.count('lost answer');
    }
    if (this.lostAnswerRate !== undefined && matches(this.lostAnswerRate.match, f) && this.random() < this.lostAnswerRate.rate) return this.count('lost answer');
    return false;
  }

  injected(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private count(kind: string): true {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    return true;
  }

  clear(): void {
    this.lostAnswers = [];
    this.lostAnswerRate = undefined;
    this.scripted = [];
    this.rate = undefined;
    this.latencies = [];
    this.expiries = [];
  }

  /** The injected error for this request, if any (consumes a scripted fault). */
  errorFor(f: RequestFacts): ApiError | undefined {
    const s = this.scripted.find((x) => x.left > 0 && matches(x, f));
    if (s) {
      s.left -= 1;
      this.scripted = this.scripted.filter((x) => x.left > 0);
      this.count(String(s.code));
      return generic(s.code, s.message, s.reason);
    }
    if (this.rate && matches(this.rate.match, f) && this.random() < this.rate.rate) {
      this.count(String(this.rate.code));
      return generic(this.rate.code);
    }
    return undefined;
  }

  latencyFor(f: RequestFacts): number {
    return this.latencies.filter((l) => matches(l.match, f)).reduce((sum, l) => sum + l.ms, 0);
  }

  /** Whether this watch must be answered with 410 (consumes the forced expiry). */
  takeWatchExpiry(f: RequestFacts): boolean {
    const i = this.expiries.findIndex((m) => matches(m, f));
    if (i === -1) return false;
    this.expiries.splice(i, 1);
    return this.count('410 watch');
  }
}
