// Prints every figure of the reference write-ups (data/writeups/) from runs: by default the
// reference runs shipped in data/reference; with --measure, new runs of the same commands on this
// machine (about an hour and a half), printed beside the shipped ones.
// Usage: npm run bench:reference -- [--measure] [--only 100k|pi4|quick|backends|slow]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compare, HEADLINE, type HeadlineKey } from '../collector/metrics.ts';
import { summarizeSeries } from '../collector/repeats.ts';
import { spreadInWords } from '../collector/series-words.ts';
import { getSummary, getTimeline, listRuns, type RunInfo } from '../collector/query.ts';
import type { WindowSummary } from '../collector/summary.ts';
import { importReferenceRuns, REFERENCE_DIR } from '../collector/reference.ts';
import { openDatabase, type Db } from '../collector/schema.ts';

const { values } = parseArgs({ options: { measure: { type: 'boolean' }, only: { type: 'string' } } });
if (values.only !== undefined && !['100k', 'pi4', 'quick', 'backends', 'slow'].includes(values.only)) {
  console.error(`bench:reference: --only must be 100k, pi4, quick, backends or slow, got "${values.only}"`);
  process.exit(2);
}

/** The commands behind the reference runs, exactly as the write-up gives them. */
const COMMANDS = {
  '100k': ['run', '--backend', 'uws', '--scenario', 'seed-100k'],
  pi4: ['run', '--backend', 'uws,socketio', '--scenario', 'capacity', '--profile', 'pi4'],
  quick: ['run', '--backend', 'uws,socketio', '--scenario', 'quick', '--repeat', '5'],
  backends: ['run', '--backend', 'uws,socketio,ws,socketio-uws', '--scenario-file', 'data/scenarios/backends-20k.json'],
  slow: ['run', '--backend', 'uws,socketio,ws,socketio-uws', '--scenario', 'slow-consumers', '--profile', 'pi4', '--repeat', '3'],
} as const;

/** The four backends of "Where Socket.IO's cost comes from", in the write-up's order. */
const FOUR = ['uws', 'ws', 'socketio-uws', 'socketio'] as const;

const MB = (b: number | null) => (b === null ? 'n/a' : `${(b / 1e6).toFixed(1)} MB`);
const KB = (b: number | null) => (b === null ? 'n/a' : `${(b / 1e3).toFixed(2)} KB`);
const pct = (p: number | null, digits = 1) => (p === null ? 'n/a' : `${p.toFixed(digits)}%`);
const msec = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v)} ms`);
const profileOf = (run: RunInfo) => (run.scenarioParams.profile as { profile?: string } | undefined)?.profile ?? null;

function machine(run: RunInfo): string {
  return `${run.host}: ${run.cpuModel}, ${run.cores} cores, ${MB(run.memTotalBytes)}, ${run.os}, kernel ${run.kernel}, Node ${run.nodeVersion}`;
}

/** The backends a reference command runs (its --backend list). */
const backendsOf = (args: readonly string[]) => args[args.indexOf('--backend') + 1]!.split(',');

function print100k(db: Db, label: string): void {
  const [backend] = backendsOf(COMMANDS['100k']);
  const run = listRuns(db).find((r) => r.scenario === 'seed-100k' && r.backend === backend && profileOf(r) === null);
  if (!run) return void console.log(`${label}: no seed-100k ${backend} run`);
  const s = getSummary(db, run.id);
  const timeline = getTimeline(db, run.id);
  const clientsRss = Math.max(0, ...timeline.clients.map((c) => c.clientRssBytes ?? 0));
  const inWindow = timeline.clients.filter((c) => c.tMs >= s.window.fromMs && c.tMs <= s.window.toMs);
  const clientCpu = inWindow.reduce((n, c) => n + (c.clientCpuPctTotal ?? 0), 0) / Math.max(1, inWindow.length);
  console.log(`\n## 100k on this machine (${label}): run ${run.id}`);
  console.log(`machine           ${machine(run)}`);
  console.log(`verdict           ${run.verdict}: ${run.verdictReason}`);
  console.log(`validity          ${(run.validity as { valid?: boolean } | null)?.valid === false ? 'INVALID' : 'valid'}`);
  console.log(`connections held  ${s.peakConnections?.toLocaleString('en-US')}`);
  console.log(`delivered         ${pct(s.deliveredPct, 3)} of ${s.expected.toLocaleString('en-US')} expected messages (missing ${s.missing}; delivered but later than ${run.scenarioParams.lateMs} ms: ${s.late}; dropped ${s.dropped})`);
  console.log(`server memory     ${MB(s.steadyRssBytes)} steady (RSS), ${MB(s.peakRssBytes)} peak; ${KB(s.bytesPerConn)} per connection, idle included`);
  console.log(`idle / added      ${s.idle ? `idle ${MB(s.idleRssBytes)} (RSS); ${KB(s.addedBytesPerConn)} per added connection` : 'idle memory not recorded (the run predates the idle phase)'}${s.steadyPssBytes !== null ? `; PSS ${MB(s.steadyPssBytes)} steady` : ''}`);
  console.log(`server CPU        ${pct(s.cpuPctAvg, 0)} average, ${pct(s.cpuPctMax, 0)} peak (100% = one core)`);
  console.log(`latency           p50 ${msec(s.latency.p50Ms)}, p99 ${msec(s.latency.p99Ms)}, max ${msec(s.latency.maxMs)} over ${s.latency.count.toLocaleString('en-US')} deliveries (${s.latencyBasis === 'all' ? 'every connection' : 'probes only'}); worst tick spread ${msec(s.worstSpreadMs)}`);
  if (s.latencyBasis === 'all') console.log(`probes alone      p50 ${msec(s.probeLatency.p50Ms)}, p99 ${msec(s.probeLatency.p99Ms)}, max ${msec(s.probeLatency.maxMs)} over ${s.probeLatency.count.toLocaleString('en-US')} deliveries`);
  console.log(`jitter / clumps   ${s.jitter.count ? `p50 ${msec(s.jitter.p50Ms)}, p99 ${msec(s.jitter.p99Ms)}, max ${msec(s.jitter.maxMs)}; ${s.clumps} clumps` : 'not measured (the run predates it)'}`);
  console.log(`CPU wait          ${s.serverCpuWaitMs === null ? 'not measured (the run predates it)' : `server waited ${s.serverCpuWaitMs.toFixed(0)} ms/s for a CPU (median), ${s.serverCpuWaitMsMax?.toFixed(0)} ms/s worst second; host ${pct(s.hostBusyPctAvg, 0)} busy`}`);
  console.log(`warnings          ${((run.validity as { warnings?: string[] } | null)?.warnings ?? []).join(' | ') || 'no warning'}`);
  console.log(`load generator    busiest shard ${pct(s.clientCpuPctMax, 0)} of a core; all shards ${pct(clientCpu, 0)} of a core on average, ${MB(clientsRss)}`);
}

function printPi4(db: Db, label: string): void {
  const runs = listRuns(db).filter((r) => r.scenario === 'capacity' && profileOf(r) === 'pi4');
  const latest = (backend: string) => runs.find((r) => r.backend === backend);
  const uws = latest('uws');
  const sio = latest('socketio');
  console.log(`\n## Capacity under --profile pi4 (${label})`);
  if (!uws || !sio) return void console.log(`missing: ${[!uws && 'uws', !sio && 'socketio'].filter(Boolean).join(', ')} capacity run under pi4`);
  const summaries = new Map([uws, sio].map((r) => [r.backend, getSummary(db, r.id)]));
  const steps = (backend: string) => summaries.get(backend)!.capacity?.steps ?? [];
  for (const run of [uws, sio]) {
    const summary = summaries.get(run.backend)!;
    console.log(`\n${run.backend}: run ${run.id}; ${summary.headline}`);
    console.log(`limit that ended the search: ${summary.capacity?.limitedBy ?? (summary.capacity?.failedBecause ?? 'none (every step stable)')}`);
    console.log(`machine: ${machine(run)}`);
    console.log(`idle memory: ${summary.idle ? MB(summary.idleRssBytes) : 'not recorded (the run predates the idle phase)'}`);
    console.log('step      held      memory       per conn    added/conn  CPU    wait ms/s  host busy  throttled  p99       verdict');
    for (const w of steps(run.backend)) {
      console.log(`${`step ${w.window.step}`.padEnd(9)} ${String(w.connections).padStart(7)}  ${MB(w.steadyRssBytes).padStart(10)}  ${KB(w.bytesPerConn).padStart(10)}  ${KB(w.addedBytesPerConn).padStart(10)}  ${pct(w.cpuPctAvg, 0).padStart(5)}  ${(w.serverCpuWaitMs === null ? 'n/a' : w.serverCpuWaitMs.toFixed(0)).padStart(9)}  ${pct(w.hostBusyPctAvg, 0).padStart(9)}  ${(w.cpuThrottling ? `${w.cpuThrottling.throttled}/${w.cpuThrottling.periods}` : 'n/a').padStart(9)}  ${msec(w.latency.p99Ms).padStart(8)}  ${w.verdict}${w.verdict !== 'stable' && w.verdictReason ? `: ${w.verdictReason}` : ''}`);
    }
  }
  const [su, ss] = [summaries.get('uws')!, summaries.get('socketio')!];
  const named = (name: string, v: number | null) => ({ name, value: v });
  console.log(`\nstable capacity    uws ${su.capacityConnections?.toLocaleString('en-US') ?? 'none'}, socketio ${ss.capacityConnections?.toLocaleString('en-US') ?? 'none'}: ${compare(HEADLINE.capacityConnections, named('uWS', su.capacityConnections), named('Socket.IO', ss.capacityConnections)).phrase}`);
  // At equal connections: the steps both backends held stable.
  const stableByStep = (backend: string) => new Map(steps(backend).filter((w) => w.verdict === 'stable').map((w) => [w.window.step!, w] as [number, WindowSummary]));
  const u = stableByStep('uws');
  for (const [step, sw] of stableByStep('socketio')) {
    const uw = u.get(step);
    if (!uw) continue;
    const ratio = sw.bytesPerConn! / uw.bytesPerConn!;
    console.log(`memory per conn at ${String(sw.window.targetConnections).padStart(6)} (step ${step})  socketio ${KB(sw.bytesPerConn)} / uws ${KB(uw.bytesPerConn)} = ${ratio.toFixed(1)}x;  CPU ${pct(sw.cpuPctAvg, 0)} / ${pct(uw.cpuPctAvg, 0)} = ${(sw.cpuPctAvg! / uw.cpuPctAvg!).toFixed(1)}x`);
  }
  // What one more connection costs, without the processes' baseline: the slope between the
  // first step and the highest stable one.
  const first = (s: typeof su) => s.capacity?.steps.find((w) => w.verdict === 'stable');
  if (su.marginalBytesPerConn !== null && ss.marginalBytesPerConn !== null) {
    console.log(`marginal memory per conn  uws ${KB(su.marginalBytesPerConn)} (${first(su)?.connections}→${su.capacity?.stable?.connections}), socketio ${KB(ss.marginalBytesPerConn)} (${first(ss)?.connections}→${ss.capacity?.stable?.connections}) = ${(ss.marginalBytesPerConn / su.marginalBytesPerConn).toFixed(1)}x: ${compare(HEADLINE.marginalBytesPerConn, named('uWS', su.marginalBytesPerConn), named('Socket.IO', ss.marginalBytesPerConn)).phrase}`);
  } else {
    console.log('marginal memory per conn  needs two stable steps of each backend');
  }
}

/** The quick pair (what `npm start` runs once), as a series: every figure's spread and the series' comparisons. */
function printQuick(db: Db, label: string): void {
  const runs = listRuns(db).filter((r) => r.scenario === 'quick' && profileOf(r) === null && r.seriesId !== null);
  console.log(`\n## Quick pair, 5,000 connections, as a series (${label})`);
  if (runs.length === 0) return void console.log('missing: no quick series (wsbench run --backend uws,socketio --scenario quick --repeat 5)');
  const series = summarizeSeries(db, runs[0]!.seriesId!);
  const took = (Math.max(...runs.filter((r) => r.seriesId === series.id).map((r) => r.endedMs ?? r.startedMs)) - Math.min(...runs.filter((r) => r.seriesId === series.id).map((r) => r.startedMs))) / 1000;
  console.log(`series ${series.id}: ${series.runs.length} runs of ${series.backends.join(', ')} in interleaved rounds, ${Math.floor(took / 60)} min ${Math.round(took % 60)} s; machine ${machine(runs[0]!)}`);
  for (const backend of series.backends) {
    const f = series.figures[backend]!;
    const line = (key: HeadlineKey) => spreadInWords(HEADLINE[key], f[key]!);
    console.log(`${backend.padEnd(9)} per added connection ${line('addedBytesPerConn')}; above idle ${line('aboveIdleBytesPerConn')}; RSS ${line('steadyRssBytes')}; CPU ${line('cpuPctAvg')}; p99 ${line('latencyP99Ms')}`);
  }
  for (const r of series.ratios) console.log(`- ${r.phrase}`);
}

/**
 * The four backends at equal connections (each step held 120 s): memory per added connection
 * and CPU per 1,000 messages a second, and the two ratios that split Socket.IO's cost into its
 * protocol (same transport, with and without Socket.IO) and its transport (same protocol, on
 * ws or on uWS).
 */
function printBackends(db: Db, label: string): void {
  const runs = listRuns(db).filter((r) => r.scenario === 'backends-20k' && profileOf(r) === null);
  console.log(`\n## Four backends at equal connections (${label})`);
  const found = FOUR.map((b) => runs.find((r) => r.backend === b));
  const missing = FOUR.filter((_, i) => !found[i]);
  if (missing.length) return void console.log(`missing: ${missing.join(', ')} backends-20k run`);
  const steps = new Map(found.map((run) => [run!.backend, getSummary(db, run!.id).capacity?.steps ?? []]));
  console.log(`machine: ${machine(found[0]!)}`);
  for (const run of found) console.log(`${run!.backend.padEnd(13)} run ${run!.id}; ${run!.verdict}: ${run!.verdictReason}`);
  const cpuPer1k = (w: WindowSummary | undefined) => (w?.cpuPctAvg != null && w.msgsPerSecReceived ? w.cpuPctAvg / (w.msgsPerSecReceived / 1000) : null);
  for (const connections of [10_000, 20_000]) {
    const at = new Map(FOUR.map((b) => [b, steps.get(b)!.find((w) => w.window.targetConnections === connections)]));
    console.log(`\nat ${connections.toLocaleString('en-US')} connections   added/conn   total/conn     CPU   msgs/s   CPU per 1k msg/s   p99      delivered  verdict`);
    for (const b of FOUR) {
      const w = at.get(b);
      if (!w) {
        console.log(`${b.padEnd(13)} (not held)`);
        continue;
      }
      console.log(`${b.padEnd(13)} ${KB(w.addedBytesPerConn).padStart(19)}  ${KB(w.bytesPerConn).padStart(10)}  ${pct(w.cpuPctAvg, 0).padStart(6)}  ${String(Math.round(w.msgsPerSecReceived ?? 0)).padStart(7)}  ${(cpuPer1k(w) === null ? 'n/a' : `${cpuPer1k(w)!.toFixed(2)}%`).padStart(17)}  ${msec(w.latency.p99Ms).padStart(7)}  ${pct(w.deliveredPct, 3).padStart(9)}  ${w.verdict}`);
    }
    const ratio = (a: (typeof FOUR)[number], b: (typeof FOUR)[number], f: (w: WindowSummary) => number | null) => {
      const [x, y] = [at.get(a), at.get(b)];
      const [vx, vy] = [x ? f(x) : null, y ? f(y) : null];
      return vx !== null && vy !== null && vy > 0 ? `${(vx / vy).toFixed(1)}x` : 'n/a';
    };
    const mem = (w: WindowSummary) => w.addedBytesPerConn;
    console.log(`Socket.IO's protocol, on ws:   socketio / ws                  memory ${ratio('socketio', 'ws', mem)}, CPU per msg ${ratio('socketio', 'ws', cpuPer1k)}`);
    console.log(`Socket.IO's protocol, on uWS:  socketio-uws / uws             memory ${ratio('socketio-uws', 'uws', mem)}, CPU per msg ${ratio('socketio-uws', 'uws', cpuPer1k)}`);
    console.log(`the transport, under Socket.IO: socketio / socketio-uws       memory ${ratio('socketio', 'socketio-uws', mem)}, CPU per msg ${ratio('socketio', 'socketio-uws', cpuPer1k)}`);
    console.log(`the transport, plain frames:   ws / uws                       memory ${ratio('ws', 'uws', mem)}, CPU per msg ${ratio('ws', 'uws', cpuPer1k)}`);
  }
}

/** "What a slow client costs": the four backends with slow readers under pi4, as a series: each backend's figures with their spread. */
function printSlow(db: Db, label: string): void {
  const runs = listRuns(db).filter((r) => r.scenario === 'slow-consumers' && r.seriesId !== null);
  console.log(`\n## Slow readers under pi4, as a series (${label})`);
  if (runs.length === 0) return void console.log(`missing: no slow-consumers series (wsbench ${COMMANDS.slow.join(' ')})`);
  const series = summarizeSeries(db, runs[0]!.seriesId!);
  console.log(`series ${series.id}: ${series.runs.length} runs of ${series.backends.join(', ')}; machine ${machine(runs[0]!)}`);
  const keys: HeadlineKey[] = ['steadyRssBytes', 'queuedBytesPeak', 'kernelQueuedBytes', 'queuedMessagesPeak', 'droppedMessages', 'closedBacklogged', 'slowClosed', 'slowDeliveredPct', 'slowLatencyP50Ms', 'slowLatencyMaxMs', 'calmLatencyP99Ms', 'latencyP99Ms', 'deliveredPct'];
  for (const backend of series.backends) {
    const f = series.figures[backend]!;
    console.log(`${backend}:`);
    for (const key of keys) console.log(`  ${HEADLINE[key].label.padEnd(48)} ${spreadInWords(HEADLINE[key], f[key]!)}`);
    const crashed = series.runs.filter((r) => r.backend === backend && r.verdict === 'crashed').length;
    console.log(`  ${'runs crashed (OOM or otherwise)'.padEnd(48)} ${crashed} of ${series.runs.filter((r) => r.backend === backend).length}`);
  }
}

function figures(db: Db, label: string): void {
  if (!values.only || values.only === '100k') print100k(db, label);
  if (!values.only || values.only === 'pi4') printPi4(db, label);
  if (!values.only || values.only === 'quick') printQuick(db, label);
  if (!values.only || values.only === 'backends') printBackends(db, label);
  if (!values.only || values.only === 'slow') printSlow(db, label);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-reference-'));
const shipped = openDatabase(path.join(tmp, 'shipped.db'));
const imported = importReferenceRuns(shipped, REFERENCE_DIR);
console.log(`${imported.length} reference runs in ${REFERENCE_DIR}`);
figures(shipped, 'shipped reference runs');
shipped.close();

if (values.measure) {
  const fresh = path.join(tmp, 'measured.db');
  for (const [key, args] of Object.entries(COMMANDS)) {
    if (values.only && values.only !== key) continue;
    console.log(`\n$ wsbench ${args.join(' ')} --db ${fresh}`);
    const result = spawnSync(process.execPath, [path.resolve('bin/wsbench.js'), ...args, '--db', fresh], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status === 2 || result.status === null) {
      console.error(`bench:reference: the run could not start (exit ${result.status ?? result.signal})`);
      process.exit(1);
    }
  }
  const db = openDatabase(fresh, { readonly: true });
  figures(db, `measured now on ${os.hostname()}`);
  db.close();
}
fs.rmSync(tmp, { recursive: true, force: true });
