import * as hdr from 'hdr-histogram-js';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

class CodedError extends Error {
  code;
  constructor(code, message) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}
class DatabaseError extends CodedError {
}

function newLatencyHistogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 36e8, numberOfSignificantValueDigits: 3 });
}
function mergeEncoded(encoded) {
  const merged = newLatencyHistogram();
  for (const text of encoded) {
    if (text) merged.add(hdr.decodeFromCompressedBase64(text));
  }
  return merged;
}
const NO_LATENCY = Object.freeze({ count: 0, p50Ms: null, p90Ms: null, p99Ms: null, p999Ms: null, maxMs: null });
function percentilesMs(h) {
  if (h.totalCount === 0) return { ...NO_LATENCY };
  const ms = (us) => Math.round(us) / 1e3;
  return {
    count: h.totalCount,
    p50Ms: ms(h.getValueAtPercentile(50)),
    p90Ms: ms(h.getValueAtPercentile(90)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    p999Ms: ms(h.getValueAtPercentile(99.9)),
    maxMs: ms(h.maxValue)
  };
}
function percentilesOfEncoded(encoded) {
  if (encoded.length === 0) return { ...NO_LATENCY };
  if (encoded.length === 1) return percentilesMs(hdr.decodeFromCompressedBase64(encoded[0]));
  return percentilesMs(mergeEncoded(encoded));
}

function toRunInfo(r) {
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
    endedMs: r.ended_ms
  };
}
function listRuns(db, filter = {}) {
  const where = [];
  const params = {};
  for (const key of ["backend", "scenario", "status", "verdict"]) {
    if (filter[key] !== void 0) {
      where.push(`${key} = @${key}`);
      params[key] = filter[key];
    }
  }
  if (filter.sinceMs !== void 0) {
    where.push("started_ms >= @sinceMs");
    params.sinceMs = filter.sinceMs;
  }
  const sql = `SELECT * FROM runs ${where.length ? "WHERE " + where.join(" AND ") : ""}
    ORDER BY started_ms DESC, id DESC ${filter.limit ? "LIMIT " + Math.floor(filter.limit) : ""}`;
  return db.prepare(sql).all(params).map(toRunInfo);
}
function getRun(db, idOrPrefix) {
  const exact = db.prepare("SELECT * FROM runs WHERE id = ?").get(idOrPrefix);
  if (exact) return toRunInfo(exact);
  const escaped = idOrPrefix.replace(/[\\%_]/g, (c) => "\\" + c);
  const matches = db.prepare(`SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 3`).all(escaped + "%");
  if (matches.length === 1) return toRunInfo(matches[0]);
  if (matches.length > 1) {
    throw new DatabaseError("unknown-run", `run "${idOrPrefix}" is ambiguous: ${matches.map((m) => m.id).join(", ")}…`);
  }
  throw new DatabaseError("unknown-run", `no run "${idOrPrefix}" in this database (\`wsbench list\` shows the runs)`);
}
const maxOf = (a, b) => a === null ? b : b === null ? a : Math.max(a, b);
const addOf = (a, b) => a === null ? b : b === null ? a : a + b;
function aggregateClients(rows) {
  const bySecond = /* @__PURE__ */ new Map();
  for (const row of rows) {
    const second = Math.floor(row.t_ms / 1e3) * 1e3;
    const group = bySecond.get(second);
    if (group) group.push(row);
    else bySecond.set(second, [row]);
  }
  const points = [];
  for (const [tMs, group] of [...bySecond].sort((a, b) => a[0] - b[0])) {
    const p = {
      tMs,
      sources: group.length,
      open: 0,
      opened: 0,
      failed: 0,
      closed: 0,
      received: 0,
      expected: 0,
      duplicate: 0,
      outOfOrder: 0,
      dropped: 0,
      late: 0,
      missing: 0,
      hsP99Ms: null,
      latency: NO_LATENCY,
      spreadMaxMs: null,
      clientCpuPctMax: null,
      clientCpuPctTotal: null,
      clientRssBytes: null,
      loopDelayP99MsMax: null
    };
    const hists = [];
    let fallback = null;
    for (const r of group) {
      p.open += r.open;
      p.opened += r.opened;
      p.failed += r.failed;
      p.closed += r.closed;
      p.received += r.received;
      p.expected += r.expected;
      p.duplicate += r.duplicate;
      p.outOfOrder += r.out_of_order;
      p.dropped += r.dropped;
      p.late += r.late;
      p.missing += r.missing;
      p.hsP99Ms = maxOf(p.hsP99Ms, r.hs_p99_ms);
      p.spreadMaxMs = maxOf(p.spreadMaxMs, r.spread_max_ms);
      p.clientCpuPctMax = maxOf(p.clientCpuPctMax, r.cpu_pct);
      p.clientCpuPctTotal = addOf(p.clientCpuPctTotal, r.cpu_pct);
      p.clientRssBytes = addOf(p.clientRssBytes, r.rss_bytes);
      p.loopDelayP99MsMax = maxOf(p.loopDelayP99MsMax, r.loop_delay_p99_ms);
      if (r.lat_hist_us) hists.push(r.lat_hist_us);
      else if (r.lat_p99_ms !== null) {
        fallback = {
          count: 0,
          p50Ms: maxOf(fallback?.p50Ms ?? null, r.lat_p50_ms),
          p90Ms: maxOf(fallback?.p90Ms ?? null, r.lat_p90_ms),
          p99Ms: maxOf(fallback?.p99Ms ?? null, r.lat_p99_ms),
          p999Ms: null,
          maxMs: maxOf(fallback?.maxMs ?? null, r.lat_max_ms)
        };
      }
    }
    p.latency = hists.length > 0 ? percentilesOfEncoded(hists) : fallback ?? p.latency;
    points.push(p);
  }
  return points;
}
function getTimeline(db, idOrPrefix) {
  const run = getRun(db, idOrPrefix);
  const id = run.id;
  const server = db.prepare(`SELECT * FROM server_samples WHERE run_id = ? ORDER BY t_ms, source`).all(id).map(
    (r) => ({
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
      published: r.published
    })
  );
  const processes = db.prepare(`SELECT * FROM process_samples WHERE run_id = ? ORDER BY t_ms, pid`).all(id).map(
    (r) => ({
      tMs: r.t_ms,
      source: r.source,
      pid: r.pid,
      role: r.role,
      rssBytes: r.rss_bytes,
      cpuUserPct: r.cpu_user_pct,
      cpuSysPct: r.cpu_sys_pct
    })
  );
  const clientRows = db.prepare(`SELECT * FROM client_samples WHERE run_id = ? ORDER BY t_ms`).all(id);
  const ticks = db.prepare(`SELECT * FROM ticks WHERE run_id = ? ORDER BY n, source`).all(id).map(
    (r) => ({
      source: r.source,
      n: r.n,
      scheduledMs: r.scheduled_ms,
      receivers: r.receivers,
      expectedReceivers: r.expected_receivers,
      firstMs: r.first_ms,
      lastMs: r.last_ms,
      spreadMs: r.spread_ms,
      publishLagMs: r.publish_lag_ms
    })
  );
  return {
    run,
    server,
    processes,
    clients: aggregateClients(clientRows),
    clientSources: [...new Set(clientRows.map((r) => r.source))].sort(),
    ticks,
    phases: getPhases(db, id),
    events: db.prepare(`SELECT * FROM events WHERE run_id = ? ORDER BY t_ms, id`).all(id).map(
      (r) => ({
        tMs: r.t_ms,
        source: r.source,
        kind: r.kind,
        message: r.message,
        data: r.data_json === null ? null : JSON.parse(r.data_json)
      })
    )
  };
}
function getPhases(db, id) {
  return db.prepare(`SELECT * FROM phases WHERE run_id = ? ORDER BY seq`).all(id).map((r) => ({
    seq: r.seq,
    name: r.name,
    step: r.step,
    targetConnections: r.target_connections,
    startedMs: r.started_ms,
    endedMs: r.ended_ms,
    verdict: r.verdict,
    verdictReason: r.verdict_reason
  }));
}
function median$1(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function serverTotals(points) {
  const bySecond = /* @__PURE__ */ new Map();
  for (const p of points) {
    const tMs = Math.floor(p.tMs / 1e3) * 1e3;
    const total = bySecond.get(tMs) ?? { tMs, rssBytes: 0, cpuPct: 0, connections: null };
    total.rssBytes += p.rssBytes;
    total.cpuPct += p.cpuPct;
    total.connections = addOf(total.connections, p.connections);
    bySecond.set(tMs, total);
  }
  return [...bySecond.values()].sort((a, b) => a.tMs - b.tMs);
}
function summarizeTimeline(t, histograms) {
  const holds = t.phases.filter((p) => p.name === "hold" || p.name === "step");
  const lastSampleMs = Math.max(t.run.startedMs, ...t.server.map((s) => s.tMs), ...t.clients.map((c) => c.tMs));
  const window = holds.length > 0 ? { fromMs: Math.min(...holds.map((h) => h.startedMs)), toMs: Math.max(...holds.map((h) => h.endedMs ?? lastSampleMs)), basis: "hold" } : { fromMs: t.run.startedMs, toMs: t.run.endedMs ?? lastSampleMs, basis: "whole-run" };
  const inWindow = (ms) => ms >= window.fromMs && ms <= window.toMs;
  const totals = serverTotals(t.server);
  const held = totals.filter((s) => inWindow(s.tMs));
  const clients = t.clients.filter((c) => inWindow(c.tMs));
  const steadyRssBytes = median$1(held.map((s) => s.rssBytes));
  const heldConnections = median$1(
    held.some((s) => s.connections !== null) ? held.flatMap((s) => s.connections === null ? [] : [s.connections]) : clients.map((c) => c.open)
  );
  const sum = (key) => clients.reduce((n, c) => n + c[key], 0);
  const received = sum("received");
  const expected = sum("expected");
  const windowSeconds = clients.length;
  const latency = percentilesOfEncoded(histograms.filter((h) => inWindow(Math.floor(h.tMs / 1e3) * 1e3)).map((h) => h.hist));
  const spreads = t.ticks.filter((k) => inWindow(k.scheduledMs) && k.spreadMs !== null).map((k) => k.spreadMs);
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
    missing: sum("missing"),
    late: sum("late"),
    dropped: sum("dropped"),
    duplicate: sum("duplicate"),
    outOfOrder: sum("outOfOrder"),
    // Every expected tick is judged once: delivered or missing (docs/METRICS.md).
    deliveredPct: expected > 0 ? 100 * (expected - sum("missing")) / expected : null,
    msgsPerSecReceived: windowSeconds ? received / windowSeconds : null,
    msgsPerSecExpected: windowSeconds ? expected / windowSeconds : null,
    latency,
    worstSpreadMs: spreads.length ? Math.max(...spreads) : null,
    clientCpuPctMax: clients.reduce((m, c) => maxOf(m, c.clientCpuPctMax), null),
    clientRssBytesMax: clients.reduce((m, c) => maxOf(m, c.clientRssBytes), null),
    samples: { server: t.server.length, client: t.clients.reduce((n, c) => n + c.sources, 0), ticks: t.ticks.length, events: t.events.length }
  };
}
function getSummary(db, idOrPrefix) {
  const timeline = getTimeline(db, idOrPrefix);
  const histograms = db.prepare("SELECT t_ms AS tMs, lat_hist_us AS hist FROM client_samples WHERE run_id = ? AND lat_hist_us IS NOT NULL").all(timeline.run.id);
  return summarizeTimeline(timeline, histograms);
}

const migrations = [
  // 1: runs, per-second samples from server and client shards, phases, events, batch ids.
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scenario TEXT NOT NULL,
    scenario_json TEXT NOT NULL,
    backend TEXT NOT NULL,
    backend_version TEXT,
    backend_build TEXT,
    host TEXT,
    cpu_model TEXT,
    cores INTEGER,
    mem_total_bytes INTEGER,
    os TEXT,
    kernel TEXT,
    node_version TEXT,
    limits_json TEXT,
    env_json TEXT NOT NULL,
    tls_version TEXT,
    tls_cipher TEXT,
    status TEXT NOT NULL,
    verdict TEXT,
    verdict_reason TEXT,
    notes TEXT,
    started_ms INTEGER NOT NULL,
    ended_ms INTEGER
  );
  CREATE INDEX runs_by_start ON runs (started_ms);
  CREATE INDEX runs_by_backend ON runs (backend, scenario, started_ms);

  CREATE TABLE server_samples (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    t_ms INTEGER NOT NULL,
    rss_bytes INTEGER NOT NULL,
    cpu_user_pct REAL NOT NULL,
    cpu_sys_pct REAL NOT NULL,
    mem_available_bytes INTEGER,
    load1 REAL,
    temp_c REAL,
    connections INTEGER,
    backpressure_bytes INTEGER,
    published INTEGER,
    PRIMARY KEY (run_id, source, t_ms)
  ) WITHOUT ROWID;

  CREATE TABLE process_samples (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    t_ms INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    role TEXT NOT NULL,
    rss_bytes INTEGER NOT NULL,
    cpu_user_pct REAL NOT NULL,
    cpu_sys_pct REAL NOT NULL,
    PRIMARY KEY (run_id, source, t_ms, pid)
  ) WITHOUT ROWID;

  CREATE TABLE client_samples (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    t_ms INTEGER NOT NULL,
    open INTEGER NOT NULL,
    opened INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    hs_p50_ms REAL,
    hs_p99_ms REAL,
    hs_max_ms REAL,
    received INTEGER NOT NULL,
    expected INTEGER NOT NULL,
    duplicate INTEGER NOT NULL,
    out_of_order INTEGER NOT NULL,
    dropped INTEGER NOT NULL,
    late INTEGER NOT NULL,
    missing INTEGER NOT NULL,
    lat_p50_ms REAL,
    lat_p90_ms REAL,
    lat_p99_ms REAL,
    lat_max_ms REAL,
    lat_hist_us TEXT,
    spread_max_ms REAL,
    cpu_pct REAL,
    rss_bytes INTEGER,
    loop_delay_p99_ms REAL,
    PRIMARY KEY (run_id, source, t_ms)
  ) WITHOUT ROWID;

  CREATE TABLE phases (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    step INTEGER,
    target_connections INTEGER,
    started_ms INTEGER NOT NULL,
    ended_ms INTEGER,
    verdict TEXT,
    verdict_reason TEXT,
    PRIMARY KEY (run_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    t_ms INTEGER NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    data_json TEXT
  );
  CREATE INDEX events_by_run ON events (run_id, t_ms);

  CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    digest TEXT NOT NULL,
    records INTEGER NOT NULL,
    received_ms INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: per-tick delivery (how many probes got tick n, first/last arrival, the server's own
  // publish lag) and each run's validity summary, which the site shows as a badge.
  `
  CREATE TABLE ticks (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    n INTEGER NOT NULL,
    scheduled_ms INTEGER NOT NULL,
    receivers INTEGER,
    expected_receivers INTEGER,
    first_ms INTEGER,
    last_ms INTEGER,
    spread_ms REAL,
    publish_lag_ms REAL,
    PRIMARY KEY (run_id, source, n)
  ) WITHOUT ROWID;
  ALTER TABLE runs ADD COLUMN validity_json TEXT;
  `
];
const SCHEMA_VERSION = migrations.length;
path.join("data", "wsbench.db");
function openDatabase(file, options = {}) {
  const readonly = options.readonly ?? false;
  if (readonly && file !== ":memory:" && !fs.existsSync(file)) {
    throw new DatabaseError("not-a-database", `${file}: no such database (run something first, or pass --db PATH)`);
  }
  if (!readonly && file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db;
  try {
    db = new Database(file, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw new DatabaseError("not-a-database", `${file}: cannot open (${err.message})`);
  }
  try {
    if (!readonly) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
    }
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    migrate(db, file, readonly, options.upTo ?? SCHEMA_VERSION);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof DatabaseError) throw err;
    const message = err.message;
    if (/not a database|malformed|encrypted/i.test(message)) {
      throw new DatabaseError("not-a-database", `${file}: not a SQLite database (${message})`);
    }
    throw new DatabaseError("migration-failed", `${file}: ${message}`);
  }
}
function migrate(db, file, readonly, upTo) {
  const hasVersionTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).get();
  let version = 0;
  if (hasVersionTable) {
    const row = db.prepare("SELECT version FROM schema_version").get();
    version = row?.version ?? 0;
  } else {
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get();
    if (tables.n > 0) {
      throw new DatabaseError(
        "not-wsbench",
        `${file}: a SQLite database, but not a wsbench one (it has ${tables.n} tables and no schema_version)`
      );
    }
  }
  if (version > SCHEMA_VERSION) {
    throw new DatabaseError(
      "schema-too-new",
      `${file}: schema version ${version} is newer than this wsbench understands (${SCHEMA_VERSION}); upgrade wsbench`
    );
  }
  if (version >= upTo) return;
  if (readonly) {
    throw new DatabaseError(
      "migration-failed",
      `${file}: schema version ${version} needs an upgrade to ${upTo}; open it once without --readonly`
    );
  }
  const upgrade = db.transaction(() => {
    if (!hasVersionTable) {
      db.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
      db.exec("INSERT INTO schema_version (version) VALUES (0)");
    }
    for (let v = version; v < upTo; v++) {
      db.exec(migrations[v]);
      db.prepare("UPDATE schema_version SET version = ?").run(v + 1);
    }
  });
  upgrade.exclusive();
}

let db;
function database() {
  const file = process.env.WSBENCH_DB ?? "data/wsbench.db";
  db ??= openDatabase(file, { readonly: true });
  return db;
}
let cards;
const timelines = /* @__PURE__ */ new Map();
function allRuns() {
  cards ??= listRuns(database()).map((run) => ({ run, summary: getSummary(database(), run.id) }));
  return cards;
}
function timelineOf(id) {
  let t = timelines.get(id);
  if (!t) timelines.set(id, t = getTimeline(database(), id));
  return t;
}
const MAX_POINTS = 1200;
function seriesOf(t) {
  const start = t.run.startedMs;
  const bySecond = /* @__PURE__ */ new Map();
  const at = (ms) => {
    const second = Math.floor((ms - start) / 1e3);
    let row = bySecond.get(second);
    if (!row) bySecond.set(second, row = {});
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
  const bucket = Math.max(1, Math.ceil(seconds.length / MAX_POINTS));
  const metrics = ["connections", "serverConnections", "rssBytes", "cpuPct", "received", "expected", "missing", "latencyP50Ms", "latencyP99Ms", "spreadMs", "clientCpuPct"];
  const out = { t: [] };
  for (const m of metrics) out[m] = [];
  for (let i = 0; i < seconds.length; i += bucket) {
    const group = seconds.slice(i, i + bucket).map((s) => bySecond.get(s));
    out.t.push(seconds[i]);
    for (const m of metrics) {
      const values = group.map((r) => r[m]).filter((v) => typeof v === "number");
      out[m].push(values.length ? Math.max(...values) : null);
    }
  }
  return out;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
};
function capacityPoints() {
  const points = [];
  for (const { run } of allRuns()) {
    const t = timelineOf(run.id);
    for (const phase of t.phases.filter((p) => (p.name === "hold" || p.name === "step") && p.endedMs !== null)) {
      const inside = (ms) => ms >= phase.startedMs && ms <= phase.endedMs;
      const perSecond = /* @__PURE__ */ new Map();
      for (const s of t.server.filter((s2) => inside(s2.tMs))) {
        const k = Math.floor(s.tMs / 1e3);
        const row = perSecond.get(k) ?? { rss: 0, cpu: 0 };
        row.rss += s.rssBytes;
        row.cpu += s.cpuPct;
        perSecond.set(k, row);
      }
      const held = t.clients.filter((c) => inside(c.tMs)).map((c) => c.open);
      if (perSecond.size === 0 || held.length === 0) continue;
      const rows = [...perSecond.values()];
      points.push({
        runId: run.id,
        name: run.name,
        backend: run.backend,
        host: `${run.host} (${run.cores} cores)`,
        profile: run.scenarioParams.profile?.profile ?? null,
        phase: phase.name === "step" ? `step ${phase.step}` : "hold",
        connections: median(held),
        rssBytes: median(rows.map((r) => r.rss)),
        cpuPct: rows.reduce((n, r) => n + r.cpu, 0) / rows.length,
        verdict: phase.verdict
      });
    }
  }
  return points.sort((a, b) => a.backend.localeCompare(b.backend) || a.connections - b.connections);
}

export { allRuns as a, capacityPoints as c, seriesOf as s, timelineOf as t };
