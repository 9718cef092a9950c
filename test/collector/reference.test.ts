// The reference runs shipped in data/reference: real exports that import cleanly, once, and
// carry the machine they ran on; and the write-ups cite only runs that ship.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { getSummary, listRuns } from '../../collector/query.ts';
import { importReferenceRuns, referenceFiles, REFERENCE_DIR } from '../../collector/reference.ts';
import { openDatabase } from '../../collector/schema.ts';
import { chartBlockProblems, parseChartBlock } from '../../site/src/lib/chart-block.ts';
import { pairRows } from '../../site/src/lib/figures.ts';
import { tempDir } from '../helpers/fixtures.ts';

/**
 * The reference runs imported once for the whole file (45 MB of exports: each import took 10 to
 * 20 s), with what that first import said; tests read the database it made.
 */
let imported: { db: string; first: ReturnType<typeof importReferenceRuns> } | undefined;
function referenceDb(): { db: string; first: ReturnType<typeof importReferenceRuns> } {
  if (!imported) {
    const db = path.join(tempDir(), 'ref.db');
    const d = openDatabase(db);
    imported = { db, first: importReferenceRuns(d) };
    d.close();
  }
  return imported;
}

test('reference runs import once, with their machine and status recorded', () => {
  const files = referenceFiles();
  assert.ok(files.length > 0, `${REFERENCE_DIR} holds exports`);
  const { db: file, first } = referenceDb();
  const db = openDatabase(file);
  assert.deepEqual(first.map((r) => r.action), files.map(() => 'imported'));
  assert.deepEqual(importReferenceRuns(db).map((r) => r.action), files.map(() => 'unchanged'), 'a second import changes nothing');
  for (const run of listRuns(db)) {
    assert.ok(run.host && run.cpuModel && run.cores && run.memTotalBytes, `${run.id}: the machine is recorded`);
    assert.equal(run.status, 'completed');
    assert.match(run.notes ?? '', /Not a Raspberry Pi result/, `${run.id}: its notes say what it is`);
  }
  db.close();
});

test('the shipped capacity runs are headlined by their capacity, and their comparison matches the write-up', () => {
  const db = openDatabase(referenceDb().db, { readonly: true });
  const capacity = (backend: string) => getSummary(db, listRuns(db, { backend, scenario: 'capacity' })[0]!.id);
  const [uws, sio] = [capacity('uws'), capacity('socketio')];
  db.close();
  assert.equal(uws.headline, 'capacity ≥ 100k (every step stable)');
  assert.equal(uws.capacityConnections, 100_000);
  assert.equal(uws.capacity!.failed, null);
  assert.equal(uws.capacity!.limitedBy, null);
  assert.equal(uws.window.targetConnections, 100_000, 'headline figures are the highest stable step\'s');
  assert.equal(sio.headline, 'capacity 40k (failed at 50k: delivered 91.5%, p99 5.07 s, held 47.5k of 50k; the CPU budget was the limit)');
  assert.equal(sio.capacity!.limitedBy, 'budget');
  // From the quota's counters the runner recorded for that step, not from the reason's words.
  assert.deepEqual(sio.capacity!.failed!.cpuThrottling, { periods: 1261, throttled: 650 });
  assert.ok(sio.capacity!.steps.every((w) => w.cpuThrottling !== null && w.cpuThrottling.periods > 0), 'every step has its quota counters');
  assert.equal(sio.window.targetConnections, 40_000, 'headline figures are the stable step\'s, not the failed peak\'s');
  // Measured over every delivery, with the server's CPU wait.
  assert.equal(sio.latencyBasis, 'all');
  assert.ok(sio.serverCpuWaitMs !== null && sio.capacity!.failed!.serverCpuWaitMs! > sio.serverCpuWaitMs, 'the failed step waited longer for a CPU');
  // The write-up: at least 2.5x the connections, 5.2x the memory at 40k (the highest step both held), 12.0x per added connection by the slope.
  const rows = new Map(pairRows({ name: 'uWS', summary: uws }, { name: 'Socket.IO', summary: sio }).map((r) => [`${r.key}${r.where ? ' (equal)' : ''}`, r]));
  assert.equal(rows.get('capacityConnections')!.comparison.phrase, 'uWS held 2.5x the connections of Socket.IO');
  assert.equal(rows.get('marginalBytesPerConn')!.comparison.phrase, 'uWS used 12.0x less memory per added connection (slope) than Socket.IO');
  assert.equal(rows.get('bytesPerConn (equal)')!.comparison.factor!.toFixed(1), '5.2');
  assert.equal(rows.get('steadyRssBytes (equal)')!.where, 'at 40,000 connections, the highest step both held stable');
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

test('the four-backend reference runs give the write-up\'s figures at 20,000 connections', () => {
  const db = openDatabase(referenceDb().db, { readonly: true });
  const at20k = (backend: string) => getSummary(db, listRuns(db, { backend, scenario: 'backends-20k' })[0]!.id).capacity!.steps.find((w) => w.window.targetConnections === 20_000)!;
  const [uws, ws, sioUws, sio] = ['uws', 'ws', 'socketio-uws', 'socketio'].map(at20k);
  db.close();
  for (const w of [uws, ws, sioUws, sio]) assert.equal(w!.verdict, 'stable');
  const kb = (w: typeof uws) => (w!.addedBytesPerConn! / 1000).toFixed(2);
  assert.deepEqual([uws, sioUws, ws, sio].map(kb), ['4.19', '11.20', '41.16', '55.41']);
  const ratio = (a: typeof uws, b: typeof uws) => (a!.addedBytesPerConn! / b!.addedBytesPerConn!).toFixed(1);
  assert.deepEqual([ratio(sio, sioUws), ratio(ws, uws), ratio(sioUws, uws), ratio(sio, ws)], ['4.9', '9.8', '2.7', '1.3']);
  const cpuPer1k = (w: typeof uws) => (w!.cpuPctAvg! / (w!.msgsPerSecReceived! / 1000)).toFixed(2);
  assert.deepEqual([uws, sioUws, ws, sio].map(cpuPer1k), ['1.15', '1.79', '2.04', '3.53']);
});
