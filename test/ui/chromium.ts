// Headless Chromium for the UI tests: one persistent context per test file, a page whose console
// errors, page errors and dialogs are collected as problems, and readers of what a person sees
// (table cells, key/value rows, link targets, texts). Screenshots go to a temp dir and, for the
// ones worth looking at, to /tmp/ui-*.png.

import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

export const BROWSER_TIMEOUT = 60_000;

/** The few DOM shapes the page functions use (the project compiles without the DOM lib). */
export interface El {
  readonly innerText: string;
  readonly cells: ArrayLike<El>;
  getAttribute(name: string): string | null;
}
export interface BrowserGlobals {
  readonly document: { querySelectorAll(selector: string): { readonly length: number }; querySelector(selector: string): El | null };
  readonly pwned?: unknown;
  getComputedStyle(element: El): { readonly backgroundColor: string; readonly fontFamily: string };
}

export interface Browser {
  readonly page: Page;
  readonly problems: string[];
  screenshot(name: string, keep?: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does this)`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'ui-chromium-profile-'));
  const shotsDir = mkdtempSync(join(tmpdir(), 'ui-screenshots-'));
  const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1440, height: 900 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => problems.push(`console ${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return {
    page, problems,
    async screenshot(name, keep = false) {
      const shot = join(shotsDir, `${name}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      if (keep) copyFileSync(shot, `/tmp/${name}.png`);
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export const cells = (page: Page, selector: string) => page.$$eval(`${selector} tbody tr`, (rows: El[]) =>
  rows.map((row) => Array.from(row.cells).map((cell) => cell.innerText.replace(/\s+/g, ' ').trim())));
export const kv = async (page: Page, selector: string) => Object.fromEntries(await cells(page, selector)) as Record<string, string>;
export const hrefs = (page: Page, selector: string) => page.$$eval(selector, (links: El[]) => links.map((a) => a.getAttribute('href') ?? ''));
export const texts = (page: Page, selector: string) => page.$$eval(selector, (elements: El[]) => elements.map((e) => e.innerText));

/** Nothing of a hostile driver ran: no script element, no global, no changed title. */
export async function expectNothingExecuted(page: Page, title: string): Promise<void> {
  expect(await page.title()).toBe(title);
  expect(await page.evaluate(() => {
    const g = globalThis as unknown as BrowserGlobals;
    return {
      scripts: g.document.querySelectorAll('script').length,
      images: g.document.querySelectorAll('img, iframe, object, embed').length,
      pwned: g.pwned,
    };
  })).toEqual({ scripts: 0, images: 0, pwned: undefined });
}
