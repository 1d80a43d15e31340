// The driver page `/driver?id=<submissionId or resource name>`: the kill button, the driver's
// description and Spark properties, its command line and environment (secrets masked), scheduler
// properties (queue, supervise, retry policy), launched state, retry state, attempt history with
// each attempt's logs, and conditions. Pure.

import { effectiveSparkProperties } from '../sparkdriver/sparkdriver.ts';
import type { AttemptStatus } from '../sparkdriver/sparkdriver-status.ts';
import { schedulerRecordOf } from '../sparkdriver/scheduler-record.ts';
import { SUPERVISE_KEY } from '../scheduler/driver.ts';
import {
  dataTable, historyLink, keyValueTable, logLink, mesosState, mono, NONE, outcomeBadge, phaseBadge, sandboxLink, time,
} from './components.ts';
import {
  appNameOf, attemptRef, currentAttemptOf, idOf, mainClassOf, onPods, phaseOf, queueOf, resourceNameOf,
} from './driver-facts.ts';
import { durationBetween, formatCores, formatDuration, formatMemory, formatRetryLimit } from './format.ts';
import { html, type Html } from './html.ts';
import { killSection, type KillControl, type KillResult } from './kill.ts';
import { page } from './layout.ts';
import { attemptNumber } from '../logs/driver-logs.ts';
import { DEFAULT_REDACTION_PATTERN, maskCommandLine, maskEntries, maskUrlCredentials } from './mask.ts';
import type { UiDriver, UiSnapshot } from './snapshot.ts';

export interface DriverPageOptions {
  /** The kill button's state; no button without it. */
  readonly kill?: KillControl | undefined;
  /** The result of the kill that redirected here. */
  readonly killResult?: KillResult | undefined;
}

interface Ctx {
  readonly snapshot: UiSnapshot;
  readonly driver: UiDriver;
  readonly nowMs: number;
  readonly pattern: RegExp;
  readonly options: DriverPageOptions;
}

/** The attempt's stdout and stderr pages. */
function logLinks(driver: UiDriver, attempt: AttemptStatus): Html {
  const n = attemptNumber(attempt.taskId);
  return html`${logLink(idOf(driver), n, 'stdout')} · ${logLink(idOf(driver), n, 'stderr')}`;
}

const section = (id: string, title: string, body: Html): Html => html`<section id="${id}"><h2>${title}</h2>${body}</section>`;

function description({ driver }: Ctx): Html {
  const { metadata, spec } = driver.resource;
  const args = spec.arguments.length === 0 ? NONE
    : html`<ol class="args">${spec.arguments.map((a) => html`<li><code>${a}</code></li>`)}</ol>`;
  return section('driver-properties', 'Driver properties', keyValueTable('driver-properties-table', [
    ['Name', appNameOf(driver) ?? NONE],
    ['Submission ID', mono(idOf(driver))],
    ['Resource', mono(resourceNameOf(driver))],
    ['UID', mono(metadata.uid)],
    ['Submitted', time(metadata.creationTimestamp)],
    ['Main class', mono(mainClassOf(driver))],
    ['Application resource', mono(maskUrlCredentials(spec.appResource))],
    ['Arguments', args],
    ['Cores', driver.sizing === undefined ? NONE : formatCores(driver.sizing.cpus)],
    ['Memory', driver.sizing === undefined ? NONE : formatMemory(driver.sizing)],
    ['Queue', mono(queueOf(driver))],
  ]));
}

function properties({ driver, pattern }: Ctx): Html {
  const rows = maskEntries(effectiveSparkProperties(driver.resource.spec), pattern).map(([k, v]) => [mono(k), mono(v)]);
  return section('spark-properties', 'Spark properties', dataTable('spark-properties-table', ['Property', 'Value'], rows, 'No Spark properties.'));
}

function command({ driver, pattern }: Ctx): Html {
  if (driver.command === undefined) return section('driver-command', 'Driver command', html`<p class="empty">Not available: the driver cannot be planned.</p>`);
  const upcoming = phaseOf(driver) === 'Queued' || phaseOf(driver) === 'Retrying';
  const note = driver.plannedTaskId === undefined ? ''
    : html`<p class="detail">${upcoming ? 'As it will run for task' : 'As run for task'} <code>${driver.plannedTaskId}</code>.</p>`;
  return section('driver-command', 'Driver command', html`${note}<pre class="command" id="driver-command-line">${maskCommandLine(driver.command, pattern)}</pre>`);
}

function environment({ driver, pattern }: Ctx): Html {
  const env = driver.environment;
  if (env === undefined) return section('driver-environment', 'Driver command environment', html`<p class="empty">Not available: the driver cannot be planned.</p>`);
  const rows = maskEntries(env, pattern).map(([k, v]) => [mono(k), mono(v)]);
  return section('driver-environment', 'Driver command environment',
    dataTable('driver-environment-table', ['Variable', 'Value'], rows, 'No environment variables.'));
}

function scheduler({ driver, snapshot }: Ctx): Html {
  const { spec, status } = driver.resource;
  const policy = driver.retryPolicy;
  const supervise = effectiveSparkProperties(spec)[SUPERVISE_KEY] ?? 'false';
  return section('scheduler-properties', 'Scheduler properties', keyValueTable('scheduler-properties-table', [
    ['Queue', mono(queueOf(driver))],
    ['Supervise', supervise],
    ['Max retries', policy === undefined ? NONE : formatRetryLimit(policy.maxRetries)],
    ['Max wait between attempts', policy === undefined ? NONE : `${policy.maxWaitSeconds} s`],
    ['Reset failure count after', policy === undefined ? NONE : policy.resetAfterMs === undefined ? 'never' : formatDuration(policy.resetAfterMs)],
    ['Kill requested', spec.kill ? 'yes' : 'no'],
    ['Delete after finishing', spec.ttlSecondsAfterFinished === undefined ? 'operator default' : `${spec.ttlSecondsAfterFinished} s`],
    ['Framework ID', mono(status?.frameworkId ?? snapshot.frameworkId)],
  ]));
}

function launched(ctx: Ctx): Html | '' {
  const attempt = currentAttemptOf(ctx.driver);
  if (attempt === undefined) return '';
  const ref = attemptRef(ctx.driver, attempt, ctx.snapshot);
  return section('launched-state', 'Launched state', keyValueTable('launched-state-table', [
    ['Mesos Task ID', mono(attempt.taskId)],
    [onPods(ctx.driver) ? 'Pod' : 'Mesos Agent ID', mono(attempt.agentId)],
    ['Mesos state', mesosState(attempt.mesos)],
    ['Launch Time', time(attempt.launchTime)],
    ['Running Since', time(attempt.runningTime)],
    ['Last Update', time(attempt.lastUpdateTime)],
    ['Finish Time', time(attempt.finishTime)],
    ['Logs', logLinks(ctx.driver, attempt)],
    ['Sandbox', sandboxLink(ctx.snapshot, ref)],
    ['History', historyLink(ctx.snapshot, ref)],
  ]));
}

function retry(ctx: Ctx): Html | '' {
  const status = ctx.driver.resource.status;
  const record = schedulerRecordOf(status);
  if (status === undefined || (phaseOf(ctx.driver) !== 'Retrying' && (status.retries ?? 0) === 0)) return '';
  const last = phaseOf(ctx.driver) === 'Retrying' ? currentAttemptOf(ctx.driver) : undefined;
  return section('retry-state', 'Retry state', keyValueTable('retry-state-table', [
    ['Retries', String(status.retries ?? 0)],
    ['Attempts launched', record === undefined ? undefined : String(record.attempts)],
    ['Last failed status', last === undefined ? undefined : mesosState(last.mesos)],
    ['Wait before retry', record?.waitSeconds === undefined ? undefined : `${record.waitSeconds} s`],
    ['Next retry time', status.nextRetryTime === undefined ? undefined : time(status.nextRetryTime, ctx.nowMs)],
  ]));
}

function history(ctx: Ctx): Html {
  const attempts: readonly AttemptStatus[] = ctx.driver.resource.status?.attempts ?? [];
  const rows = attempts.map((a) => {
    const ref = attemptRef(ctx.driver, a, ctx.snapshot);
    return [
      String(attemptNumber(a.taskId)), mono(a.taskId), mono(a.agentId), time(a.launchTime), time(a.runningTime), time(a.finishTime),
      durationBetween(a.launchTime, a.finishTime, ctx.nowMs) ?? NONE, mesosState(a.mesos),
      logLinks(ctx.driver, a), sandboxLink(ctx.snapshot, ref), historyLink(ctx.snapshot, ref),
    ];
  });
  return section('attempt-history', 'Attempt history', dataTable('attempt-history-table', [
    '#', 'Mesos Task ID', 'Mesos Agent ID', { label: 'Launch Time', nowrap: true }, { label: 'Running Since', nowrap: true },
    { label: 'Finish Time', nowrap: true }, { label: 'Duration', nowrap: true }, 'Mesos State', { label: 'Logs', nowrap: true }, 'Sandbox', 'History',
  ], rows, 'No attempts yet.'));
}

function conditions({ driver }: Ctx): Html {
  const rows = (driver.resource.status?.conditions ?? []).map((c) => [
    c.type, c.status, mono(c.reason), html`<span class="message">${c.message}</span>`, time(c.lastTransitionTime),
  ]);
  return section('conditions', 'Conditions', dataTable('conditions-table',
    ['Type', 'Status', 'Reason', 'Message', { label: 'Last Transition', nowrap: true }], rows, 'No conditions yet.'));
}

function heading({ driver, options }: Ctx): Html {
  const status = driver.resource.status;
  const phase = phaseOf(driver);
  const problems = driver.problems ?? [];
  return html`<nav class="back"><a href="./">← Back to Drivers</a></nav>
<h1>Driver <code>${idOf(driver)}</code></h1>
<p>Driver state information for driver id <code>${idOf(driver)}</code></p>
<div class="summary">
<div><span class="label">Driver state:</span> <span id="driver-state">${phaseBadge(phase)}</span>${
  status?.outcome === undefined ? '' : html` ${outcomeBadge(status.outcome)}`}</div>
<div><span class="label">Resource:</span> ${mono(resourceNameOf(driver))}</div>
</div>
${killSection(driver, idOf(driver), options.kill, options.killResult)}
${status?.message === undefined ? '' : html`<p class="message" id="driver-message">${status.message}</p>`}
${problems.length === 0 ? '' : html`<div class="problems" id="driver-problems"><strong>The dispatcher cannot plan this driver:</strong><ul>${
  problems.map((p) => html`<li>${p}</li>`)}</ul></div>`}`;
}

/** The page of one driver. */
export function renderDriverPage(snapshot: UiSnapshot, driver: UiDriver, nowMs: number, options: DriverPageOptions = {}): string {
  const ctx: Ctx = { snapshot, driver, nowMs, pattern: snapshot.redactionPattern ?? DEFAULT_REDACTION_PATTERN, options };
  return page(`Details for Job ${idOf(driver)}`, [
    heading(ctx), description(ctx), properties(ctx), command(ctx), environment(ctx), scheduler(ctx),
    launched(ctx), retry(ctx), history(ctx), conditions(ctx),
  ], nowMs);
}
