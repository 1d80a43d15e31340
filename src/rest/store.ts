// The port the REST server submits through: create a driver, read its status, request a kill.
// The Kubernetes adapter implements it over SparkDriver resources; tests use an in-memory fake.
// The shapes carry what Spark's MesosClusterScheduler answered (reference §4.1, §4.2, §4.8).

/** A CreateSubmissionRequest that passed the original's validation (reference §7.2). */
export interface ValidatedSubmission {
  /** The primary resource: the application jar or Python file URL. */
  readonly appResource: string;
  /** Empty for Python and R applications, as spark-submit sends it. */
  readonly mainClass: string;
  readonly appArgs: readonly string[];
  /** Every submitted property, unfiltered; `spark.app.name` is always present. */
  readonly sparkProperties: Readonly<Record<string, string>>;
  /** The client's forwarded SPARK_* and MESOS_* variables. */
  readonly environmentVariables: Readonly<Record<string, string>>;
  /** `sparkProperties['spark.app.name']`, the driver's name. */
  readonly appName: string;
  /** The Spark version of the submitting client, for the record. */
  readonly clientSparkVersion: string;
  /** Set only by callers that must choose the ID themselves; the REST server never sets it. */
  readonly submissionId?: string;
}

/**
 * The driver states the original reports (§4.1): it checks QUEUED, RUNNING, FINISHED and
 * RETRYING in that order. FINISHED covers every terminal outcome, and RUNNING includes a task
 * that is still staging. NOT_FOUND is not a state here: `status` answers `undefined` instead.
 */
export type DriverState = 'QUEUED' | 'RUNNING' | 'RETRYING' | 'FINISHED';

/** What the status call reports for a driver that exists (§4.8). */
export interface SubmissionStatusView {
  readonly driverState: DriverState;
  /**
   * QUEUED: none. RUNNING and FINISHED: the last task status in protobuf text form
   * (`task_id {\n  value: "…"\n}\nstate: TASK_RUNNING\n…`), if there is one. RETRYING: the text
   * form of the failure that caused the retry. FINISHED is all the original said about the
   * outcome, so this text is where clients read success or failure.
   */
  readonly message?: string;
  /** Never set by the Mesos dispatcher (only Spark's standalone master fills these). */
  readonly workerId?: string;
  readonly workerHostPort?: string;
}

/** The answer to a create: the new driver's ID, or a refusal that becomes `success: false`. */
export type CreateOutcome =
  | { readonly kind: 'created'; readonly submissionId: string }
  /** E.g. `Already reached maximum submission size`, or a problem found before queueing. */
  | { readonly kind: 'rejected'; readonly message: string };

/** What a kill found, one value per outcome of the original (§4.2 K1–K5). */
export type KillOutcome =
  /** K1: the running attempt is being killed; the driver stays RUNNING until it ends. */
  | 'killing-running'
  /** K2: removed while queued; afterwards the status is NOT_FOUND in the original. */
  | 'removed-queued'
  /** K3: removed while waiting to be retried. */
  | 'removed-retrying'
  /** K4: nothing to do (`success: false`). */
  | 'already-finished'
  /** K5: no such driver (`success: false`). */
  | 'not-found';

/**
 * Where submissions go. Implementations must be safe to call concurrently. A rejected promise
 * is a runtime failure (the Kubernetes API is unreachable, …): the server answers HTTP 500
 * with a JSON ErrorResponse and logs it; expected refusals use `CreateOutcome` instead.
 */
export interface SubmissionStore {
  /** Creates the driver; the store picks a unique ID (`driver-<yyyyMMddHHmmss>-<NNNN>`) unless given one. */
  create(request: ValidatedSubmission): Promise<CreateOutcome>;
  /** The driver as the REST status call reports it, or undefined if there is none. */
  status(submissionId: string): Promise<SubmissionStatusView | undefined>;
  /** Requests a kill and says what was found. */
  kill(submissionId: string): Promise<KillOutcome>;
}
