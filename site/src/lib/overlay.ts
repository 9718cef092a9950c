// Browser side: loads runs' JSON files and overlays one metric of several runs on one chart.
// Used by the compare page and by charts embedded in write-ups.
import { Chart, LineController, LineElement, PointElement, LinearScale, Legend, Tooltip } from 'chart.js';
import { BACKEND_COLORS, EXTRA_COLORS } from '../consts';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

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

/** The first run of a backend gets the backend's colour; others of the same backend get spares. */
export function colorsFor(runs: { run: { backend: string } }[]): string[] {
  let spare = 0;
  const seen = new Set<string>();
  return runs.map(({ run }) => {
    const own = BACKEND_COLORS[run.backend];
    if (own && !seen.has(run.backend)) {
      seen.add(run.backend);
      return own;
    }
    return EXTRA_COLORS[spare++ % EXTRA_COLORS.length]!;
  });
}

export interface OverlayView {
  /** x axis: seconds since each run started, or the connections held at that second. */
  align?: 'elapsed' | 'connections';
  /** A window on the x axis. */
  from?: number | null;
  to?: number | null;
}

export function overlay(canvas: HTMLCanvasElement, data: any[], metric: string, norm: 'none' | 'perConn', previous?: Chart, view: OverlayView = {}): Chart {
  const colors = colorsFor(data);
  const byConnections = view.align === 'connections';
  previous?.destroy();
  return new Chart(canvas, {
    type: 'line',
    data: {
      datasets: data.map((d, k) => ({
        label: `${d.run.name} (${d.run.backend})`,
        data: d.series.t.map((x: number, i: number) => {
          const v = d.series[metric][i];
          const conns = d.series.connections[i];
          return { x: byConnections ? conns : x, y: v === null ? null : norm === 'perConn' ? (conns ? v / conns : null) : v };
        }).filter((p: { x: number | null }) => p.x !== null),
        borderColor: colors[k],
        pointRadius: 0,
        borderWidth: 1.5,
        spanGaps: true,
      })),
    },
    options: {
      animation: false,
      parsing: false,
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: byConnections ? 'connections held' : 'seconds since the run started' },
          ...(view.from !== null && view.from !== undefined ? { min: view.from } : {}),
          ...(view.to !== null && view.to !== undefined ? { max: view.to } : {}),
        },
      },
    },
  });
}
