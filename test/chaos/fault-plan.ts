// The plan of a chaos run, drawn from its seed: when each burst of submissions arrives and by
// which channel, when long drivers are killed, when which replica is SIGKILLed (and whether it
// comes back armed with a crash hook), and the Kubernetes API and Mesos faults of the window.
// Pure: the same seed and sizes give the same plan; only its timing against the processes varies.
import type { CallFault } from '../../src/devcluster/mesos/index.ts';
import type { CallType } from '../../src/mesos/types.ts';
import { Dice } from './dice.ts';
import type { CrashPoint } from './replicas.ts';
import { killedByTheirUser, planDriver } from './workload.ts';
import type { Channel, PlannedDriver } from './workload.ts';

export interface ChaosSizes {
  /** How long faults are injected, in ms. */
  faultMs: number;
  drivers: number;
  killPoints: number;
  /** Master failovers and agent losses in the window. */
  masterFailovers: number;
  agentLosses: number;
  /** Mesos calls never answered (each stalls the call connection for the client's 30 s timeout). */
  blackholes: number;
}

/** A Kubernetes API fault regime, in force until the next one. */
export interface KubeFaultPhase {
  errorRate: number;
  /** 409 applies to writes only: a real API server answers it for a conflicting write. */
  code: 409 | 429 | 500 | 503;
  lostAnswerRate: number;
}

export type ChaosAction =
  | { kind: 'submit'; via: Channel; drivers: PlannedDriver[] }
  | { kind: 'kill-driver'; driver: PlannedDriver }
  | { kind: 'sigkill'; victim: 'leader' | 'follower'; restartWith: CrashPoint | undefined }
  | { kind: 'kube-faults'; phase: KubeFaultPhase }
  | { kind: 'cut-watches'; abrupt: boolean; expire: boolean }
  | { kind: 'mesos-call-fault'; fault: CallFault }
  | { kind: 'drop-subscription' }
  | { kind: 'master-failover' }
  | { kind: 'agent-loss' };

export interface TimedAction { atMs: number; action: ChaosAction }

export interface ChaosPlan {
  seed: number;
  sizes: ChaosSizes;
  /** Seeds of the emulators' own randomness (which requests a fault rate hits). */
  emulatorSeed: number;
  drivers: PlannedDriver[];
  actions: TimedAction[];
}

const CALL_TYPES: readonly CallType[] = ['ACCEPT', 'KILL', 'RECONCILE', 'ACKNOWLEDGE', 'DECLINE', 'REVIVE', 'SUPPRESS'];

function kubePhase(dice: Dice): KubeFaultPhase {
  const calm = dice.chance(0.2);
  return {
    errorRate: calm ? 0 : dice.float(0.01, 0.05),
    code: dice.pick([409, 429, 500, 503] as const),
    lostAnswerRate: calm || dice.chance(0.4) ? 0 : dice.float(0.01, 0.04),
  };
}

function callFault(dice: Dice): CallFault {
  const types = [dice.pick(CALL_TYPES)];
  const times = dice.int(1, 3);
  switch (dice.int(0, 4)) {
    case 0:
      return { types, times, mode: { kind: 'error', status: 500 } };
    case 1:
      return { types, times, mode: { kind: 'error', status: 503 } };
    case 2:
      return { types, times, mode: { kind: 'drop' } };
    case 3:
      return { types, times, mode: { kind: 'lost-answer' } };
    default:
      return { types, times, mode: { kind: 'delay', ms: dice.int(200, 3000) } };
  }
}

/** `count` times spread at random over [fromMs, toMs), sorted. */
function times(dice: Dice, count: number, fromMs: number, toMs: number): number[] {
  return Array.from({ length: count }, () => Math.round(dice.float(fromMs, toMs))).sort((a, b) => a - b);
}

/** Actions at random intervals of [minMs, maxMs] through the window. */
function every(dice: Dice, sizes: ChaosSizes, minMs: number, maxMs: number, make: () => ChaosAction): TimedAction[] {
  const out: TimedAction[] = [];
  for (let at = dice.int(minMs, maxMs); at < sizes.faultMs; at += dice.int(minMs, maxMs)) out.push({ atMs: at, action: make() });
  return out;
}

export function planChaos(seed: number, sizes: ChaosSizes): ChaosPlan {
  const dice = new Dice(seed);
  const emulatorSeed = dice.fork();
  const actions: TimedAction[] = [];
  const drivers: PlannedDriver[] = [];
  // Bursts of 1-12 drivers through the first 85 % of the window, each through one channel.
  const submitUntil = Math.max(1, sizes.faultMs * 0.85);
  while (drivers.length < sizes.drivers) {
    const via: Channel = dice.chance(0.5) ? 'kubectl' : 'rest';
    const first = drivers.length + 1;
    const burst = Array.from({ length: Math.min(dice.int(1, 12), sizes.drivers - drivers.length) }, (_, i) => planDriver(dice, first + i, via));
    drivers.push(...burst);
    const atMs = Math.round(dice.float(0, submitUntil));
    actions.push({ atMs, action: { kind: 'submit', via, drivers: burst } });
    // Drivers that never end on their own are killed by their user a few seconds later.
    for (const d of burst) if (killedByTheirUser(d)) actions.push({ atMs: atMs + dice.int(500, 8000), action: { kind: 'kill-driver', driver: d } });
  }
  for (const atMs of times(dice, sizes.killPoints, 1000, sizes.faultMs)) {
    const restartWith = dice.chance(0.15) ? dice.pick(['after-intent', 'after-accept'] as const) : undefined;
    actions.push({ atMs, action: { kind: 'sigkill', victim: dice.chance(0.6) ? 'leader' : 'follower', restartWith } });
  }
  actions.push(...every(dice, sizes, 3000, 12_000, () => ({ kind: 'kube-faults', phase: kubePhase(dice) })));
  actions.push(...every(dice, sizes, 4000, 15_000, () => ({ kind: 'cut-watches', abrupt: dice.chance(0.5), expire: dice.chance(0.4) })));
  actions.push(...every(dice, sizes, 1500, 6000, () => ({ kind: 'mesos-call-fault', fault: callFault(dice) })));
  actions.push(...every(dice, sizes, 20_000, 60_000, () => ({ kind: 'drop-subscription' })));
  for (const atMs of times(dice, sizes.masterFailovers, 2000, sizes.faultMs)) actions.push({ atMs, action: { kind: 'master-failover' } });
  for (const atMs of times(dice, sizes.agentLosses, 2000, sizes.faultMs)) actions.push({ atMs, action: { kind: 'agent-loss' } });
  for (const atMs of times(dice, sizes.blackholes, 2000, sizes.faultMs)) {
    actions.push({ atMs, action: { kind: 'mesos-call-fault', fault: { types: [dice.pick(CALL_TYPES)], mode: { kind: 'blackhole' } } } });
  }
  actions.sort((a, b) => a.atMs - b.atMs);
  return { seed, sizes, emulatorSeed, drivers, actions };
}
