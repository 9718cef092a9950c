import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preciseWallNowMs, WallClock } from '../../common/wall-clock.ts';

test('the precise wall clock follows a wall clock that drifts from the monotonic one', { timeout: 5_000 }, () => {
  // The drift met on this machine: the wall clock 144 ms behind the monotonic one after 30 s.
  let mono = 1_000.25;
  const wall = () => Math.floor(1_700_000_000_000 + mono - (mono - 1_000) * (144 / 30_000));
  const clock = new WallClock(wall, () => mono);
  let previous = clock.now();
  for (let step = 0; step < 3_000; step++) {
    mono += 10.37;
    const reading = clock.now();
    // Within the re-anchoring period the reading drifts at most 4.8 ms/s × 1 s, plus Date's 1 ms.
    assert.ok(Math.abs(reading - wall()) < 7, `at ${mono.toFixed(0)} ms: ${reading} vs wall ${wall()}`);
    assert.ok(reading >= previous - 6, 'readings never jump back by more than the drift of one period');
    previous = reading;
  }
  const monotonicOnly = 1_700_000_000_000 + mono;
  assert.ok(monotonicOnly - wall() > 140, 'the test drifts as much as the machine did');
});

test('readings stay within 1.5 ms of Date.now(), plus however far the two clocks parted, and keep their fraction', { timeout: 5_000 }, async () => {
  // The anchor is off by up to 0.5 ms (Date.now() truncates) and moves only when the clocks part
  // by more than 1 ms: 1.5 ms at most, 2 with Date's own truncation of before and after. Between
  // re-anchorings the readings follow the monotonic clock, so on a machine whose wall clock is
  // being slewed (this VM's drifted 4.8 ms/s under load) they may also be off by how far the
  // wall clock has moved from it since the anchor: measured here, not assumed away.
  const clock = new WallClock();
  const [wall0, mono0] = [Date.now(), performance.now()];
  const readings: number[] = [];
  for (let i = 0; i < 20; i++) {
    const before = Date.now();
    const reading = clock.now();
    const after = Date.now();
    const parted = Math.abs(after - wall0 - (performance.now() - mono0));
    assert.ok(reading >= before - 2 - parted && reading <= after + 2 + parted, `${reading} more than 1.5 ms outside [${before}, ${after + 1}), the clocks ${parted.toFixed(2)} ms apart`);
    readings.push(reading);
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  assert.ok(readings.some((r) => r % 1 !== 0), 'sub-millisecond resolution');
  assert.ok(Math.abs(preciseWallNowMs() - Date.now()) < 1000, 'the process clock reads the wall clock');
});
