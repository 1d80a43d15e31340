// The translation between the core's words and Mesos's, in both directions: every task state
// has exactly one Mesos name, offers keep what a claim needs to find its resource again, updates
// carry the proof and acknowledgement the core needs, and the framework registers as configured.
import {
  attributesOf, frameworkInfoOf, isTerminalTaskStateName, MESOS_TASK_STATES, mesosEventOf, offerOf, resourceOf, taskStateName,
  taskStateOfName, taskUpdateOf,
} from '../../src/mesos/translation.ts';
import type { TaskStatus, TaskStatusReason, TaskStatusSource } from '../../src/mesos/types.ts';
import { TASK_STATES } from '../../src/scheduler/task-status.ts';
import { makeOffer, scalar } from '../scheduler/fixtures.ts';

describe('task state names', () => {
  test('every core state has its own Mesos name and every Mesos name its own core state, both ways', () => {
    expect(TASK_STATES.map(taskStateName).sort()).toEqual([...MESOS_TASK_STATES].sort());
    for (const state of TASK_STATES) expect(taskStateOfName(taskStateName(state))).toBe(state);
    expect(taskStateOfName('TASK_SLEEPING')).toBeUndefined();
  });

  test.each([
    ['TASK_FINISHED', true], ['TASK_GONE_BY_OPERATOR', true], ['TASK_LOST', true],
    ['TASK_RUNNING', false], ['TASK_UNREACHABLE', false], ['TASK_UNKNOWN', false], ['TASK_SLEEPING', false],
  ])('%s has ended for good as the master sees it: %s', (name, terminal) => {
    expect(isTerminalTaskStateName(name)).toBe(terminal);
  });
});

describe('status updates', () => {
  const status: TaskStatus = {
    task_id: { value: 'd-retry-1' }, state: 'TASK_FAILED', reason: 'REASON_COMMAND_EXECUTOR_FAILED', message: 'exit 1',
    source: 'SOURCE_EXECUTOR', agent_id: { value: 'a1' }, timestamp: 1_700_000_000.5, uuid: new Uint8Array([7, 7]),
  };

  test('an update from an executor: the core state, the names as Mesos gives them, and what its ACK needs', () => {
    expect(taskUpdateOf(status)).toEqual({
      status: {
        taskId: 'd-retry-1', state: 'failed', reason: 'REASON_COMMAND_EXECUTOR_FAILED', message: 'exit 1',
        source: 'SOURCE_EXECUTOR', agentId: 'a1', timestamp: 1_700_000_000.5,
      },
      stateName: 'TASK_FAILED',
      neverReachedAnAgent: false,
      acknowledgement: { taskId: 'd-retry-1', agentId: 'a1', token: new Uint8Array([7, 7]) },
    });
  });

  test('the ACK\'s uuid is a copy of its 16 bytes, not a view of the chunk the update was decoded from', () => {
    const chunk = new Uint8Array(65_536).fill(3);
    const uuid = chunk.subarray(100, 116);
    const token = taskUpdateOf({ ...status, uuid })?.acknowledgement?.token;
    expect(token).toEqual(uuid);
    expect(token?.buffer.byteLength).toBe(16);
  });

  test('a master-generated answer carries no uuid and asks for no ACK', () => {
    const { uuid: _omitted, ...answer } = status;
    const update = taskUpdateOf({ ...answer, state: 'TASK_LOST', reason: 'REASON_RECONCILIATION', message: 'Reconciliation: Task is unknown to the agent', source: 'SOURCE_MASTER' });
    expect(update?.acknowledgement).toBeUndefined();
    expect(update?.neverReachedAnAgent).toBe(true);
  });

  test('enum values newer than our protos: an unknown state is not translated, an unknown reason or source is kept as text', () => {
    expect(taskUpdateOf({ ...status, state: 42 as unknown as TaskStatus['state'] })).toBeUndefined();
    expect(mesosEventOf({ type: 'update', status: { ...status, state: 42 as unknown as TaskStatus['state'] } })).toEqual({
      ok: false, problem: 'an update of task d-retry-1 in state 42, which this dispatcher does not know',
    });
    const odd = taskUpdateOf({ ...status, reason: 77 as unknown as TaskStatusReason, source: 9 as unknown as TaskStatusSource });
    expect(odd?.status).toMatchObject({ reason: '77', source: '9' });
  });
});

test('subscription events in the core\'s words: the master\'s own details left out, the rest as they are', () => {
  expect(mesosEventOf({ type: 'subscribed', frameworkId: 'fw', heartbeatIntervalSeconds: 15, master: 'http://m:5050', masterInfo: { id: 'm', ip: 1, port: 5050 } }))
    .toEqual({ ok: true, event: { type: 'subscribed', frameworkId: 'fw', heartbeatIntervalSeconds: 15, master: 'http://m:5050' } });
  expect(mesosEventOf({ type: 'offers', offers: [makeOffer('o1', 1, 100)] })).toMatchObject({ ok: true, event: { type: 'offers', offers: [{ id: 'o1', cpus: [{ amountMilli: 1000 }] }] } });
  expect(mesosEventOf({ type: 'rescind', offerId: 'o1' })).toEqual({ ok: true, event: { type: 'rescind', offerId: 'o1' } });
});

describe('offers', () => {
  test('cpus and mem numbered as the offer lists them, with their roles; other and empty resources left out', () => {
    const offer = makeOffer('o1', 0, 0, {
      agent: 'agent-7',
      resources: [
        scalar('disk', 100), scalar('cpus', 1.5, '*'), scalar('mem', 0, '*'),
        { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 2 }] } },
        scalar('cpus', 2, 'spark', { reservation: { type: 'STATIC', role: 'spark' } }), scalar('mem', 512, undefined, { allocation_info: { role: 'etl' } }),
      ],
    });
    expect(offerOf(offer)).toEqual({
      id: 'o1', agentId: 'agent-7', hostname: 'host-o1', frameworkId: 'fw',
      cpus: [{ index: 1, role: '*', amountMilli: 1500 }, { index: 4, role: 'spark', amountMilli: 2000 }],
      mem: [{ index: 5, role: 'etl', amountMilli: 512_000 }],
      attributes: new Map(),
    });
  });

  test('attributes by type, the last of a repeated name winning, absent values read as Spark read them', () => {
    expect(attributesOf([
      { name: 'zone', type: 'TEXT', text: { value: 'a' } }, { name: 'zone', type: 'TEXT', text: { value: 'b' } },
      { name: 'gpus', type: 'SCALAR' }, { name: 'racks', type: 'SET', set: { item: ['r1'] } }, { name: 'ports', type: 'RANGES' },
    ])).toEqual(new Map<string, unknown>([
      ['zone', { type: 'text', value: 'b' }], ['gpus', { type: 'scalar', value: Number.NaN }],
      ['racks', { type: 'set', items: ['r1'] }], ['ports', { type: 'ranges', ranges: [] }],
    ]));
  });

  test('a claim becomes its offered resource, reservation kept, with the amount claimed; a claim of another offer is refused', () => {
    const reservation = { type: 'DYNAMIC' as const, role: 'spark', principal: 'ops' };
    const offer = makeOffer('o1', 0, 0, { resources: [scalar('mem', 4096, 'spark', { reservation })] });
    expect(resourceOf({ name: 'mem', index: 0, role: 'spark', amountMilli: 1_024_500 }, offer)).toEqual(scalar('mem', 1024.5, 'spark', { reservation }));
    expect(() => resourceOf({ name: 'cpus', index: 0, role: 'spark', amountMilli: 1000 }, offer)).toThrow('offer o1 has no cpus resource #0');
  });
});

test('the framework registers with the settings given, and the GPU capability only when asked', () => {
  expect(frameworkInfoOf({ user: 'spark', name: 'Dispatcher', failoverTimeoutSeconds: 600, checkpoint: true })).toEqual({
    user: 'spark', name: 'Dispatcher', failover_timeout: 600, checkpoint: true,
  });
  expect(frameworkInfoOf({
    user: 'spark', name: 'Dispatcher', failoverTimeoutSeconds: 600, checkpoint: false, hostname: 'h', webuiUrl: 'http://h:8081',
    role: 'spark', principal: 'ops', gpuResources: true,
  })).toEqual({
    user: 'spark', name: 'Dispatcher', failover_timeout: 600, checkpoint: false, hostname: 'h', webui_url: 'http://h:8081',
    role: 'spark', principal: 'ops', capabilities: [{ type: 'GPU_RESOURCES' }],
  });
});
