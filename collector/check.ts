// Regression check (wsbench check): a candidate's figures against a baseline's, metric by metric,
// each with a direction and a threshold from the catalogue, aware of the baseline's own noise: a
// change the baseline's runs already spread over is not a regression (docs/METRICS.md, "Check").
import { format, formatRange, HEADLINE, type HeadlineKey, type MetricDef } from './metrics.ts';
import { median } from './stats.ts';

/** The figures a check looks at by default, and how much worse each may get: the catalogue's `regression`. */
export const CHECK_THRESHOLDS: Partial<Record<HeadlineKey, number>> = Object.fromEntries(
  (Object.entries(HEADLINE) as [HeadlineKey, MetricDef][]).flatMap(([key, def]) => (def.regression === undefined ? [] : [[key, def.regression]])),
);

export type CheckOutcome = 'regressed' | 'improved' | 'unchanged' | 'not measured';

export interface CheckRow {
  backend: string;
  key: HeadlineKey;
  label: string;
  baseline: { median: number | null; min: number | null; max: number | null; n: number };
  candidate: { median: number | null; n: number };
  /** How much worse the candidate is, as a share of the baseline (negative: better). */
  worseBy: number | null;
  threshold: number;
  outcome: CheckOutcome;
  /** The row in words, units and direction included. */
  words: string;
}

/** Each side's values of each figure, by backend: one value per run. */
export type SideValues = Record<string, Partial<Record<HeadlineKey, (number | null)[]>>>;

/** Parses `metric=10%` (or `=0.1`) overrides; unknown metrics and bad numbers are refused by name. */
export function parseThresholds(specs: readonly string[]): Partial<Record<HeadlineKey, number>> {
  const out: Partial<Record<HeadlineKey, number>> = {};
  for (const spec of specs) {
    const m = /^([A-Za-z0-9]+)=(\d+(?:\.\d+)?)(%?)$/.exec(spec.trim());
    if (!m) throw new Error(`--threshold ${spec}: write it as metric=10% (or metric=0.1)`);
    const key = m[1]!;
    if (!Object.hasOwn(HEADLINE, key)) throw new Error(`--threshold ${spec}: unknown metric "${key}" (one of ${Object.keys(HEADLINE).join(', ')})`);
    if ((HEADLINE[key as HeadlineKey] as MetricDef).better === null) throw new Error(`--threshold ${spec}: "${key}" has no better direction, so it cannot regress`);
    out[key as HeadlineKey] = m[3] ? Number(m[2]) / 100 : Number(m[2]);
  }
  return out;
}

/**
 * A candidate regressed on a figure when its median is worse than the baseline's by more than
 * the threshold and also outside the range the baseline's own runs covered; improved the same
 * way in the other direction; otherwise unchanged.
 */
export function checkSides(baseline: SideValues, candidate: SideValues, thresholds: Partial<Record<HeadlineKey, number>>): CheckRow[] {
  const rows: CheckRow[] = [];
  for (const backend of Object.keys(candidate).filter((b) => Object.hasOwn(baseline, b))) {
    for (const [key, threshold] of Object.entries(thresholds) as [HeadlineKey, number][]) {
      const def = HEADLINE[key] as MetricDef;
      const base = (baseline[backend]![key] ?? []).filter((v): v is number => v !== null && Number.isFinite(v));
      const cand = (candidate[backend]![key] ?? []).filter((v): v is number => v !== null && Number.isFinite(v));
      const b = median(base);
      const c = median(cand);
      const row = { backend, key, label: def.label, baseline: { median: b, min: base.length ? Math.min(...base) : null, max: base.length ? Math.max(...base) : null, n: base.length }, candidate: { median: c, n: cand.length }, threshold };
      // A figure neither side has (a capacity of runs that were not searches) is no row at all.
      if (b === null && c === null) continue;
      if (b === null || c === null || b === 0) {
        rows.push({ ...row, worseBy: null, outcome: 'not measured', words: `${def.label}: not measured on ${b === null || b === 0 ? 'the baseline' : 'the candidate'}` });
        continue;
      }
      const worseBy = def.better === 'lower' ? (c - b) / b : (b - c) / b;
      const outsideNoise = c > row.baseline.max! || c < row.baseline.min!;
      const outcome: CheckOutcome = outsideNoise && worseBy > threshold ? 'regressed' : outsideNoise && worseBy < -threshold ? 'improved' : 'unchanged';
      const change = `${format(def, c)} against ${format(def, b)}${base.length > 1 ? ` (baseline ${formatRange(def, row.baseline.min, row.baseline.max)} over ${base.length} runs)` : ''}`;
      const pct = `${Math.abs(worseBy * 100).toFixed(1)}% ${worseBy > 0 ? 'worse' : 'better'}`;
      const words =
        outcome === 'regressed' ? `${def.label} regressed: ${change}, ${pct} (threshold ${(threshold * 100).toFixed(1)}%)`
        : outcome === 'improved' ? `${def.label} improved: ${change}, ${pct}`
        : `${def.label} unchanged: ${change}${outsideNoise ? `, ${pct}, within the ${(threshold * 100).toFixed(1)}% threshold` : base.length > 1 ? ', within the baseline\'s own spread' : ''}`;
      rows.push({ ...row, worseBy, outcome, words });
    }
  }
  return rows;
}
