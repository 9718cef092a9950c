// Browser side: loads runs' JSON files and overlays one metric of several runs on one chart.
// Used by the compare page and by charts embedded in write-ups.
import { axisScale, HEADLINE, seriesDef, SERIES_KEYS } from '../../../collector/metrics.ts';
import { SPARE_COLORS } from '../consts';
import { bandDatasets, bandOf, Chart, crosshair, DASHES, perPointOf, timeChartOptions, track, valueTooltip, whiskers } from './charts';

const cache = new Map<string, Promise<any>>();

/** Fetches a JSON file once per page, however many charts ask for it. */
export function loadJson(url: string): Promise<any> {
  if (!cache.has(url)) {
    cache.set(url, fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return r.json();
    }));
  }
  return cache.get(url)!;
}

export const loadRun = (base: string, id: string): Promise<any> => loadJson(`${base}/data/runs/${encodeURIComponent(id)}.json`);


/** A run's backend label, as its record says (the site fills it in for runs from before schema 4). */
export const labelOf = (run: { backend: string; backendLabel?: string | null }): string => run.backendLabel ?? run.backend;

/** The first run of a backend gets the backend's colour; others of the same backend get spares. */
export function colorsFor(runs: { run: { backend: string; backendColor?: string | null } }[]): string[] {
  let spare = 0;
  const seen = new Set<string>();
  const taken = new Set(runs.map(({ run }) => run.backendColor?.toLowerCase()));
  const spares = SPARE_COLORS.filter((c) => !taken.has(c.toLowerCase()));
  return runs.map(({ run }) => {
    const own = run.backendColor;
    if (own && !seen.has(run.backend)) {
      seen.add(run.backend);
      return own;
    }
    return spares[spare++ % spares.length] ?? '#444444';
  });
}

export interface OverlayView {
  /** x axis: seconds since each run started, or the connections held at that second. */
  align?: 'elapsed' | 'connections';
  /** A window on the x axis. */
  from?: number | null;
  to?: number | null;
}

/** One run's points of a series over time (seconds on its own grid), with its downsampled band. */
function pointsOf(d: any, metric: string, norm: 'none' | 'perConn') {
  const series = d.series;
  const def = seriesDef(metric)!;
  const xs: number[] = def.grid === 'tick' ? series.tickT : series.t;
  // Connections at a second, for per-connection figures.
  const connAt = new Map<number, number | null>(series.t.map((x: number, i: number) => [x, series.connections[i]]));
  const per = (v: number | null | undefined, x: number) => {
    if (v === null || v === undefined) return null;
    if (norm === 'none') return v;
    const conns = connAt.get(x) ?? null;
    return conns ? v / conns : null;
  };
  const band = bandOf(series, metric);
  return {
    points: xs.map((x, i) => ({ x, y: per(series[metric][i], x) })),
    band: band && { min: xs.map((x, i) => per(band.min[i], x)), max: xs.map((x, i) => per(band.max[i], x)) },
    perPoint: perPointOf(series, def),
  };
}

/**
 * One run's holds or capacity steps against connections: each the figure its table gives, with
 * the min–max of its seconds as whiskers (the site's JSON `holds`, data.ts holdsOf).
 */
function holdPointsOf(d: any, metric: string, norm: 'none' | 'perConn') {
  const holds: { connections: number | null; verdict: string | null; values: Record<string, number | null>; min: Record<string, number | null>; max: Record<string, number | null> }[] = d.holds ?? [];
  const per = (v: number | null | undefined, conns: number) => (v === null || v === undefined ? null : norm === 'perConn' ? v / conns : v);
  return holds
    .filter((h) => h.connections)
    .map((h) => ({ x: h.connections!, y: per(h.values[metric], h.connections!), lo: per(h.min[metric], h.connections!), hi: per(h.max[metric], h.connections!), stable: h.verdict === 'stable' }));
}

/** A chart sizes itself to a box of its own, so it follows the window both ways. */
function boxed(canvas: HTMLCanvasElement): void {
  if (canvas.parentElement?.classList.contains('canvas-box')) return;
  const box = document.createElement('div');
  box.className = 'canvas-box';
  canvas.replaceWith(box);
  box.append(canvas);
}

export function overlay(canvas: HTMLCanvasElement, data: any[], metric: string, norm: 'none' | 'perConn', previous?: Chart, view: OverlayView = {}): Chart {
  boxed(canvas);
  const def = seriesDef(metric);
  if (!def) throw new Error(`unknown metric "${metric}" (one of ${SERIES_KEYS.join(', ')})`);
  const colors = colorsFor(data);
  const byConnections = view.align === 'connections';
  previous?.destroy();
  // A legend entry names the backend, and the run only where two runs share one: a run's full
  // name and backend in every entry ran past both edges of a 390 px chart.
  const shared = (d: any) => data.filter((e) => e.run.backend === d.run.backend).length > 1;
  const label = (d: any) => (shared(d) ? `${labelOf(d.run)}: ${d.run.name}` : labelOf(d.run));
  const shown = norm === 'perConn' ? { ...def, label: `${def.label} per connection` } : def;
  let datasets: any[];
  let axis: { divisor: number; title: string };
  if (byConnections) {
    // Against connections, each hold is one point: the figure its table gives, whiskers for the
    // min–max of its seconds. Each second as a point drew a hold as a vertical smear, and the
    // ramp's CPU as the step's.
    const holds = data.map((d) => holdPointsOf(d, metric, norm));
    axis = axisScale(shown, Math.max(0, ...holds.flat().map((p) => Math.abs(p.hi ?? p.y ?? 0))));
    const words = def.window ? `each hold's ${HEADLINE[def.window].label}, whiskers its seconds' min–max` : "each hold's median second, whiskers its seconds' min–max";
    datasets = data.map((d, k) => ({
      label: `${label(d)} (${words})`,
      data: holds[k]!.map((p) => ({ x: p.x, y: p.y === null ? null : p.y / axis.divisor })),
      whiskers: holds[k]!.map((p) => ({ lo: p.lo === null ? null : p.lo / axis.divisor, hi: p.hi === null ? null : p.hi / axis.divisor })),
      borderColor: colors[k],
      backgroundColor: holds[k]!.map((p) => (p.stable ? colors[k] : '#fff')),
      pointStyle: holds[k]!.map((p) => (p.stable ? 'circle' : 'crossRot')),
      pointBorderColor: holds[k]!.map((p) => (p.stable ? colors[k] : '#b00020')),
      pointRadius: holds[k]!.map((p) => (p.stable ? 4 : 7)),
      borderDash: DASHES[Math.floor(k / 2) % DASHES.length],
      borderWidth: 1.5,
      spanGaps: true,
    }));
  } else {
    const raw = data.map((d) => pointsOf(d, metric, norm));
    axis = axisScale(shown, Math.max(0, ...raw.flatMap((r) => r.points.map((p) => Math.abs(p.y ?? 0)))));
    const scaled = (ys: (number | null)[]) => ys.map((y) => (y === null ? null : y / axis.divisor));
    datasets = data.flatMap((d, k) => {
      const r = raw[k]!;
      const points = r.points.map((p) => ({ x: p.x, y: p.y === null ? null : p.y / axis.divisor }));
      const band = r.band && { min: scaled(r.band.min), max: scaled(r.band.max) };
      // Over time, more points than pixels read as noise: the catalogue's bucket value in a min–max band.
      const banded = bandDatasets(label(d), colors[k]!, points, Math.max(60, Math.floor((canvas.parentElement?.clientWidth ?? 600) / 2)), def, band, r.perPoint);
      return banded ?? [{ label: label(d), data: points, borderColor: colors[k], backgroundColor: colors[k], borderDash: DASHES[Math.floor(k / 2) % DASHES.length], pointRadius: 0, borderWidth: 1.5, spanGaps: true }];
    });
  }
  const base = timeChartOptions(undefined, valueTooltip(def.unit, axis.divisor, byConnections ? 'connections' : 'seconds')) as any;
  return track(
    new Chart(canvas, {
      type: 'line',
      data: { datasets },
      plugins: byConnections ? [crosshair, whiskers] : [crosshair],
      options: {
        ...base,
        // Holds are few: the tooltip is the hovered point's, not every run's at the pointer.
        ...(byConnections ? { interaction: { mode: 'nearest', intersect: false } } : {}),
        scales: {
          x: {
            type: 'linear',
            title: { display: true, text: byConnections ? 'connections held' : 'seconds since the run started' },
            ...(view.from !== null && view.from !== undefined ? { min: view.from } : {}),
            ...(view.to !== null && view.to !== undefined ? { max: view.to } : {}),
          },
          // The whiskers reach past the points: the axis holds them (chart.js scales to the points).
          y: { beginAtZero: true, title: { display: true, text: axis.title }, ...(byConnections ? { suggestedMax: Math.max(0, ...datasets.flatMap((d) => (d.whiskers ?? []).map((w: { hi: number | null }) => w.hi ?? 0))) } : {}) },
        },
      },
    }),
    byConnections ? 'connections' : 'seconds',
  );
}
