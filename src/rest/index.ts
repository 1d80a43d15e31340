// Public surface of the REST submission API (Spark's protocol v1): the server, the store port
// the Kubernetes adapter implements, and the helpers it needs to answer as the original did.
export {
  startRestServer, createRestHandler, DEFAULT_MAX_BODY_BYTES, DEFAULT_REST_HOST, DEFAULT_REST_PORT,
  type RestServer, type RestServerOptions,
} from './server.ts';
export type { RestAuth } from './auth.ts';
export type {
  CreateOutcome, DriverState, KillOutcome, SubmissionStatusView, SubmissionStore, ValidatedSubmission,
} from './store.ts';
export { submissionIdAt, SUBMISSION_ID_PATTERN } from './submission-id.ts';
export { DEFAULT_SERVER_SPARK_VERSION } from './messages.ts';
