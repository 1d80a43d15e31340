// The controller writes the status when the resource lags the core: a status the core is ahead
// of (a write that found the resource not yet in a new leader's cache) is written once the
// resource is seen; nothing is written when the resource is current or a write is on its way.
import { jest } from '@jest/globals';
import { DriverController } from '../../src/operator/driver-controller.ts';
import type { StatusWrite, StatusWriter } from '../../src/operator/status-writer.ts';
import type { SchedulerLoop } from '../../src/operator/scheduler-loop.ts';
import type { Informer } from '../../src/kube/informer.ts';
import type { KubeClient } from '../../src/kube/kube-client.ts';
import type { EventRecorder } from '../../src/kube/event-recorder.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import type { DriverStatus } from '../../src/scheduler/index.ts';
import { toResourceStatus } from '../../src/sparkdriver/driver-status.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

const queued: DriverStatus = { phase: 'queued', attempts: 0, retries: 0 };
const killed: DriverStatus = { phase: 'finished', attempts: 0, retries: 0, outcome: 'killed', reason: 'KillRequested', message: 'Removed', finishedAtMs: 5 };

function resource(recorded: DriverStatus, generation: number): object {
  return {
    apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver',
    metadata: { name: 'parked', namespace: 'default', uid: 'u1', generation, creationTimestamp: '2026-01-01T00:00:00Z', resourceVersion: '7' },
    spec: { appResource: 'http://repo/app.jar', sparkProperties: { 'spark.app.name': 'parked' }, submissionId: 'd1', kill: true },
    status: toResourceStatus(undefined, recorded, { nowMs: 1, generation, submissionId: 'd1', queue: 'default' }),
  };
}

function controller(raw: object, core: DriverStatus | undefined, pending = false) {
  const persisted: StatusWrite[] = [];
  const writer = {
    pending: () => (pending ? Promise.resolve() : undefined),
    persist: jest.fn((writes: StatusWrite[]) => { persisted.push(...writes); return Promise.resolve(); }),
    forgetResource: () => undefined,
  };
  const submitted: unknown[] = [];
  const loop = {
    view: () => (core === undefined ? undefined : { spec: { queue: 'default' }, status: core }),
    submit: (input: unknown) => { submitted.push(input); return Promise.resolve(); },
  };
  const reconciler = new DriverController({
    kube: {} as KubeClient, informer: { get: () => raw } as unknown as Informer, loop: loop as unknown as SchedulerLoop,
    writer: writer as unknown as StatusWriter, events: {} as EventRecorder, clock: new FakeClock(), log: silentLogger,
  });
  return { reconciler, persisted, submitted };
}

test('a resource behind the core (its generation observed) gets the core\'s status', async () => {
  const { reconciler, persisted } = controller(resource(queued, 2), killed);
  await reconciler.reconcile('default/parked');
  expect(persisted).toEqual([expect.objectContaining({ submissionId: 'd1', status: killed, intent: false })]);
});

test('a current resource, or one whose write is on its way, is left alone', async () => {
  const current = controller(resource(killed, 2), killed);
  await current.reconciler.reconcile('default/parked');
  expect(current.persisted).toEqual([]);
  const writing = controller(resource(queued, 2), killed, true);
  await writing.reconciler.reconcile('default/parked');
  expect(writing.persisted).toEqual([]);
});

test('a recorded driver the core does not know (its record landed after the restore) is restored; a finished one is not', async () => {
  const unknownQueued = controller(resource(queued, 2), undefined);
  await unknownQueued.reconciler.reconcile('default/parked');
  expect(unknownQueued.submitted).toEqual([{ type: 'DriverRestored', record: expect.objectContaining({ status: queued }) }]);
  const unknownFinished = controller(resource(killed, 2), undefined);
  await unknownFinished.reconciler.reconcile('default/parked');
  expect(unknownFinished.submitted).toEqual([]);
});
