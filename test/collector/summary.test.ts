// Headline figures from fixed timelines stored through the real ingestion path: idle memory and
// memory per added connection, a capacity search's headline (capacity found, first step failing,
// never failing), and deliveries per tick.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestOf, Ingestor } from '../../collector/ingest.ts';
import { encodeBatch } from '../../collector/ndjson.ts';
import { aboveIdleNote } from '../../collector/added-memory.ts';
import { getSummary, getTimeline } from '../../collector/query.ts';
import type { IngestRecord } from '../../collector/records.ts';
import { openDatabase, type Db } from '../../collector/schema.ts';
import { tickSeries } from '../../collector/series.ts';
import { clientSample, runRecord, serverSample, T0 } from '../helpers/fixtures.ts';

function store(records: IngestRecord[], run = 'r'): Db {
  const db = openDatabase(':memory:');
  const header = { batch: `${run}.0`, run };
  new Ingestor(db).ingest(header, records, digestOf(encodeBatch(header, records)));
  return db;
}

const MB = 1_000_000;
/** A server sample whose anonymous memory is RSS minus 50 MB of code and libraries. */
const server = (t: number, rssBytes: number, pssBytes: number, connections: number) => {
  const anonBytes = rssBytes - 50 * MB;
  return serverSample(t, { rssBytes, pssBytes, anonBytes, connections, procs: [{ pid: 1, role: 'worker', rssBytes, pssBytes, anonBytes, cpuUserPct: 20, cpuSysPct: 5 }] });
};

test('idle memory is the server with no client; per added connection = (steady − idle) anonymous memory / connections', () => {
  const records: IngestRecord[] = [runRecord(), { kind: 'phase', seq: 0, name: 'idle', startedMs: T0, endedMs: T0 + 3000 }];
  // Idle: 100, 101, 99 MB RSS (median 100), PSS 60 MB.
  [100, 101, 99].forEach((mb, i) => records.push(server(T0 + i * 1000, mb * MB, 60 * MB, 0)));
  records.push({ kind: 'phase', seq: 1, name: 'hold', startedMs: T0 + 5000, endedMs: T0 + 8000 });
  // Held: 1,000 connections at 140 MB RSS, 90 MB PSS; 10 MB of code mapped in on first use
  // (RSS and not anonymous), 30 MB of heap.
  for (let s = 4; s <= 8; s++) {
    records.push(serverSample(T0 + s * 1000, { rssBytes: 140 * MB, pssBytes: 90 * MB, anonBytes: 80 * MB, connections: 1000 }));
    records.push(clientSample(T0 + s * 1000, 'shard-0', [], { open: 1000 }));
  }
  records.push({ kind: 'run-update', status: 'completed', verdict: 'stable', endedMs: T0 + 9000 });
  const db = store(records);
  const s = getSummary(db, 'r');
  assert.deepEqual(s.idle, { fromMs: T0, toMs: T0 + 3000, connections: 0, rssBytes: 100 * MB, pssBytes: 60 * MB, anonBytes: 50 * MB, samples: 3 });
  assert.equal(s.steadyRssBytes, 140 * MB);
  assert.equal(s.steadyAnonBytes, 80 * MB);
  assert.equal(s.connections, 1000);
  assert.equal(s.addedBytesPerConn, 30_000, 'the heap a connection adds');
  assert.equal(s.addedBasis, 'idle', 'without a base hold, read above idle');
  assert.equal(s.aboveIdleBytesPerConn, 30_000);
  assert.equal(s.addedRssBytesPerConn, 40_000, 'RSS adds the code pages mapped in on first use');
  assert.equal(s.bytesPerConn, 140_000, 'the total per connection still includes the idle baseline');
  assert.equal(s.headline, 'stable');
});

test('with a base hold, memory per added connection is the slope from half load to the hold, and above idle stays beside it', () => {
  const records: IngestRecord[] = [runRecord(), { kind: 'phase', seq: 0, name: 'idle', startedMs: T0, endedMs: T0 + 3000 }];
  // Idle at 100 MB anonymous, of which start-up left 20 MB free for the allocator to reuse.
  for (let s = 0; s <= 2; s++) records.push(serverSample(T0 + s * 1000, { rssBytes: 150 * MB, anonBytes: 100 * MB, connections: 0 }));
  // Half load: 2,500 connections in 100 + 2,500 × 4 KB − 20 MB reused = 90 MB (a connection's first 5,000 fill the freed memory).
  records.push({ kind: 'phase', seq: 1, name: 'base', targetConnections: 2500, startedMs: T0 + 4000, endedMs: T0 + 8000 });
  for (let s = 4; s <= 8; s++) {
    records.push(serverSample(T0 + s * 1000, { rssBytes: 140 * MB, anonBytes: 90 * MB, connections: 2500 }));
    records.push(clientSample(T0 + s * 1000, 'shard-0', [], { open: 2500 }));
  }
  // The hold: 5,000 connections, 4 KB each more: 100 MB anonymous.
  records.push({ kind: 'phase', seq: 2, name: 'hold', targetConnections: 5000, startedMs: T0 + 10_000, endedMs: T0 + 14_000 });
  for (let s = 10; s <= 14; s++) {
    records.push(serverSample(T0 + s * 1000, { rssBytes: 150 * MB, anonBytes: 100 * MB, connections: 5000 }));
    records.push(clientSample(T0 + s * 1000, 'shard-0', [], { open: 5000 }));
  }
  records.push({ kind: 'run-update', status: 'completed', verdict: 'stable', endedMs: T0 + 15_000 });
  const s = getSummary(store(records), 'r');
  assert.deepEqual(s.base, { fromMs: T0 + 4000, toMs: T0 + 8000, connections: 2500, rssBytes: 140 * MB, pssBytes: null, anonBytes: 90 * MB, samples: 5 });
  assert.equal(s.addedBasis, 'base');
  assert.equal(s.addedBytesPerConn, 4000, '(100 − 90 MB) / 2,500 connections');
  assert.equal(s.aboveIdleBytesPerConn, 0, 'above idle, the reused memory hides every connection');
  assert.match(aboveIdleNote(s)!, /Memory above idle \(0 B per connection\) is 100% below the slope between the two loaded levels \(4\.00 KB\)/);
});

test('a run without an idle phase has no per-added-connection figure, not a wrong one', () => {
  const records: IngestRecord[] = [runRecord(), { kind: 'phase', seq: 0, name: 'hold', startedMs: T0, endedMs: T0 + 3000 }];
  for (let s = 0; s <= 3; s++) records.push(serverSample(T0 + s * 1000), clientSample(T0 + s * 1000, 'shard-0'));
  const s = getSummary(store(records), 'r');
  assert.equal(s.idle, null);
  assert.equal(s.addedBytesPerConn, null);
  assert.equal(s.steadyPssBytes, null, 'samples without PSS give no PSS figure');
  assert.equal(s.bytesPerConn, 200_000);
});

/** A capacity search: one step per entry, 10 s each, 10k connections more each step. */
function capacityRun(steps: { verdict: 'stable' | 'unstable'; p99Ms: number; missing?: number; held?: number }[]): Db {
  const records: IngestRecord[] = [runRecord({ scenario: { name: 'capacity', connections: 100_000, intervalMs: 2000, holdSec: 10 } })];
  records.push({ kind: 'phase', seq: 0, name: 'idle', startedMs: T0, endedMs: T0 + 2000 });
  records.push(server(T0, 300 * MB, 200 * MB, 0), server(T0 + 1000, 300 * MB, 200 * MB, 0));
  steps.forEach((step, i) => {
    const from = T0 + 10_000 + i * 20_000;
    const target = (i + 1) * 10_000;
    const held = step.held ?? target;
    records.push({ kind: 'phase', seq: 1 + i, name: 'step', step: i, targetConnections: target, startedMs: from, endedMs: from + 10_000, verdict: step.verdict, ...(step.verdict === 'stable' ? {} : { verdictReason: 'see figures' }) });
    for (let s = 0; s <= 10; s++) {
      // 300 MB idle, then 4 KB per connection.
      records.push(server(from + s * 1000, 300 * MB + held * 4000, 200 * MB + held * 3000, held));
      records.push(clientSample(from + s * 1000, 'shard-0', [step.p99Ms * 0.5, step.p99Ms], { open: held, expected: 100, missing: step.missing ?? 0 }));
    }
  });
  records.push({ kind: 'run-update', status: 'completed', verdict: steps[steps.length - 1]!.verdict, verdictReason: 'search ended', endedMs: T0 + 10_000 + steps.length * 20_000 });
  return store(records);
}

test('a capacity search is headlined by its capacity: the highest stable step, and what ended the search', () => {
  const db = capacityRun([{ verdict: 'stable', p99Ms: 300 }, { verdict: 'stable', p99Ms: 500 }, { verdict: 'unstable', p99Ms: 2783 }]);
  const s = getSummary(db, 'r');
  assert.equal(s.headline, 'capacity 20k (failed at 30k: p99 2.78 s)');
  assert.equal(s.capacityConnections, 20_000);
  assert.equal(s.capacity!.steps.length, 3);
  assert.equal(s.capacity!.failed!.window.targetConnections, 30_000);
  assert.equal(s.capacity!.ceiling, false);
  // The headline figures are the stable step's, not the failed peak's.
  assert.equal(s.window.basis, 'step');
  assert.equal(s.window.targetConnections, 20_000);
  assert.equal(s.connections, 20_000);
  assert.equal(s.steadyRssBytes, 300 * MB + 20_000 * 4000);
  assert.equal(s.addedBytesPerConn, 4000);
  assert.equal(s.addedRssBytesPerConn, 4000);
  assert.ok(Math.abs(s.latency.p99Ms! - 500) < 1, String(s.latency.p99Ms));
  assert.equal(s.deliveredPct, 100);
  // The capacity slope between the first and the highest stable step.
  assert.equal(s.marginalBytesPerConn, 4000);
  assert.equal(s.peakConnections, 30_000, 'the peak is still there, as the peak');
});

test('a capacity search whose first step fails has no capacity, and says why', () => {
  const s = getSummary(capacityRun([{ verdict: 'unstable', p99Ms: 6750, missing: 20, held: 8_200 }]), 'r');
  assert.equal(s.headline, 'no stable step (failed at 10k: delivered 80.0%, p99 6.75 s, held 8.2k of 10k)');
  assert.equal(s.capacityConnections, null);
  assert.equal(s.capacity!.stable, null);
  assert.equal(s.marginalBytesPerConn, null);
  assert.equal(s.window.targetConnections, 10_000, 'figures of the step that was held, for what they are');
});

test('a capacity search that never fails reaches its ceiling: capacity at least the last step', () => {
  const s = getSummary(capacityRun([{ verdict: 'stable', p99Ms: 300 }, { verdict: 'stable', p99Ms: 400 }, { verdict: 'stable', p99Ms: 450 }]), 'r');
  assert.equal(s.headline, 'capacity ≥ 30k (every step stable)');
  assert.equal(s.capacity!.ceiling, true);
  assert.equal(s.capacity!.failed, null);
  assert.equal(s.capacityConnections, 30_000);
});

test('a step a few connections short names the shortfall only when it is the reason', () => {
  const s = getSummary(capacityRun([{ verdict: 'stable', p99Ms: 300 }, { verdict: 'unstable', p99Ms: 2783, held: 19_997 }]), 'r');
  assert.equal(s.headline, 'capacity 10k (failed at 20k: p99 2.78 s)');
  const short = getSummary(capacityRun([{ verdict: 'stable', p99Ms: 300 }, { verdict: 'unstable', p99Ms: 500, held: 19_997 }]), 'r');
  assert.equal(short.headline, 'capacity 10k (failed at 20k: held 19,997 of 20,000)');
});

test('deliveries per tick: every shard\'s judgement of a tick summed, the probes\' latency of it beside', () => {
  const records: IngestRecord[] = [runRecord()];
  for (let n = 1; n <= 3; n++) {
    const scheduledMs = T0 + n * 2000;
    records.push({ kind: 'tick', source: 'probe', n, scheduledMs, receivers: 10, expectedReceivers: 10, delivered: 10, late: 0, missing: 0, firstMs: scheduledMs + 2, lastMs: scheduledMs + 9, spreadMs: 7, latP50Ms: 4, latP99Ms: 9, latMaxMs: 9 });
    records.push({ kind: 'tick', source: 'shard-0', n, scheduledMs, expectedReceivers: 500, delivered: n === 2 ? 497 : 500, late: n === 2 ? 5 : 0, missing: n === 2 ? 3 : 0 });
    records.push({ kind: 'tick', source: 'shard-1', n, scheduledMs, expectedReceivers: 490, delivered: 490, late: 0, missing: 0 });
  }
  const series = tickSeries(getTimeline(store(records), 'r'));
  assert.equal(series.basis, 'ticks');
  assert.deepEqual(series.ticks.map((k) => [k.n, k.expected, k.delivered, k.late, k.missing]), [
    [1, 1000, 1000, 0, 0],
    [2, 1000, 997, 5, 3],
    [3, 1000, 1000, 0, 0],
  ]);
  assert.deepEqual([series.ticks[0]!.latencyP99Ms, series.ticks[0]!.spreadMs, series.ticks[0]!.scheduledMs], [9, 7, T0 + 2000]);
});

test('older runs: per-tick deliveries rebuilt from the seconds their judgements fell in (a flat line, not 1000/0/1000)', () => {
  // Ticks every 2 s from T0, judged 4 s after their schedule: tick n's judgement lands in the
  // second stamped T0 + 2000n + 5000; the seconds between hold no judgement.
  const records: IngestRecord[] = [runRecord({ scenario: { name: 'quick', connections: 1000, intervalMs: 2000, holdSec: 10, t0Ms: T0, judgeAfterMs: 4000, lateMs: 2000 } })];
  for (let s = 1; s <= 12; s++) {
    const judged = s >= 5 && (s - 5) % 2 === 0;
    records.push(clientSample(T0 + s * 1000, 'shard-0', [], { expected: judged ? 1000 : 0, missing: judged && s === 7 ? 2 : 0, received: 500 }));
  }
  const t = getTimeline(store(records), 'r');
  assert.deepEqual(t.clients.map((c) => c.expected).slice(3, 9), [0, 1000, 0, 1000, 0, 1000], 'per second, the line alternates');
  const series = tickSeries(t);
  assert.equal(series.basis, 'seconds');
  assert.deepEqual(series.ticks.map((k) => [k.n, k.scheduledMs - T0, k.expected, k.delivered, k.missing]), [
    [0, 0, 1000, 1000, 0],
    [1, 2000, 1000, 998, 2],
    [2, 4000, 1000, 1000, 0],
    [3, 6000, 1000, 1000, 0],
  ]);
});

/** A hold at 1,000 connections whose p99 (2.5 s) fails it, while the server waited 500 ms/s with others busy on the host. */
function heldBack(extra: IngestRecord[] = []): IngestRecord[] {
  const records: IngestRecord[] = [runRecord(), { kind: 'phase', seq: 0, name: 'hold', targetConnections: 1000, startedMs: T0, endedMs: T0 + 4000, verdict: 'unstable',
    // As a run recorded before the wording changed stored it: another number than the table's.
    verdictReason: 'host-bound, the limit of this machine, not of the server: the server waited 3178 ms/s for a CPU in 5 of 5 s; latency p99 2500 ms ≥ the 2000 ms interval' }];
  for (let s = 0; s <= 4; s++) {
    records.push(serverSample(T0 + s * 1000, { cpuWaitMs: 500, hostBusyPct: 95, hostCpus: 2 }));
    records.push(clientSample(T0 + s * 1000, 'shard-0', [2500, 2500, 2500], { open: 1000, expected: 500, missing: 0 }));
  }
  records.push(...extra);
  records.push({ kind: 'run-update', status: 'completed', verdict: 'unstable', verdictReason: 'as stored', endedMs: T0 + 5000 });
  return records;
}

test('a judged window is worded from its own figures, in the catalogue\'s format, whatever words were stored', () => {
  const s = getSummary(store(heldBack()), 'r');
  assert.match(s.runReason!, /^host-bound, the limit of this machine, not of the server: in 5 of 5 s the server waited for a CPU, 500 ms\/s in the median of those seconds, while the host's 2 CPUs were 95\.0% busy, 165% of a core of it not the server's; latency p99 2\.50 s ≥ the 2\.00 s interval$/);
  assert.equal(s.verdictReason, s.runReason, 'the hold window is the run');
  assert.match(s.hostBoundWarning!, /^host-bound: at 1,000 connections, in 5 of 5 s the server waited for a CPU, 500 ms\/s/);
});

test('a window whose CPU quota throttled the server names the budget alone, never the machine too', () => {
  const throttled: IngestRecord = { kind: 'event', t: T0 + 4200, source: 'runner', type: 'cpu-throttling', message: 'hold at 1,000 connections: throttled', data: { connections: 1000, periods: 40, throttled: 30, throttledMs: 900 } };
  const s = getSummary(store(heldBack([throttled])), 'r');
  assert.match(s.runReason!, /^the limit of the CPU budget, not of the server: the CPU quota throttled the server in 30 of 40 periods \(75\.0%\); latency p99 2\.50 s/);
  assert.doesNotMatch(s.runReason!, /host-bound/);
  assert.equal(s.hostBound, null, 'the wait was the quota\'s');
  assert.equal(s.hostBoundWarning, null);
});
