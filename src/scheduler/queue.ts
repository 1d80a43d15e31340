// The pending queue: drivers ordered by queue priority (higher first), then submission time
// (earlier first), then submission ID, so that no two submissions ever compare equal (Spark
// dropped the second of two same-millisecond submissions, SPARK-40902). Kept as one sorted
// array per priority, since a new submission almost always goes at the end of its band; the
// arrays may hold stale entries, which the owner skips and compacts away in bulk.

export interface QueueEntry {
  readonly submissionId: string;
  readonly priority: number;
  readonly submittedAtMs: number;
}

/** Total order of the queue; negative when `a` goes first. */
export function compareQueueEntries(a: QueueEntry, b: QueueEntry): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.submittedAtMs !== b.submittedAtMs) return a.submittedAtMs - b.submittedAtMs;
  if (a.submissionId === b.submissionId) return 0;
  return a.submissionId < b.submissionId ? -1 : 1;
}

export interface PriorityQueue<T extends QueueEntry> {
  /** One sorted array per priority. */
  readonly bands: Map<number, T[]>;
  /** The priorities of `bands`, highest first. */
  readonly priorities: number[];
}

export function createQueue<T extends QueueEntry>(): PriorityQueue<T> {
  return { bands: new Map(), priorities: [] };
}

/** Index of the first entry of a sorted band that does not go before `entry`. */
function lowerBound(band: readonly QueueEntry[], entry: QueueEntry): number {
  let low = 0;
  let high = band.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const probe = band[mid];
    if (probe !== undefined && compareQueueEntries(probe, entry) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Inserts `entry` in order (mutates the queue); an equal entry already there is replaced. */
export function unsafeEnqueue<T extends QueueEntry>(queue: PriorityQueue<T>, entry: T): void {
  let band = queue.bands.get(entry.priority);
  if (band === undefined) {
    band = [];
    queue.bands.set(entry.priority, band);
    queue.priorities.push(entry.priority);
    queue.priorities.sort((a, b) => b - a);
  }
  const last = band[band.length - 1];
  if (last === undefined || compareQueueEntries(last, entry) < 0) {
    band.push(entry);
    return;
  }
  const at = lowerBound(band, entry);
  const found = band[at];
  if (found !== undefined && compareQueueEntries(found, entry) === 0) band[at] = entry;
  else band.splice(at, 0, entry);
}

/** Calls `visit` for every entry in queue order (stale ones included). */
export function forEachInQueueOrder<T extends QueueEntry>(queue: PriorityQueue<T>, visit: (entry: T) => void): void {
  for (const priority of queue.priorities) {
    for (const entry of queue.bands.get(priority) ?? []) visit(entry);
  }
}

/** Keeps only the entries for which `isLive` holds, in order (mutates the queue). */
export function unsafeCompact<T extends QueueEntry>(queue: PriorityQueue<T>, isLive: (entry: T) => boolean): void {
  for (const band of queue.bands.values()) {
    let kept = 0;
    for (const entry of band) if (isLive(entry)) band[kept++] = entry;
    band.length = kept;
  }
}

/** Number of entries, stale ones included. */
export function queueLength(queue: PriorityQueue<QueueEntry>): number {
  let length = 0;
  for (const band of queue.bands.values()) length += band.length;
  return length;
}
