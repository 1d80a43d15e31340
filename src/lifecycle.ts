// The dispatcher's parts in the order they stop: first what takes new work in (the REST API),
// then the controllers (they finish the reconciles and status writes in flight, close the Mesos
// stream and release the Lease), then the servers that only report (UI, metrics, probes). A
// stage stops all its parts at once; the whole stop is bounded by a deadline, after which the
// parts still stopping are named and abandoned, so that the process exits before Kubernetes'
// grace period ends and kills it.
import type { Clock } from './runtime/clock.ts';
import type { Logger } from './runtime/logger.ts';

export const STAGES = ['intake', 'controllers', 'servers'] as const;
export type Stage = (typeof STAGES)[number];

export interface Part {
  readonly name: string;
  stop(): Promise<void>;
}

export interface LifecycleOptions {
  clock: Clock;
  log: Logger;
  /** Default 25 s: inside Kubernetes' default 30 s termination grace period. */
  deadlineMs?: number;
}

export class Lifecycle {
  private readonly o: LifecycleOptions;
  private readonly parts = new Map<Stage, Part[]>(STAGES.map((s) => [s, []]));
  private stopping: Promise<void> | undefined;
  /** Index in STAGES of the stage being stopped; parts added to it or an earlier one stop at once. */
  private stageReached = -1;
  private finish: () => void = () => undefined;
  /** Resolves once stop() has run to its end (or its deadline). */
  readonly done = new Promise<void>((resolve) => { this.finish = resolve; });

  constructor(options: LifecycleOptions) {
    this.o = options;
  }

  /** Registers a started part; it is stopped with its stage (at once if that stage has begun stopping). */
  add(stage: Stage, part: Part): void {
    if (STAGES.indexOf(stage) <= this.stageReached) void this.stopPart(part);
    else this.parts.get(stage)!.push(part);
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Stops every part, stage by stage; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    const pending = new Set<string>();
    let cancelDeadline: () => void = () => undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      cancelDeadline = this.o.clock.setTimer(this.o.deadlineMs ?? 25_000, () => resolve('deadline'));
    });
    const stages = (async () => {
      for (const [index, stage] of STAGES.entries()) {
        this.stageReached = index;
        await Promise.all(this.parts.get(stage)!.map(async (part) => {
          pending.add(part.name);
          await this.stopPart(part);
          pending.delete(part.name);
        }));
      }
      return 'stopped' as const;
    })();
    if ((await Promise.race([stages, deadline])) === 'deadline') {
      this.o.log.error({ stillStopping: [...pending] }, 'the shutdown deadline passed; exiting without waiting for the rest');
    }
    cancelDeadline();
    this.finish();
  }

  private async stopPart(part: Part): Promise<void> {
    try {
      await part.stop();
    } catch (error) {
      this.o.log.warn({ part: part.name, err: (error as Error).message }, 'a part failed to stop cleanly');
    }
  }
}
