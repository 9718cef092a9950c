// A series' figures in words, for every page and `show`: pure (no database), so the browser's
// compare page words a series as the build does. "uWS used 11.9x less memory per added connection
// than Socket.IO (95% interval 10.9–13.1x; 10.4–14.3x over 5 pairs)"; a single run says "one run".
import { compare, EVEN, format, formatFactor, formatRange, HEADLINE, type HeadlineKey, type MetricDef } from './metrics.ts';
import type { Spread } from './spread.ts';

export interface SeriesRun {
  id: string;
  backend: string;
  seq: number | null;
  status: string;
  verdict: string | null;
}

export interface SeriesRatio {
  key: HeadlineKey;
  a: string;
  b: string;
  /** a / b over the pairs of runs (one per round). */
  spread: Spread;
  /** The comparison in words, with its range over the pairs, or "no clear difference". */
  phrase: string;
}

export interface SeriesSummary {
  id: string;
  scenario: string;
  runs: SeriesRun[];
  /** In the order they first ran. */
  backends: string[];
  /** backend → catalogue key → spread over that backend's runs. */
  figures: Record<string, Record<string, Spread>>;
  ratios: SeriesRatio[];
}

/** A ratio's spread read as larger over smaller, as every comparison is, its ranges turned the same way; null without a median. */
export function asFactor(s: Spread): { factor: number; min: number; max: number; ciLow: number | null; ciHigh: number | null } | null {
  if (s.median === null || s.min === null || s.max === null) return null;
  const flip = (v: number) => (s.median! >= 1 ? v : 1 / v);
  const ordered = (x: number, y: number) => [Math.min(flip(x), flip(y)), Math.max(flip(x), flip(y))] as const;
  const [min, max] = ordered(s.min, s.max);
  const [ciLow, ciHigh] = s.ciLow === null || s.ciHigh === null ? [null, null] : ordered(s.ciLow, s.ciHigh);
  return { factor: flip(s.median), min, max, ciLow, ciHigh };
}

/** A ratio's 95% interval reaches into the even band: the series cannot tell the two apart. */
export function withinNoise(s: Spread): boolean {
  const f = asFactor(s);
  return f !== null && f.ciLow !== null && f.ciLow < EVEN;
}

/** "11.2–13.5x": a range of factors, the unit once. */
export const factorRange = (low: number, high: number): string => `${formatFactor(low).replace(/x$/, '')}–${formatFactor(high)}`;

/**
 * "uWS used 11.7x less memory per added connection than Socket.IO (95% interval 10.9–13.1x;
 * 11.3–14.3x over 5 pairs)"; where the interval reaches into the even band, "no clear
 * difference"; one pair is "one run" and says so.
 */
export function ratioInWords(def: MetricDef, a: string, b: string, s: Spread): string {
  const m = s.median!;
  if (s.n === 1) return `${compare(def, { name: a, value: m }, { name: b, value: 1 }).phrase} (one run)`;
  const f = asFactor(s)!;
  const range = `${factorRange(f.min, f.max)} over ${s.n} pairs`;
  // With a handful of pairs the median's 95% interval is often the range itself: said once then.
  const same = f.ciLow !== null && formatFactor(f.ciLow) === formatFactor(f.min) && formatFactor(f.ciHigh!) === formatFactor(f.max);
  const noise = f.ciLow === null || same ? range : `95% interval ${factorRange(f.ciLow, f.ciHigh!)}; ${range}`;
  if (withinNoise(s)) return `no clear difference in ${def.noun} between ${a} and ${b}: ${formatFactor(f.factor)} apart, within the noise (${noise})`;
  return `${compare(def, { name: a, value: m }, { name: b, value: 1 }).phrase} (${noise})`;
}

/** A figure over a backend's runs: "3.83 KB (3.21–4.26 KB over 5 runs)"; one run: "3.83 KB (one run)". */
export function spreadInWords(def: MetricDef, s: Spread): string {
  if (s.median === null) return format(def, null);
  if (s.n === 1) return `${format(def, s.median)} (one run)`;
  return `${format(def, s.median)} (${formatRange(def, s.min, s.max)} over ${s.n} runs)`;
}

/** Two backends of one series, as a pair page, a card or compare sets them side by side. */
export interface PairSpread {
  seriesId: string;
  /** Rounds the two ran side by side. */
  pairs: number;
  /** Each backend's figures over its runs (catalogue key → spread). */
  a: Record<string, Spread>;
  b: Record<string, Spread>;
  /** The series' comparisons of a against b, by figure. */
  ratios: Partial<Record<HeadlineKey, SeriesRatio>>;
}

const invert = (v: number | null) => (v === null ? null : 1 / v);

/**
 * The pair spread of backends a and b (named labelA and labelB in sentences) in a series
 * summary; null when the series does not hold both. A series compares its backends in the order
 * they ran: asked the other way round, each ratio is turned over and worded again.
 */
export function pairSpreadOf(series: SeriesSummary, a: string, b: string, labelA: string, labelB: string): PairSpread | null {
  if (!series.figures[a] || !series.figures[b]) return null;
  const ratios: PairSpread['ratios'] = {};
  for (const r of series.ratios) {
    if (r.a === a && r.b === b) ratios[r.key] = { ...r, phrase: ratioInWords(HEADLINE[r.key], labelA, labelB, r.spread) };
    else if (r.a === b && r.b === a) {
      const s = r.spread;
      const spread: Spread = { n: s.n, median: invert(s.median), min: invert(s.max), max: invert(s.min), ciLow: invert(s.ciHigh), ciHigh: invert(s.ciLow) };
      ratios[r.key] = { key: r.key, a, b, spread, phrase: ratioInWords(HEADLINE[r.key], labelA, labelB, spread) };
    }
  }
  const pairs = Math.min(series.runs.filter((r) => r.backend === a).length, series.runs.filter((r) => r.backend === b).length);
  return { seriesId: series.id, pairs, a: series.figures[a]!, b: series.figures[b]!, ratios };
}
