// One run of one backend, end to end, in named phases: prepare (refuse early), record the setup,
// start the server and its sampler, sample it idle, start the clients, then for each step ramp
// and hold-and-judge, stop everything, and finalize the verdict. Everything streams to the
// collector as it happens; an interrupted run is stored as aborted with all it sampled.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { hostBoundAt, limitOf } from '../../collector/contention.ts';
import { LiveTimeline } from '../../collector/live-timeline.ts';
import { formatValue } from '../../collector/metrics.ts';
import { judgeSummary, type RunSummary, type WindowSummary } from '../../collector/summary.ts';
import type { RunRecord, Verdict } from '../../collector/records.ts';
import type { BatchSender } from '../../collector/sender.ts';
import { resolveServeOptions } from '../backends/options.ts';
import { getBackend } from '../backends/registry.ts';
import { SEED_CIPHER } from '../backends/tls.ts';
import { topicOf } from '../backends/topics.ts';
import type { Backend, BackendId, BackendInfo, ProcessExit, ServeOptions } from '../backends/types.ts';
import { ClientFleet, SLOW_READER_RCVBUF_BYTES, type FleetOptions } from '../client/fleet.ts';
import { baseConnections, slowReadersInWords, type RunScenario, type Scenario } from '../../collector/scenario.ts';
import { RemoteHosts, type RemoteHostsRequest } from '../remote/hosts.ts';
import { CgroupJail } from './cgroup.ts';
import { formatCpuList, pinThisProcess, splitCpus } from './cpus.ts';
import type { Limits } from './environment.ts';
import { describeHost } from './environment.ts';
import { serverNode } from '../process/server-node.ts';
import { RunMonitor } from './monitor.ts';
import { RunRecorder } from './recorder.ts';
import { startServer, type StartedServer } from './server.ts';
import { holdLine, rampLine } from './status-line.ts';
import { validityOf, type Validity } from './validity.ts';
import { runVerdict, type RunStatus, type StepOutcome } from '../../collector/verdict.ts';

export interface RunRequest {
  backend: BackendId;
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
  /** One of repeated runs (wsbench run --repeat): the series and this run's place in it. */
  series?: RunRecord['series'];
  /** Tests only: make shard-0 spend this long on every frame. */
  slowShardMsPerFrame?: number;
  /** Limits imposed on the server processes through a cgroup (a hardware profile). */
  /**
   * Limits and placement of a server on this machine. cpus: its own CPUs (--server-cpus; the
   * runner and load generator keep to the rest); cpusNote: why a profile gave it none.
   */
  resources?: { profile: string | null; memoryBytes?: number; cpuCores?: number; cpus?: string; cpusNote?: string };
  /** The server's port (a firewall between the machines); 0 or absent picks a free one. */
  port?: number;
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
  /** The run's own records as they come (a live page reads them: site/live/). */
  live?(runId: string, timeline: LiveTimeline): void;
}

export interface RunOutcome {
  runId: string;
  /** The series the run belongs to (wsbench run --repeat). */
  seriesId?: string;
  backend: BackendId;
  backendBuild: string;
  scenario: string;
  status: RunStatus;
  verdict: Verdict;
  reason: string;
  tls: { protocol: string; cipher: string } | null;
  /** The port the server listened on (null when it never started). */
  port: number | null;
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
    /** Median RSS over the idle phase, and what one more connection costs in anonymous memory (summary.ts addedBytesPerConn; docs/METRICS.md). */
    idleRssBytes: number | null;
    addedBytesPerConn: number | null;
    serverCpuPct: number | null;
    maxShardCpuPct: number;
  };
  validity: Validity;
}

/** Longest a verdict waits for the server's late samples of its window (serverSamplesUpTo). */
const SAMPLE_LAG_LIMIT_MS = 5000;

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

/** What prepare() settles before anything is recorded or started. */
interface Plan {
  backend: Backend;
  info: BackendInfo;
  runId: string;
  steps: number[];
  /** The base hold's connections (half the hold's), or null without one. */
  base: number | null;
  maxConnections: number;
  probes: number;
  judgeAfterMs: number;
  serve: ServeOptions;
  remote: RemoteHosts;
  jail: CgroupJail | undefined;
}

export async function runBackend(request: RunRequest, hooks: RunHooks): Promise<RunOutcome> {
  const plan = await prepare(request, hooks);
  return new BackendRun(request, hooks, plan).execute();
}

/** Every check that can refuse the run, in the order that refuses earliest; nothing is recorded yet. */
async function prepare(request: RunRequest, hooks: RunHooks): Promise<Plan> {
  const { scenario } = request;
  const backend = getBackend(request.backend);
  // Refuses here if it cannot run. A target's build is chosen for the target (and reported by it
  // once started), never loaded here.
  const info = request.target ? { name: backend.name, version: 'unknown until started', build: `on ${request.target.facts.host}` } : backend.describe();
  const runId = newRunId(backend.name, scenario.name);
  const steps = scenario.steps ?? [scenario.connections];
  const maxConnections = steps[steps.length - 1]!;
  const rampEstimateMs = (maxConnections / scenario.connectRatePerSec) * 1000;
  // Whole milliseconds: the time is recorded (phase ends are integers) as well as published.
  const t0Ms = scenario.publishDuringRamp ? Date.now() : Math.round(Date.now() + (scenario.idleSec + (scenario.steps ? 0 : scenario.baseHoldSec)) * 1000 + rampEstimateMs * 1.2 + 2000);
  const serve = resolveServeOptions({
    port: request.port ?? 0,
    workers: scenario.workers || undefined,
    intervalMs: scenario.intervalMs,
    t0Ms,
    symbols: Array.from({ length: scenario.symbols }, (_, i) => (scenario.symbols === 1 ? 'AAPL' : `SYM${i}`)),
    compression: scenario.compression,
    messageBytes: scenario.messageBytes,
  });
  const remote = await RemoteHosts.open(request, (line) => hooks.progress(`[${backend.name}] ${line}`, false));
  // Last of the checks that can refuse, so a refusal leaves no cgroup behind.
  const jail = request.resources ? CgroupJail.create(`wsbench-${runId}`, request.resources) : undefined;
  const probes = scenario.probes > 0 ? scenario.probes : Math.min(100, Math.max(1, Math.round(maxConnections / 100)));
  const base = scenario.baseHoldSec > 0 && !scenario.steps ? baseConnections(scenario.connections) : null;
  return { backend, info, runId, steps, base, maxConnections, probes, judgeAfterMs: scenario.lateMs + scenario.intervalMs, serve, remote, jail };
}

class BackendRun {
  private readonly recorder: RunRecorder;
  private readonly monitor: RunMonitor;
  private readonly scenario: Scenario;
  private server: StartedServer | undefined;
  private fleet: ClientFleet | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Undoes --server-cpus' pinning of this process when the run stops. */
  private unpin: (() => void) | undefined;
  /** Windows the machine held the server back in, in words. */
  private readonly hostBound: string[] = [];
  /** The load generator's worst window: its busiest shard's median second of CPU wait (ms). */
  private clientWaitMs: number | null = null;
  private readonly crashes: string[] = [];
  private readonly harnessFailures: string[] = [];
  private readonly clientBound: string[] = [];
  private readonly steps: StepOutcome[] = [];
  private liveWorkers = new Set<number>();
  private tls: RunOutcome['tls'] = null;
  private serverDown = false;
  private failed = false;
  private lastWindow: WindowSummary | undefined;
  /** The run's records in the collector's own schema: every figure and verdict is read from its summaries. */
  private readonly live: LiveTimeline;

  constructor(
    private readonly request: RunRequest,
    private readonly hooks: RunHooks,
    private readonly plan: Plan,
  ) {
    this.scenario = request.scenario;
    this.monitor = new RunMonitor({ cpuPct: this.scenario.saturationCpuPct, seconds: this.scenario.saturationSec });
    this.live = new LiveTimeline(plan.runId);
    hooks.live?.(plan.runId, this.live);
    this.recorder = new RunRecorder(hooks.sender(plan.runId), this.monitor, this.live, hooks.progress);
  }

  private get tag(): string {
    return `[${this.plan.backend.name}]`;
  }

  /** Anything that should end the hold or ramp loops early. */
  private get stopping(): boolean {
    return this.hooks.signal.aborted || this.serverDown || this.harnessFailures.length > 0;
  }

  async execute(): Promise<RunOutcome> {
    this.record();
    try {
      this.describeLimits();
      this.keepHarnessOffServerCpus();
      await this.startServer();
      await this.idle();
      await this.startClients();
      const base = this.plan.base === null || ((await this.rampTo(this.plan.base, null)) && (await this.holdBase(this.plan.base)));
      for (let i = 0; base && i < this.plan.steps.length; i++) {
        if (!(await this.rampTo(this.plan.steps[i]!, i))) break;
        if (i === 0 && !(await this.holdCalm(this.plan.steps[i]!))) break;
        if (!(await this.holdAndJudge(i))) break;
      }
    } catch (err) {
      this.failed = true;
      this.harnessFailures.push((err as Error).message);
      this.recorder.event('error', (err as Error).message);
    } finally {
      await this.stop();
    }
    return this.finalize();
  }

  /** The run's setup, whole, before anything starts: every result carries what produced it. */
  private record(): void {
    const { request, plan, scenario } = this;
    const target = plan.remote.server?.prepared;
    const record: RunRecord = {
      kind: 'run',
      name: request.name ?? `${scenario.name} ${plan.backend.name}`,
      scenario: this.recordedScenario(),
      backend: { ...plan.info, label: plan.backend.label, title: plan.backend.title, color: plan.backend.color, protocol: plan.backend.protocol },
      // Every host of the run: this one, and the target and client hosts with their clock offsets.
      env: { ...describeHost(request.limits), ...(request.target ? {} : { serverNode: serverNode() }), ...plan.remote.env() },
      startedMs: Date.now(),
      status: 'running',
      // Who drives the run, and a heartbeat below: a later command can tell this runner is gone.
      runner: { host: os.hostname(), pid: process.pid },
      ...(request.notes ? { notes: request.notes } : {}),
      ...(request.series ? { series: request.series } : {}),
    };
    this.recorder.push(record);
    this.heartbeat = setInterval(() => this.recorder.push({ kind: 'run-update', heartbeatMs: Date.now() }), 5000);
    this.heartbeat.unref();
  }

  /** The scenario as the run record carries it (collector/scenario.ts RunScenario). */
  private recordedScenario(): RunScenario {
    const { request, plan, scenario } = this;
    const target = plan.remote.server?.prepared;
    return {
      ...scenario, probes: plan.probes, judgeAfterMs: plan.judgeAfterMs, workers: plan.serve.workers, t0Ms: plan.serve.t0Ms,
      spreadAddresses: request.spreadAddresses, perShard: request.perShard, perAddress: request.perAddress, bulkClient: request.bulkClient,
      ...(scenario.slowShare > 0 ? { slowConnections: ClientFleet.cohorts({ connections: plan.maxConnections, probes: plan.probes, perShard: request.perShard, slowReaders: slowReadersOf(scenario) }).slow, slowRcvbufBytes: SLOW_READER_RCVBUF_BYTES } : {}),
      ...(request.resources ? { profile: { ...request.resources, note: `imposed by cgroup limits on ${os.hostname()}; not a run on that hardware` } } : {}),
      ...(target ? { target: target.ssh.target.url } : {}),
      ...(request.sourceAddresses ? { clientAddresses: request.sourceAddresses } : {}),
      ...(request.port ? { port: request.port } : {}),
    };
  }

  private describeLimits(): void {
    const r = this.request.resources;
    if (!this.plan.jail || !r) return;
    const memory = r.memoryBytes ? `${(r.memoryBytes / 1e9).toFixed(2)} GB memory` : 'no memory limit';
    const cpu = r.cpuCores ? `${r.cpuCores} cores` : 'no CPU limit';
    const placed = r.cpus ? `, on CPUs ${r.cpus} of its own (the runner and load generator on ${formatCpuList(splitCpus(r.cpus).harness)})` : r.cpusNote ? `; ${r.cpusNote}` : '';
    this.recorder.event('info', `server limited by cgroup ${this.plan.jail.version}: ${memory}, ${cpu}${placed}${r.profile ? ` (profile ${r.profile})` : ''}`);
  }

  /** --server-cpus: the runner, and the shards it forks from now on, keep to the other CPUs. */
  private keepHarnessOffServerCpus(): void {
    const cpus = this.request.resources?.cpus;
    if (cpus) this.unpin = pinThisProcess(splitCpus(cpus).harness);
  }

  private async startServer(): Promise<void> {
    const { plan } = this;
    this.server = await startServer({
      runId: plan.runId, backend: plan.backend, serve: plan.serve, remote: plan.remote, jail: plan.jail, recorder: this.recorder,
      onHarnessFailure: (why) => {
        this.harnessFailures.push(why);
        this.recorder.event('error', why);
      },
      progress: (line) => this.hooks.progress(line, false),
    });
    const { backend } = this.server;
    this.liveWorkers = new Set(backend.pids().filter((p) => p.role === 'worker').map((p) => p.pid));
    backend.onExit((exit) => this.onServerExit(exit));
  }

  private onServerExit(exit: ProcessExit): void {
    const message = this.server!.describeExit(exit);
    this.crashes.push(message);
    this.hooks.progress(`! ${this.plan.backend.name} ${message}`, false);
    this.liveWorkers.delete(exit.pid);
    // With its primary or every worker gone, the server can deliver nothing more: end the run.
    if (exit.role === 'primary' || this.liveWorkers.size === 0) this.serverDown = true;
  }

  /** The server listening with no client: the idle memory per-added-connection figures subtract (docs/METRICS.md). */
  private async idle(): Promise<void> {
    const { idleSec } = this.scenario;
    if (idleSec <= 0) return;
    const startedMs = Date.now();
    const seq = this.recorder.phase({ name: 'idle', startedMs });
    this.hooks.progress(`${this.tag} idle ${idleSec} s: sampling the server with no client`, true);
    await sleep(idleSec * 1000, this.hooks.signal);
    this.recorder.phase({ name: 'idle', startedMs, endedMs: Date.now() }, seq);
  }

  private async startClients(): Promise<void> {
    const { request, plan, scenario } = this;
    const target = plan.remote.server?.prepared;
    this.fleet = new ClientFleet({
      host: target ? target.address : plan.serve.host, port: this.server!.backend.port, protocol: plan.backend.protocol,
      connections: plan.maxConnections, probes: plan.probes, perShard: request.perShard, perAddress: request.perAddress,
      connectRatePerSec: scenario.connectRatePerSec, maxInFlightPerShard: request.maxInFlightPerShard,
      intervalMs: scenario.intervalMs, t0Ms: plan.serve.t0Ms, lateMs: scenario.lateMs, judgeAfterMs: plan.judgeAfterMs,
      topics: plan.serve.symbols.map(topicOf), ciphers: SEED_CIPHER, spreadAddresses: request.spreadAddresses, bulkClient: request.bulkClient,
      ...(request.sourceAddresses ? { sourceAddresses: request.sourceAddresses } : {}),
      firstRampTarget: plan.base ?? plan.steps[0],
      clientHosts: plan.remote.shardHosts(),
      ...(request.slowShardMsPerFrame ? { slowShardMsPerFrame: request.slowShardMsPerFrame } : {}),
      ...(scenario.slowShare > 0 ? { slowReaders: slowReadersOf(scenario) } : {}),
      ...(scenario.churnPerMin > 0 ? { churnPerMin: scenario.churnPerMin } : {}),
    });
    this.listenToClients(this.fleet);
    await this.fleet.start();
    // Every shard is watched from its start: one that never gets a sample out (jammed before its
    // first report) is silent too, not a server that held fewer connections.
    for (const source of this.fleet.sources()) this.monitor.expect(source, Date.now());
  }

  private listenToClients(fleet: ClientFleet): void {
    const connectErrors = new Map<string, number>();
    fleet.onMessage((message, source) => {
      if (message.type === 'sample') {
        // A client host sent it to the collector already: only watch it.
        const forward = (record: Parameters<RunRecorder['push']>[0]) => (message.streamed ? this.recorder.watch(record) : this.recorder.push(record));
        forward(message.sample);
        for (const tick of message.ticks) forward(tick);
      } else if (message.type === 'tls' && !this.tls) {
        this.tls = { protocol: message.protocol, cipher: message.cipher };
        this.recorder.push({ kind: 'run-update', tlsVersion: message.protocol, tlsCipher: message.cipher });
        if (message.protocol !== 'TLSv1.3' || message.cipher !== SEED_CIPHER) this.recorder.event('warning', `negotiated ${message.protocol} ${message.cipher}, not TLSv1.3 ${SEED_CIPHER}`);
      } else if (message.type === 'connect-error') {
        const seen = connectErrors.get(message.message) ?? 0;
        connectErrors.set(message.message, seen + message.count);
        if (seen === 0) this.recorder.event('connect-error', `${source}: ${message.message}`, { count: message.count });
      }
    });
    fleet.onExit((source, code, signal) => {
      const why = `client ${source} exited (${signal ?? `code ${code}`})`;
      this.harnessFailures.push(why);
      this.recorder.event('client-crash', why);
    });
  }

  /**
   * Ramps to `target` connections (step i's, or the base hold's when i is null), showing
   * progress, until all are open or it is clearly stuck. False: the run ends.
   */
  private async rampTo(target: number, i: number | null): Promise<boolean> {
    const { scenario, monitor, recorder } = this;
    const rampStart = Date.now();
    const seq = recorder.phase({ name: 'ramp', ...(scenario.steps && i !== null ? { step: i } : {}), targetConnections: target, startedMs: rampStart });
    this.fleet!.ramp(target);
    const deadline = rampStart + ((target - monitor.openNow()) / scenario.connectRatePerSec) * 2000 + 30_000;
    while (!this.stopping && monitor.openNow() < target && Date.now() < deadline) {
      await sleep(250, this.hooks.signal);
      this.hooks.progress(rampLine(this.plan.backend.name, monitor.openNow(), target), true);
    }
    const rampEnd = Date.now();
    recorder.phase({ name: 'ramp', targetConnections: target, startedMs: rampStart, endedMs: rampEnd }, seq);
    const t0Ms = this.plan.serve.t0Ms;
    // With --connect-first the clock starts after the last ramp (the base hold's included in t0).
    const first = i === 0;
    if (!scenario.publishDuringRamp && first && rampEnd > t0Ms + scenario.intervalMs) {
      recorder.event('warning', `the ramp took ${Math.round((rampEnd - rampStart) / 1000)} s, longer than planned: ticks started before everyone was connected`);
    }
    if (this.stopping) return false;
    if (monitor.openNow() < target) recorder.event('warning', `ramp stopped at ${formatValue('count', monitor.openNow())} of ${formatValue('count', target)} connections after ${formatValue('seconds', (rampEnd - rampStart) / 1000)}`);
    // Connect first, then start the clock: the hold begins with the first tick.
    if (!scenario.publishDuringRamp && first && Date.now() < t0Ms) {
      recorder.phase({ name: 'wait-for-clock', startedMs: Date.now(), endedMs: t0Ms });
      await sleep(t0Ms - Date.now(), this.hooks.signal);
    }
    return !this.hooks.signal.aborted;
  }

  /**
   * Holds at half load, unjudged: the lower level of memory per added connection (the summary
   * reads the server's memory and the clients' connections inside this phase). False: the run ends.
   */
  private async holdBase(target: number): Promise<boolean> {
    await this.holdUnjudged('base', target, this.scenario.baseHoldSec);
    return !this.stopping;
  }

  /** Holds `target` connections for `seconds` as the named phase, unjudged, showing progress; ends early when the run stops. */
  private async holdUnjudged(name: 'base' | 'calm', target: number, seconds: number): Promise<void> {
    const { scenario, recorder, plan, monitor } = this;
    const startedMs = Date.now();
    const seq = recorder.phase({ name, targetConnections: target, startedMs });
    while (!this.stopping && Date.now() < startedMs + seconds * 1000) {
      await sleep(1000, this.hooks.signal);
      this.hooks.progress(holdLine(plan.backend.name, name, Date.now() - startedMs, seconds, monitor, scenario.intervalMs), true);
    }
    recorder.phase({ name, targetConnections: target, startedMs, endedMs: Date.now() }, seq);
  }

  /**
   * With slow readers: holds with every reader at full speed (the `calm` phase, unjudged; the
   * healthy connections' figures in it are what the hold's are set against), then tells the slow
   * shards to slow down. False: the run ends.
   */
  private async holdCalm(target: number): Promise<boolean> {
    const { scenario, recorder } = this;
    if (scenario.slowShare <= 0) return true;
    if (scenario.calmSec > 0) await this.holdUnjudged('calm', target, scenario.calmSec);
    if (this.stopping) return false;
    this.fleet!.slowDown();
    recorder.event('info', `slow readers slowed down: ${slowReadersInWords(scenario)}`);
    return true;
  }

  /**
   * Holds step i and judges its window. The window is in judgement time: it holds the verdicts
   * of the ticks scheduled during the hold, judged judgeAfterMs after their schedule. False:
   * the run ends (a step that is not stable ends a capacity search).
   */
  private async holdAndJudge(i: number): Promise<boolean> {
    const { scenario, monitor, recorder, plan } = this;
    const target = plan.steps[i]!;
    const stepName = scenario.steps ? 'step' : 'hold';
    const holdStart = Date.now();
    const window = { fromMs: holdStart + plan.judgeAfterMs, toMs: holdStart + scenario.holdSec * 1000 + plan.judgeAfterMs };
    monitor.startWindow();
    const throttledBefore = plan.jail?.cpuThrottling() ?? null;
    const seq = recorder.phase({ name: stepName, ...(scenario.steps ? { step: i } : {}), targetConnections: target, startedMs: window.fromMs });
    while (!this.stopping && Date.now() < window.toMs + 1500) {
      await sleep(1000, this.hooks.signal);
      // A shard silent for 3 s at any moment of the window: the load generator, not the
      // server, was the limit then (docs/METRICS.md, "Client-bound").
      for (const message of monitor.watchSilence(Date.now())) recorder.event('client-saturated', message);
      this.hooks.progress(holdLine(plan.backend.name, stepName, Date.now() - holdStart, scenario.holdSec, monitor, scenario.intervalMs), true);
    }
    await this.serverSamplesUpTo(window.toMs);
    const throttling = this.reportThrottling(`${stepName}${scenario.steps ? ` ${i}` : ''}`, target, throttledBefore);
    const outcome = this.judgeWindow(i, target, window);
    recorder.phase({ name: stepName, targetConnections: target, startedMs: window.fromMs, endedMs: Math.min(Date.now(), window.toMs), verdict: outcome.verdict, verdictReason: outcome.reason }, seq);
    this.steps.push(outcome);
    return outcome.verdict === 'stable';
  }

  /**
   * Waits, a few seconds at most, for the server's sample of the window's last second. On a
   * starved machine the sampler's timer fires late, and a verdict read before that sample would
   * judge the window on fewer seconds than `show` later reads from the stored run: a host-bound
   * window could be called clean by the runner and host-bound by every page.
   */
  private async serverSamplesUpTo(toMs: number): Promise<void> {
    const last = Math.floor(toMs / 1000) * 1000;
    const giveUpAt = Date.now() + SAMPLE_LAG_LIMIT_MS;
    while (!this.stopping && this.monitor.latestServer && this.monitor.latestServer.t < last && Date.now() < giveUpAt) await sleep(100, this.hooks.signal);
  }

  /**
   * The window's figures as the collector summarizes them (collector/live-timeline.ts) and its
   * verdict by the same judge the summary rewords stored verdicts with: `show`, the site and this
   * verdict read one computation. The quota's throttling reaches it as the cpu-throttling event
   * reportThrottling just recorded.
   */
  private judgeWindow(i: number, target: number, window: { fromMs: number; toMs: number }): StepOutcome {
    const { monitor } = this;
    // Silence is read before the summary: the time the runner spends summarizing is its own, not a shard's.
    for (const message of monitor.watchSilence(Date.now())) this.recorder.event('client-saturated', message);
    const boundBy = [...monitor.saturatedWithin(window), ...monitor.silentInWindow.values()];
    this.clientBound.push(...boundBy);
    const { timeline, summary: w, server } = this.live.window({ ...window, basis: this.scenario.steps ? 'step' : 'hold', step: this.scenario.steps ? i : null, targetConnections: target });
    this.lastWindow = w;
    const { verdict, reason } = judgeSummary(timeline, w, server, { crashes: [...this.crashes], clientBound: boundBy, aborted: this.hooks.signal.aborted || this.harnessFailures.length > 0 });
    if (w.clientCpuWaitMs !== null) this.clientWaitMs = Math.max(this.clientWaitMs ?? 0, w.clientCpuWaitMs);
    // Under a quota that throttled the server, its wait was the quota's: not the machine's limit.
    if (limitOf(w) === 'machine') {
      const said = hostBoundAt(target, w.hostBound!);
      this.hostBound.push(said);
      this.recorder.event('host-bound', said, { hostBound: w.hostBound, serverCpuWaitMs: w.serverCpuWaitMs, hostBusyPctAvg: w.hostBusyPctAvg });
    }
    return { connections: target, verdict, reason };
  }

  /** Under a CPU limit, how often the quota stopped the server: a mean below the limit can hide bursts (each tick) cut short. */
  private reportThrottling(stepLabel: string, connections: number, before: ReturnType<CgroupJail['cpuThrottling']> | null): { periods: number; throttled: number } | null {
    const after = this.plan.jail?.cpuThrottling() ?? null;
    if (!before || !after) return null;
    const periods = after.periods - before.periods;
    const throttled = after.throttled - before.throttled;
    const ms = Math.round(after.throttledMs - before.throttledMs);
    const n = (v: number) => formatValue('count', v);
    const share = formatValue('percent', periods ? (throttled / periods) * 100 : 0);
    this.recorder.event('cpu-throttling', `${stepLabel} at ${n(connections)} connections: the CPU quota throttled the server in ${n(throttled)} of ${n(periods)} periods (${share}), ${formatValue('ms', ms)} in all`, { connections, periods, throttled, throttledMs: ms });
    return { periods, throttled };
  }

  /** Clients first, then the server, then what is left on remote hosts; a last sample of a live server. */
  private async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    const sampler = this.server?.sampler;
    await sampler?.stop();
    if (sampler && !this.serverDown) await sampler.sample().catch(() => undefined);
    await this.fleet?.stop();
    await this.plan.remote.stopClients();
    await this.server?.backend.stop();
    await this.plan.remote.stopServer();
    this.plan.jail?.destroy();
    this.unpin?.();
    this.unpin = undefined;
  }

  /** The verdict and validity, sent last in a batch of their own (nothing else can sink them), and the outcome. */
  private async finalize(): Promise<RunOutcome> {
    const { monitor, recorder, plan } = this;
    const { status, verdict, reason } = runVerdict({ interrupted: this.hooks.signal.aborted, failed: this.failed, harnessFailures: this.harnessFailures, crashes: this.crashes, steps: this.steps, capacity: this.scenario.steps !== undefined });
    const w = this.lastWindow;
    const validity = validityOf({
      clientBound: this.clientBound, harnessFailures: this.harnessFailures, tls: this.tls, maxShardCpuPct: monitor.maxShardCpuPct, maxLoopDelayP99Ms: monitor.maxLoopDelayP99Ms,
      connectionErrors: monitor.connectFailures, missedTicks: monitor.silentTicks, clockUncertaintyMs: plan.remote.server?.clock.uncertaintyMs ?? null, latencyP50Ms: w?.latency.p50Ms ?? null,
      hostBound: this.hostBound, clientWaitMs: this.clientWaitMs,
    });
    if (validity.clockWarning) recorder.event('warning', validity.clockWarning);
    await recorder.sender.flush(30_000);
    recorder.push({ kind: 'run-update', status, verdict, verdictReason: reason, endedMs: Date.now(), validity: validity as unknown as Record<string, unknown> });
    const flushed = await recorder.sender.close(30_000);
    if (flushed.pendingRecords > 0) this.hooks.progress(`! ${flushed.pendingRecords} records could not reach the collector`, false);
    const summary = this.runSummary();
    return { runId: plan.runId, backend: plan.backend.name, backendBuild: plan.info.build, scenario: this.scenario.name, status, verdict, reason, tls: this.tls, port: this.server?.backend.port ?? null, steps: this.steps, figures: this.figures(summary), validity };
  }

  /** The finished run's summary from the live timeline (then closed); null if it cannot be read. */
  private runSummary(): RunSummary | null {
    try {
      return this.live.summary();
    } catch (err) {
      this.hooks.progress(`! the run's figures could not be summarized: ${(err as Error).message}`, false);
      return null;
    } finally {
      this.live.close();
    }
  }

  /** The outcome's figures: the run's summary, as `wsbench show` prints it. */
  private figures(s: RunSummary | null): RunOutcome['figures'] {
    return {
      connections: s?.connections ?? 0,
      deliveredPct: s?.deliveredPct ?? null,
      expected: s?.expected ?? 0,
      missing: s?.missing ?? 0,
      latencyP50Ms: s?.latency.p50Ms ?? null,
      latencyP99Ms: s?.latency.p99Ms ?? null,
      serverRssBytes: s?.steadyRssBytes ?? null,
      bytesPerConn: s?.bytesPerConn ?? null,
      idleRssBytes: s?.idleRssBytes ?? null,
      addedBytesPerConn: s?.addedBytesPerConn ?? null,
      serverCpuPct: s?.cpuPctAvg ?? null,
      maxShardCpuPct: this.monitor.maxShardCpuPct,
    };
  }
}

/** The fleet's slow readers, from the scenario. */
function slowReadersOf(s: Scenario): NonNullable<FleetOptions['slowReaders']> {
  return { share: s.slowShare, reader: { readBytesPerSec: s.slowReadBytesPerSec, stallSec: s.slowStallSec, stallEverySec: s.slowStallEverySec, rcvbufBytes: SLOW_READER_RCVBUF_BYTES } };
}
