// Whether a run's figures describe the server (docs/METRICS.md, "Validity"), as a pure function
// of what the run saw, so every warning can be tested with fixed values and is worded once.
import { HOST_BOUND, hostBoundWarning } from '../../collector/contention.ts';
import { SEED_CIPHER } from '../backends/tls.ts';

export interface ValidityFacts {
  /** Shards that saturated or fell silent within a judged window (the load generator was the limit). */
  clientBound: string[];
  harnessFailures: string[];
  tls: { protocol: string; cipher: string } | null;
  maxShardCpuPct: number;
  maxLoopDelayP99Ms: number;
  connectionErrors: number;
  missedTicks: number;
  /** A target's clock offset uncertainty; null when server and clients share this machine's clock. */
  clockUncertaintyMs: number | null;
  latencyP50Ms: number | null;
  /** Windows where the machine held the server back (waiting for CPU while others used it). */
  hostBound?: string[];
  /** The load generator's own CPU wait: its busiest shard's median second in its worst judged window (ms); null if unmeasured. */
  clientWaitMs?: number | null;
}

/** A shard that waits this long each second for a CPU timestamps arrivals that much late (the server's host-bound bar). */
export const CLIENT_WAIT_WARN_MS = HOST_BOUND.waitMsPerSec;

export interface Validity {
  valid: boolean;
  generatorSaturated: boolean;
  saturatedShards: string[];
  maxShardCpuPct: number;
  maxLoopDelayP99Ms: number;
  connectionErrors: number;
  clockOffsetBoundMs: number;
  clockWarning?: string;
  missedTicks: number;
  /** The machine, not the server, was the limit in some window: figures are this machine's, a warning. */
  hostBound: boolean;
  /** The load generator's own CPU wait, ms per second (ValidityFacts.clientWaitMs); null when unmeasured. */
  clientCpuWaitMs: number | null;
  tls: { protocol: string; cipher: string } | null;
  /** Every reason the run is not a clean measurement of the server, in words; empty when valid. */
  warnings: string[];
}

export function validityOf(f: ValidityFacts): Validity {
  const warnings: string[] = [];
  if (f.clientBound.length > 0) warnings.push(`the load generator saturated (${f.clientBound.join('; ')}): figures describe the client, not the server`);
  if (f.harnessFailures.length > 0) warnings.push(`the harness failed: ${f.harnessFailures.join('; ')}`);
  const hostBound = hostBoundWarning(f.hostBound ?? []);
  if (hostBound) warnings.push(hostBound);
  if ((f.clientWaitMs ?? 0) >= CLIENT_WAIT_WARN_MS) warnings.push(`the load generator waited ${Math.round(f.clientWaitMs!)} ms/s for a CPU (its busiest shard, median second): arrival times, and so latencies, include up to that much of its own delay`);
  if (f.tls === null) warnings.push('no TLS session was reported: nothing connected');
  else if (f.tls.protocol !== 'TLSv1.3' || f.tls.cipher !== SEED_CIPHER) warnings.push(`negotiated ${f.tls.protocol} ${f.tls.cipher}, not TLSv1.3 ${SEED_CIPHER}`);
  // On one machine probes and server share a clock; a target's offset is known to ± this.
  const bound = f.clockUncertaintyMs ?? 0;
  const clockWarning =
    f.clockUncertaintyMs !== null && f.latencyP50Ms !== null && f.clockUncertaintyMs > f.latencyP50Ms
      ? `the clock offset is known to ±${f.clockUncertaintyMs.toFixed(1)} ms, more than the median latency (${f.latencyP50Ms.toFixed(1)} ms): latencies are approximate`
      : undefined;
  return {
    valid: f.clientBound.length === 0 && f.harnessFailures.length === 0 && f.tls?.protocol === 'TLSv1.3' && f.tls.cipher === SEED_CIPHER,
    generatorSaturated: f.clientBound.length > 0,
    saturatedShards: f.clientBound,
    maxShardCpuPct: f.maxShardCpuPct,
    maxLoopDelayP99Ms: Math.round(f.maxLoopDelayP99Ms * 10) / 10,
    connectionErrors: f.connectionErrors,
    clockOffsetBoundMs: bound,
    ...(clockWarning ? { clockWarning } : {}),
    missedTicks: f.missedTicks,
    hostBound: (f.hostBound?.length ?? 0) > 0,
    clientCpuWaitMs: f.clientWaitMs ?? null,
    tls: f.tls,
    warnings: clockWarning ? [...warnings, clockWarning] : warnings,
  };
}
