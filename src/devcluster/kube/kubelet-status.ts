// The pod status the emulated kubelet reports, derived from what its containers are doing: each
// container waiting, running or terminated (exit code, reason as the real kubelet names it:
// Completed, Error, OOMKilled, StartError), and the pod's phase, conditions and addresses. Pure.

import type { Obj } from './json.ts';
import { rfc3339 } from './time.ts';

export type ContainerState =
  | { readonly kind: 'waiting'; readonly reason: string; readonly message?: string }
  | { readonly kind: 'running'; readonly startedAt: number }
  | {
    readonly kind: 'terminated'; readonly exitCode: number; readonly reason: string; readonly message?: string;
    readonly signal?: number; readonly startedAt: number; readonly finishedAt: number;
  };

export interface ContainerView {
  readonly name: string;
  readonly image: string;
  readonly restartCount: number;
  readonly state: ContainerState;
  readonly lastState?: ContainerState;
}

export interface PodView {
  readonly uid: string;
  readonly startedAtMs: number;
  readonly readyChangedAtMs: number;
  readonly containers: readonly ContainerView[];
  /** Set when the kubelet evicted the pod: the message it gives. */
  readonly evicted?: string;
  readonly hostIP: string;
}

function stateJson(state: ContainerState, containerID: string): Obj {
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, ...(state.message !== undefined && { message: state.message }) } };
    case 'running':
      return { running: { startedAt: rfc3339(state.startedAt) } };
    case 'terminated':
      return {
        terminated: {
          exitCode: state.exitCode, reason: state.reason, ...(state.message !== undefined && { message: state.message }),
          ...(state.signal !== undefined && { signal: state.signal }),
          startedAt: rfc3339(state.startedAt), finishedAt: rfc3339(state.finishedAt), containerID,
        },
      };
  }
}

/** Pending until every container started; Succeeded or Failed once none runs or will run again; else Running. */
export function podPhase(view: PodView): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  if (view.evicted !== undefined) return 'Failed';
  const states = view.containers.map((c) => c.state);
  if (states.some((s) => s.kind === 'waiting' && s.reason !== 'ContainerCreating')) return 'Pending';
  if (states.every((s) => s.kind === 'terminated')) return states.every((s) => s.kind === 'terminated' && s.exitCode === 0) ? 'Succeeded' : 'Failed';
  if (states.some((s) => s.kind === 'waiting')) return 'Pending';
  return 'Running';
}

export function podStatusOf(view: PodView): Obj {
  const phase = podPhase(view);
  const ready = view.containers.every((c) => c.state.kind === 'running');
  const condition = (type: string, status: boolean, at: number): Obj => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: rfc3339(at) });
  const started = phase !== 'Pending';
  return {
    phase,
    ...(view.evicted !== undefined && { reason: 'Evicted', message: view.evicted }),
    conditions: [
      condition('PodScheduled', true, view.startedAtMs),
      condition('Initialized', true, view.startedAtMs),
      condition('ContainersReady', ready, view.readyChangedAtMs),
      condition('Ready', ready, view.readyChangedAtMs),
    ],
    hostIP: view.hostIP,
    hostIPs: [{ ip: view.hostIP }],
    ...(started && { podIP: view.hostIP, podIPs: [{ ip: view.hostIP }] }),
    startTime: rfc3339(view.startedAtMs),
    qosClass: 'Burstable',
    containerStatuses: view.containers.map((c) => {
      const containerID = `emulated://${view.uid}/${c.name}/${c.restartCount}`;
      return {
        name: c.name, image: c.image, imageID: `emulated://${c.image}`, ...(c.state.kind !== 'waiting' && { containerID }),
        ready: c.state.kind === 'running', started: c.state.kind === 'running', restartCount: c.restartCount,
        state: stateJson(c.state, containerID), lastState: c.lastState === undefined ? {} : stateJson(c.lastState, containerID),
      };
    }),
  };
}

/** The reason a terminated container gets, as the real kubelet names it. */
export function terminationReason(exit: { exitCode: number; signal?: string; startError?: string }, oomKilled: boolean): string {
  if (exit.startError !== undefined) return 'StartError';
  if (oomKilled) return 'OOMKilled';
  return exit.exitCode === 0 ? 'Completed' : 'Error';
}
