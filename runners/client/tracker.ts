// Per-connection delivery checks and their per-second sums (docs/METRICS.md): each connection
// keeps its last sequence number and a bitmask of the 30 before it, a few bytes that tell gaps,
// duplicates and out-of-order arrivals apart. A tick is judged once per connection, a fixed
// time after its schedule: delivered or missing, so delivered% is exact per tick. Every arrival's
// latency and jitter go into histograms, and each tick's first and last arrival are kept, on
// every shard: the run merges them over all connections (docs/METRICS.md).
import { encodeHistogram, newLatencyHistogram, type Histogram } from '../../collector/histogram.ts';
import type { DeliveryCounts, TickCounts } from '../../collector/records.ts';

export interface ConnState {
  lastSeq: number;
  /** Bit i set: tick lastSeq-1-i arrived. */
  mask: number;
  /** The first tick scheduled after this connection was subscribed; Infinity until then. */
  firstTick: number;
  /** When the client learnt it was subscribed (uWS: the 101; Socket.IO: the connect ack). */
  subscribedAtMs: number;
  /** The previous in-order arrival's time (NaN: none yet), for jitter and clumps. */
  lastArrivalMs: number;
  /** The previous arrival was already counted in a clump. */
  inClump: boolean;
}

export const newConnState = (subscribedAtMs = Infinity): ConnState => ({ lastSeq: -1, mask: 0, firstTick: Infinity, subscribedAtMs, lastArrivalMs: NaN, inClump: false });

/** µs for a histogram: at least 1 (its lowest value), at most its highest (an hour). */
const histogramUs = (ms: number) => Math.min(3_600_000_000, Math.max(1, Math.round(ms * 1000)));

const WINDOW = 30;

export function wasReceived(c: ConnState, n: number): boolean {
  if (n > c.lastSeq || c.lastSeq < 0) return false;
  const d = c.lastSeq - n;
  if (d === 0) return true;
  if (d > WINDOW) return true; // long judged: evaluation happens within a few ticks
  return ((c.mask >>> (d - 1)) & 1) === 1;
}

export interface TickTally {
  n: number;
  scheduledMs: number;
  expected: number;
  firstMs: number;
  lastMs: number;
  receivers: number;
}

export type IntervalCounts = DeliveryCounts;

/** A shard's judgement of one tick, with its arrivals on this shard's connections. */
export interface TickJudgement extends TickCounts {
  tally?: TickTally;
  /** Probes only. */
  latency?: { p50Ms: number; p99Ms: number; maxMs: number };
}

/** The q-quantile of sorted values (nearest rank, as hdr-histogram reports percentiles). */
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

export interface TakenFigures {
  counts: IntervalCounts;
  latHistUs?: string;
  lat?: { p50: number; p90: number; p99: number; max: number };
  jitHistUs?: string;
  jit?: { p50: number; p99: number; max: number };
  clumps: number;
  spreadMaxMs: number | null;
}

export class DeliveryTracker {
  counts: IntervalCounts = { received: 0, expected: 0, duplicate: 0, outOfOrder: 0, dropped: 0, late: 0, missing: 0 };
  /** Every delivery's latency in µs from its tick's schedule. */
  private readonly histogram: Histogram = newLatencyHistogram();
  /** Every in-order arrival's distance in µs from one interval per tick after the previous one. */
  private readonly jitter: Histogram = newLatencyHistogram();
  private clumps = 0;
  private readonly ticks = new Map<number, TickTally>();
  private worstSpreadMs: number | null = null;
  private readonly pending = new Map<number, { expected: number; scheduledMs: number }>(); // tick → who expects it
  /** Late arrivals per tick, attributed to the tick they belong to (not the second they came in). */
  private readonly lateByTick = new Map<number, number>();
  /** Probes: each tick's delivery latencies in ms (one per probe connection). */
  private readonly latencyByTick = new Map<number, number[]>();

  constructor(
    private readonly options: { lateMs: number; probe: boolean; intervalMs: number },
  ) {}

  /** One tick frame arrived on connection `c` at `nowMs` (fractional ms for probes). */
  onTick(c: ConnState, seq: number, scheduledMs: number, nowMs: number): void {
    const counts = this.counts;
    const previousSeq = c.lastSeq;
    const inOrder = c.lastSeq < 0 || seq > c.lastSeq;
    if (c.lastSeq < 0) {
      if (c.firstTick !== Infinity && seq > c.firstTick) counts.dropped += seq - c.firstTick;
      c.lastSeq = seq;
      c.mask = 0;
    } else if (seq > c.lastSeq) {
      const gap = seq - c.lastSeq - 1;
      counts.dropped += gap;
      c.mask = gap + 1 > WINDOW ? 0 : ((c.mask << (gap + 1)) | (1 << gap)) & 0x3fffffff;
      c.lastSeq = seq;
    } else if (seq === c.lastSeq || (c.lastSeq - seq <= WINDOW && ((c.mask >>> (c.lastSeq - seq - 1)) & 1) === 1)) {
      counts.duplicate++;
      return;
    } else {
      counts.outOfOrder++;
      const d = c.lastSeq - seq;
      if (d <= WINDOW) c.mask |= 1 << (d - 1);
    }
    counts.received++;
    const latencyMs = nowMs - scheduledMs;
    if (latencyMs > this.options.lateMs) {
      counts.late++;
      this.lateByTick.set(seq, (this.lateByTick.get(seq) ?? 0) + 1);
    }
    this.histogram.recordValue(histogramUs(latencyMs));
    if (inOrder) this.onInOrderArrival(c, seq, previousSeq, nowMs);
    if (this.options.probe) {
      const latencies = this.latencyByTick.get(seq);
      if (latencies) latencies.push(latencyMs);
      else this.latencyByTick.set(seq, [latencyMs]);
    }
    const tally = this.ticks.get(seq);
    if (tally) {
      tally.receivers++;
      if (nowMs < tally.firstMs) tally.firstMs = nowMs;
      if (nowMs > tally.lastMs) tally.lastMs = nowMs;
    } else {
      this.ticks.set(seq, { n: seq, scheduledMs, expected: 0, firstMs: nowMs, lastMs: nowMs, receivers: 1 });
    }
  }

  /**
   * Jitter: how far this arrival is from one interval per tick after the connection's previous
   * one (a dropped tick is counted as dropped, not as jitter). A clump: ticks arriving within a
   * tenth of an interval of each other on one connection, counted once however many it holds.
   */
  private onInOrderArrival(c: ConnState, seq: number, previousSeq: number, nowMs: number): void {
    if (!Number.isNaN(c.lastArrivalMs) && previousSeq >= 0) {
      const gapMs = nowMs - c.lastArrivalMs;
      this.jitter.recordValue(histogramUs(Math.abs(gapMs - (seq - previousSeq) * this.options.intervalMs)));
      if (gapMs < this.options.intervalMs / 10) {
        if (!c.inClump) this.clumps++;
        c.inClump = true;
      } else {
        c.inClump = false;
      }
    }
    c.lastArrivalMs = nowMs;
  }

  /**
   * Tick n is due: every connection subscribed by its scheduled time expects it. (A busy loop may
   * get here late, after hearing of subscriptions made after the tick was published.)
   */
  onSchedule(n: number, scheduledMs: number, subscribed: Iterable<ConnState>): void {
    let expected = 0;
    for (const c of subscribed) {
      if (c.subscribedAtMs > scheduledMs) continue;
      if (c.firstTick === Infinity) c.firstTick = n;
      expected++;
    }
    this.pending.set(n, { expected, scheduledMs });
    const tally = this.ticks.get(n);
    if (tally) tally.expected = expected;
    else this.ticks.set(n, { n, scheduledMs, expected, firstMs: Infinity, lastMs: -Infinity, receivers: 0 });
  }

  /**
   * Judges tick n: connections that expected it and have it count as delivered, the rest (and
   * those that closed since) as missing. Returns the judgement, with the probes' tally if any.
   */
  evaluate(n: number, connections: Iterable<ConnState>): TickJudgement | undefined {
    const due = this.pending.get(n);
    if (due === undefined) return undefined;
    this.pending.delete(n);
    let delivered = 0;
    for (const c of connections) if (c.firstTick <= n && wasReceived(c, n)) delivered++;
    // A connection may hold a tick it was not counted as expecting (subscribed just after the
    // schedule): delivered never exceeds expected, so missing = expected − delivered.
    delivered = Math.min(delivered, due.expected);
    const missing = due.expected - delivered;
    this.counts.expected += due.expected;
    this.counts.missing += missing;
    const late = this.lateByTick.get(n) ?? 0;
    const latencies = this.latencyByTick.get(n)?.sort((a, b) => a - b);
    this.lateByTick.delete(n);
    this.latencyByTick.delete(n);
    const tally = this.ticks.get(n);
    this.ticks.delete(n);
    if (tally && tally.receivers > 1) {
      const spread = tally.lastMs - tally.firstMs;
      this.worstSpreadMs = this.worstSpreadMs === null ? spread : Math.max(this.worstSpreadMs, spread);
    }
    // Forget what belongs to ticks never scheduled here (arrived before we subscribed).
    for (const map of [this.ticks, this.lateByTick, this.latencyByTick]) for (const k of map.keys()) if (k < n - WINDOW) map.delete(k);
    return {
      n,
      scheduledMs: due.scheduledMs,
      expected: due.expected,
      delivered,
      late,
      missing,
      ...(tally ? { tally } : {}),
      ...(latencies?.length ? { latency: { p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), maxMs: latencies[latencies.length - 1]! } } : {}),
    };
  }

  /** This interval's figures; resets them for the next one. */
  take(): TakenFigures {
    const taken: TakenFigures = { counts: this.counts, clumps: this.clumps, spreadMaxMs: this.worstSpreadMs };
    this.counts = { received: 0, expected: 0, duplicate: 0, outOfOrder: 0, dropped: 0, late: 0, missing: 0 };
    this.worstSpreadMs = null;
    this.clumps = 0;
    const h = this.histogram;
    if (h.totalCount > 0) {
      taken.latHistUs = encodeHistogram(h);
      taken.lat = { p50: h.getValueAtPercentile(50) / 1000, p90: h.getValueAtPercentile(90) / 1000, p99: h.getValueAtPercentile(99) / 1000, max: h.maxValue / 1000 };
      h.reset();
    }
    const j = this.jitter;
    if (j.totalCount > 0) {
      taken.jitHistUs = encodeHistogram(j);
      taken.jit = { p50: j.getValueAtPercentile(50) / 1000, p99: j.getValueAtPercentile(99) / 1000, max: j.maxValue / 1000 };
      j.reset();
    }
    return taken;
  }
}
