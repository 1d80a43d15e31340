// Killing a driver from its page, safely without scripts: a POST form to `/kill` carrying a CSRF
// token that must equal the one in an HttpOnly, SameSite=Strict cookie (double submit: a page on
// another site can neither read the cookie nor make the browser send it), refused when the
// browser says the request is cross-site (Sec-Fetch-Site, Origin). When the REST API requires
// credentials, the kill requires the same ones in the request (a reverse proxy that logs people
// in can add them); without them the button is shown disabled with the reason. A successful
// kill sets `spec.kill` and redirects back to the driver page with the result (POST/redirect/GET).

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Authenticator } from '../rest/auth.ts';
import { phaseOf } from './driver-facts.ts';
import { html, type Html } from './html.ts';
import type { UiDriver } from './snapshot.ts';

export const KILL_PATH = '/kill';
export const CSRF_COOKIE = 'smd_csrf';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** What the UI needs to offer kills: the request, and the REST API's authentication if it has one. */
export interface KillPort {
  /** Sets `spec.kill` on the resource; false when the resource is gone. */
  request(namespace: string, name: string): Promise<boolean>;
  readonly authenticator?: Authenticator | undefined;
}

/** How the kill control shows on a driver page. */
export type KillControl =
  | { readonly state: 'enabled'; readonly csrfToken: string }
  | { readonly state: 'needs-credentials' };

export const KILL_RESULTS = {
  requested: 'Kill requested: the driver is stopped and finishes as Killed.',
  finished: 'Nothing to kill: the driver had already finished.',
  gone: 'Nothing to kill: the driver no longer exists.',
} as const;
export type KillResult = keyof typeof KILL_RESULTS;

export function isKillResult(value: string | null): value is KillResult {
  return value !== null && Object.hasOwn(KILL_RESULTS, value);
}

export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The token in the request's cookie, if it has a well-formed one. */
export function csrfTokenOf(headers: IncomingHttpHeaders): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === CSRF_COOKIE && value !== undefined && TOKEN.test(value)) return value;
  }
  return undefined;
}

export function csrfCookie(token: string): string {
  return `${CSRF_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The control for a page answering this request: enabled with the token, or disabled for want of credentials. */
export function killControl(port: KillPort, headers: IncomingHttpHeaders, token: string): KillControl {
  if (port.authenticator !== undefined && !port.authenticator.accepts(headers.authorization)) return { state: 'needs-credentials' };
  return { state: 'enabled', csrfToken: token };
}

/** Why a kill POST is refused, or undefined when it may proceed. */
export function killRefusal(port: KillPort, headers: IncomingHttpHeaders, formToken: string | null): string | undefined {
  if (crossSite(headers)) return 'The kill did not come from this UI.';
  const cookie = csrfTokenOf(headers);
  if (cookie === undefined || formToken === null || !TOKEN.test(formToken)
    || !timingSafeEqual(Buffer.from(cookie), Buffer.from(formToken))) {
    return 'The form is stale or did not come from this UI: reload the driver page and try again.';
  }
  if (port.authenticator !== undefined && !port.authenticator.accepts(headers.authorization)) {
    return 'Killing needs the credentials the REST API requires, and this request carries none.';
  }
  return undefined;
}

/**
 * What the browser says about where the form was: Sec-Fetch-Site, and Origin unless it is
 * `null` (which our own pages send: their referrer policy is no-referrer).
 */
function crossSite(headers: IncomingHttpHeaders): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = headers.origin;
  return origin !== undefined && origin !== 'null' && hostOf(origin) !== headers.host;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** The kill section of a driver page: the button (or why it is disabled) and the last result. */
export function killSection(driver: UiDriver, submissionId: string, control: KillControl | undefined, result: KillResult | undefined): Html | '' {
  const notice = result === undefined ? '' : html`<p class="notice" id="kill-result">${KILL_RESULTS[result]}</p>`;
  if (control === undefined || phaseOf(driver) === 'Finished' || driver.resource.spec.kill) return notice;
  if (control.state === 'needs-credentials') {
    return html`${notice}<form class="kill" id="kill"><button type="submit" disabled>Kill driver</button>
<span class="detail">Disabled: the REST API requires credentials and this request carries none. Kill with them through the REST API (<code>POST /v1/submissions/kill/${submissionId}</code>) or <code>kubectl patch</code> <code>spec.kill: true</code>.</span></form>`;
  }
  return html`${notice}<form class="kill" id="kill" method="post" action="kill">
<input type="hidden" name="id" value="${submissionId}"><input type="hidden" name="csrf" value="${control.csrfToken}">
<button type="submit">Kill driver</button> <span class="detail">Sets <code>spec.kill</code>: the running attempt is killed, or the driver leaves the queue.</span>
</form>`;
}
