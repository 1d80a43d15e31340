// Small readers of rendered HTML for the UI tests: a section by id, a table's rows as text, link
// targets, and a check that nothing executable survived escaping.

/** The markup of `<section id="…">` up to its end. */
export function sectionOf(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  if (start < 0) return '';
  return html.slice(start, html.indexOf('</section>', start) + '</section>'.length);
}

/** Markup reduced to the text a person reads (tags dropped, entities decoded, spaces collapsed). */
export function textOf(html: string): string {
  return decode(html
    .replace(/<wbr>/g, '')
    .replace(/<br>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' '))
    .trim();
}

function decode(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');
}

/** The driver page's command line exactly as shown (entities decoded, spacing kept). */
export function commandLineOf(html: string): string {
  const match = /<pre class="command" id="driver-command-line">(.*?)<\/pre>/s.exec(html);
  return decode((match?.[1] ?? '').replace(/<wbr>/g, ''));
}

/** The rows of the table with this id, each as the text of its cells. */
export function tableRows(html: string, id: string): string[][] {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return [];
  const table = html.slice(start, html.indexOf('</table>', start));
  const body = table.slice(table.indexOf('<tbody>'));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) => [...(row[1] ?? '').matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/gs)].map((cell) => textOf(cell[1] ?? '')));
}

/** Every href and src value, entity-decoded. */
export function linkTargets(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => textOf(m[1] ?? ''));
}

const ALLOWED_TAGS = new Set([
  'html', 'head', 'meta', 'title', 'link', 'body', 'header', 'main', 'footer', 'nav', 'section', 'h1', 'h2', 'p', 'div',
  'span', 'a', 'code', 'pre', 'strong', 'time', 'br', 'wbr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ol', 'ul', 'li',
  'form', 'label', 'select', 'option', 'input', 'button', 'details', 'summary',
]);
const ALLOWED_ATTRIBUTES = new Set([
  'lang', 'charset', 'name', 'content', 'rel', 'href', 'class', 'id', 'title', 'datetime', 'scope', 'target', 'http-equiv',
  'method', 'action', 'value', 'type', 'placeholder', 'size', 'aria-label',
]);

/**
 * What in the markup could run code: any tag outside the UI's own vocabulary (`<script>`, `<img>`,
 * ...), any attribute outside it (`onerror=`, `style=`, ...), and any link that is not http(s)
 * or relative. Empty for a safe page.
 */
export function executableMarkup(html: string): string[] {
  const found: string[] = [];
  if (/<script/i.test(html)) found.push('<script');
  for (const tag of html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    const name = (tag[1] ?? '').toLowerCase();
    if (!ALLOWED_TAGS.has(name)) found.push(`tag <${name}>`);
    const attributes = (tag[2] ?? '').replace(/"[^"]*"/g, '""');
    for (const attr of attributes.matchAll(/([^\s=]+)=/g)) {
      if (!ALLOWED_ATTRIBUTES.has((attr[1] ?? '').toLowerCase())) found.push(`attribute ${attr[1]} on <${name}>`);
    }
  }
  for (const target of linkTargets(html)) {
    if (!/^(https?:\/\/|driver\?|logs\?|\.\/|static\/)/.test(target)) found.push(`link ${target}`);
  }
  for (const action of html.matchAll(/\saction="([^"]*)"/g)) {
    if (!['./', 'driver', 'kill'].includes(action[1] ?? '')) found.push(`form action ${action[1]}`);
  }
  return found;
}
