// What the core does when the master takes an offer back (OfferRescinded) and when the
// subscription is lost (Disconnected): launches that cannot have happened go back to the queue at
// once, and nothing is launched or asked of the master until the next Subscribed.
import type { Effect } from '../../src/scheduler/effects.ts';
import { createScheduler, driverView, step, type SchedulerState } from '../../src/scheduler/scheduler.ts';
import { launchedIds, makeConfig, makeOffer, makeSpec, offersReceived, statusReceived } from './fixtures.ts';

const types = (effects: Effect[]) => effects.map((e) => e.type);
const statusOf = (state: SchedulerState, id: string) => driverView(state, id)?.status;

/** Subscribed, with `ids` queued and then launched on offer o1 (one agent, room for all). */
function launchedOnO1(...ids: string[]): SchedulerState {
  const state = createScheduler(makeConfig());
  step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
  for (const id of ids) step(state, { type: 'DriverSubmitted', spec: makeSpec(id) }, 1);
  expect(launchedIds(step(state, offersReceived([makeOffer('o1', 8, 8000)]), 2))).toEqual(ids);
  return state;
}

describe('OfferRescinded', () => {
  test('launches on the offer with no news yet are queued again under the next task ID, and offers revived', () => {
    const state = launchedOnO1('a', 'b');
    const effects = step(state, { type: 'OfferRescinded', offerId: 'o1' }, 3);
    expect(types(effects)).toEqual(['PersistDriver', 'PersistDriver', 'ReviveOffers', 'ScheduleWake']);
    expect(effects[0]).toEqual({
      type: 'PersistDriver', submissionId: 'a', from: 'launched', queue: 'default', submittedAtMs: 1_000, resource: undefined, backend: 'mesos',
      status: { phase: 'queued', attempts: 1, retries: 0, message: 'Launch of task a never reached an agent (offer o1 was rescinded); queued again' },
    });
    expect(step(state, { type: 'OfferRescinded', offerId: 'o1' }, 3)).toEqual([]);
    expect(launchedIds(step(state, offersReceived([makeOffer('o2', 8, 8000)]), 4))).toEqual(['a-retry-1', 'b-retry-1']);
  });

  test('a launch that has had news did reach Mesos: the rescind leaves it alone', () => {
    const state = launchedOnO1('a', 'b');
    step(state, statusReceived('a', 'TASK_STARTING'), 3);
    expect(types(step(state, { type: 'OfferRescinded', offerId: 'o1' }, 4))).toEqual(['PersistDriver', 'ReviveOffers', 'ScheduleWake']);
    expect(statusOf(state, 'a')).toMatchObject({ phase: 'launched', attempt: { taskId: 'a' } });
    expect(statusOf(state, 'b')).toMatchObject({ phase: 'queued' });
  });

  test('a driver whose kill was asked for finishes killed instead of going back to the queue', () => {
    const state = launchedOnO1('a');
    step(state, { type: 'KillRequested', submissionId: 'a' }, 3);
    step(state, { type: 'OfferRescinded', offerId: 'o1' }, 4);
    expect(statusOf(state, 'a')).toMatchObject({ phase: 'finished', outcome: 'killed', reason: 'KillRequested' });
  });

  test('rescinding a declined offer, or an offer of an earlier subscription, changes nothing', () => {
    const state = launchedOnO1('a');
    step(state, { type: 'DriverSubmitted', spec: makeSpec('big', { props: { 'spark.driver.cores': '64' } }) }, 3);
    expect(types(step(state, offersReceived([makeOffer('small', 1, 1000)]), 4))).toEqual(['PersistDriver', 'DeclineOffers']); // PersistDriver: it is larger than any offer seen
    expect(step(state, { type: 'OfferRescinded', offerId: 'small' }, 5)).toEqual([]);
    // A new subscription voids every earlier offer without a RESCIND; its launches are reconciled instead.
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 6);
    expect(step(state, { type: 'OfferRescinded', offerId: 'o1' }, 7)).toEqual([]);
    expect(statusOf(state, 'a')?.phase).toBe('launched');
    expect(state.launchesByOffer.size).toBe(0);
  });

  test('launches leave the bookkeeping once they have news, so it does not grow', () => {
    const state = launchedOnO1('a', 'b');
    step(state, statusReceived('a', 'TASK_RUNNING'), 3);
    expect(state.launchesByOffer.get('o1')?.map((e) => e.spec.submissionId)).toEqual(['b']);
    step(state, statusReceived('b', 'TASK_FAILED'), 4);
    expect(state.launchesByOffer.size).toBe(0);
  });
});

describe('Disconnected', () => {
  test('nothing is launched, declined or asked of the master until the next Subscribed', () => {
    const state = createScheduler(makeConfig());
    step(state, { type: 'Subscribed', frameworkId: 'fw' }, 0);
    step(state, { type: 'DriverSubmitted', spec: makeSpec('a') }, 1);
    expect(step(state, { type: 'Disconnected' }, 2)).toEqual([]);
    // Offers delivered before the disconnect was seen belong to the dead subscription.
    expect(step(state, offersReceived([makeOffer('o1', 8, 8000)]), 3)).toEqual([]);
    expect(statusOf(state, 'a')?.phase).toBe('queued');
    expect(types(step(state, { type: 'DriverSubmitted', spec: makeSpec('b') }, 4))).toEqual(['PersistDriver']);
    expect(types(step(state, { type: 'Subscribed', frameworkId: 'fw' }, 5))).toEqual(['ReconcileTasks', 'ReviveOffers', 'ScheduleWake']);
    expect(launchedIds(step(state, offersReceived([makeOffer('o2', 8, 8000)]), 6))).toEqual(['a', 'b']);
  });

  test('launches of the lost subscription are left to reconciliation, not to a rescind that cannot come', () => {
    const state = launchedOnO1('a');
    step(state, { type: 'Disconnected' }, 3);
    expect(state.launchesByOffer.size).toBe(0);
    expect(step(state, { type: 'Subscribed', frameworkId: 'fw' }, 4)).toContainEqual({ type: 'ReconcileTasks', tasks: [{ taskId: 'a', agentId: 'agent-o1' }] });
  });
});
