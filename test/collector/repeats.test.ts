// A series read back (collector/repeats.ts, `wsbench show SERIES`): each backend's figures with
// their spread over its runs, pairs compared round by round, and a difference inside the noise
// said as none. Runs built from fixed records whose figures are known.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Ingestor } from '../../collector/ingest.ts';
import { listRuns } from '../../collector/query.ts';
import { summarizeSeries } from '../../collector/repeats.ts';
import { exportRun, importRun, parseExport, serializeExport } from '../../collector/transfer.ts';
import type { IngestRecord } from '../../collector/records.ts';
import { openDatabase, type Db } from '../../collector/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { clientSample, runRecord, serverSample, T0, tempDir } from '../helpers/fixtures.ts';

const SERIES = 'series-fixture';

/** A run of `backend` whose hold holds 1,000 connections at `rssBytes`, in series place `seq` of `of`. */
function run(backend: string, seq: number, of: number, rssBytes: number, series = SERIES): IngestRecord[] {
  const start = T0 + seq * 60_000;
  const records: IngestRecord[] = [
    runRecord({ name: `${backend} ${seq}`, backend: { name: backend }, startedMs: start, series: { id: series, seq, of } }),
    { kind: 'phase', seq: 0, name: 'hold', targetConnections: 1000, startedMs: start, endedMs: start + 10_000, verdict: 'stable' },
  ];
  for (let s = 0; s <= 10; s++) {
    records.push(serverSample(start + s * 1000, { rssBytes }));
    records.push(clientSample(start + s * 1000, 'shard-0', [5]));
  }
  records.push({ kind: 'run-update', status: 'completed', verdict: 'stable', endedMs: start + 11_000 });
  return records;
}

function seriesDb(file: string, memory: { uws: number[]; socketio: number[] }): Db {
  const db = openDatabase(file);
  const ingestor = new Ingestor(db);
  const of = memory.uws.length * 2;
  memory.uws.forEach((uws, round) => {
    ingestor.ingest({ batch: `u${round}`, run: `u${round}` }, run('uws', round * 2, of, uws), `u${round}`);
    ingestor.ingest({ batch: `s${round}`, run: `s${round}` }, run('socketio', round * 2 + 1, of, memory.socketio[round]!), `s${round}`);
  });
  return db;
}

test('each backend\'s figures over its runs, and a pair compared round by round with its range', () => {
  const db = seriesDb(':memory:', { uws: [100e6, 110e6, 105e6], socketio: [1000e6, 1320e6, 1150e6] });
  try {
    assert.deepEqual(listRuns(db, { series: SERIES }).map((r) => [r.backend, r.seriesSeq]), [['uws', 0], ['socketio', 1], ['uws', 2], ['socketio', 3], ['uws', 4], ['socketio', 5]]);
    const s = summarizeSeries(db, SERIES);
    assert.deepEqual(s.backends, ['uws', 'socketio']);
    const rss = s.figures.uws!.steadyRssBytes!;
    assert.deepEqual([rss.n, rss.median, rss.min, rss.max], [3, 105e6, 100e6, 110e6]);
    const memory = s.ratios.find((r) => r.key === 'steadyRssBytes')!;
    assert.equal(memory.spread.median, 105e6 / 1150e6);
    // Each round's own ratio: 10x, 12x, 11x (larger over smaller).
    // With three pairs the median's interval is the range: said once.
    assert.equal(memory.phrase, 'uws used 11.0x less memory than socketio (10.0–12.0x over 3 pairs)');
  } finally {
    db.close();
  }
});

test('a ratio whose interval reaches into the even band says there is no clear difference', () => {
  const db = seriesDb(':memory:', { uws: [100e6, 104e6, 98e6, 101e6], socketio: [101e6, 99e6, 103e6, 100e6] });
  try {
    const memory = summarizeSeries(db, SERIES).ratios.find((r) => r.key === 'steadyRssBytes')!;
    assert.match(memory.phrase, /^no clear difference in memory between uws and socketio: 1\.0x apart, within the noise/);
  } finally {
    db.close();
  }
});

test('wsbench show SERIES prints the spread and the comparison; --json gives them all; an unknown series is named', async () => {
  const file = path.join(tempDir(), 'series.db');
  seriesDb(file, { uws: [100e6, 110e6, 105e6], socketio: [1000e6, 1320e6, 1150e6] }).close();
  const text = await runCli(['show', SERIES, '--db', file]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^series series-fixture: quick, 6 runs of uws, socketio in this order/);
  assert.match(text.stdout, /Server memory \(RSS\) +105\.0 MB \(100\.0–110\.0 MB; 95% [\d.]+–[\d.]+ MB\) +1\.15 GB/);
  assert.match(text.stdout, /- uws used 11\.0x less memory than socketio/);
  const json = JSON.parse((await runCli(['show', SERIES, '--db', file, '--json'])).stdout);
  assert.equal(json.figures.socketio.steadyRssBytes.median, 1150e6);
  assert.equal(json.runs.length, 6);
  const unknown = await runCli(['show', 'no-such-series', '--db', file]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no-such-series/);
});

test('wsbench list names each run\'s series and place, and lists one series in the order it ran', async () => {
  const file = path.join(tempDir(), 'series.db');
  seriesDb(file, { uws: [100e6, 110e6], socketio: [1000e6, 1320e6] }).close();
  const all = await runCli(['list', '--db', file]);
  assert.match(all.stdout, /SERIES/);
  assert.match(all.stdout, /series-fixture #4 +socketio 3/);
  const one = await runCli(['list', '--db', file, '--series', SERIES, '--json']);
  assert.deepEqual(JSON.parse(one.stdout).map((r: { seriesSeq: number }) => r.seriesSeq), [0, 1, 2, 3]);
});

test('a run exported and imported elsewhere keeps its series and place', () => {
  const a = seriesDb(':memory:', { uws: [100e6, 110e6], socketio: [1000e6, 1320e6] });
  const b = openDatabase(':memory:');
  try {
    for (const run of listRuns(a, { series: SERIES })) importRun(b, parseExport(serializeExport(exportRun(a, run.id), true), run.id));
    assert.deepEqual(listRuns(b, { series: SERIES }).map((r) => [r.backend, r.seriesSeq]), [['uws', 0], ['socketio', 1], ['uws', 2], ['socketio', 3]]);
    assert.equal(summarizeSeries(b, SERIES).figures.socketio!.steadyRssBytes!.median, 1160e6);
  } finally {
    a.close();
    b.close();
  }
});
