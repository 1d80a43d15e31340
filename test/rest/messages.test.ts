// The response texts, byte for byte: every create, status and kill outcome of the original, in
// Jackson's layout with sorted keys and absent fields left out.
import { createResponse, killResponse, renderResponse, statusResponse, type ResponseMessage } from '../../src/rest/messages.ts';
import type { KillOutcome, SubmissionStatusView } from '../../src/rest/store.ts';
import { FAILED_TASK_STATUS, RUNNING_TASK_STATUS } from './spark-client-fixtures.ts';

const ID = 'driver-20240131235959-0001';
const text = (message: ResponseMessage): string => renderResponse(message, '3.5.1');

describe('create responses', () => {
  test('created (reference §7.3)', () => {
    expect(text(createResponse({ kind: 'created', submissionId: ID }, []))).toBe(`{
  "action" : "CreateSubmissionResponse",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "driver-20240131235959-0001",
  "success" : true
}`);
  });

  test('created with unknown fields', () => {
    expect(text(createResponse({ kind: 'created', submissionId: ID }, ['driverCores', 'queue']))).toBe(`{
  "action" : "CreateSubmissionResponse",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "driver-20240131235959-0001",
  "success" : true,
  "unknownFields" : [ "driverCores", "queue" ]
}`);
  });

  test('rejected by the admission limit: no submission ID, success false', () => {
    expect(text(createResponse({ kind: 'rejected', message: 'Already reached maximum submission size' }, []))).toBe(`{
  "action" : "CreateSubmissionResponse",
  "message" : "Already reached maximum submission size",
  "serverSparkVersion" : "3.5.1",
  "success" : false
}`);
  });
});

describe('status responses in every driver state (reference §4.8)', () => {
  test.each<[string, SubmissionStatusView | undefined, string]>([
    ['QUEUED: no message', { driverState: 'QUEUED' }, `{
  "action" : "SubmissionStatusResponse",
  "driverState" : "QUEUED",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "${ID}",
  "success" : true
}`],
    ['RUNNING: the last task status', { driverState: 'RUNNING', message: RUNNING_TASK_STATUS }, `{
  "action" : "SubmissionStatusResponse",
  "driverState" : "RUNNING",
  "message" : "task_id {\\n  value: \\"${ID}\\"\\n}\\nstate: TASK_RUNNING\\nslave_id {\\n  value: \\"7b1b2f3c-5d1e-4f0a-9c1b-0a1b2c3d4e5f-S0\\"\\n}\\ntimestamp: 1.706745605123E9\\nsource: SOURCE_EXECUTOR\\n",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "${ID}",
  "success" : true
}`],
    ['RUNNING before Mesos reported anything', { driverState: 'RUNNING' }, `{
  "action" : "SubmissionStatusResponse",
  "driverState" : "RUNNING",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "${ID}",
  "success" : true
}`],
    ['RETRYING: the failure that caused the retry', { driverState: 'RETRYING', message: FAILED_TASK_STATUS }, `{
  "action" : "SubmissionStatusResponse",
  "driverState" : "RETRYING",
  "message" : "task_id {\\n  value: \\"${ID}\\"\\n}\\nstate: TASK_FAILED\\nmessage: \\"Command exited with status 1\\"\\nslave_id {\\n  value: \\"7b1b2f3c-5d1e-4f0a-9c1b-0a1b2c3d4e5f-S0\\"\\n}\\ntimestamp: 1.706745699E9\\nsource: SOURCE_EXECUTOR\\nreason: REASON_COMMAND_EXECUTOR_FAILED\\n",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "${ID}",
  "success" : true
}`],
    ['FINISHED after a failed launch: no message', { driverState: 'FINISHED' }, `{
  "action" : "SubmissionStatusResponse",
  "driverState" : "FINISHED",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "${ID}",
  "success" : true
}`],
    ['worker fields, if a store ever sets them, sort last', { driverState: 'RUNNING', workerId: 'worker_123', workerHostPort: '1.2.3.4:7780' }, `{
  "action" : "SubmissionStatusResponse",
  "driverState" : "RUNNING",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "${ID}",
  "success" : true,
  "workerHostPort" : "1.2.3.4:7780",
  "workerId" : "worker_123"
}`],
    ['NOT_FOUND: success false, no message', undefined, `{
  "action" : "SubmissionStatusResponse",
  "driverState" : "NOT_FOUND",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "${ID}",
  "success" : false
}`],
  ])('%s', (_name, view, expected) => {
    expect(text(statusResponse(ID, view))).toBe(expected);
  });
});

describe('kill responses for every outcome (reference §4.2 K1–K5)', () => {
  test.each<[KillOutcome, boolean, string]>([
    ['killing-running', true, 'Killing running driver'],
    ['removed-queued', true, "Removed driver while it's still pending"],
    ['removed-retrying', true, "Removed driver while it's being retried"],
    ['already-finished', false, 'Driver already terminated'],
    ['not-found', false, 'Cannot find driver'],
  ])('%s', (outcome, success, message) => {
    expect(text(killResponse(ID, outcome))).toBe(`{
  "action" : "KillSubmissionResponse",
  "message" : "${message}",
  "serverSparkVersion" : "3.5.1",
  "submissionId" : "${ID}",
  "success" : ${success}
}`);
  });
});

describe('error responses', () => {
  test('plain', () => {
    expect(text({ action: 'ErrorResponse', message: 'Missing protocol version.' })).toBe(`{
  "action" : "ErrorResponse",
  "message" : "Missing protocol version.",
  "serverSparkVersion" : "3.5.1"
}`);
  });

  test('with the highest protocol version (HTTP 468)', () => {
    expect(renderResponse({ action: 'ErrorResponse', message: "Unknown protocol version 'v2'.", highestProtocolVersion: 'v1' }, '3.1.3')).toBe(`{
  "action" : "ErrorResponse",
  "highestProtocolVersion" : "v1",
  "message" : "Unknown protocol version 'v2'.",
  "serverSparkVersion" : "3.1.3"
}`);
  });
});
