// What runs cost to keep and to publish: each export's bytes per run-minute per 1,000
// connections, the budgets of issue 24 (a 10-minute 100k export ≤ 3 MB, data/reference ≤ 15 MB,
// the built site ≤ 20 MB), and how far each second's every-delivery percentiles move when an
// export keeps its histograms per second at 2 digits (collector/compact.ts) instead of per shard
// at 3: an export written before (format 1) holds both, so it is measured against itself.
// Usage: npm run bench:storage -- [FILE.json.gz ...] [--site DIR | --no-site]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compactClientHistograms } from '../collector/compact.ts';
import { percentilesOfEncoded } from '../collector/histogram.ts';
import { referenceFiles, REFERENCE_DIR } from '../collector/reference.ts';
import { openDatabase } from '../collector/schema.ts';
import { exportRun, importRun, parseExport, serializeExport, type RunExport } from '../collector/transfer.ts';

const { values, positionals } = parseArgs({ options: { site: { type: 'string' }, 'no-site': { type: 'boolean' } }, allowPositionals: true });
const files = positionals.length ? positionals : referenceFiles(REFERENCE_DIR);
const MB = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const BUDGET = { hundredKTenMinutes: 3e6, reference: 15e6, site: 20e6 };

/** Each second's percentiles of a client_samples dump's histograms, shards and probes merged (what the charts plot). */
function perSecond(dump: RunExport['tables'][string], column: 'lat_hist_us' | 'jit_hist_us'): Map<number, ReturnType<typeof percentilesOfEncoded>> {
  const [t, c] = [dump.columns.indexOf('t_ms'), dump.columns.indexOf(column)];
  const seconds = new Map<number, string[]>();
  if (c < 0) return new Map();
  for (const row of dump.rows) {
    if (typeof row[c] !== 'string' || !row[c]) continue;
    const s = Math.floor(Number(row[t]) / 1000);
    seconds.set(s, [...(seconds.get(s) ?? []), row[c] as string]);
  }
  return new Map([...seconds].map(([s, hs]) => [s, percentilesOfEncoded(hs)]));
}

/** The largest relative move of any second's p50, p90, p99, p99.9 or max (values under 1 ms compared to 1 ms). */
function worstMove(before: Map<number, ReturnType<typeof percentilesOfEncoded>>, after: Map<number, ReturnType<typeof percentilesOfEncoded>>): number {
  let worst = 0;
  for (const [s, a] of before) {
    const b = after.get(s);
    if (!b) return Infinity;
    for (const p of ['p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs'] as const) {
      if (a[p] === null) continue;
      worst = Math.max(worst, Math.abs(b[p]! - a[p]!) / Math.max(1, a[p]!));
    }
  }
  return worst;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-storage-'));
const db = openDatabase(path.join(tmp, 'runs.db'));
let total = 0;
let worstPct = 0;
console.log(`${'export'.padEnd(52)}  format  bytes now   compacted   minutes  peak conns  bytes/min/1k conns  worst per-second move`);
for (const file of files) {
  const data = parseExport(fs.readFileSync(file), file);
  importRun(db, data, { replace: true });
  const compacted = serializeExport(exportRun(db, data.run.id as string), true);
  const startedMs = Number(data.run.started_ms);
  const endedMs = Number(data.run.ended_ms ?? startedMs);
  const minutes = (endedMs - startedMs) / 60_000;
  const cs = data.tables.client_samples!;
  const open = cs.columns.indexOf('open');
  const t = cs.columns.indexOf('t_ms');
  const bySecond = new Map<number, number>();
  for (const row of cs.rows) bySecond.set(Math.floor(Number(row[t]) / 1000), (bySecond.get(Math.floor(Number(row[t]) / 1000)) ?? 0) + Number(row[open] ?? 0));
  const peak = Math.max(0, ...bySecond.values());
  const compactDump = compactClientHistograms(cs);
  const move = Math.max(worstMove(perSecond(cs, 'lat_hist_us'), perSecond(compactDump, 'lat_hist_us')), worstMove(perSecond(cs, 'jit_hist_us'), perSecond(compactDump, 'jit_hist_us')));
  worstPct = Math.max(worstPct, move * 100);
  total += compacted.length;
  const perMinutePer1k = compacted.length / Math.max(minutes, 1 / 60) / Math.max(peak / 1000, 0.001);
  console.log(`${path.basename(file).padEnd(52)} ${String(data.formatVersion).padStart(6)}  ${MB(fs.statSync(file).size).padStart(9)}  ${MB(compacted.length).padStart(10)}  ${minutes.toFixed(1).padStart(7)}  ${peak.toLocaleString('en-US').padStart(10)}  ${Math.round(perMinutePer1k).toLocaleString('en-US').padStart(18)}  ${(move * 100).toFixed(2).padStart(20)}%`);
  if (data.run.scenario === 'seed-100k') {
    console.log(`  10-minute 100k export (seed-100k: ${minutes.toFixed(1)} min in all): ${MB(compacted.length)}, budget ${MB(BUDGET.hundredKTenMinutes)}: ${compacted.length <= BUDGET.hundredKTenMinutes ? 'within' : 'OVER'}`);
  }
}
db.close();
console.log(`\nexports compacted, in all: ${MB(total)} for ${files.length} runs; budget for data/reference ${MB(BUDGET.reference)}: ${total <= BUDGET.reference ? 'within' : 'OVER'}`);
if (!positionals.length) {
  const onDisk = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log(`data/reference on disk now: ${MB(onDisk)}: ${onDisk <= BUDGET.reference ? 'within' : 'OVER'}`);
}
console.log(`every-delivery percentiles per second (latency and jitter, p50 to max): the worst second moved ${worstPct.toFixed(2)}% (budget 1%): ${worstPct <= 1 ? 'within' : 'OVER'}`);

if (!values['no-site']) {
  let dir = values.site;
  if (!dir) {
    dir = path.join(tmp, 'site');
    console.log(`\nbuilding the site from ${files.length} runs into ${dir} …`);
    const dbFile = path.join(tmp, 'site.db');
    const cli = path.resolve('bin/wsbench.js');
    const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'inherit'] }).status;
    if (run(['import', ...files, '--db', dbFile]) !== 0 || run(['site', 'build', '--db', dbFile, '--out', dir, '--no-reference']) !== 0) {
      console.error('bench:storage: the site did not build');
      process.exit(1);
    }
  }
  const sizeOf = (d: string): number => fs.readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? sizeOf(path.join(d, e.name)) : fs.statSync(path.join(d, e.name)).size), 0);
  const site = sizeOf(dir);
  const downloads = fs.existsSync(path.join(dir, 'data')) ? sizeOf(path.join(dir, 'data')) : 0;
  console.log(`built site: ${MB(site)} (run downloads ${MB(downloads)}), budget ${MB(BUDGET.site)}: ${site <= BUDGET.site ? 'within' : 'OVER'}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
