// `wsbench show RUN`: one run's setup and headline figures (or its whole timeline as JSON).
import { ConfigError } from '../../common/errors.ts';
import { loadGeneratorInWords, serverMachineInWords, serverNodeInWords } from '../../collector/machines.ts';
import { format, formatBound, formatRange, HEADLINE, headlineValue, isLowerBound, SAMPLED, type HeadlineKey } from '../../collector/metrics.ts';
import { isSeries, summarizeSeries, type SeriesSummary } from '../../collector/repeats.ts';
import type { Spread } from '../../collector/spread.ts';
import { getRun, getSummary, getTimeline, type RunInfo, type RunSummary } from '../../collector/query.ts';
import { aboveIdleNote, addedBasisInWords } from '../../collector/added-memory.ts';
import { slowReadersInWords } from '../../collector/scenario.ts';
import { healthyCostInWords, slowOutcomeInWords } from '../../collector/slow-readers.ts';
import { openDatabase, prepareToRead } from '../../collector/schema.ts';
import { dbOption, jsonOption, parse } from '../args.ts';
import { DB_HELP, dbPath, EXIT, type Command } from '../command.ts';
import { formatBytes, formatDuration, formatMs, formatNumber, formatTime, table } from '../format.ts';

export const showCommand: Command = {
  name: 'show',
  summary: "show a run's setup and headline figures",
  help: `Usage: wsbench show RUN [options]

RUN is a run id or a unique prefix of one (see \`wsbench list\`), or a series id (wsbench run
--repeat): then each figure's median, min–max and 95% interval per backend, and each pair of
backends compared over the rounds they ran side by side.

Options:
${DB_HELP}
  --json             print {run, summary, figures} as JSON on stdout (figures: every catalogue figure with its value, unit and words)
  --timeline         with --json: include every sample, tick, phase and event

Examples:
  wsbench show 20261128-0930-uws
  wsbench show 20261128-0930-uws --json --timeline > timeline.json`,

  async run(argv) {
    const { values, positionals } = parse('show', argv, { ...dbOption, ...jsonOption, timeline: { type: 'boolean' } }, 1);
    const id = positionals[0];
    if (!id) throw new ConfigError('wsbench show: which run? give its id (see `wsbench list`)');
    if (values.timeline && !values.json) throw new ConfigError('--timeline only goes with --json');
    prepareToRead(dbPath(values.db));
    const db = openDatabase(dbPath(values.db), { readonly: true });
    try {
      if (isSeries(db, id)) {
        const series = summarizeSeries(db, id);
        process.stdout.write(values.json ? JSON.stringify(series, null, 2) + '\n' : describeSeries(series));
        return EXIT.ok;
      }
      const summary = getSummary(db, id);
      if (values.json) {
        const figures = figuresOf(summary);
        const output = values.timeline ? { ...getTimeline(db, summary.runId), summary, figures } : { run: getRun(db, summary.runId), summary, figures };
        process.stdout.write(JSON.stringify(output, null, 2) + '\n');
      } else {
        process.stdout.write(describe(getRun(db, summary.runId), summary));
      }
      return EXIT.ok;
    } finally {
      db.close();
    }
  },
};

/** The figures a series table shows, each as median (min–max) [95% interval] per backend. */
const SERIES_FIGURES: HeadlineKey[] = ['connections', 'capacityConnections', 'addedBytesPerConn', 'steadyRssBytes', 'cpuPctAvg', 'deliveredPct', 'missing', 'latencyP50Ms', 'latencyP99Ms', 'jitterP99Ms', 'clumps'];

function describeSeries(s: SeriesSummary): string {
  const spread = (key: HeadlineKey, x: Spread) =>
    x.n === 0 ? '–' : x.n === 1 ? `${format(HEADLINE[key], x.median)} (one run)` : `${format(HEADLINE[key], x.median)} (${formatRange(HEADLINE[key], x.min, x.max)}; 95% ${formatRange(HEADLINE[key], x.ciLow, x.ciHigh)})`;
  const keys = SERIES_FIGURES.filter((key) => s.backends.some((b) => s.figures[b]![key]!.n > 0));
  const runs = s.runs.map((r) => `${(r.seq ?? 0) + 1}. ${r.backend} ${r.verdict ?? r.status} ${r.id}`).join('\n');
  const head = `series ${s.id}: ${s.scenario}, ${s.runs.length} runs of ${s.backends.join(', ')} in this order\n${runs}\n\n`;
  const body = table(['FIGURE (median, min–max, 95% interval)', ...s.backends.map((b) => b.toUpperCase())], keys.map((key) => [HEADLINE[key].label, ...s.backends.map((b) => spread(key, s.figures[b]![key]!))]));
  return `${head}${body}\n${s.ratios.map((r) => `- ${r.phrase}`).join('\n')}\n`;
}

/**
 * Every headline figure of the catalogue, as the text and the site print it: its value, unit,
 * label and words, and whether it is a lower bound. What a script reads instead of the summary's
 * fields, so it gets derived figures (CPU per message, latency p99) with their meaning.
 */
function figuresOf(s: RunSummary): Record<string, { value: number | null; unit: string; label: string; text: string; atLeast: boolean }> {
  return Object.fromEntries(
    (Object.keys(HEADLINE) as HeadlineKey[]).map((key) => {
      const value = headlineValue(s as never, key);
      const atLeast = isLowerBound(s as never, key);
      return [key, { value, unit: HEADLINE[key].unit, label: HEADLINE[key].label, text: formatBound(HEADLINE[key], value, atLeast), atLeast }];
    }),
  );
}

function describe(run: RunInfo, s: RunSummary): string {
  const f = (key: HeadlineKey) => formatBound(HEADLINE[key], headlineValue(s as never, key), isLowerBound(s as never, key));
  const where = s.capacity ? `capacity step of ${formatNumber(s.window.targetConnections)} connections` : s.window.basis;
  const lines = [
    ['run', `${run.id}  ${run.name}`],
    ['backend', [run.backend, run.backendVersion, run.backendBuild].filter(Boolean).join(' ')],
    ['scenario', `${run.scenario} ${JSON.stringify(run.scenarioParams)}`],
    ['status', `${run.status}${run.verdict ? `, verdict ${run.verdict}` : ''}${s.runReason ? ` (${s.runReason})` : ''}`],
    ['result', s.headline],
    ['repeats', run.seriesId ? `run ${(run.seriesSeq ?? 0) + 1} of series ${run.seriesId} (wsbench show ${run.seriesId} gives each figure with its spread)` : 'one run: its figures are this run\'s alone (wsbench run --repeat N gives their spread)'],
    ['started', `${formatTime(run.startedMs)}, lasted ${formatDuration(s.durationMs)}`],
    ['server host', serverMachineInWords(run.machines.server)],
    ['server node', serverNodeInWords(run.machines.serverNode)],
    ...(run.machines.server.remote || run.machines.clientHosts.length ? [['load generator', loadGeneratorInWords(run.machines)]] : []),
    ['tls', [run.tlsVersion, run.tlsCipher].filter(Boolean).join(' ') || '–'],
    ['window', `${where} (${formatDuration(s.window.toMs - s.window.fromMs)})`],
    ['connections', `held ${f('connections')} (peak ${formatNumber(s.peakConnections)}; server saw ${formatNumber(s.serverPeakConnections)})`],
    ['memory', `steady ${f('steadyRssBytes')} RSS${s.steadyPssBytes !== null ? `, ${f('steadyPssBytes')} PSS` : ''}${s.steadyAnonBytes !== null ? `, ${f('steadyAnonBytes')} anonymous` : ''}; peak ${formatBytes(s.peakRssBytes)} RSS`],
    ['idle memory', s.idle ? `${f('idleRssBytes')} RSS${s.idlePssBytes !== null ? `, ${f('idlePssBytes')} PSS` : ''}${s.idleAnonBytes !== null ? `, ${f('idleAnonBytes')} anonymous` : ''} (${s.idle.samples} samples before the first connection)` : 'not recorded (the run predates the idle phase)'],
    ['per connection', `${s.addedBytesPerConn === null ? 'per added connection unknown (no idle memory)' : `${f('addedBytesPerConn')} per added connection (${addedBasisInWords(s)}, anonymous memory; ${f('addedRssBytesPerConn')} in RSS)`}${s.addedBasis === 'base' ? `; ${f('aboveIdleBytesPerConn')} above idle` : ''}; ${f('bytesPerConn')} total RSS, idle included`],
    ...(aboveIdleNote(s) ? [['', aboveIdleNote(s)!]] : []),
    ['server cpu', `${f('cpuPctAvg')} mean, ${f('cpuPctMax')} peak second (100% = one core)${s.serverCpuWaitMs !== null ? `; waited for a CPU ${f('serverCpuWaitMs')} (median), ${format(HEADLINE.serverCpuWaitMs, s.serverCpuWaitMsMax)} worst second, host ${formatNumber(s.hostBusyPctAvg, 0)}% busy` : ''}`],
    ['messages', `${formatNumber(s.msgsPerSecReceived, 1)}/s received of ${formatNumber(s.msgsPerSecExpected, 1)}/s expected, delivered ${f('deliveredPct')}`],
    ['missing/late', `${formatNumber(s.missing)} missing, ${formatNumber(s.late)} late, ${formatNumber(s.dropped)} dropped, ${formatNumber(s.duplicate)} duplicate`],
    ['latency', `p50 ${formatMs(s.latency.p50Ms)}, p99 ${formatMs(s.latency.p99Ms)}, max ${formatMs(s.latency.maxMs)} (${formatNumber(s.latency.count)} deliveries, ${s.latencyBasis === 'probes' ? 'probes only: the run predates measuring every delivery' : `every connection; probes alone p99 ${formatMs(s.probeLatency.p99Ms)}`})`],
    ['jitter', s.jitter.count ? `p50 ${formatMs(s.jitter.p50Ms)}, p99 ${formatMs(s.jitter.p99Ms)}, max ${formatMs(s.jitter.maxMs)}; ${formatNumber(s.clumps)} clumps` : 'not measured (the run predates it)'],
    ['tick spread', `worst ${f('worstSpreadMs')} (every connection)${s.spreadByHost ? `; per client host: ${s.spreadByHost.map((h) => `${h.host} ${formatMs(h.worstSpreadMs)}${h.clockUncertaintyMs !== null ? ` (clock ±${formatMs(h.clockUncertaintyMs)})` : ''}`).join(', ')}` : ''}`],
    // Every sampled metric of the catalogue, as it labels and formats it (metrics.ts SAMPLED).
    ...Object.keys(SAMPLED).map((key) => [HEADLINE[key as HeadlineKey].label.toLowerCase(), f(key as HeadlineKey)]),
    ...(s.slowReaders ? [
      ['slow readers', `${slowReadersInWords(run.scenarioParams as never)}; judged apart: every other client figure here is the healthy readers'`],
      ['', slowOutcomeInWords(s as never)!],
      ...(healthyCostInWords(s as never) ? [['', healthyCostInWords(s as never)!]] : []),
    ] : []),
    ['client', `busiest shard ${formatNumber(s.clientCpuPctMax, 1)}% cpu, ${formatBytes(s.clientRssBytesMax)} rss in all`],
    ['samples', `${s.samples.server} server, ${s.samples.client} client, ${s.samples.ticks} ticks, ${s.samples.events} events`],
  ];
  if (s.capacity) {
    for (const w of s.capacity.steps) {
      lines.push([`step ${w.window.step}`, `${formatNumber(w.window.targetConnections)}: held ${formatNumber(w.connections)}, ${formatBytes(w.steadyRssBytes)}, ${format(HEADLINE.addedBytesPerConn, w.addedBytesPerConn)}/added conn, cpu ${format(HEADLINE.cpuPctAvg, w.cpuPctAvg)}${w.serverCpuWaitMs !== null ? `, waited ${format(HEADLINE.serverCpuWaitMs, w.serverCpuWaitMs)}` : ''}, p99 ${formatMs(w.latency.p99Ms)}, delivered ${format(HEADLINE.deliveredPct, w.deliveredPct)}: ${w.verdict}`]);
    }
    if (s.marginalBytesPerConn !== null) lines.push(['capacity slope', `${f('marginalBytesPerConn')} per added connection (first to highest stable step)`]);
  }
  if (run.notes) lines.push(['notes', run.notes]);
  return table(['', ''], lines).split('\n').slice(1).join('\n');
}
