// One client shard process: opens its share of the connections at the given rate, checks every
// tick's sequence number, and every second sends its sums, its own CPU, memory and event-loop
// delay to the run. Samples are pushed, never polled: a busy shard cannot delay the run's view
// of it. Every shard histograms each delivery's latency and jitter and keeps each tick's first and
// last arrival; the probe process adds per-tick latency percentiles.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { newLatencyHistogram } from '../../collector/histogram.ts';
import { preciseWallNowMs } from '../../common/wall-clock.ts';
import { CpuWaitMeter } from '../sampler/proc.ts';
import type { TickRecord } from '../../collector/records.ts';
import { readTick, wireFor, type Wire } from './protocol.ts';
import { DeliveryTracker, newConnState, type ConnState, type TickJudgement } from './tracker.ts';
import type { FromShard, ShardConfig, ToShard } from './types.ts';

const send = (message: FromShard) => process.send?.(message);
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {}); // the run stops its shards itself

interface Conn {
  ws: WebSocket;
  state: ConnState;
  topic: string;
  opened: boolean;
  subscribed: boolean;
}

let config: ShardConfig;
let wire: Wire;
let tracker: DeliveryTracker;
let target = 0;
let started = 0;
let inFlight = 0;
let stopping = false;
const conns = new Set<Conn>();
const subscribed = new Set<ConnState>();
const allStates = new Set<ConnState>();
const handshakes = newLatencyHistogram();
const counters = { opened: 0, failed: 0, closed: 0 };
const errors = new Map<string, number>();
let tlsReported = false;
let finalReport: (() => void) | undefined;
const ticks: TickRecord[] = [];

process.on('message', (message: ToShard) => {
  if (message.type === 'start') {
    config = message.config;
    clockOffsetMs = config.clockOffsetMs ?? 0;
    wire = wireFor(config.protocol);
    tracker = new DeliveryTracker({ lateMs: config.lateMs, probe: config.probe, intervalMs: config.intervalMs });
    target = message.target;
    startRamp();
    startSchedule();
    startReporting();
  } else if (message.type === 'target') {
    target = message.target;
  } else if (message.type === 'stop') {
    stop();
  }
});
send({ type: 'hello' });

// The runner's clock: a shard on another host (--clients) is given its host's offset, so its
// schedule, judgements and sample times line up with the server's and the other shards'.
let clockOffsetMs = 0;
const now = () => preciseWallNowMs() - clockOffsetMs;
const wallNow = () => Date.now() - clockOffsetMs;

function localAddress(index: number): string | undefined {
  if (config.localAddresses.length === 0) return undefined;
  return config.localAddresses[Math.floor(index / config.perAddress) % config.localAddresses.length];
}

function connect(index: number): void {
  const topic = config.topics[(config.topicOffset + index) % config.topics.length]!;
  const url = `wss://${config.host}:${config.port}${wire.path(topic)}`;
  const startedMs = now();
  inFlight++;
  const ws = new WebSocket(url, {
    localAddress: localAddress(index),
    ciphers: config.ciphers,
    minVersion: 'TLSv1.3',
    rejectUnauthorized: false,
    perMessageDeflate: false,
    skipUTF8Validation: true,
    handshakeTimeout: 30_000,
  } as WebSocket.ClientOptions);
  const conn: Conn = { ws, state: newConnState(), topic, opened: false, subscribed: false };
  conns.add(conn);
  allStates.add(conn.state);
  const subscribe = () => {
    conn.subscribed = true;
    conn.state.subscribedAtMs = wallNow();
    subscribed.add(conn.state);
  };
  if (!tlsReported) {
    ws.once('upgrade', (res) => {
      if (tlsReported) return;
      tlsReported = true;
      const socket = res.socket as import('node:tls').TLSSocket;
      send({ type: 'tls', protocol: socket.getProtocol() ?? 'unknown', cipher: socket.getCipher().standardName ?? socket.getCipher().name });
    });
  }
  ws.on('open', () => {
    inFlight--;
    conn.opened = true;
    counters.opened++;
    handshakes.recordValue(Math.max(1, Math.round((now() - startedMs) * 1000)));
    if (wire.readyOnOpen) subscribe();
  });
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    const kind = wire.onFrame(text, (reply) => ws.send(reply), topic);
    if (kind === 'tick') {
      if (config.slowMsPerFrame) {
        const until = performance.now() + config.slowMsPerFrame;
        while (performance.now() < until);
      }
      const tick = readTick(text);
      if (tick) tracker.onTick(conn.state, tick.seq, tick.scheduledMs, now());
    } else if (kind === 'ready') {
      subscribe();
    } else if (typeof kind === 'object') {
      noteError(`server refused: ${kind.error}`);
      ws.terminate();
    }
  });
  ws.on('error', (err) => noteError(err.message));
  ws.on('close', () => {
    if (!conn.opened) {
      inFlight--;
      counters.failed++;
    } else {
      counters.closed++;
    }
    conns.delete(conn);
    subscribed.delete(conn.state);
    allStates.delete(conn.state);
  });
}

function noteError(message: string): void {
  const key = message.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, 'ADDR');
  errors.set(key, (errors.get(key) ?? 0) + 1);
}

/** Opens connections at the configured rate with a bounded number of handshakes in flight. */
function startRamp(): void {
  let budget = 0;
  let last = performance.now();
  const pump = () => {
    if (stopping) return;
    const t = performance.now();
    budget = Math.min(budget + ((t - last) / 1000) * config.connectRatePerSec, Math.max(1, config.connectRatePerSec / 10));
    last = t;
    while (budget >= 1 && started < target && inFlight < config.maxInFlight) {
      connect(started++);
      budget--;
    }
    setTimeout(pump, 10);
  };
  pump();
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** A judged tick as the collector stores it: every shard's counts, the probes' arrivals. */
function tickRecord(j: TickJudgement): TickRecord {
  const t = j.tally;
  return {
    kind: 'tick', source: config.source, n: j.n, scheduledMs: j.scheduledMs,
    expectedReceivers: j.expected, delivered: j.delivered, late: j.late, missing: j.missing,
    ...(t ? { receivers: t.receivers } : {}),
    ...(t && t.receivers > 0 ? { firstMs: round3(t.firstMs), lastMs: round3(t.lastMs), spreadMs: round3(t.lastMs - t.firstMs) } : {}),
    ...(j.latency ? { latP50Ms: round3(j.latency.p50Ms), latP99Ms: round3(j.latency.p99Ms), latMaxMs: round3(j.latency.maxMs) } : {}),
  };
}

/** On each tick's schedule, note who expects it; judge it judgeAfterMs later. */
function startSchedule(): void {
  let n = Math.max(1, Math.ceil((wallNow() - config.t0Ms) / config.intervalMs));
  const arm = () => {
    if (stopping) return;
    const due = config.t0Ms + n * config.intervalMs;
    setTimeout(() => {
      if (wallNow() < due) return arm();
      const tick = n++;
      tracker.onSchedule(tick, due, subscribed);
      setTimeout(() => {
        const judged = tracker.evaluate(tick, allStates);
        if (judged) ticks.push(tickRecord(judged));
      }, config.judgeAfterMs);
      arm();
    }, Math.max(0, due - wallNow()));
  };
  arm();
}

function startReporting(): void {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let cpu = process.cpuUsage();
  let wall = performance.now();
  const waitMeter = new CpuWaitMeter();
  waitMeter.sample('self', performance.now());
  let lastT = 0;
  const report = () => {
    // The second boundary just passed; strictly increasing even if a busy loop fired us late.
    const t = Math.max(Math.floor(wallNow() / 1000) * 1000, lastT + 1000);
    lastT = t;
    const cpuNow = process.cpuUsage(cpu);
    const elapsedNow = performance.now();
    const cpuPct = ((cpuNow.user + cpuNow.system) / 1000 / (elapsedNow - wall)) * 100;
    cpu = process.cpuUsage();
    const cpuWaitMs = waitMeter.sample('self', elapsedNow);
    wall = elapsedNow;
    const taken = tracker.take();
    const hs = handshakes.totalCount > 0 ? { hsP50Ms: handshakes.getValueAtPercentile(50) / 1000, hsP99Ms: handshakes.getValueAtPercentile(99) / 1000, hsMaxMs: handshakes.maxValue / 1000 } : {};
    handshakes.reset();
    send({
      type: 'sample',
      sample: {
        kind: 'client', source: config.source, t,
        open: conns.size - inFlight, opened: counters.opened, failed: counters.failed, closed: counters.closed,
        ...hs,
        ...taken.counts,
        ...(taken.lat ? { latP50Ms: taken.lat.p50, latP90Ms: taken.lat.p90, latP99Ms: taken.lat.p99, latMaxMs: taken.lat.max, latHistUs: taken.latHistUs } : {}),
        ...(taken.jit ? { jitP50Ms: taken.jit.p50, jitP99Ms: taken.jit.p99, jitMaxMs: taken.jit.max, jitHistUs: taken.jitHistUs } : {}),
        clumps: taken.clumps,
        ...(taken.spreadMaxMs !== null ? { spreadMaxMs: taken.spreadMaxMs } : {}),
        cpuPct: Math.round(cpuPct * 10) / 10,
        ...(cpuWaitMs !== undefined ? { cpuWaitMs } : {}),
        rssBytes: process.memoryUsage.rss(),
        loopDelayP99Ms: loop.percentile(99) / 1e6,
      },
      ticks: ticks.splice(0),
    });
    counters.opened = counters.failed = counters.closed = 0;
    loop.reset();
    for (const [message, count] of errors) send({ type: 'connect-error', message, count });
    errors.clear();
  };
  finalReport = report;
  const next = () => setTimeout(() => {
    if (stopping) return;
    report();
    next();
  }, 1000 - (wallNow() % 1000) + 5);
  next();
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  // What this shard counted since its last report is sent, not dropped.
  finalReport?.();
  for (const conn of conns) conn.ws.terminate();
  send({ type: 'stopped' });
  setTimeout(() => process.exit(0), 50);
}
