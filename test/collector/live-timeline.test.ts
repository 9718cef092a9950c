// The runner's figures are the collector's: a window read from the live timeline equals the one
// `show` computes from the collector's database for the same records, and the verdict is judged
// on it (a CPU quota's throttling included, as the runner records it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ingestor } from '../../collector/ingest.ts';
import { LiveTimeline } from '../../collector/live-timeline.ts';
import { getSummary, getTimeline, histogramsOf } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { judgeSummary, summarizeWindow } from '../../collector/summary.ts';
import type { IngestRecord } from '../../collector/records.ts';
import { clientSample, runRecord, serverSample, T0 } from '../helpers/fixtures.ts';

const RUN = 'run-live';
const HOLD = { fromMs: T0 + 20_000, toMs: T0 + 40_000 };

/** An idle phase, a hold whose p99 is 2.5 s (over the 2 s interval) on one shard, and a busy load generator. */
function records(): IngestRecord[] {
  const out: IngestRecord[] = [runRecord({ scenario: { name: 'quick', connections: 1000, intervalMs: 2000, holdSec: 20 } })];
  out.push({ kind: 'phase', seq: 0, name: 'idle', startedMs: T0, endedMs: T0 + 10_000 });
  for (let s = 0; s <= 10; s++) out.push(serverSample(T0 + s * 1000, { rssBytes: 50_000_000, anonBytes: 20_000_000, connections: 0 }));
  out.push({ kind: 'phase', seq: 1, name: 'hold', targetConnections: 1000, startedMs: HOLD.fromMs });
  for (let s = 11; s <= 45; s++) {
    const t = T0 + s * 1000;
    out.push(serverSample(t, { rssBytes: 100_000_000 + s * 1000, anonBytes: 60_000_000 }));
    out.push(clientSample(t, 'shard-0', [10, 20, 30], { cpuWaitMs: 20 * (s % 3) }));
    out.push(clientSample(t, 'shard-1', [2500, 2500, 2500, 2500], { cpuWaitMs: 300 + s, missing: s === 30 ? 5 : 0 }));
  }
  out.push({ kind: 'phase', seq: 1, name: 'hold', targetConnections: 1000, startedMs: HOLD.fromMs, endedMs: HOLD.toMs, verdict: 'unstable', verdictReason: 'as judged' });
  return out;
}

test('a window read from the live timeline is the summary the collector computes from its database', () => {
  const live = new LiveTimeline(RUN);
  const db = openDatabase(':memory:');
  try {
    for (const r of records()) live.add(r);
    new Ingestor(db).ingest({ batch: 'b', run: RUN }, records(), 'd');
    const window = { ...HOLD, basis: 'hold' as const, step: null, targetConnections: 1000 };
    const { summary } = live.window(window);
    const t = getTimeline(db, RUN);
    const histograms = histogramsOf(db, RUN);
    const stored = summarizeWindow(t, histograms, window);
    assert.deepEqual(summary, stored);
    assert.equal(summary.connections, 1000);
    assert.equal(summary.missing, 5);
    // The load generator's own wait: its busiest shard's each second (shard-1, 320–340 ms), median.
    assert.equal(summary.clientCpuWaitMs, 330);
    // The whole run's summary is `show`'s.
    assert.deepEqual(live.summary(), getSummary(db, RUN));
  } finally {
    live.close();
    db.close();
  }
});

test('the runner\'s verdict is judged on the live summary, in the catalogue\'s words', () => {
  const live = new LiveTimeline(RUN);
  try {
    for (const r of records()) live.add(r);
    const { timeline, summary, server } = live.window({ ...HOLD, basis: 'hold', step: null, targetConnections: 1000 });
    const judged = judgeSummary(timeline, summary, server, { crashes: [], clientBound: [], aborted: false });
    assert.equal(judged.verdict, 'unstable');
    assert.match(judged.reason, /5 of [\d,]+ missing/);
    assert.match(judged.reason, /latency p99 2\.\d+ s ≥ the 2\.00 s interval/);
    // What only the runner saw live decides first: a saturated shard makes the window client-bound.
    const bound = judgeSummary(timeline, summary, server, { crashes: [], clientBound: ['shard-1 at ≥ 90% CPU for 5 s'], aborted: false });
    assert.equal(bound.verdict, 'client-bound');
  } finally {
    live.close();
  }
});

test('a CPU quota\'s throttling, recorded as the runner\'s event, names the budget in the live verdict', () => {
  const live = new LiveTimeline(RUN);
  try {
    for (const r of records()) live.add(r);
    live.add({ kind: 'event', t: HOLD.toMs + 1600, source: 'runner', type: 'cpu-throttling', message: 'hold', data: { connections: 1000, periods: 200, throttled: 150, throttledMs: 4000 } });
    const { timeline, summary, server } = live.window({ ...HOLD, basis: 'hold', step: null, targetConnections: 1000 });
    assert.deepEqual(summary.cpuThrottling, { periods: 200, throttled: 150 });
    const judged = judgeSummary(timeline, summary, server);
    assert.match(judged.reason, /^the limit of the CPU budget, not of the server: the CPU quota throttled the server in 150 of 200 periods/);
  } finally {
    live.close();
  }
});

test('a record the collector would refuse is counted and does not lose the rest of its batch', () => {
  const live = new LiveTimeline(RUN);
  try {
    live.add(records()[0]!);
    live.add(clientSample(T0 + 12_000, 'shard-0', [10]));
    live.add(clientSample(T0 + 11_000, 'shard-0', [10])); // older than the last stored: refused
    live.add(clientSample(T0 + 13_000, 'shard-0', [10]));
    assert.equal(live.timeline().clients.length, 2);
    assert.equal(live.refused, 1);
  } finally {
    live.close();
  }
});
