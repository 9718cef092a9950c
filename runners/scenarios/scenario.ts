// Named scenarios as plain data, and scenario files. Every scenario, from a preset, flags or a
// file, goes through the one validation of the contract in collector/scenario.ts.
import fs from 'node:fs';
import { ConfigError } from '../../common/errors.ts';
import { SCENARIO_KEYS, validateScenario, type Scenario } from '../../collector/scenario.ts';

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
  baseHoldSec: 0,
  messageBytes: 0,
  slowShare: 0,
  slowReadBytesPerSec: 0,
  slowStallSec: 0,
  slowStallEverySec: 0,
  calmSec: 0,
  churnPerMin: 0,
} as const;

export const PRESETS: Readonly<Record<string, Scenario>> = {
  // 5,000: over the 2,500 between its two levels uWS adds about 10 MB, well clear of the few MB the allocator moves on its own (docs/METRICS.md).
  quick: { ...base, name: 'quick', connections: 5000, connectRatePerSec: 500, holdSec: 20, publishDuringRamp: true, memorySlope: false, baseHoldSec: 10 },
  'seed-100k': { ...base, name: 'seed-100k', connections: 100_000, connectRatePerSec: 560, holdSec: 600, publishDuringRamp: false },
  // Up to 150k, half again the seed's 100k: a ceiling of 100k left uWS's pi4 capacity a lower
  // bound (it held every step), and a search that ends at its ceiling measures nothing. The steps
  // past a backend's limit cost nothing: the search stops at the first step that is not stable.
  capacity: {
    ...base,
    name: 'capacity',
    connections: 150_000,
    steps: Array.from({ length: 15 }, (_, i) => (i + 1) * 10_000),
    connectRatePerSec: 500,
    holdSec: 120,
    publishDuringRamp: true,
  },
  // Slow readers (issue 25): a tenth of the connections read at a quarter of the stream's pace and
  // stop reading for 20 s of every 40 s, after 15 s with everyone at full speed. 16 KB every
  // 500 ms (32 KB/s per reader), so a slow reader owes the server more than the kernel's send
  // buffer (about 1 MB) and uWS's 1 MB limit within the hold; at the seed's 70 bytes every 2 s it
  // would owe 35 bytes a second, which no server notices.
  'slow-consumers': {
    ...base, name: 'slow-consumers', connections: 2000, connectRatePerSec: 500, holdSec: 75, publishDuringRamp: true, memorySlope: false,
    intervalMs: 500, lateMs: 2000, messageBytes: 16_384, slowShare: 0.1, slowReadBytesPerSec: 8192, slowStallSec: 20, slowStallEverySec: 40, calmSec: 15,
  },
  soak: { ...base, name: 'soak', connections: 10_000, connectRatePerSec: 500, holdSec: 3600, publishDuringRamp: false },
};

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
    if (!(key in SCENARIO_KEYS)) throw new ConfigError(`${file}: unknown key "${key}" (known: extends, ${Object.keys(SCENARIO_KEYS).join(', ')})`);
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
