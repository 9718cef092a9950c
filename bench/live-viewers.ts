// Prints what live pages cost the runner that serves them. A real run (`wsbench run --live`)
// holds while this script alternates windows with no page open and with N pages open (each a
// fresh event stream that loads the run so far, then follows it), and reads the runner process's
// own CPU time in each: the difference is what the pages cost, measured side by side in one run
// so the machine's drift falls on both. Then, on a synthetic run of many hours, what one update
// and a page's first load cost (the slices read seconds by time index, not the whole run).
// Usage: npm run bench:live -- [--viewers 10] [--cycles 4] [--window 10] [--connections 2000] [--hours 4]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Ingestor } from '../collector/ingest.ts';
import type { IngestRecord } from '../collector/records.ts';
import { openDatabase } from '../collector/schema.ts';
import { recordedLook } from '../site/live/catalogs.ts';
import { LiveRun, NOTHING_YET } from '../site/live/feed.ts';

const { values } = parseArgs({ options: { viewers: { type: 'string', default: '10' }, cycles: { type: 'string', default: '4' }, window: { type: 'string', default: '10' }, connections: { type: 'string', default: '2000' }, hours: { type: 'string', default: '4' } } });
const viewers = Number(values.viewers);
const cycles = Number(values.cycles);
const windowS = Number(values.window);
const ticksPerSecond = 100; // USER_HZ on Linux
const cores = os.cpus().length;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-live-bench-'));

/** The process's own CPU time (user + system, not its children's), in seconds. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** N pages' event streams: each reads everything it is sent, as a browser would. */
function openPages(url: string, n: number): { bytes: () => number; close: () => void } {
  let bytes = 0;
  const requests = Array.from({ length: n }, () =>
    http.get(url, (res) => res.on('data', (d: Buffer) => (bytes += d.length))).on('error', () => undefined),
  );
  return { bytes: () => bytes, close: () => requests.forEach((r) => r.destroy()) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measureRunner(): Promise<void> {
  const holdS = cycles * 2 * windowS + 20;
  const runner = spawn(process.execPath, ['bin/wsbench.js', 'run', '--backend', 'uws', '--scenario', 'quick', '--connections', values.connections!, '--hold', String(holdS), '--live', '--live-port', '0', '--db', path.join(dir, 'runs.db')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  runner.stderr.on('data', (d) => (stderr += d));
  const stop = () => runner.kill('SIGINT');
  process.once('exit', stop);
  try {
    const deadline = Date.now() + 120_000;
    let page: string | undefined;
    while (!(page = /live: (http:\/\/127\.0\.0\.1:\d+\/runs\/[^/\s]+\/)/.exec(stderr)?.[1]) || !/\bhold \d+\/\d+s/.test(stderr)) {
      if (Date.now() > deadline || runner.exitCode !== null) throw new Error(`the run did not reach its hold:\n${stderr.slice(-1500)}`);
      await sleep(250);
    }
    const stream = `${page}stream`;
    const rows: { cycle: number; without: number; with: number; bytes: number }[] = [];
    for (let c = 0; c < cycles; c++) {
      let t = cpuSeconds(runner.pid!);
      await sleep(windowS * 1000);
      const without = (cpuSeconds(runner.pid!) - t) / windowS;
      const pages = openPages(stream, viewers);
      t = cpuSeconds(runner.pid!);
      await sleep(windowS * 1000);
      const withPages = (cpuSeconds(runner.pid!) - t) / windowS;
      pages.close();
      rows.push({ cycle: c + 1, without, with: withPages, bytes: pages.bytes() });
      console.log(`cycle ${c + 1}: runner ${(without * 100).toFixed(1)}% of a core with no page, ${(withPages * 100).toFixed(1)}% with ${viewers} pages (${(pages.bytes() / viewers / 1024).toFixed(0)} KB sent to each)`);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const diffs = rows.map((r) => r.with - r.without).sort((a, b) => a - b);
    console.log(`\n${viewers} live pages on a ${values.connections}-connection run, ${cycles} cycles of ${windowS} s each way (runner process only, ${cores} cores):`);
    console.log(`  runner CPU without pages: ${(mean(rows.map((r) => r.without)) * 100).toFixed(1)}% of a core; with ${viewers} pages: ${(mean(rows.map((r) => r.with)) * 100).toFixed(1)}%`);
    console.log(`  what the pages cost: ${(mean(diffs) * 100).toFixed(1)}% of a core on average (cycles from ${(diffs[0]! * 100).toFixed(1)}% to ${(diffs[diffs.length - 1]! * 100).toFixed(1)}%), each page's first load included`);
  } finally {
    stop();
    await new Promise((r) => runner.exitCode !== null ? r(null) : runner.once('exit', r));
  }
}

/** A synthetic run of `hours` (one server and one client sample a second), read as the live page reads it. */
function measureLongRun(): void {
  const seconds = Math.round(Number(values.hours) * 3600);
  const db = openDatabase(path.join(dir, 'long.db'));
  const ingestor = new Ingestor(db);
  const t0 = Date.UTC(2026, 10, 1);
  ingestor.ingest({ batch: 'run', run: 'long' }, [
    { kind: 'run', name: 'synthetic soak', scenario: { name: 'soak', intervalMs: 2000 }, backend: { name: 'uws' }, env: { host: 'synthetic' }, startedMs: t0, status: 'running' },
    { kind: 'phase', seq: 0, name: 'hold', startedMs: t0 },
  ] as IngestRecord[], 'run');
  for (let s = 1; s <= seconds; s += 1000) {
    const records: IngestRecord[] = [];
    for (let k = s; k < Math.min(seconds + 1, s + 1000); k++) {
      const t = t0 + k * 1000;
      records.push({ kind: 'server', source: 'sampler', t, rssBytes: 800e6 + (k % 600) * 1e5, cpuUserPct: 40, cpuSysPct: 10, connections: 100_000 });
      records.push({ kind: 'client', source: 'shard-0', t, open: 100_000, opened: 0, failed: 0, closed: 0, received: k % 2 ? 50_000 : 0, expected: k % 2 ? 0 : 50_000, duplicate: 0, outOfOrder: 0, dropped: 0, late: 0, missing: 0, cpuPct: 30, rssBytes: 2e9 });
    }
    ingestor.ingest({ batch: `s${s}`, run: 'long' }, records, String(s));
  }
  const feed = new LiveRun('long', () => db, recordedLook);
  let started = performance.now();
  const settled = feed.settled();
  let at = NOTHING_YET;
  let chunks = 0;
  let bytes = 0;
  while (at.second < settled.second) {
    const d = feed.slice(at, settled, 900);
    bytes += JSON.stringify(d).length;
    at = d.cursor;
    chunks++;
  }
  const firstLoad = performance.now() - started;
  started = performance.now();
  const updates = 20;
  for (let i = 0; i < updates; i++) feed.slice({ second: settled.second - 1, tick: settled.tick - 2 }, feed.settled(), 900);
  const perUpdate = (performance.now() - started) / updates;
  started = performance.now();
  feed.figuresNow(undefined, true);
  const figures = performance.now() - started;
  console.log(`\na page on a ${values.hours} h run (${seconds.toLocaleString('en-US')} s of samples): first load ${firstLoad.toFixed(0)} ms in ${chunks} chunks (${(bytes / 1e6).toFixed(1)} MB of JSON); each second's update ${perUpdate.toFixed(1)} ms; the report's figures ${figures.toFixed(0)} ms, so worked out every ${Math.max(5, (figures * 50) / 1000).toFixed(0)} s`);
  db.close();
}

await measureRunner();
measureLongRun();
fs.rmSync(dir, { recursive: true, force: true });
