// An in-memory SubmissionStore that answers as Spark's MesosClusterScheduler did: IDs from a
// counter and a fixed clock, the maxDrivers admission check, and the kill outcomes per state
// (a queued or retrying driver is dropped, a running one stays RUNNING until it ends).
import type {
  CreateOutcome, KillOutcome, SubmissionStatusView, SubmissionStore, ValidatedSubmission,
} from '../../src/rest/store.ts';
import { submissionIdAt } from '../../src/rest/submission-id.ts';

export class FakeSubmissionStore implements SubmissionStore {
  readonly created: ValidatedSubmission[] = [];
  readonly killed: string[] = [];
  readonly drivers = new Map<string, SubmissionStatusView>();
  /** When set, every call rejects with it (the Kubernetes API is down, say). */
  failWith: Error | undefined;
  /** Like `spark.mesos.maxDrivers`: creates are refused while this many drivers run. */
  maxRunning = Number.POSITIVE_INFINITY;
  private counter = 0;
  private readonly nowMs: number;

  /** `nowMs` stamps every ID; the default gives the reference's `driver-20240131235959-0001`. */
  constructor(nowMs = Date.UTC(2024, 0, 31, 23, 59, 59)) {
    this.nowMs = nowMs;
  }

  create(request: ValidatedSubmission): Promise<CreateOutcome> {
    if (this.failWith) return Promise.reject(this.failWith);
    const running = [...this.drivers.values()].filter((d) => d.driverState === 'RUNNING').length;
    if (running >= this.maxRunning) return Promise.resolve({ kind: 'rejected', message: 'Already reached maximum submission size' });
    this.counter += 1;
    const submissionId = request.submissionId ?? submissionIdAt(this.nowMs, this.counter);
    this.created.push(request);
    this.drivers.set(submissionId, { driverState: 'QUEUED' });
    return Promise.resolve({ kind: 'created', submissionId });
  }

  status(submissionId: string): Promise<SubmissionStatusView | undefined> {
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve(this.drivers.get(submissionId));
  }

  kill(submissionId: string): Promise<KillOutcome> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.killed.push(submissionId);
    const driver = this.drivers.get(submissionId);
    switch (driver?.driverState) {
      case undefined:
        return Promise.resolve('not-found');
      case 'RUNNING':
        return Promise.resolve('killing-running');
      case 'QUEUED':
        this.drivers.delete(submissionId);
        return Promise.resolve('removed-queued');
      case 'RETRYING':
        this.drivers.delete(submissionId);
        return Promise.resolve('removed-retrying');
      case 'FINISHED':
        return Promise.resolve('already-finished');
    }
  }
}
