// Export and import: a run survives the trip to another database unchanged, byte for byte, its
// histograms per second (collector/compact.ts) read within their precision.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { DatabaseError } from '../../collector/errors.ts';
import { getSummary } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { exportRun, importRun, parseExport, serializeExport } from '../../collector/transfer.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { seedDatabase } from '../helpers/seed-db.ts';

test('export → import into a fresh database → export gives the same bytes, gzipped or not', () => {
  const dir = tempDir();
  const source = seedDatabase(path.join(dir, 'a.db'));
  const exported = exportRun(source, 'fix'); // a unique prefix is enough
  for (const gzip of [false, true]) {
    const bytes = serializeExport(exported, gzip);
    const target = openDatabase(path.join(dir, `b-${gzip}.db`));
    const result = importRun(target, parseExport(bytes, 'run.json'));
    assert.equal(result.action, 'imported');
    assert.equal(result.rows, 1 + 10 + 20 + 10 + 10 + 1 + 1);
    assert.deepEqual(serializeExport(exportRun(target, 'fixture'), false), serializeExport(exported, false));
    // Every figure the same; percentiles from histograms re-recorded at 2 significant digits, within 1%.
    const [copy, original] = [getSummary(target, 'fixture'), getSummary(source, 'fixture')];
    for (const key of ['latency', 'probeLatency', 'jitter'] as const) {
      for (const [p, v] of Object.entries(original[key])) assert.ok(v === null ? copy[key][p as 'p50Ms'] === null : Math.abs(copy[key][p as 'p50Ms']! - v) <= 0.01 * v, `${key} ${p}: ${copy[key][p as 'p50Ms']} against ${v}`);
    }
    assert.deepEqual({ ...copy, latency: null, probeLatency: null, jitter: null }, { ...original, latency: null, probeLatency: null, jitter: null });
    assert.equal(importRun(target, parseExport(bytes, 'run.json')).action, 'unchanged');
    target.close();
  }
  source.close();
});

test('an import that conflicts is refused unless --replace, and a refused import writes nothing', () => {
  const dir = tempDir();
  const a = seedDatabase(path.join(dir, 'a.db'), 'same-id', 'first');
  const b = seedDatabase(path.join(dir, 'b.db'), 'same-id', 'second');
  const fromB = parseExport(serializeExport(exportRun(b, 'same-id'), false), 'b.json');
  assert.throws(() => importRun(a, fromB), (err: DatabaseError) => err.code === 'import-conflict' && /--replace/.test(err.message));
  assert.equal(exportRun(a, 'same-id').run.name, 'first');
  assert.equal(importRun(a, fromB, { replace: true }).action, 'replaced');
  assert.equal(exportRun(a, 'same-id').run.name, 'second');
  assert.deepEqual(exportRun(a, 'same-id').tables, exportRun(b, 'same-id').tables);
  a.close();
  b.close();
});

test('bad export files are refused with the problem named', () => {
  const bad = (text: string | Buffer, message: RegExp) =>
    assert.throws(() => parseExport(Buffer.isBuffer(text) ? text : Buffer.from(text), 'x.json'), (err: DatabaseError) => err.code === 'bad-export' && message.test(err.message));
  bad('{', /x.json: not JSON/);
  bad('{"format":"other"}', /not a wsbench run export/);
  bad('{"format":"wsbench-run","formatVersion":9}', /export format 9 is not supported/);
  bad('{"format":"wsbench-run","formatVersion":1,"schemaVersion":999,"run":{"id":"x"},"tables":{}}', /written by a newer wsbench/);
  bad('{"format":"wsbench-run","formatVersion":1,"schemaVersion":1,"run":{"id":"x"},"tables":{"secrets":{"columns":[],"rows":[]}}}', /unknown table "secrets"/);
  bad(Buffer.from([0x1f, 0x8b, 1, 2, 3]), /does not decompress/);
});
