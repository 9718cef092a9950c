// Browser side: what every chart of the site shares. Phases (idle, ramp, hold, capacity steps)
// shaded and events marked with chartjs-plugin-annotation, drag-to-zoom with chartjs-plugin-zoom,
// a crosshair and tooltip that follow the pointer across all charts of a page, min–max bands
// where points are denser than pixels, and series colours that keep a backend's colour.
import { Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset, type Plugin } from 'chart.js';
import annotationPlugin from 'chartjs-plugin-annotation';
import zoomPlugin from 'chartjs-plugin-zoom';
import { SEVERITY_COLORS, type Severity } from '../../../collector/events.ts';
import { bucketValue, bucketWords, formatValue, type SeriesDef, type Unit } from '../../../collector/metrics.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Filler, annotationPlugin, zoomPlugin);

export { Chart };

/** A run's second series after its backend's colour: dark and light neutrals, never another backend's colour. */
const SECONDARY = ['#1b1b1b', '#8c8c8c'];
export function seriesColor(backendColor: string, i: number): string {
  return i === 0 ? backendColor : SECONDARY[(i - 1) % SECONDARY.length]!;
}
export const DASHES = [[], [6, 3], [2, 3]];

export interface PhaseMark {
  name: string;
  step: number | null;
  targetConnections: number | null;
  from: number;
  to: number | null;
  verdict: string | null;
}

const PHASE_FILL: Record<string, string> = { idle: 'rgba(120,120,120,0.10)', ramp: 'rgba(230,159,0,0.10)', 'wait-for-clock': 'rgba(120,120,120,0.08)', hold: 'rgba(0,158,115,0.08)', base: 'rgba(86,180,233,0.10)', step: 'rgba(0,158,115,0.08)' };

/** Phases as shaded boxes, labelled; a window that was not stable is shaded red. */
export function phaseAnnotations(phases: PhaseMark[], end: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  phases.forEach((p, i) => {
    const failed = (p.name === 'hold' || p.name === 'step') && p.verdict !== null && p.verdict !== 'stable';
    const label = p.name === 'step' ? `${((p.targetConnections ?? 0) / 1000).toLocaleString('en-US')}k${failed ? ' ✗' : ''}` : p.name === 'wait-for-clock' ? '' : `${p.name}${failed ? ' ✗' : ''}`;
    out[`phase${i}`] = {
      type: 'box',
      xMin: p.from,
      xMax: p.to ?? end,
      backgroundColor: failed ? 'rgba(176,0,32,0.10)' : (PHASE_FILL[p.name] ?? 'rgba(0,0,0,0.04)'),
      borderWidth: 0,
      drawTime: 'beforeDatasetsDraw',
      // A label shows only where its phase is wide enough on screen, at this zoom: "idle" and
      // "ramp" side by side read "idlamp", and ten capacity steps at 390 px were a smear.
      label: {
        display: ({ chart }: { chart: Chart }) => label !== '' && chart.scales.x!.getPixelForValue(p.to ?? end) - chart.scales.x!.getPixelForValue(p.from) >= label.length * 6 + 6,
        content: label, position: { x: 'start', y: 'start' }, color: '#555', font: { size: 10 }, padding: 2,
      },
    };
  });
  return out;
}

export interface EventMark {
  t: number;
  kind: string;
  message: string;
  severity: Severity;
}

/**
 * Events as markers: those within `spanSeconds` of each other share one marker, coloured by the
 * worst among them; the marker's label (its count and words) shows while the pointer is on it.
 */
export function eventAnnotations(events: EventMark[], spanSeconds: number): Record<string, unknown> {
  const rank: Record<Severity, number> = { error: 2, warning: 1, info: 0 };
  const groups: EventMark[][] = [];
  for (const e of [...events].sort((a, b) => a.t - b.t)) {
    const last = groups[groups.length - 1];
    if (last && e.t - last[0]!.t <= spanSeconds) last.push(e);
    else groups.push([e]);
  }
  const out: Record<string, unknown> = {};
  groups.forEach((group, i) => {
    const worst = group.reduce((w, e) => (rank[e.severity] > rank[w] ? e.severity : w), 'info' as Severity);
    const color = SEVERITY_COLORS[worst];
    const words = group.length === 1 ? [`${group[0]!.t} s ${group[0]!.kind}: ${group[0]!.message}`] : [`${group.length} events from ${group[0]!.t} s`, ...group.slice(0, 4).map((e) => `${e.kind}: ${e.message}`)];
    out[`event${i}`] = {
      type: 'line',
      xMin: group[0]!.t,
      xMax: group[0]!.t,
      borderColor: color,
      borderWidth: worst === 'info' ? 1 : 2,
      borderDash: worst === 'info' ? [2, 3] : [],
      label: {
        display: false,
        content: words.map((w) => (w.length > 70 ? `${w.slice(0, 69)}…` : w)),
        position: 'start',
        backgroundColor: 'rgba(255,255,255,0.95)',
        color,
        borderColor: color,
        borderWidth: 1,
        font: { size: 11 },
        z: 10,
      },
      enter(ctx: any) {
        ctx.element.label.options.display = true;
        return true;
      },
      leave(ctx: any) {
        ctx.element.label.options.display = false;
        return true;
      },
    };
  });
  return out;
}

/**
 * Where a series has more points than the chart has room for (a 10-hour run, a 100k run's CPU
 * bursting every tick), or came already downsampled, draws one line of the catalogue's bucket
 * value (the mean of CPU, the worst of latencies and counts) in a band of the bucket's min–max,
 * and says which in the legend: a line of per-bucket peaks labelled "median" read 70% beside a
 * table's mean of 41%. `band` holds the min and max each point already stands for (KEY.min,
 * KEY.max of the site's JSON), `perPoint` the seconds or ticks each point stands for.
 */
export function bandDatasets(label: string, color: string, points: { x: number; y: number | null }[], maxPoints: number, def: SeriesDef, band?: { min: (number | null)[]; max: (number | null)[] }, perPoint = 1): ChartDataset<'line'>[] | null {
  const size = Math.max(1, Math.ceil(points.length / maxPoints));
  if (size === 1 && !band) return null;
  const lo: { x: number; y: number | null }[] = [];
  const hi: { x: number; y: number | null }[] = [];
  const mid: { x: number; y: number | null }[] = [];
  const numbers = (ys: (number | null | undefined)[]) => ys.filter((y): y is number => typeof y === 'number');
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    const ys = numbers(bucket.map((p) => p.y));
    const los = band ? numbers(band.min.slice(i, i + size)) : ys;
    const his = band ? numbers(band.max.slice(i, i + size)) : ys;
    const x = bucket[0]!.x;
    lo.push({ x, y: los.length ? Math.min(...los) : null });
    hi.push({ x, y: his.length ? Math.max(...his) : null });
    // Means of equal buckets are the mean of their seconds; worst of worsts is the worst.
    mid.push({ x, y: ys.length ? bucketValue(def.bucket, ys) : null });
  }
  const faint = `${color}33`;
  return [
    { label: `${label} (min)`, data: lo, borderWidth: 0, pointRadius: 0, borderColor: faint, backgroundColor: faint, spanGaps: true, fill: false },
    { label: `${label} (max)`, data: hi, borderWidth: 0, pointRadius: 0, borderColor: faint, backgroundColor: faint, spanGaps: true, fill: '-1' },
    { label: `${label} (${bucketWords(def, size * perPoint)})`, data: mid, borderWidth: 1.5, pointRadius: 0, borderColor: color, backgroundColor: color, spanGaps: true },
  ];
}

/** The band a downsampled series came with in the site's JSON, if any. */
export const bandOf = (series: any, key: string): { min: (number | null)[]; max: (number | null)[] } | undefined =>
  Array.isArray(series[`${key}.min`]) ? { min: series[`${key}.min`], max: series[`${key}.max`] } : undefined;

/** Seconds (or ticks) each point of a series of the site's JSON stands for. */
export const perPointOf = (series: any, def: SeriesDef): number => (def.grid === 'tick' ? series.bucketTicks : series.bucketSeconds) ?? 1;

/**
 * Tooltips in the series' unit and human scale ("RSS: 553.2 MB", not "RSS: 553.247"): the y a
 * chart draws is divided into the axis's unit, so the tooltip multiplies it back.
 */
export function valueTooltip(unit: Unit, divisor: number, xUnit: 'seconds' | 'connections' = 'seconds'): Record<string, unknown> {
  return {
    filter: (item: { dataset: { label?: string } }) => !isBandEdge(item.dataset.label),
    callbacks: {
      title: (items: { parsed: { x: number } }[]) => (items[0] ? (xUnit === 'seconds' ? `${items[0].parsed.x.toLocaleString('en-US')} s` : `${Math.round(items[0].parsed.x).toLocaleString('en-US')} connections`) : ''),
      label: (item: { dataset: { label?: string; whiskers?: { lo: number | null; hi: number | null }[] }; parsed: { y: number | null }; dataIndex: number }) => {
        const value = item.parsed.y === null ? '–' : formatValue(unit, item.parsed.y * divisor);
        const w = item.dataset.whiskers?.[item.dataIndex];
        const range = w && w.lo !== null && w.hi !== null ? ` (seconds from ${formatValue(unit, w.lo * divisor)} to ${formatValue(unit, w.hi * divisor)})` : '';
        return `${item.dataset.label ?? ''}: ${value}${range}`;
      },
    },
  };
}

/** Min–max whiskers for datasets that carry them (one hold or step a point): `whiskers[i]`. */
export const whiskers: Plugin = {
  id: 'whiskers',
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    chart.data.datasets.forEach((d, k) => {
      const w = (d as { whiskers?: { lo: number | null; hi: number | null }[] }).whiskers;
      if (!w || !chart.isDatasetVisible(k)) return;
      const meta = chart.getDatasetMeta(k);
      ctx.save();
      ctx.strokeStyle = String(d.borderColor ?? '#444');
      ctx.lineWidth = 1.5;
      meta.data.forEach((el, i) => {
        const r = w[i];
        if (!r || r.lo === null || r.hi === null) return;
        const top = chart.scales.y!.getPixelForValue(r.hi);
        const bottom = chart.scales.y!.getPixelForValue(r.lo);
        ctx.beginPath();
        ctx.moveTo(el.x, top);
        ctx.lineTo(el.x, bottom);
        ctx.moveTo(el.x - 4, top);
        ctx.lineTo(el.x + 4, top);
        ctx.moveTo(el.x - 4, bottom);
        ctx.lineTo(el.x + 4, bottom);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

/** Band edges stay out of the legend and the tooltip; the line they shade stands for them. */
export const isBandEdge = (label: string | undefined) => /\((min|max)\)$/.test(label ?? '');

/** The page's charts by what their x axis counts: only charts on the same axis follow each other. */
const groups = new Map<Chart, string>();

/** A vertical line at the hovered x, on every chart of the page. */
export const crosshair: Plugin = {
  id: 'crosshair',
  afterDatasetsDraw(chart) {
    const x = (chart as any).$crosshairX as number | undefined;
    if (x === undefined) return;
    const px = chart.scales.x!.getPixelForValue(x);
    const { top, bottom, left, right } = chart.chartArea;
    if (px < left || px > right) return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = 'rgba(0,0,0,0.35)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, bottom);
    ctx.stroke();
    ctx.restore();
  },
};

/** Set while charts follow one another: chart.js replays the last pointer event on update,
 * which would call onHover, and so follow, again without end. */
let following = false;

/** Shows every chart's tooltip at x (seconds), or hides them all (null). */
function follow(source: Chart, x: number | null): void {
  if (following) return;
  following = true;
  try {
    followFrom(source, x);
  } finally {
    following = false;
  }
}

function followFrom(source: Chart, x: number | null): void {
  const group = groups.get(source);
  for (const [chart, g] of groups) {
    if (g !== group) continue;
    (chart as any).$crosshairX = x ?? undefined;
    if (chart === source) {
      chart.draw();
      continue;
    }
    if (x === null) {
      chart.setActiveElements([]);
      chart.tooltip?.setActiveElements([], { x: 0, y: 0 });
    } else {
      const active = chart.data.datasets.flatMap((d, datasetIndex) => {
        if (isBandEdge(d.label) || !chart.isDatasetVisible(datasetIndex)) return [];
        const data = d.data as { x: number; y: number | null }[];
        let best = -1;
        for (let i = 0; i < data.length; i++) if (data[i]!.y !== null && (best < 0 || Math.abs(data[i]!.x - x) < Math.abs(data[best]!.x - x))) best = i;
        return best < 0 ? [] : [{ datasetIndex, index: best }];
      });
      chart.setActiveElements(active);
      chart.tooltip?.setActiveElements(active, { x: chart.scales.x!.getPixelForValue(x), y: chart.chartArea.top });
    }
    chart.update('none');
  }
}

/** Options every time chart shares: tooltip of every series at the pointer, drag to zoom. */
export function timeChartOptions(onZoom?: (from: number, to: number) => void, tooltip?: Record<string, unknown>): Record<string, unknown> {
  return {
    animation: false,
    parsing: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    onHover(event: { chart: Chart; x: number | null }) {
      const chart = event.chart;
      follow(chart, event.x === null ? null : (chart.scales.x!.getValueForPixel(event.x) ?? null));
    },
    plugins: {
      tooltip: tooltip ?? { filter: (item: { dataset: { label?: string } }) => !isBandEdge(item.dataset.label) },
      legend: { labels: { filter: (item: { text: string }) => !isBandEdge(item.text), boxHeight: 2 } },
      zoom: onZoom
        ? {
            zoom: {
              drag: { enabled: true, backgroundColor: 'rgba(0,114,178,0.15)' },
              mode: 'x',
              // Only a reader's drag: a zoom set by code (reset, the from/to fields) must not
              // announce itself again, or every chart would answer every other without end.
              onZoom: ({ chart, trigger }: { chart: Chart; trigger: string }) => {
                if (trigger === 'drag') onZoom(Math.round(chart.scales.x!.min), Math.round(chart.scales.x!.max));
              },
            },
          }
        : undefined,
    },
  };
}

/** Writes a chart's axis titles on its canvas (data-axis-x, data-axis-y): what it shows, in words, for tests and tools. */
export function markAxes(chart: Chart): Chart {
  const title = (id: string) => ((chart.options.scales?.[id] as any)?.title?.display ? String((chart.options.scales?.[id] as any).title.text ?? '') : '');
  chart.canvas.dataset.axisX = title('x');
  chart.canvas.dataset.axisY = title('y');
  return chart;
}

/** Keeps track of a page's charts for the crosshair; a chart leaving the pointer clears it. */
export function track(chart: Chart, group = 'seconds'): Chart {
  markAxes(chart);
  groups.set(chart, group);
  chart.canvas.addEventListener('mouseleave', () => follow(chart, null));
  return chart;
}
