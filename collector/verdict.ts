// The verdict of a window (docs/METRICS.md, "Verdicts"), as a pure function of its figures so
// it can be tested with fixed numbers and recomputed from a database.
import { formatValue, LIMIT_PREFIX, STABLE_DELIVERED_PCT } from './metrics.ts';
import { limitOf } from './contention.ts';
import type { Verdict } from './records.ts';

export interface WindowFigures {
  targetConnections: number;
  heldConnections: number;
  expected: number;
  missing: number;
  latencyP99Ms: number | null;
  intervalMs: number;
  crashes: string[];
  clientBound: string[];
  aborted: boolean;
  /** [time ms, total server RSS bytes] over the window. */
  rss: [number, number][];
  judgeMemorySlope: boolean;
  /** Why the machine, not the server, held the window back (runners/run/monitor.ts contentionOf); null if it did not. */
  hostBound?: string | null;
  /** A CPU limit's quota periods over the window, and how many throttled the server; null without a limit. */
  throttling?: { periods: number; throttled: number } | null;
}

/** Memory counts as growing past this much over the window (and 2% of its mean). */
const GROWTH_FLOOR_BYTES = 16 * 1024 * 1024;
const SLOPE_MIN_WINDOW_MS = 120_000;

export function deliveredPct(expected: number, missing: number): number | null {
  return expected > 0 ? (100 * (expected - missing)) / expected : null;
}

/** Least-squares slope in bytes per millisecond. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

// Every number in a verdict in the catalogue's format, as on every page: "held 47,546 of
// 50,000", "p99 5.07 s", never "p99 5071 ms" or "1150.0 ms".
const n = (v: number) => formatValue('count', v);
const ms = (v: number) => formatValue('ms', v);

export function judge(w: WindowFigures): { verdict: Verdict; reason: string } {
  if (w.aborted) return { verdict: 'aborted', reason: 'interrupted before the window ended' };
  if (w.crashes.length > 0) return { verdict: 'crashed', reason: w.crashes.join('; ') };
  if (w.clientBound.length > 0) return { verdict: 'client-bound', reason: `load generator saturated (${w.clientBound.join('; ')}): figures describe the client, not the server` };
  const reasons: string[] = [];
  if (w.heldConnections < w.targetConnections) reasons.push(`held ${n(w.heldConnections)} of ${n(w.targetConnections)} connections`);
  const delivered = deliveredPct(w.expected, w.missing);
  if (delivered === null) reasons.push('no tick was expected in the window');
  else if (delivered < STABLE_DELIVERED_PCT) reasons.push(`delivered ${formatValue('percent', delivered)} (< ${STABLE_DELIVERED_PCT}%): ${n(w.missing)} of ${n(w.expected)} missing`);
  if (w.latencyP99Ms === null) reasons.push('no latency measured');
  else if (w.latencyP99Ms >= w.intervalMs) reasons.push(`latency p99 ${ms(w.latencyP99Ms)} ≥ the ${ms(w.intervalMs)} interval`);
  if (w.judgeMemorySlope && w.rss.length >= 2) {
    const span = w.rss[w.rss.length - 1]![0] - w.rss[0]![0];
    if (span >= SLOPE_MIN_WINDOW_MS) {
      const growth = slope(w.rss) * span;
      const mean = w.rss.reduce((s, p) => s + p[1], 0) / w.rss.length;
      if (growth > Math.max(GROWTH_FLOOR_BYTES, 0.02 * mean)) reasons.push(`memory growing: +${formatValue('bytes', growth)} over ${formatValue('seconds', span / 1000)}`);
    }
  }
  // A window that failed while something other than the server held it back names that limit
  // first, and only one: a quota's throttling is why the server waited, so it is never also
  // blamed on the machine (collector/contention.ts limitOf).
  const t = w.throttling;
  const limit = limitOf({ cpuThrottling: t, hostBound: w.hostBound });
  const named = limit === 'budget' ? `${LIMIT_PREFIX.budget}: the CPU quota throttled the server in ${n(t!.throttled)} of ${n(t!.periods)} periods (${formatValue('percent', (100 * t!.throttled) / t!.periods)})` : limit === 'machine' ? `${LIMIT_PREFIX.machine}: ${w.hostBound}` : null;
  if (reasons.length) return { verdict: 'unstable', reason: [...(named ? [named] : []), ...reasons].join('; ') };
  const stable = `held ${n(w.heldConnections)}, delivered ${formatValue('percent', delivered)}, p99 ${ms(w.latencyP99Ms!)}`;
  return { verdict: 'stable', reason: limit === 'machine' ? `${stable}; host-bound: ${w.hostBound}` : stable };
}

export interface StepOutcome {
  connections: number;
  verdict: Verdict;
  reason: string;
}

export type RunStatus = 'completed' | 'aborted' | 'crashed' | 'failed';

/** What happened to a whole run, as facts: judged below into its status and verdict. */
export interface RunFacts {
  /** Ctrl-C (or the caller's abort). */
  interrupted: boolean;
  /** The run itself failed to set up or start (e.g. the server would not start). */
  failed: boolean;
  /** Harness problems: a client shard died, a remote host was lost, the run failed. */
  harnessFailures: string[];
  /** Server processes that died during the run. */
  crashes: string[];
  /** Each held window's verdict, in order (a capacity search stops at the first not stable). */
  steps: StepOutcome[];
  capacity: boolean;
}

/**
 * The run's status and verdict (docs/METRICS.md, "Verdicts"): an interruption, then a harness
 * failure, then a server crash outrank what any window said; a capacity search is judged by
 * its last step and names its highest stable one.
 */
export function runVerdict(f: RunFacts): { status: RunStatus; verdict: Verdict; reason: string } {
  if (f.interrupted) return { status: 'aborted', verdict: 'aborted', reason: 'interrupted (Ctrl-C)' };
  if (f.harnessFailures.length > 0) return { status: f.failed ? 'failed' : 'aborted', verdict: 'aborted', reason: f.harnessFailures.join('; ') };
  if (f.crashes.length > 0) return { status: 'crashed', verdict: 'crashed', reason: f.crashes.join('; ') };
  const last = f.steps[f.steps.length - 1];
  if (!last) return { status: 'completed', verdict: 'aborted', reason: 'no window was held' };
  if (!f.capacity) return { status: 'completed', verdict: last.verdict, reason: last.reason };
  const highest = f.steps.filter((s) => s.verdict === 'stable').pop();
  const ceiling = last.verdict === 'stable' ? ' (the ceiling)' : `; at ${n(last.connections)}: ${last.verdict}, ${last.reason}`;
  return { status: 'completed', verdict: last.verdict, reason: `${highest ? `highest stable step: ${n(highest.connections)} connections` : 'no stable step'}${ceiling}` };
}
