// Whether the machine, not the server, held a window back: from each second's CPU wait of the
// server's processes (schedstat), the host's busy CPUs and the server's own CPU. Pure, so the
// runner judges a window live with it and the collector derives it again from stored samples.
import { median } from './stats.ts';
import { formatValue } from './metrics.ts';

/**
 * A second counts as contended when the server waited at least this long for a CPU while the
 * host's CPUs were busy, a good part of that with something other than the server (the load
 * generator, the runner, anything else): the machine held the server back. Busy is a mean over
 * the second, and a broadcast is a burst of a few hundred ms in a mostly idle second, so the bar
 * for "busy" is well below 100%; the wait itself says the CPUs were full when it mattered.
 */
export const HOST_BOUND = { waitMsPerSec: 100, hostBusyPct: 60, othersPctOfCore: 20, shareOfSeconds: 0.2 } as const;

/**
 * A window whose CPU quota (a profile's cgroup) throttled the server in at least this share of
 * its scheduler periods was held back by the budget imposed on purpose, not by the server.
 */
export const BUDGET_BOUND_SHARE = 0.05;

/** The quota's throttling over one window, as the runner read it from cpu.stat. */
export interface CpuThrottling {
  periods: number;
  throttled: number;
}

export function budgetBound(t: CpuThrottling | null): boolean {
  return t !== null && t.periods > 0 && t.throttled / t.periods >= BUDGET_BOUND_SHARE;
}

/**
 * Which limit held a window back: the CPU budget (its quota throttled the server), this machine
 * (host-bound) or the server itself. One per window: a throttled server waits for a CPU because
 * of its quota, so its wait never also blames the machine. Read from the figures, never from a
 * reason's words, so rewording a verdict cannot change it.
 */
export function limitOf(w: { cpuThrottling?: CpuThrottling | null; hostBound?: string | null }): 'server' | 'budget' | 'machine' {
  if (budgetBound(w.cpuThrottling ?? null)) return 'budget';
  if (w.hostBound) return 'machine';
  return 'server';
}

/** One second of the server's host: its wait summed over its processes, the host's busy CPUs, the server's CPU. */
export interface ContendedSecond {
  waitMs: number;
  busyPct: number;
  cpus: number;
  serverCpuPct: number;
}

export interface Contention {
  seconds: number;
  contendedSeconds: number;
  serverWaitMsMedian: number | null;
  hostBusyPctMean: number | null;
  /** CPU used by everything but the server, % of one core, mean over the contended seconds. */
  othersPctMean: number | null;
  hostCpus: number | null;
  /** Why the window is host-bound, in words; null when it is not. */
  hostBound: string | null;
}

/** Whether a window's server seconds show the machine, not the server, as the limit. */
export function contentionOf(seconds: readonly ContendedSecond[]): Contention {
  const others = (s: (typeof seconds)[number]) => (s.busyPct * s.cpus) - s.serverCpuPct;
  const contended = seconds.filter((s) => s.waitMs >= HOST_BOUND.waitMsPerSec && s.busyPct >= HOST_BOUND.hostBusyPct && others(s) >= HOST_BOUND.othersPctOfCore);
  const wait = median(seconds.map((s) => s.waitMs));
  const busy = seconds.length ? seconds.reduce((a, s) => a + s.busyPct, 0) / seconds.length : null;
  const othersMean = contended.length ? contended.reduce((a, s) => a + others(s), 0) / contended.length : null;
  const cpus = seconds.length ? seconds[seconds.length - 1]!.cpus : null;
  const bound = seconds.length > 0 && contended.length >= Math.max(2, HOST_BOUND.shareOfSeconds * seconds.length);
  const waitContended = median(contended.map((s) => s.waitMs));
  const busyContended = median(contended.map((s) => s.busyPct));
  return {
    seconds: seconds.length,
    contendedSeconds: contended.length,
    serverWaitMsMedian: wait,
    hostBusyPctMean: busy,
    othersPctMean: othersMean,
    hostCpus: cpus,
    hostBound: bound
      ? `in ${contended.length} of ${seconds.length} s the server waited for a CPU, ${formatValue('msPerSecond', waitContended)} in the median of those seconds, while the host's ${cpus} CPUs were ${formatValue('percent', busyContended)} busy, ${formatValue('cpu', othersMean)} of it not the server's`
      : null,
  };
}


/** One host-bound window, as the warning lists it: "at 100,000 connections, in 300 of 600 s …". */
export const hostBoundAt = (targetConnections: number | null, reason: string): string =>
  targetConnections === null ? reason : `at ${formatValue('count', targetConnections)} connections, ${reason}`;

/**
 * The validity warning of a run whose windows were host-bound, each named "at N connections,
 * <its reason>": one wording for the runner's record and for the pages that show it.
 */
export function hostBoundWarning(windows: readonly string[]): string | null {
  return windows.length ? `host-bound: ${windows.join('; ')}: the machine, not the server, held it back (--server-cpus gives the server cores of its own)` : null;
}
