// The shell around the core with recording fakes: the order of intent writes and Mesos calls,
// and what happens when an intent write or an ACCEPT fails.
import type { MesosPort } from '../../src/mesos/mesos-port.ts';
import { MesosApiError } from '../../src/mesos/api-errors.ts';
import { SchedulerLoop } from '../../src/operator/scheduler-loop.ts';
import { REVIVE_ROUND_MS } from '../../src/scheduler/scheduler.ts';
import type { StatusSink, StatusWrite } from '../../src/operator/status-writer.ts';
import { createScheduler, type Acknowledgement, type PlannedTask, type TaskRef } from '../../src/scheduler/index.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { makeConfig, makeOffer, makeSpec, offersReceived, statusReceived } from '../scheduler/fixtures.ts';

class RecordingPorts implements StatusSink, MesosPort {
  readonly calls: string[] = [];
  readonly writes: StatusWrite[] = [];
  /** These drivers' writes do not take: an intent is refused, another write stays pending. */
  rejectWrites = new Set<string>();
  failAccept = false;
  private readonly unsettled = new Map<string, (() => void)[]>();

  persist(writes: readonly StatusWrite[]): Promise<ReadonlySet<string>> {
    const refused = new Set<string>();
    for (const w of writes) {
      this.writes.push(w);
      this.calls.push(`persist ${w.submissionId} ${w.status.phase}${w.intent ? ' intent' : ''}`);
      if (!this.rejectWrites.has(w.submissionId)) this.settle(w.submissionId);
      else if (w.intent) refused.add(w.submissionId);
      else this.unsettled.set(w.submissionId, this.unsettled.get(w.submissionId) ?? []);
    }
    return Promise.resolve(refused);
  }
  pending(id: string): Promise<void> | undefined {
    const waiters = this.unsettled.get(id);
    return waiters === undefined ? undefined : new Promise((resolve) => waiters.push(resolve));
  }
  /** The retried write of `id` took. */
  settle(id: string): void {
    this.rejectWrites.delete(id);
    for (const resolve of this.unsettled.get(id) ?? []) resolve();
    this.unsettled.delete(id);
  }
  forget(id: string): void { this.calls.push(`forget ${id}`); }
  /** The planned tasks of every launch, as the port received them. */
  readonly launched: PlannedTask[] = [];
  launch(offerId: string, tasks: readonly PlannedTask[]): Promise<void> {
    this.launched.push(...tasks);
    this.calls.push(`accept ${offerId} ${tasks.map((t) => t.taskId).join(',')}`);
    return this.failAccept ? Promise.reject(new Error('offer rescinded')) : Promise.resolve();
  }
  decline(offerIds: readonly string[], refuseSeconds: number): Promise<void> {
    this.calls.push(`decline ${offerIds.join(',')} ${refuseSeconds}`);
    return Promise.resolve();
  }
  kill(taskId: string): Promise<void> { this.calls.push(`kill ${taskId}`); return Promise.resolve(); }
  reconcile(tasks: readonly TaskRef[]): Promise<void> { this.calls.push(`reconcile ${tasks.map((t) => t.taskId).join(',')}`); return Promise.resolve(); }
  revive(): Promise<void> { this.calls.push('revive'); return Promise.resolve(); }
  suppress(): Promise<void> { this.calls.push('suppress'); return Promise.resolve(); }
  /** When set, ACKs are answered only as these are called. */
  heldAcks: (() => void)[] | undefined;
  acknowledge(acknowledgement: Acknowledgement): Promise<void> {
    this.calls.push(`ack ${acknowledgement.taskId}`);
    const held = this.heldAcks;
    return held === undefined ? Promise.resolve() : new Promise((resolve) => held.push(resolve));
  }
}

function setup() {
  const ports = new RecordingPorts();
  const clock = new FakeClock();
  const loop = new SchedulerLoop({ state: createScheduler(makeConfig()), sink: ports, mesos: ports, clock, log: silentLogger });
  return { ports, clock, loop };
}

test('the launch intent is written, as an intent, before the offer is accepted', async () => {
  const { ports, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d1') });
  ports.calls.length = 0;
  await loop.submit(offersReceived([makeOffer('o1', 4, 8192)]));
  expect(ports.calls).toEqual(['persist d1 launched intent', 'accept o1 d1', 'suppress']);
  // The task is planned as the offer is accepted: the core's plan, for this attempt and framework.
  expect(ports.launched).toEqual([expect.objectContaining({ taskId: 'd1', agentId: 'agent-o1', frameworkId: 'fw' })]);
  expect(ports.launched[0]?.plan.command).toMatch(/^\/opt\/spark\/\.\/bin\/spark-submit --name d1 /);
});

test('each offer is accepted once its own tasks\' intents are written, before the next offer\'s are', async () => {
  const { ports, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  for (const id of ['d1', 'd2', 'd3', 'd4', 'd5']) await loop.submit({ type: 'DriverSubmitted', spec: makeSpec(id) });
  ports.calls.length = 0;
  await loop.submit(offersReceived([makeOffer('o1', 4, 8192), makeOffer('o2', 4, 8192)]));
  expect(ports.calls).toEqual([
    'persist d1 launched intent', 'persist d2 launched intent', 'persist d3 launched intent', 'persist d4 launched intent',
    'accept o1 d1,d2,d3,d4',
    'persist d5 launched intent',
    'accept o2 d5',
    'suppress',
  ]);
});

test('an intent write that does not take withholds the launch, declines the offer and reconciles the task', async () => {
  const { ports, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d1') });
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d2') });
  ports.rejectWrites.add('d1');
  ports.calls.length = 0;
  await loop.submit(offersReceived([makeOffer('o1', 4, 8192)]));
  expect(ports.calls).toEqual(['persist d1 launched intent', 'persist d2 launched intent', 'accept o1 d2', 'reconcile d1', 'suppress']);
  // Mesos answers the reconciliation with "unknown": the core requeues d1 under a new task ID.
  ports.rejectWrites.clear();
  ports.calls.length = 0;
  await loop.submit(statusReceived('d1', 'TASK_LOST', { reason: 'REASON_RECONCILIATION', message: 'Reconciliation: Task is unknown to the agent' }));
  expect(loop.view('d1')?.status.phase).toBe('queued');
  await loop.submit(offersReceived([makeOffer('o2', 4, 8192)]));
  expect(ports.calls).toContain('accept o2 d1-retry-1');
});

test('a failed ACCEPT gives its offer back and reconciles its tasks so that they are requeued', async () => {
  const { ports, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d1') });
  ports.failAccept = true;
  ports.calls.length = 0;
  await loop.submit(offersReceived([makeOffer('o1', 4, 8192)]));
  // The master may never have seen the ACCEPT: undeclined, the offer would stay outstanding.
  expect(ports.calls).toEqual(['persist d1 launched intent', 'accept o1 d1', 'decline o1 0', 'reconcile d1', 'suppress']);
});

test('the rescind of an offer whose ACCEPT failed requeues its launch at once; the late reconciliation answer changes nothing', async () => {
  const { ports, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d1') });
  ports.failAccept = true;
  await loop.submit(offersReceived([makeOffer('o1', 4, 8192)]));
  ports.failAccept = false;
  ports.calls.length = 0;
  await loop.submit({ type: 'OfferRescinded', offerId: 'o1' });
  expect(ports.calls).toEqual(['persist d1 queued', 'revive']);
  await loop.submit(statusReceived('d1', 'TASK_LOST', { reason: 'REASON_RECONCILIATION', message: 'Reconciliation: Task is unknown to the agent' }));
  expect(loop.view('d1')?.status).toMatchObject({ phase: 'queued', attempts: 1 });
  await loop.submit(offersReceived([makeOffer('o2', 4, 8192)]));
  expect(ports.calls).toContain('accept o2 d1-retry-1');
});

test('a terminal update is acknowledged only after its status was recorded; a live task\'s update at once', async () => {
  const { ports, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d1', { supervise: false }) });
  await loop.submit(offersReceived([makeOffer('o1', 4, 8192)]));
  ports.rejectWrites.add('d1');
  ports.calls.length = 0;
  // RUNNING: acknowledged at once (reconciliation would report it again), though not recorded yet.
  await loop.submit(statusReceived('d1', 'TASK_RUNNING', { uuid: true }));
  expect(ports.calls).toEqual(['persist d1 launched', 'ack d1']);
  ports.calls.length = 0;
  await loop.submit(statusReceived('d1', 'TASK_FINISHED', { uuid: true }));
  expect(ports.calls).toEqual(['persist d1 finished']);
  // Mesos resends the update meanwhile: a no-op for the core, and still not acknowledged.
  await loop.submit(statusReceived('d1', 'TASK_FINISHED', { uuid: true }));
  expect(ports.calls).toEqual(['persist d1 finished']);
  // The write is retried until it takes; then both deliveries are acknowledged, without the
  // loop having waited for them.
  ports.settle('d1');
  await loop.idle();
  await Promise.resolve();
  expect(ports.calls).toEqual(['persist d1 finished', 'ack d1', 'ack d1']);
});

test('ACKs the master is slow to answer do not hold the next batch back; idle() waits for them', async () => {
  const { ports, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d1') });
  await loop.submit(offersReceived([makeOffer('o1', 4, 8192)]));
  ports.heldAcks = [];
  ports.calls.length = 0;
  await loop.submit(statusReceived('d1', 'TASK_RUNNING', { uuid: true }));
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d2') });
  await loop.submit(offersReceived([makeOffer('o2', 4, 8192)]));
  expect(ports.calls).toEqual(['persist d1 launched', 'ack d1', 'persist d2 queued', 'revive', 'persist d2 launched intent', 'accept o2 d2', 'suppress']);
  let idle = false;
  void loop.idle().then(() => { idle = true; });
  await new Promise((resolve) => setImmediate(resolve));
  expect(idle).toBe(false);
  for (const answer of ports.heldAcks) answer();
  await loop.idle();
  expect(idle).toBe(true);
});

test('an update of no known driver is acknowledged at once', async () => {
  const { ports, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  ports.calls.length = 0;
  await loop.submit(statusReceived('ghost', 'TASK_FINISHED', { uuid: true }));
  expect(ports.calls).toEqual(['ack ghost']);
});

test('a retry wakes the loop when its backoff has passed', async () => {
  const { ports, clock, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d1', { supervise: true }) });
  await loop.submit(offersReceived([makeOffer('o1', 4, 8192)]));
  await loop.submit(statusReceived('d1', 'TASK_FAILED'));
  expect(loop.view('d1')?.status.phase).toBe('retrying');
  ports.calls.length = 0;
  clock.advance(999);
  await loop.idle();
  expect(ports.calls).toEqual([]);
  clock.advance(1);
  await loop.idle();
  expect(ports.calls).toEqual(['revive']);
});

test('a KILL or RECONCILE that fails is sent again after a backoff, a few times at most', async () => {
  const { ports, clock, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d1') });
  await loop.submit(offersReceived([makeOffer('o1', 4, 8192)]));
  let failures = 2;
  ports.kill = (taskId: string) => {
    ports.calls.push(`kill ${taskId}`);
    return failures-- > 0 ? Promise.reject(new Error('master unavailable')) : Promise.resolve();
  };
  ports.calls.length = 0;
  await loop.submit({ type: 'KillRequested', submissionId: 'd1' });
  expect(ports.calls.filter((c) => c.startsWith('kill'))).toEqual(['kill d1']);
  for (let i = 0; i < 10; i += 1) {
    clock.advance(30_000);
    await loop.idle();
    await new Promise((r) => setImmediate(r));
  }
  expect(ports.calls.filter((c) => c.startsWith('kill'))).toEqual(['kill d1', 'kill d1', 'kill d1']);

  ports.reconcile = (tasks: readonly TaskRef[]) => {
    ports.calls.push(`reconcile ${tasks.map((t) => t.taskId).join(',')}`);
    return Promise.reject(new Error('timed out'));
  };
  ports.calls.length = 0;
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  for (let i = 0; i < 10; i += 1) {
    clock.advance(30_000);
    await loop.idle();
    await new Promise((r) => setImmediate(r));
  }
  // Two reconciliations (the killed task explicitly, then every task implicitly), five tries each.
  expect(ports.calls.filter((c) => c.startsWith('reconcile'))).toHaveLength(10);
});

test('a DECLINE that fails is sent again, refusing nothing: a driver that arrived meanwhile is not kept from the offer', async () => {
  const { ports, clock, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  // Larger than the offer: it is declined, with the dispatcher's refusal.
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('big', { props: { 'spark.driver.memory': '64g' } }) });
  let failures = 1;
  ports.decline = (offerIds: readonly string[], refuseSeconds: number) => {
    ports.calls.push(`decline ${offerIds.join(',')} ${refuseSeconds}`);
    return failures-- > 0 ? Promise.reject(new Error('connection reset')) : Promise.resolve();
  };
  ports.calls.length = 0;
  await loop.submit(offersReceived([makeOffer('o1', 4, 8192)]));
  clock.advance(30_000);
  await loop.idle();
  await new Promise((r) => setImmediate(r));
  expect(ports.calls.filter((c) => c.startsWith('decline'))).toEqual(['decline o1 120', 'decline o1 0']);
});

test('a REVIVE that fails is sent again at once, but not once the subscription is gone; the core revives again when its offers never came', async () => {
  const { ports, clock, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  const failures = [new Error('connection reset'), new MesosApiError('MESOS_NOT_SUBSCRIBED', 'not subscribed')];
  ports.revive = () => {
    ports.calls.push('revive');
    const failure = failures.shift();
    return failure === undefined ? Promise.resolve() : Promise.reject(failure);
  };
  ports.calls.length = 0;
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d1') });
  const advance = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await loop.idle();
    await new Promise((r) => setImmediate(r));
  };
  for (let i = 0; i < 4; i += 1) await advance(1_000);
  expect(ports.calls.filter((c) => c === 'revive')).toEqual(['revive', 'revive']);
  await advance(REVIVE_ROUND_MS);
  expect(ports.calls.filter((c) => c === 'revive')).toEqual(['revive', 'revive', 'revive']);
});

test('while the replica cannot prove it holds the lease, nothing reaches Mesos, even mid-step, and inputs wait rather than being lost', async () => {
  const ports = new RecordingPorts();
  const clock = new FakeClock();
  let may = true;
  const loop = new SchedulerLoop({ state: createScheduler(makeConfig()), sink: ports, mesos: ports, clock, log: silentLogger, mayAct: () => may });
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d1') });
  // The lease lapses while the intent is being written: the ACCEPT is not sent.
  const persist = ports.persist.bind(ports);
  ports.persist = (writes) => {
    may = false;
    return persist(writes);
  };
  ports.calls.length = 0;
  await loop.submit(offersReceived([makeOffer('o1', 4, 8192)]));
  expect(ports.calls).toEqual(['persist d1 launched intent']);
  // Later inputs wait: not processed while the lease cannot be proven...
  const kill = loop.submit({ type: 'KillRequested', submissionId: 'd1' });
  clock.advance(1000);
  await new Promise((r) => setImmediate(r));
  expect(ports.calls).toEqual(['persist d1 launched intent']);
  // ...nor lost: once it can be (a late renewal came), the kill is carried out.
  ports.persist = persist;
  may = true;
  clock.advance(250);
  await kill;
  expect(ports.calls).toContain('kill d1');
  // A stopped loop lets waiting inputs go.
  may = false;
  const dropped = loop.submit({ type: 'KillRequested', submissionId: 'd1' });
  await loop.stop();
  await dropped;
});

test('inputs that wait for a batch in progress form one batch: one write per driver, one DECLINE, no REVIVE while one is unanswered, causal Mesos order', async () => {
  const { ports, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  // Hold the first batch in its status write so the next inputs pile up behind it.
  let release: () => void = () => undefined;
  const persist = ports.persist.bind(ports);
  ports.persist = (writes) => new Promise((resolve) => { release = () => resolve(persist(writes)); });
  const first = loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d0') });
  await new Promise((r) => setImmediate(r));
  ports.persist = persist;
  const batch = [
    ...Array.from({ length: 20 }, (_, i) => loop.submit({ type: 'DriverSubmitted', spec: makeSpec(`d${i + 1}`) })),
    loop.submit(offersReceived([makeOffer('o1', 1, 2048), makeOffer('o2', 0.1, 64)])),
    loop.submit({ type: 'KillRequested', submissionId: 'd0' }),
  ];
  ports.calls.length = 0;
  release();
  await first;
  await Promise.all(batch);
  const firstBatch = ['persist d0 queued', 'revive'];
  expect(ports.calls.slice(0, 2)).toEqual(firstBatch);
  ports.calls.splice(0, 2);
  const persists = ports.calls.filter((c) => c.startsWith('persist'));
  expect(persists).toHaveLength(21);
  expect(new Set(persists.map((c) => c.split(' ')[1])).size).toBe(21);
  // d0 was launched in this batch and then killed: its ACCEPT goes first, then the KILL. No REVIVE:
  // the first batch's was still to be answered when the others came, and they saw its offers.
  const mesos = ports.calls.filter((c) => !c.startsWith('persist'));
  expect(mesos).toEqual(['accept o1 d0', 'kill d0', 'decline o2 120']);
});

test('drivers that finish and are forgotten (past spark.mesos.retainedDrivers) in the same batch still have their status written to their resource', async () => {
  const ports = new RecordingPorts();
  const loop = new SchedulerLoop({
    state: createScheduler(makeConfig({ 'spark.mesos.retainedDrivers': '1' })), sink: ports, mesos: ports, clock: new FakeClock(), log: silentLogger,
  });
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  const ids = ['f1', 'f2', 'f3'];
  for (const id of ids) await loop.submit({ type: 'DriverSubmitted', spec: makeSpec(id, { supervise: false, resource: { namespace: 'ns', name: id, uid: `uid-${id}` } }) });
  await loop.submit(offersReceived([makeOffer('o1', 16, 16384)]));
  ports.writes.length = 0;
  ports.calls.length = 0;
  // The first input starts a batch; the updates wait for it and then form one batch together.
  const done = [loop.submit({ type: 'TimerFired' }), ...ids.map((id) => loop.submit(statusReceived(id, 'TASK_FINISHED', { uuid: true })))];
  await Promise.all(done);
  expect(ports.calls.filter((c) => c.startsWith('forget'))).toEqual(['forget f1', 'forget f2']);
  expect(ports.writes.map((w) => [w.submissionId, w.status.phase, w.resource?.name, w.queue])).toEqual([
    ['f1', 'finished', 'f1', 'default'], ['f2', 'finished', 'f2', 'default'], ['f3', 'finished', 'f3', 'default'],
  ]);
});

test('a batch sends its ACKNOWLEDGEs together, not one answer after another, and its REVIVE only once its DECLINEs were answered', async () => {
  const { ports, loop } = setup();
  await loop.submit({ type: 'Subscribed', frameworkId: 'fw' });
  await loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d1') });
  await loop.submit(offersReceived([makeOffer('o1', 1, 2048)]));
  // Answers are held until released: the loop must not wait for one before sending the next.
  const held: (() => void)[] = [];
  const hold = (call: string): Promise<void> => {
    ports.calls.push(call);
    return new Promise((resolve) => held.push(resolve));
  };
  ports.acknowledge = (ack) => hold(`ack ${ack.taskId}`);
  ports.decline = (offerIds) => hold(`decline ${offerIds.join(',')}`);
  ports.revive = () => hold('revive');
  ports.calls.length = 0;
  const batch = [
    loop.submit(statusReceived('d1', 'TASK_STARTING', { uuid: true })),
    loop.submit(statusReceived('d1', 'TASK_RUNNING', { uuid: true })),
    loop.submit({ type: 'DriverSubmitted', spec: makeSpec('d2') }),
    loop.submit(offersReceived([makeOffer('o2', 0.1, 64)])),
  ];
  const settled = async (): Promise<void> => {
    for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
  };
  await settled();
  // The DECLINE goes first, alone: the REVIVE waits for its answer (it clears the filter the DECLINE sets).
  expect(ports.calls.filter((c) => !c.startsWith('persist'))).toEqual(['decline o2']);
  held.shift()?.();
  await settled();
  // Then the REVIVE and both ACKs, all sent before any of them is answered.
  expect(ports.calls.filter((c) => !c.startsWith('persist') && c !== 'decline o2').sort()).toEqual(['ack d1', 'ack d1', 'revive']);
  for (const release of held.splice(0)) release();
  await Promise.all(batch);
});
