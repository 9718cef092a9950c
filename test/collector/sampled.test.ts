// A sampled metric is one catalogue entry (collector/metrics.ts SAMPLED): its stored field's
// samples of one second combine as the entry says (summed over the server's samplers), its window
// figure folds the window's seconds (the worst, for backpressure), and it is a headline figure
// under its own key, with the catalogue's label and format.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ingestor } from '../../collector/ingest.ts';
import { format, HEADLINE, headlineValue, SAMPLED, SERIES } from '../../collector/metrics.ts';
import { getSummary, getTimeline } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import type { IngestRecord } from '../../collector/records.ts';
import { clientSample, runRecord, serverSample, T0 } from '../helpers/fixtures.ts';

test('a sampled metric is summed over the server\'s samplers each second, and its window figure is the worst second', () => {
  const db = openDatabase(':memory:');
  try {
    const records: IngestRecord[] = [runRecord(), { kind: 'phase', seq: 0, name: 'hold', targetConnections: 1000, startedMs: T0 + 1000, endedMs: T0 + 4000 }];
    // Two samplers (a server on two hosts' worth of processes), 0.3 s apart within each second.
    const queued = [[100, 50], [4000, 1000], [0, 0], [700, 0], [9_999_999, 0]];
    queued.forEach(([a, b], s) => {
      records.push(serverSample(T0 + s * 1000, { source: 'sampler-a', backpressureBytes: a }));
      records.push(serverSample(T0 + s * 1000 + 300, { source: 'sampler-b', backpressureBytes: b }));
      records.push(clientSample(T0 + s * 1000, 'shard-0', [5]));
    });
    new Ingestor(db).ingest({ batch: 'b', run: 'r' }, records, 'd');
    const t = getTimeline(db, 'r');
    assert.deepEqual(t.sampled.backpressureBytes!.map((s) => s.value), [150, 5000, 0, 700, 9_999_999]);
    const summary = getSummary(db, 'r');
    // The hold is seconds 1-4 (T0+1000 … T0+4000): the worst is second 4's.
    assert.equal(summary.sampled.backpressureBytes, 9_999_999);
    assert.equal(headlineValue(summary as never, 'backpressureBytes'), 9_999_999);
    assert.equal(format(HEADLINE.backpressureBytes, 9_999_999), '10.00 MB');
    // A series too, under the same key, charted in the chart the entry names.
    assert.equal(SERIES.backpressureBytes, SAMPLED.backpressureBytes);
    assert.equal(SAMPLED.backpressureBytes.chart, 'Stuck in backpressure');
  } finally {
    db.close();
  }
});

test('a run that did not record a sampled field has no figure for it, not a zero', () => {
  const db = openDatabase(':memory:');
  try {
    const records: IngestRecord[] = [runRecord(), { kind: 'phase', seq: 0, name: 'hold', targetConnections: 1000, startedMs: T0, endedMs: T0 + 2000 }];
    for (let s = 0; s <= 2; s++) {
      const sample = serverSample(T0 + s * 1000);
      delete (sample as { backpressureBytes?: number }).backpressureBytes;
      records.push(sample, clientSample(T0 + s * 1000, 'shard-0', [5]));
    }
    new Ingestor(db).ingest({ batch: 'b', run: 'r' }, records, 'd');
    assert.deepEqual(getTimeline(db, 'r').sampled.backpressureBytes, []);
    assert.equal(getSummary(db, 'r').sampled.backpressureBytes, null);
  } finally {
    db.close();
  }
});
