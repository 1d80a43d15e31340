// A command executor without a process, for runs that need thousands of live tasks (the
// benchmark): each task reports what the real command executor reports for a command that
// starts at once — TASK_STARTING, TASK_RUNNING, then TASK_FINISHED after `runMs` (or never) —
// and a kill reports TASK_KILLING (when the framework is capable) then TASK_KILLED. The updates
// go through the agent's status update manager like any others (reliable, retried until ACKed).
import type { LaunchFunction } from './agent.ts';
import type { ExecutorUpdate, RunningCommandTask } from './executor.ts';
import { strsignal } from './executor.ts';

export interface SimulatedTaskOptions {
  /** How long each task runs before it succeeds; absent: until killed. */
  runMs?: number;
  /** Called as each task is launched, with the task ID (the benchmark times launches with it). */
  onLaunch?: (taskId: string) => void;
}

/** The LaunchFunction to pass as `launchTask` to `startMesosMaster`. */
export function simulatedTasks(options: SimulatedTaskOptions = {}): LaunchFunction {
  return (request, onUpdate) => {
    options.onLaunch?.(request.task.task_id.value);
    const { clock } = request;
    const { promise: done, resolve } = Promise.withResolvers<void>();
    let state: 'starting' | 'running' | 'killing' | 'terminated' = 'starting';
    let cancelRun: (() => void) | undefined;
    const emit = (update: ExecutorUpdate): void => {
      if (state === 'terminated') return;
      if (update.state !== 'TASK_STARTING' && update.state !== 'TASK_RUNNING' && update.state !== 'TASK_KILLING') {
        state = 'terminated';
        cancelRun?.();
        resolve();
      }
      onUpdate(update);
    };
    // Asynchronous like the real executor: never an update during the launch call.
    clock.setTimer(0, () => {
      emit({ state: 'TASK_STARTING', source: 'SOURCE_EXECUTOR' });
      if (state !== 'starting') return;
      state = 'running';
      emit({ state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR' });
      if (options.runMs !== undefined) {
        cancelRun = clock.setTimer(options.runMs, () => emit({ state: 'TASK_FINISHED', source: 'SOURCE_EXECUTOR', message: 'Command exited with status 0' }));
      }
    });
    const task: RunningCommandTask = {
      pid: undefined,
      done,
      kill() {
        // A repeated kill changes nothing: the first one already ends the task.
        if (state === 'terminated' || state === 'killing') return;
        if (state === 'starting') {
          emit({ state: 'TASK_KILLED', reason: 'REASON_TASK_KILLED_DURING_LAUNCH', source: 'SOURCE_AGENT', message: 'Killed before delivery to the executor' });
          return;
        }
        state = 'killing';
        if (request.taskKillingState) emit({ state: 'TASK_KILLING', source: 'SOURCE_EXECUTOR' });
        // A process that honours SIGTERM at once.
        clock.setTimer(0, () => emit({ state: 'TASK_KILLED', source: 'SOURCE_EXECUTOR', message: `Command terminated with signal ${strsignal('SIGTERM')}` }));
      },
    };
    return task;
  };
}
