// Figures as the benchmark prints them: one line each as soon as it is measured, and, when a
// scenario ran several times, one closing line per figure with the median and the spread.

export interface Figure {
  /** Stable name, the first column (e.g. `rss.queued`). */
  key: string;
  value: number;
  /** How the value prints (e.g. `MiB`, `drivers/s`, `s`). */
  unit: string;
  digits?: number;
  /** Anything else worth reading, printed after the value. */
  detail?: string;
}

const KEY_WIDTH = 34;

function format(value: number, unit: string, digits: number): string {
  return `${value.toFixed(digits)} ${unit}`.trim();
}

export class Report {
  private readonly figures = new Map<string, { unit: string; digits: number; values: number[] }>();
  private readonly write: (line: string) => void;

  constructor(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {
    this.write = write;
  }

  add(figure: Figure): void {
    const digits = figure.digits ?? 1;
    const entry = this.figures.get(figure.key) ?? { unit: figure.unit, digits, values: [] };
    entry.values.push(figure.value);
    this.figures.set(figure.key, entry);
    const detail = figure.detail === undefined ? '' : `  ${figure.detail}`;
    this.write(`${figure.key.padEnd(KEY_WIDTH)} ${format(figure.value, figure.unit, digits)}${detail}`);
  }

  note(text: string): void {
    this.write(`# ${text}`);
  }

  /** Median and min–max of every figure measured more than once. */
  summary(): void {
    const repeated = [...this.figures].filter(([, f]) => f.values.length > 1);
    if (repeated.length === 0) return;
    this.write('# summary: median (min – max, runs)');
    for (const [key, f] of repeated) {
      const sorted = [...f.values].sort((a, b) => a - b);
      const spread = `(${format(sorted[0] ?? 0, '', f.digits)} – ${format(sorted.at(-1) ?? 0, '', f.digits)}, ${sorted.length} runs)`;
      this.write(`${key.padEnd(KEY_WIDTH)} ${format(median(sorted), f.unit, f.digits)}  ${spread}`);
    }
  }
}

/** The p-th percentile (0–100) of ascending `sorted`, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(sorted: readonly number[]): number {
  return percentile(sorted, 50);
}

export const MiB = 1024 * 1024;
