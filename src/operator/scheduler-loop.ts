// The shell around the scheduler core. Inputs that arrive while a batch is being carried out
// wait and form the next batch: each goes through the core's step (the time of the batch), and
// the batch's effects are carried out together (batch.ts). Launch intents are written to the
// Kubernetes API before their offer is accepted, offer by offer; a launch whose intent did not
// take is withheld and its task reconciled, so the core requeues it (Mesos answers "unknown")
// and nothing runs twice.
// Tasks on the kubernetes backend go to the pod port instead: created, deleted and reconciled there.
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from '../runtime/logger.ts';
import { backoffDelayMs, type BackoffPolicy } from '../runtime/backoff.ts';
import { MesosApiError } from '../mesos/api-errors.ts';
import type { MesosPort } from '../mesos/mesos-port.ts';
import type { PodPort } from '../pods/pod-port.ts';
import { driverView, plannedTask, step } from '../scheduler/index.ts';
import { planBatch, type BatchPlan } from './batch.ts';
import type { StatusSink, StatusWrite } from './status-writer.ts';
import { logTransitions } from './transition-log.ts';
import type {
  DriverSpec, DriverStatus, Effect, PlannedTask, SchedulerInput, SchedulerState, TaskLaunch, TaskRef,
} from '../scheduler/index.ts';

/** Tries of a KILL or RECONCILE that fails, and the waits between them. */
const CALL_RETRIES = 5;
/** How soon inputs that arrived while the replica could not act are tried again. */
const NOT_ACTING_RETRY_MS = 250;
const CALL_RETRY_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000 };

/** Named points between the intent write and the Mesos calls, for crash tests. */
export type CrashPoint = 'after-intent' | 'after-accept';

export interface SchedulerLoopOptions {
  state: SchedulerState;
  sink: StatusSink;
  mesos: MesosPort;
  /** The kubernetes backend, when the dispatcher enables it. */
  pods?: PodPort;
  clock: Clock;
  log: Logger;
  /** Task IDs already recorded as launched (from the restored records). */
  recordedTaskIds?: ReadonlyMap<string, string>;
  atCrashPoint?: (point: CrashPoint) => void;
  onEffects?: (effects: readonly Effect[]) => void;
  /**
   * False once this replica may no longer act (it lost, or cannot prove it still holds, the
   * lease; a fatal error): from then on no input is processed and no further Mesos call made.
   */
  mayAct?: () => boolean;
}

export class SchedulerLoop {
  private readonly options: SchedulerLoopOptions;
  private readonly recordedTaskId: Map<string, string>;
  private waiting: { input: SchedulerInput; done: () => void }[] = [];
  private draining: Promise<void> | undefined;
  private cancelWake: (() => void) | undefined;
  private cancelRetry: (() => void) | undefined;
  private stopped = false;
  /** ACKs sent and not yet answered: they do not hold the next batch back. */
  private readonly acknowledging = new Set<Promise<void>>();

  constructor(options: SchedulerLoopOptions) {
    this.options = options;
    this.recordedTaskId = new Map(options.recordedTaskIds);
  }

  get state(): SchedulerState {
    return this.options.state;
  }

  view(submissionId: string): { spec: DriverSpec; status: DriverStatus } | undefined {
    return driverView(this.options.state, submissionId);
  }

  /**
   * Queues an input; resolves once its batch has been carried out. Inputs that arrive while a
   * batch is in progress form the next batch.
   */
  submit(input: SchedulerInput): Promise<void> {
    return new Promise((done) => {
      this.waiting.push({ input, done });
      this.draining ??= this.drain();
    });
  }

  /** Resolves when every input queued so far has been carried out, its ACKs answered too. */
  async idle(): Promise<void> {
    await this.draining;
    await Promise.all([...this.acknowledging]);
  }

  /** Stops taking inputs (those still waiting are dropped); resolves when the batch in progress is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWake?.();
    this.cancelRetry?.();
    this.dropWaiting();
    await this.idle();
  }

  private dropWaiting(): void {
    for (const { done } of this.waiting.splice(0)) done();
  }

  private mayAct(): boolean {
    return !this.stopped && (this.options.mayAct?.() ?? true);
  }

  private async drain(): Promise<void> {
    // Asynchronous from the start: `draining` is assigned before this can end and reset it.
    await Promise.resolve();
    while (this.waiting.length > 0) {
      if (this.stopped) {
        this.dropWaiting();
        break;
      }
      if (!this.mayAct()) {
        // Not now (a renewal of the lease is late): the inputs wait, rather than a kill, a
        // submission or a due retry being lost. A replica that lost the lease is stopped.
        this.options.log.debug({ inputs: this.waiting.length }, 'not acting for now: this replica cannot prove it still leads');
        this.cancelRetry?.();
        this.cancelRetry = this.options.clock.setTimer(NOT_ACTING_RETRY_MS, () => {
          this.cancelRetry = undefined;
          this.draining ??= this.drain();
        });
        break;
      }
      const batch = this.waiting;
      this.waiting = [];
      try {
        await this.process(batch.map((b) => b.input));
      } catch (error) {
        this.options.log.error({ err: error, inputs: batch.length }, 'scheduler batch failed; its inputs were dropped');
      } finally {
        for (const { done } of batch) done();
      }
    }
    this.draining = undefined;
  }

  private async process(inputs: readonly SchedulerInput[]): Promise<void> {
    const nowMs = this.options.clock.now();
    const steps = inputs.map((input) => {
      const effects = step(this.options.state, input, nowMs);
      this.options.onEffects?.(effects);
      logTransitions(this.options.log, effects);
      return effects;
    });
    await this.carryOut(planBatch(steps));
  }

  /** Carries out effects outside a step (those of recovery). */
  execute(effects: readonly Effect[]): Promise<void> {
    return this.carryOut(planBatch([effects]));
  }

  private async carryOut(plan: BatchPlan): Promise<void> {
    const { log, mesos } = this.options;
    const writes = plan.persists.map((e) => this.toWrite(e));
    const withheld = new Set<string>();
    const toReconcile: TaskRef[] = [];
    // The ACCEPTs that lead the batch's calls go offer by offer, each once its own tasks' intents
    // are written, while the next offer's are being written: a batch of thousands of launches
    // otherwise launched nothing until the last of its intents was written. The other writes go
    // beside them; the batch's other calls still come after every write and every ACCEPT.
    const leading = leadingLaunches(plan.calls);
    const { byLaunch, rest } = intentsByLaunch(writes, leading);
    const restPersisted = this.persist(rest, withheld).then(() => undefined, (error: unknown) => ({ error }));
    const accepts: Promise<void>[] = [];
    let acting = true;
    for (const [launch, intents] of byLaunch) {
      await this.persist(intents, withheld);
      if (intents.length > 0) this.options.atCrashPoint?.('after-intent');
      acting &&= this.mayAct();
      if (acting) accepts.push(this.launch(launch, withheld, toReconcile).catch((error: unknown) => log.warn({ err: error }, 'a Mesos call failed')));
    }
    const failed = await restPersisted;
    if (failed !== undefined) throw failed.error;
    if (rest.some((w) => w.intent)) this.options.atCrashPoint?.('after-intent');
    await Promise.all(accepts);
    if (!acting) log.warn({}, 'this replica may no longer lead: the remaining Mesos calls of the batch are dropped');

    // Three stages, each stage's calls sent at once, in order (the call connection is pipelined,
    // so the master takes them in that order), and answered before the next stage goes.
    const stages: (() => Promise<void>)[][] = [
      plan.calls.slice(leading.length).map((effect) => () => this.call(effect, withheld, toReconcile)),
      [
        // A retried DECLINE comes late: by then its refusal may keep offers from drivers that arrived
        // meanwhile (their REVIVE came first), so it refuses nothing.
        ...[...plan.declines].map(([refuseSeconds, offerIds]) => () => this.withRetries('DECLINE',
          (attempt) => mesos.decline(offerIds, attempt === 0 ? refuseSeconds : 0))),
        // Mesos answers "unknown" for tasks that never reached it: the core then requeues them.
        () => (toReconcile.length === 0 ? Promise.resolve() : this.withRetries('RECONCILE', () => mesos.reconcile(toReconcile))),
      ],
      [
        // After the DECLINEs: a REVIVE clears the filters they set. A failed REVIVE is tried again
        // in the background; the core also revives again while its offers do not come.
        ...(plan.offerInterest === undefined ? [] : [() => (plan.offerInterest?.type === 'ReviveOffers' ? this.withRetries('REVIVE', () => mesos.revive()) : mesos.suppress())]),
        // Sent with the REVIVE, but not waited for: a batch of thousands of updates would hold
        // the next batch (and its launches) back for the time the master takes to answer them.
        ...(plan.acknowledgements.length === 0 ? [] : [() => this.sendAcknowledgements(plan.acknowledgements)]),
      ],
    ];
    // The wake is armed whatever happens to the calls: the core asks for it once.
    if (plan.wake !== undefined) this.scheduleWake(plan.wake.atMs);
    for (const stage of acting ? stages : []) {
      if (stage.length === 0) continue;
      // Checked before every stage: the intent writes, or the stage before, may have outlasted this replica's lease.
      if (!this.mayAct()) {
        log.warn({}, 'this replica may no longer lead: the remaining Mesos calls of the batch are dropped');
        break;
      }
      for (const result of await Promise.allSettled(stage.map((call) => call()))) {
        if (result.status === 'rejected') log.warn({ err: result.reason as unknown }, 'a Mesos call failed');
      }
    }
    for (const { submissionId } of plan.forgets) {
      this.recordedTaskId.delete(submissionId);
      this.options.sink.forget(submissionId);
    }
  }

  /** Writes statuses; a launch whose intent did not take is withheld, one that did is recorded. */
  private async persist(writes: readonly StatusWrite[], withheld: Set<string>): Promise<void> {
    if (writes.length === 0) return;
    const refused = await this.options.sink.persist(writes);
    for (const write of writes) {
      if (write.status.phase !== 'launched') continue;
      if (refused.has(write.submissionId)) withheld.add(write.status.attempt.taskId);
      else this.recordedTaskId.set(write.submissionId, write.status.attempt.taskId);
    }
  }

  private async call(
    effect: BatchPlan['calls'][number], withheld: ReadonlySet<string>, toReconcile: TaskRef[],
  ): Promise<void> {
    const { mesos, log } = this.options;
    switch (effect.type) {
      case 'KillTask':
        if (effect.backend === 'kubernetes') return this.podsFor(effect.taskId)?.kill(effect.taskId, effect.agentId);
        return this.withRetries('KILL', () => mesos.kill(effect.taskId, effect.agentId));
      case 'LaunchTasks':
        return this.launch(effect, withheld, toReconcile);
      case 'StartTask':
        return this.start(effect, withheld);
      case 'ReconcileTasks':
        if (effect.backend === 'kubernetes') return this.podsFor(effect.tasks[0]?.taskId ?? '')?.reconcile(effect.tasks);
        return this.withRetries('RECONCILE', () => mesos.reconcile(effect.tasks));
      case 'ReportAnomaly':
        log.warn({ submissionId: effect.submissionId }, effect.message);
        return undefined;
    }
  }

  /**
   * KILL, RECONCILE, DECLINE and REVIVE are safe to repeat, and nothing else would send them again
   * until the next subscription: a failed one is tried again later, in the background, a few
   * times. A DECLINE that did not reach the master leaves the offer outstanding there, and its
   * resources are then offered to no one for as long as the subscription lasts (there is no offer
   * timeout by default); it ends once the offer is gone. A DECLINE or REVIVE ends with its
   * subscription: the next one starts without offers, filters or suppression.
   */
  private async withRetries(call: 'KILL' | 'RECONCILE' | 'DECLINE' | 'REVIVE', send: (attempt: number) => Promise<void>, attempt = 0): Promise<void> {
    try {
      await send(attempt);
    } catch (error) {
      if (isMoot(call, error)) return;
      const last = attempt + 1 >= CALL_RETRIES;
      this.options.log.warn({ err: error, call, attempt: attempt + 1 },
        last ? `${call} failed ${CALL_RETRIES} times; the next subscription sends it again` : `${call} failed; trying again`);
      if (last) return;
      this.options.clock.setTimer(backoffDelayMs(attempt, CALL_RETRY_BACKOFF, () => 0.5), () => {
        if (this.mayAct()) void this.withRetries(call, send, attempt + 1);
      });
    }
  }

  private sendAcknowledgements(effects: readonly Extract<Effect, { type: 'Acknowledge' }>[]): Promise<void> {
    const sent = this.acknowledgeAll(effects);
    this.acknowledging.add(sent);
    void sent.finally(() => this.acknowledging.delete(sent));
    return Promise.resolve();
  }

  private async acknowledgeAll(effects: readonly Extract<Effect, { type: 'Acknowledge' }>[]): Promise<void> {
    const failures = (await Promise.allSettled(effects.map((effect) => this.acknowledge(effect))))
      .flatMap((r): unknown[] => (r.status === 'rejected' ? [r.reason] : []));
    if (failures.length > 0) {
      this.options.log.warn({ err: failures[0], failed: failures.length }, 'ACKNOWLEDGE failed; Mesos will send those updates again');
    }
  }

  /**
   * An update is ACKed only once the status it led to is recorded (until then Mesos sends it
   * again); a status write still being retried holds the ACK back, not the loop.
   */
  private async acknowledge(effect: Extract<Effect, { type: 'Acknowledge' }>): Promise<void> {
    const { mesos, sink, log } = this.options;
    const ack = (): Promise<void> => mesos.acknowledge(effect.acknowledgement);
    const waiting = effect.submissionId === undefined ? undefined : sink.pending(effect.submissionId);
    if (waiting === undefined) return ack();
    void waiting.then(() => (this.stopped ? undefined : ack())).catch((error: unknown) => {
      log.warn({ err: error, taskId: effect.acknowledgement.taskId }, 'could not acknowledge the update; Mesos will send it again');
    });
  }

  private toWrite(effect: Extract<Effect, { type: 'PersistDriver' }>): StatusWrite {
    const { submissionId, status, resource, queue } = effect;
    const intent = status.phase === 'launched' && this.recordedTaskId.get(submissionId) !== status.attempt.taskId;
    return { submissionId, resource, queue, backend: effect.backend, status, intent };
  }

  /** The tasks are planned here, as their offer is accepted, not in the scheduling pass. */
  private async launch(effect: Extract<Effect, { type: 'LaunchTasks' }>, withheld: ReadonlySet<string>, toReconcile: TaskRef[]): Promise<void> {
    const { mesos, log } = this.options;
    const launchable = effect.tasks.filter((t) => !withheld.has(t.taskId));
    for (const t of effect.tasks) {
      if (withheld.has(t.taskId)) toReconcile.push({ taskId: t.taskId, agentId: effect.agentId });
    }
    const decline = (): Promise<void> => this.withRetries('DECLINE', () => mesos.decline([effect.offerId], 0));
    if (launchable.length === 0) {
      await decline();
      return;
    }
    try {
      await mesos.launch(effect.offerId, launchable.map((task) => this.plan(effect, task)), 0);
    } catch (error) {
      log.warn({ err: error, offerId: effect.offerId }, 'ACCEPT failed; reconciling its tasks so that they are requeued');
      for (const t of launchable) toReconcile.push({ taskId: t.taskId, agentId: effect.agentId });
      // If the master never saw it, the offer is still outstanding: give it back (if the ACCEPT
      // was carried out after all, the master ignores the DECLINE of a used offer).
      await decline();
      return;
    }
    this.options.atCrashPoint?.('after-accept');
  }

  /** A pod is created once its intent is recorded; a withheld one is reported as never created, so the core requeues it. */
  private async start(effect: Extract<Effect, { type: 'StartTask' }>, withheld: ReadonlySet<string>): Promise<void> {
    const pods = this.podsFor(effect.taskId);
    if (pods === undefined) return;
    if (withheld.has(effect.taskId)) {
      pods.withheld(effect.taskId, effect.agentId);
      return;
    }
    const resource = effect.spec.resource;
    if (resource === undefined) throw new Error(`task ${effect.taskId} has no SparkDriver to own its pod`);
    const planned = plannedTask(this.options.state.config, { agentId: effect.agentId, frameworkId: '' }, { ...effect, resources: [] });
    if (!planned.ok) throw new Error(`task ${effect.taskId} no longer plans: ${planned.problems.join('; ')}`);
    await pods.create(planned.task, resource);
    this.options.atCrashPoint?.('after-accept');
  }

  private podsFor(taskId: string): PodPort | undefined {
    if (this.options.pods === undefined) this.options.log.error({ taskId }, 'a task on the kubernetes backend, which this dispatcher does not run');
    return this.options.pods;
  }

  private plan(launch: Extract<Effect, { type: 'LaunchTasks' }>, task: TaskLaunch): PlannedTask {
    const planned = plannedTask(this.options.state.config, launch, task);
    // Planning is deterministic in (spec, config), and the driver planned at admission.
    if (!planned.ok) throw new Error(`task ${task.taskId} no longer plans: ${planned.problems.join('; ')}`);
    return planned.task;
  }

  private scheduleWake(atMs: number): void {
    this.cancelWake?.();
    this.cancelWake = this.options.clock.setTimer(atMs - this.options.clock.now(), () => {
      this.cancelWake = undefined;
      void this.submit({ type: 'TimerFired' });
    });
  }
}

function isMoot(call: 'KILL' | 'RECONCILE' | 'DECLINE' | 'REVIVE', error: unknown): boolean {
  if (!(error instanceof MesosApiError) || call === 'KILL' || call === 'RECONCILE') return false;
  return error.code === 'MESOS_NOT_SUBSCRIBED' || (call === 'DECLINE' && error.code === 'MESOS_STALE_OFFER');
}

type Launch = Extract<Effect, { type: 'LaunchTasks' }>;

/** The ACCEPTs at the head of the batch's calls, before any other call. */
function leadingLaunches(calls: BatchPlan['calls']): Launch[] {
  const end = calls.findIndex((c) => c.type !== 'LaunchTasks');
  return (end < 0 ? calls : calls.slice(0, end)) as Launch[];
}

/** Each launch with the intents of its tasks, in order; `rest`, the writes of no launch among them. */
function intentsByLaunch(writes: readonly StatusWrite[], launches: readonly Launch[]): { byLaunch: [Launch, StatusWrite[]][]; rest: StatusWrite[] } {
  const intentOf = new Map(writes.flatMap((w) => (w.intent && w.status.phase === 'launched' ? [[w.status.attempt.taskId, w] as const] : [])));
  const claimed = new Set<StatusWrite>();
  const byLaunch = launches.map((launch): [Launch, StatusWrite[]] => {
    const intents = launch.tasks.flatMap((t) => {
      const write = intentOf.get(t.taskId);
      if (write === undefined || claimed.has(write)) return [];
      claimed.add(write);
      return [write];
    });
    return [launch, intents];
  });
  return { byLaunch, rest: writes.filter((w) => !claimed.has(w)) };
}
