// Schema: fresh databases, upgrades of older ones, and clear refusals of files that are not ours.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseError } from '../../collector/errors.ts';
import { getRun } from '../../collector/query.ts';
import { digestOf, Ingestor } from '../../collector/ingest.ts';
import { encodeBatch } from '../../collector/ndjson.ts';
import type { RunRecord } from '../../collector/records.ts';
import { openDatabase, prepareToRead, SCHEMA_VERSION, schemaVersionOf } from '../../collector/schema.ts';
import { runRecord, tempDir } from '../helpers/fixtures.ts';

test('a new database is created at the current schema version, in WAL mode', () => {
  const file = path.join(tempDir(), 'sub', 'new.db');
  const db = openDatabase(file);
  assert.equal(schemaVersionOf(db), SCHEMA_VERSION);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
});

test('a version-1 database with a run in it is upgraded on open and keeps its data', () => {
  const file = path.join(tempDir(), 'old.db');
  const old = openDatabase(file, { upTo: 1 });
  assert.equal(schemaVersionOf(old), 1);
  old.prepare(`INSERT INTO runs (id, name, scenario, scenario_json, backend, env_json, status, started_ms)
    VALUES ('r1', 'old run', 'quick', '{"name":"quick"}', 'uws', '{}', 'completed', 1000)`).run();
  old.prepare(`INSERT INTO server_samples (run_id, source, t_ms, rss_bytes, cpu_user_pct, cpu_sys_pct) VALUES ('r1', 's', 2000, 5, 1, 1)`).run();
  assert.throws(() => old.prepare('SELECT * FROM ticks').all(), /no such table: ticks/);
  old.close();

  const db = openDatabase(file);
  assert.equal(schemaVersionOf(db), SCHEMA_VERSION);
  const run = getRun(db, 'r1');
  assert.equal(run.name, 'old run');
  assert.equal(run.validity, null);
  assert.deepEqual(db.prepare('SELECT count(*) AS n FROM ticks').get(), { n: 0 });
  assert.deepEqual(db.prepare('SELECT rss_bytes FROM server_samples').get(), { rss_bytes: 5 });
  db.close();
});

test('a read-only open of an old database asks for an upgrade instead of failing obscurely', () => {
  const file = path.join(tempDir(), 'old.db');
  openDatabase(file, { upTo: 1 }).close();
  assert.throws(() => openDatabase(file, { readonly: true }), (err: DatabaseError) => {
    assert.equal(err.code, 'migration-failed');
    assert.match(err.message, /schema version 1 needs an upgrade/);
    return true;
  });
});

test('a database from a newer wsbench is refused with the versions named', () => {
  const file = path.join(tempDir(), 'future.db');
  openDatabase(file).close();
  const raw = new Database(file);
  raw.prepare('UPDATE schema_version SET version = 99').run();
  raw.close();
  assert.throws(() => openDatabase(file), (err: DatabaseError) => {
    assert.equal(err.code, 'schema-too-new');
    assert.match(err.message, new RegExp(`schema version 99 is newer than this wsbench understands \\(${SCHEMA_VERSION}\\)`));
    return true;
  });
});

test('a file that is not SQLite, or SQLite that is not wsbench, is refused by name', () => {
  const dir = tempDir();
  const junk = path.join(dir, 'junk.db');
  fs.writeFileSync(junk, 'this is not a database, just text that is long enough to have a header\n'.repeat(20));
  assert.throws(() => openDatabase(junk), (err: DatabaseError) => {
    assert.equal(err.code, 'not-a-database');
    assert.ok(err.message.startsWith(`${junk}: `), err.message);
    return true;
  });
  const other = path.join(dir, 'other.db');
  const raw = new Database(other);
  raw.exec('CREATE TABLE customers (id INTEGER)');
  raw.close();
  assert.throws(() => openDatabase(other), (err: DatabaseError) => err.code === 'not-wsbench' && /not a wsbench one/.test(err.message));
  assert.throws(() => openDatabase(path.join(dir, 'missing.db'), { readonly: true }), /no such database/);
});

test('a read-only handle never writes, even over a run whose runner is gone; the commands that read reap it first', () => {
  const file = path.join(tempDir(), 'abandoned.db');
  const w = openDatabase(file);
  const gone: RunRecord = runRecord({ runner: { host: os.hostname(), pid: 2 ** 22 + 7 } });
  const header = { batch: 'r.0', run: 'r' };
  new Ingestor(w).ingest(header, [gone], digestOf(encodeBatch(header, [gone])));
  w.close();
  const status = () => {
    const d = openDatabase(file, { readonly: true });
    try {
      return (d.prepare('SELECT status FROM runs').get() as { status: string }).status;
    } finally {
      d.close();
    }
  };
  const bytes = fs.readFileSync(file);
  assert.equal(status(), 'running', 'read as it is');
  assert.deepEqual(fs.readFileSync(file), bytes, 'the file is as it was');
  prepareToRead(file);
  assert.equal(status(), 'aborted', 'a reading command marks it first');
});

test('a command that reads upgrades an older database first: a new wsbench reads the runs an older one stored', () => {
  const file = path.join(tempDir(), 'older.db');
  openDatabase(file, { upTo: SCHEMA_VERSION - 1 }).close();
  assert.throws(() => openDatabase(file, { readonly: true }), /needs an upgrade/, 'a read-only handle cannot upgrade');
  prepareToRead(file);
  const db = openDatabase(file, { readonly: true });
  assert.equal(schemaVersionOf(db), SCHEMA_VERSION);
  db.close();
  // Not a database: left for the read-only open to name.
  const junk = path.join(tempDir(), 'junk.db');
  fs.writeFileSync(junk, 'not sqlite at all, just text that is long enough to look like a header');
  prepareToRead(junk);
  assert.throws(() => openDatabase(junk, { readonly: true }), /not a SQLite database|cannot open/);
});
