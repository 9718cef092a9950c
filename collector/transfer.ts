// Export and import of whole runs: every column of every row that belongs to a run, so a run
// measured on one machine can be merged into another database and read the same there. One
// thing is kept coarser: latency and jitter histograms, merged per second over the shards at 2
// significant digits (collector/compact.ts), which is what every page and figure reads of them.
import { gunzipSync, gzipSync } from 'node:zlib';
import { compactClientHistograms } from './compact.ts';
import { DatabaseError } from './errors.ts';
import { getRun } from './query.ts';
import { SCHEMA_VERSION, type Db } from './schema.ts';

export const EXPORT_FORMAT = 'wsbench-run';
/** 2: histograms per second, not per shard (collector/compact.ts). Format 1 files still import, compacted on the way in. */
export const EXPORT_FORMAT_VERSION = 2;
const READABLE_FORMAT_VERSIONS = [1, 2];

/** Tables holding a run's rows, in insertion order (parents first). `batches` stays behind: ids
 * of batches are the sending collector's bookkeeping, not part of the run. */
const RUN_TABLES = ['server_samples', 'process_samples', 'client_samples', 'ticks', 'phases', 'events'] as const;
type RunTable = (typeof RUN_TABLES)[number];

/** Columns that are the destination's to assign. */
const LOCAL_COLUMNS: Partial<Record<RunTable, string>> = { events: 'id' };
const ORDER_BY: Record<RunTable, string> = {
  server_samples: 'source, t_ms',
  process_samples: 'source, t_ms, pid',
  client_samples: 'source, t_ms',
  ticks: 'source, n',
  phases: 'seq',
  events: 'id',
};

interface TableDump {
  columns: string[];
  rows: unknown[][];
}

export interface RunExport {
  format: typeof EXPORT_FORMAT;
  formatVersion: number;
  schemaVersion: number;
  run: Record<string, unknown>;
  tables: Record<string, TableDump>;
}

function columnsOf(db: Db, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

export function exportRun(db: Db, idOrPrefix: string): RunExport {
  const { id } = getRun(db, idOrPrefix);
  const run = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Record<string, unknown>;
  const tables: Record<string, TableDump> = {};
  for (const table of RUN_TABLES) {
    const columns = columnsOf(db, table).filter((c) => c !== 'run_id' && c !== LOCAL_COLUMNS[table]);
    const rows = db
      .prepare(`SELECT ${columns.join(', ')} FROM ${table} WHERE run_id = ? ORDER BY ${ORDER_BY[table]}`)
      .raw()
      .all(id) as unknown[][];
    tables[table] = table === 'client_samples' ? compactClientHistograms({ columns, rows }) : { columns, rows };
  }
  return { format: EXPORT_FORMAT, formatVersion: EXPORT_FORMAT_VERSION, schemaVersion: SCHEMA_VERSION, run, tables };
}

export function serializeExport(data: RunExport, gzip: boolean): Buffer {
  const text = Buffer.from(JSON.stringify(data) + '\n');
  return gzip ? gzipSync(text) : text;
}

/** Reads an export file's bytes (plain or gzipped JSON) and checks its shape. */
export function parseExport(bytes: Buffer, label: string): RunExport {
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (err) {
    throw new DatabaseError('bad-export', `${label}: looks gzipped but does not decompress (${(err as Error).message})`);
  }
  let data: any;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new DatabaseError('bad-export', `${label}: not JSON (${(err as Error).message})`);
  }
  if (data?.format !== EXPORT_FORMAT) {
    throw new DatabaseError('bad-export', `${label}: not a wsbench run export (expected "format": "${EXPORT_FORMAT}")`);
  }
  if (!READABLE_FORMAT_VERSIONS.includes(data.formatVersion)) {
    throw new DatabaseError('bad-export', `${label}: export format ${data.formatVersion} is not supported (this wsbench reads ${READABLE_FORMAT_VERSIONS.join(' and ')})`);
  }
  if (typeof data.schemaVersion !== 'number' || data.schemaVersion > SCHEMA_VERSION) {
    throw new DatabaseError('bad-export', `${label}: written by a newer wsbench (schema ${data.schemaVersion}, this one knows ${SCHEMA_VERSION}); upgrade wsbench`);
  }
  if (typeof data.run?.id !== 'string' || data.tables === null || typeof data.tables !== 'object') {
    throw new DatabaseError('bad-export', `${label}: missing "run.id" or "tables"`);
  }
  for (const [name, dump] of Object.entries<any>(data.tables)) {
    if (!(RUN_TABLES as readonly string[]).includes(name)) throw new DatabaseError('bad-export', `${label}: unknown table "${name}"`);
    if (!Array.isArray(dump?.columns) || !Array.isArray(dump?.rows)) {
      throw new DatabaseError('bad-export', `${label}: table "${name}" needs "columns" and "rows" arrays`);
    }
  }
  return data as RunExport;
}

export interface ImportResult {
  runId: string;
  action: 'imported' | 'replaced' | 'unchanged';
  rows: number;
}

/**
 * Merges one exported run into the database in one transaction. A run already present with the
 * same content is left alone; with different content it is refused unless `replace` is set.
 */
export function importRun(db: Db, given: RunExport, options: { replace?: boolean } = {}): ImportResult {
  // What an export of this run would hold: a format 1 file's per-shard histograms merged as they would be.
  const data = given.tables.client_samples ? { ...given, tables: { ...given.tables, client_samples: compactClientHistograms(given.tables.client_samples) } } : given;
  const runId = data.run.id as string;
  const exists = db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId) !== undefined;
  if (exists) {
    const same = JSON.stringify(exportRun(db, runId)) === JSON.stringify(normalizeToCurrentSchema(db, data));
    if (same) return { runId, action: 'unchanged', rows: 0 };
    if (!options.replace) {
      throw new DatabaseError('import-conflict', `run "${runId}" already exists here with different content (use --replace to overwrite it)`);
    }
  }
  let rows = 0;
  db.transaction(() => {
    if (exists) db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    rows += insertRow(db, 'runs', Object.keys(data.run), Object.values(data.run));
    for (const table of RUN_TABLES) {
      const dump = data.tables[table];
      if (!dump) continue;
      const columns = ['run_id', ...dump.columns];
      const known = new Set(columnsOf(db, table));
      const unknown = columns.find((c) => !known.has(c));
      if (unknown) throw new DatabaseError('bad-export', `table "${table}" has no column "${unknown}" here`);
      const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      for (const row of dump.rows) {
        insert.run(runId, ...row);
        rows++;
      }
    }
  })();
  return { runId, action: exists ? 'replaced' : 'imported', rows };
}

function insertRow(db: Db, table: string, columns: string[], values: unknown[]): number {
  const known = new Set(columnsOf(db, table));
  const unknown = columns.find((c) => !known.has(c));
  if (unknown) throw new DatabaseError('bad-export', `"${table}" has no column "${unknown}" here`);
  db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...values);
  return 1;
}

/** An export from an older schema lacks newer columns: compare it as if they were null. */
function normalizeToCurrentSchema(db: Db, data: RunExport): RunExport {
  const run: Record<string, unknown> = {};
  for (const column of columnsOf(db, 'runs')) run[column] = data.run[column] ?? null;
  const tables: Record<string, TableDump> = {};
  for (const table of RUN_TABLES) {
    const columns = columnsOf(db, table).filter((c) => c !== 'run_id' && c !== LOCAL_COLUMNS[table]);
    const dump = data.tables[table] ?? { columns, rows: [] };
    const index = columns.map((c) => dump.columns.indexOf(c));
    tables[table] = { columns, rows: dump.rows.map((row) => index.map((i) => (i < 0 ? null : row[i]))) };
  }
  return { ...data, formatVersion: EXPORT_FORMAT_VERSION, schemaVersion: SCHEMA_VERSION, run, tables };
}
