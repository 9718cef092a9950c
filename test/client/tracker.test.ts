// The delivery tracker with fixed sequences: gaps, duplicates, out-of-order arrivals, late
// deliveries and per-tick judgement counted exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readTick } from '../../runners/client/protocol.ts';
import { DeliveryTracker, newConnState, wasReceived } from '../../runners/client/tracker.ts';
import { tickPayload } from '../../runners/backends/ticker.ts';

test('a connection that loses every 10th tick: dropped and missing both count exactly those ticks', () => {
  const tracker = new DeliveryTracker({ lateMs: 2000, probe: false });
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
  const tracker = new DeliveryTracker({ lateMs: 100, probe: false });
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
  const tracker = new DeliveryTracker({ lateMs: 2000, probe: false });
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
  const tracker = new DeliveryTracker({ lateMs: 2000, probe: true });
  const a = newConnState(0);
  const b = newConnState(0);
  tracker.onSchedule(7, 7000, [a, b]);
  tracker.onTick(a, 7, 7000, 7002.5);
  tracker.onTick(b, 7, 7000, 7012.5);
  const tally = tracker.evaluate(7, [a, b])!;
  assert.deepEqual({ receivers: tally.receivers, expected: tally.expected, spread: tally.lastMs - tally.firstMs }, { receivers: 2, expected: 2, spread: 10 });
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
