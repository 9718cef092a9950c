// Opens a wsbench database: WAL mode, foreign keys, and forward-only migrations keyed by
// `schema_version`, so a database written by an older wsbench is upgraded in place on open.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { abandonedRuns, markAbandonedRuns } from './abandoned.ts';
import { DatabaseError } from './errors.ts';

export type Db = Database.Database;

/**
 * Each entry upgrades the schema from version i to i+1. Never edit a released entry: add one.
 * Samples are keyed (run, source, time) because the site reads a run's timeline in time order
 * and ingestion checks each source's stream for order; WITHOUT ROWID keeps them clustered.
 */
export const migrations: readonly string[] = [
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
  `,
  // 3: PSS and anonymous memory beside RSS (pages shared by a server's processes counted once;
  // code pages mapped on first use left out of what a connection costs), and every shard's
  // judgement of each tick (expected, delivered, late, missing) with the probes' latency of that
  // tick, so deliveries can be charted per tick instead of per second; and the runner's host, pid
  // and heartbeat, so a run whose runner died is not left "running" forever.
  `
  ALTER TABLE server_samples ADD COLUMN pss_bytes INTEGER;
  ALTER TABLE server_samples ADD COLUMN anon_bytes INTEGER;
  ALTER TABLE process_samples ADD COLUMN pss_bytes INTEGER;
  ALTER TABLE process_samples ADD COLUMN anon_bytes INTEGER;
  ALTER TABLE ticks ADD COLUMN delivered INTEGER;
  ALTER TABLE ticks ADD COLUMN late INTEGER;
  ALTER TABLE ticks ADD COLUMN missing INTEGER;
  ALTER TABLE ticks ADD COLUMN lat_p50_ms REAL;
  ALTER TABLE ticks ADD COLUMN lat_p99_ms REAL;
  ALTER TABLE ticks ADD COLUMN lat_max_ms REAL;
  ALTER TABLE runs ADD COLUMN runner_host TEXT;
  ALTER TABLE runs ADD COLUMN runner_pid INTEGER;
  ALTER TABLE runs ADD COLUMN heartbeat_ms INTEGER;
  `,
  // 4: how the run's backend is shown (label, full title, colour) and the wire its clients spoke,
  // recorded by the runner from the backend's own entry, so the site needs no list of backends.
  `
  ALTER TABLE runs ADD COLUMN backend_label TEXT;
  ALTER TABLE runs ADD COLUMN backend_title TEXT;
  ALTER TABLE runs ADD COLUMN backend_color TEXT;
  ALTER TABLE runs ADD COLUMN backend_protocol TEXT;
  `,
  // 5: every delivery measured (jitter histograms and clumps beside the latency histograms every
  // shard now sends) and the machine's contention: each process's CPU wait (runnable, not
  // running) and the host's busy CPUs, so a run can tell the server's limit from the machine's.
  `
  ALTER TABLE client_samples ADD COLUMN jit_hist_us TEXT;
  ALTER TABLE client_samples ADD COLUMN jit_p99_ms REAL;
  ALTER TABLE client_samples ADD COLUMN jit_max_ms REAL;
  ALTER TABLE client_samples ADD COLUMN clumps INTEGER;
  ALTER TABLE client_samples ADD COLUMN cpu_wait_ms REAL;
  ALTER TABLE server_samples ADD COLUMN cpu_wait_ms REAL;
  ALTER TABLE server_samples ADD COLUMN host_busy_pct REAL;
  ALTER TABLE server_samples ADD COLUMN host_cpus INTEGER;
  ALTER TABLE process_samples ADD COLUMN cpu_wait_ms REAL;
  `,
  // 6: each shard's jitter p50, which shards sent from schema 5 on and nothing stored (ingestion
  // now writes every field the records spec: collector/records.ts STORED_FIELDS).
  `
  ALTER TABLE client_samples ADD COLUMN jit_p50_ms REAL;
  `,
  // 7: repeated runs form a series (wsbench run --repeat): its id, and the run's place in the
  // order the runs ran, so figures can be given with their spread over the series.
  `
  ALTER TABLE runs ADD COLUMN series_id TEXT;
  ALTER TABLE runs ADD COLUMN series_seq INTEGER;
  CREATE INDEX runs_series ON runs (series_id, series_seq);
  `,
  // 8: the server's queue for slow readers, read right after each publish where it peaks
  // (runners/backends/queue-watch.ts), per process and in total: bytes and, where the backend can
  // tell, messages; and what it did about them each second: messages dropped over its limit,
  // sockets that closed while it still held data for them; and what the kernel held in the
  // server's send buffers, where a stalled reader's bytes wait before the server sees any.
  `
  ALTER TABLE server_samples ADD COLUMN kernel_queued_bytes INTEGER;
  ALTER TABLE server_samples ADD COLUMN kernel_queued_sockets INTEGER;
  ALTER TABLE server_samples ADD COLUMN queued_bytes_peak INTEGER;
  ALTER TABLE server_samples ADD COLUMN queued_messages_peak INTEGER;
  ALTER TABLE server_samples ADD COLUMN dropped_messages INTEGER;
  ALTER TABLE server_samples ADD COLUMN closed_backlogged INTEGER;
  ALTER TABLE process_samples ADD COLUMN queued_bytes_peak INTEGER;
  `,
  // 9: churn: the connections each shard closed and opened again in a second.
  `
  ALTER TABLE client_samples ADD COLUMN reconnects INTEGER;
  `,
  // 10: samples by time within a run. The keys lead with the sender, so "the last few seconds of
  // this run" (the live page, every second; a hold's window) read every row the run has.
  `
  CREATE INDEX server_samples_by_time ON server_samples (run_id, t_ms);
  CREATE INDEX process_samples_by_time ON process_samples (run_id, t_ms);
  CREATE INDEX client_samples_by_time ON client_samples (run_id, t_ms);
  CREATE INDEX ticks_by_time ON ticks (run_id, scheduled_ms);
  `,
];

export const SCHEMA_VERSION = migrations.length;

export const DEFAULT_DB_PATH = path.join('data', 'wsbench.db');

export interface OpenOptions {
  readonly?: boolean;
  /** Stop upgrading at this version (tests use it to build an older database). */
  upTo?: number;
}

/** Opens (creating if needed) and upgrades a database; throws DatabaseError on a bad file. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const readonly = options.readonly ?? false;
  // ':memory:' and '' (a temporary file SQLite deletes on close) have no path to check or make.
  const anonymous = file === ':memory:' || file === '';
  if (readonly && !anonymous && !fs.existsSync(file)) {
    throw new DatabaseError('not-a-database', `${file}: no such database (run something first, or pass --db PATH)`);
  }
  if (!readonly && !anonymous) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw new DatabaseError('not-a-database', `${file}: cannot open (${(err as Error).message})`);
  }
  try {
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a committed batch survives a crash of the process (kill -9), only an
      // OS crash or power loss can roll back the last transactions.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file, readonly, options.upTo ?? SCHEMA_VERSION);
    // A writable open marks the runs whose runner is gone as aborted; a read-only one never writes
    // (the site reads through one): commands that read call prepareToRead first.
    if (!readonly && (options.upTo ?? SCHEMA_VERSION) === SCHEMA_VERSION) markAbandonedRuns(db);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof DatabaseError) throw err;
    const message = (err as Error).message;
    if (/not a database|malformed|encrypted/i.test(message)) {
      throw new DatabaseError('not-a-database', `${file}: not a SQLite database (${message})`);
    }
    throw new DatabaseError('migration-failed', `${file}: ${message}`);
  }
}

/**
 * Readies a database for a command about to read it (list, show, export, site build, start): a
 * short writable open brings an older schema up to date and marks the runs whose runner is gone
 * as aborted (collector/abandoned.ts). Where the file cannot be written, or is no database, it
 * gives up quietly: the read-only open that follows works, or says what is wrong by name. A
 * read-only handle itself never writes.
 */
export function prepareToRead(file: string): void {
  if (file === ':memory:' || !fs.existsSync(file)) return;
  try {
    openDatabase(file).close();
  } catch {
    // A read-only file or folder, or not a database: the read-only open reports it.
  }
}

function migrate(db: Db, file: string, readonly: boolean, upTo: number): void {
  const hasVersionTable = db
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`)
    .get();
  let version = 0;
  if (hasVersionTable) {
    const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    version = row?.version ?? 0;
  } else {
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number };
    if (tables.n > 0) {
      throw new DatabaseError(
        'not-wsbench',
        `${file}: a SQLite database, but not a wsbench one (it has ${tables.n} tables and no schema_version)`,
      );
    }
  }
  if (version > SCHEMA_VERSION) {
    throw new DatabaseError(
      'schema-too-new',
      `${file}: schema version ${version} is newer than this wsbench understands (${SCHEMA_VERSION}); upgrade wsbench`,
    );
  }
  if (version >= upTo) return;
  if (readonly) {
    throw new DatabaseError(
      'migration-failed',
      `${file}: schema version ${version} needs an upgrade to ${upTo}; open it once without --readonly`,
    );
  }
  const upgrade = db.transaction(() => {
    if (!hasVersionTable) {
      db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      db.exec('INSERT INTO schema_version (version) VALUES (0)');
    }
    for (let v = version; v < upTo; v++) {
      db.exec(migrations[v]!);
      db.prepare('UPDATE schema_version SET version = ?').run(v + 1);
    }
  });
  upgrade.exclusive();
}

export function schemaVersionOf(db: Db): number {
  return (db.prepare('SELECT version FROM schema_version').get() as { version: number }).version;
}
