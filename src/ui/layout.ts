// The page shell every UI page shares (doctype, head, header, footer) and the stylesheet served
// at `/static/ui.css`: plain, readable on a laptop screen, zebra tables, monospace IDs and
// commands that wrap instead of widening the page. No scripts anywhere. Pure.

import { formatDate } from './format.ts';
import { html, render, type Fragment } from './html.ts';

/** The original's page title, kept for the overview. */
export const UI_TITLE = 'Spark Drivers for Mesos cluster';

/** Where the stylesheet is served; pages link it relatively so a path-prefix proxy works. */
export const STYLESHEET_PATH = '/static/ui.css';

export interface PageOptions {
  /** Reload the page this often (a meta refresh: the UI runs no scripts). */
  readonly refreshSeconds?: number;
  /** Where the reload goes, when not to the same URL (a log page follows its end). */
  readonly refreshUrl?: string;
}

/** A complete HTML document. */
export function page(title: string, body: Fragment, nowMs: number, options: PageOptions = {}): string {
  const { refreshSeconds, refreshUrl } = options;
  const refresh = refreshSeconds === undefined ? ''
    : html`\n<meta http-equiv="refresh" content="${refreshUrl === undefined ? String(refreshSeconds) : `${refreshSeconds}; url=${refreshUrl}`}">`;
  return '<!DOCTYPE html>\n' + render(html`<html lang="en">
<head>
<meta charset="utf-8">${refresh}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="static/ui.css">
</head>
<body>
<header class="top"><a class="brand" href="./">${UI_TITLE}</a><span class="product">spark-mesos-dispatcher</span></header>
<main>
${body}
</main>
<footer>Times are UTC (Spark's <code>yyyy/MM/dd HH:mm:ss</code>). Page rendered ${formatDate(nowMs)}${
  refreshSeconds === undefined ? '; reload for fresh data' : `; it reloads every ${refreshSeconds} s`}.</footer>
</body>
</html>
`);
}

export const STYLESHEET = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --zebra: #f6f8fa; --head: #eef1f4; --link: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; }
header.top { display: flex; align-items: baseline; gap: 1rem; padding: .6rem 1.25rem; background: #24292f; }
header.top .brand { color: #fff; font-weight: 600; font-size: 1.05rem; text-decoration: none; }
header.top .product { color: #c9d1d9; font-size: .85rem; }
main { padding: .75rem 1.25rem 1.5rem; max-width: 1600px; }
footer { padding: .75rem 1.25rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--line); }
h1 { font-size: 1.35rem; margin: .4rem 0 .6rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
h2 .count { color: var(--muted); font-weight: normal; font-size: .9rem; }
a { color: var(--link); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .85rem; overflow-wrap: break-word; }
code.id { white-space: nowrap; }
pre.command { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--zebra); border: 1px solid var(--line); border-radius: 4px; padding: .6rem .8rem; margin: .3rem 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; }
table.data { width: 100%; margin: .3rem 0; font-size: 13px; }
table.data th, table.data td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
table.data thead th { background: var(--head); font-weight: 600; white-space: nowrap; }
table.data tbody tr:nth-child(even) { background: var(--zebra); }
table.data td { overflow-wrap: break-word; max-width: 38rem; }
td.nowrap { white-space: nowrap; }
td.wide { min-width: 13rem; }
table.kv { margin: .3rem 0; min-width: 40%; max-width: 100%; }
table.kv th, table.kv td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
table.kv th { background: var(--head); font-weight: 600; white-space: nowrap; width: 14rem; }
table.kv td { overflow-wrap: anywhere; }
ol.args { margin: 0; padding-left: 1.6rem; }
table.kv tbody tr:nth-child(even) td { background: var(--zebra); }
.summary { display: flex; flex-wrap: wrap; gap: .3rem 2rem; margin: .2rem 0 .6rem; }
.summary div { white-space: nowrap; }
.summary .label { color: var(--muted); }
.none, .muted, .detail { color: var(--muted); }
.detail { font-size: .85rem; overflow-wrap: anywhere; }
.message { white-space: pre-wrap; overflow-wrap: anywhere; }
.empty { color: var(--muted); font-style: italic; margin: .3rem 0; }
.notice { border: 1px solid #d4a72c; background: #fff8c5; padding: .4rem .7rem; border-radius: 4px; }
.problems { border: 1px solid #cf222e; background: #ffebe9; padding: .4rem .7rem; border-radius: 4px; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .8rem; font-weight: 600; border: 1px solid transparent; white-space: nowrap; }
.phase-queued { background: #ddf4ff; color: #0550ae; }
.phase-launched { background: #dafbe1; color: #116329; }
.phase-retrying { background: #fff8c5; color: #7d4e00; }
.phase-finished, .phase-unknown, .outcome-unknown { background: #eaeef2; color: #424a53; }
.outcome-ok { background: #dafbe1; color: #116329; }
.outcome-warn { background: #fff1e5; color: #953800; }
.outcome-bad { background: #ffebe9; color: #a40e26; }
code.state { font-weight: 600; white-space: nowrap; }
nav.back { margin: .2rem 0 .4rem; }
ul.runs { margin: 0; padding-left: 0; list-style: none; }
ul.runs li { margin: .1rem 0; white-space: nowrap; }
.controls { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .4rem 1.5rem; margin: .4rem 0 .2rem; padding: .45rem .7rem; background: var(--zebra); border: 1px solid var(--line); border-radius: 4px; }
.controls form { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem .9rem; }
.controls label { color: var(--muted); white-space: nowrap; }
input, select, button { font: inherit; font-size: .9rem; }
input, select { padding: .15rem .3rem; border: 1px solid var(--line); border-radius: 3px; color: var(--fg); background: #fff; }
button { padding: .15rem .7rem; border: 1px solid #1f883d; border-radius: 4px; background: #1f883d; color: #fff; cursor: pointer; }
button:disabled { background: #eaeef2; border-color: var(--line); color: var(--muted); cursor: not-allowed; }
form.kill { margin: .3rem 0 .6rem; }
form.kill button { background: #cf222e; border-color: #a40e26; }
form.kill button:disabled { background: #eaeef2; border-color: var(--line); color: var(--muted); }
.pager { margin: .3rem 0; color: var(--muted); }
.app-name { font-weight: 600; overflow-wrap: anywhere; }
details.fold summary { cursor: pointer; overflow-wrap: anywhere; }
details.fold[open] summary { margin-bottom: .2rem; }
pre.log { white-space: pre-wrap; overflow-wrap: anywhere; background: #0d1117; color: #e6edf3; border-radius: 4px; padding: .6rem .8rem; margin: .3rem 0; font-size: .8rem; line-height: 1.4; min-height: 3rem; }
.log-window { margin: .4rem 0 .1rem; }
`;
