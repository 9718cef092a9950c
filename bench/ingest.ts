// Prints how fast the collector ingests samples (directly and over HTTP, side by side in one run)
// and what the sample stream of a 10k-connection run costs in CPU, on both ends.
// Usage: npm run bench:ingest [-- --samples 200000 --seconds 10]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeHistogram, newLatencyHistogram } from '../collector/histogram.ts';
import { Ingestor, digestOf } from '../collector/ingest.ts';
import { encodeBatch } from '../collector/ndjson.ts';
import type { ClientSample, IngestRecord, RunRecord } from '../collector/records.ts';
import { openDatabase } from '../collector/schema.ts';
import { BatchSender, HttpTransport } from '../collector/sender.ts';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '200000' }, seconds: { type: 'string', default: '10' } } });
const total = Number(values.samples);
const streamSeconds = Number(values.seconds);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-bench-'));
const t0 = Date.now();

const histogram = (() => {
  const h = newLatencyHistogram();
  for (let i = 0; i < 500; i++) h.recordValue(300 + ((i * 7919) % 4000));
  return encodeHistogram(h);
})();

const run = (id: string): RunRecord => ({
  kind: 'run', name: id, scenario: { name: 'bench' }, backend: { name: 'uws' }, env: { host: os.hostname() }, startedMs: t0,
});

/** A realistic client-shard sample: every counter, percentiles and a latency histogram. */
const sample = (i: number, shards: number): ClientSample => ({
  kind: 'client', source: `shard-${i % shards}`, t: t0 + Math.floor(i / shards) * 1000,
  open: 5000, opened: 0, failed: 0, closed: 0, hsP50Ms: 2.1, hsP99Ms: 9.8, hsMaxMs: 20,
  received: 2500, expected: 2500, duplicate: 0, outOfOrder: 0, dropped: 0, late: 0, missing: 0,
  latP50Ms: 1.2, latP90Ms: 2.5, latP99Ms: 4.1, latMaxMs: 7, latHistUs: histogram, spreadMaxMs: 3.3,
  cpuPct: 12.5, rssBytes: 120_000_000, loopDelayP99Ms: 1.1,
});

function cpuSecondsOfPid(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ: 100 clock ticks per second on Linux
}

async function startCollector(db: string): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['bin/wsbench.js', 'collector', '--db', db, '--port', '0', '--max-rate', '100000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

// 1. Directly: parse-free, one transaction per 5000-record batch, as an embedded collector does.
{
  const db = openDatabase(path.join(dir, 'direct.db'));
  const ingestor = new Ingestor(db);
  const header = { batch: 'direct.run', run: 'direct' };
  ingestor.ingest(header, [run('direct')], 'x');
  const started = process.hrtime.bigint();
  for (let b = 0; b * 5000 < total; b++) {
    const records: IngestRecord[] = [];
    for (let i = b * 5000; i < Math.min(total, (b + 1) * 5000); i++) records.push(sample(i, 20));
    ingestor.ingest({ batch: `direct.${b}`, run: 'direct' }, records, String(b));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`direct:   ${total} client samples in ${seconds.toFixed(2)} s = ${Math.round(total / seconds).toLocaleString('en-US')} samples/s`);
  db.close();
}

// 1a. Directly, server samples (narrower rows, three processes each).
{
  const db = openDatabase(path.join(dir, 'direct-server.db'));
  const ingestor = new Ingestor(db);
  ingestor.ingest({ batch: 'ds.run', run: 'ds' }, [run('ds')], 'x');
  const started = process.hrtime.bigint();
  for (let b = 0; b * 5000 < total; b++) {
    const records: IngestRecord[] = [];
    for (let i = b * 5000; i < Math.min(total, (b + 1) * 5000); i++) {
      records.push({ kind: 'server', source: `host-${i % 4}`, t: t0 + Math.floor(i / 4) * 1000, rssBytes: 70e6, cpuUserPct: 8, cpuSysPct: 3, memAvailableBytes: 2e10, connections: 10_000, backpressureBytes: 0, published: i });
    }
    ingestor.ingest({ batch: `ds.${b}`, run: 'ds' }, records, String(b));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`direct:   ${total} server samples in ${seconds.toFixed(2)} s = ${Math.round(total / seconds).toLocaleString('en-US')} samples/s (no per-process rows)`);
  db.close();
}

// 1b. Embedded path with NDJSON encode + parse + validation (what LocalTransport does).
{
  const db = openDatabase(path.join(dir, 'embedded.db'));
  const ingestor = new Ingestor(db);
  ingestor.ingest({ batch: 'emb.run', run: 'emb' }, [run('emb')], 'x');
  const { parseBatch } = await import('../collector/ndjson.ts');
  const started = process.hrtime.bigint();
  for (let b = 0; b * 5000 < total; b++) {
    const records: IngestRecord[] = [];
    for (let i = b * 5000; i < Math.min(total, (b + 1) * 5000); i++) records.push(sample(i, 20));
    const body = encodeBatch({ batch: `emb.${b}`, run: 'emb' }, records);
    const batch = parseBatch(body);
    ingestor.ingest(batch.header, batch.records, digestOf(body));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`embedded: ${total} samples in ${seconds.toFixed(2)} s = ${Math.round(total / seconds).toLocaleString('en-US')} samples/s (encode + parse + validate + write)`);
  db.close();
}

// 2. Over HTTP to a collector in its own process, through the real sender.
{
  const collector = await startCollector(path.join(dir, 'http.db'));
  const sender = new BatchSender({ transport: new HttpTransport(collector.url), run: 'http', flushIntervalMs: 50, maxBatchRecords: 5000 });
  sender.push(run('http'));
  await sender.flush();
  const started = process.hrtime.bigint();
  for (let i = 0; i < total; i++) {
    sender.push(sample(i, 20));
    if (i % 5000 === 4999) await new Promise((r) => setImmediate(r));
  }
  const stats = await sender.close(120_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`http:     ${stats.ackedRecords - 1} samples in ${seconds.toFixed(2)} s = ${Math.round((stats.ackedRecords - 1) / seconds).toLocaleString('en-US')} samples/s (${stats.ackedBatches - 1} batches, ${stats.retries} retries)`);
  collector.stop();
}

// 3. The stream of a 10k-connection run at its real pace: per second one server sample (3
// processes), two 5k-connection shards and a probe, half a tick; CPU of sender and collector.
{
  const collector = await startCollector(path.join(dir, 'stream.db'));
  const sender = new BatchSender({ transport: new HttpTransport(collector.url), run: 'stream', flushIntervalMs: 1000 });
  sender.push(run('stream'));
  await sender.flush();
  const collectorCpu0 = cpuSecondsOfPid(collector.pid);
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  for (let s = 1; s <= streamSeconds; s++) {
    const t = t0 + s * 1000;
    sender.push({ kind: 'server', source: 'sampler', t, rssBytes: 70e6, cpuUserPct: 8, cpuSysPct: 3, memAvailableBytes: 2e10, connections: 10_000, backpressureBytes: 0, published: s,
      procs: [0, 1, 2].map((p) => ({ pid: 100 + p, role: 'worker', rssBytes: 23e6, cpuUserPct: 3, cpuSysPct: 1 })) });
    for (const source of ['shard-0', 'shard-1', 'probe']) sender.push({ ...sample(0, 1), source, t });
    if (s % 2 === 0) sender.push({ kind: 'tick', source: 'probe', n: s / 2, scheduledMs: t, receivers: 100, expectedReceivers: 100, firstMs: t + 1, lastMs: t + 4, spreadMs: 3 });
    await new Promise((r) => setTimeout(r, 1000));
  }
  await sender.close();
  const wall = Number(process.hrtime.bigint() - wall0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const senderPct = ((cpu.user + cpu.system) / 1e6 / wall) * 100;
  const collectorPct = ((cpuSecondsOfPid(collector.pid) - collectorCpu0) / wall) * 100;
  console.log(`stream of a 10k-connection run over ${wall.toFixed(1)} s: sender ${senderPct.toFixed(2)}% of a core (process total, incl. its idle event loop), collector ${collectorPct.toFixed(2)}% of a core`);
  collector.stop();
}
fs.rmSync(dir, { recursive: true, force: true });
