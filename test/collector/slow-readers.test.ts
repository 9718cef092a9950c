// Slow readers are judged apart (collector/cohort.ts): the server held their connections, so
// they count in the connections and memory figures, but the deliveries, latency and verdict are
// the healthy readers'; the slow readers' own figures and the healthy readers' calm hold before
// the slow-down are read through the catalogue, and worded from it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ingestor } from '../../collector/ingest.ts';
import { format, HEADLINE, headlineValue } from '../../collector/metrics.ts';
import { getSummary, getTimeline } from '../../collector/query.ts';
import type { IngestRecord } from '../../collector/records.ts';
import { openDatabase } from '../../collector/schema.ts';
import { healthyCostInWords, slowOutcomeInWords } from '../../collector/slow-readers.ts';
import { clientSample, runRecord, serverSample, T0 } from '../helpers/fixtures.ts';

const S = 1000;

/** Calm for 10 s, then a hold of 10 s judged from second 11 (one judgement delay later). */
function slowRun(): IngestRecord[] {
  const scenario = { name: 'slow-consumers', connections: 1000, intervalMs: 1000, holdSec: 10, judgeAfterMs: 1000, slowShare: 0.1, slowStallSec: 30, calmSec: 10, slowConnections: 100 };
  const records: IngestRecord[] = [
    runRecord({ scenario }),
    { kind: 'phase', seq: 0, name: 'calm', targetConnections: 1000, startedMs: T0, endedMs: T0 + 10 * S },
    { kind: 'phase', seq: 1, name: 'hold', targetConnections: 1000, startedMs: T0 + 11 * S, endedMs: T0 + 20 * S },
  ];
  for (let s = 0; s <= 20; s++) {
    const t = T0 + s * S;
    const slowNow = s >= 11;
    records.push(serverSample(t, { connections: 1000, queuedBytesPeak: slowNow ? 50_000_000 : 0, kernelQueuedBytes: slowNow ? 20_000_000 : 0, droppedMessages: slowNow ? 5 : 0, closedBacklogged: s === 15 ? 3 : 0 }));
    records.push(clientSample(t, 'shard-0', [slowNow ? 20 : 10], { open: 900, received: 900, expected: 900 }));
    records.push(clientSample(t, 'slow-0', slowNow ? [5000] : [10], { open: s >= 15 ? 97 : 100, received: slowNow ? 10 : 100, expected: 100, missing: slowNow ? 90 : 0, closed: s === 15 ? 3 : 0 }));
  }
  return records;
}

test('slow readers count in the connections the server held, not in the healthy readers\' deliveries, latency or verdict', () => {
  const db = openDatabase(':memory:');
  try {
    new Ingestor(db).ingest({ batch: 'b', run: 'r' }, slowRun(), 'd');
    const t = getTimeline(db, 'r');
    assert.equal(t.clients[0]!.open, 900, 'the healthy readers\' seconds');
    assert.equal(t.slowClients[0]!.open, 100, 'the slow readers\' apart');
    const s = getSummary(db, 'r');
    assert.equal(s.connections, 997, 'every connection the server held, slow readers\' included (median of 1,000 and 997)');
    assert.equal(s.deliveredPct, 100);
    assert.equal(s.missing, 0);
    assert.ok(s.latency.p99Ms! < 25, `healthy p99 ${s.latency.p99Ms}: no slow reader's 5 s in it`);
    const slow = s.slowReaders!;
    assert.equal(slow.connections, 97);
    assert.equal(slow.closed, 3);
    assert.equal(slow.missing, 90 * 10);
    assert.ok(Math.abs(slow.latency.p50Ms! - 5000) < 10);
    assert.equal(headlineValue(s as never, 'slowDeliveredPct'), 10);
    assert.equal(headlineValue(s as never, 'droppedMessages'), 5 * 10, 'the server\'s drops summed over the hold');
    assert.equal(headlineValue(s as never, 'kernelQueuedBytes'), 20_000_000);
  } finally {
    db.close();
  }
});

test('the calm hold is the healthy readers\' figure before the slow-down, from its first judgement to its end', () => {
  const db = openDatabase(':memory:');
  try {
    new Ingestor(db).ingest({ batch: 'b', run: 'r' }, slowRun(), 'd');
    const s = getSummary(db, 'r');
    assert.deepEqual([s.calm!.window.fromMs - T0, s.calm!.window.toMs - T0, s.calm!.window.basis], [1000, 10_000, 'calm']);
    assert.ok(Math.abs(headlineValue(s as never, 'calmLatencyP99Ms')! - 10) < 0.1);
    assert.equal(s.calm!.slowReaders!.deliveredPct, 100, 'the slow readers kept up while calm');
    const cost = healthyCostInWords(s as never)!;
    assert.match(cost, new RegExp(`latency p99 ${format(HEADLINE.latencyP99Ms, s.calm!.latency.p99Ms)} → ${format(HEADLINE.latencyP99Ms, s.latency.p99Ms)} \\(2\\.0x higher\\)`));
    const fate = slowOutcomeInWords(s as never)!;
    assert.match(fate, /^97 slow readers got 10\.0% of their messages in time, the rest were stuck for up to 5\.\d+ s/);
    assert.match(fate, /\. The server held up to 50\.0 MB for its sockets right after a tick and the kernel's send buffers up to 20\.0 MB; it dropped 50 messages over its per-socket limit; it closed 3 sockets with data still queued \(the slow readers saw 3 of their connections close\)\.$/);
  } finally {
    db.close();
  }
});

test('a run without slow readers has no slow figures and no words for them', () => {
  const db = openDatabase(':memory:');
  try {
    const records: IngestRecord[] = [runRecord(), { kind: 'phase', seq: 0, name: 'hold', targetConnections: 1000, startedMs: T0, endedMs: T0 + 3 * S }];
    for (let s = 0; s <= 3; s++) records.push(serverSample(T0 + s * S), clientSample(T0 + s * S, 'shard-0', [5], { open: 1000 }));
    new Ingestor(db).ingest({ batch: 'b', run: 'r' }, records, 'd');
    const s = getSummary(db, 'r');
    assert.equal(s.slowReaders, null);
    assert.equal(s.calm, null);
    assert.equal(s.connections, 1000);
    assert.equal(headlineValue(s as never, 'slowDeliveredPct'), null);
    assert.equal(slowOutcomeInWords(s as never), null);
    assert.equal(healthyCostInWords(s as never), null);
  } finally {
    db.close();
  }
});
