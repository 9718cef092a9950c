// A client fleet (the real shard processes) for tests that drive the load generator directly,
// against a backend or a misbehaving server fixture, and what it reported.
import type { ClientSample, TickRecord } from '../../collector/records.ts';
import { ClientFleet, type FleetOptions } from '../../runners/client/fleet.ts';
import { sleep } from './backends.ts';

/** A few connections from one shard to 127.0.0.1:port on a fast schedule; overrides say what a test needs. */
export function fleetOptions(port: number, overrides: Partial<FleetOptions> = {}): FleetOptions {
  return {
    host: '127.0.0.1', port, protocol: 'raw', connections: 3, probes: 3, perShard: 1000, perAddress: 5000,
    connectRatePerSec: 100, maxInFlightPerShard: 10, intervalMs: 100, t0Ms: Date.now(), lateMs: 100, judgeAfterMs: 200,
    topics: ['stocks/AAPL'], ciphers: 'TLS_AES_128_GCM_SHA256', spreadAddresses: true, bulkClient: 'node', ...overrides,
  };
}

/** Starts the fleet, ramps it to `total`, lets it run `ms`, stops it, and returns every sample, tick record and negotiated TLS. */
export async function collectFleet(options: FleetOptions, total: number, ms: number) {
  const fleet = new ClientFleet(options);
  const samples: ClientSample[] = [];
  const ticks: TickRecord[] = [];
  const tls: string[] = [];
  fleet.onMessage((m) => {
    if (m.type === 'sample') {
      samples.push(m.sample);
      ticks.push(...m.ticks);
    } else if (m.type === 'tls') tls.push(`${m.protocol} ${m.cipher}`);
  });
  await fleet.start();
  fleet.ramp(total);
  await sleep(ms);
  await fleet.stop();
  return { samples, ticks, tls };
}
