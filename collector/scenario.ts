// The scenario contract, beside the records that carry it. Write side: what a run asks for
// (Scenario, validated once whether it comes from a preset, flags or a file) and what its run
// record carries (RunScenario: the scenario and what the runner settled for it). Read side: the
// scenario a run recorded, as everything that reads runs back (the summary, the series,
// `wsbench show`, the site) sees it: parsed once, where a run is read (query.ts), into typed
// fields, with what an older run did not record filled in as it ran then. Every other field a
// runner wrote stays beside them, for `show` and the settings diff. Nobody casts it again.
import { ConfigError } from '../common/errors.ts';
import { formatValue } from './metrics.ts';

export interface Scenario {
  name: string;
  /** Connections held in the hold (capacity: the ceiling of the steps). */
  connections: number;
  /** Capacity search: connection counts held one after another, each for holdSec. */
  steps?: number[];
  connectRatePerSec: number;
  holdSec: number;
  intervalMs: number;
  /** A delivery later than this after the tick's schedule counts as late. */
  lateMs: number;
  /** Server processes; 0 = all CPUs. */
  workers: number;
  /** Clients spread round-robin over this many symbols (1 = the seed: everyone on one topic). */
  symbols: number;
  compression: boolean;
  /** Latency probes (part of `connections`); 0 = about 1%, at most 100. */
  probes: number;
  /** false: connect everyone, then start the clock (FIELD-NOTES gotcha 3). */
  publishDuringRamp: boolean;
  /** A client shard at or above this CPU for saturationSec seconds makes the run client-bound. */
  saturationCpuPct: number;
  saturationSec: number;
  /** Hold soak-length runs to a memory-slope verdict. */
  memorySlope: boolean;
  /**
   * Seconds the server is sampled listening with no client before the first connection: its
   * idle memory, which "memory per added connection" subtracts. 0 skips it.
   */
  idleSec: number;
  /**
   * Seconds held at half the connections before ramping to all of them: the lower of the two
   * loaded levels "memory per added connection" is the slope between (docs/METRICS.md). 0 skips
   * it, and the figure falls back to memory above idle. A single hold only: a capacity search's
   * steps are its levels.
   */
  baseHoldSec: number;
  /** Each update's size in bytes (0: the seed's ~70 bytes of JSON; runners/backends/ticker.ts pads it). */
  messageBytes: number;
  /**
   * Slow readers (issue 25): this share of the bulk connections, in shards of their own, reads at
   * most slowReadBytesPerSec (0: no limit) and stops reading for slowStallSec out of every
   * slowStallEverySec, once the calm hold is over. Their deliveries are judged apart from the
   * healthy connections', whose verdict is the run's. 0: everyone reads at full speed.
   */
  slowShare: number;
  slowReadBytesPerSec: number;
  slowStallSec: number;
  /** 0 with a stall: the slow readers stall once, right after the calm hold, then keep their pace. */
  slowStallEverySec: number;
  /**
   * Seconds held with every reader at full speed before the slow ones slow down (the `calm`
   * phase): what the healthy connections' latency is set against, in the same run.
   */
  calmSec: number;
  /**
   * Churn: this share of the healthy bulk connections closes (a close frame) and connects again
   * each minute, TLS handshake included: 0.1 = a tenth a minute. 0: every connection stays.
   */
  churnPerMin: number;
}

/** What a run record's scenario holds: the scenario, and what the runner settled for this run. */
export interface RunScenario extends Scenario {
  /** Probes connected (the scenario's 0 resolved) and when each tick is judged. */
  probes: number;
  judgeAfterMs: number;
  /** Server processes started (the scenario's 0 resolved). */
  workers: number;
  /** The broadcast schedule's origin. */
  t0Ms: number;
  spreadAddresses: boolean;
  perShard: number;
  perAddress: number;
  bulkClient: 'node' | 'native';
  /** Slow readers connected (the scenario's share of the bulk connections), and their sockets' SO_RCVBUF. */
  slowConnections?: number;
  slowRcvbufBytes?: number;
  /** Limits imposed on the server (read back as RecordedLimits), with where they were imposed. */
  profile?: { profile: string | null; memoryBytes?: number; cpuCores?: number; cpus?: string; cpusNote?: string; note: string };
  /** The target's URL, this machine's client addresses, the server's fixed port. */
  target?: string;
  clientAddresses?: string[];
  port?: number;
}

type Kind = 'int' | 'posint' | 'bool' | 'string' | 'steps' | 'share' | 'rate';
export const SCENARIO_KEYS: Readonly<Record<keyof Scenario, Kind>> = {
  name: 'string',
  connections: 'posint',
  steps: 'steps',
  connectRatePerSec: 'posint',
  holdSec: 'posint',
  intervalMs: 'posint',
  lateMs: 'posint',
  workers: 'int',
  symbols: 'posint',
  compression: 'bool',
  probes: 'int',
  publishDuringRamp: 'bool',
  saturationCpuPct: 'posint',
  saturationSec: 'posint',
  memorySlope: 'bool',
  idleSec: 'int',
  baseHoldSec: 'int',
  messageBytes: 'int',
  slowShare: 'share',
  slowReadBytesPerSec: 'int',
  slowStallSec: 'int',
  slowStallEverySec: 'int',
  calmSec: 'int',
  churnPerMin: 'rate',
};

/** Largest update a scenario may ask for: 64 KB (the largest shape the project runs is 16 KB). */
export const MAX_MESSAGE_BYTES = 65_536;

/** Checks a complete scenario; `where` prefixes messages (a file name, or "flags"). */
export function validateScenario(s: Scenario, where: string): Scenario {
  const fail = (key: string, problem: string) => {
    throw new ConfigError(`${where}: "${key}" ${problem}`);
  };
  for (const [key, kind] of Object.entries(SCENARIO_KEYS) as [keyof Scenario, Kind][]) {
    const value = s[key];
    if (value === undefined) {
      if (key !== 'steps') fail(key, 'is missing');
      continue;
    }
    if (kind === 'int' && !(Number.isInteger(value) && (value as number) >= 0)) fail(key, `must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
    if (kind === 'posint' && !(Number.isInteger(value) && (value as number) >= 1)) fail(key, `must be a whole number ≥ 1, got ${JSON.stringify(value)}`);
    if (kind === 'bool' && typeof value !== 'boolean') fail(key, `must be true or false, got ${JSON.stringify(value)}`);
    if (kind === 'string' && !(typeof value === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(value))) fail(key, `must be 1-64 of A-Z a-z 0-9 . _ -, got ${JSON.stringify(value)}`);
    if (kind === 'share' && !(typeof value === 'number' && value >= 0 && value < 1)) fail(key, `must be a share from 0 to below 1 (0.1 = 10%), got ${JSON.stringify(value)}`);
    if (kind === 'rate' && !(typeof value === 'number' && value >= 0 && value <= 60)) fail(key, `must be a share of the connections a minute from 0 to 60 (0.1 = a tenth a minute), got ${JSON.stringify(value)}`);
    if (kind === 'steps') {
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => Number.isInteger(v) && v >= 1)) fail(key, 'must be a non-empty list of whole numbers ≥ 1');
      const steps = value as number[];
      if (steps.some((v, i) => i > 0 && v <= steps[i - 1]!)) fail(key, `must increase, got ${steps.join(', ')}`);
    }
  }
  if (s.intervalMs < 50) fail('intervalMs', `must be at least 50, got ${s.intervalMs}`);
  if (s.probes > s.connections) fail('probes', `(${s.probes}) cannot exceed "connections" (${s.connections})`);
  if (s.steps && s.steps[s.steps.length - 1]! > s.connections) fail('steps', `go past "connections" (${s.connections}); raise it or drop the higher steps`);
  if (s.baseHoldSec > 0 && s.steps) fail('baseHoldSec', 'applies to a single hold; a capacity search\'s steps are its own levels (set it to 0)');
  if (s.baseHoldSec > 0 && baseConnections(s.connections) <= s.probes) fail('baseHoldSec', `needs more connections at half load (${baseConnections(s.connections)}) than probes (${s.probes}); raise "connections" or set it to 0`);
  if (s.messageBytes > MAX_MESSAGE_BYTES) fail('messageBytes', `must be at most ${MAX_MESSAGE_BYTES}, got ${s.messageBytes}`);
  if (s.slowShare > 0) {
    if (s.slowReadBytesPerSec === 0 && s.slowStallSec === 0) fail('slowShare', 'needs "slowReadBytesPerSec" or "slowStallSec": a slow reader that reads at full speed is not slow');
    if (s.steps) fail('slowShare', "applies to a single hold; a capacity search's steps are not judged against a calm hold (drop \"steps\" or set it to 0)");
  } else {
    for (const key of ['slowReadBytesPerSec', 'slowStallSec', 'slowStallEverySec', 'calmSec'] as const) if (s[key] > 0) fail(key, 'applies only with "slowShare" above 0');
  }
  if (s.slowStallEverySec > 0 && s.slowStallEverySec <= s.slowStallSec) fail('slowStallEverySec', `must be longer than "slowStallSec" (${s.slowStallSec}): the readers stall for slowStallSec out of every slowStallEverySec`);
  if (s.saturationCpuPct > 100) fail('saturationCpuPct', `is a share of one core (≤ 100), got ${s.saturationCpuPct}`);
  return s;
}

/** How the slow readers read, in words: "10% of the connections read at most 16 KB/s and stop reading for 20 s of every 40 s". */
export function slowReadersInWords(s: Pick<Scenario, 'slowShare' | 'slowReadBytesPerSec' | 'slowStallSec' | 'slowStallEverySec'>): string {
  if (s.slowShare <= 0) return 'none: every connection reads at full speed';
  const pace = [
    ...(s.slowReadBytesPerSec > 0 ? [`read at most ${formatValue('bytes', s.slowReadBytesPerSec)}/s`] : []),
    ...(s.slowStallSec > 0 ? [s.slowStallEverySec > 0 ? `stop reading for ${s.slowStallSec} s of every ${s.slowStallEverySec} s` : `stop reading for ${s.slowStallSec} s once`] : []),
  ];
  return `${formatValue('percent', s.slowShare * 100)} of the connections ${pace.join(' and ')}`;
}

/** The connections of the base hold: half the hold's, rounded down. */
export const baseConnections = (connections: number): number => Math.floor(connections / 2);

/** Hardware limits imposed on the server (a profile such as pi4, or --memory-limit/--cpu-limit/--server-cpus). */
export interface RecordedLimits {
  /** The profile's name; null for limits given one by one. */
  profile: string | null;
  memoryBytes: number | null;
  cpuCores: number | null;
  /** The server's own CPUs (a cpuset), as a list: "1" or "2-3". */
  cpus: string | null;
}

/** Scenario keys a recorded scenario carries as the scenario has them: 0 in runs before each existed (the seed's ~70-byte messages, no slow readers, no churn). */
type LoadShape = Pick<Scenario, 'messageBytes' | 'slowShare' | 'slowReadBytesPerSec' | 'slowStallSec' | 'slowStallEverySec' | 'calmSec' | 'churnPerMin'>;

export interface RecordedScenario extends LoadShape {
  name: string;
  connections: number | null;
  steps: number[] | null;
  intervalMs: number;
  lateMs: number;
  holdSec: number | null;
  workers: number | null;
  compression: boolean;
  /** The load generator's bulk client: 'native' or 'node' (runs before the native client: node). */
  bulkClient: string;
  memorySlope: boolean;
  /** Seconds held at half load before the hold (0 in runs before it existed). */
  baseHoldSec: number;
  /** The broadcast schedule's origin and when each tick is judged (runs since the per-tick schedule). */
  t0Ms: number | null;
  judgeAfterMs: number | null;
  limits: RecordedLimits | null;
  /** Everything the runner recorded, as it recorded it. */
  [key: string]: unknown;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A stored scenario_json (or a run record's scenario), typed; defaults are those every runner used. */
export function recordedScenario(raw: unknown): RecordedScenario {
  const r = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const p = r.profile && typeof r.profile === 'object' ? (r.profile as Record<string, unknown>) : null;
  const intervalMs = num(r.intervalMs) ?? 2000;
  return {
    ...r,
    name: str(r.name) ?? 'unnamed',
    connections: num(r.connections),
    steps: Array.isArray(r.steps) && r.steps.every((s) => typeof s === 'number') ? (r.steps as number[]) : null,
    intervalMs,
    lateMs: num(r.lateMs) ?? intervalMs,
    holdSec: num(r.holdSec),
    workers: num(r.workers),
    compression: r.compression === true,
    bulkClient: str(r.bulkClient) ?? 'node',
    memorySlope: r.memorySlope === true,
    baseHoldSec: num(r.baseHoldSec) ?? 0,
    messageBytes: num(r.messageBytes) ?? 0,
    slowShare: num(r.slowShare) ?? 0,
    slowReadBytesPerSec: num(r.slowReadBytesPerSec) ?? 0,
    slowStallSec: num(r.slowStallSec) ?? 0,
    slowStallEverySec: num(r.slowStallEverySec) ?? 0,
    calmSec: num(r.calmSec) ?? 0,
    churnPerMin: num(r.churnPerMin) ?? 0,
    t0Ms: num(r.t0Ms),
    judgeAfterMs: num(r.judgeAfterMs),
    limits: p ? { profile: str(p.profile), memoryBytes: num(p.memoryBytes), cpuCores: num(p.cpuCores), cpus: str(p.cpus) } : null,
  };
}

/** A limit's budget in words, the same on every page: "3.41 GB, 1.2 cores". */
export function budgetInWords(l: RecordedLimits): string {
  return [l.memoryBytes !== null ? formatValue('bytes', l.memoryBytes) : 'no memory limit', l.cpuCores === null ? 'all cores' : `${l.cpuCores} core${l.cpuCores === 1 ? '' : 's'}`, ...(l.cpus ? [`CPUs ${l.cpus} of its own`] : [])].join(', ');
}

/** Limits with their profile's name: "pi4: 3.41 GB, 1.2 cores", or "none". */
export const limitsInWords = (l: RecordedLimits | null): string => (l ? `${l.profile ?? 'custom'}: ${budgetInWords(l)}` : 'none');
