// Spread over a series (collector/spread.ts): fixed inputs with known medians and ranges, the
// bootstrap interval inside the data's range and the same every time, a ratio over pairs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ratioSpread, spreadOf } from '../../collector/spread.ts';

test('median, min–max and a 95% interval of the median, the same on every call', () => {
  const s = spreadOf([11.3, 12.0, 14.3, 11.7, 12.2]);
  assert.equal(s.n, 5);
  assert.equal(s.median, 12.0);
  assert.equal(s.min, 11.3);
  assert.equal(s.max, 14.3);
  assert.ok(s.ciLow! >= 11.3 && s.ciLow! <= 12.0, `low ${s.ciLow}`);
  assert.ok(s.ciHigh! >= 12.0 && s.ciHigh! <= 14.3, `high ${s.ciHigh}`);
  assert.deepEqual(spreadOf([11.3, 12.0, 14.3, 11.7, 12.2]), s, 'seeded: one interval per set of runs');
});

test('one run has no interval; no run has no figure; missing values are left out', () => {
  assert.deepEqual(spreadOf([7]), { n: 1, median: 7, min: 7, max: 7, ciLow: null, ciHigh: null });
  assert.deepEqual(spreadOf([]), { n: 0, median: null, min: null, max: null, ciLow: null, ciHigh: null });
  assert.equal(spreadOf([null, 3, 5]).n, 2);
  const same = spreadOf([4, 4, 4]);
  assert.equal(same.ciLow, 4);
  assert.equal(same.ciHigh, 4);
});

test('a ratio over pairs: ratio of the medians, each pair\'s own ratio for the range, pairs resampled whole', () => {
  const pairs: [number, number][] = [[40, 4], [60, 5], [45, 3], [50, 4], [55, 5]];
  const r = ratioSpread(pairs);
  assert.equal(r.n, 5);
  assert.equal(r.median, 50 / 4);
  assert.equal(r.min, 10);
  assert.equal(r.max, 15);
  assert.ok(r.ciLow! <= 12.5 && r.ciHigh! >= 12.5, `${r.ciLow}–${r.ciHigh}`);
  assert.ok(r.ciLow! >= 9 && r.ciHigh! <= 20);
  assert.equal(ratioSpread([[1, 0], [null, 2]]).n, 0, 'no ratio of a zero or a missing value');
});
