// The read side of the database: what `wsbench list/show` and the site's build ask for.
// Client shards sample on their own clocks, so the timeline aligns them to whole seconds and
// sums counters; percentiles across shards come from merged histograms, never averages.
import { DatabaseError } from './errors.ts';
import { NO_LATENCY, percentilesOfEncoded, type LatencyPercentiles } from './histogram.ts';
import type { DeliveryCounts } from './records.ts';
import type { Db } from './schema.ts';

export interface RunInfo {
  id: string;
  name: string;
  scenario: string;
  scenarioParams: Record<string, unknown>;
  backend: string;
  backendVersion: string | null;
  backendBuild: string | null;
  host: string | null;
  cpuModel: string | null;
  cores: number | null;
  memTotalBytes: number | null;
  os: string | null;
  kernel: string | null;
  nodeVersion: string | null;
  limits: Record<string, unknown> | null;
  env: Record<string, unknown>;
  tlsVersion: string | null;
  tlsCipher: string | null;
  status: string;
  verdict: string | null;
  verdictReason: string | null;
  notes: string | null;
  validity: Record<string, unknown> | null;
  startedMs: number;
  endedMs: number | null;
}

interface RunRow {
  id: string;
  name: string;
  scenario: string;
  scenario_json: string;
  backend: string;
  backend_version: string | null;
  backend_build: string | null;
  host: string | null;
  cpu_model: string | null;
  cores: number | null;
  mem_total_bytes: number | null;
  os: string | null;
  kernel: string | null;
  node_version: string | null;
  limits_json: string | null;
  env_json: string;
  tls_version: string | null;
  tls_cipher: string | null;
  status: string;
  verdict: string | null;
  verdict_reason: string | null;
  notes: string | null;
  validity_json: string | null;
  started_ms: number;
  ended_ms: number | null;
}

function toRunInfo(r: RunRow): RunInfo {
  return {
    id: r.id,
    name: r.name,
    scenario: r.scenario,
    scenarioParams: JSON.parse(r.scenario_json),
    backend: r.backend,
    backendVersion: r.backend_version,
    backendBuild: r.backend_build,
    host: r.host,
    cpuModel: r.cpu_model,
    cores: r.cores,
    memTotalBytes: r.mem_total_bytes,
    os: r.os,
    kernel: r.kernel,
    nodeVersion: r.node_version,
    limits: r.limits_json === null ? null : JSON.parse(r.limits_json),
    env: JSON.parse(r.env_json),
    tlsVersion: r.tls_version,
    tlsCipher: r.tls_cipher,
    status: r.status,
    verdict: r.verdict,
    verdictReason: r.verdict_reason,
    notes: r.notes,
    validity: r.validity_json === null ? null : JSON.parse(r.validity_json),
    startedMs: r.started_ms,
    endedMs: r.ended_ms,
  };
}

export interface RunFilter {
  backend?: string;
  scenario?: string;
  status?: string;
  verdict?: string;
  sinceMs?: number;
  limit?: number;
}

/** Runs, newest first. */
export function listRuns(db: Db, filter: RunFilter = {}): RunInfo[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  for (const key of ['backend', 'scenario', 'status', 'verdict'] as const) {
    if (filter[key] !== undefined) {
      where.push(`${key} = @${key}`);
      params[key] = filter[key];
    }
  }
  if (filter.sinceMs !== undefined) {
    where.push('started_ms >= @sinceMs');
    params.sinceMs = filter.sinceMs;
  }
  const sql = `SELECT * FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
    ORDER BY started_ms DESC, id DESC ${filter.limit ? 'LIMIT ' + Math.floor(filter.limit) : ''}`;
  return (db.prepare(sql).all(params) as RunRow[]).map(toRunInfo);
}

/** A run by id or by a unique prefix of its id. */
export function getRun(db: Db, idOrPrefix: string): RunInfo {
  const exact = db.prepare('SELECT * FROM runs WHERE id = ?').get(idOrPrefix) as RunRow | undefined;
  if (exact) return toRunInfo(exact);
  const escaped = idOrPrefix.replace(/[\\%_]/g, (c) => '\\' + c);
  const matches = db.prepare(`SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 3`).all(escaped + '%') as RunRow[];
  if (matches.length === 1) return toRunInfo(matches[0]!);
  if (matches.length > 1) {
    throw new DatabaseError('unknown-run', `run "${idOrPrefix}" is ambiguous: ${matches.map((m) => m.id).join(', ')}…`);
  }
  throw new DatabaseError('unknown-run', `no run "${idOrPrefix}" in this database (\`wsbench list\` shows the runs)`);
}

export interface ServerPoint {
  tMs: number;
  source: string;
  rssBytes: number;
  cpuUserPct: number;
  cpuSysPct: number;
  cpuPct: number;
  memAvailableBytes: number | null;
  load1: number | null;
  tempC: number | null;
  connections: number | null;
  backpressureBytes: number | null;
  published: number | null;
}

export interface ProcessPoint {
  tMs: number;
  source: string;
  pid: number;
  role: string;
  rssBytes: number;
  cpuUserPct: number;
  cpuSysPct: number;
}

/** Client shards and probes summed over one second. */
export interface ClientPoint extends DeliveryCounts {
  tMs: number;
  sources: number;
  open: number;
  opened: number;
  failed: number;
  closed: number;
  /** Worst handshake p99 over the shards (an upper bound; handshakes are not histogrammed). */
  hsP99Ms: number | null;
  latency: LatencyPercentiles;
  spreadMaxMs: number | null;
  /** The busiest shard's CPU, the figure that decides client saturation. */
  clientCpuPctMax: number | null;
  clientCpuPctTotal: number | null;
  clientRssBytes: number | null;
  loopDelayP99MsMax: number | null;
}

export interface TickPoint {
  source: string;
  n: number;
  scheduledMs: number;
  receivers: number | null;
  expectedReceivers: number | null;
  firstMs: number | null;
  lastMs: number | null;
  spreadMs: number | null;
  publishLagMs: number | null;
}

export interface PhaseInfo {
  seq: number;
  name: string;
  step: number | null;
  targetConnections: number | null;
  startedMs: number;
  endedMs: number | null;
  verdict: string | null;
  verdictReason: string | null;
}

export interface EventInfo {
  tMs: number;
  source: string;
  kind: string;
  message: string;
  data: Record<string, unknown> | null;
}

export interface Timeline {
  run: RunInfo;
  server: ServerPoint[];
  processes: ProcessPoint[];
  clients: ClientPoint[];
  clientSources: string[];
  ticks: TickPoint[];
  phases: PhaseInfo[];
  events: EventInfo[];
}

interface ClientRow {
  source: string;
  t_ms: number;
  open: number;
  opened: number;
  failed: number;
  closed: number;
  hs_p99_ms: number | null;
  received: number;
  expected: number;
  duplicate: number;
  out_of_order: number;
  dropped: number;
  late: number;
  missing: number;
  lat_p50_ms: number | null;
  lat_p90_ms: number | null;
  lat_p99_ms: number | null;
  lat_max_ms: number | null;
  lat_hist_us: string | null;
  spread_max_ms: number | null;
  cpu_pct: number | null;
  rss_bytes: number | null;
  loop_delay_p99_ms: number | null;
}

const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
const addOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : a + b);

function aggregateClients(rows: ClientRow[]): ClientPoint[] {
  const bySecond = new Map<number, ClientRow[]>();
  for (const row of rows) {
    const second = Math.floor(row.t_ms / 1000) * 1000;
    const group = bySecond.get(second);
    if (group) group.push(row);
    else bySecond.set(second, [row]);
  }
  const points: ClientPoint[] = [];
  for (const [tMs, group] of [...bySecond].sort((a, b) => a[0] - b[0])) {
    const p: ClientPoint = {
      tMs,
      sources: group.length,
      open: 0, opened: 0, failed: 0, closed: 0, received: 0, expected: 0,
      duplicate: 0, outOfOrder: 0, dropped: 0, late: 0, missing: 0,
      hsP99Ms: null,
      latency: NO_LATENCY,
      spreadMaxMs: null, clientCpuPctMax: null, clientCpuPctTotal: null, clientRssBytes: null, loopDelayP99MsMax: null,
    };
    const hists: string[] = [];
    let fallback = null as LatencyPercentiles | null;
    for (const r of group) {
      p.open += r.open; p.opened += r.opened; p.failed += r.failed; p.closed += r.closed;
      p.received += r.received; p.expected += r.expected; p.duplicate += r.duplicate;
      p.outOfOrder += r.out_of_order; p.dropped += r.dropped; p.late += r.late; p.missing += r.missing;
      p.hsP99Ms = maxOf(p.hsP99Ms, r.hs_p99_ms);
      p.spreadMaxMs = maxOf(p.spreadMaxMs, r.spread_max_ms);
      p.clientCpuPctMax = maxOf(p.clientCpuPctMax, r.cpu_pct);
      p.clientCpuPctTotal = addOf(p.clientCpuPctTotal, r.cpu_pct);
      p.clientRssBytes = addOf(p.clientRssBytes, r.rss_bytes);
      p.loopDelayP99MsMax = maxOf(p.loopDelayP99MsMax, r.loop_delay_p99_ms);
      if (r.lat_hist_us) hists.push(r.lat_hist_us);
      else if (r.lat_p99_ms !== null) {
        // No histogram from this source: the worst of the sources' own percentiles, an upper bound.
        fallback = {
          count: 0,
          p50Ms: maxOf(fallback?.p50Ms ?? null, r.lat_p50_ms),
          p90Ms: maxOf(fallback?.p90Ms ?? null, r.lat_p90_ms),
          p99Ms: maxOf(fallback?.p99Ms ?? null, r.lat_p99_ms),
          p999Ms: null,
          maxMs: maxOf(fallback?.maxMs ?? null, r.lat_max_ms),
        };
      }
    }
    p.latency = hists.length > 0 ? percentilesOfEncoded(hists) : (fallback ?? p.latency);
    points.push(p);
  }
  return points;
}

export function getTimeline(db: Db, idOrPrefix: string): Timeline {
  const run = getRun(db, idOrPrefix);
  const id = run.id;
  const server = (db.prepare(`SELECT * FROM server_samples WHERE run_id = ? ORDER BY t_ms, source`).all(id) as any[]).map(
    (r): ServerPoint => ({
      tMs: r.t_ms,
      source: r.source,
      rssBytes: r.rss_bytes,
      cpuUserPct: r.cpu_user_pct,
      cpuSysPct: r.cpu_sys_pct,
      cpuPct: r.cpu_user_pct + r.cpu_sys_pct,
      memAvailableBytes: r.mem_available_bytes,
      load1: r.load1,
      tempC: r.temp_c,
      connections: r.connections,
      backpressureBytes: r.backpressure_bytes,
      published: r.published,
    }),
  );
  const processes = (db.prepare(`SELECT * FROM process_samples WHERE run_id = ? ORDER BY t_ms, pid`).all(id) as any[]).map(
    (r): ProcessPoint => ({
      tMs: r.t_ms,
      source: r.source,
      pid: r.pid,
      role: r.role,
      rssBytes: r.rss_bytes,
      cpuUserPct: r.cpu_user_pct,
      cpuSysPct: r.cpu_sys_pct,
    }),
  );
  const clientRows = db.prepare(`SELECT * FROM client_samples WHERE run_id = ? ORDER BY t_ms`).all(id) as ClientRow[];
  const ticks = (db.prepare(`SELECT * FROM ticks WHERE run_id = ? ORDER BY n, source`).all(id) as any[]).map(
    (r): TickPoint => ({
      source: r.source,
      n: r.n,
      scheduledMs: r.scheduled_ms,
      receivers: r.receivers,
      expectedReceivers: r.expected_receivers,
      firstMs: r.first_ms,
      lastMs: r.last_ms,
      spreadMs: r.spread_ms,
      publishLagMs: r.publish_lag_ms,
    }),
  );
  return {
    run,
    server,
    processes,
    clients: aggregateClients(clientRows),
    clientSources: [...new Set(clientRows.map((r) => r.source))].sort(),
    ticks,
    phases: getPhases(db, id),
    events: (db.prepare(`SELECT * FROM events WHERE run_id = ? ORDER BY t_ms, id`).all(id) as any[]).map(
      (r): EventInfo => ({
        tMs: r.t_ms,
        source: r.source,
        kind: r.kind,
        message: r.message,
        data: r.data_json === null ? null : JSON.parse(r.data_json),
      }),
    ),
  };
}

function getPhases(db: Db, id: string): PhaseInfo[] {
  return (db.prepare(`SELECT * FROM phases WHERE run_id = ? ORDER BY seq`).all(id) as any[]).map((r) => ({
    seq: r.seq,
    name: r.name,
    step: r.step,
    targetConnections: r.target_connections,
    startedMs: r.started_ms,
    endedMs: r.ended_ms,
    verdict: r.verdict,
    verdictReason: r.verdict_reason,
  }));
}

export interface RunSummary {
  runId: string;
  /** Which part of the run the figures cover: the hold phases, or the whole run without one. */
  window: { fromMs: number; toMs: number; basis: 'hold' | 'whole-run' };
  durationMs: number | null;
  peakConnections: number | null;
  serverPeakConnections: number | null;
  peakRssBytes: number | null;
  steadyRssBytes: number | null;
  bytesPerConn: number | null;
  cpuPctAvg: number | null;
  cpuPctMax: number | null;
  received: number;
  expected: number;
  missing: number;
  late: number;
  dropped: number;
  duplicate: number;
  outOfOrder: number;
  deliveredPct: number | null;
  msgsPerSecReceived: number | null;
  msgsPerSecExpected: number | null;
  latency: LatencyPercentiles;
  worstSpreadMs: number | null;
  clientCpuPctMax: number | null;
  clientRssBytesMax: number | null;
  samples: { server: number; client: number; ticks: number; events: number };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Sums server samples of several sources (e.g. one sampler per host) into one series per second. */
function serverTotals(points: ServerPoint[]): { tMs: number; rssBytes: number; cpuPct: number; connections: number | null }[] {
  const bySecond = new Map<number, { tMs: number; rssBytes: number; cpuPct: number; connections: number | null }>();
  for (const p of points) {
    const tMs = Math.floor(p.tMs / 1000) * 1000;
    const total = bySecond.get(tMs) ?? { tMs, rssBytes: 0, cpuPct: 0, connections: null };
    total.rssBytes += p.rssBytes;
    total.cpuPct += p.cpuPct;
    total.connections = addOf(total.connections, p.connections);
    bySecond.set(tMs, total);
  }
  return [...bySecond.values()].sort((a, b) => a.tMs - b.tMs);
}

export interface EncodedHistogram {
  tMs: number;
  hist: string;
}

/**
 * The headline figures of a run (METRICS.md), over its hold phases when it has any. Latency
 * percentiles come from the raw per-second histograms, merged over the window.
 */
export function summarizeTimeline(t: Timeline, histograms: readonly EncodedHistogram[]): RunSummary {
  const holds = t.phases.filter((p) => p.name === 'hold' || p.name === 'step');
  const lastSampleMs = Math.max(t.run.startedMs, ...t.server.map((s) => s.tMs), ...t.clients.map((c) => c.tMs));
  const window =
    holds.length > 0
      ? { fromMs: Math.min(...holds.map((h) => h.startedMs)), toMs: Math.max(...holds.map((h) => h.endedMs ?? lastSampleMs)), basis: 'hold' as const }
      : { fromMs: t.run.startedMs, toMs: t.run.endedMs ?? lastSampleMs, basis: 'whole-run' as const };
  const inWindow = (ms: number) => ms >= window.fromMs && ms <= window.toMs;
  const totals = serverTotals(t.server);
  const held = totals.filter((s) => inWindow(s.tMs));
  const clients = t.clients.filter((c) => inWindow(c.tMs));
  const steadyRssBytes = median(held.map((s) => s.rssBytes));
  const heldConnections = median(
    held.some((s) => s.connections !== null) ? held.flatMap((s) => (s.connections === null ? [] : [s.connections])) : clients.map((c) => c.open),
  );
  const sum = (key: 'received' | 'expected' | 'missing' | 'late' | 'dropped' | 'duplicate' | 'outOfOrder') =>
    clients.reduce((n, c) => n + c[key], 0);
  const received = sum('received');
  const expected = sum('expected');
  const windowSeconds = clients.length;
  // Aligned to whole seconds like the per-second client points, so both cover the same samples.
  const latency = percentilesOfEncoded(histograms.filter((h) => inWindow(Math.floor(h.tMs / 1000) * 1000)).map((h) => h.hist));
  const spreads = t.ticks.filter((k) => inWindow(k.scheduledMs) && k.spreadMs !== null).map((k) => k.spreadMs!);
  const cpu = held.map((s) => s.cpuPct);
  return {
    runId: t.run.id,
    window,
    durationMs: t.run.endedMs === null ? lastSampleMs - t.run.startedMs : t.run.endedMs - t.run.startedMs,
    peakConnections: t.clients.length ? Math.max(...t.clients.map((c) => c.open)) : null,
    serverPeakConnections: totals.some((s) => s.connections !== null) ? Math.max(...totals.map((s) => s.connections ?? 0)) : null,
    peakRssBytes: totals.length ? Math.max(...totals.map((s) => s.rssBytes)) : null,
    steadyRssBytes,
    bytesPerConn: steadyRssBytes !== null && heldConnections ? Math.round(steadyRssBytes / heldConnections) : null,
    cpuPctAvg: cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : null,
    cpuPctMax: cpu.length ? Math.max(...cpu) : null,
    received,
    expected,
    missing: sum('missing'),
    late: sum('late'),
    dropped: sum('dropped'),
    duplicate: sum('duplicate'),
    outOfOrder: sum('outOfOrder'),
    // Every expected tick is judged once: delivered or missing (docs/METRICS.md).
    deliveredPct: expected > 0 ? (100 * (expected - sum('missing'))) / expected : null,
    msgsPerSecReceived: windowSeconds ? received / windowSeconds : null,
    msgsPerSecExpected: windowSeconds ? expected / windowSeconds : null,
    latency,
    worstSpreadMs: spreads.length ? Math.max(...spreads) : null,
    clientCpuPctMax: clients.reduce<number | null>((m, c) => maxOf(m, c.clientCpuPctMax), null),
    clientRssBytesMax: clients.reduce<number | null>((m, c) => maxOf(m, c.clientRssBytes), null),
    samples: { server: t.server.length, client: t.clients.reduce((n, c) => n + c.sources, 0), ticks: t.ticks.length, events: t.events.length },
  };
}

export function getSummary(db: Db, idOrPrefix: string): RunSummary {
  const timeline = getTimeline(db, idOrPrefix);
  const histograms = db
    .prepare('SELECT t_ms AS tMs, lat_hist_us AS hist FROM client_samples WHERE run_id = ? AND lat_hist_us IS NOT NULL')
    .all(timeline.run.id) as EncodedHistogram[];
  return summarizeTimeline(timeline, histograms);
}

export type SummaryMetric = {
  [K in keyof RunSummary]: RunSummary[K] extends number | null ? K : never;
}[keyof RunSummary];

export const SUMMARY_METRICS: readonly SummaryMetric[] = [
  'durationMs', 'peakConnections', 'serverPeakConnections', 'peakRssBytes', 'steadyRssBytes', 'bytesPerConn',
  'cpuPctAvg', 'cpuPctMax', 'received', 'expected', 'missing', 'late', 'dropped', 'duplicate', 'outOfOrder',
  'deliveredPct', 'msgsPerSecReceived', 'msgsPerSecExpected', 'worstSpreadMs', 'clientCpuPctMax', 'clientRssBytesMax',
];

/** One headline figure for every run matching the filter, oldest first (for trend charts). */
export function metricAcrossRuns(db: Db, metric: SummaryMetric | 'latencyP99Ms' | 'latencyP50Ms', filter: RunFilter = {}) {
  return listRuns(db, filter)
    .reverse()
    .map((run) => {
      const summary = getSummary(db, run.id);
      const value =
        metric === 'latencyP99Ms' ? summary.latency.p99Ms : metric === 'latencyP50Ms' ? summary.latency.p50Ms : summary[metric];
      return { runId: run.id, name: run.name, backend: run.backend, scenario: run.scenario, startedMs: run.startedMs, value };
    });
}
