// Named scenarios as plain data, and the one validation every scenario goes through, whether it
// comes from a preset, flags or a scenario file: problems are named by key.
import fs from 'node:fs';
import { ConfigError } from '../../common/errors.ts';

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
}

const base = {
  intervalMs: 2000,
  lateMs: 2000,
  workers: 0,
  symbols: 1,
  compression: false,
  probes: 0,
  saturationCpuPct: 85,
  saturationSec: 10,
  memorySlope: true,
  idleSec: 4,
} as const;

export const PRESETS: Readonly<Record<string, Scenario>> = {
  quick: { ...base, name: 'quick', connections: 1000, connectRatePerSec: 500, holdSec: 30, publishDuringRamp: true, memorySlope: false },
  'seed-100k': { ...base, name: 'seed-100k', connections: 100_000, connectRatePerSec: 560, holdSec: 600, publishDuringRamp: false },
  capacity: {
    ...base,
    name: 'capacity',
    connections: 100_000,
    steps: [10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000],
    connectRatePerSec: 500,
    holdSec: 120,
    publishDuringRamp: true,
  },
  soak: { ...base, name: 'soak', connections: 10_000, connectRatePerSec: 500, holdSec: 3600, publishDuringRamp: false },
};

type Kind = 'int' | 'posint' | 'bool' | 'string' | 'steps';
const KEYS: Record<keyof Scenario, Kind> = {
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
};

/** Checks a complete scenario; `where` prefixes messages (a file name, or "flags"). */
export function validateScenario(s: Scenario, where: string): Scenario {
  const fail = (key: string, problem: string) => {
    throw new ConfigError(`${where}: "${key}" ${problem}`);
  };
  for (const [key, kind] of Object.entries(KEYS) as [keyof Scenario, Kind][]) {
    const value = s[key];
    if (value === undefined) {
      if (key !== 'steps') fail(key, 'is missing');
      continue;
    }
    if (kind === 'int' && !(Number.isInteger(value) && (value as number) >= 0)) fail(key, `must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
    if (kind === 'posint' && !(Number.isInteger(value) && (value as number) >= 1)) fail(key, `must be a whole number ≥ 1, got ${JSON.stringify(value)}`);
    if (kind === 'bool' && typeof value !== 'boolean') fail(key, `must be true or false, got ${JSON.stringify(value)}`);
    if (kind === 'string' && !(typeof value === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(value))) fail(key, `must be 1-64 of A-Z a-z 0-9 . _ -, got ${JSON.stringify(value)}`);
    if (kind === 'steps') {
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => Number.isInteger(v) && v >= 1)) fail(key, 'must be a non-empty list of whole numbers ≥ 1');
      const steps = value as number[];
      if (steps.some((v, i) => i > 0 && v <= steps[i - 1]!)) fail(key, `must increase, got ${steps.join(', ')}`);
    }
  }
  if (s.intervalMs < 50) fail('intervalMs', `must be at least 50, got ${s.intervalMs}`);
  if (s.probes > s.connections) fail('probes', `(${s.probes}) cannot exceed "connections" (${s.connections})`);
  if (s.steps && s.steps[s.steps.length - 1]! > s.connections) fail('steps', `go past "connections" (${s.connections}); raise it or drop the higher steps`);
  if (s.saturationCpuPct > 100) fail('saturationCpuPct', `is a share of one core (≤ 100), got ${s.saturationCpuPct}`);
  return s;
}

/** A scenario file: JSON with "extends" (a preset, default "quick") and any scenario keys. */
export function loadScenarioFile(file: string): Scenario {
  if (!fs.existsSync(file)) throw new ConfigError(`--scenario-file ${file}: no such file`);
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`${file}: must hold a JSON object`);
  const { extends: parent = 'quick', ...rest } = data as Record<string, unknown>;
  if (typeof parent !== 'string' || !PRESETS[parent]) throw new ConfigError(`${file}: "extends" must be one of ${Object.keys(PRESETS).join(', ')}, got ${JSON.stringify(parent)}`);
  for (const key of Object.keys(rest)) {
    if (!(key in KEYS)) throw new ConfigError(`${file}: unknown key "${key}" (known: extends, ${Object.keys(KEYS).join(', ')})`);
  }
  const merged = { ...PRESETS[parent]!, name: (rest.name as string | undefined) ?? `${parent}-custom`, ...rest } as Scenario;
  if (rest.connections !== undefined && rest.steps === undefined && merged.steps) {
    merged.steps = merged.steps.filter((s) => s <= merged.connections);
  }
  return validateScenario(merged, file);
}

export function presetScenario(name: string): Scenario {
  const preset = PRESETS[name];
  if (!preset) throw new ConfigError(`--scenario: unknown scenario "${name}" (choose from ${Object.keys(PRESETS).join(', ')}, or --scenario-file FILE)`);
  return { ...preset, ...(preset.steps ? { steps: [...preset.steps] } : {}) };
}
