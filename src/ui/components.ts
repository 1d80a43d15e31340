// Markup pieces both pages share: data tables, key/value tables, times, IDs, phase and outcome
// badges, the Mesos state cell and the links of one attempt. Everything goes through `html`, so
// every value is escaped. Pure.

import type { MesosTaskStatus } from '../sparkdriver/sparkdriver-status.ts';
import { firstLine, formatDate, formatRelative, timeMs } from './format.ts';
import { externalLink, html, internalLink, type Fragment, type Html } from './html.ts';
import { driverFrameworkId, historyUrl, sandboxUrl, type AttemptRef } from './links.ts';

/** Shown for a value that is absent. */
export const NONE = html`<span class="none">—</span>`;

/** The text with a line-break opportunity after each separator (`-`, `_`, `/`, `.`, ...). */
export function breakable(text: string): Html {
  const parts = text.split(/(?<=[-_/.:,=&?])/);
  return html`${parts.map((part, i) => (i === 0 ? part : html`<wbr>${part}`))}`;
}

/** An identifier or other machine text: monospace, breaking after separators when it must. */
export function mono(text: string | undefined): Html {
  return text === undefined || text === '' ? NONE : html`<code>${breakable(text)}</code>`;
}

/** An RFC 3339 time in Spark's UI format (UTC), with the exact time in the markup. */
export function time(iso: string | undefined, nowMs?: number): Html {
  const ms = timeMs(iso);
  if (ms === undefined || iso === undefined) return NONE;
  const relative = nowMs === undefined ? '' : html` <span class="muted">(${formatRelative(ms, nowMs)})</span>`;
  return html`<time datetime="${new Date(ms).toISOString()}">${formatDate(ms)}</time>${relative}`;
}

/** A link to a driver's page by submission ID. */
export function driverLink(submissionId: string): Html {
  return internalLink('driver', { id: submissionId }, html`<code class="id">${submissionId}</code>`);
}

/** The URL of the page of one attempt's stdout or stderr (relative, like every link in the UI). */
export function logHref(id: string, attempt: number, file: 'stdout' | 'stderr', extra: Readonly<Record<string, string>> = {}): string {
  return `logs?${new URLSearchParams({ id, attempt: String(attempt), file, ...extra }).toString()}`;
}

/** A link to the page of one attempt's stdout or stderr. */
export function logLink(id: string, attempt: number, file: 'stdout' | 'stderr', label: Fragment = file): Html {
  return html`<a href="${logHref(id, attempt, file)}">${label}</a>`;
}

export interface Column {
  readonly label: string;
  /** Numeric and short columns do not wrap. */
  readonly nowrap?: boolean;
  /** Names and class names get room before other columns do. */
  readonly wide?: boolean;
}

/** A data table with zebra rows; `empty` stands in for a table without rows. */
export function dataTable(id: string, columns: readonly (Column | string)[], rows: readonly (readonly Fragment[])[], empty: string): Html {
  const cols = columns.map((c) => (typeof c === 'string' ? { label: c } : c));
  if (rows.length === 0) return html`<p class="empty" id="${id}">${empty}</p>`;
  const head = cols.map((c) => html`<th scope="col">${c.label}</th>`);
  const cellClass = (c: Column | undefined): string => (c?.nowrap === true ? 'nowrap' : c?.wide === true ? 'wide' : '');
  const body = rows.map((cells) => html`<tr>${cells.map((cell, i) => {
    const className = cellClass(cols[i]);
    return className === '' ? html`<td>${cell}</td>` : html`<td class="${className}">${cell}</td>`;
  })}</tr>`);
  return html`<div class="table-wrap"><table class="data" id="${id}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** Label/value rows; rows whose value is `undefined` are left out. */
export function keyValueTable(id: string, rows: readonly (readonly [string, Fragment])[]): Html {
  const present = rows.filter(([, value]) => value !== undefined);
  const body = present.map(([label, value]) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`);
  return html`<table class="kv" id="${id}"><tbody>${body}</tbody></table>`;
}

const PHASE_CLASSES: Readonly<Record<string, string>> = {
  Queued: 'queued', Launched: 'launched', Retrying: 'retrying', Finished: 'finished',
};
const OUTCOME_CLASSES: Readonly<Record<string, string>> = {
  Succeeded: 'ok', Failed: 'bad', Killed: 'warn', Lost: 'bad', Error: 'bad', Rejected: 'bad',
};

/** The phase as a coloured badge (class names come from fixed tables, never from data). */
export function phaseBadge(phase: string): Html {
  return html`<span class="badge phase-${PHASE_CLASSES[phase] ?? 'unknown'}">${phase}</span>`;
}

export function outcomeBadge(outcome: string | undefined): Html {
  if (outcome === undefined) return NONE;
  return html`<span class="badge outcome-${OUTCOME_CLASSES[outcome] ?? 'unknown'}">${outcome}</span>`;
}

/**
 * A message a person reads: short ones as they are; a long or multi-line one (a Mesos fetch
 * error with its whole curl output) folded to its first line, the rest one click away.
 */
export function folded(message: string | undefined): Html | '' {
  if (message === undefined || message.trim() === '') return '';
  const { line, folded: more } = firstLine(message);
  if (!more) return html`<span class="detail message">${message}</span>`;
  return html`<details class="fold"><summary class="detail">${line}</summary><div class="detail message">${message}</div></details>`;
}

/** The last Mesos state with its reason, source (unless left out) and message, each on its own line. */
export function mesosState(mesos: MesosTaskStatus | undefined, withSource = true): Html {
  if (mesos === undefined) return NONE;
  return html`<code class="state">${mesos.state}</code>${
    mesos.reason === undefined ? '' : html`<br><span class="detail">Reason: ${mono(mesos.reason)}</span>`}${
    mesos.source === undefined || !withSource ? '' : html`<br><span class="detail">Source: ${mono(mesos.source)}</span>`}${
    mesos.message === undefined ? '' : html`<br>${folded(mesos.message)}`}`;
}

export interface LinkSettings {
  readonly mesosProxyBaseUrl?: string | undefined;
  readonly historyServerUrl?: string | undefined;
}

/** The attempt's sandbox link, or a dash when the proxy URL or the placement is unknown. */
export function sandboxLink(settings: LinkSettings, attempt: AttemptRef | undefined): Html {
  const url = attempt === undefined ? undefined : sandboxUrl(settings.mesosProxyBaseUrl, attempt);
  return url === undefined ? NONE : externalLink(url, 'Sandbox');
}

/**
 * The attempt's history server link, labelled with the driver's framework ID (its Spark
 * application ID), or just "History" where space is short.
 */
export function historyLink(settings: LinkSettings, attempt: AttemptRef | undefined, compact = false): Html {
  const url = attempt === undefined ? undefined : historyUrl(settings.historyServerUrl, attempt);
  const appId = attempt === undefined ? undefined : driverFrameworkId(attempt);
  if (url === undefined || appId === undefined) return NONE;
  return externalLink(url, compact ? 'History' : mono(appId));
}
