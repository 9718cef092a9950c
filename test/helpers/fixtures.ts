// Records and databases for tests: a small, fully specified run whose figures are known.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeHistogram, newLatencyHistogram } from '../../collector/histogram.ts';
import type { ClientSample, IngestRecord, RunRecord, ServerSample } from '../../collector/records.ts';
import type { Db } from '../../collector/schema.ts';

export function tempDir(prefix = 'wsbench-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const T0 = Date.UTC(2026, 10, 28, 9, 0, 0);

export function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    kind: 'run',
    name: 'fixture run',
    scenario: { name: 'quick', connections: 1000, intervalMs: 2000, holdSec: 10 },
    backend: { name: 'uws', version: '20.57.0', build: 'test' },
    env: { host: 'test-host', cpuModel: 'Test CPU', cores: 2, memTotalBytes: 24e9, os: 'Debian 12', kernel: '6.1', node: 'v20', limits: { nofile: 20000 } },
    startedMs: T0,
    ...overrides,
  };
}

export function serverSample(t: number, overrides: Partial<ServerSample> = {}): ServerSample {
  return {
    kind: 'server',
    source: 'sampler',
    t,
    rssBytes: 100_000_000,
    cpuUserPct: 20,
    cpuSysPct: 5,
    memAvailableBytes: 20e9,
    connections: 1000,
    backpressureBytes: 0,
    procs: [
      { pid: 101, role: 'worker', rssBytes: 60_000_000, cpuUserPct: 12, cpuSysPct: 3 },
      { pid: 102, role: 'worker', rssBytes: 40_000_000, cpuUserPct: 8, cpuSysPct: 2 },
    ],
    ...overrides,
  };
}

/** A client sample whose latency histogram holds `latenciesMs`. */
export function clientSample(t: number, source: string, latenciesMs: number[] = [], overrides: Partial<ClientSample> = {}): ClientSample {
  const h = newLatencyHistogram();
  for (const ms of latenciesMs) h.recordValue(Math.round(ms * 1000));
  return {
    kind: 'client',
    source,
    t,
    open: 500,
    opened: 0,
    failed: 0,
    closed: 0,
    received: 250,
    expected: 250,
    duplicate: 0,
    outOfOrder: 0,
    dropped: 0,
    late: 0,
    missing: 0,
    ...(latenciesMs.length ? { latHistUs: encodeHistogram(h) } : {}),
    cpuPct: 10,
    rssBytes: 30_000_000,
    loopDelayP99Ms: 2,
    ...overrides,
  };
}

/** Every row of every table, for "nothing changed" assertions. */
export function snapshot(db: Db): string {
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
  return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t}`).all()]));
}

export function ndjson(header: unknown, records: unknown[]): string {
  return [header, ...records].map((r) => JSON.stringify(r)).join('\n') + '\n';
}

export type { IngestRecord };

/** A Raspberry Pi 4 as a --target's probe and clock measurement record it (env.target). */
export const PI_TARGET = {
  host: 'pi.local', node: 'v20.19.2', nodeAbi: '115', arch: 'arm64', machine: 'aarch64', glibc: '2.41', cores: 4, cpuModel: 'Cortex-A72',
  model: 'Raspberry Pi 4 Model B Rev 1.5', memTotalBytes: 8 * 1024 ** 3, os: 'Debian GNU/Linux 13 (trixie)', kernel: '6.12.34+rpt-rpi-v8',
  throttled: '0x0', role: 'server', clock: { offsetMs: 3.21, uncertaintyMs: 0.42, rounds: 16 },
};
