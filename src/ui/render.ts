// The web UI's pure renderer: a snapshot and a request's path and query in, a status code and
// an HTML document out. The overview and driver pages live in their own modules; this one picks
// the page, finds the driver a request names (by submission ID or resource name), and renders
// the error pages (unknown path, missing, unknown or ambiguous driver).

import { idOf, lookupDrivers, resourceNameOf } from './driver-facts.ts';
import { renderDriverPage, type DriverPageOptions } from './driver-page.ts';
import { html, internalLink } from './html.ts';
import { page } from './layout.ts';
import { parseOverviewQuery } from './listing.ts';
import { renderOverview } from './overview.ts';
import type { UiDriver, UiSnapshot } from './snapshot.ts';

export { renderDriverPage } from './driver-page.ts';
export { renderOverview } from './overview.ts';

export interface RenderedPage {
  readonly status: 200 | 300 | 400 | 404;
  readonly html: string;
}

export function errorPage(status: 400 | 404, title: string, message: string, nowMs: number): RenderedPage {
  return {
    status,
    html: page(title, html`<nav class="back"><a href="./">← Back to Drivers</a></nav>
<h1>${title}</h1>
<p id="error-message">${message}</p>`, nowMs),
  };
}

/** The 404 page for a path the UI does not serve. */
export function renderNotFound(path: string, nowMs: number): RenderedPage {
  return errorPage(404, 'Page not found', `There is no page at ${path}.`, nowMs);
}

export type DriverLookup =
  | { readonly ok: true; readonly driver: UiDriver }
  /** 400 without an ID (the original's message), 404 for an unknown one, 300 when several namespaces hold the name. */
  | { readonly ok: false; readonly status: 300 | 400 | 404; readonly message: string; readonly choices: readonly UiDriver[] };

/** The one driver `id` names: a submission ID, `namespace/name`, or a name. */
export function lookupDriver(snapshot: UiSnapshot, id: string | null): DriverLookup {
  if (id === null || id.trim() === '') return { ok: false, status: 400, message: 'requirement failed: Missing id parameter', choices: [] };
  const key = id.trim();
  const found = lookupDrivers(snapshot, key);
  if (found.length === 1) return { ok: true, driver: found[0]! };
  if (found.length === 0) return { ok: false, status: 404, message: `Cannot find driver ${key}`, choices: [] };
  return { ok: false, status: 300, message: `Several drivers are named ${key}: give its namespace/name or submission ID.`, choices: found };
}

/** The page of a failed lookup; with a link to each driver when the name is ambiguous. */
export function lookupFailurePage(failure: Extract<DriverLookup, { ok: false }>, nowMs: number): RenderedPage {
  if (failure.status === 400) return errorPage(400, 'Bad request', failure.message, nowMs);
  if (failure.status === 404) return errorPage(404, 'Driver not found', failure.message, nowMs);
  return {
    status: 300,
    html: page('Several drivers', html`<nav class="back"><a href="./">← Back to Drivers</a></nav>
<h1>Several drivers</h1>
<p id="error-message">${failure.message}</p>
<ul id="choices">${failure.choices.map((d) => html`<li>${internalLink('driver', { id: idOf(d) }, resourceNameOf(d))} <span class="detail">${idOf(d)}</span></li>`)}</ul>`, nowMs),
  };
}

/** The driver page, or the page saying why there is none. */
export function renderDriver(snapshot: UiSnapshot, id: string | null, nowMs: number, options: DriverPageOptions = {}): RenderedPage {
  const found = lookupDriver(snapshot, id);
  if (!found.ok) return lookupFailurePage(found, nowMs);
  return { status: 200, html: renderDriverPage(snapshot, found.driver, nowMs, options) };
}

/** The page for a GET of `pathname?search` among the pages that need nothing but the snapshot. */
export function renderPage(snapshot: UiSnapshot, pathname: string, query: URLSearchParams, nowMs: number): RenderedPage {
  switch (pathname) {
    case '/':
      return { status: 200, html: renderOverview(snapshot, nowMs, parseOverviewQuery(query)) };
    case '/driver':
    case '/driver/':
      return renderDriver(snapshot, query.get('id'), nowMs);
    default:
      return renderNotFound(pathname, nowMs);
  }
}
