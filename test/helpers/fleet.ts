// A client fleet (the real shard processes) for tests that drive the load generator directly,
// against a backend or a misbehaving server fixture, and what it reported.
import type { ClientSample, TickRecord } from '../../collector/records.ts';
import { ClientFleet, type FleetOptions } from '../../runners/client/fleet.ts';
import { sleep } from './backends.ts';

/**
 * A few connections from one shard to 127.0.0.1:port on a fast schedule; overrides say what a test
 * needs. A tick is judged 1.5 s after its schedule (15 intervals): a busy 2-core machine can
 * hold a delivery that long, and a test of what arrives must not count a slow one as missing.
 */
export function fleetOptions(port: number, overrides: Partial<FleetOptions> = {}): FleetOptions {
  return {
    host: '127.0.0.1', port, protocol: 'raw', connections: 3, probes: 3, perShard: 1000, perAddress: 5000,
    connectRatePerSec: 100, maxInFlightPerShard: 10, intervalMs: 100, t0Ms: Date.now(), lateMs: 100, judgeAfterMs: 1500,
    topics: ['stocks/AAPL'], ciphers: 'TLS_AES_128_GCM_SHA256', spreadAddresses: true, bulkClient: 'node', ...overrides,
  };
}

export interface Collected {
  samples: ClientSample[];
  ticks: TickRecord[];
  tls: string[];
}

/** Starts the fleet, ramps it to `total`, lets it run `ms`, stops it, and returns every sample, tick record and negotiated TLS. */
export async function collectFleet(options: FleetOptions, total: number, ms: number): Promise<Collected> {
  return collectFleetWhile(options, total, async () => {
    await sleep(ms);
  });
}

/**
 * As collectFleet, but runs until `enough` says what arrived is enough (asked at every sample),
 * not for a fixed time: on a busy machine ticks are judged later, and a fixed time judges fewer.
 * Fails after `timeoutMs`, saying how much had arrived.
 */
export async function collectFleetUntil(options: FleetOptions, total: number, enough: (got: Collected) => boolean, timeoutMs = 60_000): Promise<Collected> {
  return collectFleetWhile(options, total, (got, onMessage) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not enough arrived in ${timeoutMs} ms: ${got.samples.length} samples, ${got.ticks.length} tick records`)), timeoutMs);
      onMessage(() => {
        if (!enough(got)) return;
        clearTimeout(timer);
        resolve();
      });
    }),
  );
}

async function collectFleetWhile(options: FleetOptions, total: number, hold: (got: Collected, onMessage: (f: () => void) => void) => Promise<void>): Promise<Collected> {
  const fleet = new ClientFleet(options);
  const got: Collected = { samples: [], ticks: [], tls: [] };
  const listeners: (() => void)[] = [];
  fleet.onMessage((m) => {
    if (m.type === 'sample') {
      got.samples.push(m.sample);
      got.ticks.push(...m.ticks);
      for (const listener of listeners) listener();
    } else if (m.type === 'tls') got.tls.push(`${m.protocol} ${m.cipher}`);
  });
  await fleet.start();
  try {
    fleet.ramp(total);
    await hold(got, (f) => listeners.push(f));
  } finally {
    await fleet.stop();
  }
  return got;
}

/** Per tick, every shard's judgement summed: expected, delivered and missing receivers. */
export function judgedTicks(ticks: TickRecord[]): Map<number, { expected: number; delivered: number; missing: number }> {
  const byTick = new Map<number, { expected: number; delivered: number; missing: number }>();
  for (const t of ticks) {
    if (t.delivered === undefined) continue;
    const sum = byTick.get(t.n) ?? { expected: 0, delivered: 0, missing: 0 };
    sum.expected += t.expectedReceivers!;
    sum.delivered += t.delivered;
    sum.missing += t.missing!;
    byTick.set(t.n, sum);
  }
  return byTick;
}
