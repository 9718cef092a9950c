// Prints what a 10-hour run costs the site: build time, the size of its timeline file, and how
// long the replay takes to move its cursor (seeks) in Debian's chromium.
// Usage: npm run bench:site -- [--hours 10]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { encodeHistogram, newLatencyHistogram } from '../collector/histogram.ts';
import { Ingestor } from '../collector/ingest.ts';
import type { IngestRecord } from '../collector/records.ts';
import { openDatabase } from '../collector/schema.ts';
import { buildSite, pageJavaScriptBytes, serveSite } from '../site/build.ts';

const { values } = parseArgs({ options: { hours: { type: 'string', default: '10' } } });
const seconds = Math.round(Number(values.hours) * 3600);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-long-'));
const db = openDatabase(path.join(dir, 'long.db'));
const ingestor = new Ingestor(db);
const t0 = Date.UTC(2026, 10, 1);
const h = newLatencyHistogram();
for (let i = 0; i < 50; i++) h.recordValue(2000 + i * 37);
const hist = encodeHistogram(h);
ingestor.ingest({ batch: 'long.run', run: 'long' }, [
  { kind: 'run', name: `synthetic ${values.hours} h soak`, scenario: { name: 'soak' }, backend: { name: 'uws' }, env: { host: 'synthetic' }, startedMs: t0 },
  { kind: 'phase', seq: 0, name: 'hold', startedMs: t0, endedMs: t0 + seconds * 1000, verdict: 'stable' },
], 'x');
const started = performance.now();
for (let s = 1; s <= seconds; s += 1000) {
  const records: IngestRecord[] = [];
  for (let k = s; k < Math.min(seconds + 1, s + 1000); k++) {
    const t = t0 + k * 1000;
    records.push({ kind: 'server', source: 'sampler', t, rssBytes: 800e6 + (k % 600) * 1e5, cpuUserPct: 40 + (k % 7), cpuSysPct: 10, connections: 100_000 });
    records.push({ kind: 'client', source: 'shard-0', t, open: 99_900, opened: 0, failed: 0, closed: 0, received: k % 2 ? 49_950 : 0, expected: k % 2 ? 0 : 49_950, duplicate: 0, outOfOrder: 0, dropped: 0, late: 0, missing: 0, cpuPct: 30, rssBytes: 2e9 });
    records.push({ kind: 'client', source: 'probe', t, open: 100, opened: 0, failed: 0, closed: 0, received: k % 2 ? 50 : 0, expected: k % 2 ? 0 : 50, duplicate: 0, outOfOrder: 0, dropped: 0, late: 0, missing: 0, ...(k % 2 ? { latHistUs: hist } : {}), cpuPct: 3, rssBytes: 7e7 });
  }
  ingestor.ingest({ batch: `long.${s}`, run: 'long' }, records, String(s));
}
db.close();
console.log(`${values.hours} h synthetic run: ${seconds * 3} samples written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const buildStart = performance.now();
const out = await buildSite({ db: path.join(dir, 'long.db'), outDir: path.join(dir, 'dist'), writeupsDir: path.join(dir, 'none'), quiet: true });
console.log(`site build: ${((performance.now() - buildStart) / 1000).toFixed(1)} s; timeline file ${(fs.statSync(path.join(out, 'data/runs/long.json')).size / 1024).toFixed(0)} KB`);

const server = await serveSite(out, 0);
const port = (server.address() as import('node:net').AddressInfo).port;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'] });
const page = await browser.newPage();
const loadStart = performance.now();
await page.goto(`http://127.0.0.1:${port}/runs/long/replay/`);
await page.waitForSelector('wsb-replay[data-ready]');
console.log(`replay ready in ${(performance.now() - loadStart).toFixed(0)} ms`);
const perSeekMs = await page.evaluate(async (end) => {
  const scrub = document.querySelector<HTMLInputElement>('[data-role=scrub]')!;
  const startedAt = performance.now();
  for (let i = 0; i < 200; i++) {
    scrub.value = String(Math.floor((end * i) / 200));
    scrub.dispatchEvent(new Event('input'));
    await new Promise((r) => requestAnimationFrame(r));
  }
  return (performance.now() - startedAt) / 200;
}, seconds);
console.log(`replay: ${perSeekMs.toFixed(1)} ms per cursor move and frame, 200 moves across the run (16.7 ms = 60 fps)`);
// A run report's charts, from navigation to the last chart drawn (goal: under 1 s).
const reportStart = performance.now();
await page.goto(`http://127.0.0.1:${port}/runs/long/`);
await page.waitForFunction(() => document.querySelectorAll('wsb-chart').length > 0 && document.querySelectorAll('wsb-chart:not([data-ready])').length === 0);
console.log(`run report: ${await page.locator('wsb-chart').count()} charts drawn in ${(performance.now() - reportStart).toFixed(0)} ms`);
// What each kind of page ships: its JavaScript, imports followed, gzipped (budget 100 KB).
for (const html of ['index.html', 'runs/long/index.html', 'runs/long/replay/index.html', 'compare/index.html', 'capacity/index.html']) {
  console.log(`page weight ${html.padEnd(28)} ${(pageJavaScriptBytes(out, html) / 1024).toFixed(1)} KB of gzipped JavaScript`);
}
await browser.close();
server.close();
fs.rmSync(dir, { recursive: true, force: true });
