// A run's chartable series from its timeline: every page's charts, the CSV, the holds, and the
// live page (site/live/feed.ts) read them from here. Per-second series on the seconds-since-start
// grid, per-tick series on each tick's scheduled second, downsampled with their min–max band.
import { bucketValue, SERIES, SERIES_KEYS } from '../../../collector/metrics.ts';
import type { Timeline } from '../../../collector/query.ts';
import { serverPerSecond, tickSeries, type TickSeries } from '../../../collector/series.ts';
import { elapsedSecond } from '../../../collector/stats.ts';

/**
 * A run's chartable series, keyed by the metric catalogue's SERIES keys: per-second series on
 * `t` (seconds since the run started, on the one grid of collector/stats.ts), per-tick series on
 * `tickT` (each tick's scheduled second). Downsampled to at most maxPoints per grid, each point
 * the bucket's mean or worst value as the catalogue's `bucket` says, with the bucket's min and
 * max beside it (`KEY.min`, `KEY.max`) so peaks and dips survive.
 */
export interface ChartSeries {
  t: number[];
  tickT: number[];
  /** Seconds per point: 1 is full resolution. */
  bucketSeconds: number;
  /** Ticks per point on tickT: 1 is every tick. */
  bucketTicks: number;
  /** Where the per-tick figures come from (collector/series.ts, TickSeries.basis). */
  tickBasis: TickSeries['basis'];
  [metric: string]: (number | null)[] | number | string;
}


function downsample(rows: Map<number, Record<string, number | null>>, keys: string[], maxPoints: number) {
  const times = [...rows.keys()].sort((a, b) => a - b);
  const bucket = Math.max(1, Math.ceil(times.length / maxPoints));
  const t: number[] = [];
  const columns: Record<string, (number | null)[]> = Object.fromEntries(keys.map((k) => [k, []]));
  for (let i = 0; i < times.length; i += bucket) {
    const group = times.slice(i, i + bucket).map((x) => rows.get(x)!);
    t.push(times[i]!);
    for (const key of keys) {
      const values = group.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
      columns[key]!.push(values.length ? bucketValue(SERIES[key]!.bucket, values) : null);
      // The seconds a point stands for, as a band: a peak the mean hides still shows.
      if (bucket > 1) {
        (columns[`${key}.min`] ??= []).push(values.length ? Math.min(...values) : null);
        (columns[`${key}.max`] ??= []).push(values.length ? Math.max(...values) : null);
      }
    }
  }
  return { t, bucket, columns };
}

/** A timeline's chartable series, worked out anew (the live page's, a few seconds at a time); pages use seriesOf. */
export function buildSeries(t: Timeline, maxPoints: number): ChartSeries {
  const start = t.run.startedMs;
  const perSecond = new Map<number, Record<string, number | null>>();
  const at = (ms: number) => {
    const second = elapsedSecond(ms, start);
    let row = perSecond.get(second);
    if (!row) perSecond.set(second, (row = {}));
    return row;
  };
  for (const s of serverPerSecond(t.server)) {
    const row = at(s.tMs);
    row.rssBytes = s.rssBytes;
    row.cpuPct = s.cpuPct;
    row.serverConnections = s.connections;
  }
  // The series read straight from a stored field (PSS, anonymous memory, CPU wait, backpressure…), each second as the timeline combined it.
  for (const [key, seconds] of Object.entries(t.sampled)) for (const s of seconds) at(s.tMs)[key] = s.value;
  for (const c of t.clients) {
    const row = at(c.tMs);
    row.connections = c.open;
    row.received = c.received;
    row.latencyP50Ms = c.latency.p50Ms;
    row.latencyP99Ms = c.latency.p99Ms;
    row.spreadMs = c.spreadMaxMs;
    row.jitterP99Ms = c.jitter.p99Ms;
    row.clientCpuPct = c.clientCpuPctMax;
  }
  // Slow readers, apart (collector/cohort.ts): the server held their connections too.
  for (const c of t.slowClients) {
    const row = at(c.tMs);
    row.connections = (row.connections ?? 0) + c.open;
    row.slowOpen = c.open;
    row.slowLatencyP50Ms = c.latency.p50Ms;
    row.slowLatencyP99Ms = c.latency.p99Ms;
  }
  const ticks = tickSeries(t);
  const perTick = new Map<number, Record<string, number | null>>();
  for (const k of ticks.ticks) {
    perTick.set(elapsedSecond(k.scheduledMs, start), {
      tickExpected: k.expected,
      tickDelivered: k.delivered,
      tickMissing: k.missing,
      tickLate: k.late,
      tickLatencyP99Ms: k.latencyP99Ms,
      tickSpreadMs: k.spreadMs,
    });
  }
  const secondKeys = SERIES_KEYS.filter((k) => SERIES[k]!.grid === 'second');
  const tickKeys = SERIES_KEYS.filter((k) => SERIES[k]!.grid === 'tick');
  const seconds = downsample(perSecond, secondKeys, maxPoints);
  const tickColumns = downsample(perTick, tickKeys, maxPoints);
  return { t: seconds.t, tickT: tickColumns.t, bucketSeconds: seconds.bucket, bucketTicks: tickColumns.bucket, tickBasis: ticks.basis, ...seconds.columns, ...tickColumns.columns };
}

