// The two statistics every figure is built from, defined once: the median, and the grid of whole
// seconds that samples from several sources (server processes, client shards) are summed on.
// Pure functions, no Node imports: the site's browser code may use them too.

/** The median: the middle value, or the mean of the middle pair; null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/**
 * The whole second a sample belongs to, in epoch milliseconds. Every per-second series (the
 * collector's queries, the site's charts) is on this one absolute grid; "seconds since the run
 * started" is this minus the run's own second (`elapsedSecond`).
 */
export const secondOf = (tMs: number): number => Math.floor(tMs / 1000) * 1000;

/** Seconds since the run started, on the grid of `secondOf`: 0 is the second the run began in. */
export const elapsedSecond = (tMs: number, runStartedMs: number): number => (secondOf(tMs) - secondOf(runStartedMs)) / 1000;

/**
 * Groups items by the whole second they fall in and folds each group with `add`, oldest second
 * first: the one per-second bucketing of the project.
 */
export function bySecond<T, A extends { tMs: number }>(items: Iterable<T>, timeOf: (item: T) => number, init: (tMs: number) => A, add: (acc: A, item: T) => void): A[] {
  const groups = new Map<number, A>();
  for (const item of items) {
    const tMs = secondOf(timeOf(item));
    let acc = groups.get(tMs);
    if (!acc) groups.set(tMs, (acc = init(tMs)));
    add(acc, item);
  }
  return [...groups.values()].sort((a, b) => a.tMs - b.tMs);
}

export const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
export const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));
export const addOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : a + b);
