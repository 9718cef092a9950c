// The scenario a run recorded, as everything that reads runs back (the summary, the series,
// `wsbench show`, the site) sees it: parsed once, where a run is read (query.ts), into typed
// fields, with what an older run did not record filled in as it ran then. Every other field a
// runner wrote stays beside them, for `show` and the settings diff. Nobody casts it again.
import { formatValue } from './metrics.ts';

/** Hardware limits imposed on the server (a profile such as pi4, or --memory-limit/--cpu-limit/--server-cpus). */
export interface RecordedLimits {
  /** The profile's name; null for limits given one by one. */
  profile: string | null;
  memoryBytes: number | null;
  cpuCores: number | null;
  /** The server's own CPUs (a cpuset), as a list: "1" or "2-3". */
  cpus: string | null;
}

export interface RecordedScenario {
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
