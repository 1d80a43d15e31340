// HTML building for the web UI: the one escaping function, an `html` template tag that escapes
// every interpolated value unless it is already-built markup, and the link helper that emits
// only http(s) URLs. Every byte of user data reaches a page through `escapeHtml`. Pure.

const MARKUP: unique symbol = Symbol('markup');

/** Markup built by `html` (or `raw` for trusted constants): inserted as is, never re-escaped. */
export interface Html {
  readonly [MARKUP]: string;
}

/** What may appear inside `html`: text (escaped), markup, lists of either, or nothing. */
export type Fragment = Html | string | number | false | null | undefined | readonly Fragment[];

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;',
};

/**
 * The escaping function: safe in element content and in quoted attribute values alike. Control
 * characters other than tab and newline are dropped; they have no business on a page.
 */
export function escapeHtml(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

function isHtml(value: unknown): value is Html {
  return typeof value === 'object' && value !== null && MARKUP in value;
}

function toMarkup(fragment: Fragment): string {
  if (fragment === undefined || fragment === null || fragment === false) return '';
  if (isHtml(fragment)) return fragment[MARKUP];
  if (typeof fragment === 'string') return escapeHtml(fragment);
  if (typeof fragment === 'number') return escapeHtml(String(fragment));
  return fragment.map(toMarkup).join('');
}

/** Template tag: the literal parts are markup, every `${value}` is escaped text or nested markup. */
export function html(strings: TemplateStringsArray, ...values: Fragment[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += toMarkup(value) + (strings[i + 1] ?? '');
  });
  return { [MARKUP]: out };
}

/** Trusted markup written in this module tree (constants only, never data). */
export function raw(markup: string): Html {
  return { [MARKUP]: markup };
}

/** The final string of a fragment. */
export function render(fragment: Fragment): string {
  return toMarkup(fragment);
}

/** The URL as a normalised http(s) URL, or undefined for any other scheme or an unparsable one. */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
}

/**
 * A link to an external http(s) URL, or just the label when the URL is not one. External links
 * open without a referrer or opener.
 */
export function externalLink(url: string | undefined, label: Fragment): Html {
  const href = safeHttpUrl(url);
  if (href === undefined) return html`${label}`;
  return html`<a href="${href}" rel="noopener noreferrer" target="_blank">${label}</a>`;
}

/** A link inside the UI: a relative path built here, with its query values URL-encoded. */
export function internalLink(path: string, query: Readonly<Record<string, string>>, label: Fragment): Html {
  const search = new URLSearchParams(query).toString();
  return html`<a href="${search === '' ? path : `${path}?${search}`}">${label}</a>`;
}
