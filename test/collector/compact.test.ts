// An export's histograms per second: each second's shard histograms merged into one, the probes'
// apart, re-recorded at 2 significant digits. Percentiles per second stay within 1%, nothing is
// counted twice or lost, and compacting again changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compactClientHistograms } from '../../collector/compact.ts';
import { encodeHistogram, newLatencyHistogram, percentilesOfEncoded } from '../../collector/histogram.ts';

/** A shard's second: `n` deliveries spread from 1 ms to about 2 s, seeded. */
function shardSecond(seed: number, n: number): string {
  const h = newLatencyHistogram();
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    h.recordValue(1000 + Math.floor((x / 2 ** 31) ** 3 * 2_000_000));
  }
  return encodeHistogram(h);
}

test('each second keeps one histogram of its shards and one of its probes, percentiles within 1%, and compacting twice changes nothing', () => {
  const columns = ['source', 't_ms', 'open', 'lat_hist_us', 'jit_hist_us'];
  const rows: unknown[][] = [];
  for (let s = 0; s < 5; s++) {
    for (const source of ['shard-0', 'shard-1', 'shard-2', 'probe']) {
      // Shards report at their own offsets inside the second; shard-2 sends no histogram in second 3.
      const silent = source === 'shard-2' && s === 3;
      rows.push([source, 1_000_000 + s * 1000 + (source === 'probe' ? 900 : Number(source.at(-1)) * 100), 10, silent ? null : shardSecond(s * 10 + source.length, 500), silent ? null : shardSecond(s * 7 + source.length, 500)]);
    }
  }
  const compacted = compactClientHistograms({ columns, rows });
  assert.equal(compacted.rows.length, rows.length, 'every sample row kept');
  assert.notEqual(compacted.rows, rows);
  for (let s = 0; s < 5; s++) {
    const second = (r: unknown[]) => Math.floor(Number(r[1]) / 1000) === 1000 + s;
    for (const probes of [false, true]) {
      const pick = (r: unknown[]) => second(r) && (r[0] === 'probe') === probes;
      const before = rows.filter(pick);
      const after = compacted.rows.filter(pick);
      for (const column of [3, 4]) {
        const had = before.flatMap((r) => (r[column] ? [r[column] as string] : []));
        const kept = after.flatMap((r) => (r[column] ? [r[column] as string] : []));
        assert.equal(kept.length, 1, `second ${s}, ${probes ? 'probes' : 'shards'}: one histogram`);
        const [a, b] = [percentilesOfEncoded(had), percentilesOfEncoded(kept)];
        assert.equal(b.count, a.count, 'no delivery lost or counted twice');
        for (const p of ['p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs'] as const) assert.ok(Math.abs(b[p]! - a[p]!) <= 0.01 * a[p]!, `second ${s} ${p}: ${b[p]} against ${a[p]}`);
      }
    }
  }
  assert.deepEqual(compactClientHistograms(compacted), compacted, 'compacting is idempotent');
});

test('a dump without histogram columns is returned as it is', () => {
  const dump = { columns: ['source', 't_ms', 'open'], rows: [['shard-0', 1000, 5]] };
  assert.equal(compactClientHistograms(dump), dump);
});

test('slow readers\' histograms stay apart from the healthy shards\' in an export, as the probes\' do', () => {
  const columns = ['source', 't_ms', 'open', 'lat_hist_us'];
  const fast = (ms: number) => {
    const h = newLatencyHistogram();
    h.recordValue(ms * 1000);
    return encodeHistogram(h);
  };
  const rows: unknown[][] = [
    ['shard-0', 2_000_100, 10, fast(10)],
    ['shard-1', 2_000_200, 10, fast(12)],
    ['slow-0', 2_000_300, 2, fast(30_000)],
  ];
  const compacted = compactClientHistograms({ columns, rows });
  const of = (source: string) => compacted.rows.find((r) => r[0] === source)![3] as string | null;
  assert.equal(of('shard-1'), null, 'the healthy shards merged into one row');
  assert.ok((percentilesOfEncoded([of('shard-0')!]).maxMs ?? Infinity) < 100, 'no slow reader\'s 30 s in the healthy readers\' second');
  assert.ok(Math.abs(percentilesOfEncoded([of('slow-0')!]).maxMs! - 30_000) < 300, 'the slow readers\' second kept whole');
});
