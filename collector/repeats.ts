// A series of repeated runs (wsbench run --repeat) read back: every catalogue figure of each
// backend with its spread over the series, and each pair of backends compared over the rounds
// they ran side by side, in words that know their noise (docs/METRICS.md, "Spread").
import { DatabaseError } from './errors.ts';
import { HEADLINE, headlineValues, type HeadlineKey } from './metrics.ts';
import { getSummary, listRuns, type RunInfo } from './query.ts';
import type { Db } from './schema.ts';
import { ratioSpread, spreadOf, type Spread } from './spread.ts';
import { ratioInWords, type SeriesRatio, type SeriesSummary } from './series-words.ts';

export type { SeriesRatio, SeriesSummary };

/** The figures a comparison between backends states (as a pair page leads with). */
export const SERIES_COMPARED: HeadlineKey[] = ['addedBytesPerConn', 'steadyRssBytes', 'cpuPctAvg', 'latencyP99Ms', 'capacityConnections'];

/** A backend as its runs name it ("uWS", "Socket.IO"). */
const labelOf = (run: RunInfo): string => run.backendLabel ?? run.backend;

/** Whether an id names a series in this database. */
export function isSeries(db: Db, id: string): boolean {
  return db.prepare('SELECT 1 FROM runs WHERE series_id = ? LIMIT 1').get(id) !== undefined;
}

export function summarizeSeries(db: Db, seriesId: string): SeriesSummary {
  const runs = listRuns(db, { series: seriesId });
  if (runs.length === 0) throw new DatabaseError('unknown-run', `no series "${seriesId}" in this database (wsbench list shows each run's series)`);
  const backends = [...new Set(runs.map((r) => r.backend))];
  const values = new Map<RunInfo, Record<string, number | null>>();
  for (const run of runs) {
    values.set(run, headlineValues(getSummary(db, run.id) as never));
  }
  const byBackend = (backend: string) => runs.filter((r) => r.backend === backend);
  const figures: SeriesSummary['figures'] = {};
  for (const backend of backends) {
    figures[backend] = Object.fromEntries(Object.keys(HEADLINE).map((key) => [key, spreadOf(byBackend(backend).map((r) => values.get(r)![key] ?? null))]));
  }
  const ratios: SeriesRatio[] = [];
  for (const [i, a] of backends.entries()) {
    for (const b of backends.slice(i + 1)) {
      // The i-th run of each backend ran in the same round: a pair shares the machine's drift.
      const as = byBackend(a);
      const bs = byBackend(b);
      for (const key of SERIES_COMPARED) {
        const pairs = as.slice(0, Math.min(as.length, bs.length)).map((r, k): [number | null, number | null] => [values.get(r)![key] ?? null, values.get(bs[k]!)![key] ?? null]);
        const spread = ratioSpread(pairs);
        if (spread.n === 0) continue;
        ratios.push({ key, a, b, spread, phrase: ratioInWords(HEADLINE[key], labelOf(as[0]!), labelOf(bs[0]!), spread) });
      }
    }
  }
  return {
    id: seriesId,
    scenario: runs[0]!.scenario,
    runs: runs.map((r) => ({ id: r.id, backend: r.backend, seq: r.seriesSeq, status: r.status, verdict: r.verdict })),
    backends,
    figures,
    ratios,
  };
}
