// The metric catalogue and the statistics under every figure, with fixed values: formatting in
// human units, comparisons with a direction, the one median and the one per-second grid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisScale, compare, format, formatBound, formatConnectionsShort, formatValue, HEADLINE, headlineValue, isLowerBound, SERIES, SERIES_KEYS } from '../../collector/metrics.ts';
import { serverPerSecond } from '../../collector/series.ts';
import { bySecond, elapsedSecond, median, secondOf } from '../../collector/stats.ts';

test('every figure is formatted in human units, with its unit', () => {
  assert.equal(formatValue('bytes', 512), '512 B');
  assert.equal(formatValue('bytes', 4_240), '4.24 KB');
  assert.equal(formatValue('bytes', 52_280), '52.3 KB');
  assert.equal(formatValue('bytes', 763_600_000), '763.6 MB');
  assert.equal(formatValue('bytes', 2_920_000_000), '2.92 GB');
  assert.equal(formatValue('ms', 3.25), '3.25 ms');
  assert.equal(formatValue('ms', 594.4), '594 ms');
  assert.equal(formatValue('ms', 2_783), '2.78 s');
  assert.equal(formatValue('percent', 100), '100.000%');
  assert.equal(formatValue('percent', 79.555), '79.6%');
  assert.equal(formatValue('cpu', 66.2), '66% of a core');
  assert.equal(formatValue('cpu', 4.26), '4.3% of a core');
  assert.equal(formatValue('connections', 69_997), '69,997');
  assert.equal(formatValue('perSecond', 50_000), '50,000/s');
  for (const v of [null, undefined, NaN, Infinity]) assert.equal(formatValue('bytes', v), '–');
  assert.equal(format(HEADLINE.addedBytesPerConn, 4_240), '4.24 KB');
  assert.deepEqual([60_000, 32_804, 999, 100_000].map(formatConnectionsShort), ['60k', '32.8k', '999', '100k']);
});

test('an axis shows its values in a human unit and says which', () => {
  assert.deepEqual(axisScale(SERIES.rssBytes!, 2_500_000_000), { divisor: 1e9, unitLabel: 'GB', title: 'Server memory (RSS), GB' });
  assert.deepEqual(axisScale(SERIES.rssBytes!, 219_744_256), { divisor: 1e6, unitLabel: 'MB', title: 'Server memory (RSS), MB' });
  assert.equal(axisScale(SERIES.latencyP99Ms!, 6_750).unitLabel, 's');
  assert.equal(axisScale(SERIES.latencyP99Ms!, 350).unitLabel, 'ms');
  assert.equal(axisScale(SERIES.cpuPct!, 120).unitLabel, '% of one core');
});

test('comparisons say who did better, by how much, in words', () => {
  const uws = (value: number | null) => ({ name: 'uWS', value });
  const sio = (value: number | null) => ({ name: 'Socket.IO', value });
  // Lower is better: the smaller figure wins, the factor is always ≥ 1.
  const memory = compare(HEADLINE.marginalBytesPerConn, uws(4_240), sio(52_280));
  assert.equal(memory.winner, 'uWS');
  assert.equal(memory.factor!.toFixed(1), '12.3');
  assert.equal(memory.phrase, 'uWS used 12.3x less memory per added connection (slope) than Socket.IO');
  assert.equal(compare(HEADLINE.marginalBytesPerConn, sio(52_280), uws(4_240)).phrase, memory.phrase, 'the order of the subjects does not change the sentence');
  // Higher is better.
  const held = compare(HEADLINE.capacityConnections, sio(30_000), uws(60_000));
  assert.deepEqual([held.winner, held.phrase], ['uWS', 'uWS held 2.0x the connections of Socket.IO']);
  // Within 5%: even, no winner.
  assert.equal(compare(HEADLINE.cpuPctAvg, uws(40), sio(41)).winner, null);
  assert.equal(compare(HEADLINE.cpuPctAvg, uws(40), sio(41)).phrase, 'uWS and Socket.IO were even on CPU (1.0x apart)');
  assert.equal(compare(HEADLINE.connections, uws(1000), sio(1000)).phrase, 'uWS and Socket.IO held the same connections: 1,000');
  // Percentages compare by difference, not by a ratio of 99.9 to 100.
  const delivered = compare(HEADLINE.deliveredPct, uws(100), sio(79.555));
  assert.deepEqual([delivered.winner, delivered.factor, delivered.phrase], ['uWS', null, 'uWS delivered 100.000% against 79.6% for Socket.IO']);
  // Unknown values are said to be unknown, never compared.
  assert.deepEqual(compare(HEADLINE.addedBytesPerConn, uws(null), sio(52_000)), { winner: null, factor: null, phrase: 'Memory per added connection: not measured for uWS' });
});

test('a capacity that reached its ceiling is a lower bound, and so is a ratio over it', () => {
  const ceiling = { name: 'uWS', value: 100_000, atLeast: true };
  const failed = { name: 'Socket.IO', value: 40_000 };
  const held = compare(HEADLINE.capacityConnections, failed, ceiling);
  assert.deepEqual([held.winner, held.factor, held.atLeast, held.phrase], ['uWS', 2.5, true, 'uWS held at least 2.5x the connections of Socket.IO']);
  // Both at their ceilings, or the smaller one: nothing is known of the ratio.
  const both = compare(HEADLINE.capacityConnections, ceiling, { name: 'ws', value: 100_000, atLeast: true });
  assert.deepEqual([both.winner, both.factor, both.phrase], [null, null, 'Capacity (highest stable step): uWS ≥ 100,000, ws ≥ 100,000 (both lower bounds: no ratio)']);
  const below = compare(HEADLINE.capacityConnections, { name: 'ws', value: 20_000, atLeast: true }, failed);
  assert.deepEqual([below.winner, below.factor], [null, null]);
  // Within 5% a bound above is still "at least", never "even".
  assert.match(compare(HEADLINE.capacityConnections, { ...ceiling, value: 41_000 }, failed).phrase, /^uWS held at least 1\.0x/);
  assert.equal(formatBound(HEADLINE.capacityConnections, 100_000, true), '≥ 100,000');
  assert.equal(isLowerBound({ capacity: { ceiling: true } }, 'capacityConnections'), true);
  assert.equal(isLowerBound({ capacity: { ceiling: false } }, 'capacityConnections'), false);
  assert.equal(isLowerBound({ capacity: { ceiling: true } }, 'steadyRssBytes'), false);
});

test('every catalogue entry is complete, and headline values are read by key', () => {
  for (const def of [...Object.values(HEADLINE), ...Object.values(SERIES)]) {
    for (const field of ['key', 'label', 'noun', 'verb', 'unit', 'aggregate', 'source'] as const) assert.ok(def[field], `${def.key}: ${field}`);
    assert.ok(['lower', 'higher', null].includes(def.better), def.key);
  }
  for (const key of SERIES_KEYS) assert.equal(SERIES[key]!.key, key);
  const summary = { addedBytesPerConn: 4240, latency: { p50Ms: 3, p99Ms: 32, maxMs: 40 }, idle: null };
  assert.equal(headlineValue(summary, 'addedBytesPerConn'), 4240);
  assert.equal(headlineValue(summary, 'latencyP99Ms'), 32);
  assert.equal(headlineValue(summary, 'idleRssBytes'), null);
});

test('one median: the middle value, or the mean of the middle pair; null when empty', () => {
  assert.equal(median([]), null);
  assert.equal(median([7]), 7);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([0, 0]), 0);
});

test('one per-second grid: absolute whole seconds, summed over sources; elapsed seconds on the same grid', () => {
  assert.equal(secondOf(1_795_859_561_999), 1_795_859_561_000);
  // A run that began at .900 of a second: a sample 200 ms later is already in its second 1.
  assert.equal(elapsedSecond(1_000_001_100, 1_000_000_900), 1);
  assert.equal(elapsedSecond(1_000_000_950, 1_000_000_900), 0);
  const grouped = bySecond([{ t: 1005, v: 1 }, { t: 1995, v: 2 }, { t: 3000, v: 4 }, { t: 999, v: 8 }], (x) => x.t, (tMs) => ({ tMs, sum: 0 }), (acc, x) => void (acc.sum += x.v));
  assert.deepEqual(grouped, [{ tMs: 0, sum: 8 }, { tMs: 1000, sum: 3 }, { tMs: 3000, sum: 4 }]);
  // Two samplers (two hosts) in one second add up; PSS only when every one of them had it.
  const point = (tMs: number, rssBytes: number, pssBytes: number | null) => ({ tMs, source: 's', rssBytes, pssBytes, anonBytes: pssBytes === null ? null : pssBytes / 2, cpuUserPct: 1, cpuSysPct: 1, cpuPct: 2, cpuWaitMs: null, hostBusyPct: null, hostCpus: null, memAvailableBytes: null, load1: null, tempC: null, connections: 10, backpressureBytes: null, published: null });
  assert.deepEqual(serverPerSecond([point(1010, 100, 60), point(1500, 50, 30), point(2010, 100, 60), point(2020, 50, null)]), [
    { tMs: 1000, rssBytes: 150, pssBytes: 90, anonBytes: 45, cpuPct: 4, connections: 20 },
    { tMs: 2000, rssBytes: 150, pssBytes: null, anonBytes: null, cpuPct: 4, connections: 20 },
  ]);
});
