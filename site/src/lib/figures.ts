// The headline figures pages show, read through the metric catalogue (collector/metrics.ts):
// which figures a run's report, the home page and a comparison show, labelled and formatted in
// one place, with what each one means at hand for a tooltip.
import { compare, format, formatBound, HEADLINE, headlineValue, isLowerBound, SAMPLED, SERIES, type Comparison, type HeadlineKey, type MetricDef } from '../../../collector/metrics.ts';
import type { RunInfo } from '../../../collector/query.ts';
import { aboveIdleNote } from '../../../collector/added-memory.ts';
import { asFactor, spreadInWords, withinNoise, type PairSpread } from '../../../collector/series-words.ts';
import type { Spread } from '../../../collector/spread.ts';
import type { RunSummary, WindowSummary } from '../../../collector/summary.ts';

export interface FigureRow {
  key: HeadlineKey;
  label: string;
  value: string;
  /** What the figure is and where it comes from. */
  source: string;
}

/** The catalogue's sampled metrics: every table of figures lists them, after its own. */
export const SAMPLED_KEYS = Object.keys(SAMPLED) as HeadlineKey[];

/** A run report chart: a title, whether dense series draw as a line in a min–max band, and its series (catalogue keys) with their legend names. */
export interface ReportChart {
  title: string;
  band: boolean;
  /** Drawn only when some value is above zero: what the server shed is news only when it shed something. */
  onlyIfNonZero?: boolean;
  series: { key: string; label?: string }[];
}

/** The run report's charts in order; a series names its chart in the catalogue (SeriesDef `chart`), a new title adds a chart at the end. */
const CHART_ORDER: Omit<ReportChart, 'series'>[] = [
  { title: 'Connections', band: false },
  { title: 'Server memory', band: false },
  // Beside memory: what the server held for readers that did not keep up, and what it shed.
  { title: 'Stuck in backpressure', band: false },
  { title: 'Messages stuck in backpressure', band: false, onlyIfNonZero: true },
  { title: 'Shed by the server', band: false, onlyIfNonZero: true },
  { title: 'CPU', band: true },
  { title: 'Deliveries per tick', band: false },
  { title: 'Missing and late per tick', band: false },
  { title: 'Latency and tick spread', band: true },
  { title: 'Waited for a CPU', band: true },
];

/** The report charts with something to draw in this run's series: a run before a metric existed gets no empty chart. */
export function chartsWithData(charts: ReportChart[], series: Record<string, unknown>): ReportChart[] {
  const has = (key: string, nonZero: boolean) => Array.isArray(series[key]) && (series[key] as unknown[]).some((v) => typeof v === 'number' && (!nonZero || v !== 0));
  return charts.filter((c) => c.series.some((s) => has(s.key, c.onlyIfNonZero === true)));
}

export function reportCharts(): ReportChart[] {
  const charts: ReportChart[] = CHART_ORDER.map((c) => ({ ...c, series: [] }));
  for (const def of Object.values(SERIES)) {
    if (!def.chart) continue;
    let chart = charts.find((c) => c.title === def.chart);
    if (!chart) charts.push((chart = { title: def.chart, band: true, series: [] }));
    chart.series.push({ key: def.key, ...(def.legend ? { label: def.legend } : {}) });
  }
  return charts.filter((c) => c.series.length > 0);
}

/** A run report's headline figures, in the order a reader asks for them. */
export const RUN_FIGURES: HeadlineKey[] = [
  'connections', 'addedBytesPerConn', 'aboveIdleBytesPerConn', 'addedRssBytesPerConn', 'steadyRssBytes', 'idleRssBytes', 'steadyPssBytes', 'steadyAnonBytes', 'idleAnonBytes', 'bytesPerConn',
  'cpuPctAvg', 'cpuPctMax', 'serverCpuWaitMs', 'deliveredPct', 'missing', 'late', 'latencyP50Ms', 'latencyP99Ms', 'latencyMaxMs', 'worstSpreadMs',
  'jitterP99Ms', 'jitterMaxMs', 'clumps', ...SAMPLED_KEYS,
];

export function figureRows(summary: WindowSummary | RunSummary, keys: readonly HeadlineKey[]): FigureRow[] {
  return keys.map((key) => ({ key, label: HEADLINE[key].label, value: formatBound(HEADLINE[key], headlineValue(summary as never, key), isLowerBound(summary as never, key)), source: HEADLINE[key].source }));
}

/** How a run ended, for its badge: its verdict, or a capacity search's capacity. */
export function badgeOf(run: RunInfo, summary: RunSummary): { text: string; cls: string } {
  if (summary.capacity && (run.verdict === 'stable' || run.verdict === 'unstable')) {
    return { text: summary.headline, cls: summary.capacity.stable ? 'capacity' : 'unstable' };
  }
  // A search the server's crash ended (OOM-killed at its next step) still found a capacity: the
  // badge says both, in the crash's colour.
  if (summary.capacity?.stable && run.verdict === 'crashed') return { text: summary.headline, cls: 'crashed' };
  return { text: run.verdict ?? run.status, cls: run.verdict ?? run.status };
}

/** Why a per-added-connection figure is missing, or where memory above idle tells another story than the slope. */
export function addedMemoryNote(summary: RunSummary): string | null {
  if (summary.idle) return aboveIdleNote(summary);
  return 'No idle memory was recorded for this run (it predates the idle phase), so memory per added connection is unknown; the total per connection includes every process\'s baseline.';
}

/** Figures of a whole capacity search, not of one of its steps: compared run to run whatever window the rest use. */
export const RUN_LEVEL: ReadonlySet<HeadlineKey> = new Set(['capacityConnections', 'marginalBytesPerConn', 'calmLatencyP99Ms', 'calmJitterP99Ms', 'calmClumpsPerMin']);

/** What runs with slow readers are compared on besides the rest (rows no run has are left out). */
export const SLOW_READER_FIGURES: HeadlineKey[] = ['slowReaders', 'slowDeliveredPct', 'slowLatencyP99Ms', 'slowLatencyMaxMs', 'slowSkipped', 'slowClosed', 'calmLatencyP99Ms', 'clumpsPerMin', 'calmClumpsPerMin'];

/**
 * The summaries a side-by-side table reads each run's window figures from: when every run is a
 * capacity search, the highest step all of them held stable (a failed peak against a ceiling
 * would set 40,000 connections against 100,000 under one label); otherwise each run's own
 * headline window. `where` says which, for the table's caption.
 */
export function commonWindows(summaries: RunSummary[]): { windows: object[]; where: string | null } {
  const equal = summaries.length > 1 && summaries.every((s) => s.capacity) ? highestCommonStableStep(summaries.map((s) => s.capacity!.steps)) : null;
  if (equal) return { windows: equal, where: `at ${equal[0]!.window.targetConnections!.toLocaleString('en-US')} connections, the highest step every run held stable` };
  return { windows: summaries, where: null };
}

export interface PairRow {
  key: HeadlineKey;
  label: string;
  a: string;
  b: string;
  va: number | null;
  vb: number | null;
  comparison: Comparison;
  /** Which windows the figures come from, when not the runs' headline windows. */
  where?: string;
  /** One of the few sentences that open the page. */
  lead?: boolean;
  /** Over a series: each side's spread over its runs (medians in va/vb), for whiskers and ranges. */
  spread?: { a: Spread; b: Spread };
}

const row = (key: HeadlineKey, a: { name: string; s: object }, b: { name: string; s: object }, where?: string): PairRow => {
  const [A, B] = [a, b].map((x) => ({ name: x.name, value: headlineValue(x.s as never, key), atLeast: isLowerBound(x.s as never, key) }));
  const def = HEADLINE[key];
  return { key, label: def.label, a: formatBound(def, A!.value, A!.atLeast), b: formatBound(def, B!.value, B!.atLeast), va: A!.value, vb: B!.value, comparison: compare(def, A!, B!), ...(where ? { where } : {}) };
};

/** What two holds (not capacity searches) are compared on, in order: a pair of runs or a series' pair. */
const HOLD_FIGURES: HeadlineKey[] = ['connections', 'addedBytesPerConn', 'steadyRssBytes', 'idleRssBytes', 'bytesPerConn', 'cpuPctAvg', 'deliveredPct', 'latencyP99Ms'];

/**
 * The rows of a two-run comparison. Two capacity searches compare their capacities, then memory
 * and CPU at equal connections (the highest step both held stable) and the capacity slope, never
 * two failed peaks; other runs compare their hold windows.
 */
export function pairRows(a: { name: string; summary: RunSummary }, b: { name: string; summary: RunSummary }, series: PairSpread | null = null): PairRow[] {
  const A = { name: a.name, s: a.summary };
  const B = { name: b.name, s: b.summary };
  if (series && !a.summary.capacity && !b.summary.capacity) return seriesRows(a, b, series);
  if (a.summary.capacity && b.summary.capacity) {
    const capacity = row('capacityConnections', A, B);
    // Equal capacities (both held every step) say nothing: then what each connection cost leads.
    const capacityDecides = capacity.comparison.winner !== null;
    const rows: PairRow[] = [{ ...capacity, ...(capacityDecides ? { lead: true } : {}) }, { ...row('marginalBytesPerConn', A, B), lead: true }];
    const equal = highestCommonStableStep([a.summary.capacity.steps, b.summary.capacity.steps]);
    if (equal) {
      const at = `at ${equal[0]!.window.targetConnections?.toLocaleString('en-US')} connections`;
      const where = `${at}, the highest step both held stable`;
      const EA = { name: a.name, s: equal[0]! };
      const EB = { name: b.name, s: equal[1]! };
      const leads = new Set<HeadlineKey>(capacityDecides ? ['steadyRssBytes', 'cpuPctAvg'] : ['addedBytesPerConn', 'cpuPctAvg']);
      const equalRows: PairRow[] = [];
      for (const key of ['steadyRssBytes', 'addedBytesPerConn', 'bytesPerConn', 'cpuPctAvg', 'latencyP99Ms'] as const) {
        const r = row(key, EA, EB, where);
        if (key === 'addedBytesPerConn' && r.comparison.factor === null) continue;
        // Every figure at equal connections says so in its sentence: "13.2x less memory per added
        // connection" alone would read as the slope's 12.0x under another number.
        const said = r.comparison.winner !== null ? { ...r.comparison, phrase: `${r.comparison.phrase} ${at}` } : r.comparison;
        equalRows.push({ ...r, comparison: said, ...(leads.has(key) ? { lead: true } : {}) });
      }
      // Without a capacity difference the figures at equal connections are the answer: first.
      if (!capacityDecides) return [...equalRows.filter((r) => r.lead), ...rows, ...equalRows.filter((r) => !r.lead)];
      rows.push(...equalRows);
    }
    return rows;
  }
  // Memory per added connection leads; without an idle phase, the total per connection stands in.
  const memory = a.summary.addedBytesPerConn !== null && b.summary.addedBytesPerConn !== null ? 'addedBytesPerConn' : 'bytesPerConn';
  const leads = new Set<HeadlineKey>([memory, 'cpuPctAvg', 'latencyP99Ms']);
  return HOLD_FIGURES.map((key) => ({ ...row(key, A, B), ...(leads.has(key) ? { lead: true } : {}) }));
}

/**
 * A pair over a series: each figure the median of each backend's runs with its min–max, and the
 * sentence the series gives (collector/series-words.ts): its ratio over the rounds the two ran
 * side by side, with that ratio's range, or "no clear difference" where the noise covers it.
 */
function seriesRows(a: { name: string; summary: RunSummary }, b: { name: string; summary: RunSummary }, series: PairSpread): PairRow[] {
  const leads = new Set<HeadlineKey>(['addedBytesPerConn', 'cpuPctAvg', 'latencyP99Ms']);
  return HOLD_FIGURES.map((key) => {
    const def = HEADLINE[key];
    const [sa, sb] = [series.a[key], series.b[key]];
    const [va, vb] = [sa?.median ?? null, sb?.median ?? null];
    const ofMedians = compare(def, { name: a.name, value: va }, { name: b.name, value: vb });
    const ratio = series.ratios[key];
    const comparison = ratio ? { ...ofMedians, factor: asFactor(ratio.spread)?.factor ?? null, phrase: ratio.phrase } : ofMedians;
    if (ratio && withinNoise(ratio.spread)) comparison.winner = null;
    return {
      key, label: def.label, a: sa ? spreadInWords(def, sa) : format(def, null), b: sb ? spreadInWords(def, sb) : format(def, null), va, vb, comparison,
      ...(sa && sb ? { spread: { a: sa, b: sb } } : {}),
      ...(leads.has(key) ? { lead: true } : {}),
    };
  });
}

/** Each capacity search's window at the highest step every one of them held stable, in order; null when there is none. */
export function highestCommonStableStep(searches: WindowSummary[][]): WindowSummary[] | null {
  const stable = searches.map((steps) => new Map(steps.filter((w) => w.verdict === 'stable').map((w) => [w.window.targetConnections, w])));
  const common = [...stable[0]!.keys()].filter((t) => t !== undefined && stable.every((s) => s.has(t))).sort((x, y) => (y ?? 0) - (x ?? 0))[0];
  return common === undefined ? null : stable.map((s) => s.get(common)!);
}

/** One figure of a lineup: every backend's value, best first, with each one's factor to the best. */
export interface LineupFigure {
  key: HeadlineKey;
  label: string;
  /** The sentence that opens the card: the best against the worst, with a direction. */
  phrase: string;
  entries: { backend: string; name: string; value: number | null; text: string; factor: number | null; best: boolean }[];
}

export interface Lineup {
  /** Where the figures come from: "at 20,000 connections, the highest step every backend held stable", or the hold. */
  where: string | null;
  figures: LineupFigure[];
}

/**
 * Several backends under one scenario, side by side: memory per added connection, CPU, p99 and
 * delivered, from each run's hold window or, for capacity searches, the highest step every one
 * of them held stable (never a failed step). Best first on each figure.
 */
export function lineup(runs: { backend: string; name: string; summary: RunSummary }[]): Lineup {
  let where: string | null = null;
  let windows: object[] = runs.map((r) => r.summary);
  const equal = runs.every((r) => r.summary.capacity) ? highestCommonStableStep(runs.map((r) => r.summary.capacity!.steps)) : null;
  if (equal) {
    windows = equal;
    where = `at ${equal[0]!.window.targetConnections!.toLocaleString('en-US')} connections, the highest step every backend held stable`;
  }
  const keys: HeadlineKey[] = ['addedBytesPerConn', 'cpuPctAvg', 'latencyP99Ms', 'deliveredPct'];
  return { where, figures: keys.map((key) => lineupFigure(key, runs, windows)) };
}

function lineupFigure(key: HeadlineKey, runs: { backend: string; name: string }[], windows: object[]): LineupFigure {
  const def = HEADLINE[key];
  const entries = runs.map((r, i) => {
    const value = headlineValue(windows[i] as never, key);
    return { backend: r.backend, name: r.name, value, text: format(def, value), factor: null as number | null, best: false };
  });
  const measured = entries.filter((e) => e.value !== null);
  const rank = (e: { value: number | null }) => (def.better === 'higher' ? -(e.value ?? 0) : e.value ?? 0);
  entries.sort((x, y) => (x.value === null ? 1 : y.value === null ? -1 : rank(x) - rank(y)));
  const best = entries[0];
  if (best && best.value !== null) {
    for (const e of entries) {
      e.best = e.value === best.value;
      if ((def as MetricDef).compareBy !== 'difference' && e.value !== null && e.value > 0 && best.value > 0) e.factor = Math.max(e.value, best.value) / Math.min(e.value, best.value);
    }
  }
  const worst = measured.length >= 2 ? entries[measured.length - 1]! : undefined;
  const phrase = best && worst ? compare(def, { name: best.name, value: best.value }, { name: worst.name, value: worst.value }).phrase : `${def.label}: not measured`;
  return { key, label: def.label, phrase, entries };
}

/** The slow readers' table: each figure for the healthy readers before the slow-down, beside the slow readers, and for the slow readers themselves. */
const SLOW_READER_ROWS: { label: string; healthy: HeadlineKey | null; slow: HeadlineKey | null }[] = [
  { label: 'Delivered in time', healthy: 'deliveredPct', slow: 'slowDeliveredPct' },
  { label: 'Latency p50', healthy: 'latencyP50Ms', slow: 'slowLatencyP50Ms' },
  { label: 'Latency p99', healthy: 'latencyP99Ms', slow: 'slowLatencyP99Ms' },
  { label: 'Latency max (longest stuck)', healthy: 'latencyMaxMs', slow: 'slowLatencyMaxMs' },
  { label: 'Jitter p99', healthy: 'jitterP99Ms', slow: null },
  { label: 'Clumps', healthy: 'clumpsPerMin', slow: null },
  { label: 'Never got (skipped by the server)', healthy: null, slow: 'slowSkipped' },
  { label: 'Closed by the server, data queued', healthy: null, slow: 'closedBacklogged' },
  { label: 'Saw their connection close', healthy: null, slow: 'slowClosed' },
];

export interface SlowReaderRow {
  label: string;
  source: string;
  calm: string;
  beside: string;
  slow: string;
}

/** The rows of the slow readers' table, formatted by the catalogue; empty for a run without slow readers. */
export function slowReaderRows(summary: RunSummary): SlowReaderRow[] {
  if (!summary.slowReaders) return [];
  const shown = (s: unknown, key: HeadlineKey | null) => (key && s ? format(HEADLINE[key], headlineValue(s as never, key)) : '–');
  return SLOW_READER_ROWS.map((r) => ({
    label: r.label,
    source: [r.healthy && HEADLINE[r.healthy].source, r.slow && `slow readers: ${HEADLINE[r.slow].source}`].filter(Boolean).join('; '),
    calm: shown(summary.calm, r.healthy),
    beside: shown(summary, r.healthy),
    slow: shown(summary, r.slow),
  }));
}
