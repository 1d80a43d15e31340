// The page of one attempt's stdout or stderr, `/logs?id=<driver>&attempt=<n>&file=stdout`: a
// window of at most 64 KiB (one agent read), the last one by default, with links to the older
// and newer windows, to the other file and the other attempts, and "follow". Follow is a meta
// refresh of the last window every few seconds, anchored at the end, while the attempt runs: the
// UI runs no scripts (its CSP forbids them), and a reload of 64 KiB is cheap. Each reload counts
// up `follow=<n>`: a refresh to the same URL with only a `#end` fragment would merely scroll, not
// reload. Pure.

import { driverLink, logHref, logLink } from './components.ts';
import { idOf, resourceNameOf } from './driver-facts.ts';
import { formatBytes } from './format.ts';
import { html, internalLink, type Html } from './html.ts';
import { page } from './layout.ts';
import type { AttemptLocation, LogFile } from '../logs/driver-logs.ts';
import type { UiDriver } from './snapshot.ts';

/** What one agent read returns at most, and so what one page shows. */
export const LOG_WINDOW_BYTES = 64 * 1024;
export const FOLLOW_SECONDS = 3;

export type LogContent =
  | { readonly kind: 'window'; readonly start: number; readonly end: number; readonly size: number; readonly data: string }
  | { readonly kind: 'problem'; readonly message: string };

export interface LogPageInput {
  readonly driver: UiDriver;
  readonly attempts: readonly AttemptLocation[];
  readonly attempt: AttemptLocation;
  readonly file: LogFile;
  /** Following: the how-many-th reload (0: not following). */
  readonly follow: number;
  readonly content: LogContent;
}

function navigation({ driver, attempts, attempt, file }: LogPageInput): Html {
  const id = idOf(driver);
  const other: LogFile = file === 'stdout' ? 'stderr' : 'stdout';
  const attemptLinks = attempts.map((a) => (a.number === attempt.number
    ? html`<strong>${a.number}</strong>` : logLink(id, a.number, file, String(a.number))));
  return html`<nav class="back">${internalLink('driver', { id }, `← Back to driver ${id}`)}</nav>
<h1>${file} of attempt ${attempt.number}</h1>
<div class="summary">
<div><span class="label">Driver:</span> ${driverLink(id)} <span class="detail">${resourceNameOf(driver)}</span></div>
<div><span class="label">Mesos task:</span> <code>${attempt.taskId}</code></div>
<div><span class="label">Agent:</span> <code>${attempt.agentId ?? '—'}</code></div>
<div><span class="label">File:</span> <strong>${file}</strong> · ${logLink(id, attempt.number, other, other)}</div>
<div><span class="label">Attempt:</span> ${attemptLinks.map((link, i) => (i === 0 ? link : html` · ${link}`))}</div>
</div>`;
}

function windowControls(input: LogPageInput, start: number, end: number, size: number): Html {
  const { driver, attempt, file, follow } = input;
  const id = idOf(driver);
  const links: Html[] = [];
  if (start > 0) links.push(html`<a id="older" rel="prev" href="${logHref(id, attempt.number, file, { end: String(start) })}">← Older</a>`);
  if (end < size) {
    const newer = Math.min(size, end + LOG_WINDOW_BYTES);
    links.push(html`<a id="newer" rel="next" href="${logHref(id, attempt.number, file, newer >= size ? {} : { end: String(newer) })}">Newer →</a>`);
    links.push(html`<a id="latest" href="${logHref(id, attempt.number, file)}">Latest</a>`);
  }
  if (follow > 0) links.push(html`<a id="unfollow" href="${logHref(id, attempt.number, file)}">Stop following</a>`);
  else if (!attempt.finished) links.push(html`<a id="follow" href="${logHref(id, attempt.number, file, { follow: '1' })}#end">Follow</a>`);
  const what = size === 0 ? 'The file is empty so far.'
    : `Bytes ${start.toLocaleString('en-US')}–${end.toLocaleString('en-US')} of ${size.toLocaleString('en-US')} (${formatBytes(size)}).`;
  const state = attempt.finished ? 'The attempt has ended: the log is complete.'
    : follow > 0 ? `Following: the page reloads every ${FOLLOW_SECONDS} s while the attempt runs.` : 'The attempt is still running: the log may grow.';
  return html`<p class="log-window"><span id="log-range">${what}</span> <span class="detail">${state}</span></p>
<nav class="pager" id="log-pager">${links.map((link, i) => (i === 0 ? link : html` · ${link}`))}</nav>`;
}

/** The page of one attempt's log file, or the reason it cannot be read. */
export function renderLogPage(input: LogPageInput, nowMs: number): string {
  const { driver, attempt, file, content } = input;
  const title = `${file} of attempt ${attempt.number} of ${idOf(driver)}`;
  if (content.kind === 'problem') {
    return page(title, html`${navigation(input)}<p class="problems" id="log-problem">${content.message}</p>`, nowMs);
  }
  const { start, end, size, data } = content;
  const following = input.follow > 0 && !attempt.finished;
  return page(title, html`${navigation(input)}
${windowControls(input, start, end, size)}
<pre class="log" id="log">${data}</pre>
<span id="end"></span>`, nowMs, following
    ? { refreshSeconds: FOLLOW_SECONDS, refreshUrl: `${logHref(idOf(driver), attempt.number, file, { follow: String(input.follow + 1) })}#end` }
    : {});
}

/** The page of a driver whose attempt cannot be found (not launched, or not on record). */
export function renderNoAttemptPage(driver: UiDriver, message: string, nowMs: number): string {
  const id = idOf(driver);
  return page(`Logs of ${id}`, html`<nav class="back">${internalLink('driver', { id }, `← Back to driver ${id}`)}</nav>
<h1>Logs of driver <code>${id}</code></h1>
<p class="problems" id="log-problem">${message}</p>`, nowMs);
}
