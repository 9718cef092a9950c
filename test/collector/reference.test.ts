// The reference runs shipped in data/reference: real exports that import cleanly, once, and
// carry the machine they ran on; and the write-ups cite only runs that ship.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { costInputs, machineBudget, type MachineChoice } from '../../collector/cost.ts';
import { machineInWords } from '../../collector/machines.ts';
import { getSummary, listRuns } from '../../collector/query.ts';
import { importReferenceRuns, referenceFiles, REFERENCE_DIR } from '../../collector/reference.ts';
import { parseExport } from '../../collector/transfer.ts';
import { summarizeSeries } from '../../collector/repeats.ts';
import { openDatabase, type Db } from '../../collector/schema.ts';
import type { RunSummary } from '../../collector/summary.ts';
import { chartBlockProblems, parseChartBlock } from '../../site/src/lib/chart-block.ts';
import { CHART_BLOCK } from '../../site/src/lib/chart-block.ts';
import { checkFigures, FIGURE_DIRECTIVE } from '../../site/src/lib/figure-directives.ts';
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

/** Each reference run's summary, computed once for the file (the 100k run's takes tens of seconds). */
const summaries = new Map<string, RunSummary>();
function summaryOf(db: Db, id: string): RunSummary {
  let s = summaries.get(id);
  if (!s) summaries.set(id, (s = getSummary(db, id)));
  return s;
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
    // A capacity search may end with the server crashing at its last step: that crash is its result.
    assert.ok(run.status === 'completed' || (run.status === 'crashed' && run.scenario === 'capacity'), `${run.id}: ${run.status}`);
    assert.match(run.notes ?? '', /Not a Raspberry Pi result/, `${run.id}: its notes say what it is`);
  }
  db.close();
});

test('the shipped capacity runs are headlined by their capacity, and their comparison matches the write-up', () => {
  const db = openDatabase(referenceDb().db, { readonly: true });
  const capacity = (backend: string) => summaryOf(db, listRuns(db, { backend, scenario: 'capacity' })[0]!.id);
  const [uws, sio] = [capacity('uws'), capacity('socketio')];
  db.close();
  // uWS's search went past 100k and failed at 110k, this machine named as the limit: a capacity, not a bound.
  assert.equal(uws.headline, 'capacity 100k (failed at 110k: p99 2.43 s; host-bound: the machine was the limit)');
  assert.equal(uws.capacityConnections, 100_000);
  assert.equal(uws.capacity!.failed!.window.targetConnections, 110_000);
  assert.equal(uws.capacity!.limitedBy, 'machine');
  assert.equal(uws.capacity!.ceiling, false);
  assert.equal(uws.window.targetConnections, 100_000, 'headline figures are the highest stable step\'s');
  // Socket.IO held 50k and was OOM-killed at 60k, as the seed's was at 40k.
  assert.equal(sio.headline, 'capacity 50k (failed at 60k: OOM-killed)');
  assert.equal(sio.capacity!.failed!.verdict, 'crashed');
  assert.equal(sio.capacity!.limitedBy, null, 'a crash is its own reason, not a CPU limit');
  assert.ok(sio.capacity!.steps.every((w) => w.cpuThrottling !== null && w.cpuThrottling.periods > 0), 'every step has its quota counters');
  assert.equal(sio.window.targetConnections, 50_000, 'headline figures are the stable step\'s, not the failed peak\'s');
  // Measured over every delivery, with the server's CPU wait.
  assert.equal(sio.latencyBasis, 'all');
  assert.ok(sio.serverCpuWaitMs !== null && uws.capacity!.failed!.serverCpuWaitMs! > uws.serverCpuWaitMs!, 'uWS\'s failed step waited longer for a CPU');
  // The write-ups: 2.0x the connections, 5.2x the memory at 50k (the highest step both held), 12.7x per added connection by the slope.
  const rows = new Map(pairRows({ name: 'uWS', summary: uws }, { name: 'Socket.IO', summary: sio }).map((r) => [`${r.key}${r.where ? ' (equal)' : ''}`, r]));
  assert.equal(rows.get('capacityConnections')!.comparison.phrase, 'uWS held 2.0x the connections of Socket.IO');
  assert.equal(rows.get('marginalBytesPerConn')!.comparison.phrase, 'uWS used 12.7x less memory per added connection (slope) than Socket.IO');
  assert.equal(rows.get('bytesPerConn (equal)')!.comparison.factor!.toFixed(1), '5.2');
  assert.equal(rows.get('steadyRssBytes (equal)')!.where, 'at 50,000 connections, the highest step both held stable');
});

test('a missing reference folder imports nothing', () => {
  assert.deepEqual(referenceFiles(path.join(tempDir(), 'none')), []);
});

test('every run or series a shipped write-up cites is shipped in data/reference', () => {
  const shipped = new Set(referenceFiles().map((f) => path.basename(f).replace(/\.json(\.gz)?$/, '')));
  // A series ships as its runs, each export carrying the series' id.
  for (const f of referenceFiles()) {
    const series = parseExport(fs.readFileSync(f), f).run.series_id;
    if (typeof series === 'string') shipped.add(series);
  }
  const dir = path.join('data', 'writeups');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const cited = [
      ...(/^runs: \[(.*)\]$/m.exec(text)?.[1] ?? '').split(','),
      ...[...text.matchAll(CHART_BLOCK)].flatMap((m) => parseChartBlock(m[1]!).runs),
      ...Object.values(writeupParts(path.join(dir, file)).refs),
    ]
      .map((s) => s.trim())
      .filter(Boolean);
    assert.ok(cited.length > 0, `${file} cites runs`);
    for (const id of cited) assert.ok(shipped.has(id), `${file} cites ${id}, which data/reference does not ship`);
  }
});

/**
 * Figures in the shipped write-ups that are not a run's: settings of the scenarios and the pi4
 * profile, the machine, and the seed's own figures (each quoted as the seed's). Anything else
 * with a unit a run measures must come from the database through a {{…}} directive.
 */
const NOT_A_RUN_FIGURE: Record<string, string> = {
  '2.92 GB': 'the seed\'s Pi 4 at 100k',
  '3.41 GB': 'the pi4 profile\'s memory limit',
  '3.70 GB': 'the seed\'s Pi 4 memory',
  '0.29 GB': 'what the seed\'s Pi 4 system kept',
  '100 ms': 'the cgroup\'s CPU period',
  '5x': 'the seed\'s claim',
  '10x': 'the seed\'s claim',
  '85%': 'the saturation threshold of a client shard',
  '100%': '= one core',
  '120%': 'the pi4 quota',
  '99.99%': 'the delivered share a stable window needs (STABLE_DELIVERED_PCT)',
  '1 MB': 'uWS\'s maxBackpressure in the wsbench worker',
  '64 KB': 'loopback\'s segment size, and uWS\'s default maxBackpressure',
  '4 KB': 'a slow reader\'s SO_RCVBUF (SLOW_READER_RCVBUF_BYTES)',
  '16 KB': 'the slow-consumers scenario\'s message size',
  '500 ms': 'the slow-consumers scenario\'s interval',
  '32 KB': 'what 16 KB every 500 ms owes a reader each second',
  '8 KB': 'the slow readers\' read rate (slowReadBytesPerSec)',
  '30%': 'the stalled-for-good scenario\'s slow share',
};
const RUN_FIGURE = /\d[\d,.]*\s?(?:KB|MB|GB|GiB|ms\b|x\b|%)/g;

function writeupParts(file: string): { refs: Record<string, string>; prose: string; body: string } {
  const text = fs.readFileSync(file, 'utf8');
  const [, front, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text)!;
  const refs: Record<string, string> = {};
  const block = /^refs:\n((?:  .*\n?)*)/m.exec(front!)?.[1] ?? '';
  for (const m of block.matchAll(/^\s+(\w+):\s*(\S+)$/gm)) refs[m[1]!] = m[2]!;
  const prose = body!.replace(/```[\s\S]*?```/g, '').replace(/`[^`]*`/g, '').replace(FIGURE_DIRECTIVE, '');
  return { refs, prose, body: body! };
}

test('every figure of a run in the shipped write-ups is bound to the database, and each binding resolves', () => {
  const d = openDatabase(referenceDb().db, { readonly: true });
  const runs = new Map(listRuns(d).map((r) => [r.id, { name: r.backendLabel ?? r.backend, summary: summaryOf(d, r.id), machine: machineInWords(r.machines.server) }]));
  const labels = new Map(listRuns(d).map((r) => [r.backend, r.backendLabel ?? r.backend]));
  const series = new Map([...new Set(listRuns(d).flatMap((r) => (r.seriesId ? [r.seriesId] : [])))].map((id) => [id, summarizeSeries(d, id)]));
  // The cost figures' inputs, as the site's build reads them (loader.ts costBasis).
  const costs = new Map((['pi4', 'measured'] as const).map((name) => {
    const choice: MachineChoice = name === 'measured' ? { kind: 'measured' } : { kind: 'profile', name };
    const machine = machineBudget(d, choice);
    return [name as string, { choice, machine, inputs: costInputs(d, machine) }];
  }));
  d.close();
  const dir = path.join('data', 'writeups');
  let bound = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const { refs, prose, body } = writeupParts(path.join(dir, file));
    const typed = [...prose.matchAll(RUN_FIGURE)].map((m) => m[0]).filter((f) => !Object.hasOwn(NOT_A_RUN_FIGURE, f));
    assert.deepEqual(typed, [], `${file} types figures by hand: bind them with {{value …}}, {{ratio …}} (site/src/lib/figure-directives.ts)`);
    bound += checkFigures(body, { refs, run: (id) => runs.get(id), series: (id) => (series.has(id) ? { summary: series.get(id)!, labelOf: (b) => labels.get(b) ?? b } : undefined), cost: (name) => costs.get(name) });
  }
  assert.ok(bound > 50, `the write-ups bind their figures (${bound} found)`);
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
  const at20k = (backend: string) => summaryOf(db, listRuns(db, { backend, scenario: 'backends-20k' })[0]!.id).capacity!.steps.find((w) => w.window.targetConnections === 20_000)!;
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
