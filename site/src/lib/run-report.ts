// What a run's report says beside its charts, worked out once for the built report
// (pages/runs/[id]/index.astro), its JSON body (pages/data/runs/[id].json.ts) and the live page
// (site/live/): the headline figures, the setup, the events, and the body the charts draw from.
// Pure functions of the run, its timeline and its summary: the live page and the report of the
// same run print the same words and numbers because they call the same code.
import { eventSeverity, type Severity } from '../../../collector/events.ts';
import { formatValue, SAMPLED } from '../../../collector/metrics.ts';
import type { RunInfo, RunSummary, Timeline } from '../../../collector/query.ts';
import { limitsInWords, slowReadersInWords } from '../../../collector/scenario.ts';
import { loadGeneratorInWords, serverMachineInWords, serverNodeInWords } from '../../../collector/machines.ts';
import { elapsedSecond, secondOf } from '../../../collector/stats.ts';
import { figureRows, RUN_FIGURES, type FigureRow } from './figures.ts';
import { bytes, ms, num, when } from './format.ts';
import { addedBasisInWords } from '../../../collector/added-memory.ts';
import type { BackendLook } from './looks.ts';

// Figures a run did not record (PSS and idle memory before schema 3) are left out, not dashed.
const UNRECORDED = new Set(['steadyPssBytes', 'steadyAnonBytes', 'idleAnonBytes', 'addedRssBytesPerConn', 'idleRssBytes', 'serverCpuWaitMs', 'jitterP99Ms', 'jitterMaxMs', 'clumps', 'latencyMaxMs', ...Object.keys(SAMPLED)]);

/** The report's headline figures table, then the whole run's peak connections. */
export function reportFigureRows(summary: RunSummary): { key: string; label: string; value: string; source?: string }[] {
  const rows: { key: string; label: string; value: string; source?: string }[] = figureRows(summary, RUN_FIGURES).filter((f: FigureRow) => !(UNRECORDED.has(f.key) && f.value === '–'));
  return [...rows, { key: 'peak-connections', label: 'Peak connections (whole run)', value: num(summary.peakConnections) }];
}

/** What the headline figures are over and how they are computed, in words, under the table. */
export function figuresNote(summary: RunSummary): string {
  const capacity = summary.capacity;
  const windowWords = capacity ? (capacity.stable ? `the highest stable step (${num(capacity.stable.window.targetConnections)} connections)` : 'the first step') : summary.window.basis === 'hold' ? 'the hold window' : 'the whole run';
  // Where the latency figures come from, and how many deliveries they cover.
  const latencyWords = summary.latencyBasis === 'all'
    ? `Latency from each tick's scheduled time, over every delivery on every connection: ${num(summary.latency.count)} deliveries${summary.probeLatency.count ? ` (the ${num(summary.probeLatency.count)} probe deliveries alone: p99 ${ms(summary.probeLatency.p99Ms)})` : ''}. Jitter: each arrival's distance from one interval after its connection's previous one.`
    : summary.latencyBasis === 'probes' ? `Latency from each tick's scheduled time, from ${num(summary.latency.count)} probe deliveries (this run predates measuring every delivery).` : 'No latency was measured.';
  const added = summary.addedBasis === 'base' ? `the slope ${addedBasisInWords(summary)}, (steady at the hold − steady at the base hold) / connections between them` : '(steady − idle) / connections held';
  return `Over ${windowWords}. Memory per added connection is the heap and buffers one more connection costs (anonymous memory): ${added}. In RSS the same slope also holds the code pages the first connections map in, paid once. The total per connection includes every process's idle baseline, which dominates at small counts. RSS counts pages shared by the server's processes once per process; PSS splits them. ${latencyWords}`;
}

/** The host limits a run recorded at start, in words: what a reader checks before trusting a figure. */
function hostLimitsInWords(limits: Record<string, unknown> | null): string {
  if (!limits) return '–';
  const n = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : '–');
  const ports = limits.ephemeralPorts as { low?: number; high?: number } | undefined;
  return [
    limits.openFilesSoft !== undefined && `open files ${n(limits.openFilesSoft)} (hard ${n(limits.openFilesHard)})`,
    ports && `ephemeral ports ${n(ports.low)}–${n(ports.high)}`,
    limits.somaxconn !== undefined && `somaxconn ${n(limits.somaxconn)}`,
    limits.tcpMaxSynBacklog !== undefined && `tcp_max_syn_backlog ${n(limits.tcpMaxSynBacklog)}`,
    typeof limits.memAvailableBytes === 'number' && `memory available at start ${bytes(limits.memAvailableBytes)}`,
    limits.cgroup !== undefined && `cgroup ${limits.cgroup}`,
  ].filter(Boolean).join(' · ') || '–';
}

/** The report's setup table: what produced the figures. */
export function setupRows(run: RunInfo, look: BackendLook): [string, string][] {
  const scenario = run.scenarioParams;
  const setup: [string, string][] = [
    ['Backend', [`${look.title} (${run.backend})`, run.backendVersion, run.backendBuild].filter(Boolean).join(' · ')],
    ['TLS', `${run.tlsVersion ?? '–'} ${run.tlsCipher ?? ''}`],
    ['Scenario', `${run.scenario}: ${num(scenario.connections)} connections, ${scenario.messageBytes > 0 ? `${formatValue('bytes', scenario.messageBytes)} messages` : 'the seed\'s ~70-byte messages'} every ${formatValue('ms', scenario.intervalMs)}, hold ${formatValue('seconds', scenario.holdSec)}, ${scenario.workers} workers, compression ${scenario.compression ? 'on' : 'off'}, clients ${scenario.bulkClient}`],
    ...(scenario.slowShare > 0 ? [['Slow readers', `${slowReadersInWords(scenario)}; receive buffer ${formatValue('bytes', Number(scenario.slowRcvbufBytes ?? 0))}, segments of 1,400 bytes`] as [string, string]] : []),
    ['Server machine', serverMachineInWords(run.machines.server)],
    ['Server Node', serverNodeInWords(run.machines.serverNode)],
    ...(run.machines.server.remote || run.machines.clientHosts.length ? [['Load generator', loadGeneratorInWords(run.machines)] as [string, string]] : []),
    // Read where wsbench ran: for a --target run, the load generator's machine, not the server's.
    [run.machines.server.remote ? 'Load generator limits' : 'Limits', hostLimitsInWords(run.limits)],
    ['Started', `${when(run.startedMs)}${run.endedMs ? `, lasted ${Math.round((run.endedMs - run.startedMs) / 1000)} s` : ''}`],
  ];
  if (scenario.limits) setup.push(['Profile', `${limitsInWords(scenario.limits)}, imposed on this host by cgroups — not a run on that hardware`]);
  return setup;
}

export interface EventLine {
  /** Whole seconds since the run started. */
  second: number;
  kind: string;
  message: string;
  severity: Severity;
}

/** The run's events as the report lists them. */
export function eventLines(t: Timeline): EventLine[] {
  return t.events.map((e) => ({ second: Math.floor(elapsedSecond(e.tMs, t.run.startedMs)), kind: e.kind, message: e.message, severity: eventSeverity(e.kind, e.data) }));
}

/**
 * The body every chart of a run draws from: the run (with its backend's look), series on the
 * seconds-since-start grid, phases and events on the same axis (events with the severity they are
 * drawn with), and, in the built site, the summary and each hold as the figures its table gives.
 */
export function runBody<S, H>(t: Timeline, look: BackendLook, series: S, extra: { summary?: RunSummary; holds?: H } = {}) {
  const zero = secondOf(t.run.startedMs);
  const at = (ms: number) => Math.round((ms - zero) / 100) / 10;
  return {
    // A run from before schema 4 recorded no label or colour: the site's, as every page names it
    // (the compare page read "uws used 12.2x less" where the pair page said "uWS").
    run: { ...t.run, backendLabel: look.label, backendColor: look.color },
    ...(extra.summary ? { summary: extra.summary } : {}),
    series,
    events: t.events.map((e) => ({ t: Math.floor(at(e.tMs)), kind: e.kind, message: e.message, severity: eventSeverity(e.kind, e.data) })),
    ...(extra.holds ? { holds: extra.holds } : {}),
    phases: t.phases.map((p) => ({ name: p.name, step: p.step, targetConnections: p.targetConnections, from: at(p.startedMs), to: p.endedMs === null ? null : at(p.endedMs), verdict: p.verdict })),
  };
}
