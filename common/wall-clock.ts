// The wall clock, to a fraction of a millisecond. Every tick's schedule is in wall-clock time
// (Date.now() in the server's Ticker, CLOCK_REALTIME in the native client), so a latency must
// be measured on the same clock. `performance.timeOrigin + performance.now()` is not that clock:
// it follows CLOCK_MONOTONIC from the moment the process started, and when the host's clock is
// slewed (NTP, a VM's clock sync) the two part. On this machine a shard measured the schedule
// 144 ms "in the future" after 30 s, and the collector refused its tick records for it.
//
// So: the monotonic clock for the fraction, re-anchored on Date.now() at most a second apart.
// Date.now() truncates to the millisecond, so an anchor is off by up to 1 ms; it is moved only
// when the two clocks have parted by more than that, which keeps the readings smooth.

const REANCHOR_EVERY_MS = 1000;

export class WallClock {
  private anchorMs: number;
  private anchoredAt: number;

  constructor(
    private readonly wallMs: () => number = Date.now,
    private readonly monoMs: () => number = () => performance.now(),
  ) {
    const mono = this.monoMs();
    this.anchorMs = this.wallMs() + 0.5 - mono;
    this.anchoredAt = mono;
  }

  /** Now, in wall-clock milliseconds since the epoch, with the monotonic clock's resolution. */
  now(): number {
    const mono = this.monoMs();
    if (mono - this.anchoredAt >= REANCHOR_EVERY_MS) {
      const fresh = this.wallMs() + 0.5 - mono;
      if (Math.abs(fresh - this.anchorMs) > 1) this.anchorMs = fresh;
      this.anchoredAt = mono;
    }
    return this.anchorMs + mono;
  }
}

const processClock = new WallClock();

export const preciseWallNowMs = (): number => processClock.now();
