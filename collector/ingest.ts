// Writes validated batches into the database: one transaction per batch, idempotent by batch id,
// each source's samples kept strictly in time order. Both the HTTP service and an embedded
// collector go through `Ingestor.ingest`.
import { createHash } from 'node:crypto';
import type { Db } from './schema.ts';
import { IngestError } from './errors.ts';
import type {
  BatchHeader,
  ClientSample,
  EventRecord,
  IngestRecord,
  PhaseRecord,
  RunRecord,
  RunUpdateRecord,
  ServerSample,
  TickRecord,
} from './records.ts';
import { columnOf, STORED_FIELDS } from './records.ts';

export interface IngestResult {
  batch: string;
  run: string;
  records: number;
  /** True when this batch id was already stored: a retry after a lost reply. */
  duplicate: boolean;
}

export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

const num = (v: number | undefined): number | null => (v === undefined ? null : v);
const str = (v: string | undefined): string | null => (v === undefined ? null : v);
/** env.serverNode.version when the run recorded one as a string (anything else is ignored). */
const serverNodeVersion = (env: Record<string, unknown>): string | undefined => {
  const v = (env.serverNode as { version?: unknown } | null | undefined)?.version;
  return typeof v === 'string' ? v : undefined;
};

export class Ingestor {
  private readonly db: Db;
  /** Last stored position (t or tick n) of each stream, `run|table|source` → value. */
  private readonly lastPosition = new Map<string, number>();
  private readonly stmt;

  constructor(db: Db) {
    this.db = db;
    this.stmt = {
      batchGet: db.prepare('SELECT digest FROM batches WHERE id = ?'),
      batchPut: db.prepare('INSERT INTO batches (id, run_id, digest, records, received_ms) VALUES (?, ?, ?, ?, ?)'),
      runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?'),
      runPut: db.prepare(`INSERT INTO runs (id, name, scenario, scenario_json, backend, backend_version, backend_build,
        backend_label, backend_title, backend_color, backend_protocol, host, cpu_model, cores, mem_total_bytes, os, kernel, node_version, limits_json, env_json, status, notes, started_ms,
        runner_host, runner_pid, heartbeat_ms, series_id, series_seq)
        VALUES (@id, @name, @scenario, @scenario_json, @backend, @backend_version, @backend_build,
        @backend_label, @backend_title, @backend_color, @backend_protocol, @host, @cpu_model,
        @cores, @mem_total_bytes, @os, @kernel, @node_version, @limits_json, @env_json, @status, @notes, @started_ms,
        @runner_host, @runner_pid, @heartbeat_ms, @series_id, @series_seq)`),
      runUpdate: db.prepare(`UPDATE runs SET
        status = coalesce(@status, status), verdict = coalesce(@verdict, verdict),
        verdict_reason = coalesce(@verdict_reason, verdict_reason), ended_ms = coalesce(@ended_ms, ended_ms),
        tls_version = coalesce(@tls_version, tls_version), tls_cipher = coalesce(@tls_cipher, tls_cipher),
        backend_version = coalesce(@backend_version, backend_version), backend_build = coalesce(@backend_build, backend_build),
        notes = coalesce(@notes, notes), validity_json = coalesce(@validity_json, validity_json),
        heartbeat_ms = coalesce(@heartbeat_ms, heartbeat_ms)
        WHERE id = @id`),
      serverPut: insertOf(db, 'server_samples'),
      processPut: insertOf(db, 'process_samples'),
      clientPut: insertOf(db, 'client_samples'),
      tickPut: insertOf(db, 'ticks'),
      phasePut: db.prepare(`INSERT INTO phases (run_id, seq, name, step, target_connections, started_ms, ended_ms, verdict, verdict_reason)
        VALUES (@run_id, @seq, @name, @step, @target_connections, @started_ms, @ended_ms, @verdict, @verdict_reason)
        ON CONFLICT (run_id, seq) DO UPDATE SET ended_ms = coalesce(excluded.ended_ms, ended_ms),
        verdict = coalesce(excluded.verdict, verdict), verdict_reason = coalesce(excluded.verdict_reason, verdict_reason),
        target_connections = coalesce(excluded.target_connections, target_connections)`),
      phaseName: db.prepare('SELECT name FROM phases WHERE run_id = ? AND seq = ?'),
      eventPut: db.prepare('INSERT INTO events (run_id, t_ms, source, kind, message, data_json) VALUES (?,?,?,?,?,?)'),
      lastServer: db.prepare('SELECT max(t_ms) AS v FROM server_samples WHERE run_id = ? AND source = ?'),
      lastClient: db.prepare('SELECT max(t_ms) AS v FROM client_samples WHERE run_id = ? AND source = ?'),
      lastTick: db.prepare('SELECT max(n) AS v FROM ticks WHERE run_id = ? AND source = ?'),
    };
  }

  /** Stores one batch in one transaction, or throws IngestError having written nothing. */
  ingest(header: BatchHeader, records: readonly IngestRecord[], digest: string): IngestResult {
    const pending = new Map<string, number>();
    const write = this.db.transaction((): boolean => {
      const previous = this.stmt.batchGet.get(header.batch) as { digest: string } | undefined;
      if (previous) {
        if (previous.digest !== digest) {
          throw new IngestError('batch-id-reused', `batch id "${header.batch}" was already stored with different content`);
        }
        return true;
      }
      let runKnown = this.stmt.runExists.get(header.run) !== undefined;
      records.forEach((record, i) => {
        const line = i + 2; // line 1 is the header
        if (record.kind === 'run') {
          if (runKnown) throw new IngestError('run-exists', `run "${header.run}" already exists`, line);
          this.putRun(header.run, record);
          runKnown = true;
          return;
        }
        if (!runKnown) {
          throw new IngestError('unknown-run', `unknown run "${header.run}" (send a "run" record first)`, line);
        }
        this.putRecord(header.run, record, line, pending);
      });
      if (!runKnown) throw new IngestError('unknown-run', `unknown run "${header.run}"`);
      this.stmt.batchPut.run(header.batch, header.run, digest, records.length, Date.now());
      return false;
    });
    const duplicate = write.immediate();
    for (const [key, value] of pending) this.lastPosition.set(key, value);
    return { batch: header.batch, run: header.run, records: records.length, duplicate };
  }

  private putRun(id: string, r: RunRecord): void {
    this.stmt.runPut.run({
      id,
      name: r.name,
      scenario: r.scenario.name,
      scenario_json: JSON.stringify(r.scenario),
      backend: r.backend.name,
      backend_version: str(r.backend.version),
      backend_build: str(r.backend.build),
      backend_label: str(r.backend.label),
      backend_title: str(r.backend.title),
      backend_color: str(r.backend.color),
      backend_protocol: str(r.backend.protocol),
      host: str(r.env.host),
      cpu_model: str(r.env.cpuModel),
      cores: num(r.env.cores),
      mem_total_bytes: num(r.env.memTotalBytes),
      os: str(r.env.os),
      kernel: str(r.env.kernel),
      // The Node the servers ran on, when it was not the runner's own (--server-node, or the registry's Node 20).
      node_version: str(serverNodeVersion(r.env) ?? r.env.node),
      limits_json: r.env.limits === undefined ? null : JSON.stringify(r.env.limits),
      env_json: JSON.stringify(r.env),
      status: r.status ?? 'running',
      notes: str(r.notes),
      started_ms: r.startedMs,
      runner_host: r.runner?.host ?? null,
      runner_pid: r.runner?.pid ?? null,
      heartbeat_ms: r.runner ? r.startedMs : null,
      series_id: r.series?.id ?? null,
      series_seq: r.series?.seq ?? null,
    });
  }

  private putRecord(run: string, record: IngestRecord, line: number, pending: Map<string, number>): void {
    switch (record.kind) {
      case 'run-update':
        return this.putRunUpdate(run, record);
      case 'server':
        return this.putServer(run, record, line, pending);
      case 'client':
        return this.putClient(run, record, line, pending);
      case 'tick':
        return this.putTick(run, record, line, pending);
      case 'phase':
        return this.putPhase(run, record, line);
      case 'event':
        return this.putEvent(run, record);
      case 'run':
        throw new Error('unreachable: run records are handled by ingest()');
    }
  }

  /**
   * Enforces strictly increasing positions per stream. The last position comes from memory or,
   * after a restart, from the database (an index lookup), so order holds across restarts too.
   */
  private advance(
    run: string,
    table: 'server' | 'client' | 'tick',
    source: string,
    position: number,
    line: number,
    pending: Map<string, number>,
  ): void {
    const key = `${run}|${table}|${source}`;
    let last = pending.get(key) ?? this.lastPosition.get(key);
    if (last === undefined) {
      const query = table === 'server' ? this.stmt.lastServer : table === 'client' ? this.stmt.lastClient : this.stmt.lastTick;
      last = ((query.get(run, source) as { v: number | null }).v ?? -1) as number;
    }
    const what = table === 'tick' ? `tick n=${position}` : `${table} sample t=${position}`;
    if (position === last) {
      throw new IngestError('duplicate-sample', `${what} from source "${source}" is already stored`, line);
    }
    if (position < last) {
      throw new IngestError('out-of-order', `${what} from source "${source}" is older than the last one stored (${last})`, line);
    }
    pending.set(key, position);
  }

  private putRunUpdate(run: string, r: RunUpdateRecord): void {
    this.stmt.runUpdate.run({
      id: run,
      status: str(r.status),
      verdict: str(r.verdict),
      verdict_reason: str(r.verdictReason),
      ended_ms: num(r.endedMs),
      tls_version: str(r.tlsVersion),
      tls_cipher: str(r.tlsCipher),
      backend_version: str(r.backendVersion),
      backend_build: str(r.backendBuild),
      notes: str(r.notes),
      validity_json: r.validity === undefined ? null : JSON.stringify(r.validity),
      heartbeat_ms: num(r.heartbeatMs),
    });
  }

  private putServer(run: string, s: ServerSample, line: number, pending: Map<string, number>): void {
    this.advance(run, 'server', s.source, s.t, line, pending);
    this.stmt.serverPut(run, s);
    const seen = new Set<number>();
    for (const p of s.procs ?? []) {
      if (seen.has(p.pid)) throw new IngestError('duplicate-sample', `server sample t=${s.t}: pid ${p.pid} listed twice`, line);
      seen.add(p.pid);
      this.stmt.processPut(run, { ...p, source: s.source, t: s.t });
    }
  }

  private putClient(run: string, c: ClientSample, line: number, pending: Map<string, number>): void {
    this.advance(run, 'client', c.source, c.t, line, pending);
    this.stmt.clientPut(run, c);
  }

  private putTick(run: string, k: TickRecord, line: number, pending: Map<string, number>): void {
    this.advance(run, 'tick', k.source, k.n, line, pending);
    this.stmt.tickPut(run, k);
  }

  private putPhase(run: string, p: PhaseRecord, line: number): void {
    const existing = this.stmt.phaseName.get(run, p.seq) as { name: string } | undefined;
    if (existing && existing.name !== p.name) {
      throw new IngestError('bad-record', `phase ${p.seq} is "${existing.name}", not "${p.name}"`, line);
    }
    this.stmt.phasePut.run({
      run_id: run,
      seq: p.seq,
      name: p.name,
      step: num(p.step),
      target_connections: num(p.targetConnections),
      started_ms: p.startedMs,
      ended_ms: num(p.endedMs),
      verdict: str(p.verdict),
      verdict_reason: str(p.verdictReason),
    });
  }

  private putEvent(run: string, e: EventRecord): void {
    this.stmt.eventPut.run(run, e.t, e.source, e.type, e.message, e.data === undefined ? null : JSON.stringify(e.data));
  }
}

/**
 * An INSERT of one sample into its table, column for column as the records spec the fields
 * (STORED_FIELDS): a field added there is stored without a change here. Absent fields are NULL.
 */
function insertOf(db: Db, table: keyof typeof STORED_FIELDS): (run: string, record: object) => void {
  const fields: readonly string[] = STORED_FIELDS[table];
  const statement = db.prepare(`INSERT INTO ${table} (run_id, ${fields.map(columnOf).join(', ')}) VALUES (?${', ?'.repeat(fields.length)})`);
  return (run, record) => {
    const r = record as Record<string, unknown>;
    statement.run(run, ...fields.map((f) => (r[f] === undefined ? null : r[f])));
  };
}
