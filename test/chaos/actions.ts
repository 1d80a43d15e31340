// Carrying out a chaos plan's actions against the emulators and the replicas. User actions
// (submissions, kills) run in the background and are awaited before the audit; faults take effect
// at once and are counted.
import type { Cluster } from '../operator/harness.ts';
import type { ChaosAction, KubeFaultPhase } from './fault-plan.ts';
import type { Replicas } from './replicas.ts';
import { killDriver, submitWithKubectl, submitWithRest } from './submitters.ts';
import type { UserLog } from './submitters.ts';

export interface FaultCounts {
  sigkillsWithoutVictim: number;
  masterFailovers: number;
  agentLosses: number;
  subscriptionDrops: number;
  watchCuts: number;
  kubePhases: number;
}

export class ActionRunner {
  private readonly cluster: Cluster;
  private readonly replicas: Replicas;
  readonly log: UserLog;
  readonly counts: FaultCounts = { sigkillsWithoutVictim: 0, masterFailovers: 0, agentLosses: 0, subscriptionDrops: 0, watchCuts: 0, kubePhases: 0 };
  private readonly background = new Set<Promise<void>>();
  readonly errors: string[] = [];
  /** Each REST driver's submission, so that its kill waits for the answer. */
  private readonly submitted = new Map<string, Promise<void>>();
  private restIndex = 0;

  constructor(cluster: Cluster, replicas: Replicas, log: UserLog) {
    this.cluster = cluster;
    this.replicas = replicas;
    this.log = log;
  }

  run(action: ChaosAction): void {
    const { kube, mesos } = this.cluster;
    switch (action.kind) {
      case 'submit':
        if (action.via === 'kubectl') {
          const done = this.track(submitWithKubectl(this.cluster, this.log, action.drivers));
          for (const d of action.drivers) this.submitted.set(d.tag, done);
        } else {
          for (const d of action.drivers) this.submitted.set(d.tag, this.track(submitWithRest(this.replicas, this.log, d, this.cluster.appJar, this.restIndex++)));
        }
        return;
      case 'kill-driver': {
        const submitted = this.submitted.get(action.driver.tag) ?? Promise.resolve();
        void this.track(submitted.then(() => killDriver(this.cluster, this.replicas, this.log, action.driver)));
        return;
      }
      case 'sigkill': {
        const live = this.replicas.live();
        const leader = this.replicas.leader();
        const victim = action.victim === 'leader' ? leader ?? live[0] : live.find((r) => r !== leader) ?? live[0];
        if (victim === undefined) this.counts.sigkillsWithoutVictim += 1;
        else this.replicas.kill(victim, action.restartWith);
        return;
      }
      case 'kube-faults':
        this.counts.kubePhases += 1;
        applyKubePhase(this.cluster, action.phase);
        return;
      case 'cut-watches':
        this.counts.watchCuts += 1;
        if (action.expire) kube.server.faults.expireNextWatch({ resource: 'sparkdrivers' });
        kube.server.dropWatches({ abrupt: action.abrupt });
        return;
      case 'mesos-call-fault':
        mesos.failNextCalls(action.fault);
        return;
      case 'drop-subscription':
        for (const f of mesos.state().frameworks as { id: string; connected: boolean }[]) {
          if (f.connected && mesos.dropFramework(f.id)) this.counts.subscriptionDrops += 1;
        }
        return;
      case 'master-failover':
        this.counts.masterFailovers += 1;
        void this.track(mesos.restart());
        return;
      case 'agent-loss': {
        // The oldest agent goes (with its tasks), a fresh one takes its place.
        const [agentId] = mesos.agentIds;
        if (agentId !== undefined && mesos.removeAgent(agentId, 'unreachable')) {
          this.counts.agentLosses += 1;
          mesos.addAgent();
        }
        return;
      }
    }
  }

  /** Resolves when every user action started so far is done. */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  /** Runs `work` in the background; a failure of the harness itself is kept for the report. */
  private track(work: Promise<unknown>): Promise<void> {
    const tracked: Promise<void> = work
      .then(() => undefined, (error: unknown) => { this.errors.push(error instanceof Error ? error.message : String(error)); })
      .finally(() => this.background.delete(tracked));
    this.background.add(tracked);
    return tracked;
  }
}

export function applyKubePhase(cluster: Cluster, phase: KubeFaultPhase): void {
  const faults = cluster.kube.server.faults;
  faults.setErrorRate(phase.errorRate, phase.code === 409 ? { code: 409, verb: ['update', 'patch'] } : { code: phase.code });
  faults.setLostAnswerRate(phase.lostAnswerRate, { verb: ['create', 'update', 'patch', 'delete'] });
}
