import * as calls from '../../src/mesos/calls.ts';
import { acknowledgementOf } from '../../src/mesos/translation.ts';
import type { TaskStatus } from '../../src/mesos/types.ts';

const info = { user: 'spark', name: 'Spark Dispatcher', failover_timeout: 604800 };

describe('call builders', () => {
  test('a first SUBSCRIBE carries no framework ID anywhere', () => {
    const call = calls.subscribeCall({ ...info, id: { value: 'stale' } });
    expect(call).toEqual({ type: 'SUBSCRIBE', subscribe: { framework_info: info } });
  });

  test('a re-SUBSCRIBE sets the framework ID on the call and in the FrameworkInfo', () => {
    expect(calls.subscribeCall(info, 'fw-1', ['spark'])).toEqual({
      type: 'SUBSCRIBE',
      framework_id: { value: 'fw-1' },
      subscribe: { framework_info: { ...info, id: { value: 'fw-1' } }, suppressed_roles: ['spark'] },
    });
  });

  test('ACCEPT, DECLINE, REVIVE, SUPPRESS, KILL, RECONCILE, TEARDOWN', () => {
    const task = { name: 't', task_id: { value: 't' }, agent_id: { value: 'a' } };
    expect(calls.acceptCall('fw', ['o1', 'o2'], [calls.launchOperation([task])], { refuse_seconds: 30 })).toEqual({
      framework_id: { value: 'fw' }, type: 'ACCEPT',
      accept: { offer_ids: [{ value: 'o1' }, { value: 'o2' }], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }], filters: { refuse_seconds: 30 } },
    });
    expect(calls.declineCall('fw', ['o'])).toEqual({ framework_id: { value: 'fw' }, type: 'DECLINE', decline: { offer_ids: [{ value: 'o' }] } });
    expect(calls.reviveCall('fw', ['r'])).toEqual({ framework_id: { value: 'fw' }, type: 'REVIVE', revive: { roles: ['r'] } });
    expect(calls.suppressCall('fw')).toEqual({ framework_id: { value: 'fw' }, type: 'SUPPRESS', suppress: { roles: [] } });
    expect(calls.killCall('fw', 't', 'a', { grace_period: { nanoseconds: 1e9 } })).toEqual({
      framework_id: { value: 'fw' }, type: 'KILL', kill: { task_id: { value: 't' }, agent_id: { value: 'a' }, kill_policy: { grace_period: { nanoseconds: 1e9 } } },
    });
    expect(calls.reconcileCall('fw', [{ taskId: 't1', agentId: 'a' }, { taskId: 't2' }])).toEqual({
      framework_id: { value: 'fw' }, type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 't1' }, agent_id: { value: 'a' } }, { task_id: { value: 't2' } }] },
    });
    expect(calls.reconcileCall('fw', [])).toEqual({ framework_id: { value: 'fw' }, type: 'RECONCILE', reconcile: { tasks: [] } });
    expect(calls.teardownCall('fw')).toEqual({ framework_id: { value: 'fw' }, type: 'TEARDOWN' });
  });

  test('ACKNOWLEDGE echoes the exact uuid bytes, and is withheld for updates without one', () => {
    const uuid = Uint8Array.from({ length: 16 }, (_, i) => i);
    const status: TaskStatus = { task_id: { value: 't' }, state: 'TASK_RUNNING', agent_id: { value: 'a' }, uuid };
    const acknowledgement = acknowledgementOf(status);
    expect(acknowledgement).toEqual({ taskId: 't', agentId: 'a', token: uuid });
    expect(calls.acknowledgeCall('fw', { taskId: 't', agentId: 'a', uuid })).toEqual({
      framework_id: { value: 'fw' }, type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid },
    });
    // Master-generated updates (reconciliation, validation, agent loss) carry no uuid and are never resent.
    const { uuid: _omitted, ...reconciliation } = status;
    expect(acknowledgementOf({ ...reconciliation, reason: 'REASON_RECONCILIATION' })).toBeUndefined();
    expect(acknowledgementOf({ ...status, uuid: new Uint8Array(0) })).toBeUndefined();
  });
});
