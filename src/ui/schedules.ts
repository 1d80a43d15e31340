// The overview's "Scheduled Drivers" section: each ScheduledSparkDriver with its schedule and time
// zone, whether it is suspended, its concurrency policy, active runs, last and next time, and its
// recent runs with their outcome, linked to their driver pages while they exist. Pure.

import type { ScheduledSparkDriver } from '../scheduled/scheduled-spark-driver.ts';
import { dataTable, driverLink, mono, NONE, outcomeBadge, phaseBadge, time } from './components.ts';
import { idOf } from './driver-facts.ts';
import { html, type Html } from './html.ts';
import type { UiSnapshot } from './snapshot.ts';

function recentRuns(snapshot: UiSnapshot, schedule: ScheduledSparkDriver): Html {
  const runs = schedule.status?.recentRuns ?? [];
  if (runs.length === 0) return html`${NONE}`;
  const items = runs.map((run) => {
    const driver = snapshot.drivers.find((d) => d.resource.metadata.namespace === schedule.metadata.namespace && d.resource.metadata.name === run.name);
    const state = run.outcome !== undefined ? outcomeBadge(run.outcome) : phaseBadge(run.phase ?? 'Queued');
    const name = driver === undefined ? mono(run.name) : html`${driverLink(idOf(driver))} <span class="detail">${run.name}</span>`;
    return html`<li>${state} ${name}</li>`;
  });
  return html`<ul class="runs">${items}</ul>`;
}

/** The section, newest schedules last (by name within a namespace). */
export function schedulesSection(snapshot: UiSnapshot, nowMs: number): Html {
  const schedules = [...(snapshot.schedules ?? [])].sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const rows = schedules.map((s) => {
    const ready = s.status?.conditions?.find((c) => c.type === 'Ready');
    return [
      mono(`${s.metadata.namespace}/${s.metadata.name}`),
      html`${mono(s.spec.schedule)}<br><span class="detail">${s.spec.timeZone ?? 'UTC'}</span>`,
      s.spec.suspend ? 'Suspended' : ready?.status === 'False' ? html`<span class="message">${ready.message}</span>` : 'Active',
      s.spec.concurrencyPolicy,
      String(s.status?.activeCount ?? 0),
      time(s.status?.lastScheduleTime, nowMs),
      s.spec.suspend ? NONE : time(s.status?.nextScheduleTime, nowMs),
      recentRuns(snapshot, s),
    ];
  });
  return html`<section id="scheduled"><h2>Scheduled Drivers <span class="count">(${rows.length})</span></h2>${dataTable('scheduled-drivers', [
    'Schedule', 'Cron (Time Zone)', 'State', 'Concurrency', { label: 'Active', nowrap: true }, 'Last Run', 'Next Run', 'Recent Runs',
  ], rows, 'No scheduled drivers.')}</section>`;
}
