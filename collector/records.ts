// The records a batch carries, and their validation: each field is checked once, at the edge,
// and a bad one is named with its record kind and NDJSON line (METRICS.md gives the meanings).
import { IngestError } from './errors.ts';
import type { RunScenario } from './scenario.ts';

/** First line of every batch. `batch` makes a retry idempotent; `run` is the run it belongs to. */
export interface BatchHeader {
  batch: string;
  run: string;
}

export type RunStatus = 'running' | 'completed' | 'aborted' | 'crashed' | 'failed';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'aborted', 'crashed', 'failed'];

export type Verdict = 'stable' | 'unstable' | 'crashed' | 'aborted' | 'client-bound';
export const VERDICTS: readonly Verdict[] = ['stable', 'unstable', 'crashed', 'aborted', 'client-bound'];

/** Creates the run. Scenario and environment are kept whole: every result carries its setup. */
export interface RunRecord {
  kind: 'run';
  name: string;
  /**
   * A runner of this version sends a RunScenario (collector/scenario.ts); ingestion also accepts
   * what older runners sent (a name and any fields), and readers parse it once with
   * recordedScenario.
   */
  scenario: RunScenario | ({ name: string } & Record<string, unknown>);
  /** One of repeated runs (wsbench run --repeat): the series' id, this run's place in the order they ran (0 first), and how many runs the series planned. */
  series?: { id: string; seq: number; of: number };
  backend: { name: string; version?: string; build?: string; label?: string; title?: string; color?: string; protocol?: string };
  env: {
    host?: string;
    cpuModel?: string;
    cores?: number;
    memTotalBytes?: number;
    os?: string;
    kernel?: string;
    node?: string;
    limits?: Record<string, unknown>;
  } & Record<string, unknown>;
  startedMs: number;
  status?: RunStatus;
  notes?: string;
  /** The process driving the run, so a later command can tell it is gone (collector/abandoned.ts). */
  runner?: { host: string; pid: number };
}

/** Later facts about the run: negotiated TLS, status, verdict, end. */
export interface RunUpdateRecord {
  kind: 'run-update';
  status?: RunStatus;
  verdict?: Verdict;
  verdictReason?: string;
  endedMs?: number;
  tlsVersion?: string;
  tlsCipher?: string;
  backendVersion?: string;
  backendBuild?: string;
  notes?: string;
  validity?: Record<string, unknown>;
  /** The runner is alive at this time (sent every few seconds while the run lasts). */
  heartbeatMs?: number;
}

export interface ProcessSample {
  pid: number;
  role: string;
  rssBytes: number;
  /** Proportional set size (/proc/PID/smaps_rollup): shared pages split between their users. */
  pssBytes?: number;
  /** RssAnon (/proc/PID/status): resident anonymous memory, the heap and buffers, no code pages. */
  anonBytes?: number;
  cpuUserPct: number;
  cpuSysPct: number;
  /** Time runnable but not running (each thread's /proc/PID/task/TID/schedstat), ms per second: it waited for a CPU. */
  cpuWaitMs?: number;
  /** This process's largest queue for its sockets right after a publish, in this second (schema 8). */
  queuedBytesPeak?: number;
}

/** One second of the server side, from the sampler: totals over all backend processes. */
export interface ServerSample {
  kind: 'server';
  source: string;
  t: number;
  rssBytes: number;
  /** Sum of the processes' PSS, where the kernel has smaps_rollup (Linux ≥ 4.14). */
  pssBytes?: number;
  /** Sum of the processes' RssAnon (Linux ≥ 4.5). */
  anonBytes?: number;
  cpuUserPct: number;
  cpuSysPct: number;
  /** Sum of the processes' CPU wait, ms per second (see ProcessSample.cpuWaitMs). */
  cpuWaitMs?: number;
  /** The server's CPUs busy, all of them together (100% = every one), from /proc/stat: the whole host's, or its cpuset's. */
  hostBusyPct?: number;
  /** How many CPUs hostBusyPct covers: the host's, or the server's cpuset's. */
  hostCpus?: number;
  memAvailableBytes?: number;
  load1?: number;
  tempC?: number;
  connections?: number;
  backpressureBytes?: number;
  /** The processes' queue right after each publish, the largest in this second, summed (schema 8; runners/backends/queue-watch.ts). */
  queuedBytesPeak?: number;
  /** Messages in that queue, where the backend can tell (Socket.IO: engine.io's write buffer). */
  queuedMessagesPeak?: number;
  /** Messages dropped over the backend's per-socket limit in this second (uWS maxBackpressure). */
  droppedMessages?: number;
  /** Sockets that closed in this second while the server held or dropped data for them. */
  closedBacklogged?: number;
  /** Bytes in the kernel's send buffers of the server's established sockets, not yet acknowledged (/proc/net/tcp tx_queue), and how many sockets held some. */
  kernelQueuedBytes?: number;
  kernelQueuedSockets?: number;
  published?: number;
  procs?: ProcessSample[];
}

/** Delivery counters (docs/METRICS.md): arrivals, and judgements of expected ticks. */
export interface DeliveryCounts {
  received: number;
  expected: number;
  duplicate: number;
  outOfOrder: number;
  dropped: number;
  late: number;
  missing: number;
}

/** One second of one client shard (or the probe process): counters summed over its sockets. */
export interface ClientSample extends DeliveryCounts {
  kind: 'client';
  source: string;
  t: number;
  open: number;
  opened: number;
  failed: number;
  closed: number;
  hsP50Ms?: number;
  hsP99Ms?: number;
  hsMaxMs?: number;
  latP50Ms?: number;
  latP90Ms?: number;
  latP99Ms?: number;
  latMaxMs?: number;
  /** hdr-histogram-js compressed base64 of this second's delivery latencies, in microseconds. */
  latHistUs?: string;
  /** Each arrival's distance from one interval per tick after the connection's previous one, µs. */
  jitHistUs?: string;
  jitP50Ms?: number;
  jitP99Ms?: number;
  jitMaxMs?: number;
  /** Runs of ticks arriving on one connection within a tenth of an interval of each other. */
  clumps?: number;
  /** Connections churn closed and opened again in this second (schema 9; native shards with churn only). */
  reconnects?: number;
  spreadMaxMs?: number;
  cpuPct?: number;
  /** This shard's CPU wait, ms per second (see ProcessSample.cpuWaitMs). */
  cpuWaitMs?: number;
  rssBytes?: number;
  loopDelayP99Ms?: number;
}

/** One tick's judgement (docs/METRICS.md, "Per tick"): by one shard, or summed over shards. */
export interface TickCounts {
  n: number;
  scheduledMs: number;
  expected: number;
  delivered: number;
  late: number;
  missing: number;
}

/**
 * One shard's view of one tick. Every shard sends its judgement of the tick (expectedReceivers,
 * delivered, late, missing); the probes add arrival times and the latency of that tick.
 */
export interface TickRecord {
  kind: 'tick';
  source: string;
  n: number;
  scheduledMs: number;
  /** Probes: arrivals of this tick counted before its judgement. */
  receivers?: number;
  expectedReceivers?: number;
  /** Connections that had the tick when it was judged. */
  delivered?: number;
  /** Arrivals of this tick more than lateMs after its schedule. */
  late?: number;
  missing?: number;
  latP50Ms?: number;
  latP99Ms?: number;
  latMaxMs?: number;
  firstMs?: number;
  lastMs?: number;
  spreadMs?: number;
  publishLagMs?: number;
}

export interface PhaseRecord {
  kind: 'phase';
  seq: number;
  name: string;
  step?: number;
  targetConnections?: number;
  startedMs: number;
  endedMs?: number;
  verdict?: Verdict;
  verdictReason?: string;
}

export interface EventRecord {
  kind: 'event';
  t: number;
  source: string;
  type: string;
  message: string;
  data?: Record<string, unknown>;
}

export type IngestRecord =
  | RunRecord
  | RunUpdateRecord
  | ServerSample
  | ClientSample
  | TickRecord
  | PhaseRecord
  | EventRecord;

type FieldType = 'int' | 'uint' | 'num' | 'unum' | 'str' | 'obj' | 'arr';
interface Field {
  name: string;
  type: FieldType;
  required?: boolean;
  oneOf?: readonly string[];
}

const f = (name: string, type: FieldType, required = false, oneOf?: readonly string[]): Field => ({
  name,
  type,
  required,
  oneOf,
});

const counters = ['open', 'opened', 'failed', 'closed', 'received', 'expected', 'duplicate', 'outOfOrder', 'dropped', 'late', 'missing'];

const specs: Record<IngestRecord['kind'], readonly Field[]> = {
  run: [
    f('name', 'str', true),
    f('scenario', 'obj', true),
    f('backend', 'obj', true),
    f('env', 'obj', true),
    f('startedMs', 'uint', true),
    f('status', 'str', false, RUN_STATUSES),
    f('notes', 'str'),
    f('runner', 'obj'),
    f('series', 'obj'),
  ],
  'run-update': [
    f('status', 'str', false, RUN_STATUSES),
    f('verdict', 'str', false, VERDICTS),
    f('verdictReason', 'str'),
    f('endedMs', 'uint'),
    f('tlsVersion', 'str'),
    f('tlsCipher', 'str'),
    f('backendVersion', 'str'),
    f('backendBuild', 'str'),
    f('notes', 'str'),
    f('validity', 'obj'),
    f('heartbeatMs', 'uint'),
  ],
  server: [
    f('source', 'str', true),
    f('t', 'uint', true),
    f('rssBytes', 'uint', true),
    f('pssBytes', 'uint'),
    f('anonBytes', 'uint'),
    f('cpuUserPct', 'unum', true),
    f('cpuSysPct', 'unum', true),
    f('cpuWaitMs', 'unum'),
    f('hostBusyPct', 'unum'),
    f('hostCpus', 'uint'),
    f('memAvailableBytes', 'uint'),
    f('load1', 'unum'),
    f('tempC', 'num'),
    f('connections', 'uint'),
    f('backpressureBytes', 'uint'),
    f('queuedBytesPeak', 'uint'),
    f('queuedMessagesPeak', 'uint'),
    f('droppedMessages', 'uint'),
    f('closedBacklogged', 'uint'),
    f('kernelQueuedBytes', 'uint'),
    f('kernelQueuedSockets', 'uint'),
    f('published', 'uint'),
    f('procs', 'arr'),
  ],
  client: [
    f('source', 'str', true),
    f('t', 'uint', true),
    ...counters.map((name) => f(name, 'uint', true)),
    ...['hsP50Ms', 'hsP99Ms', 'hsMaxMs', 'latP50Ms', 'latP90Ms', 'latP99Ms', 'latMaxMs', 'spreadMaxMs'].map((name) =>
      f(name, 'num'),
    ),
    f('latHistUs', 'str'),
    f('jitHistUs', 'str'),
    f('jitP50Ms', 'unum'),
    f('jitP99Ms', 'unum'),
    f('jitMaxMs', 'unum'),
    f('clumps', 'uint'),
    f('reconnects', 'uint'),
    f('cpuPct', 'unum'),
    f('cpuWaitMs', 'unum'),
    f('rssBytes', 'uint'),
    f('loopDelayP99Ms', 'unum'),
  ],
  tick: [
    f('source', 'str', true),
    f('n', 'uint', true),
    f('scheduledMs', 'uint', true),
    f('receivers', 'uint'),
    f('expectedReceivers', 'uint'),
    // Fractional ms: a merged spread across shards is computed from these, below a millisecond too.
    f('firstMs', 'unum'),
    f('lastMs', 'unum'),
    f('spreadMs', 'unum'),
    f('publishLagMs', 'num'),
    f('delivered', 'uint'),
    f('late', 'uint'),
    f('missing', 'uint'),
    // Signed, as in client records: against a remote host's clock, a latency within the offset's
    // uncertainty can read below zero. It is a measurement; refusing it would lose the batch.
    f('latP50Ms', 'num'),
    f('latP99Ms', 'num'),
    f('latMaxMs', 'num'),
  ],
  phase: [
    f('seq', 'uint', true),
    f('name', 'str', true),
    f('step', 'uint'),
    f('targetConnections', 'uint'),
    f('startedMs', 'uint', true),
    f('endedMs', 'uint'),
    f('verdict', 'str', false, VERDICTS),
    f('verdictReason', 'str'),
  ],
  event: [
    f('t', 'uint', true),
    f('source', 'str', true),
    f('type', 'str', true),
    f('message', 'str', true),
    f('data', 'obj'),
  ],
};

const processSpec: readonly Field[] = [
  f('pid', 'uint', true),
  f('role', 'str', true),
  f('rssBytes', 'uint', true),
  f('pssBytes', 'uint'),
  f('anonBytes', 'uint'),
  f('cpuUserPct', 'unum', true),
  f('cpuSysPct', 'unum', true),
  f('cpuWaitMs', 'unum'),
  f('queuedBytesPeak', 'uint'),
];

/** A record field's column: camelCase in snake_case, a sample's time `t` as t_ms. */
export const columnOf = (field: string): string => (field === 't' ? 't_ms' : field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

/**
 * The fields each sample table stores, one column each (columnOf), in the order the records
 * spec them: ingest writes and the timeline reads through these lists, so a new sampled field
 * is its spec line here and its column in a migration (collector/schema.ts), nothing more.
 */
export const STORED_FIELDS = {
  server_samples: specs.server.filter((f) => f.type !== 'arr').map((f) => f.name),
  process_samples: ['source', 't', ...processSpec.map((f) => f.name)],
  client_samples: specs.client.map((f) => f.name),
  ticks: specs.tick.map((f) => f.name),
} as const satisfies Record<string, readonly string[]>;

const MAX_STRING = 64 * 1024;

function typeProblem(value: unknown, type: FieldType): string | undefined {
  switch (type) {
    case 'int':
      return Number.isSafeInteger(value) ? undefined : 'an integer';
    case 'uint':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : 'a non-negative integer';
    case 'num':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'a finite number';
    case 'unum':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : 'a non-negative number';
    case 'str':
      return typeof value === 'string' && value.length <= MAX_STRING ? undefined : `a string of at most ${MAX_STRING} characters`;
    case 'obj':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : 'an object';
    case 'arr':
      return Array.isArray(value) ? undefined : 'an array';
  }
}

function checkFields(obj: Record<string, unknown>, spec: readonly Field[], what: string, line: number): void {
  for (const field of spec) {
    const value = obj[field.name];
    if (value === undefined || value === null) {
      if (field.required) throw new IngestError('bad-record', `${what}: missing field "${field.name}"`, line);
      continue;
    }
    const expected = typeProblem(value, field.type);
    if (expected) {
      throw new IngestError('bad-record', `${what}: field "${field.name}" must be ${expected}, got ${JSON.stringify(value)?.slice(0, 80)}`, line);
    }
    if (field.oneOf && !field.oneOf.includes(value as string)) {
      throw new IngestError('bad-record', `${what}: field "${field.name}" must be one of ${field.oneOf.join(', ')}, got ${JSON.stringify(value)}`, line);
    }
  }
}

/** The backend's label, title and colour end up in pages: short plain strings and a #rrggbb colour only. */
function checkBackendLook(backend: Record<string, unknown>, line: number): void {
  for (const key of ['label', 'title', 'protocol'] as const) {
    const v = backend[key];
    if (v !== undefined && (typeof v !== 'string' || v === '' || v.length > 64)) {
      throw new IngestError('bad-record', `"run" record: field "backend.${key}" must be a string of 1-64 characters`, line);
    }
  }
  const color = backend.color;
  if (color !== undefined && (typeof color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(color))) {
    throw new IngestError('bad-record', `"run" record: field "backend.color" must be a colour like "#0072B2", got ${JSON.stringify(color)?.slice(0, 40)}`, line);
  }
}

/** Checks one parsed NDJSON value; returns it typed or throws IngestError naming the problem. */
export function validateRecord(value: unknown, line: number): IngestRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new IngestError('bad-record', 'a record must be a JSON object', line);
  }
  const obj = value as Record<string, unknown>;
  const kind = obj.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(specs, kind)) {
    throw new IngestError('bad-record', `unknown record kind ${JSON.stringify(kind)} (expected one of ${Object.keys(specs).join(', ')})`, line);
  }
  checkFields(obj, specs[kind as IngestRecord['kind']], `"${kind}" record`, line);
  if (kind === 'run') {
    const scenario = obj.scenario as Record<string, unknown>;
    const backend = obj.backend as Record<string, unknown>;
    if (typeof scenario.name !== 'string' || scenario.name === '') {
      throw new IngestError('bad-record', '"run" record: field "scenario.name" must be a non-empty string', line);
    }
    if (typeof backend.name !== 'string' || backend.name === '') {
      throw new IngestError('bad-record', '"run" record: field "backend.name" must be a non-empty string', line);
    }
    checkBackendLook(backend, line);
  }
  if (kind === 'run' && obj.runner !== undefined) {
    const runner = obj.runner as Record<string, unknown>;
    if (typeof runner.host !== 'string' || runner.host === '' || runner.host.length > 255 || !Number.isSafeInteger(runner.pid) || (runner.pid as number) <= 0) {
      throw new IngestError('bad-record', '"run" record: field "runner" must be {"host": a non-empty string, "pid": a positive integer}', line);
    }
  }
  if (kind === 'run' && obj.series !== undefined) {
    const series = obj.series as Record<string, unknown>;
    const whole = (v: unknown, min: number) => Number.isSafeInteger(v) && (v as number) >= min;
    if (typeof series.id !== 'string' || !RUN_ID.test(series.id) || !whole(series.seq, 0) || !whole(series.of, 1) || (series.seq as number) >= (series.of as number)) {
      throw new IngestError('bad-record', '"run" record: field "series" must be {"id": 1-128 of A-Z a-z 0-9 . _ -, "seq": its place from 0, "of": how many runs, more than seq}', line);
    }
  }
  if (kind === 'server' && obj.procs) {
    (obj.procs as unknown[]).forEach((proc, i) => {
      if (proc === null || typeof proc !== 'object') throw new IngestError('bad-record', `"server" record: procs[${i}] must be an object`, line);
      checkFields(proc as Record<string, unknown>, processSpec, `"server" record procs[${i}]`, line);
    });
  }
  return obj as unknown as IngestRecord;
}

const BATCH_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const RUN_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function validateHeader(value: unknown): BatchHeader {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new IngestError('bad-header', 'the first line must be a header object {"batch": ID, "run": RUN}', 1);
  }
  const { batch, run } = value as Record<string, unknown>;
  if (typeof batch !== 'string' || !BATCH_ID.test(batch)) {
    throw new IngestError('bad-header', 'header field "batch" must be 1-128 characters of A-Z a-z 0-9 . _ : -', 1);
  }
  if (typeof run !== 'string' || !RUN_ID.test(run)) {
    throw new IngestError('bad-header', 'header field "run" must be 1-128 characters of A-Z a-z 0-9 . _ -', 1);
  }
  return { batch, run };
}
