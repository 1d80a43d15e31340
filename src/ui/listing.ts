// What the overview lists: its query (phase, queue, text, page, auto-refresh) read from the URL
// and written back into links, and the drivers that match it, grouped by phase in the order each
// table shows them, one page of each. One pass over the snapshot and a sort of the matches only,
// so thousands of drivers stay fast. Pure.

import { PHASES, type SparkDriverPhase } from '../sparkdriver/sparkdriver-status.ts';
import { appNameOf, currentAttemptOf, idOf, mainClassOf, phaseOf, queueOf, resourceNameOf } from './driver-facts.ts';
import { timeMs } from './format.ts';
import type { UiDriver, UiSnapshot } from './snapshot.ts';

export const PAGE_SIZE = 50;
/** The auto-refresh intervals offered, in seconds. */
export const REFRESH_CHOICES = [5, 15, 60] as const;
const MAX_QUERY_TEXT = 200;

export interface OverviewQuery {
  /** One phase only; all four tables when absent. */
  readonly phase?: SparkDriverPhase;
  readonly queue?: string;
  /** Matched, case-insensitively, against IDs, names, application name and main class. */
  readonly text?: string;
  /** 1-based; applies to the one table shown when a phase is chosen. */
  readonly page: number;
  readonly refresh?: number;
}

export function parseOverviewQuery(params: URLSearchParams): OverviewQuery {
  const phase = PHASES.find((p) => p === params.get('phase'));
  const queue = params.get('queue')?.trim();
  const text = params.get('q')?.trim().slice(0, MAX_QUERY_TEXT);
  const page = Number(params.get('page'));
  const refresh = REFRESH_CHOICES.find((r) => String(r) === params.get('refresh'));
  return {
    page: Number.isSafeInteger(page) && page > 1 ? page : 1,
    ...(phase !== undefined && { phase }),
    ...(queue !== undefined && queue !== '' && { queue }),
    ...(text !== undefined && text !== '' && { text }),
    ...(refresh !== undefined && { refresh }),
  };
}

/** A link to the overview with this query (relative, so a path-prefix proxy works). */
export function overviewHref(query: OverviewQuery): string {
  const params = new URLSearchParams();
  if (query.phase !== undefined) params.set('phase', query.phase);
  if (query.queue !== undefined) params.set('queue', query.queue);
  if (query.text !== undefined) params.set('q', query.text);
  if (query.page > 1) params.set('page', String(query.page));
  if (query.refresh !== undefined) params.set('refresh', String(query.refresh));
  const search = params.toString();
  return search === '' ? './' : `./?${search}`;
}

export interface PhaseListing {
  readonly phase: SparkDriverPhase;
  /** Drivers of this phase matching the queue and text. */
  readonly matched: number;
  readonly page: number;
  readonly pages: number;
  /** The drivers on this page, in the table's order. */
  readonly drivers: readonly UiDriver[];
}

export interface Listing {
  /** Every driver per phase, before filtering. */
  readonly totals: Readonly<Record<SparkDriverPhase, number>>;
  /** The queues drivers are in, for the filter. */
  readonly queues: readonly string[];
  /** One per table shown: all four phases, or the chosen one. */
  readonly tables: readonly PhaseListing[];
}

/** Queued by submission, launched by launch, retrying by next retry (oldest first); finished newest first. */
function sortKey(driver: UiDriver, phase: SparkDriverPhase): number {
  switch (phase) {
    case 'Queued':
      return timeMs(driver.resource.metadata.creationTimestamp) ?? 0;
    case 'Launched':
      return timeMs(currentAttemptOf(driver)?.launchTime) ?? 0;
    case 'Retrying':
      return timeMs(driver.resource.status?.nextRetryTime) ?? 0;
    case 'Finished':
      return -(timeMs(driver.resource.status?.finishTime) ?? 0);
  }
}

function matchesText(driver: UiDriver, needle: string): boolean {
  const haystack = [idOf(driver), resourceNameOf(driver), appNameOf(driver) ?? '', mainClassOf(driver), currentAttemptOf(driver)?.taskId ?? ''];
  return haystack.some((value) => value.toLowerCase().includes(needle));
}

export function listDrivers(snapshot: UiSnapshot, query: OverviewQuery): Listing {
  const totals: Record<SparkDriverPhase, number> = { Queued: 0, Launched: 0, Retrying: 0, Finished: 0 };
  const matches: Record<SparkDriverPhase, UiDriver[]> = { Queued: [], Launched: [], Retrying: [], Finished: [] };
  const queues = new Set<string>();
  const needle = query.text?.toLowerCase();
  for (const driver of snapshot.drivers) {
    const phase = phaseOf(driver);
    const queue = queueOf(driver);
    totals[phase] += 1;
    queues.add(queue);
    if (query.phase !== undefined && query.phase !== phase) continue;
    if (query.queue !== undefined && query.queue !== queue) continue;
    if (needle !== undefined && !matchesText(driver, needle)) continue;
    matches[phase].push(driver);
  }
  const shown = query.phase === undefined ? PHASES : [query.phase];
  const tables = shown.map((phase) => {
    const keyed = matches[phase].map((driver) => ({ driver, key: sortKey(driver, phase), id: idOf(driver) }));
    keyed.sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const pages = Math.max(1, Math.ceil(keyed.length / PAGE_SIZE));
    const page = query.phase === undefined ? 1 : Math.min(query.page, pages);
    const drivers = keyed.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((k) => k.driver);
    return { phase, matched: keyed.length, page, pages, drivers };
  });
  return { totals, queues: [...queues].sort(), tables };
}
