// The live page's feed (site/live/feed.ts) and its viewers (hub.ts): what a page is sent of a run
// that is still being written, how far it may go while a sender lags, that resuming from any id
// gives exactly the rest, and that a page that stops reading is dropped, not waited for.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { Ingestor } from '../../collector/ingest.ts';
import type { IngestRecord } from '../../collector/records.ts';
import { openDatabase, type Db } from '../../collector/schema.ts';
import { recordedLook } from '../../site/live/catalogs.ts';
import { cursorId, LiveRun, NOTHING_YET, parseCursor, type Cursor, type LiveDelta } from '../../site/live/feed.ts';
import { LiveHub } from '../../site/live/hub.ts';
import { getRun, getSummary } from '../../collector/query.ts';
import { reportFigureRows } from '../../site/src/lib/run-report.ts';
import { clientSample, runRecord, serverSample, T0 } from '../helpers/fixtures.ts';

let batch = 0;
function store(db: Db, records: IngestRecord[]): void {
  new Ingestor(db).ingest({ batch: `b${batch++}`, run: 'live' }, records, String(batch));
}

/** A running run: the server sampled up to `serverTo`, each shard up to its own second, a tick every 2 s. */
function runningRun(shards: Record<string, number>, serverTo: number): Db {
  const db = openDatabase(':memory:');
  const records: IngestRecord[] = [runRecord({ status: 'running' } as never), { kind: 'phase', seq: 0, name: 'hold', startedMs: T0 }];
  for (let s = 1; s <= serverTo; s++) records.push(serverSample(T0 + s * 1000));
  for (const [source, to] of Object.entries(shards)) for (let s = 1; s <= to; s++) records.push(clientSample(T0 + s * 1000, source, [1, 2], { open: 100 + s }));
  for (let s = 2; s <= serverTo; s += 2) records.push({ kind: 'tick', source: 'probe', n: s / 2, scheduledMs: T0 + s * 1000, receivers: 4, expectedReceivers: 4, spreadMs: 1 });
  store(db, records);
  return db;
}

const feedOf = (db: Db) => new LiveRun('live', () => db, recordedLook);

/** Every slice from `from` to where the feed is settled, `chunk` seconds at a time. */
function drain(feed: LiveRun, from: Cursor, chunk: number): LiveDelta[] {
  const out: LiveDelta[] = [];
  const to = feed.settled();
  let at = from;
  while (at.second < to.second || at.tick < to.tick) {
    const d = feed.slice(at, to, chunk);
    out.push(d);
    assert.ok(d.cursor.second > at.second || d.cursor.tick > at.tick, 'each slice moves on');
    at = d.cursor;
  }
  return out;
}

test('a page goes as far as every sender has reported, ticks once judged, and a lagging sender stops holding it back', { timeout: 20_000 }, () => {
  const db = runningRun({ 'shard-0': 30, 'shard-1': 27 }, 30);
  const feed = feedOf(db);
  // shard-1 has reported up to second 27; a 2 s tick is judged an interval and a second later.
  assert.deepEqual(feed.settled(), { second: 27, tick: 24 });
  // A shard whose last sample is more than 15 s behind the freshest (dead, or cut off) is not waited for.
  const lagging = runningRun({ 'shard-0': 40, 'shard-1': 40, 'shard-2': 5 }, 40);
  assert.equal(feedOf(lagging).settled().second, 39, 'the freshest second waits for its other senders, shard-2 is not waited for');
});

test('slices in any chunks add up to the whole run so far: no gap, no repeat; a resumed page gets exactly the rest', { timeout: 20_000 }, () => {
  const db = runningRun({ 'shard-0': 30, 'shard-1': 30 }, 30);
  const feed = feedOf(db);
  const whole = drain(feed, NOTHING_YET, 10_000);
  assert.equal(whole.length, 1);
  const all = whole[0]!.series;
  assert.deepEqual(all.t, Array.from({ length: 29 }, (_, i) => i + 1));
  for (const chunk of [1, 7]) {
    const pieces = drain(feed, NOTHING_YET, chunk);
    assert.deepEqual(pieces.flatMap((d) => d.series.t), all.t, `chunks of ${chunk} s`);
    assert.deepEqual(pieces.flatMap((d) => d.series.tickT), all.tickT);
    assert.deepEqual(pieces.flatMap((d) => d.series.connections as number[]), all.connections, 'each column follows its grid');
    assert.deepEqual(pieces.flatMap((d) => d.series.tickDelivered as number[]), all.tickDelivered);
  }
  // A page that got up to id "12:10" and reconnects: the rest, from second 13 and tick 12.
  const resumed = drain(feed, parseCursor('12:10')!, 10_000);
  assert.deepEqual(resumed[0]!.series.t, all.t.filter((t) => t > 12));
  assert.deepEqual(resumed[0]!.series.tickT, all.tickT.filter((t) => t > 10));
  assert.equal(parseCursor('nonsense'), null);
  assert.equal(cursorId({ second: 3, tick: -1 }), '3:-1');
});

test('a finished run is sent to its last sample, marked final, with the figures of its report', { timeout: 20_000 }, () => {
  const db = runningRun({ 'shard-0': 30 }, 30);
  const feed = feedOf(db);
  const running = feed.figuresNow();
  assert.equal(running!.badge.text, 'running');
  assert.equal(running!.final, false);
  assert.equal(feed.figuresNow(), running, 'not worked out again before it is due');
  store(db, [{ kind: 'run-update', status: 'completed', verdict: 'stable', endedMs: T0 + 31_000 }]);
  const run = getRun(db, 'live');
  assert.deepEqual(feed.settled(run), { second: 30, tick: 30 });
  const last = drain(feed, { second: 26, tick: 22 }, 10_000).pop()!;
  assert.equal(last.final, true);
  assert.equal(last.status.state, 'finished');
  const done = feed.figuresNow(run)!;
  assert.equal(done.badge.text, 'stable');
  assert.equal(done.final, true);
  assert.ok(done.version > running!.version);
  // The hold's median of 101…130 open connections, formatted as the report formats it: the report's rows, whole.
  assert.equal(done.rows.find((r) => r.key === 'connections')?.value, '116');
  assert.deepEqual(done.rows, reportFigureRows(getSummary(db, 'live')));
});

/** A page's connection as the hub sees it: what it was written, and how much it has not drained. */
class FakePage extends EventEmitter {
  written = '';
  writableLength = 0;
  ended = false;
  destroyed = false;
  writeHead() {
    return this;
  }
  write(s: string) {
    this.written += s;
    return true;
  }
  end() {
    this.ended = true;
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
  }
}

test('pages at one cursor share one slice; a page that stops draining is dropped and the others go on', { timeout: 20_000 }, async (t) => {
  const db = runningRun({ 'shard-0': 30 }, 30);
  const hub = new LiveHub({ runs: () => [getRun(db, 'live')], dbOf: () => db, look: recordedLook }, { periodMs: 50, maxBufferedBytes: 1000 });
  t.after(() => hub.close());
  const reader = new FakePage();
  const stuck = new FakePage();
  hub.watch('live', reader as unknown as ServerResponse, null);
  hub.watch('live', stuck as unknown as ServerResponse, null);
  await new Promise((r) => setTimeout(r, 120));
  const first = (p: FakePage) => p.written.split('\n\n').find((m) => m.startsWith('id: '))!;
  assert.ok(first(reader), 'the page got the run so far');
  assert.equal(first(reader), first(stuck), 'the same bytes: one slice for both');
  // The stuck page's connection holds more than it may; new data comes; it is dropped, the reader is not.
  stuck.writableLength = 5000;
  store(db, [serverSample(T0 + 31_000), clientSample(T0 + 31_000, 'shard-0', [1]), serverSample(T0 + 32_000), clientSample(T0 + 32_000, 'shard-0', [1])]);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(stuck.destroyed, true);
  assert.equal(hub.stats.dropped, 1);
  assert.equal(hub.stats.viewers, 1);
  assert.match(reader.written, /\nid: 31:/, 'the reader got the new second');
});
