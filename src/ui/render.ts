// The web UI's pure renderer: a snapshot and a request's path and query in, a status code and
// an HTML document out. The overview and driver pages live in their own modules; this one picks
// the page and renders the error pages (unknown path, missing or unknown driver ID).

import { findDriver } from './driver-facts.ts';
import { renderDriverPage } from './driver-page.ts';
import { html } from './html.ts';
import { page } from './layout.ts';
import { renderOverview } from './overview.ts';
import type { UiSnapshot } from './snapshot.ts';

export { renderDriverPage } from './driver-page.ts';
export { renderOverview } from './overview.ts';

export interface RenderedPage {
  readonly status: 200 | 400 | 404;
  readonly html: string;
}

function errorPage(status: 400 | 404, title: string, message: string, nowMs: number): RenderedPage {
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

/** The driver page, or the 400/404 page for a missing or unknown ID (the original's messages). */
export function renderDriver(snapshot: UiSnapshot, id: string | null, nowMs: number): RenderedPage {
  if (id === null || id === '') return errorPage(400, 'Bad request', 'requirement failed: Missing id parameter', nowMs);
  const driver = findDriver(snapshot, id);
  if (driver === undefined) return errorPage(404, 'Driver not found', `Cannot find driver ${id}`, nowMs);
  return { status: 200, html: renderDriverPage(snapshot, driver, nowMs) };
}

/** The page for a GET of `pathname?search`. */
export function renderPage(snapshot: UiSnapshot, pathname: string, query: URLSearchParams, nowMs: number): RenderedPage {
  switch (pathname) {
    case '/':
      return { status: 200, html: renderOverview(snapshot, nowMs) };
    case '/driver':
    case '/driver/':
      return renderDriver(snapshot, query.get('id'), nowMs);
    default:
      return renderNotFound(pathname, nowMs);
  }
}
