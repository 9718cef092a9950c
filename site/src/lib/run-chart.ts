// Browser side: one chart of a run's report, drawn from the run's JSON body (series, phases,
// events). The built report, the replay and the live page all draw their charts through this module;
// only where the body comes from differs (a static file, or the live stream appending to it).
import type { ChartDataset, Plugin } from 'chart.js';
import { axisScale, seriesDef } from '../../../collector/metrics.ts';
import { bandDatasets, bandOf, Chart, crosshair, DASHES, eventAnnotations, perPointOf, phaseAnnotations, seriesColor, timeChartOptions, track, valueTooltip, type EventMark, type PhaseMark } from './charts';

/** What a chart reads of a run's JSON body (site/src/lib/run-body.ts). */
export interface RunChartData {
  series: any;
  phases?: PhaseMark[];
  events?: EventMark[];
}

export interface RunChartSpec {
  /** Catalogue SERIES keys with their legend names. */
  metrics: { key: string; label: string }[];
  color: string;
  /** Draw dense series as a median line in a min–max band. */
  band: boolean;
  /** A reader's drag chose a window: every chart of the page follows. */
  onZoom?: (from: number, to: number) => void;
  /** Without a legend (the replay's one-series charts are named by their caption). */
  legend?: boolean;
  /** More to draw on the chart (the replay's cursor). */
  plugins?: Plugin[];
  /** The x axis ends here (the replay's: its scrubber's end), not at the next round number. */
  xMax?: number;
}

/** Points of one series on its own grid (seconds, or ticks), divided into the axis's unit. */
const points = (series: any, key: string, divisor: number) => {
  const xs: number[] = seriesDef(key)!.grid === 'tick' ? series.tickT : series.t;
  return xs.map((x: number, j: number) => ({ x, y: series[key][j] === null || series[key][j] === undefined ? null : series[key][j] / divisor }));
};
const largest = (series: any, keys: string[]) => Math.max(0, ...keys.flatMap((k) => ((series[k] ?? []) as (number | null)[]).map((v) => Math.abs(v ?? 0))));
const WHOLE_UNITS = new Set(['bytes', 'count', 'connections']);

export class RunChart {
  private readonly chart: Chart;
  private data: RunChartData;
  private window: { from: number | null; to: number | null } = { from: null, to: null };

  constructor(private readonly canvas: HTMLCanvasElement, private readonly spec: RunChartSpec, data: RunChartData) {
    this.data = data;
    const keys = spec.metrics.map((m) => m.key);
    const def = seriesDef(keys[0]!)!;
    const axis = this.axis();
    const base = timeChartOptions(spec.onZoom, valueTooltip(def.unit, axis.divisor)) as any;
    this.chart = track(
      new Chart(canvas, {
        type: 'line',
        data: { datasets: this.datasets() },
        plugins: [crosshair, ...(spec.plugins ?? [])],
        options: {
          ...base,
          plugins: { ...base.plugins, ...(spec.legend === false ? { legend: { display: false } } : {}), annotation: { annotations: this.annotations() } },
          scales: {
            x: { type: 'linear', min: 0, ...(spec.xMax !== undefined ? { max: spec.xMax } : {}), title: { display: true, text: 'seconds since the run started' } },
            // Bytes and counts on an unscaled axis are whole: a flat zero must not read "0.2 bytes".
            y: { beginAtZero: true, title: { display: true, text: axis.unitLabel }, ...(axis.divisor === 1 && WHOLE_UNITS.has(def.unit) ? { ticks: { precision: 0 } } : {}) },
          },
        },
      }),
    );
  }

  /** Points drawn in the window (every point when none is set): what tests read. */
  get drawnPoints(): number {
    const { from, to } = this.window;
    return (this.chart.data.datasets[0]!.data as { x: number }[]).filter((p) => from === null || to === null || (p.x >= from && p.x <= to)).length;
  }

  /** Draws again as it is (a plugin's mark moved). */
  draw(): void {
    this.chart.draw();
  }

  /** Redraws from a new body: the whole run (a zoom's full resolution), or the live page's body grown by a second. */
  setData(data: RunChartData): void {
    this.data = data;
    const axis = this.axis();
    const y = this.chart.options.scales!.y as any;
    y.title.text = axis.unitLabel;
    (this.chart.options.plugins as any).tooltip = valueTooltip(seriesDef(this.spec.metrics[0]!.key)!.unit, axis.divisor);
    (this.chart.options.plugins as any).annotation.annotations = this.annotations();
    this.chart.data.datasets = this.datasets();
    this.chart.update('none');
  }

  /** Shows seconds from..to (both null: the whole run). */
  setWindow(from: number | null, to: number | null, data: RunChartData = this.data): void {
    this.window = { from, to };
    this.data = data;
    const zoomed = from !== null && to !== null;
    this.chart.resetZoom('none');
    // A tooltip from before the new window points where its point no longer is: it goes.
    this.chart.setActiveElements([]);
    this.chart.tooltip?.setActiveElements([], { x: 0, y: 0 });
    this.chart.data.datasets = this.datasets();
    this.chart.options.scales!.x!.min = zoomed ? from! : 0;
    this.chart.options.scales!.x!.max = zoomed ? to! : this.spec.xMax;
    this.chart.update('none');
  }

  /** The axis's human scale, from the largest value so far: a live chart's axis grows with its data. */
  private axis() {
    const keys = this.spec.metrics.map((m) => m.key);
    return axisScale(seriesDef(keys[0]!)!, largest(this.data.series, keys));
  }

  private annotations(): Record<string, unknown> {
    const end = Math.max(0, ...this.data.series.t);
    return { ...phaseAnnotations(this.data.phases ?? [], end), ...eventAnnotations(this.data.events ?? [], Math.max(1, end / 60)) };
  }

  private datasets(): ChartDataset<'line'>[] {
    const { series } = this.data;
    const { from, to } = this.window;
    const axis = this.axis();
    return this.spec.metrics.flatMap((m, i) => {
      const color = seriesColor(this.spec.color, i);
      const def = seriesDef(m.key)!;
      const all = points(series, m.key, axis.divisor);
      const inWindow = (i: number) => from === null || to === null || (all[i]!.x >= from && all[i]!.x <= to);
      const keep = all.map((_: unknown, i: number) => i).filter(inWindow);
      const pts = keep.map((i: number) => all[i]!);
      const edges = bandOf(series, m.key);
      const band = edges && { min: keep.map((i: number) => (edges.min[i] === null ? null : edges.min[i]! / axis.divisor)), max: keep.map((i: number) => (edges.max[i] === null ? null : edges.max[i]! / axis.divisor)) };
      // One point per 2 px at most; beyond that a line is noise, a band is a figure. A series
      // that came downsampled is banded whatever the chart asked, so its legend says how.
      const banded = this.spec.band || band ? bandDatasets(m.label, color, pts, Math.max(60, Math.floor(this.canvas.clientWidth / 2)), def, band, perPointOf(series, def)) : null;
      return banded ?? [{ label: m.label, data: pts, borderColor: color, backgroundColor: color, borderDash: DASHES[i % DASHES.length], pointRadius: 0, borderWidth: 1.5, spanGaps: true }];
    });
  }
}
