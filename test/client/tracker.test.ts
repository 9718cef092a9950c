// The delivery tracker with fixed sequences: gaps, duplicates, out-of-order arrivals, late
// deliveries and per-tick judgement counted exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readTick } from '../../runners/client/protocol.ts';
import { DeliveryTracker, newConnState, wasReceived } from '../../runners/client/tracker.ts';
import { tickPayload } from '../../runners/backends/ticker.ts';

test('a connection that loses every 10th tick: dropped and missing both count exactly those ticks', () => {
  const tracker = new DeliveryTracker({ lateMs: 2000, probe: false, intervalMs: 2000 });
  const lossy = newConnState(0);
  const fine = newConnState(0);
  for (let n = 1; n <= 100; n++) {
    tracker.onSchedule(n, n * 1000, [lossy, fine]);
    if (n % 10 !== 0) tracker.onTick(lossy, n, n * 1000, n * 1000 + 5);
    tracker.onTick(fine, n, n * 1000, n * 1000 + 5);
    if (n > 2) tracker.evaluate(n - 2, [lossy, fine]);
  }
  const { counts } = tracker.take();
  // Ticks 1..98 judged: 196 expected; lossy missed 10, 20, …, 90.
  assert.deepEqual(counts, { received: 190, expected: 196, duplicate: 0, outOfOrder: 0, dropped: 9, late: 0, missing: 9 });
});

test('duplicates, out-of-order arrivals and late deliveries are told apart', () => {
  const tracker = new DeliveryTracker({ lateMs: 100, probe: false, intervalMs: 2000 });
  const c = newConnState(0);
  tracker.onSchedule(1, 1000, [c]);
  tracker.onTick(c, 1, 1000, 1010);
  tracker.onTick(c, 1, 1000, 1020); // duplicate
  tracker.onTick(c, 3, 3000, 3010); // gap: 2 dropped
  tracker.onTick(c, 2, 2000, 3020); // out of order, and late
  tracker.onTick(c, 2, 2000, 3030); // duplicate of an out-of-order one
  assert.equal(wasReceived(c, 2), true);
  assert.equal(wasReceived(c, 4), false);
  assert.deepEqual(tracker.take().counts, { received: 3, expected: 0, duplicate: 2, outOfOrder: 1, dropped: 1, late: 1, missing: 0 });
});

test('a connection subscribed after a tick was scheduled does not expect it', () => {
  const tracker = new DeliveryTracker({ lateMs: 2000, probe: false, intervalMs: 2000 });
  const early = newConnState(0);
  const late = newConnState(1500); // subscribed between tick 1 and tick 2
  tracker.onSchedule(1, 1000, [early, late]);
  tracker.onSchedule(2, 2000, [early, late]);
  tracker.onTick(early, 1, 1000, 1001);
  tracker.onTick(early, 2, 2000, 2001);
  tracker.onTick(late, 2, 2000, 2001);
  tracker.evaluate(1, [early, late]);
  tracker.evaluate(2, [early, late]);
  assert.deepEqual(tracker.take().counts, { received: 3, expected: 3, duplicate: 0, outOfOrder: 0, dropped: 0, late: 0, missing: 0 });
});

test('probes: latency from the schedule into a histogram, and per-tick spread', () => {
  const tracker = new DeliveryTracker({ lateMs: 2000, probe: true, intervalMs: 2000 });
  const a = newConnState(0);
  const b = newConnState(0);
  tracker.onSchedule(7, 7000, [a, b]);
  tracker.onTick(a, 7, 7000, 7002.5);
  tracker.onTick(b, 7, 7000, 7012.5);
  const judged = tracker.evaluate(7, [a, b])!;
  const tally = judged.tally!;
  assert.deepEqual({ receivers: tally.receivers, expected: judged.expected, spread: tally.lastMs - tally.firstMs }, { receivers: 2, expected: 2, spread: 10 });
  // The tick's own latency, from the probes' two deliveries of it.
  assert.deepEqual(judged.latency, { p50Ms: 2.5, p99Ms: 12.5, maxMs: 12.5 });
  const taken = tracker.take();
  assert.equal(taken.spreadMaxMs, 10);
  assert.ok(taken.latHistUs && taken.lat);
  assert.ok(Math.abs(taken.lat.p50 - 2.5) < 0.01 && Math.abs(taken.lat.max - 12.5) < 0.02, JSON.stringify(taken.lat));
});

test('readTick finds seq and schedule in both backends\' frames', () => {
  const payload = tickPayload('AAPL', 42, 1795859561120);
  assert.deepEqual(readTick(payload), { seq: 42, scheduledMs: 1795859561120 });
  assert.deepEqual(readTick(`42["tick",${payload}]`), { seq: 42, scheduledMs: 1795859561120 });
  assert.equal(readTick('3'), undefined);
});

test('each tick is judged on its own: expected, delivered, late and missing belong to that tick', () => {
  const tracker = new DeliveryTracker({ lateMs: 2000, probe: false, intervalMs: 2000 });
  const conns = [newConnState(0), newConnState(0), newConnState(0)];
  tracker.onSchedule(1, 2000, conns);
  tracker.onSchedule(2, 4000, conns);
  // Tick 1: two on time, one 2.5 s late (still before its judgement at 6 s); the third connection
  // never gets tick 2. Tick 2's late arrival lands in the same second as tick 1's judgement.
  tracker.onTick(conns[0]!, 1, 2000, 2005);
  tracker.onTick(conns[1]!, 1, 2000, 2010);
  tracker.onTick(conns[2]!, 1, 2000, 4500);
  tracker.onTick(conns[0]!, 2, 4000, 4005);
  tracker.onTick(conns[1]!, 2, 4000, 6100);
  const one = tracker.evaluate(1, conns)!;
  const two = tracker.evaluate(2, conns)!;
  assert.deepEqual(
    [one, two].map((j) => ({ n: j.n, scheduledMs: j.scheduledMs, expected: j.expected, delivered: j.delivered, late: j.late, missing: j.missing })),
    [
      { n: 1, scheduledMs: 2000, expected: 3, delivered: 3, late: 1, missing: 0 },
      { n: 2, scheduledMs: 4000, expected: 3, delivered: 2, late: 1, missing: 1 },
    ],
  );
  // Every shard keeps each tick's arrivals, for the run's merged spread.
  assert.deepEqual(one.tally && { receivers: one.tally.receivers, firstMs: one.tally.firstMs, lastMs: one.tally.lastMs }, { receivers: 3, firstMs: 2005, lastMs: 4500 });
  assert.equal(one.latency, undefined, 'per-tick latency percentiles are the probes\' alone');
  assert.deepEqual(tracker.take().counts, { received: 5, expected: 6, duplicate: 0, outOfOrder: 0, dropped: 0, late: 2, missing: 1 });
});

test('every delivery goes into the latency histogram, on a bulk shard too', () => {
  const tracker = new DeliveryTracker({ lateMs: 2000, probe: false, intervalMs: 2000 });
  const conns = Array.from({ length: 10 }, () => newConnState(0));
  tracker.onSchedule(1, 2000, conns);
  conns.forEach((c, i) => tracker.onTick(c, 1, 2000, 2000 + (i === 9 ? 1500 : 10)));
  const taken = tracker.take();
  assert.ok(taken.lat, 'latency measured');
  assert.ok(taken.lat.p50 < 11 && taken.lat.p99 >= 1499 && taken.lat.max >= 1499, JSON.stringify(taken.lat));
});

test('jitter and clumps: a tick held back and sent with the next is one clump, jitter one interval', () => {
  const tracker = new DeliveryTracker({ lateMs: 2000, probe: false, intervalMs: 1000 });
  const c = newConnState(0);
  // Ticks 1..6 on schedule + 5 ms, except tick 3, held back and sent with tick 4.
  for (const [n, at] of [[1, 1005], [2, 2005], [3, 4005], [4, 4006], [5, 5005], [6, 6005]] as const) tracker.onTick(c, n, n * 1000, at);
  const taken = tracker.take();
  assert.equal(taken.clumps, 1);
  assert.ok(taken.jit, 'jitter measured');
  assert.ok(Math.abs(taken.jit.max - 1000) < 2, `jitter max ${taken.jit.max} ms`);
  assert.ok(taken.jit.p50 < 2, `jitter p50 ${taken.jit.p50} ms`);
  // A dropped tick is dropped, not jitter: tick 8 two intervals after tick 6 is on time.
  tracker.onTick(c, 8, 8000, 8005);
  const after = tracker.take();
  assert.equal(after.counts.dropped, 1);
  assert.ok(after.jit && after.jit.max < 1, `jitter after a drop ${after.jit?.max} ms`);
  assert.equal(after.clumps, 0);
});
