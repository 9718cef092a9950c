// Verdicts from fixed figures (docs/METRICS.md, "Verdicts").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliveredPct, judge, slope, type WindowFigures } from '../../runners/run/verdict.ts';

const steady: WindowFigures = {
  targetConnections: 1000, heldConnections: 1000, expected: 150_000, missing: 0, latencyP99Ms: 12, intervalMs: 2000,
  crashes: [], clientBound: [], aborted: false, rss: [[0, 100e6], [60_000, 100e6], [120_000, 100e6]], judgeMemorySlope: true,
};

test('a clean window is stable and says why', () => {
  assert.deepEqual(judge(steady), { verdict: 'stable', reason: 'held 1000, delivered 100.000%, p99 12.0 ms' });
});

test('each failed condition makes it unstable, with the reason named', () => {
  assert.match(judge({ ...steady, missing: 16 }).reason, /delivered 99\.989% \(< 99\.99%\): 16 of 150000 missing/);
  assert.equal(judge({ ...steady, missing: 15 }).verdict, 'stable'); // 99.990% is enough
  assert.match(judge({ ...steady, latencyP99Ms: 2000 }).reason, /latency p99 2000 ms ≥ the 2000 ms interval/);
  assert.match(judge({ ...steady, heldConnections: 999 }).reason, /held 999 of 1000 connections/);
  const growing: [number, number][] = [[0, 100e6], [60_000, 110e6], [120_000, 120e6]];
  assert.match(judge({ ...steady, rss: growing }).reason, /memory growing: \+20\.0 MB over 120 s/);
  assert.equal(judge({ ...steady, rss: growing, judgeMemorySlope: false }).verdict, 'stable');
  assert.equal(judge({ ...steady, rss: [[0, 100e6], [60_000, 120e6]] }).verdict, 'stable', 'under 120 s the slope is not judged');
});

test('crash, client-bound and abort take precedence, in that order', () => {
  assert.equal(judge({ ...steady, crashes: ['worker 1 killed by SIGKILL'], clientBound: ['x'], aborted: false }).verdict, 'crashed');
  assert.equal(judge({ ...steady, clientBound: ['shard-0 at ≥ 85% CPU for 10 s'] }).verdict, 'client-bound');
  assert.equal(judge({ ...steady, aborted: true, crashes: ['x'] }).verdict, 'aborted');
});

test('helpers: delivered% and least-squares slope', () => {
  assert.equal(deliveredPct(0, 0), null);
  assert.equal(deliveredPct(200, 1), 99.5);
  assert.equal(slope([[0, 0], [1, 2], [2, 4]]), 2);
  assert.equal(slope([[5, 1]]), 0);
});
