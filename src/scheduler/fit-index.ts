// A first-fit index over a list of offers: finds the first offer (in delivery order) whose
// remaining cpus and mem both cover a request, without scanning every offer for every driver.
// A segment tree holds the largest remaining cpus and mem of each range of offers. Because
// offers only shrink within a pass, an offer that cannot hold a request size now never will:
// each request size keeps a cursor past the offers it has ruled out, and sizes known to fit
// nowhere are remembered, so a pass costs about O(sizes × offers + requests × log offers).

export interface FitIndex {
  /** Offer index (into the pass's offer list) at each position, ascending. */
  readonly offerIndexes: readonly number[];
  readonly leafCount: number;
  readonly maxCpus: Float64Array;
  readonly maxMem: Float64Array;
  /** Request sizes known not to fit (cpus and mem side by side); anything as large fails too. */
  readonly failedCpus: number[];
  readonly failedMem: number[];
  /** Per request size (cpus → mem → position): no offer before the position can hold it. */
  readonly cursors: Map<number, Map<number, number>>;
}

const MAX_REMEMBERED_FAILURES = 32;

export function createFitIndex(
  offerIndexes: readonly number[], cpusOf: (offer: number) => number, memOf: (offer: number) => number,
): FitIndex {
  let leafCount = 1;
  while (leafCount < offerIndexes.length) leafCount *= 2;
  const maxCpus = new Float64Array(2 * leafCount).fill(-1);
  const maxMem = new Float64Array(2 * leafCount).fill(-1);
  offerIndexes.forEach((offer, position) => {
    maxCpus[leafCount + position] = cpusOf(offer);
    maxMem[leafCount + position] = memOf(offer);
  });
  for (let node = leafCount - 1; node >= 1; node--) pull(maxCpus, maxMem, node);
  return { offerIndexes, leafCount, maxCpus, maxMem, failedCpus: [], failedMem: [], cursors: new Map() };
}

function pull(maxCpus: Float64Array, maxMem: Float64Array, node: number): void {
  maxCpus[node] = Math.max(maxCpus[2 * node] ?? -1, maxCpus[2 * node + 1] ?? -1);
  maxMem[node] = Math.max(maxMem[2 * node] ?? -1, maxMem[2 * node + 1] ?? -1);
}

/** Position of the first offer with at least `cpus` and `mem` remaining, or -1. */
export function findFirstFit(index: FitIndex, cpus: number, mem: number): number {
  // Once offers fill up most requests stop here: nothing left is that large.
  if ((index.maxCpus[1] ?? -1) < cpus || (index.maxMem[1] ?? -1) < mem) return -1;
  for (let i = 0; i < index.failedCpus.length; i++) {
    if ((index.failedCpus[i] ?? Infinity) <= cpus && (index.failedMem[i] ?? Infinity) <= mem) return -1;
  }
  let byMem = index.cursors.get(cpus);
  if (byMem === undefined) index.cursors.set(cpus, (byMem = new Map<number, number>()));
  const position = firstFitFrom(index, byMem.get(mem) ?? 0, cpus, mem);
  if (position < 0) rememberFailure(index, cpus, mem);
  byMem.set(mem, position < 0 ? index.leafCount : position);
  return position;
}

// First position >= `from` that fits, walking the tree in position order from the leaf at
// `from`: a range that fits is entered at its left half, one that does not is skipped for the
// range right after it. The two maxima of a range may come from different offers, so a range can
// pass the check and hold no fitting offer; the walk then moves on past it, and every leaf it
// rules out lies before the answer, behind the cursor, never visited again for this size. A loop,
// not a recursion: a pass makes thousands of these searches.
function firstFitFrom(index: FitIndex, from: number, cpus: number, mem: number): number {
  const { maxCpus, maxMem, leafCount } = index;
  if (from >= leafCount) return -1;
  let node = leafCount + from;
  for (;;) {
    if ((maxCpus[node] ?? -1) >= cpus && (maxMem[node] ?? -1) >= mem) {
      if (node >= leafCount) return node - leafCount;
      node *= 2;
      continue;
    }
    // Up while this range is its parent's right half; the root's "parent" 0 ends the walk.
    while ((node & 1) === 1) node >>= 1;
    if (node === 0) return -1;
    node += 1;
  }
}

function rememberFailure(index: FitIndex, cpus: number, mem: number): void {
  // Drop the sizes this one makes redundant, keep the list short, append.
  let kept = 0;
  for (let i = 0; i < index.failedCpus.length; i++) {
    const c = index.failedCpus[i] ?? 0;
    const m = index.failedMem[i] ?? 0;
    if (c >= cpus && m >= mem) continue;
    index.failedCpus[kept] = c;
    index.failedMem[kept++] = m;
  }
  const start = Math.max(0, kept - (MAX_REMEMBERED_FAILURES - 1));
  index.failedCpus.splice(0, index.failedCpus.length, ...index.failedCpus.slice(start, kept), cpus);
  index.failedMem.splice(0, index.failedMem.length, ...index.failedMem.slice(start, kept), mem);
}

/** Records that the offer at `position` now has `cpus` and `mem` remaining (never more than before). */
export function unsafeShrink(index: FitIndex, position: number, cpus: number, mem: number): void {
  const { maxCpus, maxMem } = index;
  let node = index.leafCount + position;
  maxCpus[node] = cpus;
  maxMem[node] = mem;
  for (node >>= 1; node >= 1; node >>= 1) {
    const cpusBefore = maxCpus[node];
    const memBefore = maxMem[node];
    pull(maxCpus, maxMem, node);
    // A range whose maxima did not change leaves every range above it as it was.
    if (maxCpus[node] === cpusBefore && maxMem[node] === memBefore) return;
  }
}
