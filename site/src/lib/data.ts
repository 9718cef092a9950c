// What pages make of the runs the loader read (loader.ts): timelines downsampled for display
// (peaks kept), each hold as a chart point, the pairs worth a page, capacity points.
import { headlineValue, SAMPLED, SERIES, SERIES_KEYS } from '../../../collector/metrics.ts';
import type { RunSummary, Timeline } from '../../../collector/query.ts';
import { groupOf, pairsOf, profileOf, type Pair } from './pairs';
import type { RunExport } from '../../../collector/transfer.ts';
import { elapsedSecond } from '../../../collector/stats.ts';
import { buildSeries, type ChartSeries } from './chart-series.ts';
import { siteData, siteInputs, type RunCard } from './loader.ts';
import type { WindowSummary } from '../../../collector/summary.ts';
import { pairSpreadOf, type PairSpread, type SeriesSummary } from '../../../collector/series-words.ts';
import { labelOf } from './backends';

export { profileOf };
export type { ChartSeries };
export type { RunCard };

/** Every run with its summary, newest first: read once per build (loader.ts). */
export const allRuns = (): RunCard[] => siteData().cards;

/** Every series (wsbench run --repeat) the site holds, newest first. */
export function allSeries(): SeriesSummary[] {
  const ids = [...new Set(allRuns().flatMap(({ run }) => (run.seriesId ? [run.seriesId] : [])))];
  return ids.map((id) => siteData().seriesSummary(id));
}

/**
 * Two runs of one series, set side by side: the series' spread of their two backends (medians,
 * ranges and its ratios over the rounds), which every card, pair page and write-up states
 * instead of the two runs' own figures; null for runs that are not of one series ("one run").
 */
export function pairSpreadFor(a: RunCard, b: RunCard): PairSpread | null {
  const id = a.run.seriesId;
  if (!id || id !== b.run.seriesId || a.run.backend === b.run.backend) return null;
  return pairSpreadOf(siteData().seriesSummary(id), a.run.backend, b.run.backend, labelOf(a.run.backend), labelOf(b.run.backend));
}

/**
 * For two single runs: the newest series that ran both backends under the same scenario and
 * limits on the same machine, set side by side as a pair, so a card of one run each can say how
 * much a run moves there; null when there is none.
 */
export function seriesBeside(a: RunCard, b: RunCard): PairSpread | null {
  if (pairSpreadFor(a, b)) return null;
  // The same comparison group as the pair (pairs.ts): scenario, limits and server machine.
  const sameSetting = (r: RunCard['run']) => groupOf(r) === groupOf(a.run);
  const series = allSeries()
    .filter((s) => s.figures[a.run.backend] && s.figures[b.run.backend])
    .map((s) => ({ s, runs: allRuns().filter((c) => c.run.seriesId === s.id) }))
    .filter(({ runs }) => runs.length > 0 && runs.every((c) => sameSetting(c.run)))
    .sort((x, y) => Math.max(...y.runs.map((c) => c.run.startedMs)) - Math.max(...x.runs.map((c) => c.run.startedMs)))[0];
  return series ? pairSpreadOf(series.s, a.run.backend, b.run.backend, labelOf(a.run.backend), labelOf(b.run.backend)) : null;
}

/** The run as `wsbench export` writes it: what "download this run" serves, importable elsewhere. */
export const exportOf = (id: string): RunExport => siteData().exportOf(id);

/** The per-second series at full resolution as CSV, one column per catalogue series, units in the header. */
export function csvOf(t: Timeline): string {
  const series = seriesOf(t, Infinity);
  const keys = SERIES_KEYS.filter((k) => SERIES[k]!.grid === 'second');
  const header = ['second', ...keys.map((k) => `${k} (${SERIES[k]!.unit})`)];
  const rows = series.t.map((second, i) => [second, ...keys.map((k) => (series[k] as (number | null)[])[i] ?? '')].join(','));
  return [header.join(','), ...rows].join('\n') + '\n';
}

export const timelineOf = (id: string): Timeline => siteData().timelineOf(id);

/** The chartable series of a run, downsampled to the build's points per series (Infinity: full resolution), once per build. */
export function seriesOf(t: Timeline, maxPoints = siteInputs().maxPoints): ChartSeries {
  return siteData().memo(`series|${t.run.id}|${maxPoints}`, () => buildSeries(t, maxPoints));
}

/**
 * One hold or capacity step of a run, as a chart against connections draws it: for each series,
 * the figure the step's table gives (the catalogue's `window` figure of the step's summary), or
 * the median of its seconds where the catalogue names none, with the min and max of its seconds
 * as whiskers. Plotting each second instead drew a hold as a vertical smear and the ramp's CPU
 * as the step's.
 */
export interface HoldPoint {
  step: number | null;
  targetConnections: number | null;
  connections: number | null;
  verdict: string | null;
  /** Seconds since the run started, as the series' grid. */
  from: number;
  to: number;
  values: Record<string, number | null>;
  min: Record<string, number | null>;
  max: Record<string, number | null>;
}

export function holdsOf(t: Timeline, summary: RunSummary): HoldPoint[] {
  const windows: WindowSummary[] = summary.capacity ? summary.capacity.steps : summary.window.basis === 'hold' ? [summary] : [];
  const full = seriesOf(t, Infinity);
  const start = t.run.startedMs;
  return windows.map((w) => {
    const from = elapsedSecond(w.window.fromMs, start);
    const to = elapsedSecond(w.window.toMs, start);
    const point: HoldPoint = { step: w.window.step, targetConnections: w.window.targetConnections, connections: w.connections, verdict: w.verdict, from, to, values: {}, min: {}, max: {} };
    for (const key of SERIES_KEYS) {
      const def = SERIES[key]!;
      const xs = def.grid === 'tick' ? full.tickT : full.t;
      const column = full[key] as (number | null)[];
      const inside = xs.flatMap((x, i) => (x >= from && x <= to && typeof column[i] === 'number' ? [column[i] as number] : [])).sort((a, b) => a - b);
      // A sampled metric's window figure has its own key (metrics.ts SAMPLED).
      const figure = def.window ?? (Object.hasOwn(SAMPLED, key) ? key : undefined);
      point.values[key] = figure ? headlineValue(w as unknown as Record<string, unknown>, figure) : inside.length ? inside[Math.floor(inside.length / 2)]! : null;
      point.min[key] = inside.length ? inside[0]! : null;
      point.max[key] = inside.length ? inside[inside.length - 1]! : null;
    }
    return point;
  });
}

/** A pair page: two backends' latest runs of one scenario and profile on one machine. */
export type Comparison = Pair<RunCard>;

// A pair is named and drawn in one order on every page: the backend first run first (the seed's
// uWS before Socket.IO, as `wsbench run` runs them), then by name.
const backendOrder = (x: string, y: string) => {
  const firstRun = siteData().memo('first run of each backend', () => {
    const order = new Map<string, number>();
    for (const { run } of [...allRuns()].reverse()) if (!order.has(run.backend)) order.set(run.backend, order.size);
    return order;
  });
  return (firstRun.get(x) ?? Infinity) - (firstRun.get(y) ?? Infinity) || x.localeCompare(y);
};

/**
 * The comparisons worth a page of their own (pairs.ts): for each scenario, hardware profile and
 * machine, the latest run of each backend set against the latest of every other. Newest first.
 */
export function comparisons(): Comparison[] {
  // Every pair page asks for its siblings: worked out once per build.
  return siteData().memo('pairs', () => pairsOf(allRuns(), backendOrder));
}

/** The comparisons of one scenario and profile on one machine: every backend's latest run, and each pair. */
export interface ComparisonGroup {
  scenario: string;
  profile: string | null;
  machine: string;
  /** In pair order (backendOrder). */
  cards: RunCard[];
  pairs: Comparison[];
}

/** comparisons(), grouped by scenario and profile; newest group first. */
export function comparisonGroups(): ComparisonGroup[] {
  const groups = new Map<string, ComparisonGroup>();
  for (const pair of comparisons()) {
    const group = groups.get(pair.group) ?? { scenario: pair.scenario, profile: pair.profile, machine: pair.machine, cards: [], pairs: [] };
    group.pairs.push(pair);
    for (const card of [pair.a, pair.b]) if (!group.cards.includes(card)) group.cards.push(card);
    groups.set(pair.group, group);
  }
  for (const g of groups.values()) g.cards.sort((x, y) => backendOrder(x.run.backend, y.run.backend));
  return [...groups.values()];
}

export interface CapacityPoint {
  runId: string;
  name: string;
  backend: string;
  host: string;
  profile: string | null;
  phase: string;
  targetConnections: number | null;
  connections: number;
  rssBytes: number;
  cpuPct: number;
  verdict: string | null;
}

/** Memory and CPU against connections held, one point per hold window or capacity step. */
export function capacityPoints(): CapacityPoint[] {
  const points: CapacityPoint[] = [];
  for (const { run, summary } of allRuns()) {
    const windows: WindowSummary[] = summary.capacity ? summary.capacity.steps : summary.window.basis === 'hold' ? [summary] : [];
    for (const w of windows) {
      if (w.connections === null || w.steadyRssBytes === null) continue;
      points.push({
        runId: run.id,
        name: run.name,
        backend: run.backend,
        host: `${run.host} (${run.cores} cores)`,
        profile: profileOf(run),
        phase: w.window.basis === 'step' ? `step ${w.window.step}` : 'hold',
        targetConnections: w.window.targetConnections,
        connections: w.connections,
        rssBytes: w.steadyRssBytes,
        cpuPct: w.cpuPctAvg ?? 0,
        verdict: w.verdict,
      });
    }
  }
  return points.sort((a, b) => a.backend.localeCompare(b.backend) || a.connections - b.connections);
}
