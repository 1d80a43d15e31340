// The overview page `/`: the dispatcher's framework, master and leadership, the filter, lookup
// and refresh controls, then the queued, launched, retrying and finished drivers (one page of
// each, or every page of one phase) with the original's columns, the application's name beside
// its main class, sizes and durations in units, long messages folded, and links to each
// driver's page, its current attempt's logs, its Mesos sandbox and its history server entry;
// then the scheduled drivers. Pure: snapshot and query in, HTML out.

import type { AttemptStatus, SparkDriverPhase } from '../sparkdriver/sparkdriver-status.ts';
import {
  dataTable, driverLink, folded, historyLink, logLink, mesosState, mono, NONE, outcomeBadge, sandboxLink, time, type Column,
} from './components.ts';
import { appNameOf, attemptRef, currentAttemptOf, idOf, mainClassOf, queueOf, resourceNameOf } from './driver-facts.ts';
import { durationBetween, formatResources } from './format.ts';
import { html, type Fragment, type Html } from './html.ts';
import { page, UI_TITLE } from './layout.ts';
import { attemptNumber } from '../logs/driver-logs.ts';
import { listDrivers, type OverviewQuery, type PhaseListing } from './listing.ts';
import { controls, header, pager } from './overview-controls.ts';
import { schedulesSection } from './schedules.ts';
import type { UiDriver, UiSnapshot } from './snapshot.ts';

interface Ctx {
  readonly snapshot: UiSnapshot;
  readonly query: OverviewQuery;
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

/** The application's name, its main class (or Python file) underneath. */
function applicationCell(d: UiDriver): Html {
  const name = appNameOf(d);
  return html`${name === undefined ? NONE : html`<span class="app-name">${name}</span>`}<br><span class="detail">${mono(mainClassOf(d))}</span>`;
}

const APPLICATION: Column = { label: 'Application', wide: true };

const resourcesCell = (d: UiDriver): Fragment => formatResources(d.sizing) ?? NONE;

function logsCell(d: UiDriver, attempt: AttemptStatus | undefined): Html {
  if (attempt === undefined) return NONE;
  const n = attemptNumber(attempt.taskId);
  return html`${logLink(idOf(d), n, 'stdout')}<br>${logLink(idOf(d), n, 'stderr')}`;
}

function optional<T>(on: boolean, value: T): T[] {
  return on ? [value] : [];
}

const TITLES: Readonly<Record<SparkDriverPhase, string>> = {
  Queued: 'Queued Drivers', Launched: 'Launched Drivers', Retrying: 'Retrying Drivers', Finished: 'Finished Drivers',
};
const EMPTY: Readonly<Record<SparkDriverPhase, string>> = {
  Queued: 'No queued drivers.', Launched: 'No launched drivers.', Retrying: 'No supervised drivers waiting for a retry.', Finished: 'No finished drivers.',
};

function queuedTable(_ctx: Ctx, drivers: readonly UiDriver[]): Html {
  const rows = drivers.map((d) => [
    idCell(d), applicationCell(d), mono(queueOf(d)), time(d.resource.metadata.creationTimestamp), resourcesCell(d),
    d.resource.status?.message === undefined ? (d.resource.status === undefined ? 'Not yet seen by the dispatcher' : NONE) : folded(d.resource.status.message),
  ]);
  return dataTable('queued-drivers', ['Driver ID', APPLICATION, 'Queue', 'Submit Date', 'Driver Resources', 'Waiting For'], rows, EMPTY.Queued);
}

function launchedTable(ctx: Ctx, drivers: readonly UiDriver[]): Html {
  const rows = drivers.map((d) => {
    const attempt = currentAttemptOf(d);
    const ref = attemptRef(d, attempt, ctx.snapshot);
    return [
      idCell(d, attempt), ...optional(ctx.withHistory, historyLink(ctx.snapshot, ref, true)), applicationCell(d), mono(queueOf(d)),
      time(d.resource.metadata.creationTimestamp), resourcesCell(d), time(attempt?.launchTime),
      mono(attempt?.agentId), mesosState(attempt?.mesos, false), durationBetween(attempt?.launchTime, undefined, ctx.nowMs) ?? NONE,
      logsCell(d, attempt), ...optional(ctx.withSandbox, sandboxLink(ctx.snapshot, ref)),
    ];
  });
  return dataTable('launched-drivers', [
    'Driver ID', ...optional<Column | string>(ctx.withHistory, 'History'), APPLICATION, 'Queue', 'Submit Date', 'Driver Resources',
    'Start Date', 'Mesos Agent ID', 'State', { label: 'Duration', nowrap: true }, { label: 'Logs', nowrap: true },
    ...optional<Column | string>(ctx.withSandbox, 'Sandbox'),
  ], rows, EMPTY.Launched);
}

function retryingTable(ctx: Ctx, drivers: readonly UiDriver[]): Html {
  const rows = drivers.map((d) => {
    const attempt = currentAttemptOf(d);
    const status = d.resource.status;
    return [
      idCell(d, attempt), applicationCell(d), time(d.resource.metadata.creationTimestamp),
      mesosState(attempt?.mesos, false), String(status?.retries ?? 0), time(status?.nextRetryTime, ctx.nowMs), logsCell(d, attempt),
      ...optional(ctx.withSandbox, sandboxLink(ctx.snapshot, attemptRef(d, attempt, ctx.snapshot))),
    ];
  });
  return dataTable('retrying-drivers', [
    'Driver ID', APPLICATION, 'Submit Date', 'Last Failed Status', { label: 'Retries', nowrap: true }, 'Next Retry Time',
    { label: 'Logs', nowrap: true }, ...optional<Column | string>(ctx.withSandbox, 'Sandbox'),
  ], rows, EMPTY.Retrying);
}

function finishedTable(ctx: Ctx, drivers: readonly UiDriver[]): Html {
  const rows = drivers.map((d) => {
    const attempt = currentAttemptOf(d);
    const ref = attemptRef(d, attempt, ctx.snapshot);
    const status = d.resource.status;
    return [
      idCell(d, attempt), ...optional(ctx.withHistory, historyLink(ctx.snapshot, ref, true)), applicationCell(d),
      time(d.resource.metadata.creationTimestamp), resourcesCell(d), time(attempt?.launchTime), time(status?.finishTime), mono(attempt?.agentId),
      html`${outcomeBadge(status?.outcome)}<br>${attempt?.mesos !== undefined ? mesosState(attempt.mesos, false) : folded(status?.message)}`,
      durationBetween(attempt?.launchTime, attempt?.finishTime ?? status?.finishTime, ctx.nowMs) ?? NONE,
      logsCell(d, attempt), ...optional(ctx.withSandbox, sandboxLink(ctx.snapshot, ref)),
    ];
  });
  return dataTable('finished-drivers', [
    'Driver ID', ...optional<Column | string>(ctx.withHistory, 'History'), APPLICATION, 'Submit Date', 'Driver Resources',
    'Start Date', 'Finish Date', 'Mesos Agent ID', 'Outcome / Last Mesos State', { label: 'Duration', nowrap: true },
    { label: 'Logs', nowrap: true }, ...optional<Column | string>(ctx.withSandbox, 'Sandbox'),
  ], rows, EMPTY.Finished);
}

const TABLES: Readonly<Record<SparkDriverPhase, (ctx: Ctx, drivers: readonly UiDriver[]) => Html>> = {
  Queued: queuedTable, Launched: launchedTable, Retrying: retryingTable, Finished: finishedTable,
};

function section(ctx: Ctx, listing: PhaseListing, total: number): Html {
  const count = listing.matched === total ? `(${total})` : `(${listing.matched} of ${total})`;
  return html`<section id="${listing.phase.toLowerCase()}"><h2>${TITLES[listing.phase]} <span class="count">${count}</span></h2>${
    TABLES[listing.phase](ctx, listing.drivers)}${pager(ctx.query, listing)}</section>`;
}

/** The overview page for this query (all drivers, first page of each phase, by default). */
export function renderOverview(snapshot: UiSnapshot, nowMs: number, query: OverviewQuery = { page: 1 }): string {
  const ctx: Ctx = {
    snapshot, query, nowMs, withHistory: snapshot.historyServerUrl !== undefined, withSandbox: snapshot.mesosProxyBaseUrl !== undefined,
  };
  const listing = listDrivers(snapshot, query);
  return page(UI_TITLE, [
    header(snapshot, listing.totals), controls(query, listing),
    listing.tables.map((table) => section(ctx, table, listing.totals[table.phase])),
    // A filtered view is about drivers; the schedules come with the whole overview.
    query.phase === undefined && query.queue === undefined && query.text === undefined ? schedulesSection(snapshot, nowMs) : '',
  ], nowMs, query.refresh === undefined ? {} : { refreshSeconds: query.refresh });
}
