// The metric catalogue: every figure wsbench shows, defined once. For each: its key, label, unit,
// how it is formatted, which direction is better, how it aggregates over a window and where it
// comes from (docs/METRICS.md gives the meanings). The collector's queries, `wsbench show`, the
// site's pages, its compare options and the write-ups' chart blocks all read this table, so a
// figure cannot be spelled, scaled or compared two ways. No Node imports: the browser uses it.

/** A window is stable only if at least this share of its expected deliveries arrived. */
export const STABLE_DELIVERED_PCT = 99.99;

/**
 * How a failed window's reason starts when something other than the server was the limit: the
 * machine (host-bound) or the CPU budget a limit imposed (its quota throttled the server). The
 * summary reads a capacity search's limit back from these words.
 */
export const LIMIT_PREFIX = {
  machine: 'host-bound, the limit of this machine, not of the server',
  budget: 'the limit of the CPU budget, not of the server',
} as const;

export type Unit = 'bytes' | 'ms' | 'msPerSecond' | 'percent' | 'cpu' | 'count' | 'connections' | 'perSecond' | 'perMinute' | 'seconds';

/** How a figure is folded over a window of per-second (or per-tick) values. */
export type Aggregation = 'median' | 'mean' | 'max' | 'sum' | 'percentile' | 'slope' | 'derived';

export interface MetricDef {
  key: string;
  /** What a reader sees in tables and axis titles, without the unit. */
  label: string;
  /** The noun in a ratio sentence: "uWS used 12.3x less {noun} than …". */
  noun: string;
  /** The verb of that sentence ("used", "held", "had"). */
  verb: string;
  unit: Unit;
  better: 'lower' | 'higher' | null;
  aggregate: Aggregation;
  /** Where the figure comes from, in words (shown as a tooltip and in docs). */
  source: string;
  /** Compared by ratio (default), or by difference where a ratio means nothing (99.9% vs 100%). */
  compareBy?: 'ratio' | 'difference';
  /** How the value is read from a window (or run) summary, when it is not the summary's field of the same key. */
  read?: (summary: Record<string, any>) => unknown;
  /**
   * `wsbench check`: how much worse than the baseline (a share of it) the figure may get before
   * it counts as a regression. Figures without one are checked only when asked (--threshold).
   */
  regression?: number;
}

/** A chartable series: one value per second, or per tick (the broadcast schedule). */
export interface SeriesDef extends MetricDef {
  grid: 'second' | 'tick';
  /**
   * What a downsampled point stands for: the mean of its seconds (a rate that alternates second by
   * second, like CPU under a 2 s broadcast: its mean is the table's figure, its peak is not), or
   * the worst of them (counts and latencies, where one bad second must survive). Charts shade the
   * bucket's min–max either way and say which in their legend.
   */
  bucket: 'mean' | 'max' | 'min';
  /**
   * The window figure (HEADLINE key) a hold or capacity step gives for this series: what a chart
   * against connections plots for each step, so the chart and the step table print one number.
   * Without one, the chart plots the median of the step's seconds, and says so.
   */
  window?: HeadlineKey;
  /**
   * Read straight from one stored sample field (collector/records.ts STORED_FIELDS): the
   * timeline reads its seconds (query.ts sampledSeconds) and the site charts them, with no code
   * of its own. How one second's samples combine: summed over the server's samplers (a second
   * with a sample that lacks the field has no total: a partial sum would read as a drop), summed
   * over the samples that have it (a field only some sources send: churn's reconnects, which
   * probes never make), or the worst client shard's.
   */
  from?: { table: 'server_samples' | 'client_samples'; field: string; perSecond: 'sum' | 'sumOfSenders' | 'max' };
  /** The run report's chart that draws it (series naming one title share a chart), and its short name in that chart's legend. */
  chart?: string;
  legend?: string;
}

const m = <T extends MetricDef>(def: T): T => def;

/**
 * A metric read straight from one stored sample field, with a window figure of its own: one
 * entry here and nothing else in the read path. The timeline reads its seconds (query.ts), a
 * window summary folds them (summary.ts `sampled`), and it appears as a series in the run
 * report's charts, the replay, compare, the CSV and JSON, and as a figure under the same key in
 * `show`, the run report and compare. Adding one is its source (sampler or client), its record
 * field and column (with a migration), this entry, docs/METRICS.md and a test.
 */
export interface SampledDef extends SeriesDef {
  from: NonNullable<SeriesDef['from']>;
  /** The window figure: how the window's seconds fold. */
  overWindow: 'median' | 'mean' | 'max' | 'sum';
  chart: string;
}

const sampled = (def: Omit<SampledDef, 'grid' | 'aggregate'>): SampledDef => ({ ...def, grid: 'second', aggregate: def.overWindow });

/** Sampled metrics (SampledDef): each a series and, under the same key, a window figure. */
export const SAMPLED = {
  backpressureBytes: sampled({
    key: 'backpressureBytes', label: 'Queued at the server, once a second', noun: 'queued bytes', verb: 'had', unit: 'bytes', better: 'lower', bucket: 'max',
    from: { table: 'server_samples', field: 'backpressureBytes', perSecond: 'sum' }, overWindow: 'max', chart: 'Stuck in backpressure', legend: 'once a second',
    source: "bytes the server had accepted to send but not yet written to its sockets, summed over its processes, read once a second by the backend between ticks (uWS getBufferedAmount, ws bufferedAmount, Socket.IO's transport); the window's worst second. Readers that keep up have drained it by then: the tick-peak reading is the measurement",
  }),
  queuedBytesPeak: sampled({
    key: 'queuedBytesPeak', label: 'Stuck in backpressure (at the tick)', noun: 'bytes stuck in backpressure', verb: 'held', unit: 'bytes', better: 'lower', bucket: 'max',
    from: { table: 'server_samples', field: 'queuedBytesPeak', perSecond: 'sum' }, overWindow: 'max', chart: 'Stuck in backpressure', legend: 'right after each tick',
    source: "bytes the server held for its sockets right after writing each tick, beyond what their kernel buffers took, summed over its processes (uWS getBufferedAmount, ws bufferedAmount, Socket.IO engine.io's write buffer and its transport's); the largest of the window. Bytes owed, not memory: uWS copies a publish into each socket's buffer, while ws and Socket.IO queue one buffer per broadcast for every socket, so their queue can pass the memory it costs (server memory says what it cost)",
  }),
  kernelQueuedBytes: sampled({
    key: 'kernelQueuedBytes', label: "Waiting in the kernel's send buffers", noun: "bytes in the kernel's send buffers", verb: 'held', unit: 'bytes', better: 'lower', bucket: 'max',
    from: { table: 'server_samples', field: 'kernelQueuedBytes', perSecond: 'sum' }, overWindow: 'max', chart: 'Stuck in backpressure', legend: "in the kernel's buffers",
    source: "bytes the server's established sockets had written and the clients had not yet acknowledged (/proc/net/tcp tx_queue on the server's port, read by the sampler about once a second): where a stalled reader's messages wait before the server holds any; the largest of the window",
  }),
  queuedMessagesPeak: sampled({
    key: 'queuedMessagesPeak', label: 'Messages stuck in backpressure (at the tick)', noun: 'messages stuck in backpressure', verb: 'held', unit: 'count', better: 'lower', bucket: 'max',
    from: { table: 'server_samples', field: 'queuedMessagesPeak', perSecond: 'sum' }, overWindow: 'max', chart: 'Messages stuck in backpressure', legend: 'right after each tick',
    source: "messages waiting in the server's own queue right after each tick, where the backend can count them (Socket.IO: engine.io's write buffer; uWS and ws keep bytes only); the largest of the window",
  }),
  droppedMessages: sampled({
    key: 'droppedMessages', label: 'Messages the server dropped (backpressure limit)', noun: 'messages dropped by the server', verb: 'dropped', unit: 'count', better: 'lower', bucket: 'max',
    from: { table: 'server_samples', field: 'droppedMessages', perSecond: 'sum' }, overWindow: 'sum', chart: 'Shed by the server', legend: 'messages dropped',
    source: "messages the server skipped for a socket at its per-socket limit (uWS: a publish skips a socket with 1 MB buffered, maxBackpressure; counted before each publish by that rule, since uWS says nothing); ws and Socket.IO never drop (no figure); summed over the window",
  }),
  closedBacklogged: sampled({
    key: 'closedBacklogged', label: 'Sockets closed with data still queued', noun: 'sockets closed with data queued', verb: 'closed', unit: 'count', better: 'lower', bucket: 'max',
    from: { table: 'server_samples', field: 'closedBacklogged', perSecond: 'sum' }, overWindow: 'sum', chart: 'Shed by the server', legend: 'sockets closed',
    source: "sockets that closed, for whatever reason (the server's ping timeout, the client), while the server still held data for them or had dropped some; summed over the window",
  }),
  reconnects: sampled({
    key: 'reconnects', label: 'Reconnects (churn)', noun: 'reconnects', verb: 'made', unit: 'count', better: null, bucket: 'max',
    from: { table: 'client_samples', field: 'reconnects', perSecond: 'sumOfSenders' }, overWindow: 'sum', chart: 'Churn', legend: 'reconnects a second',
    source: "connections the clients closed on purpose (a close frame) and opened again at once, TLS handshake and all, summed over shards: the scenario's churnPerMin; summed over the window. What the handshakes cost the server is in its CPU",
  }),
  handshakeP99Ms: sampled({
    key: 'handshakeP99Ms', label: 'Connection set-up p99 (worst shard)', noun: 'connection set-up p99', verb: 'had', unit: 'ms', better: 'lower', bucket: 'max',
    from: { table: 'client_samples', field: 'hsP99Ms', perSecond: 'max' }, overWindow: 'max', chart: 'Connection set-up', legend: 'p99, worst shard',
    source: "from connect() to the WebSocket upgrade's answer (TCP, TLS 1.3 and HTTP), each shard's p99 of the connections it opened in that second, the worst shard's; the window's worst second. Only seconds that opened connections: the ramp, and churn",
  }),
} as const satisfies Record<string, SampledDef>;

/** A sampled metric's window figure, read from a summary's `sampled` values. */
const figureOf = (def: SampledDef): MetricDef => ({
  key: def.key, label: def.label, noun: def.noun, verb: def.verb, unit: def.unit, better: def.better, aggregate: def.overWindow, source: def.source,
  read: (summary) => summary.sampled?.[def.key],
});
const sampledFigures = Object.fromEntries(Object.values(SAMPLED).map((d) => [d.key, figureOf(d)])) as { [K in keyof typeof SAMPLED]: MetricDef };

/** Headline figures of a run or of one window of it (RunSummary / WindowSummary fields, and the sampled metrics). */
export const HEADLINE = {
  connections: m({ key: 'connections', label: 'Connections held', noun: 'connections', verb: 'held', unit: 'connections', better: 'higher', aggregate: 'median', source: 'client shards, open connections summed each second; median over the window' }),
  capacityConnections: m({ key: 'capacityConnections', label: 'Capacity (highest stable step)', noun: 'connections', verb: 'held', unit: 'connections', better: 'higher', aggregate: 'derived', source: 'the target of the highest capacity step judged stable' , regression: 0.1}),
  steadyRssBytes: m({ key: 'steadyRssBytes', label: 'Server memory (RSS)', noun: 'memory', verb: 'used', unit: 'bytes', better: 'lower', aggregate: 'median', source: "server processes' RSS summed each second; median over the window" , regression: 0.1}),
  steadyPssBytes: m({ key: 'steadyPssBytes', label: 'Server memory (PSS)', noun: 'memory (PSS)', verb: 'used', unit: 'bytes', better: 'lower', aggregate: 'median', source: "server processes' PSS (/proc/PID/smaps_rollup: a page shared by n processes counts 1/n to each) summed each second; median over the window" }),
  steadyAnonBytes: m({ key: 'steadyAnonBytes', label: 'Server memory (anonymous)', noun: 'anonymous memory', verb: 'used', unit: 'bytes', better: 'lower', aggregate: 'median', source: "server processes' RssAnon (/proc/PID/status: heap and buffers, no code or file pages) summed each second; median over the window" }),
  idleRssBytes: m({ key: 'idleRssBytes', label: 'Idle memory (RSS, no clients)', noun: 'idle memory', verb: 'used', unit: 'bytes', better: 'lower', aggregate: 'median', source: 'server processes listening with no client, sampled for a few seconds before the first connection; median' }),
  idlePssBytes: m({ key: 'idlePssBytes', label: 'Idle memory (PSS, no clients)', noun: 'idle memory (PSS)', verb: 'used', unit: 'bytes', better: 'lower', aggregate: 'median', source: 'as idle memory, in PSS' }),
  idleAnonBytes: m({ key: 'idleAnonBytes', label: 'Idle memory (anonymous, no clients)', noun: 'idle anonymous memory', verb: 'used', unit: 'bytes', better: 'lower', aggregate: 'median', source: 'as idle memory, in RssAnon' }),
  addedBytesPerConn: m({ key: 'addedBytesPerConn', label: 'Memory per added connection', noun: 'memory per added connection', verb: 'used', unit: 'bytes', better: 'lower', aggregate: 'slope', source: 'anonymous memory (heap and buffers, no code pages) one more connection costs: the slope between two loaded levels of the same run, (steady at the hold − steady at half load) / (connections between them); runs without a half-load hold, and capacity steps: (steady − idle) / connections held', regression: 0.15 }),
  aboveIdleBytesPerConn: m({ key: 'aboveIdleBytesPerConn', label: 'Memory per connection above idle', noun: 'memory above idle per connection', verb: 'used', unit: 'bytes', better: 'lower', aggregate: 'derived', source: '(steady − idle anonymous memory) / connections held: at a few thousand connections it depends on how much memory freed at start-up the allocator reuses, so it is a cross-check of the slope, not the figure' }),
  addedRssBytesPerConn: m({ key: 'addedRssBytesPerConn', label: 'Memory per added connection (RSS)', noun: 'RSS per added connection', verb: 'used', unit: 'bytes', better: 'lower', aggregate: 'slope', source: 'as memory per added connection, in RSS: includes code pages mapped on first use, which weigh heavily when the lower level is idle' }),
  bytesPerConn: m({ key: 'bytesPerConn', label: 'Memory per connection, idle included (RSS)', noun: 'total memory per connection', verb: 'used', unit: 'bytes', better: 'lower', aggregate: 'derived', source: 'steady RSS / connections held: the seed\'s figure (2.92 GB / 100k); includes the processes\' baseline' }),
  marginalBytesPerConn: m({ key: 'marginalBytesPerConn', label: 'Memory per added connection, capacity slope (RSS)', noun: 'memory per added connection (slope)', verb: 'used', unit: 'bytes', better: 'lower', aggregate: 'slope', source: 'capacity search: (RSS at the highest stable step − RSS at the first) / (connections between them)' }),
  cpuPctAvg: m({ key: 'cpuPctAvg', label: 'Server CPU (mean)', noun: 'CPU', verb: 'used', unit: 'cpu', better: 'lower', aggregate: 'mean', source: "server processes' user+system CPU summed each second (100% = one core); mean over the window" , regression: 0.15}),
  cpuPctMax: m({ key: 'cpuPctMax', label: 'Server CPU (peak second)', noun: 'peak CPU', verb: 'used', unit: 'cpu', better: 'lower', aggregate: 'max', source: 'the busiest second of the window (100% = one core)' }),
  deliveredPct: m({ key: 'deliveredPct', label: 'Delivered', noun: 'messages delivered', verb: 'delivered', unit: 'percent', better: 'higher', aggregate: 'derived', compareBy: 'difference', source: '(expected − missing) / expected, each tick judged once per connection' , regression: 0.0001}),
  missing: m({ key: 'missing', label: 'Missing messages', noun: 'missing messages', verb: 'had', unit: 'count', better: 'lower', aggregate: 'sum', compareBy: 'difference', source: 'expected ticks not received by their judgement' }),
  late: m({ key: 'late', label: 'Late messages', noun: 'late messages', verb: 'had', unit: 'count', better: 'lower', aggregate: 'sum', compareBy: 'difference', source: 'deliveries more than lateMs after their schedule' }),
  latencyP50Ms: m({ read: (s) => s.latency?.p50Ms, key: 'latencyP50Ms', label: 'Latency p50', noun: 'median latency', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'percentile', source: 'every delivery on every connection, from its tick\'s scheduled time; merged histograms (runs before every delivery was measured: the probes\')' }),
  latencyP99Ms: m({ read: (s) => s.latency?.p99Ms, key: 'latencyP99Ms', label: 'Latency p99', noun: 'latency p99', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'percentile', source: 'every delivery on every connection, from its tick\'s scheduled time; merged histograms (runs before every delivery was measured: the probes\')' , regression: 0.25}),
  latencyMaxMs: m({ read: (s) => s.latency?.maxMs, key: 'latencyMaxMs', label: 'Latency max', noun: 'worst latency', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'max', source: 'the slowest delivery on any connection' }),
  jitterP50Ms: m({ read: (s) => s.jitter?.p50Ms, key: 'jitterP50Ms', label: 'Jitter p50', noun: 'median jitter', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'percentile', source: 'each arrival\'s distance from one interval per tick after its connection\'s previous arrival, every connection; merged histograms' }),
  jitterP99Ms: m({ read: (s) => s.jitter?.p99Ms, key: 'jitterP99Ms', label: 'Jitter p99', noun: 'jitter p99', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'percentile', source: 'each arrival\'s distance from one interval per tick after its connection\'s previous arrival, every connection; merged histograms' }),
  jitterMaxMs: m({ read: (s) => s.jitter?.maxMs, key: 'jitterMaxMs', label: 'Jitter max', noun: 'worst jitter', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'max', source: 'the arrival furthest from its connection\'s rhythm' }),
  probeLatencyP99Ms: m({ read: (s) => s.probeLatency?.p99Ms, key: 'probeLatencyP99Ms', label: 'Latency p99, probes only', noun: 'probe latency p99', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'percentile', source: 'the probe connections\' deliveries alone (about 100, connected first): a cross-check of every delivery\'s figure, and what runs before every delivery was measured give' }),
  probeLatencyMaxMs: m({ read: (s) => s.probeLatency?.maxMs, key: 'probeLatencyMaxMs', label: 'Latency max, probes only', noun: 'worst probe latency', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'max', source: 'the slowest delivery to a probe connection' }),
  expected: m({ key: 'expected', label: 'Expected messages', noun: 'expected messages', verb: 'expected', unit: 'count', better: null, aggregate: 'sum', compareBy: 'difference', source: 'ticks each connection was subscribed for by their schedule, summed over connections and ticks' }),
  received: m({ key: 'received', label: 'Messages received', noun: 'messages received', verb: 'received', unit: 'count', better: null, aggregate: 'sum', compareBy: 'difference', source: 'tick messages the clients received, every connection' }),
  clumps: m({ key: 'clumps', label: 'Clumps', noun: 'clumps', verb: 'had', unit: 'count', better: 'lower', aggregate: 'sum', compareBy: 'difference', source: 'runs of two or more ticks arriving on one connection within a tenth of an interval of each other, summed over connections' }),
  worstSpreadMs: m({ key: 'worstSpreadMs', label: 'Worst tick spread', noun: 'tick spread', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'max', source: 'first to last arrival of one tick over every connection (every shard\'s, merged in the runner\'s clock), worst tick of the window' }),
  serverCpuWaitMs: m({ key: 'serverCpuWaitMs', label: 'Server waited for CPU', noun: 'CPU wait', verb: 'had', unit: 'msPerSecond', better: 'lower', aggregate: 'median', source: 'time the server\'s threads were runnable but not running (/proc/PID/task/TID/schedstat), summed over its processes each second; median over the window' }),
  cpuPctPerKMsgs: m({ read: (s) => (s.cpuPctAvg != null && s.msgsPerSecReceived ? s.cpuPctAvg / (s.msgsPerSecReceived / 1000) : null), key: 'cpuPctPerKMsgs', label: 'Server CPU per 1,000 messages a second', noun: 'CPU per message', verb: 'spent', unit: 'cpu', better: 'lower', aggregate: 'derived', source: 'mean server CPU / (messages received per second / 1,000): what a message costs the server, comparable across loads' }),
  msgsPerSecReceived: m({ key: 'msgsPerSecReceived', label: 'Messages received', noun: 'message rate', verb: 'delivered', unit: 'perSecond', better: null, aggregate: 'mean', source: 'client arrivals per second, mean over the window' }),
  serverCpuWaitMsMax: m({ key: 'serverCpuWaitMsMax', label: 'Server waited for CPU (worst second)', noun: 'worst CPU wait', verb: 'had', unit: 'msPerSecond', better: 'lower', aggregate: 'max', source: 'as the server\'s CPU wait, its worst second in the window' }),
  hostBusyPctAvg: m({ key: 'hostBusyPctAvg', label: 'Host CPUs busy (mean)', noun: 'host CPU', verb: 'used', unit: 'percent', better: null, aggregate: 'mean', compareBy: 'difference', source: 'the whole machine\'s CPUs busy (/proc/stat), every process on it; mean over the window, 100% = every core' }),
  cpuThrottledPct: m({ read: (s) => (s.cpuThrottling?.periods ? (100 * s.cpuThrottling.throttled) / s.cpuThrottling.periods : null), key: 'cpuThrottledPct', label: 'CPU quota throttled', noun: 'quota throttling', verb: 'had', unit: 'percent', better: 'lower', aggregate: 'derived', compareBy: 'difference', source: 'the share of the CPU quota\'s 100 ms periods in which the cgroup stopped the server (cpu.stat), over the window; only under a CPU limit' }),
  clientRssBytesMax: m({ key: 'clientRssBytesMax', label: 'Load generator memory (peak)', noun: 'load generator memory', verb: 'used', unit: 'bytes', better: null, aggregate: 'max', source: 'every client shard\'s RSS summed, the highest second' }),
  clientCpuPctMax: m({ key: 'clientCpuPctMax', label: 'Busiest client shard CPU', noun: 'client CPU', verb: 'used', unit: 'cpu', better: null, aggregate: 'max', source: 'the load generator\'s busiest shard (85% for 10 s makes a run client-bound)' }),
  slowReaders: m({ read: (s) => s.slowReaders?.connections, key: 'slowReaders', label: 'Slow readers', noun: 'slow readers', verb: 'held', unit: 'connections', better: null, aggregate: 'median', source: "connections of the slow readers' shards (the scenario's slowShare), open each second; median over the window. Every other client figure is the healthy readers'" }),
  slowDeliveredPct: m({ read: (s) => s.slowReaders?.deliveredPct, key: 'slowDeliveredPct', label: 'Delivered to slow readers in time', noun: 'messages delivered to slow readers in time', verb: 'delivered', unit: 'percent', better: 'higher', aggregate: 'derived', compareBy: 'difference', source: "(expected − missing) / expected over the slow readers' connections: a tick counts only if it arrived by its judgement, lateMs + one interval after its schedule" }),
  slowLatencyP50Ms: m({ read: (s) => s.slowReaders?.latency?.p50Ms, key: 'slowLatencyP50Ms', label: "Slow readers' latency p50", noun: "slow readers' median latency", verb: 'had', unit: 'ms', better: 'lower', aggregate: 'percentile', source: "every message a slow reader received, from its tick's schedule: how long it was stuck on the way (the server's queue, the kernel's buffers, the reader's own pace)" }),
  slowLatencyP99Ms: m({ read: (s) => s.slowReaders?.latency?.p99Ms, key: 'slowLatencyP99Ms', label: "Slow readers' latency p99", noun: "slow readers' latency p99", verb: 'had', unit: 'ms', better: 'lower', aggregate: 'percentile', source: "every message a slow reader received, from its tick's schedule; merged histograms" }),
  slowLatencyMaxMs: m({ read: (s) => s.slowReaders?.latency?.maxMs, key: 'slowLatencyMaxMs', label: 'Longest a message was stuck (slow readers)', noun: 'longest stuck message', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'max', source: "the slowest message a slow reader received, from its tick's schedule" }),
  slowSkipped: m({ read: (s) => s.slowReaders?.dropped, key: 'slowSkipped', label: 'Messages slow readers never got', noun: 'messages skipped for slow readers', verb: 'skipped', unit: 'count', better: 'lower', aggregate: 'sum', compareBy: 'difference', source: "gaps in the slow readers' sequences: ticks the server never sent them (uWS skips over maxBackpressure), summed over their connections. A reader sees a gap only once it has read up to it: a reader still behind at the end has not seen its gaps, which the server's own count of what it dropped has" }),
  slowClosed: m({ read: (s) => s.slowReaders?.closed, key: 'slowClosed', label: 'Slow readers that saw their connection close', noun: 'slow readers that saw their connection close', verb: 'lost', unit: 'count', better: 'lower', aggregate: 'sum', compareBy: 'difference', source: "slow readers' connections that closed in the window, as the readers saw it: a reader that is not reading cannot see its connection close, so the server's count of sockets it closed with data queued is the fuller one" }),
  calmLatencyP99Ms: m({ read: (s) => s.calm?.latency?.p99Ms, key: 'calmLatencyP99Ms', label: 'Latency p99 before the slow-down', noun: 'latency p99 before the slow-down', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'percentile', source: "the healthy readers' deliveries in the calm hold, while every reader still read at full speed (same run, same connections): what the hold's latency p99 is set against" }),
  calmJitterP99Ms: m({ read: (s) => s.calm?.jitter?.p99Ms, key: 'calmJitterP99Ms', label: 'Jitter p99 before the slow-down', noun: 'jitter p99 before the slow-down', verb: 'had', unit: 'ms', better: 'lower', aggregate: 'percentile', source: "the healthy readers' arrival jitter in the calm hold: what the hold's jitter p99 is set against" }),
  clumpsPerMin: m({ read: (s) => clumpsPerMinute(s), key: 'clumpsPerMin', label: 'Clumps per minute', noun: 'clumps per minute', verb: 'had', unit: 'perMinute', better: 'lower', aggregate: 'derived', source: 'clumps over the window, per minute of it: windows of different lengths (the calm hold, the hold) compared' }),
  calmClumpsPerMin: m({ read: (s) => (s.calm ? clumpsPerMinute(s.calm) : null), key: 'calmClumpsPerMin', label: 'Clumps per minute before the slow-down', noun: 'clumps per minute before the slow-down', verb: 'had', unit: 'perMinute', better: 'lower', aggregate: 'derived', source: "the healthy readers' clumps in the calm hold, per minute of it" }),
  ...sampledFigures,
} as const;

/** A window's clumps per minute of it; null where clumps were not counted. */
function clumpsPerMinute(s: Record<string, any>): number | null {
  const ms = s.window ? s.window.toMs - s.window.fromMs : 0;
  return typeof s.clumps === 'number' && ms > 0 ? (s.clumps * 60_000) / ms : null;
}

export type HeadlineKey = keyof typeof HEADLINE;

const s = (def: SeriesDef): SeriesDef => def;

/** Chartable series: what run pages, the replay, the compare page and write-up blocks can draw. */
export const SERIES: Readonly<Record<string, SeriesDef>> = {
  connections: s({ ...HEADLINE.connections, label: 'Connections (client side)', grid: 'second', window: 'connections', bucket: 'max', aggregate: 'sum', chart: 'Connections' }),
  serverConnections: s({ ...HEADLINE.connections, key: 'serverConnections', label: 'Connections (server side)', grid: 'second', bucket: 'max', aggregate: 'sum', source: "the backend's own count, summed over its processes", chart: 'Connections' }),
  rssBytes: s({ ...HEADLINE.steadyRssBytes, key: 'rssBytes', grid: 'second', window: 'steadyRssBytes', bucket: 'max', aggregate: 'sum', chart: 'Server memory', legend: 'RSS' }),
  pssBytes: s({ ...HEADLINE.steadyPssBytes, key: 'pssBytes', grid: 'second', window: 'steadyPssBytes', bucket: 'max', aggregate: 'sum', from: { table: 'server_samples', field: 'pssBytes', perSecond: 'sum' }, chart: 'Server memory', legend: 'PSS' }),
  anonBytes: s({ ...HEADLINE.steadyAnonBytes, key: 'anonBytes', grid: 'second', window: 'steadyAnonBytes', bucket: 'max', aggregate: 'sum', from: { table: 'server_samples', field: 'anonBytes', perSecond: 'sum' }, chart: 'Server memory', legend: 'anonymous' }),
  cpuPct: s({ ...HEADLINE.cpuPctAvg, key: 'cpuPct', label: 'Server CPU', grid: 'second', window: 'cpuPctAvg', bucket: 'mean', aggregate: 'sum', chart: 'CPU', legend: 'server' }),
  clientCpuPct: s({ ...HEADLINE.clientCpuPctMax, key: 'clientCpuPct', grid: 'second', window: 'clientCpuPctMax', bucket: 'max', chart: 'CPU', legend: 'busiest client shard' }),
  received: s({ key: 'received', label: 'Messages received per second', noun: 'messages received', verb: 'received', unit: 'perSecond', better: null, aggregate: 'sum', grid: 'second', window: 'msgsPerSecReceived', bucket: 'mean', source: 'client arrivals in that second (alternates with the 2 s ticks: read the per-tick series for delivery)' }),
  latencyP50Ms: s({ ...HEADLINE.latencyP50Ms, grid: 'second', window: 'latencyP50Ms', bucket: 'max', chart: 'Latency and tick spread', legend: 'latency p50' }),
  latencyP99Ms: s({ ...HEADLINE.latencyP99Ms, grid: 'second', window: 'latencyP99Ms', bucket: 'max', chart: 'Latency and tick spread', legend: 'latency p99' }),
  spreadMs: s({ ...HEADLINE.worstSpreadMs, key: 'spreadMs', label: 'Tick spread', grid: 'second', window: 'worstSpreadMs', bucket: 'max' }),
  tickExpected: s({ key: 'tickExpected', label: 'Expected per tick', noun: 'expected deliveries', verb: 'expected', unit: 'count', better: null, aggregate: 'sum', grid: 'tick', bucket: 'max', source: 'connections subscribed by the tick\'s schedule, summed over shards', chart: 'Deliveries per tick', legend: 'expected' }),
  tickDelivered: s({ key: 'tickDelivered', label: 'Delivered per tick', noun: 'deliveries', verb: 'delivered', unit: 'count', better: 'higher', aggregate: 'sum', grid: 'tick', bucket: 'min', source: 'connections that had the tick when it was judged', chart: 'Deliveries per tick', legend: 'delivered' }),
  tickMissing: s({ key: 'tickMissing', label: 'Missing per tick', noun: 'missing deliveries', verb: 'had', unit: 'count', better: 'lower', aggregate: 'sum', grid: 'tick', bucket: 'max', source: 'expected − delivered at judgement', chart: 'Missing and late per tick', legend: 'missing' }),
  tickLate: s({ key: 'tickLate', label: 'Late per tick', noun: 'late deliveries', verb: 'had', unit: 'count', better: 'lower', aggregate: 'sum', grid: 'tick', bucket: 'max', source: 'deliveries more than lateMs after the tick\'s schedule', chart: 'Missing and late per tick', legend: 'late' }),
  tickLatencyP99Ms: s({ ...HEADLINE.latencyP99Ms, key: 'tickLatencyP99Ms', label: 'Latency p99 per tick', grid: 'tick', bucket: 'max', source: 'probe deliveries of that tick, from its scheduled time (the per-second series covers every connection)' }),
  tickSpreadMs: s({ ...HEADLINE.worstSpreadMs, key: 'tickSpreadMs', label: 'Spread per tick', grid: 'tick', bucket: 'max', source: 'first to last arrival of that tick over every connection', chart: 'Latency and tick spread', legend: 'spread per tick' }),
  jitterP99Ms: s({ ...HEADLINE.jitterP99Ms, grid: 'second', window: 'jitterP99Ms', bucket: 'max', chart: 'Latency and tick spread', legend: 'jitter p99' }),
  serverCpuWaitMs: s({ ...HEADLINE.serverCpuWaitMs, label: 'Server waited for CPU', grid: 'second', window: 'serverCpuWaitMs', bucket: 'mean', aggregate: 'sum', from: { table: 'server_samples', field: 'cpuWaitMs', perSecond: 'sum' }, chart: 'Waited for a CPU', legend: 'server (all its processes)' }),
  ...SAMPLED,
  slowOpen: s({ ...HEADLINE.slowReaders, key: 'slowOpen', label: 'Slow readers connected', grid: 'second', window: 'slowReaders', bucket: 'max', aggregate: 'sum', chart: 'Connections', legend: 'of them slow readers' }),
  slowLatencyP50Ms: s({ ...HEADLINE.slowLatencyP50Ms, grid: 'second', window: 'slowLatencyP50Ms', bucket: 'max', chart: "Slow readers' latency", legend: 'p50' }),
  slowLatencyP99Ms: s({ ...HEADLINE.slowLatencyP99Ms, grid: 'second', window: 'slowLatencyP99Ms', bucket: 'max', chart: "Slow readers' latency", legend: 'p99' }),
  clientCpuWaitMs: s({ key: 'clientCpuWaitMs', label: 'Busiest client shard waited for CPU', noun: 'client CPU wait', verb: 'had', unit: 'msPerSecond', better: 'lower', aggregate: 'max', grid: 'second', bucket: 'max', source: 'time the load generator\'s busiest shard was runnable but not running (/proc/self/schedstat) that second: the harness starved of CPU beside the server', from: { table: 'client_samples', field: 'cpuWaitMs', perSecond: 'max' }, chart: 'Waited for a CPU', legend: 'busiest client shard' }),
};

export const SERIES_KEYS = Object.keys(SERIES);

/** One point for a bucket of seconds (or ticks), as the catalogue says the series is bucketed. */
export function bucketValue(mode: SeriesDef['bucket'], values: number[]): number {
  if (mode === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
  return mode === 'min' ? Math.min(...values) : Math.max(...values);
}

/** What a downsampled point of a series is, for a legend: "mean per 9 s". */
export const bucketWords = (def: SeriesDef, per: number): string =>
  `${def.bucket === 'mean' ? 'mean' : def.bucket === 'min' ? 'lowest' : 'highest'} per ${per.toLocaleString('en-US')} ${def.grid === 'tick' ? 'ticks' : 's'}, min–max shaded`;

export function seriesDef(key: string): SeriesDef | undefined {
  return Object.hasOwn(SERIES, key) ? SERIES[key] : undefined;
}

// ---- formatting: every number with its unit, in human scale -----------------------------------

const fixed = (x: number, digits: number) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** Two decimals below 10, one above: 4.24 KB, 52.3 KB, 763.6 MB. */
const sig = (x: number) => fixed(x, Math.abs(x) < 10 ? 2 : 1);

export function formatBytes(v: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let x = v;
  let i = 0;
  while (Math.abs(x) >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return `${i === 0 ? fixed(x, 0) : sig(x)} ${units[i]}`;
}

export function formatMs(v: number): string {
  if (Math.abs(v) >= 1000) return `${fixed(v / 1000, 2)} s`;
  return `${fixed(v, Math.abs(v) < 10 ? 2 : 0)} ms`;
}

/** A value in its unit, for tables and counters; null and undefined as an en dash. */
export function formatValue(unit: Unit, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  switch (unit) {
    case 'bytes':
      return formatBytes(v);
    case 'ms':
      return formatMs(v);
    case 'msPerSecond':
      return `${fixed(v, Math.abs(v) < 10 ? 1 : 0)} ms/s`;
    case 'percent':
      return `${fixed(v, v >= 99 ? 3 : 1)}%`;
    case 'cpu':
      return `${fixed(v, Math.abs(v) < 10 ? 1 : 0)}% of a core`;
    case 'count':
      return fixed(v, 0);
    case 'connections':
      return fixed(v, 0);
    case 'perSecond':
      return `${fixed(v, v < 100 ? 1 : 0)}/s`;
    case 'perMinute':
      return `${fixed(v, v < 100 ? 1 : 0)}/min`;
    case 'seconds':
      return `${fixed(v, 0)} s`;
  }
}

export const format = (metric: { unit: Unit }, v: number | null | undefined): string => formatValue(metric.unit, v);

/** A range in one unit: "3.21–4.26 KB", "0.7–1.3% of a core"; two units where they differ ("980 KB–1.20 MB"). */
export function formatRange(metric: { unit: Unit }, low: number | null | undefined, high: number | null | undefined): string {
  const a = format(metric, low);
  const b = format(metric, high);
  const split = (t: string) => /^(-?[\d.,]+)(.*)$/.exec(t);
  const [ma, mb] = [split(a), split(b)];
  return ma && mb && ma[2] === mb[2] ? `${ma[1]}–${b}` : `${a}–${b}`;
}

/** Connections in short form for badges: 60,000 → "60k", 32,804 → "32.8k". */
export function formatConnectionsShort(v: number): string {
  if (v < 1000) return String(Math.round(v));
  const k = v / 1000;
  return `${Number.isInteger(Math.round(k * 10) / 10) ? Math.round(k) : fixed(k, 1)}k`;
}

/**
 * How to draw a series on an axis: a divisor that puts its values in human scale, and the axis
 * title with that unit ("Server memory (RSS), MB").
 */
export function axisScale(metric: { label: string; unit: Unit }, maxAbs: number): { divisor: number; unitLabel: string; title: string } {
  let divisor = 1;
  let unitLabel: string;
  switch (metric.unit) {
    case 'bytes':
      [divisor, unitLabel] = maxAbs >= 1e9 ? [1e9, 'GB'] : maxAbs >= 1e6 ? [1e6, 'MB'] : maxAbs >= 1e3 ? [1e3, 'KB'] : [1, 'bytes'];
      break;
    case 'ms':
      [divisor, unitLabel] = maxAbs >= 2000 ? [1000, 's'] : [1, 'ms'];
      break;
    case 'percent':
      unitLabel = '%';
      break;
    case 'cpu':
      unitLabel = '% of one core';
      break;
    case 'msPerSecond':
      unitLabel = 'ms per second';
      break;
    case 'perSecond':
      unitLabel = 'per second';
      break;
    case 'perMinute':
      unitLabel = 'per minute';
      break;
    case 'seconds':
      unitLabel = 's';
      break;
    default:
      unitLabel = metric.unit === 'connections' ? 'connections' : 'count';
  }
  return { divisor, unitLabel, title: `${metric.label}, ${unitLabel}` };
}

// ---- comparisons with a direction ------------------------------------------------------------

export interface Comparison {
  /** Who did better on this figure, or null when even, unknown or without a better direction. */
  winner: string | null;
  /** larger / smaller, for ratio figures; null when it cannot be computed. */
  factor: number | null;
  /** The factor is a lower bound: the larger value was. */
  atLeast?: boolean;
  /** The sentence a reader sees: "uWS used 12.3x less memory per added connection than Socket.IO". */
  phrase: string;
}

/** A ratio as every page prints it: one decimal and an x (12.0x). */
export const formatFactor = (factor: number): string => `${fixed(factor, 1)}x`;

/** Within this factor two figures count as even (the machines are noisy). */
export const EVEN = 1.05;

/**
 * Compares one figure of two named subjects and says it in words with a direction, never a bare
 * "0.52x" whose meaning the reader must guess.
 */
export interface Compared {
  name: string;
  value: number | null | undefined;
  /** The value is a lower bound (a capacity search that held every step to its ceiling). */
  atLeast?: boolean;
}

export function compare(metric: MetricDef, a: Compared, b: Compared): Comparison {
  const va = a.value;
  const vb = b.value;
  if (va === null || va === undefined || vb === null || vb === undefined || !Number.isFinite(va) || !Number.isFinite(vb)) {
    return { winner: null, factor: null, phrase: `${metric.label}: not measured for ${va == null ? a.name : b.name}` };
  }
  if (metric.compareBy === 'difference') {
    if (va === vb) return { winner: null, factor: null, phrase: `${a.name} and ${b.name} ${metric.verb} the same: ${format(metric, va)}` };
    const aBetter = metric.better === null ? null : metric.better === 'higher' ? va > vb : va < vb;
    const [w, l, vw, vl] = aBetter === false ? [b.name, a.name, vb, va] : [a.name, b.name, va, vb];
    // A percentage reads by itself ("delivered 100.000%"); a count needs its noun ("had 3 missing messages").
    const noun = metric.unit === 'percent' ? '' : ` ${metric.noun}`;
    return { winner: aBetter === null ? null : w, factor: null, phrase: `${w} ${metric.verb} ${format(metric, vw)}${noun} against ${format(metric, vl)} for ${l}` };
  }
  if (va <= 0 || vb <= 0) {
    return { winner: null, factor: null, phrase: `${metric.label}: ${a.name} ${format(metric, va)}, ${b.name} ${format(metric, vb)} (no ratio of values ≤ 0)` };
  }
  const factor = Math.max(va, vb) / Math.min(va, vb);
  const x = formatFactor(factor);
  // A lower bound (a search that held its ceiling) against a measured value: when the bound is
  // the larger value, the ratio is a lower bound too ("at least 2.5x"); when the smaller value is
  // a bound, or both are, there is no ratio to give.
  const larger = va > vb ? a : vb > va ? b : b.atLeast ? b : a;
  const smaller = larger === a ? b : a;
  if (smaller.atLeast) {
    return { winner: null, factor: null, phrase: `${metric.label}: ${a.name} ${formatBound(metric, va, a.atLeast)}, ${b.name} ${formatBound(metric, vb, b.atLeast)} (${a.atLeast && b.atLeast ? 'both lower bounds' : 'a lower bound'}: no ratio)` };
  }
  if (va === vb && !larger.atLeast) return { winner: null, factor, phrase: `${a.name} and ${b.name} ${metric.verb} the same ${metric.noun}: ${format(metric, va)}` };
  if (factor < EVEN && !larger.atLeast) return { winner: null, factor, phrase: `${a.name} and ${b.name} were even on ${metric.noun} (${x} apart)` };
  const times = larger.atLeast ? `at least ${x}` : x;
  if (metric.better === null) return { winner: null, factor, phrase: `${larger.name} ${metric.verb} ${times} the ${metric.noun} of ${smaller.name}` };
  // The bound wins a tie: it is at least as large.
  const aBetter = metric.better === 'higher' ? larger === a : smaller === a;
  const [w, l] = aBetter ? [a.name, b.name] : [b.name, a.name];
  // Times are "lower"; amounts (memory, CPU, messages) are "less".
  const less = metric.unit === 'ms' ? 'lower' : 'less';
  const phrase = metric.better === 'higher' ? `${w} ${metric.verb} ${times} the ${metric.noun} of ${l}` : `${w} ${metric.verb} ${times} ${less} ${metric.noun} than ${l}`;
  return { winner: w, factor, ...(larger.atLeast ? { atLeast: true } : {}), phrase };
}

/** A value with "≥ " when it is a lower bound. */
export const formatBound = (metric: { unit: Unit }, v: number | null | undefined, atLeast?: boolean): string => `${atLeast && v != null ? '≥ ' : ''}${format(metric, v)}`;

/**
 * Whether a headline figure of a summary is a lower bound: a capacity search that held every step
 * found no limit, only its scenario's ceiling, so its capacity is "at least" that.
 */
export function isLowerBound(summary: Record<string, any>, key: string): boolean {
  return key === 'capacityConnections' && summary.capacity?.ceiling === true;
}

/** Every headline figure of a summary, by catalogue key (null where not measured). */
export function headlineValues(summary: Record<string, any>): Record<HeadlineKey, number | null> {
  return Object.fromEntries(Object.keys(HEADLINE).map((key) => [key, headlineValue(summary, key)])) as Record<HeadlineKey, number | null>;
}

/** A headline figure of a summary (run or window) by catalogue key; works on the site's JSON too. */
export function headlineValue(summary: Record<string, any>, key: string): number | null {
  const def = Object.hasOwn(HEADLINE, key) ? (HEADLINE[key as HeadlineKey] as MetricDef) : undefined;
  const v = def?.read ? def.read(summary) : summary[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
