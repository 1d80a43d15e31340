// How the UI writes times, durations, sizes and messages: Spark's UI date format
// `yyyy/MM/dd HH:mm:ss` (in UTC here, so every replica shows the same), Spark's `formatDuration`,
// CPUs and memory with their units, byte counts, and the first line of a long message. Text only;
// markup is built elsewhere. Pure.

import type { DriverSizing } from '../scheduler/sizing.ts';
import { formatCpus, formatMiB } from '../runtime/units.ts';

export { formatCpus, formatMiB };

/** Epoch ms of an RFC 3339 time, or undefined when absent or unparsable. */
export function timeMs(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2024/03/01 10:00:00`, Spark's UI format, in UTC. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} `
    + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Spark's `UIUtils.formatDuration`: `42 ms`, `0.5 s`, `12 s`, `2.5 min`, `42 min`, `1.3 h`. */
export function formatDuration(ms: number): string {
  const millis = Math.max(0, Math.round(ms));
  if (millis < 100) return `${millis} ms`;
  const seconds = millis / 1000;
  if (seconds < 1) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${seconds.toFixed(0)} s`;
  const minutes = seconds / 60;
  if (minutes < 10) return `${minutes.toFixed(1)} min`;
  if (minutes < 60) return `${minutes.toFixed(0)} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}

/** `in 4 s` / `4 s ago` relative to now. */
export function formatRelative(ms: number, nowMs: number): string {
  return ms >= nowMs ? `in ${formatDuration(ms - nowMs)}` : `${formatDuration(nowMs - ms)} ago`;
}

/** Duration between two RFC 3339 times (the end defaulting to now), or undefined without a start. */
export function durationBetween(start: string | undefined, end: string | undefined, nowMs: number): string | undefined {
  const from = timeMs(start);
  if (from === undefined) return undefined;
  return formatDuration((timeMs(end) ?? nowMs) - from);
}

/** `812 B`, `64.0 KiB`, `3.2 MiB`: a log's size. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Cores as Spark printed them (`1.0`, `0.5`, `2.25`). */
export function formatCores(cores: number): string {
  return Number.isInteger(cores) ? cores.toFixed(1) : String(cores);
}

/** The task's size as the overview shows it: `1 CPU, 1408 MiB`. */
export function formatResources(sizing: DriverSizing | undefined): string | undefined {
  if (sizing === undefined) return undefined;
  return `${formatCpus(sizing.cpus)}, ${formatMiB(sizing.containerMemoryMiB)}`;
}

/** `1024 MiB heap + 384 MiB overhead = 1408 MiB`. */
export function formatMemory(sizing: DriverSizing): string {
  return `${sizing.driverMemoryMiB} MiB heap + ${sizing.overheadMiB} MiB overhead = ${sizing.containerMemoryMiB} MiB`;
}

/** The retry bound as a person reads it: `unlimited (Spark's behaviour)` or the count. */
export function formatRetryLimit(maxRetries: number | undefined): string {
  return maxRetries === undefined ? 'unlimited (Spark\'s behaviour)' : String(maxRetries);
}

/** The first line of a message, cut to `max` characters, and whether anything was left out. */
export function firstLine(text: string, max = 120): { readonly line: string; readonly folded: boolean } {
  const trimmed = text.trim();
  const newline = trimmed.indexOf('\n');
  const line = newline < 0 ? trimmed : trimmed.slice(0, newline).trimEnd();
  if (line.length > max) return { line: `${line.slice(0, max - 1)}…`, folded: true };
  return { line, folded: line.length < trimmed.length };
}

/** The last path segment of a URL or path, for a Python app's "main class" cell. */
export function baseName(path: string): string {
  const trimmed = path.replace(/[?#].*$/, '').replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || path;
}
