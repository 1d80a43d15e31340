// The overview's controls: the summary at the top, the filter form (phase, queue, text,
// auto-refresh) with a refresh link, the lookup of one driver by submission ID or resource name,
// and the pager under a table. Plain GET forms and links: no scripts. Pure.

import { PHASES } from '../sparkdriver/sparkdriver-status.ts';
import { mono } from './components.ts';
import { html, type Html } from './html.ts';
import { UI_TITLE } from './layout.ts';
import { overviewHref, REFRESH_CHOICES, type Listing, type OverviewQuery, type PhaseListing } from './listing.ts';
import type { UiSnapshot } from './snapshot.ts';

const count = (n: number): string => n.toLocaleString('en-US');

export function header(snapshot: UiSnapshot, totals: Listing['totals']): Html {
  const counts = PHASES.map((phase) => `${count(totals[phase])} ${phase.toLowerCase()}`).join(', ');
  return html`<h1>${UI_TITLE}</h1>
<div class="summary">
<div><span class="label">Mesos Framework ID:</span> ${mono(snapshot.frameworkId ?? 'not registered yet')}</div>
<div><span class="label">Mesos master:</span> ${mono(snapshot.masterUrl)}</div>
<div><span class="label">This replica:</span> ${snapshot.leader ? 'leader' : 'standby'}</div>
<div><span class="label">Drivers:</span> ${counts}</div>
</div>
${snapshot.leader ? '' : html`<p class="notice">This replica is on standby: the leader runs the scheduler. What you see is read from Kubernetes and may lag by a moment.</p>`}`;
}

function option(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
}

/** The filter form, the refresh link and the lookup form. */
export function controls(query: OverviewQuery, listing: Listing): Html {
  const phases = PHASES.map((p) => option(p, `${p} (${count(listing.totals[p])})`, query.phase === p));
  const queues = listing.queues.map((q) => option(q, q, query.queue === q));
  // A queue named in the query but held by no driver stays selectable, so the form shows what is applied.
  if (query.queue !== undefined && !listing.queues.includes(query.queue)) queues.push(option(query.queue, query.queue, true));
  const refresh = REFRESH_CHOICES.map((s) => option(String(s), `every ${s} s`, query.refresh === s));
  const filtered = query.phase !== undefined || query.queue !== undefined || query.text !== undefined;
  return html`<div class="controls">
<form id="filters" method="get" action="./">
<label>Phase <select name="phase">${option('', 'All phases', query.phase === undefined)}${phases}</select></label>
<label>Queue <select name="queue">${option('', 'All queues', query.queue === undefined)}${queues}</select></label>
<label>Search <input type="search" name="q" value="${query.text ?? ''}" placeholder="ID, name, application, main class" size="32"></label>
<label>Auto-refresh <select name="refresh">${option('', 'off', query.refresh === undefined)}${refresh}</select></label>
<button type="submit">Apply</button>
<a id="refresh" href="${overviewHref(query)}">Refresh now</a>${filtered ? html` <a id="clear" href="${overviewHref({ page: 1, ...(query.refresh !== undefined && { refresh: query.refresh }) })}">Clear filters</a>` : ''}
</form>
<form id="lookup" method="get" action="driver">
<label>Open driver <input name="id" placeholder="submission ID or namespace/name" size="30" required></label>
<button type="submit">Open</button>
</form>
</div>`;
}

/** Under a table: a link to page through the rest of a phase, or the pages of the one shown. */
export function pager(query: OverviewQuery, listing: PhaseListing): Html | '' {
  if (query.phase === undefined) {
    if (listing.matched <= listing.drivers.length) return '';
    const all = overviewHref({ ...query, phase: listing.phase, page: 1 });
    return html`<p class="pager">Showing the first ${count(listing.drivers.length)} of ${count(listing.matched)}. <a href="${all}">Page through all ${count(listing.matched)} ${listing.phase.toLowerCase()} drivers →</a></p>`;
  }
  if (listing.pages <= 1) return '';
  const to = (page: number, label: string, rel: string): Html => html`<a rel="${rel}" href="${overviewHref({ ...query, page })}">${label}</a>`;
  const { page, pages } = listing;
  return html`<nav class="pager" aria-label="pages">Page ${count(page)} of ${count(pages)}${
    page > 1 ? html` · ${to(1, '« First', 'first')} · ${to(page - 1, '‹ Previous', 'prev')}` : ''}${
    page < pages ? html` · ${to(page + 1, 'Next ›', 'next')} · ${to(pages, 'Last »', 'last')}` : ''}</nav>`;
}

