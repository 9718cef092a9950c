// The reference runs shipped in data/reference: real exports that import cleanly, once, and
// carry the machine they ran on; and the write-ups cite only runs that ship.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listRuns } from '../../collector/query.ts';
import { importReferenceRuns, referenceFiles, REFERENCE_DIR } from '../../collector/reference.ts';
import { openDatabase } from '../../collector/schema.ts';
import { chartBlockProblems, parseChartBlock } from '../../site/src/lib/chart-block.ts';
import { tempDir } from '../helpers/fixtures.ts';

test('reference runs import once, with their machine and status recorded', () => {
  const files = referenceFiles();
  assert.ok(files.length > 0, `${REFERENCE_DIR} holds exports`);
  const db = openDatabase(path.join(tempDir(), 'ref.db'));
  const first = importReferenceRuns(db);
  assert.deepEqual(first.map((r) => r.action), files.map(() => 'imported'));
  assert.deepEqual(importReferenceRuns(db).map((r) => r.action), files.map(() => 'unchanged'), 'a second import changes nothing');
  for (const run of listRuns(db)) {
    assert.ok(run.host && run.cpuModel && run.cores && run.memTotalBytes, `${run.id}: the machine is recorded`);
    assert.equal(run.status, 'completed');
    assert.match(run.notes ?? '', /Not a Raspberry Pi result/, `${run.id}: its notes say what it is`);
  }
  db.close();
});

test('a missing reference folder imports nothing', () => {
  assert.deepEqual(referenceFiles(path.join(tempDir(), 'none')), []);
});

test('every run a shipped write-up cites is a shipped reference run', () => {
  const shipped = new Set(referenceFiles().map((f) => path.basename(f).replace(/\.json(\.gz)?$/, '')));
  const dir = path.join('data', 'writeups');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const cited = [...(/^runs: \[(.*)\]$/m.exec(text)?.[1] ?? '').split(','), ...[...text.matchAll(/^runs: (?!\[)(.*)$/gm)].flatMap((m) => m[1]!.split(','))]
      .map((s) => s.trim())
      .filter(Boolean);
    assert.ok(cited.length > 0, `${file} cites runs`);
    for (const id of cited) assert.ok(shipped.has(id), `${file} cites ${id}, which data/reference does not ship`);
  }
});

test('chart blocks: metric, runs, per-connection and the x axis', () => {
  assert.deepEqual(parseChartBlock('chart: cpuPct\nruns: a, b\nx: connections\n'), { runs: ['a', 'b'], metric: 'cpuPct', norm: 'none', align: 'connections', caption: null });
  assert.deepEqual(parseChartBlock('runs: a\nnorm: perConn\ncaption: Memory, per connection\n'), { runs: ['a'], metric: 'rssBytes', norm: 'perConn', align: 'elapsed', caption: 'Memory, per connection' });
});

test('chart blocks are checked against the metric catalogue, each problem naming what is valid', () => {
  assert.deepEqual(chartBlockProblems('chart: tickDelivered\nruns: a\nx: connections\nnorm: perConn\ncaption: c\n'), []);
  const [metric, ...rest] = chartBlockProblems('chart: rssByte\nruns: a\nnorm: perconn\nx: time\ncolour: red\n');
  assert.match(metric!, /^unknown key "colour"/);
  assert.deepEqual(rest.map((p) => p.split(' (')[0]), ['unknown chart "rssByte"', 'unknown norm "perconn"', 'unknown x "time"']);
  assert.match(rest[0]!, /one of connections, serverConnections, rssBytes, pssBytes,/);
  assert.deepEqual(chartBlockProblems('norm: none\n').map((p) => p.split(' (')[0]), ['"chart:" is missing', '"runs:" is missing']);
});
