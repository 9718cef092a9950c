// The read side of the database: what `wsbench list/show` and the site's build ask for.
// Client shards sample on their own clocks, so the timeline aligns them to whole seconds and
// sums counters; percentiles across shards come from merged histograms, never averages.
import { isSlowSource } from './cohort.ts';
import { DatabaseError } from './errors.ts';
import { NO_LATENCY, percentilesOfEncoded, type LatencyPercentiles } from './histogram.ts';
import { machinesOf, type RunMachines } from './machines.ts';
import { headlineValue, SERIES } from './metrics.ts';
import { columnOf, type DeliveryCounts } from './records.ts';
import type { Db } from './schema.ts';
import { addOf, bySecond, maxOf } from './stats.ts';
import { summarizeTimeline, type EncodedHistogram, type RunSummary } from './summary.ts';
import { recordedScenario, type RecordedScenario } from './scenario.ts';

export { summarizeTimeline, type EncodedHistogram, type RunSummary };

export interface RunInfo {
  id: string;
  name: string;
  scenario: string;
  /** The scenario as recorded, parsed once and typed (collector/scenario.ts). */
  scenarioParams: RecordedScenario;
  backend: string;
  backendVersion: string | null;
  backendBuild: string | null;
  /** How the backend is shown, as its runner recorded it (null for runs from before schema 4). */
  backendLabel: string | null;
  backendTitle: string | null;
  backendColor: string | null;
  /** The machine the server ran on, where its figures were measured: a --target's, not the runner's. */
  host: string | null;
  cpuModel: string | null;
  cores: number | null;
  memTotalBytes: number | null;
  os: string | null;
  kernel: string | null;
  /** The Node the servers ran on. */
  nodeVersion: string | null;
  /** Every machine of the run (server, runner, client hosts) and the servers' Node, from env. */
  machines: RunMachines;
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
  /** Its series (wsbench run --repeat) and its place in the order the series ran; null for a single run. */
  seriesId: string | null;
  seriesSeq: number | null;
}

interface RunRow {
  id: string;
  name: string;
  scenario: string;
  scenario_json: string;
  backend: string;
  backend_version: string | null;
  backend_build: string | null;
  backend_label: string | null;
  backend_title: string | null;
  backend_color: string | null;
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
  series_id?: string | null;
  series_seq?: number | null;
  started_ms: number;
  ended_ms: number | null;
}

function toRunInfo(r: RunRow): RunInfo {
  const env = JSON.parse(r.env_json) as Record<string, unknown>;
  const machines = machinesOf(env);
  // The columns hold what the run's first record said (the runner's machine); a run on a
  // --target was measured on the target, and says so everywhere it is shown.
  const target = machines.server.remote ? machines.server : null;
  return {
    id: r.id,
    name: r.name,
    scenario: r.scenario,
    scenarioParams: recordedScenario(JSON.parse(r.scenario_json)),
    backend: r.backend,
    backendVersion: r.backend_version,
    backendBuild: r.backend_build,
    backendLabel: r.backend_label,
    backendTitle: r.backend_title,
    backendColor: r.backend_color,
    host: target ? target.host : r.host,
    cpuModel: target ? target.cpuModel : r.cpu_model,
    cores: target ? target.cores : r.cores,
    memTotalBytes: target ? target.memTotalBytes : r.mem_total_bytes,
    os: target ? target.os : r.os,
    kernel: target ? target.kernel : r.kernel,
    nodeVersion: target ? machines.serverNode.version : r.node_version,
    machines,
    limits: r.limits_json === null ? null : JSON.parse(r.limits_json),
    env,
    tlsVersion: r.tls_version,
    tlsCipher: r.tls_cipher,
    status: r.status,
    verdict: r.verdict,
    verdictReason: r.verdict_reason,
    notes: r.notes,
    validity: r.validity_json === null ? null : JSON.parse(r.validity_json),
    startedMs: r.started_ms,
    endedMs: r.ended_ms,
    seriesId: r.series_id ?? null,
    seriesSeq: r.series_seq ?? null,
  };
}

export interface RunFilter {
  /** The runs of one series, in the order they ran. */
  series?: string;
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
  if (filter.series !== undefined) {
    where.push('series_id = @series');
    params.series = filter.series;
  }
  const order = filter.series !== undefined ? 'series_seq, started_ms' : 'started_ms DESC, id DESC';
  const sql = `SELECT * FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
    ORDER BY ${order} ${filter.limit ? 'LIMIT ' + Math.floor(filter.limit) : ''}`;
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
  pssBytes: number | null;
  anonBytes: number | null;
  cpuUserPct: number;
  cpuSysPct: number;
  cpuPct: number;
  /** The processes waited for a CPU this long in that second, summed (schema 5 on). */
  cpuWaitMs: number | null;
  /** The host's CPUs busy (100% = all of them) and how many it has. */
  hostBusyPct: number | null;
  hostCpus: number | null;
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
  pssBytes: number | null;
  anonBytes: number | null;
  cpuUserPct: number;
  cpuSysPct: number;
  cpuWaitMs: number | null;
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
  /** Arrival jitter over every connection (merged histograms; schema 5 on). */
  jitter: LatencyPercentiles;
  /** Null where no shard counted clumps (runs before schema 5). */
  clumps: number | null;
  spreadMaxMs: number | null;
  /** The shard that waited longest for a CPU, ms in that second. */
  clientCpuWaitMsMax: number | null;
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
  /** Every shard's judgement of the tick (schema 3 on; null in older runs). */
  delivered: number | null;
  late: number | null;
  missing: number | null;
  latP50Ms: number | null;
  latP99Ms: number | null;
  latMaxMs: number | null;
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
  /** The healthy readers and the probes, summed each second: every headline figure's clients. */
  clients: ClientPoint[];
  /** Slow readers (collector/cohort.ts), summed each second apart; empty without them. */
  slowClients: ClientPoint[];
  clientSources: string[];
  /** Every shard's judgement of each tick, slow readers' left out (their spread is not the broadcast's). */
  ticks: TickPoint[];
  phases: PhaseInfo[];
  events: EventInfo[];
  /** The catalogue's series read straight from a stored field (metrics.ts SeriesDef `from`), second by second, by key. */
  sampled: Record<string, SampledSecond[]>;
}

export interface SampledSecond {
  tMs: number;
  value: number;
}

/**
 * Each series read straight from a stored field (metrics.ts SeriesDef `from`), second by second:
 * its samples in a second combined as the catalogue says. A summed second with a sample that
 * lacks the field has no total (a partial sum would read as a drop).
 */
function sampledSeconds(db: Db, id: string, fromMs = 0): Record<string, SampledSecond[]> {
  const out: Record<string, SampledSecond[]> = {};
  for (const def of Object.values(SERIES)) {
    if (!def.from) continue;
    const column = columnOf(def.from.field);
    const combine = def.from.perSecond === 'sum' ? `CASE WHEN count(${column}) = count(*) THEN sum(${column}) END` : def.from.perSecond === 'sumOfSenders' ? `sum(${column})` : `max(${column})`;
    const rows = db.prepare(`SELECT t_ms - (t_ms % 1000) AS tMs, ${combine} AS value FROM ${def.from.table} WHERE run_id = ? AND t_ms >= ? GROUP BY 1 ORDER BY 1`).all(id, fromMs) as { tMs: number; value: number | null }[];
    out[def.key] = rows.filter((r): r is SampledSecond => r.value !== null);
  }
  return out;
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
  jit_hist_us?: string | null;
  clumps?: number | null;
  spread_max_ms: number | null;
  cpu_pct: number | null;
  cpu_wait_ms?: number | null;
  rss_bytes: number | null;
  loop_delay_p99_ms: number | null;
}

function aggregateClients(rows: ClientRow[], perSecondLatency = true): ClientPoint[] {
  const groups = bySecond(rows, (r) => r.t_ms, (tMs) => ({ tMs, rows: [] as ClientRow[] }), (acc, r) => void acc.rows.push(r));
  const points: ClientPoint[] = [];
  for (const { tMs, rows: group } of groups) {
    const p: ClientPoint = {
      tMs,
      sources: group.length,
      open: 0, opened: 0, failed: 0, closed: 0, received: 0, expected: 0,
      duplicate: 0, outOfOrder: 0, dropped: 0, late: 0, missing: 0,
      hsP99Ms: null,
      latency: NO_LATENCY,
      jitter: NO_LATENCY,
      clumps: null,
      clientCpuWaitMsMax: null,
      spreadMaxMs: null, clientCpuPctMax: null, clientCpuPctTotal: null, clientRssBytes: null, loopDelayP99MsMax: null,
    };
    const hists: string[] = [];
    const jitters: string[] = [];
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
      p.clientCpuWaitMsMax = maxOf(p.clientCpuWaitMsMax, r.cpu_wait_ms ?? null);
      p.clumps = addOf(p.clumps, r.clumps ?? null);
      if (r.jit_hist_us) jitters.push(r.jit_hist_us);
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
    // Merging every second's histograms is most of a timeline's cost: a window summary, which
    // merges the window's at once, goes without (TimelineOptions.perSecondLatency).
    if (perSecondLatency) {
      p.latency = hists.length > 0 ? percentilesOfEncoded(hists) : (fallback ?? p.latency);
      p.jitter = percentilesOfEncoded(jitters);
    }
    points.push(p);
  }
  return points;
}

export interface TimelineOptions {
  /** Client samples and ticks from this time on only (server samples stay whole: the idle phase's memory is read from them). */
  fromMs?: number;
  /** Each second's latency and jitter percentiles, merged over the shards (charts); a window summary does without. */
  perSecondLatency?: boolean;
  /**
   * Every sample from this time on only, server samples too (phases and events stay whole): the
   * live page reads a run a few seconds at a time, and hours of server samples each second would
   * cost the runner what it measures.
   */
  samplesFromMs?: number;
  /** Ticks from this scheduled time on (default: as client samples): the live page's ticks lag its seconds by an interval. */
  ticksFromMs?: number;
}

export function getTimeline(db: Db, idOrPrefix: string, options: TimelineOptions = {}): Timeline {
  const run = getRun(db, idOrPrefix);
  const id = run.id;
  const from = Math.max(options.fromMs ?? 0, options.samplesFromMs ?? 0);
  const ticksFrom = options.ticksFromMs ?? from;
  const serverFrom = options.samplesFromMs ?? 0;
  const server = (db.prepare(`SELECT * FROM server_samples WHERE run_id = ? AND t_ms >= ? ORDER BY t_ms, source`).all(id, serverFrom) as any[]).map(
    (r): ServerPoint => ({
      tMs: r.t_ms,
      source: r.source,
      rssBytes: r.rss_bytes,
      pssBytes: r.pss_bytes ?? null,
      anonBytes: r.anon_bytes ?? null,
      cpuUserPct: r.cpu_user_pct,
      cpuSysPct: r.cpu_sys_pct,
      cpuPct: r.cpu_user_pct + r.cpu_sys_pct,
      cpuWaitMs: r.cpu_wait_ms ?? null,
      hostBusyPct: r.host_busy_pct ?? null,
      hostCpus: r.host_cpus ?? null,
      memAvailableBytes: r.mem_available_bytes,
      load1: r.load1,
      tempC: r.temp_c,
      connections: r.connections,
      backpressureBytes: r.backpressure_bytes,
      published: r.published,
    }),
  );
  const processes = (db.prepare(`SELECT * FROM process_samples WHERE run_id = ? AND t_ms >= ? ORDER BY t_ms, pid`).all(id, serverFrom) as any[]).map(
    (r): ProcessPoint => ({
      tMs: r.t_ms,
      source: r.source,
      pid: r.pid,
      role: r.role,
      rssBytes: r.rss_bytes,
      pssBytes: r.pss_bytes ?? null,
      anonBytes: r.anon_bytes ?? null,
      cpuUserPct: r.cpu_user_pct,
      cpuSysPct: r.cpu_sys_pct,
      cpuWaitMs: r.cpu_wait_ms ?? null,
    }),
  );
  const clientRows = db.prepare(`SELECT * FROM client_samples WHERE run_id = ? AND t_ms >= ? ORDER BY t_ms`).all(id, from) as ClientRow[];
  const ticks = (db.prepare(`SELECT * FROM ticks WHERE run_id = ? AND scheduled_ms >= ? ORDER BY n, source`).all(id, ticksFrom) as any[]).map(
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
      delivered: r.delivered ?? null,
      late: r.late ?? null,
      missing: r.missing ?? null,
      latP50Ms: r.lat_p50_ms ?? null,
      latP99Ms: r.lat_p99_ms ?? null,
      latMaxMs: r.lat_max_ms ?? null,
    }),
  );
  const slowRows = clientRows.filter((r) => isSlowSource(r.source));
  return {
    run,
    server,
    processes,
    clients: aggregateClients(slowRows.length ? clientRows.filter((r) => !isSlowSource(r.source)) : clientRows, options.perSecondLatency ?? true),
    slowClients: aggregateClients(slowRows, options.perSecondLatency ?? true),
    clientSources: [...new Set(clientRows.map((r) => r.source))].sort(),
    ticks: ticks.filter((k) => !isSlowSource(k.source)),
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
    sampled: sampledSeconds(db, id, serverFrom),
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

/** A run's per-second latency (and jitter) histograms, every shard's, within [fromMs, toMs] when given. */
export function histogramsOf(db: Db, runId: string, fromMs = 0, toMs = Number.MAX_SAFE_INTEGER): EncodedHistogram[] {
  return db
    .prepare('SELECT t_ms AS tMs, source, lat_hist_us AS hist, jit_hist_us AS jit FROM client_samples WHERE run_id = ? AND lat_hist_us IS NOT NULL AND t_ms >= ? AND t_ms <= ?')
    .all(runId, fromMs, toMs) as EncodedHistogram[];
}

export function getSummary(db: Db, idOrPrefix: string): RunSummary {
  const timeline = getTimeline(db, idOrPrefix);
  return summarizeTimeline(timeline, histogramsOf(db, timeline.run.id));
}

/** One headline figure (a metric catalogue key) for every run matching the filter, oldest first. */
export function metricAcrossRuns(db: Db, key: string, filter: RunFilter = {}) {
  return listRuns(db, filter)
    .reverse()
    .map((run) => ({ runId: run.id, name: run.name, backend: run.backend, scenario: run.scenario, startedMs: run.startedMs, value: headlineValue(getSummary(db, run.id) as unknown as Record<string, unknown>, key) }));
}
