// The headline figures of a run (docs/METRICS.md), computed from its timeline: one function for
// any window (a hold, a capacity step, the idle phase), the memory a connection adds over the
// server's idle memory, and a capacity search's headline, which is its capacity: the highest
// stable step and what ended the search, never the failed peak.
import { budgetBound, contentionOf, hostBoundAt, hostBoundWarning, limitOf, type ContendedSecond, type CpuThrottling } from './contention.ts';
import { judge, runVerdict } from './verdict.ts';
import { NO_LATENCY, percentilesOfEncoded, type LatencyPercentiles } from './histogram.ts';
import { formatConnectionsShort, formatMs, formatValue, SAMPLED, STABLE_DELIVERED_PCT, type SampledDef } from './metrics.ts';
import type { PhaseInfo, Timeline } from './query.ts';
import type { Verdict } from './records.ts';
import { mergedSpreads, serverPerSecond, type ServerSecond } from './series.ts';
import { addOf, maxOf, mean, median, secondOf } from './stats.ts';
import { isSlowSource } from './cohort.ts';

export interface EncodedHistogram {
  tMs: number;
  /** The client shard or probe process that sent it (absent: counted as a shard). */
  source?: string;
  /** Delivery latency, µs. */
  hist: string;
  /** Arrival jitter, µs (schema 5 on). */
  jit?: string | null;
}

export interface SummaryWindow {
  fromMs: number;
  toMs: number;
  /** 'calm': the hold before slow readers slowed down (runs with slow readers). */
  basis: 'hold' | 'step' | 'whole-run' | 'calm';
  /** The capacity step (0-based) and the connections it aimed at, for a step window. */
  step: number | null;
  targetConnections: number | null;
}

/**
 * A level of load the server held still, with its memory: the idle phase (no client, sampled
 * before the first connection; runs since schema 3) or the base hold (half the connections,
 * before the hold). Memory per added connection is the slope from the lower level to a window.
 */
export interface MemoryLevel {
  fromMs: number;
  toMs: number;
  /** Connections held: 0 when idle; the clients' median inside the base hold. */
  connections: number;
  rssBytes: number;
  pssBytes: number | null;
  anonBytes: number | null;
  samples: number;
}

/** The levels a run held still: idle, and the base hold when it had one. */
export interface MemoryLevels {
  idle: MemoryLevel | null;
  base: MemoryLevel | null;
}

/**
 * The slow readers over a window (collector/cohort.ts): what happened to their deliveries, apart
 * from the healthy readers' figures, which are the window's own.
 */
export interface SlowReadersSummary {
  /** Median of the slow connections held, second by second. */
  connections: number | null;
  expected: number;
  missing: number;
  late: number;
  /** Ticks a slow reader never got, seen as gaps in its sequence: the server dropped them. */
  dropped: number;
  /** Slow connections that closed in the window (by the server, or lost). */
  closed: number;
  deliveredPct: number | null;
  /** How long their messages took, from each tick's schedule: how long they were stuck. */
  latency: LatencyPercentiles;
}

/** What a server did over one window. Field names are the metric catalogue's keys. */
export interface WindowSummary {
  window: SummaryWindow;
  /** Median of the connections the clients held, second by second. */
  connections: number | null;
  steadyRssBytes: number | null;
  steadyPssBytes: number | null;
  steadyAnonBytes: number | null;
  /** Steady RSS / connections: includes the processes' baseline (the seed's figure). */
  bytesPerConn: number | null;
  /**
   * What one more connection costs in anonymous memory (no code pages): the slope from the lower
   * level to this window, (steady − lower) / (connections − lower's). The lower level is the base
   * hold where the run had one, else idle (`addedBasis`). Null without either.
   */
  addedBytesPerConn: number | null;
  /** Which lower level `addedBytesPerConn` is read from. */
  addedBasis: 'base' | 'idle' | null;
  /** The same slope in RSS, code pages mapped on first use included. */
  addedRssBytesPerConn: number | null;
  /** (steady − idle) anonymous memory / connections, whatever the run's lower level: at small counts it depends on how much memory freed at start-up the allocator reuses. */
  aboveIdleBytesPerConn: number | null;
  cpuPctAvg: number | null;
  cpuPctMax: number | null;
  received: number;
  expected: number;
  missing: number;
  late: number;
  dropped: number;
  duplicate: number;
  outOfOrder: number;
  deliveredPct: number | null;
  msgsPerSecReceived: number | null;
  msgsPerSecExpected: number | null;
  /** Every delivery the clients measured (runs before schema 5: the probes' only). */
  latency: LatencyPercentiles;
  /** The probes' deliveries alone: a cross-check, and what older runs measured. */
  probeLatency: LatencyPercentiles;
  /** Where `latency` came from: every connection, or the probes (older runs). */
  latencyBasis: 'all' | 'probes' | null;
  jitter: LatencyPercentiles;
  /** Null in runs before schema 5, which did not count them. */
  clumps: number | null;
  worstSpreadMs: number | null;
  /**
   * With --clients: the worst spread among each client host's connections (one clock each), and
   * how well that host's clock offset is known, which bounds a spread merged across hosts.
   * Null when every connection was on the runner's host.
   */
  spreadByHost: { host: string; worstSpreadMs: number | null; clockUncertaintyMs: number | null }[] | null;
  /** The server's processes waiting for a CPU (runnable, not running), ms per second: median and worst second. */
  serverCpuWaitMs: number | null;
  serverCpuWaitMsMax: number | null;
  /** The server's CPUs busy (the host's, or its cpuset's), mean over the window (100% = every one). */
  hostBusyPctAvg: number | null;
  /** Why the machine, not the server, held this window back (collector/contention.ts), from its samples; null if it did not, or if a CPU quota throttled the server (then the budget did). */
  hostBound: string | null;
  /** A CPU quota's throttling over the window (the runner's cpu-throttling event); null without a quota or before it was recorded. */
  cpuThrottling: CpuThrottling | null;
  clientCpuPctMax: number | null;
  clientRssBytesMax: number | null;
  /** The load generator's own CPU wait: second by second its busiest shard's (ms), median over the window. */
  clientCpuWaitMs: number | null;
  /** Each sampled metric's window figure (metrics.ts SAMPLED), folded as its entry says. */
  sampled: Record<string, number | null>;
  /** Slow readers, judged apart; null without them. Every other client figure is the healthy readers'. */
  slowReaders: SlowReadersSummary | null;
  verdict: string | null;
  verdictReason: string | null;
}

export interface CapacityHeadline {
  /** Every step the search held, in order. */
  steps: WindowSummary[];
  /** The highest step judged stable: the capacity found. */
  stable: WindowSummary | null;
  /** The step that ended the search (not stable), if one did. */
  failed: WindowSummary | null;
  /** Why it failed, short: "p99 2.78 s", "delivered 79.6%, held 32.8k of 40k". */
  failedBecause: string | null;
  /**
   * What ended the search: the server itself, the CPU budget a limit imposed (its quota throttled
   * the failed step), or this machine (host-bound); null when no step failed.
   */
  limitedBy: 'server' | 'budget' | 'machine' | null;
  /** Every step was stable: the capacity is at least the last step. */
  ceiling: boolean;
  /** Capacity slope: RSS added per connection between the first and the highest stable step. */
  marginalBytesPerConn: number | null;
}

export interface RunSummary extends WindowSummary {
  runId: string;
  durationMs: number | null;
  peakConnections: number | null;
  serverPeakConnections: number | null;
  peakRssBytes: number | null;
  idle: MemoryLevel | null;
  /** The base hold's level, when the run had one. */
  base: MemoryLevel | null;
  /**
   * With slow readers: the healthy readers' figures while every reader still read at full speed
   * (the calm phase, less its last judgement delay, so no arrival after the slow-down counts):
   * what the hold's figures are set against. Null without a calm phase.
   */
  calm: WindowSummary | null;
  idleRssBytes: number | null;
  idlePssBytes: number | null;
  idleAnonBytes: number | null;
  capacity: CapacityHeadline | null;
  /** The capacity's connections (the stable step's target), for a capacity search. */
  capacityConnections: number | null;
  marginalBytesPerConn: number | null;
  /** One line that says how the run ended: "stable", "capacity 60k (failed at 70k: p99 2.78 s)". */
  headline: string;
  /**
   * The run's verdict reason in the collector's words, from these figures (as the runner words
   * it: collector/verdict.ts); the stored words where the figures cannot say (a crash, an
   * interruption) or would judge otherwise.
   */
  runReason: string | null;
  /** The validity warning for the windows this summary finds host-bound, worded once (contention.ts); null if none. */
  hostBoundWarning: string | null;
  samples: { server: number; client: number; ticks: number; events: number };
}

const isWindowPhase = (p: PhaseInfo) => p.name === 'hold' || p.name === 'step';
/** The cpu-throttling event follows its window's end by the runner's last second of watching (≤ 1.5 s) and the read itself. */
const THROTTLING_EVENT_SLACK_MS = 10_000;

/** Connections the clients held each second inside a window, slow readers' included: what the server held. */
function openPerSecond(t: Timeline, within: (ms: number) => boolean): number[] {
  const open = new Map<number, number>();
  for (const c of [...t.clients, ...(t.slowClients ?? [])]) if (within(c.tMs)) open.set(c.tMs, (open.get(c.tMs) ?? 0) + c.open);
  return [...open.values()];
}

/** A phase's memory level: the median of the server's per-second totals inside it, and of the clients' connections. */
function levelOf(t: Timeline, name: 'idle' | 'base', perSecond: ServerSecond[]): MemoryLevel | null {
  const phase = t.phases.find((p) => p.name === name && p.endedMs !== null);
  if (!phase) return null;
  const within = (ms: number) => ms >= secondOf(phase.startedMs) && ms <= phase.endedMs!;
  const inside = perSecond.filter((s) => within(s.tMs));
  const rss = median(inside.map((s) => s.rssBytes));
  if (rss === null) return null;
  const connections = name === 'idle' ? 0 : median(openPerSecond(t, within));
  if (connections === null) return null;
  return { fromMs: phase.startedMs, toMs: phase.endedMs!, connections, rssBytes: rss, pssBytes: medianOf(inside, 'pssBytes'), anonBytes: medianOf(inside, 'anonBytes'), samples: inside.length };
}

export function memoryLevels(t: Timeline, perSecond: ServerSecond[] = serverPerSecond(t.server)): MemoryLevels {
  return { idle: levelOf(t, 'idle', perSecond), base: levelOf(t, 'base', perSecond) };
}

/** The median of an optional total, only when every second has it. */
function medianOf(seconds: ServerSecond[], key: 'pssBytes' | 'anonBytes'): number | null {
  return seconds.length && seconds.every((s) => s[key] !== null) ? median(seconds.map((s) => s[key]!)) : null;
}

/** The memory one more connection costs between a lower level and a window: (steady − lower) / (connections − lower's). Null when either is unknown. */
export function addedPerConnection(steady: number | null, lower: number | null, connections: number | null, lowerConnections = 0): number | null {
  if (steady === null || lower === null || connections === null || connections <= lowerConnections) return null;
  return (steady - lower) / (connections - lowerConnections);
}

/** The figures of one window of a timeline; `perSecond` and `idle` may be passed in when known. */
export function summarizeWindow(
  t: Timeline,
  histograms: readonly EncodedHistogram[],
  window: SummaryWindow,
  verdict: { verdict: string | null; verdictReason: string | null } = { verdict: null, verdictReason: null },
  perSecond: ServerSecond[] = serverPerSecond(t.server),
  levels: MemoryLevels = memoryLevels(t, perSecond),
): WindowSummary {
  const { idle } = levels;
  // The base hold is a lower level only for the windows after it.
  const lower = levels.base && levels.base.toMs <= window.fromMs ? levels.base : idle;
  const inWindow = (ms: number) => ms >= window.fromMs && ms <= window.toMs;
  const server = perSecond.filter((s) => inWindow(s.tMs));
  const clients = t.clients.filter((c) => inWindow(c.tMs));
  const steadyRssBytes = median(server.map((s) => s.rssBytes));
  const steadyPssBytes = medianOf(server, 'pssBytes');
  const steadyAnonBytes = medianOf(server, 'anonBytes');
  // The clients' count (what was held from outside); the server's own count where no client reported.
  const connections = clients.length ? median(openPerSecond(t, inWindow)) : median(server.flatMap((s) => (s.connections === null ? [] : [s.connections])));
  const sum = (key: 'received' | 'expected' | 'missing' | 'late' | 'dropped' | 'duplicate' | 'outOfOrder') => clients.reduce((n, c) => n + c[key], 0);
  const expected = sum('expected');
  const missing = sum('missing');
  const received = sum('received');
  const cpu = server.map((s) => s.cpuPct);
  // Aligned to whole seconds like the per-second client points, so both cover the same samples.
  const windowHists = histograms.filter((h) => inWindow(secondOf(h.tMs)) && !isSlowSource(h.source ?? ''));
  const latency = percentilesOfEncoded(windowHists.map((h) => h.hist));
  const probeLatency = percentilesOfEncoded(windowHists.filter((h) => h.source === 'probe').map((h) => h.hist));
  const jitter = percentilesOfEncoded(windowHists.flatMap((h) => (h.jit ? [h.jit] : [])));
  const spreads = [...mergedSpreads(t.ticks.filter((k) => inWindow(k.scheduledMs))).values()];
  const waits = serverWaits(t, inWindow);
  const cpuThrottling = throttlingOf(t, window);
  // One limit per window (contention.ts limitOf): a throttled server's wait was its quota's.
  if (budgetBound(cpuThrottling)) waits.hostBound = null;
  const summary: WindowSummary = {
    window,
    connections,
    steadyRssBytes,
    steadyPssBytes,
    steadyAnonBytes,
    bytesPerConn: steadyRssBytes !== null && connections ? Math.round(steadyRssBytes / connections) : null,
    addedBytesPerConn: addedPerConnection(steadyAnonBytes, lower?.anonBytes ?? null, connections, lower?.connections),
    addedBasis: lower === null ? null : lower === idle ? 'idle' : 'base',
    addedRssBytesPerConn: addedPerConnection(steadyRssBytes, lower?.rssBytes ?? null, connections, lower?.connections),
    aboveIdleBytesPerConn: addedPerConnection(steadyAnonBytes, idle?.anonBytes ?? null, connections),
    cpuPctAvg: mean(cpu),
    cpuPctMax: cpu.length ? Math.max(...cpu) : null,
    received,
    expected,
    missing,
    late: sum('late'),
    dropped: sum('dropped'),
    duplicate: sum('duplicate'),
    outOfOrder: sum('outOfOrder'),
    // Every expected tick is judged once: delivered or missing (docs/METRICS.md).
    deliveredPct: expected > 0 ? (100 * (expected - missing)) / expected : null,
    msgsPerSecReceived: clients.length ? received / clients.length : null,
    msgsPerSecExpected: clients.length ? expected / clients.length : null,
    latency: clients.length || latency.count ? latency : { ...NO_LATENCY },
    probeLatency,
    latencyBasis: latency.count === 0 ? null : windowHists.some((h) => h.source !== 'probe') ? 'all' : 'probes',
    jitter,
    clumps: clients.reduce<number | null>((n, c) => addOf(n, c.clumps), null),
    worstSpreadMs: spreads.length ? Math.max(...spreads) : null,
    spreadByHost: spreadByHost(t, inWindow),
    ...waits,
    cpuThrottling,
    clientCpuPctMax: clients.reduce<number | null>((m, c) => maxOf(m, c.clientCpuPctMax), null),
    clientRssBytesMax: clients.reduce<number | null>((m, c) => maxOf(m, c.clientRssBytes), null),
    // Second by second the shard that waited longest, median over the window (docs/METRICS.md, "Client-bound").
    clientCpuWaitMs: median(clients.flatMap((c) => (c.clientCpuWaitMsMax === null ? [] : [c.clientCpuWaitMsMax]))),
    sampled: sampledFigures(t, inWindow),
    slowReaders: slowReadersIn(t, histograms, inWindow),
    verdict: verdict.verdict,
    verdictReason: verdict.verdictReason,
  };
  summary.verdictReason = reasonInOwnWords(t, summary, server);
  return summary;
}

/** The run's reason: its hold window's, or a capacity search's from its steps' (runVerdict), when the run completed as recorded. */
function runReasonOf(t: Timeline, headlineWindow: WindowSummary, capacity: CapacityHeadline | null): string | null {
  if (t.run.status !== 'completed') return t.run.verdictReason;
  if (!capacity) return headlineWindow.window.basis === 'hold' ? headlineWindow.verdictReason : t.run.verdictReason;
  const steps = [...capacity.steps].sort((a, b) => (a.window.step ?? 0) - (b.window.step ?? 0));
  const judged = runVerdict({
    interrupted: false, failed: false, harnessFailures: [], crashes: [], capacity: true,
    steps: steps.map((w) => ({ connections: w.window.targetConnections ?? 0, verdict: (w.verdict ?? 'aborted') as Verdict, reason: w.verdictReason ?? '' })),
  });
  return judged.verdict === t.run.verdict ? judged.reason : t.run.verdictReason;
}

/** The slow readers' deliveries over a window; null when the run had none in it. */
function slowReadersIn(t: Timeline, histograms: readonly EncodedHistogram[], inWindow: (ms: number) => boolean): SlowReadersSummary | null {
  const seconds = (t.slowClients ?? []).filter((c) => inWindow(c.tMs));
  if (seconds.length === 0) return null;
  const sum = (key: 'expected' | 'missing' | 'late' | 'dropped' | 'closed') => seconds.reduce((n, c) => n + c[key], 0);
  const expected = sum('expected');
  const missing = sum('missing');
  return {
    connections: median(seconds.map((c) => c.open)),
    expected,
    missing,
    late: sum('late'),
    dropped: sum('dropped'),
    closed: sum('closed'),
    deliveredPct: expected > 0 ? (100 * (expected - missing)) / expected : null,
    latency: percentilesOfEncoded(histograms.filter((h) => isSlowSource(h.source ?? '') && inWindow(secondOf(h.tMs))).map((h) => h.hist)),
  };
}

/** The calm phase's window: from its first judgement to its end, so every arrival in it came before the slow-down. */
function calmWindow(t: Timeline, histograms: readonly EncodedHistogram[], perSecond: ServerSecond[], levels: MemoryLevels): WindowSummary | null {
  const calm = t.phases.find((p) => p.name === 'calm' && p.endedMs !== null);
  const judgeAfterMs = t.run.scenarioParams.judgeAfterMs ?? 0;
  if (!calm || calm.endedMs! - calm.startedMs <= judgeAfterMs) return null;
  return summarizeWindow(t, histograms, { fromMs: calm.startedMs + judgeAfterMs, toMs: calm.endedMs!, basis: 'calm', step: null, targetConnections: calm.targetConnections }, undefined, perSecond, levels);
}

/** Each sampled metric over a window: its seconds inside, folded by the catalogue's overWindow. */
function sampledFigures(t: Timeline, inWindow: (ms: number) => boolean): Record<string, number | null> {
  const fold = { median, mean, max: (xs: number[]) => (xs.length ? Math.max(...xs) : null), sum: (xs: number[]) => (xs.length ? xs.reduce((n, x) => n + x, 0) : null) };
  return Object.fromEntries(
    (Object.values(SAMPLED) as SampledDef[]).map((def) => [def.key, fold[def.overWindow]((t.sampled?.[def.key] ?? []).filter((s) => inWindow(s.tMs)).map((s) => s.value))]),
  );
}

/** What decides a verdict that only the runner sees live: crashes, a saturated or silent load generator, an interruption. */
export interface LiveFacts {
  crashes: string[];
  clientBound: string[];
  aborted: boolean;
}

const NOTHING_LIVE: LiveFacts = { crashes: [], clientBound: [], aborted: false };

/**
 * A window's verdict from its summary, by collector/verdict.ts judge. The runner judges each
 * window live with this, over the same summary `show` and the site read, so a verdict and the
 * table beside it cannot print two numbers for one figure. `server` is the window's per-second
 * server totals (the memory-growth rule reads them).
 */
export function judgeSummary(t: Pick<Timeline, 'run'>, w: WindowSummary, server: readonly ServerSecond[], live: LiveFacts = NOTHING_LIVE): { verdict: Verdict; reason: string } {
  return judge({
    targetConnections: w.window.targetConnections ?? 0,
    heldConnections: w.connections ?? 0,
    expected: w.expected,
    missing: w.missing,
    latencyP99Ms: w.latency.p99Ms,
    intervalMs: t.run.scenarioParams.intervalMs,
    ...live,
    rss: server.map((s) => [s.tMs, s.rssBytes]),
    judgeMemorySlope: t.run.scenarioParams.memorySlope,
    hostBound: w.hostBound,
    throttling: w.cpuThrottling,
  });
}

/**
 * A stored verdict's reason, worded again from this summary (judgeSummary), so a run recorded
 * before the words changed reads in today's words. What a summary cannot see (a crash, a
 * saturated load generator, an interruption) keeps the stored words, and so does a window the
 * figures would judge otherwise than the runner did live: the verdict stands as recorded.
 */
function reasonInOwnWords(t: Timeline, w: WindowSummary, server: readonly ServerSecond[]): string | null {
  if ((w.verdict !== 'stable' && w.verdict !== 'unstable') || w.window.targetConnections === null || w.connections === null) return w.verdictReason;
  const judged = judgeSummary(t, w, server);
  return judged.verdict === w.verdict ? judged.reason : w.verdictReason;
}

/** The runner reads cpu.stat when a window ends and records it as an event naming the window's connections. */
function throttlingOf(t: Timeline, window: SummaryWindow): CpuThrottling | null {
  if (window.targetConnections === null) return null;
  const event = t.events.find((e) => {
    const d = e.data as { connections?: unknown; periods?: unknown; throttled?: unknown } | null;
    return e.kind === 'cpu-throttling' && d?.connections === window.targetConnections && e.tMs >= window.fromMs && e.tMs <= window.toMs + THROTTLING_EVENT_SLACK_MS && typeof d.periods === 'number' && typeof d.throttled === 'number';
  });
  const d = event?.data as { periods: number; throttled: number } | undefined;
  return d ? { periods: d.periods, throttled: d.throttled } : null;
}

/**
 * Bulk shard i ran on client host i mod n (runners/client/fleet.ts deals them round-robin, in
 * env.clients' order); the probes stay on the runner's host. Per host, its shards share a clock.
 */
function spreadByHost(t: Timeline, inWindow: (ms: number) => boolean): WindowSummary['spreadByHost'] {
  const hosts = (t.run.env as { clients?: { host?: string; clock?: { uncertaintyMs?: number } }[] }).clients;
  if (!hosts?.length) return null;
  const hostOf = (source: string) => {
    const i = /^shard-(\d+)$/.exec(source);
    return i ? hosts[Number(i[1]) % hosts.length] : undefined;
  };
  return hosts.map((h) => {
    const spreads = [...mergedSpreads(t.ticks.filter((k) => inWindow(k.scheduledMs) && hostOf(k.source) === h)).values()];
    return { host: h.host ?? '?', worstSpreadMs: spreads.length ? Math.max(...spreads) : null, clockUncertaintyMs: h.clock?.uncertaintyMs ?? null };
  });
}

/** The server's CPU wait and the host's busy CPUs over a window (runs since schema 5). */
function serverWaits(t: Timeline, inWindow: (ms: number) => boolean): Pick<WindowSummary, 'serverCpuWaitMs' | 'serverCpuWaitMsMax' | 'hostBusyPctAvg' | 'hostBound'> {
  const perSecond = new Map<number, ContendedSecond>();
  for (const s of t.server) {
    if (!inWindow(s.tMs) || s.cpuWaitMs === null || s.hostBusyPct === null || s.hostCpus === null) continue;
    const second = perSecond.get(s.tMs) ?? { waitMs: 0, busyPct: 0, cpus: s.hostCpus, serverCpuPct: 0 };
    second.waitMs += s.cpuWaitMs;
    second.serverCpuPct += s.cpuPct;
    second.busyPct = Math.max(second.busyPct, s.hostBusyPct);
    perSecond.set(s.tMs, second);
  }
  const seconds = [...perSecond.values()];
  const waits = seconds.map((s) => s.waitMs);
  return {
    serverCpuWaitMs: median(waits),
    serverCpuWaitMsMax: waits.length ? Math.max(...waits) : null,
    hostBusyPctAvg: mean(seconds.map((s) => s.busyPct)),
    hostBound: contentionOf(seconds).hostBound,
  };
}

/** One summary per hold phase or capacity step that ended, in order. */
export function heldWindows(t: Timeline, histograms: readonly EncodedHistogram[] = [], perSecond = serverPerSecond(t.server), levels = memoryLevels(t, perSecond)): WindowSummary[] {
  return t.phases
    .filter((p) => isWindowPhase(p) && p.endedMs !== null)
    .map((p) =>
      summarizeWindow(
        t,
        histograms,
        { fromMs: p.startedMs, toMs: p.endedMs!, basis: p.name === 'step' ? 'step' : 'hold', step: p.step, targetConnections: p.targetConnections },
        p,
        perSecond,
        levels,
      ),
    )
    .filter((w) => w.connections !== null && w.steadyRssBytes !== null);
}

/**
 * Why a step was not stable, in a few words, from its own figures and the thresholds of the
 * verdict (docs/METRICS.md, "Verdicts"): "p99 2.78 s", "delivered 79.6%, held 32.8k of 40k".
 */
export function failureInWords(w: WindowSummary, intervalMs: number): string {
  // The seed's own word for it: a server process the kernel killed out of memory.
  if (w.verdict === 'crashed') return /out of memory/.test(w.verdictReason ?? '') ? 'OOM-killed' : 'crashed';
  if (w.verdict === 'client-bound') return 'load generator saturated';
  if (w.verdict === 'aborted') return 'interrupted';
  const why: string[] = [];
  if (w.deliveredPct !== null && w.deliveredPct < STABLE_DELIVERED_PCT) why.push(`delivered ${formatValue('percent', w.deliveredPct)}`);
  if (w.latency.p99Ms !== null && w.latency.p99Ms >= intervalMs) why.push(`p99 ${formatMs(w.latency.p99Ms)}`);
  // A few connections short (69,997 of 70,000) fails the verdict too, but is named only when it
  // is the reason or a real shortfall: "held 70k of 70k" would say nothing.
  const short = w.window.targetConnections !== null && w.connections !== null && w.connections < w.window.targetConnections;
  if (short && (why.length === 0 || w.connections! < 0.99 * w.window.targetConnections!)) {
    const near = w.connections! >= 0.99 * w.window.targetConnections!;
    const n = (v: number) => (near ? formatValue('connections', v) : formatConnectionsShort(v));
    why.push(`held ${n(w.connections!)} of ${n(w.window.targetConnections!)}`);
  }
  if (why.length === 0 && /memory growing/.test(w.verdictReason ?? '')) why.push('memory growing');
  return why.length ? why.join(', ') : (w.verdictReason ?? w.verdict ?? 'not stable');
}

/** A capacity search's result: the highest stable step, the step that failed and why. */
export function capacityHeadline(steps: WindowSummary[], intervalMs: number): CapacityHeadline {
  const ordered = [...steps].sort((a, b) => (a.window.step ?? 0) - (b.window.step ?? 0));
  const stableSteps = ordered.filter((w) => w.verdict === 'stable');
  const stable = stableSteps[stableSteps.length - 1] ?? null;
  const failed = ordered.find((w) => w.verdict !== 'stable') ?? null;
  const first = stableSteps[0];
  const marginal =
    first && stable && stable !== first && stable.steadyRssBytes !== null && first.steadyRssBytes !== null && stable.connections !== null && first.connections !== null && stable.connections > first.connections
      ? (stable.steadyRssBytes - first.steadyRssBytes) / (stable.connections - first.connections)
      : null;
  return {
    steps: ordered,
    stable,
    failed,
    failedBecause: failed ? failureInWords(failed, intervalMs) : null,
    // Which CPU limit held an unstable step back; a crash or an interruption is its own reason.
    limitedBy: failed?.verdict === 'unstable' ? limitOf(failed) : null,
    ceiling: failed === null && stable !== null,
    marginalBytesPerConn: marginal,
  };
}

/** A step's connections as a reader names it: the target it aimed at, else what it held. */
const stepConnections = (w: WindowSummary): number => w.window.targetConnections ?? w.connections ?? 0;

/** The one line that says how a run ended, for badges and shared descriptions. */
export function headlineOf(verdict: string | null, status: string, capacity: CapacityHeadline | null): string {
  if (!capacity) return verdict ?? status;
  const { stable, failed, failedBecause } = capacity;
  if (stable && !failed) {
    // Stable asks for a p99 under the interval, not for no straggler: stragglers are named.
    const late = capacity.steps.reduce((n, w) => n + w.late, 0);
    const slowest = Math.max(0, ...capacity.steps.map((w) => w.latency.maxMs ?? 0));
    const stragglers = late > 0 ? `; ${formatValue('count', late)} late, the slowest ${formatMs(slowest)}` : '';
    return `capacity ≥ ${formatConnectionsShort(stepConnections(stable))} (every step stable${stragglers})`;
  }
  const limit = capacity.limitedBy === 'machine' ? '; host-bound: the machine was the limit' : capacity.limitedBy === 'budget' ? '; the CPU budget was the limit' : '';
  const failure = failed ? `${failed.verdict === 'aborted' ? 'stopped' : 'failed'} at ${formatConnectionsShort(stepConnections(failed))}: ${failedBecause}${limit}` : (verdict ?? status);
  return stable ? `capacity ${formatConnectionsShort(stepConnections(stable))} (${failure})` : `no stable step (${failure})`;
}

/**
 * The headline figures of a run, over its hold window; for a capacity search, over its highest
 * stable step (or its first step when none was stable), with the search's result beside them.
 */
export function summarizeTimeline(t: Timeline, histograms: readonly EncodedHistogram[]): RunSummary {
  const perSecond = serverPerSecond(t.server);
  const levels = memoryLevels(t, perSecond);
  const { idle } = levels;
  const lastSampleMs = Math.max(t.run.startedMs, ...t.server.map((s) => s.tMs), ...t.clients.map((c) => c.tMs));
  const isCapacity = t.phases.some((p) => p.name === 'step');
  const intervalMs = t.run.scenarioParams.intervalMs;
  let capacity: CapacityHeadline | null = null;
  let headlineWindow: WindowSummary;
  if (isCapacity) {
    capacity = capacityHeadline(heldWindows(t, histograms, perSecond, levels), intervalMs);
    headlineWindow = capacity.stable ?? capacity.steps[0] ?? wholeRun();
  } else {
    const holds = t.phases.filter(isWindowPhase);
    headlineWindow =
      holds.length > 0
        ? summarizeWindow(
            t,
            histograms,
            { fromMs: Math.min(...holds.map((h) => h.startedMs)), toMs: Math.max(...holds.map((h) => h.endedMs ?? lastSampleMs)), basis: 'hold', step: null, targetConnections: holds[0]!.targetConnections },
            { verdict: t.run.verdict, verdictReason: t.run.verdictReason },
            perSecond,
            levels,
          )
        : wholeRun();
  }
  function wholeRun(): WindowSummary {
    const window: SummaryWindow = { fromMs: t.run.startedMs, toMs: t.run.endedMs ?? lastSampleMs, basis: 'whole-run', step: null, targetConnections: null };
    return summarizeWindow(t, histograms, window, { verdict: t.run.verdict, verdictReason: t.run.verdictReason }, perSecond, levels);
  }
  return {
    ...headlineWindow,
    runId: t.run.id,
    durationMs: t.run.endedMs === null ? lastSampleMs - t.run.startedMs : t.run.endedMs - t.run.startedMs,
    peakConnections: t.clients.length ? Math.max(...openPerSecond(t, () => true)) : null,
    serverPeakConnections: perSecond.some((s) => s.connections !== null) ? Math.max(...perSecond.map((s) => s.connections ?? 0)) : null,
    peakRssBytes: perSecond.length ? Math.max(...perSecond.map((s) => s.rssBytes)) : null,
    idle,
    base: levels.base,
    calm: calmWindow(t, histograms, perSecond, levels),
    idleRssBytes: idle?.rssBytes ?? null,
    idlePssBytes: idle?.pssBytes ?? null,
    idleAnonBytes: idle?.anonBytes ?? null,
    capacity,
    capacityConnections: capacity?.stable ? stepConnections(capacity.stable) : null,
    marginalBytesPerConn: capacity?.marginalBytesPerConn ?? null,
    headline: headlineOf(t.run.verdict, t.run.status, capacity),
    runReason: runReasonOf(t, headlineWindow, capacity),
    hostBoundWarning: hostBoundWarning((capacity ? capacity.steps : [headlineWindow]).flatMap((w) => (w.hostBound ? [hostBoundAt(w.window.targetConnections, w.hostBound)] : []))),
    samples: { server: t.server.length, client: t.clients.reduce((n, c) => n + c.sources, 0), ticks: t.ticks.length, events: t.events.length },
  };
}
