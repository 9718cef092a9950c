// Browser side: loads runs' JSON files and overlays one metric of several runs on one chart.
// Used by the compare page and by charts embedded in write-ups.
import { axisScale, seriesDef, SERIES_KEYS } from '../../../collector/metrics.ts';
import { SPARE_COLORS } from '../consts';
import { bandDatasets, Chart, crosshair, DASHES, timeChartOptions, track } from './charts';

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

/** One run's points of a series: x in seconds (its own grid) or in connections held then. */
function pointsOf(d: any, metric: string, norm: 'none' | 'perConn', byConnections: boolean, divisor: number) {
  const series = d.series;
  const tick = seriesDef(metric)!.grid === 'tick';
  const xs: number[] = tick ? series.tickT : series.t;
  // Connections at a second, for per-connection figures and for lining up by connections.
  const connAt = new Map<number, number | null>(series.t.map((x: number, i: number) => [x, series.connections[i]]));
  return xs
    .map((x, i) => {
      const v = series[metric][i] as number | null;
      const conns = connAt.get(x) ?? null;
      const y = v === null ? null : norm === 'perConn' ? (conns ? v / conns : null) : v;
      return { x: byConnections ? conns : x, y: y === null ? null : y / divisor };
    })
    .filter((p) => p.x !== null);
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
  const raw = data.map((d) => pointsOf(d, metric, norm, byConnections, 1));
  const axis = axisScale(norm === 'perConn' ? { ...def, label: `${def.label} per connection` } : def, Math.max(0, ...raw.flat().map((p) => Math.abs(p.y ?? 0))));
  const base = timeChartOptions() as any;
  return track(
    new Chart(canvas, {
      type: 'line',
      data: {
        datasets: data.flatMap((d, k) => {
          const label = `${d.run.name} (${labelOf(d.run)})`;
          const points = raw[k]!.map((p) => ({ x: p.x as number, y: p.y === null ? null : p.y / axis.divisor }));
          // Over time, more points than pixels read as noise: a median line in a min–max band.
          const band = byConnections ? null : bandDatasets(label, colors[k]!, points, Math.max(60, Math.floor((canvas.parentElement?.clientWidth ?? 600) / 2)));
          return band ?? [{ label, data: points, borderColor: colors[k], backgroundColor: colors[k], borderDash: DASHES[Math.floor(k / 2) % DASHES.length], pointRadius: 0, borderWidth: 1.5, spanGaps: true }];
        }),
      },
      plugins: [crosshair],
      options: {
        ...base,
        scales: {
          x: {
            type: 'linear',
            title: { display: true, text: byConnections ? 'connections held' : 'seconds since the run started' },
            ...(view.from !== null && view.from !== undefined ? { min: view.from } : {}),
            ...(view.to !== null && view.to !== undefined ? { max: view.to } : {}),
          },
          y: { beginAtZero: true, title: { display: true, text: axis.title } },
        },
      },
    }),
    byConnections ? 'connections' : 'seconds',
  );
}
