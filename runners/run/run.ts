// One run of one backend, end to end: record the setup, start the backend and its sampler, ramp
// the clients, hold, judge, stop, and stream everything to the collector as it happens. An
// interrupted run is stored as aborted with everything sampled so far.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { percentilesOfEncoded } from '../../collector/histogram.ts';
import { addedPerConnection } from '../../collector/summary.ts';
import type { EventRecord, IngestRecord, PhaseRecord, Verdict } from '../../collector/records.ts';
import type { BatchSender } from '../../collector/sender.ts';
import { resolveServeOptions } from '../backends/options.ts';
import { getBackend } from '../backends/registry.ts';
import { SEED_CIPHER } from '../backends/tls.ts';
import { topicOf } from '../backends/topics.ts';
import type { BackendName, ProcessExit, RunningBackend } from '../backends/types.ts';
import { ClientFleet } from '../client/fleet.ts';
import { Sampler } from '../sampler/sampler.ts';
import type { Scenario } from '../scenarios/scenario.ts';
import type { Limits } from './environment.ts';
import { describeHost } from './environment.ts';
import { CgroupJail } from './cgroup.ts';
import { RunMonitor } from './monitor.ts';
import { RemoteHosts, type RemoteHostsRequest } from '../remote/hosts.ts';
import { deliveredPct, judge } from './verdict.ts';

export interface RunRequest {
  backend: BackendName;
  scenario: Scenario;
  name?: string;
  notes?: string;
  spreadAddresses: boolean;
  perShard: number;
  perAddress: number;
  maxInFlightPerShard: number;
  limits: Limits;
  /** Bulk connections in TypeScript on ws, or in the native C client. */
  bulkClient: 'node' | 'native';
  /** Tests only: make shard-0 spend this long on every frame. */
  slowShardMsPerFrame?: number;
  /** Limits imposed on the server processes through a cgroup (a hardware profile). */
  resources?: { profile: string | null; memoryBytes?: number; cpuCores?: number };
  /** This machine's addresses to connect to a target from (FleetOptions.sourceAddresses). */
  sourceAddresses?: string[];
  /** The server on another host (target), and hosts for the bulk client shards (clientHosts). */
  target?: RemoteHostsRequest['target'];
  clientHosts?: RemoteHostsRequest['clientHosts'];
}

export interface RunHooks {
  /** Makes the sender for a run id (embedded collector or HTTP). */
  sender(runId: string): BatchSender;
  signal: AbortSignal;
  /** Human progress (stderr). */
  progress(line: string, transient: boolean): void;
}

export interface StepOutcome {
  connections: number;
  verdict: Verdict;
  reason: string;
}

export interface RunOutcome {
  runId: string;
  backend: BackendName;
  backendBuild: string;
  scenario: string;
  status: 'completed' | 'aborted' | 'crashed' | 'failed';
  verdict: Verdict;
  reason: string;
  tls: { protocol: string; cipher: string } | null;
  steps: StepOutcome[];
  figures: {
    connections: number;
    deliveredPct: number | null;
    expected: number;
    missing: number;
    latencyP50Ms: number | null;
    latencyP99Ms: number | null;
    serverRssBytes: number | null;
    bytesPerConn: number | null;
    /** Median RSS over the idle phase, and (steady − idle) anonymous memory / connections (docs/METRICS.md). */
    idleRssBytes: number | null;
    addedBytesPerConn: number | null;
    serverCpuPct: number | null;
    maxShardCpuPct: number;
  };
  validity: Record<string, unknown>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export function newRunId(backend: string, scenario: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${backend}-${scenario}-${randomBytes(2).toString('hex')}`;
}

export async function runBackend(request: RunRequest, hooks: RunHooks): Promise<RunOutcome> {
  const { scenario } = request;
  const backendImpl = getBackend(request.backend);
  // Refuses here, before anything starts, if it cannot run. A target's build is chosen for the
  // target (and reported by it once started), never loaded here.
  const info = request.target ? { name: request.backend, version: 'unknown until started', build: `on ${request.target.facts.host}` } : backendImpl.describe();
  const runId = newRunId(request.backend, scenario.name);
  const sender = hooks.sender(runId);
  const monitor = new RunMonitor({ cpuPct: scenario.saturationCpuPct, seconds: scenario.saturationSec });
  const push = (record: IngestRecord) => {
    sender.push(record);
    const event = monitor.observe(record);
    if (event) {
      sender.push(event);
      hooks.progress(`! ${event.message}`, false);
    }
  };
  const event = (type: string, message: string, data?: Record<string, unknown>) =>
    push({ kind: 'event', t: Date.now(), source: 'runner', type, message, ...(data ? { data } : {}) });

  const steps = scenario.steps ?? [scenario.connections];
  const maxConnections = steps[steps.length - 1]!;
  const probes = scenario.probes > 0 ? scenario.probes : Math.min(100, Math.max(1, Math.round(maxConnections / 100)));
  const judgeAfterMs = scenario.lateMs + scenario.intervalMs;
  const rampEstimateMs = (maxConnections / scenario.connectRatePerSec) * 1000;
  // Whole milliseconds: the time is recorded (phase ends are integers) as well as published.
  const t0Ms = scenario.publishDuringRamp ? Date.now() : Math.round(Date.now() + scenario.idleSec * 1000 + rampEstimateMs * 1.2 + 2000);
  const serve = resolveServeOptions({
    port: 0,
    workers: scenario.workers || undefined,
    intervalMs: scenario.intervalMs,
    t0Ms,
    symbols: Array.from({ length: scenario.symbols }, (_, i) => (scenario.symbols === 1 ? 'AAPL' : `SYM${i}`)),
    compression: scenario.compression,
  });
  const remote = await RemoteHosts.open(request, (line) => hooks.progress(`[${request.backend}] ${line}`, false));
  const target = remote.server?.prepared;
  const clock = remote.server?.clock;
  // Last of the checks that can refuse, so a refusal leaves no cgroup behind: limits that
  // cannot be imposed refuse the run before anything is recorded or started.
  const jail = request.resources ? CgroupJail.create(`wsbench-${runId}`, request.resources) : undefined;
  const startedMs = Date.now();
  push({
    kind: 'run',
    name: request.name ?? `${scenario.name} ${request.backend}`,
    scenario: {
      ...scenario, probes, judgeAfterMs, workers: serve.workers, t0Ms, spreadAddresses: request.spreadAddresses, perShard: request.perShard, perAddress: request.perAddress, bulkClient: request.bulkClient,
      ...(request.resources ? { profile: { ...request.resources, note: `imposed by cgroup limits on ${os.hostname()}; not a run on that hardware` } } : {}),
      ...(target ? { target: target.ssh.target.url } : {}),
      ...(request.sourceAddresses ? { clientAddresses: request.sourceAddresses } : {}),
    },
    backend: { name: info.name, version: info.version, build: info.build },
    // Every host of the run: this one, and the target and client hosts with their clock offsets.
    env: { ...describeHost(request.limits), ...remote.env() },
    startedMs,
    status: 'running',
    // Who drives the run, and a heartbeat below: a later command can tell this runner is gone.
    runner: { host: os.hostname(), pid: process.pid },
    ...(request.notes ? { notes: request.notes } : {}),
  });
  const heartbeat = setInterval(() => push({ kind: 'run-update', heartbeatMs: Date.now() }), 5000);
  heartbeat.unref();

  let seq = 0;
  const phase = (p: Omit<PhaseRecord, 'kind' | 'seq'>, reuse?: number): number => {
    const id = reuse ?? seq++;
    push({ kind: 'phase', seq: id, ...p });
    return id;
  };

  let backend: RunningBackend | undefined;
  let fleet: ClientFleet | undefined;
  let sampler: Sampler | undefined;
  const crashes: string[] = [];
  const harnessFailures: string[] = [];
  const clientBound: string[] = [];
  let tls: RunOutcome['tls'] = null;
  let serverDown = false;
  const stepOutcomes: StepOutcome[] = [];
  let status: RunOutcome['status'] = 'completed';
  let lastWindow: ReturnType<RunMonitor['windowFigures']> | undefined;

  try {
    if (jail && request.resources) {
      event('info', `server limited by cgroup ${jail.version}: ${request.resources.memoryBytes ? `${(request.resources.memoryBytes / 1e9).toFixed(2)} GB memory` : 'no memory limit'}, ${request.resources.cpuCores ? `${request.resources.cpuCores} cores` : 'no CPU limit'}${request.resources.profile ? ` (profile ${request.resources.profile})` : ''}`);
    }
    const place = jail ? (pid: number) => jail.place(pid) : undefined;
    const exitMessages = new Map<number, string>();
    if (remote.server && target && clock) {
      const link = remote.server.link;
      // The target's sampler streams to the collector itself: the run must be known there first.
      await sender.flush(30_000);
      remote.begin(runId, (why) => {
        harnessFailures.push(why);
        event('error', why);
      });
      link.onWarning((message) => hooks.progress(`! ${target.facts.host}: ${message}`, false));
      link.onRecord((record) => {
        const e = monitor.observe(record);
        if (e) push(e);
      });
      link.onExit((exit, message) => exitMessages.set(exit.pid, message));
      backend = await link.start(request.backend, { host: '0.0.0.0', port: 0, workers: serve.workers, intervalMs: serve.intervalMs, t0Ms, clockOffsetMs: clock.offsetMs, symbols: serve.symbols, compression: serve.compression }, runId, target.collector);
      push({ kind: 'run-update', backendVersion: backend.info.version, backendBuild: backend.info.build });
    } else {
      backend = await backendImpl.start(serve, { place });
    }
    const running = backend;
    const dead = new Set<number>();
    if (!target) {
      sampler = new Sampler({ source: 'sampler', processes: () => running.pids().filter((p) => !dead.has(p.pid)), status: () => running.status(900), push });
      sampler.start();
    }
    const liveWorkers = new Set(running.pids().filter((p) => p.role === 'worker').map((p) => p.pid));
    running.onExit((exit: ProcessExit) => {
      dead.add(exit.pid);
      // Locally the sampler records the crash; on a target its sampler did, and sent the words.
      const message = sampler ? sampler.recordExit(exit).message : (exitMessages.get(exit.pid) ?? `${exit.role} ${exit.pid} ${exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`}`);
      crashes.push(message);
      hooks.progress(`! ${request.backend} ${message}`, false);
      liveWorkers.delete(exit.pid);
      // With its primary or every worker gone, the server can deliver nothing more: end the run.
      if (exit.role === 'primary' || liveWorkers.size === 0) serverDown = true;
    });

    // The server listening with no client: the idle memory that per-added-connection figures
    // subtract (docs/METRICS.md). Before the first connection, so nothing else is in it.
    if (scenario.idleSec > 0) {
      const idleStart = Date.now();
      const idleSeq = phase({ name: 'idle', startedMs: idleStart });
      monitor.setIdleWindow({ fromMs: idleStart, toMs: idleStart + scenario.idleSec * 1000 });
      hooks.progress(`[${request.backend}] idle ${scenario.idleSec} s: sampling the server with no client`, true);
      await sleep(scenario.idleSec * 1000, hooks.signal);
      phase({ name: 'idle', startedMs: idleStart, endedMs: Date.now() }, idleSeq);
    }
    fleet = new ClientFleet({
      host: target ? target.address : serve.host, port: running.port, protocol: request.backend === 'uws' ? 'raw' : 'socketio',
      connections: maxConnections, probes, perShard: request.perShard, perAddress: request.perAddress,
      connectRatePerSec: scenario.connectRatePerSec, maxInFlightPerShard: request.maxInFlightPerShard,
      intervalMs: scenario.intervalMs, t0Ms, lateMs: scenario.lateMs, judgeAfterMs,
      topics: serve.symbols.map(topicOf), ciphers: SEED_CIPHER, spreadAddresses: request.spreadAddresses, bulkClient: request.bulkClient,
      ...(request.sourceAddresses ? { sourceAddresses: request.sourceAddresses } : {}),
      firstRampTarget: steps[0],
      clientHosts: remote.shardHosts(),
      ...(request.slowShardMsPerFrame ? { slowShardMsPerFrame: request.slowShardMsPerFrame } : {}),
    });
    const connectErrors = new Map<string, number>();
    fleet.onMessage((message, source) => {
      if (message.type === 'sample' && message.streamed) {
        // A client host sent it to the collector already: only watch it.
        for (const record of [message.sample, ...message.ticks]) {
          const e = monitor.observe(record);
          if (e) push(e);
        }
      } else if (message.type === 'sample') {
        push(message.sample);
        for (const tick of message.ticks) push(tick);
      } else if (message.type === 'tls' && !tls) {
        tls = { protocol: message.protocol, cipher: message.cipher };
        push({ kind: 'run-update', tlsVersion: message.protocol, tlsCipher: message.cipher });
        if (message.protocol !== 'TLSv1.3' || message.cipher !== SEED_CIPHER) event('warning', `negotiated ${message.protocol} ${message.cipher}, not TLSv1.3 ${SEED_CIPHER}`);
      } else if (message.type === 'connect-error') {
        const seen = connectErrors.get(message.message) ?? 0;
        connectErrors.set(message.message, seen + message.count);
        if (seen === 0) event('connect-error', `${source}: ${message.message}`, { count: message.count });
      }
    });
    fleet.onExit((source, code, signal) => {
      harnessFailures.push(`client ${source} exited (${signal ?? `code ${code}`})`);
      event('client-crash', `client ${source} exited (${signal ?? `code ${code}`})`);
    });
    await fleet.start();

    for (let i = 0; i < steps.length; i++) {
      const target = steps[i]!;
      const stepName = scenario.steps ? 'step' : 'hold';
      // Ramp to the target, showing progress, until everyone is connected or it is clearly stuck.
      const rampStart = Date.now();
      const rampSeq = phase({ name: 'ramp', ...(scenario.steps ? { step: i } : {}), targetConnections: target, startedMs: rampStart });
      fleet.ramp(target);
      const rampDeadline = rampStart + ((target - monitor.openNow()) / scenario.connectRatePerSec) * 2000 + 30_000;
      while (!hooks.signal.aborted && !serverDown && harnessFailures.length === 0 && monitor.openNow() < target && Date.now() < rampDeadline) {
        await sleep(250, hooks.signal);
        hooks.progress(rampLine(request.backend, monitor.openNow(), target), true);
      }
      const rampEnd = Date.now();
      phase({ name: 'ramp', targetConnections: target, startedMs: rampStart, endedMs: rampEnd }, rampSeq);
      if (!scenario.publishDuringRamp && i === 0 && rampEnd > t0Ms + scenario.intervalMs) {
        event('warning', `the ramp took ${Math.round((rampEnd - rampStart) / 1000)} s, longer than planned: ticks started before everyone was connected`);
      }
      if (hooks.signal.aborted || serverDown || harnessFailures.length > 0) break;
      if (monitor.openNow() < target) event('warning', `ramp stopped at ${monitor.openNow()} of ${target} connections after ${Math.round((rampEnd - rampStart) / 1000)} s`);

      // Connect first, then start the clock: the hold begins with the first tick.
      if (!scenario.publishDuringRamp && i === 0 && Date.now() < t0Ms) {
        phase({ name: 'wait-for-clock', startedMs: Date.now(), endedMs: t0Ms });
        await sleep(t0Ms - Date.now(), hooks.signal);
      }
      if (hooks.signal.aborted) break;

      // Hold. The window is in judgement time: it holds the verdicts of the ticks scheduled
      // during the hold, which are judged judgeAfterMs after their schedule.
      const holdStart = Date.now();
      const holdEnd = holdStart + scenario.holdSec * 1000;
      const window = { fromMs: holdStart + judgeAfterMs, toMs: holdEnd + judgeAfterMs };
      monitor.setWindow(window);
      const throttledBefore = jail?.cpuThrottling() ?? null;
      const holdSeq = phase({ name: stepName, ...(scenario.steps ? { step: i } : {}), targetConnections: target, startedMs: window.fromMs });
      while (!hooks.signal.aborted && !serverDown && harnessFailures.length === 0 && Date.now() < window.toMs + 1500) {
        await sleep(1000, hooks.signal);
        // A shard silent for 3 s at any moment of the window: the load generator, not the
        // server, was the limit then (docs/METRICS.md, "Client-bound").
        for (const message of monitor.watchSilence(Date.now())) event('client-saturated', message);
        hooks.progress(holdLine(request.backend, stepName, Date.now() - holdStart, scenario.holdSec, monitor), true);
      }
      const aborted = hooks.signal.aborted || harnessFailures.length > 0;
      // Under a CPU limit, how often the quota stopped the server: a mean below the limit can
      // hide bursts (each tick) that the quota cuts short.
      const throttledAfter = jail?.cpuThrottling() ?? null;
      if (throttledBefore && throttledAfter) {
        const periods = throttledAfter.periods - throttledBefore.periods;
        const throttled = throttledAfter.throttled - throttledBefore.throttled;
        const ms = Math.round(throttledAfter.throttledMs - throttledBefore.throttledMs);
        event('cpu-throttling', `${stepName}${scenario.steps ? ` ${i}` : ''} at ${target} connections: the CPU quota throttled the server in ${throttled} of ${periods} periods (${periods ? ((throttled / periods) * 100).toFixed(1) : '0'}%), ${(ms / 1000).toFixed(1)} s in all`, { connections: target, periods, throttled, throttledMs: ms });
      }
      lastWindow = monitor.windowFigures();
      for (const message of monitor.watchSilence(Date.now())) event('client-saturated', message);
      const boundBy = [...monitor.saturatedWithin(window), ...monitor.silentInWindow.values()];
      clientBound.push(...boundBy);
      const { verdict, reason } = judge({
        targetConnections: target,
        heldConnections: lastWindow.heldConnections,
        expected: lastWindow.expected,
        missing: lastWindow.missing,
        latencyP99Ms: lastWindow.latency.p99Ms,
        intervalMs: scenario.intervalMs,
        crashes: [...crashes],
        clientBound: boundBy,
        aborted,
        rss: lastWindow.rss,
        judgeMemorySlope: scenario.memorySlope,
      });
      phase({ name: stepName, targetConnections: target, startedMs: window.fromMs, endedMs: Math.min(Date.now(), window.toMs), verdict, verdictReason: reason }, holdSeq);
      stepOutcomes.push({ connections: target, verdict, reason });
      if (verdict !== 'stable') break;
    }
  } catch (err) {
    status = 'failed';
    harnessFailures.push((err as Error).message);
    event('error', (err as Error).message);
  } finally {
    clearInterval(heartbeat);
    sampler?.stop();
    if (sampler && backend && !serverDown) await sampler.sample().catch(() => undefined);
    await fleet?.stop();
    await remote.stopClients();
    await backend?.stop();
    await remote.stopServer();
    jail?.destroy();
  }

  const last = stepOutcomes[stepOutcomes.length - 1];
  let verdict: Verdict;
  let reason: string;
  if (hooks.signal.aborted) {
    status = 'aborted';
    verdict = 'aborted';
    reason = 'interrupted (Ctrl-C)';
  } else if (harnessFailures.length > 0) {
    if (status !== 'failed') status = 'aborted';
    verdict = 'aborted';
    reason = harnessFailures.join('; ');
  } else if (crashes.length > 0) {
    status = 'crashed';
    verdict = 'crashed';
    reason = crashes.join('; ');
  } else if (!last) {
    verdict = 'aborted';
    reason = 'no window was held';
  } else if (scenario.steps) {
    const stable = stepOutcomes.filter((s) => s.verdict === 'stable');
    const highest = stable[stable.length - 1];
    verdict = last.verdict;
    reason = `${highest ? `highest stable step: ${highest.connections} connections` : 'no stable step'}${last.verdict === 'stable' ? ' (the ceiling)' : `; at ${last.connections}: ${last.verdict}, ${last.reason}`}`;
  } else {
    verdict = last.verdict;
    reason = last.reason;
  }

  const w = lastWindow;
  const serverRss = w?.serverRssMedianBytes ?? null;
  const serverCpu = w?.serverCpuMeanPct ?? null;
  const held = w?.heldConnections ?? 0;
  const validity = {
    valid: clientBound.length === 0 && harnessFailures.length === 0 && (tls as RunOutcome['tls'])?.cipher === SEED_CIPHER,
    generatorSaturated: clientBound.length > 0,
    saturatedShards: clientBound,
    maxShardCpuPct: monitor.maxShardCpuPct,
    maxLoopDelayP99Ms: Math.round(monitor.maxLoopDelayP99Ms * 10) / 10,
    connectionErrors: monitor.connectFailures,
    // On one machine probes and server share a clock; a target's offset is known to ± this.
    clockOffsetBoundMs: clock ? clock.uncertaintyMs : 0,
    ...(clock && w?.latency.p50Ms != null && clock.uncertaintyMs > w.latency.p50Ms
      ? { clockWarning: `the clock offset is known to ±${clock.uncertaintyMs.toFixed(1)} ms, more than the median latency (${w.latency.p50Ms.toFixed(1)} ms): latencies are approximate` }
      : {}),
    missedTicks: monitor.silentTicks,
    tls,
  };
  if ('clockWarning' in validity) event('warning', validity.clockWarning as string);
  // The samples first, then the verdict in a batch of its own: nothing else can sink it.
  await sender.flush(30_000);
  push({ kind: 'run-update', status, verdict, verdictReason: reason, endedMs: Date.now(), validity });
  const flushed = await sender.close(30_000);
  if (flushed.pendingRecords > 0) hooks.progress(`! ${flushed.pendingRecords} records could not reach the collector`, false);

  return {
    runId,
    backend: request.backend,
    backendBuild: info.build,
    scenario: scenario.name,
    status,
    verdict,
    reason,
    tls,
    steps: stepOutcomes,
    figures: {
      connections: held,
      deliveredPct: w ? deliveredPct(w.expected, w.missing) : null,
      expected: w?.expected ?? 0,
      missing: w?.missing ?? 0,
      latencyP50Ms: w?.latency.p50Ms ?? null,
      latencyP99Ms: w?.latency.p99Ms ?? null,
      serverRssBytes: serverRss,
      bytesPerConn: serverRss !== null && held > 0 ? Math.round(serverRss / held) : null,
      idleRssBytes: monitor.idleMedians().rssBytes,
      addedBytesPerConn: addedPerConnection(w?.serverAnonMedianBytes ?? null, monitor.idleMedians().anonBytes, held),
      serverCpuPct: serverCpu,
      maxShardCpuPct: monitor.maxShardCpuPct,
    },
    validity,
  };
}

function rampLine(backend: string, open: number, target: number): string {
  const width = 24;
  const done = Math.min(width, Math.round((open / Math.max(1, target)) * width));
  return `[${backend}] ramp [${'#'.repeat(done)}${'-'.repeat(width - done)}] ${open.toLocaleString('en-US')}/${target.toLocaleString('en-US')}`;
}

function holdLine(backend: string, phase: string, elapsedMs: number, holdSec: number, m: RunMonitor): string {
  let clientCpu = 0;
  let p99: number | null = null;
  for (const c of m.latestClient.values()) {
    clientCpu = Math.max(clientCpu, c.cpuPct ?? 0);
    if (c.latHistUs) p99 = percentilesOfEncoded([c.latHistUs]).p99Ms;
  }
  const second = m.lastCompleteSecond();
  const s = m.latestServer;
  const rss = s ? `${(s.rssBytes / 1e6).toFixed(0)} MB` : '–';
  const cpu = s ? `${(s.cpuUserPct + s.cpuSysPct).toFixed(0)}%` : '–';
  return `[${backend}] ${phase} ${Math.min(holdSec, Math.round(elapsedMs / 1000))}/${holdSec}s  conns ${m.openNow().toLocaleString('en-US')}  received/s ${second?.received ?? '–'}  judged ${second?.expected ?? '–'}  missing ${second?.missing ?? '–'}  p99 ${p99 === null ? '–' : `${p99.toFixed(1)} ms`}  server ${rss} ${cpu}  client max ${clientCpu.toFixed(0)}%`;
}
