// A figure over a series of repeated runs (docs/METRICS.md, "Spread"): its median, min–max and a
// 95% confidence interval of the median, by bootstrap over the runs; and the ratio of two
// backends' figures, by bootstrap over pairs of runs (each round of the series ran one of each,
// side by side, so a pair shares the machine's drift). Pure functions, seeded: the same runs give
// the same interval in every `show` and on every page.
import { median } from './stats.ts';

export interface Spread {
  /** Runs (or pairs of runs) with a value. */
  n: number;
  median: number | null;
  min: number | null;
  max: number | null;
  /** 95% confidence interval of the median (2.5th and 97.5th percentile of the bootstrap medians); null for fewer than 2 runs. */
  ciLow: number | null;
  ciHigh: number | null;
}

export const RESAMPLES = 2000;
const NONE: Spread = { n: 0, median: null, min: null, max: null, ciLow: null, ciHigh: null };

/** mulberry32: a small seeded generator, so a bootstrap is the same every time it is computed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The q-quantile of sorted values, by linear interpolation between the nearest ranks. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The 95% interval of a statistic over RESAMPLES resamples (with replacement) of n items. */
function bootstrap(n: number, statistic: (pick: () => number) => number | null, seed: number): { low: number; high: number } | null {
  const random = seeded(seed);
  const pick = () => Math.floor(random() * n);
  const stats: number[] = [];
  for (let b = 0; b < RESAMPLES; b++) {
    const v = statistic(pick);
    if (v !== null && Number.isFinite(v)) stats.push(v);
  }
  if (stats.length === 0) return null;
  stats.sort((x, y) => x - y);
  return { low: quantile(stats, 0.025), high: quantile(stats, 0.975) };
}

/** One figure over runs: median, min–max, and the median's 95% interval. */
export function spreadOf(values: readonly (number | null)[], seed = 1): Spread {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return NONE;
  const ci = xs.length < 2 ? null : bootstrap(xs.length, (pick) => median(xs.map(() => xs[pick()]!)), seed);
  return { n: xs.length, median: median(xs), min: Math.min(...xs), max: Math.max(...xs), ciLow: ci?.low ?? null, ciHigh: ci?.high ?? null };
}

/**
 * a / b over pairs of runs: the ratio of the medians, the min–max of the pairs' own ratios, and
 * the 95% interval of the ratio of medians, resampling whole pairs. Pairs with a value missing
 * or not above zero are left out.
 */
export function ratioSpread(pairs: readonly [number | null, number | null][], seed = 1): Spread {
  const ok = pairs.filter((p): p is [number, number] => p[0] !== null && p[1] !== null && p[0] > 0 && p[1] > 0);
  if (ok.length === 0) return NONE;
  const ratioOfMedians = (sample: [number, number][]) => {
    const b = median(sample.map((p) => p[1]));
    return b ? median(sample.map((p) => p[0]))! / b : null;
  };
  const own = ok.map(([a, b]) => a / b);
  const ci = ok.length < 2 ? null : bootstrap(ok.length, (pick) => ratioOfMedians(ok.map(() => ok[pick()]!)), seed);
  return { n: ok.length, median: ratioOfMedians(ok), min: Math.min(...own), max: Math.max(...own), ciLow: ci?.low ?? null, ciHigh: ci?.high ?? null };
}
