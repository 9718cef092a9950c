// The regression rule (collector/check.ts): worse than the threshold and outside the baseline's
// own spread; direction from the catalogue; thresholds parsed and refused by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSides, parseThresholds } from '../../collector/check.ts';

const rss = (values: number[]) => ({ uws: { steadyRssBytes: values } });

test('a change inside the baseline\'s own spread is noise, not a regression; beyond it and the threshold it is', () => {
  // Median 110; 125 is 13.6% worse, but the baseline's runs reached 130.
  assert.equal(checkSides(rss([100, 110, 130]), rss([125]), { steadyRssBytes: 0.1 })[0]!.outcome, 'unchanged');
  const [row] = checkSides(rss([100, 110, 115]), rss([125, 126, 124]), { steadyRssBytes: 0.1 });
  assert.equal(row!.outcome, 'regressed');
  assert.equal(row!.worseBy!.toFixed(4), (15 / 110).toFixed(4));
  // Outside the spread but within the threshold: unchanged, and said so.
  const small = checkSides(rss([100, 101]), rss([105]), { steadyRssBytes: 0.1 })[0]!;
  assert.equal(small.outcome, 'unchanged');
  assert.match(small.words, /4\.5% worse, within the 10\.0% threshold/);
  assert.equal(checkSides(rss([100, 101]), rss([80]), { steadyRssBytes: 0.1 })[0]!.outcome, 'improved');
});

test('direction comes from the catalogue: less capacity is worse, more is better', () => {
  const cap = (v: number[]) => ({ uws: { capacityConnections: v } });
  assert.equal(checkSides(cap([40_000]), cap([30_000]), { capacityConnections: 0.1 })[0]!.outcome, 'regressed');
  assert.equal(checkSides(cap([40_000]), cap([60_000]), { capacityConnections: 0.1 })[0]!.outcome, 'improved');
});

test('backends are compared with themselves only; a figure neither side has is left out', () => {
  const rows = checkSides({ uws: { steadyRssBytes: [1], capacityConnections: [null] } }, { socketio: { steadyRssBytes: [9] }, uws: { steadyRssBytes: [1], capacityConnections: [null] } }, { steadyRssBytes: 0.1, capacityConnections: 0.1 });
  assert.deepEqual(rows.map((r) => [r.backend, r.key, r.outcome]), [['uws', 'steadyRssBytes', 'unchanged']]);
});

test('thresholds: metric=10% or a share; unknown or directionless metrics refused by name', () => {
  assert.deepEqual(parseThresholds(['latencyP99Ms=50%', 'cpuPctAvg=0.2']), { latencyP99Ms: 0.5, cpuPctAvg: 0.2 });
  assert.throws(() => parseThresholds(['rss=10%']), /unknown metric "rss"/);
  assert.throws(() => parseThresholds(['expected=10%']), /"expected" has no better direction/);
  assert.throws(() => parseThresholds(['latencyP99Ms']), /write it as metric=10%/);
});
