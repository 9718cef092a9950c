// What the site reads from the database, at build time only: runs, their summaries and
// timelines (downsampled for display, peaks kept), checked before a page uses them.
import { getSummary, getTimeline, listRuns, type RunInfo, type RunSummary, type Timeline } from '../../../collector/query.ts';
import { heldWindows } from '../../../collector/held-windows.ts';
import { openDatabase, type Db } from '../../../collector/schema.ts';

let db: Db | undefined;

function database(): Db {
  const file = process.env.WSBENCH_DB ?? 'data/wsbench.db';
  db ??= openDatabase(file, { readonly: true });
  return db;
}

/** The hardware profile a run's server was limited to by cgroups, if any. */
export function profileOf(run: RunInfo): string | null {
  return (run.scenarioParams.profile as { profile?: string | null } | undefined)?.profile ?? null;
}

export interface RunCard {
  run: RunInfo;
  summary: RunSummary;
}

// Every page of a build asks for the same runs: read each once per build.
let cards: RunCard[] | undefined;
const timelines = new Map<string, Timeline>();

export function allRuns(): RunCard[] {
  cards ??= listRuns(database()).map((run) => ({ run, summary: getSummary(database(), run.id) }));
  return cards;
}

export function timelineOf(id: string): Timeline {
  let t = timelines.get(id);
  if (!t) timelines.set(id, (t = getTimeline(database(), id)));
  return t;
}

/** One point per bucket: the bucket's maximum for gauges that peak (memory, latency), so peaks survive. */
export interface ChartSeries {
  t: number[]; // seconds since the run started
  /** Seconds per point: 1 is full resolution. */
  bucketSeconds: number;
  [metric: string]: (number | null)[] | number;
}

/** Points per series for display; full resolution is a separate file, fetched on zoom. */
export const MAX_POINTS = Number(process.env.WSBENCH_SITE_MAX_POINTS ?? 1200);

/** The chartable series of a run, downsampled to at most maxPoints with maxima kept. */
export function seriesOf(t: Timeline, maxPoints = MAX_POINTS): ChartSeries {
  const start = t.run.startedMs;
  const bySecond = new Map<number, Record<string, number | null>>();
  const at = (ms: number) => {
    const second = Math.floor((ms - start) / 1000);
    let row = bySecond.get(second);
    if (!row) bySecond.set(second, (row = {}));
    return row;
  };
  for (const s of t.server) {
    const row = at(s.tMs);
    row.rssBytes = (row.rssBytes ?? 0) + s.rssBytes;
    row.cpuPct = (row.cpuPct ?? 0) + s.cpuPct;
    if (s.connections !== null) row.serverConnections = (row.serverConnections ?? 0) + s.connections;
  }
  for (const c of t.clients) {
    const row = at(c.tMs);
    row.connections = c.open;
    row.received = c.received;
    row.expected = c.expected;
    row.missing = c.missing;
    row.latencyP50Ms = c.latency.p50Ms;
    row.latencyP99Ms = c.latency.p99Ms;
    row.spreadMs = c.spreadMaxMs;
    row.clientCpuPct = c.clientCpuPctMax;
  }
  const seconds = [...bySecond.keys()].sort((a, b) => a - b);
  const bucket = Math.max(1, Math.ceil(seconds.length / maxPoints));
  const metrics = ['connections', 'serverConnections', 'rssBytes', 'cpuPct', 'received', 'expected', 'missing', 'latencyP50Ms', 'latencyP99Ms', 'spreadMs', 'clientCpuPct'];
  const out: ChartSeries = { t: [], bucketSeconds: bucket };
  const columns: Record<string, (number | null)[]> = {};
  for (const m of metrics) out[m] = columns[m] = [];
  for (let i = 0; i < seconds.length; i += bucket) {
    const group = seconds.slice(i, i + bucket).map((s) => bySecond.get(s)!);
    out.t.push(seconds[i]!);
    for (const m of metrics) {
      const values = group.map((r) => r[m]).filter((v): v is number => typeof v === 'number');
      columns[m]!.push(values.length ? Math.max(...values) : null);
    }
  }
  return out;
}

export interface CapacityPoint {
  runId: string;
  name: string;
  backend: string;
  host: string;
  profile: string | null;
  phase: string;
  connections: number;
  rssBytes: number;
  cpuPct: number;
  verdict: string | null;
}

/** Memory and CPU against connections held, one point per hold window or capacity step. */
export function capacityPoints(): CapacityPoint[] {
  const points: CapacityPoint[] = [];
  for (const { run } of allRuns()) {
    for (const w of heldWindows(timelineOf(run.id))) {
      points.push({
        runId: run.id,
        name: run.name,
        backend: run.backend,
        host: `${run.host} (${run.cores} cores)`,
        profile: profileOf(run),
        phase: w.phase,
        connections: w.connections,
        rssBytes: w.rssBytes,
        cpuPct: w.cpuPct,
        verdict: w.verdict,
      });
    }
  }
  return points.sort((a, b) => a.backend.localeCompare(b.backend) || a.connections - b.connections);
}
