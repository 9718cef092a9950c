// A run's timeline as series: the server's totals on the one per-second grid (collector/stats.ts),
// and deliveries per tick. Ticks come every intervalMs (2 s by default), so per-second delivery
// counts alternate between a whole broadcast and nothing; per tick, a steady run is a flat line.
import type { ServerPoint, TickPoint, Timeline } from './query.ts';
import type { TickCounts } from './records.ts';
import { addOf, bySecond, maxOf } from './stats.ts';

/** The server's processes (and samplers, one per host) summed over one second. */
export interface ServerSecond {
  tMs: number;
  rssBytes: number;
  /** Null when a sample of that second had none (older runs; kernels before 4.14 for PSS). */
  pssBytes: number | null;
  anonBytes: number | null;
  cpuPct: number;
  connections: number | null;
}

export function serverPerSecond(points: readonly ServerPoint[]): ServerSecond[] {
  // A second's PSS or anonymous total only when every sample in it had one: a partial sum
  // would read as a drop.
  const partial = { pssBytes: new Set<number>(), anonBytes: new Set<number>() };
  const seconds = bySecond(
    points,
    (p) => p.tMs,
    (tMs): ServerSecond => ({ tMs, rssBytes: 0, pssBytes: 0, anonBytes: 0, cpuPct: 0, connections: null }),
    (acc, p) => {
      acc.rssBytes += p.rssBytes;
      acc.cpuPct += p.cpuPct;
      acc.connections = addOf(acc.connections, p.connections);
      for (const key of ['pssBytes', 'anonBytes'] as const) {
        if (p[key] === null) partial[key].add(acc.tMs);
        else acc[key]! += p[key];
      }
    },
  );
  for (const s of seconds) for (const key of ['pssBytes', 'anonBytes'] as const) if (partial[key].has(s.tMs)) s[key] = null;
  return seconds;
}

/** Deliveries of one tick, summed over every shard that judged it. */
export interface TickDelivery extends TickCounts {
  /** From the probes' deliveries of this tick (null where no probe reported one). */
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  latencyMaxMs: number | null;
  /** First to last arrival over every connection that reported the tick (docs/METRICS.md). */
  spreadMs: number | null;
}

/**
 * Each tick's spread over every shard: the earliest first arrival to the latest last one. The
 * shards keep the runner's clock (a client host's offset applied), so their times compare; and
 * never less than any one shard's own spread (older runs rounded first and last to 1 ms).
 */
export function mergedSpreads(ticks: readonly Pick<TickPoint, 'n' | 'firstMs' | 'lastMs' | 'spreadMs'>[]): Map<number, number> {
  const byTick = new Map<number, { first: number; last: number; own: number }>();
  for (const k of ticks) {
    if (k.spreadMs === null && (k.firstMs === null || k.lastMs === null)) continue;
    const m = byTick.get(k.n) ?? { first: Infinity, last: -Infinity, own: 0 };
    if (k.firstMs !== null && k.lastMs !== null) {
      m.first = Math.min(m.first, k.firstMs);
      m.last = Math.max(m.last, k.lastMs);
    }
    m.own = Math.max(m.own, k.spreadMs ?? 0);
    byTick.set(k.n, m);
  }
  const spreads = new Map<number, number>();
  for (const [n, m] of byTick) spreads.set(n, Math.round(Math.max(m.own, m.last > m.first ? m.last - m.first : 0) * 1000) / 1000);
  return spreads;
}

export interface TickSeries {
  /**
   * `ticks`: every shard's own judgement of each tick (runs since schema 3). `seconds`: older
   * runs, whose per-second judgements are mapped back to the tick judged in that second (exact
   * for expected and missing when the interval is at least 1 s; late is by arrival second, so
   * it may land on the tick before). `none`: nothing to build it from.
   */
  basis: 'ticks' | 'seconds' | 'none';
  ticks: TickDelivery[];
}

const empty = (n: number, scheduledMs: number): TickDelivery => ({
  n, scheduledMs, expected: 0, delivered: 0, late: 0, missing: 0, latencyP50Ms: null, latencyP99Ms: null, latencyMaxMs: null, spreadMs: null,
});

export function tickSeries(t: Pick<Timeline, 'run' | 'ticks' | 'clients'>): TickSeries {
  const byTick = new Map<number, TickDelivery>();
  const at = (n: number, scheduledMs: number) => {
    let d = byTick.get(n);
    if (!d) byTick.set(n, (d = empty(n, scheduledMs)));
    return d;
  };
  let judged = false;
  const spreads = mergedSpreads(t.ticks);
  for (const k of t.ticks) {
    const d = at(k.n, k.scheduledMs);
    d.spreadMs = spreads.get(k.n) ?? null;
    // Several probe sources: the worst of their percentiles, an upper bound.
    d.latencyP50Ms = maxOf(d.latencyP50Ms, k.latP50Ms);
    d.latencyP99Ms = maxOf(d.latencyP99Ms, k.latP99Ms);
    d.latencyMaxMs = maxOf(d.latencyMaxMs, k.latMaxMs);
    if (k.delivered !== null) {
      judged = true;
      d.expected += k.expectedReceivers ?? 0;
      d.delivered += k.delivered;
      d.late += k.late ?? 0;
      d.missing += k.missing ?? 0;
    }
  }
  const basis = judged ? 'ticks' : fromSeconds(t, at) ? 'seconds' : 'none';
  return { basis, ticks: [...byTick.values()].sort((a, b) => a.n - b.n) };
}

/**
 * Older runs: tick n is judged at t0 + n·interval + judgeAfter, and a client sample stamped t
 * holds the judgements of [t − 1 s, t); so the sample's expected and missing belong to tick
 * floor((t − 1 − t0 − judgeAfter) / interval), whatever the timer's delay below interval − 1 s.
 */
function fromSeconds(t: Pick<Timeline, 'run' | 'clients'>, at: (n: number, scheduledMs: number) => TickDelivery): boolean {
  const p = t.run.scenarioParams;
  if (typeof p.t0Ms !== 'number' || typeof p.intervalMs !== 'number' || p.intervalMs < 1000) return false;
  const interval = p.intervalMs;
  const judgeAfter = p.judgeAfterMs ?? 2 * interval;
  const lateMs = p.lateMs ?? interval;
  for (const c of t.clients) {
    if (c.expected > 0) {
      const n = Math.floor((c.tMs - 1 - p.t0Ms - judgeAfter) / interval);
      if (n >= 0) {
        const d = at(n, p.t0Ms + n * interval);
        d.expected += c.expected;
        d.missing += c.missing;
        d.delivered += c.expected - c.missing;
      }
    }
    if (c.late > 0) {
      const n = Math.floor((c.tMs - 1000 - p.t0Ms - lateMs) / interval);
      if (n >= 0) at(n, p.t0Ms + n * interval).late += c.late;
    }
  }
  return true;
}
