// The REST and manifest fuzzer: each generated submission goes to the REST create endpoint and,
// as a SparkDriver manifest, to the API server (with the real CRD and its CEL rules). Every
// answer must be a well-formed one (no crash, no 5xx); every accepted input is replayed (see
// replay.ts): it must plan, fit the command-line limit, start, and execute nothing it carries.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { request } from 'undici';
import { Informer } from '../../../src/kube/informer.ts';
import type { KubeObject } from '../../../src/kube/kube-client.ts';
import { parseSparkDriver, SPARK_DRIVER } from '../../../src/sparkdriver/sparkdriver.ts';
import { toDriverRecord } from '../../../src/sparkdriver/sparkdriver-submission.ts';
import { KubeSubmissionStore } from '../../../src/operator/submission-store.ts';
import { startRestServer } from '../../../src/rest/index.ts';
import { systemClock } from '../../../src/runtime/clock.ts';
import { silentLogger } from '../../../src/runtime/logger.ts';
import { EXECUTOR_HOME_KEY } from '../../../src/scheduler/command-line.ts';
import { parseDispatcherConfig } from '../../../src/scheduler/index.ts';
import type { DispatcherConfig } from '../../../src/scheduler/index.ts';
import { startCluster } from '../../operator/harness.ts';
import type { Cluster } from '../../operator/harness.ts';
import { rawBody, submission, withMarker } from './inputs.ts';
import type { FuzzSubmission } from './inputs.ts';
import { replay, writeStub } from './replay.ts';

export interface ChannelFigures { sent: number; accepted: number; refused: number; http5xx: number; crashes: number }

export interface FuzzReport {
  seed: number;
  inputs: number;
  rest: ChannelFigures;
  manifests: ChannelFigures;
  /** Malformed REST bodies (not counted in `inputs`). */
  rawBodies: ChannelFigures;
  replays: number;
  executedPayloads: number;
  unstartable: number;
  /**
   * Accepted, then refused at once by the operator's admission (the driver ends Error or Rejected
   * with the reason), by the kind of problem. For REST each counts as unstartable too: REST checks
   * what admission checks. A manifest can carry what the CRD's rules cannot see.
   */
  refusedAtAdmission: { rest: Record<string, number>; manifests: Record<string, number> };
  /** Ran, but the Spark the input names was not there (not the dispatcher's doing). */
  notReached: number;
  alteredArguments: number;
  /** The first few findings, with the input that caused them. */
  findings: string[];
}

interface Context { cluster: Cluster; config: DispatcherConfig; restUrl: string; scratch: string; report: FuzzReport }

const figures = (): ChannelFigures => ({ sent: 0, accepted: 0, refused: 0, http5xx: 0, crashes: 0 });

function note(ctx: Context, finding: string, input: unknown): void {
  if (ctx.report.findings.length < 20) ctx.report.findings.push(`${finding} — input ${JSON.stringify(input).slice(0, 400)}`);
}

/** The operator's view of an accepted resource, replayed; what it found is counted. */
async function check(ctx: Context, raw: KubeObject, index: number, input: unknown, channel: string): Promise<void> {
  const r = ctx.report;
  const parsed = parseSparkDriver(raw);
  const record = parsed.ok ? toDriverRecord(parsed.resource) : parsed;
  if (!record.ok) {
    refused(ctx, channel, record.problems.join('; '), input);
    return;
  }
  r.replays += 1;
  const verdict = await replay(record.record.spec, ctx.config, ctx.scratch, markerOf(ctx, index));
  if (verdict.executed) {
    r.executedPayloads += 1;
    note(ctx, `${channel}: a payload ran`, input);
  }
  if (verdict.unstartable !== undefined) {
    r.unstartable += 1;
    note(ctx, `${channel}: accepted but can never start: ${verdict.unstartable}`, input);
  }
  if (verdict.refusedAtAdmission !== undefined) refused(ctx, channel, verdict.refusedAtAdmission, input);
  if (verdict.notReached !== undefined) r.notReached += 1;
  if (verdict.altered.length > 0) {
    r.alteredArguments += 1;
    note(ctx, `${channel}: altered on the way: ${verdict.altered.join('; ')}`, input);
  }
}

/** Counts an admission refusal by its first problem, numbers and quoted values left out. */
function refused(ctx: Context, channel: string, problems: string, input: unknown): void {
  const kind = (problems.split('; ')[0] ?? '').split(': ').slice(0, 3).join(': ').replace(/'[^']*'/g, "'…'").replace(/\d+/g, 'N').slice(0, 120);
  const byKind = channel === 'manifest' ? ctx.report.refusedAtAdmission.manifests : ctx.report.refusedAtAdmission.rest;
  byKind[kind] = (byKind[kind] ?? 0) + 1;
  if (channel !== 'manifest') {
    ctx.report.unstartable += 1;
    note(ctx, `${channel}: accepted, then refused at admission: ${problems.slice(0, 300)}`, input);
  }
}

const markerOf = (ctx: Context, index: number): string => path.join(ctx.scratch, 'markers', String(index));

/** An executor home is a path on the agent: the replay can only put a Spark under the scratch directory. */
function inScratch(ctx: Context, input: FuzzSubmission): FuzzSubmission {
  const home = input.sparkProperties[EXECUTOR_HOME_KEY];
  if (home === undefined) return input;
  // A path segment can hold neither a slash nor a NUL.
  const cleaned = home.replace(/[/\0]/g, '_').slice(0, 100);
  const segment = cleaned === '' || cleaned === '.' || cleaned === '..' ? '_' : cleaned;
  return { ...input, sparkProperties: { ...input.sparkProperties, [EXECUTOR_HOME_KEY]: path.join(ctx.scratch, 'homes', segment) } };
}

/** Sends a body to the REST create endpoint; returns the submission ID of an accepted one. */
async function postRest(ctx: Context, body: string, f: ChannelFigures, input: unknown): Promise<string | undefined> {
  f.sent += 1;
  try {
    const response = await request(`${ctx.restUrl}/v1/submissions/create`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const text = await response.body.text();
    if (response.statusCode >= 500) {
      f.http5xx += 1;
      note(ctx, `REST answered ${response.statusCode}: ${text.slice(0, 200)}`, input);
      return undefined;
    }
    const answer = JSON.parse(text) as { success?: boolean; submissionId?: string };
    if (answer.success === true && answer.submissionId !== undefined) {
      f.accepted += 1;
      return answer.submissionId;
    }
    f.refused += 1;
  } catch (error) {
    f.crashes += 1;
    note(ctx, `REST gave no well-formed answer: ${(error as Error).message}`, input);
  }
  return undefined;
}

/** The input through both channels; whatever is accepted is checked, then deleted. */
async function fuzzOne(ctx: Context, generated: FuzzSubmission, index: number): Promise<void> {
  const input = inScratch(ctx, withMarker(generated, markerOf(ctx, index)));
  const { submissionId, ...rest } = input;
  const body = JSON.stringify({ action: 'CreateSubmissionRequest', ...rest });
  const id = await postRest(ctx, body, ctx.report.rest, input);
  if (id !== undefined) await checkAndDelete(ctx, id, index, input, 'REST');

  const m = ctx.report.manifests;
  const name = `fuzz-${index}`;
  const manifest = {
    apiVersion: 'sparkmesos.io/v1alpha1', kind: 'SparkDriver', metadata: { name, namespace: 'default' },
    spec: {
      appResource: input.appResource, mainClass: input.mainClass, arguments: input.appArgs, sparkProperties: input.sparkProperties,
      environmentVariables: input.environmentVariables, ...(submissionId !== undefined && { submissionId }),
    },
  };
  m.sent += 1;
  try {
    await ctx.cluster.client.create(SPARK_DRIVER, 'default', manifest);
    m.accepted += 1;
    await checkAndDelete(ctx, name, index, manifest, 'manifest');
  } catch (error) {
    const code = (error as { code?: number }).code ?? 0;
    if (code >= 500 || code === 0) {
      m.http5xx += code >= 500 ? 1 : 0;
      m.crashes += code === 0 ? 1 : 0;
      note(ctx, `the API server answered ${code}: ${(error as Error).message.slice(0, 200)}`, manifest);
    } else {
      m.refused += 1;
    }
  }
}

async function checkAndDelete(ctx: Context, name: string, index: number, input: unknown, channel: string): Promise<void> {
  const ref = { ...SPARK_DRIVER, namespace: 'default', name };
  await check(ctx, await ctx.cluster.client.get(ref), index, input, channel);
  await ctx.cluster.client.delete(ref);
}

/** Runs `inputs` generated submissions (and a tenth as many malformed bodies) from `seed`. */
export async function runFuzz(seed: number, inputs: number, options: { concurrency?: number; progress?: (line: string) => void } = {}): Promise<FuzzReport> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'fuzz-'));
  await mkdir(path.join(scratch, 'markers'));
  const cluster = await startCluster({ agents: 0 });
  const sparkHome = path.join(scratch, 'spark');
  await writeStub(path.join(sparkHome, 'bin', 'spark-submit'));
  const parsed = parseDispatcherConfig({ 'spark.master': 'mesos://127.0.0.1:5050', 'spark.home': sparkHome });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const informer = new Informer({ client: cluster.client, resource: SPARK_DRIVER, clock: systemClock, logger: silentLogger });
  informer.start();
  await informer.whenSynced();
  const store = new KubeSubmissionStore({ kube: cluster.client, informer, namespace: 'default', clock: systemClock, maxDrivers: 200, dispatcher: parsed.config });
  const rest = await startRestServer({ store, host: '127.0.0.1', port: 0 });
  const report: FuzzReport = {
    seed, inputs, rest: figures(), manifests: figures(), rawBodies: figures(), replays: 0, executedPayloads: 0, unstartable: 0, refusedAtAdmission: { rest: {}, manifests: {} }, notReached: 0, alteredArguments: 0, findings: [],
  };
  const ctx: Context = { cluster, config: parsed.config, restUrl: rest.url, scratch, report };
  try {
    const batch = 200;
    for (let start = 0; start < inputs; start += batch) {
      const count = Math.min(batch, inputs - start);
      const generated = fc.sample(submission, { seed: seed + start, numRuns: count });
      const bodies = fc.sample(rawBody, { seed: seed - start - 1, numRuns: Math.ceil(count / 10) });
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let i = next++; i < count; i = next++) await fuzzOne(ctx, generated[i]!, start + i);
      };
      await Promise.all(Array.from({ length: options.concurrency ?? 6 }, worker));
      for (const body of bodies) {
        const id = await postRest(ctx, body, report.rawBodies, body);
        if (id !== undefined) await checkAndDelete(ctx, id, -1, body, 'REST (raw body)');
      }
      options.progress?.(`${start + count} inputs: ${report.replays} replayed, ${report.executedPayloads} executed, ${report.unstartable} unstartable`);
    }
    return report;
  } finally {
    await rest.close();
    informer.stop();
    await cluster.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
