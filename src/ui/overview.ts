// The overview page `/`: the dispatcher's framework ID, master and leadership, then the queued,
// launched, retrying and finished drivers with the original's columns (plus the resource's
// namespace/name, durations and outcomes), linking each driver to its page, each attempt to its
// Mesos sandbox and to the history server; then the scheduled drivers. Pure: snapshot in, HTML out.

import type { AttemptStatus } from '../kube/sparkdriver-status.ts';
import {
  dataTable, driverLink, historyLink, mesosState, mono, NONE, outcomeBadge, sandboxLink, time, type Column,
} from './components.ts';
import {
  attemptRef, currentAttemptOf, driversIn, idOf, mainClassOf, queueOf, resourceNameOf,
} from './driver-facts.ts';
import { durationBetween, formatResources } from './format.ts';
import { html, type Fragment, type Html } from './html.ts';
import { page, UI_TITLE } from './layout.ts';
import { schedulesSection } from './schedules.ts';
import type { UiDriver, UiSnapshot } from './snapshot.ts';

interface Ctx {
  readonly snapshot: UiSnapshot;
  readonly nowMs: number;
  readonly withHistory: boolean;
  readonly withSandbox: boolean;
}

/** Driver ID linking to its page; the resource and, for a retry, the attempt's task ID underneath. */
function idCell(d: UiDriver, attempt?: AttemptStatus): Html {
  const id = idOf(d);
  return html`${driverLink(id)}<br><span class="detail" title="Kubernetes resource">${mono(resourceNameOf(d))}</span>${
    attempt !== undefined && attempt.taskId !== id ? html`<br><span class="detail">attempt ${mono(attempt.taskId)}</span>` : ''}`;
}

const resourcesCell = (d: UiDriver): Fragment => formatResources(d.sizing) ?? NONE;

function optional<T>(on: boolean, value: T): T[] {
  return on ? [value] : [];
}

function queuedTable(ctx: Ctx): Html {
  const drivers = driversIn(ctx.snapshot, 'Queued');
  const rows = drivers.map((d) => [
    idCell(d), mono(queueOf(d)), time(d.resource.metadata.creationTimestamp), mono(mainClassOf(d)),
    resourcesCell(d), d.resource.status?.message ?? (d.resource.status === undefined ? 'Not yet seen by the dispatcher' : NONE),
  ]);
  return section('Queued Drivers', 'queued', rows.length, dataTable('queued-drivers', [
    'Driver ID', 'Queue', 'Submit Date', 'Main Class',
    'Driver Resources', 'Waiting For',
  ], rows, 'No queued drivers.'));
}

function launchedTable(ctx: Ctx): Html {
  const drivers = driversIn(ctx.snapshot, 'Launched');
  const rows = drivers.map((d) => {
    const attempt = currentAttemptOf(d);
    const ref = attemptRef(d, attempt, ctx.snapshot);
    return [
      idCell(d, attempt), ...optional(ctx.withHistory, historyLink(ctx.snapshot, ref, true)), mono(queueOf(d)),
      time(d.resource.metadata.creationTimestamp), mono(mainClassOf(d)), resourcesCell(d), time(attempt?.launchTime),
      mono(attempt?.agentId), mesosState(attempt?.mesos, false), durationBetween(attempt?.launchTime, undefined, ctx.nowMs) ?? NONE,
      ...optional(ctx.withSandbox, sandboxLink(ctx.snapshot, ref)),
    ];
  });
  return section('Launched Drivers', 'launched', rows.length, dataTable('launched-drivers', [
    'Driver ID', ...optional<Column | string>(ctx.withHistory, 'History'), 'Queue',
    'Submit Date', 'Main Class', 'Driver Resources',
    'Start Date', 'Mesos Agent ID', 'State', { label: 'Duration', nowrap: true },
    ...optional<Column | string>(ctx.withSandbox, 'Sandbox'),
  ], rows, 'No launched drivers.'));
}

function retryingTable(ctx: Ctx): Html {
  const drivers = driversIn(ctx.snapshot, 'Retrying');
  const rows = drivers.map((d) => {
    const attempt = currentAttemptOf(d);
    const status = d.resource.status;
    return [
      idCell(d, attempt), time(d.resource.metadata.creationTimestamp), mono(mainClassOf(d)),
      mesosState(attempt?.mesos, false), String(status?.retries ?? 0), time(status?.nextRetryTime, ctx.nowMs),
      ...optional(ctx.withSandbox, sandboxLink(ctx.snapshot, attemptRef(d, attempt, ctx.snapshot))),
    ];
  });
  return section('Retrying Drivers', 'retrying', rows.length, dataTable('retrying-drivers', [
    'Driver ID', 'Submit Date', 'Main Class', 'Last Failed Status',
    { label: 'Retries', nowrap: true }, 'Next Retry Time',
    ...optional<Column | string>(ctx.withSandbox, 'Sandbox'),
  ], rows, 'No supervised drivers waiting for a retry.'));
}

function finishedTable(ctx: Ctx): Html {
  const drivers = driversIn(ctx.snapshot, 'Finished');
  const rows = drivers.map((d) => {
    const attempt = currentAttemptOf(d);
    const ref = attemptRef(d, attempt, ctx.snapshot);
    const status = d.resource.status;
    const message = status?.message;
    return [
      idCell(d, attempt), ...optional(ctx.withHistory, historyLink(ctx.snapshot, ref, true)),
      time(d.resource.metadata.creationTimestamp), mono(mainClassOf(d)), resourcesCell(d), time(attempt?.launchTime),
      time(status?.finishTime), mono(attempt?.agentId),
      html`${outcomeBadge(status?.outcome)}<br>${attempt?.mesos !== undefined ? mesosState(attempt.mesos, false)
        : message === undefined ? '' : html`<span class="detail message">${message}</span>`}`,
      durationBetween(attempt?.launchTime, attempt?.finishTime ?? status?.finishTime, ctx.nowMs) ?? NONE,
      ...optional(ctx.withSandbox, sandboxLink(ctx.snapshot, ref)),
    ];
  });
  return section('Finished Drivers', 'finished', rows.length, dataTable('finished-drivers', [
    'Driver ID', ...optional<Column | string>(ctx.withHistory, 'History'), 'Submit Date', 'Main Class', 'Driver Resources',
    'Start Date', 'Finish Date', 'Mesos Agent ID', 'Outcome / Last Mesos State', { label: 'Duration', nowrap: true },
    ...optional<Column | string>(ctx.withSandbox, 'Sandbox'),
  ], rows, 'No finished drivers.'));
}

function section(title: string, id: string, count: number, table: Html): Html {
  return html`<section id="${id}"><h2>${title} <span class="count">(${count})</span></h2>${table}</section>`;
}

function header(snapshot: UiSnapshot): Html {
  const counts = (['Queued', 'Launched', 'Retrying', 'Finished'] as const)
    .map((phase) => `${driversIn(snapshot, phase).length} ${phase.toLowerCase()}`).join(', ');
  return html`<h1>${UI_TITLE}</h1>
<div class="summary">
<div><span class="label">Mesos Framework ID:</span> ${mono(snapshot.frameworkId ?? 'not registered yet')}</div>
<div><span class="label">Mesos master:</span> ${mono(snapshot.masterUrl)}</div>
<div><span class="label">This replica:</span> ${snapshot.leader ? 'leader' : 'standby'}</div>
<div><span class="label">Drivers:</span> ${counts}</div>
</div>
${snapshot.leader ? '' : html`<p class="notice">This replica is on standby: the leader runs the scheduler. What you see is read from Kubernetes and may lag by a moment.</p>`}`;
}

/** The overview page. */
export function renderOverview(snapshot: UiSnapshot, nowMs: number): string {
  const ctx: Ctx = {
    snapshot,
    nowMs,
    withHistory: snapshot.historyServerUrl !== undefined,
    withSandbox: snapshot.mesosProxyBaseUrl !== undefined,
  };
  return page(UI_TITLE, [header(snapshot), queuedTable(ctx), launchedTable(ctx), retryingTable(ctx), finishedTable(ctx), schedulesSection(snapshot, nowMs)], nowMs);
}
